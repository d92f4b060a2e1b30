//! One schema -> a type reference: follows `$ref`s, picks the shape (primitive, array, object,
//! union, enum, literal) and adds what every schema carries (docs, nullability, defaults).

use super::{Cx, Hint, Lowered, append_doc};
use crate::diag::{Pointer, Severity};
use crate::ir::*;
use crate::load::{MAX_REF_DEPTH, Node, Value};
use crate::names;
use crate::schema::{Additional, Schema};
use crate::spec::{literal_of, literal_text};

impl<'a> Cx<'a> {
    pub(super) fn lower_schema(&mut self, node: &'a Node, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let fallback = Lowered::plain(TypeRef::Json);
        if depth > MAX_REF_DEPTH {
            self.error(at, "schema nesting or `$ref` chain is too deep (circular `$ref`?)");
            return fallback;
        }
        let schema = match Schema::read(node, at) {
            Ok(schema) => schema,
            Err((ptr, message)) => {
                self.error(&ptr, message);
                return fallback;
            }
        };
        self.report_notes(&schema);
        let doc = schema.description.map(str::to_owned);
        let slots_before = self.slots.len();
        let mut lowered = self.lower_shape(node, &schema, at, hint, depth);
        lowered.nullable |= schema.says_nullable();
        if doc.is_some() {
            lowered.doc = doc;
        }
        lowered.deprecated |= schema.deprecated;
        if let Some(note) = lowered.note.take() {
            lowered.doc = Some(append_doc(lowered.doc.take(), &note));
        }
        if let (Some(default), None) = (schema.default, &lowered.literal) {
            match literal_text(default) {
                Some(text) if self.default_fits(default, &lowered.ty) => {
                    lowered.doc = Some(append_doc(lowered.doc.take(), &format!("Defaults to `{text}`.")));
                }
                // Null defaults mean "none" and lists or objects are not written into docs.
                None => {}
                Some(text) => {
                    self.report(Severity::Warning, &at.push("default"), format!("default `{text}` does not match the schema; ignored"))
                }
            }
        }
        // A named type made for this very schema carries its docs.
        if let TypeRef::Named(id) = lowered.ty {
            let component = hint.target == Some(id);
            let slot = &mut self.slots[id.0];
            if (component || id.0 >= slots_before) && slot.pointer == *at && slot.doc.is_none() {
                slot.doc = lowered.doc.clone();
            }
            // A deprecated property marks its field; only a deprecated component marks a type.
            if component {
                slot.deprecated |= lowered.deprecated;
            }
        }
        lowered
    }

    pub(super) fn lower_shape(&mut self, node: &'a Node, schema: &Schema<'a>, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        if let Some(reference) = schema.reference {
            return self.lower_reference(reference, at, hint, depth);
        }
        if schema.recursive {
            // `$recursiveRef: "#"` stands for the component it sits in, which carries the
            // `$recursiveAnchor` (the published spec's compound filters nest themselves this way).
            let segments: Vec<_> = at.segments().take(3).collect();
            let component = match segments.as_slice() {
                [a, b, name] if a == "components" && b == "schemas" => self.components.get(name.as_ref()).copied(),
                _ => None,
            };
            return match component {
                Some(id) => Lowered::plain(TypeRef::Named(id)),
                None => {
                    self.error(at, "`$recursiveRef` outside a component schema is not supported");
                    Lowered::plain(TypeRef::Json)
                }
            };
        }
        if let (Some(one_of), Some(_)) = (schema.one_of, schema.any_of) {
            // A value must match one `oneOf` branch and some `anyOf` branch; the `oneOf` says
            // what shapes there are, so it alone is the type, unless it is empty.
            let narrowed = if one_of.is_empty() {
                self.warn(&at.push("oneOf"), "an empty `oneOf` next to `anyOf` is ignored");
                Schema { one_of: None, ..schema.clone() }
            } else {
                self.warn(&at.push("anyOf"), "`anyOf` next to `oneOf` is not checked: values are decoded by the `oneOf` alone");
                Schema { any_of: None, ..schema.clone() }
            };
            return self.lower_shape(node, &narrowed, at, hint, depth);
        }
        if let Some(all_of) = schema.all_of {
            if schema.alternatives().is_some() {
                self.error(&at.push("allOf"), "`allOf` next to `oneOf`/`anyOf` is not supported");
                return Lowered::plain(TypeRef::Json);
            }
            let members = schema.all_of_members();
            let extends_base = |node: &Node| node.get("$ref").and_then(Node::as_str).is_some_and(|r| self.bases.contains(r));
            if let ([(i, only)], None) = (members.as_slice(), schema.properties)
                && !extends_base(only)
            {
                let mut inner = self.lower_schema(only, &at.push("allOf").index(*i), hint, depth + 1);
                // The single member's own docs describe the referenced type, not this use of it.
                inner.doc = None;
                return inner;
            }
            let _ = all_of;
            return self.lower_all_of(node, at, hint, depth);
        }
        if let Some((keyword, branches)) = schema.alternatives() {
            if schema.properties.is_some() {
                return self.lower_object_with_union(schema, (keyword, branches), at, hint, depth);
            }
            return self.lower_alternatives(keyword, branches, schema, at, hint, depth);
        }
        if let Some(values) = schema.enumeration {
            return self.lower_enum(values, schema, at, hint);
        }
        if let Some(value) = schema.constant {
            return match literal_of(value) {
                Some(literal) => Lowered { literal: Some(literal.clone()), ..Lowered::plain(literal_type(&literal)) },
                None => {
                    self.error(&at.push("const"), "only string, boolean and integer `const` values are supported");
                    Lowered::plain(TypeRef::Json)
                }
            };
        }
        let types = schema.non_null_types();
        match types.as_slice() {
            [] if schema.properties.is_some() || !matches!(schema.additional, Additional::No) => self.lower_object(schema, at, hint, depth),
            [] if schema.items.is_some() => self.lower_array(schema, at, hint, depth),
            [] if schema.types.contains(&"null") => Lowered::null_only(),
            [] => Lowered::plain(TypeRef::Json),
            ["string"] if schema.format == Some("binary") => Lowered::plain(TypeRef::File),
            ["string"] => Lowered::plain(TypeRef::String),
            ["integer"] => Lowered::plain(TypeRef::Integer),
            ["number"] => Lowered::plain(TypeRef::Number),
            ["boolean"] => Lowered::plain(TypeRef::Boolean),
            ["array"] => self.lower_array(schema, at, hint, depth),
            ["object"] => self.lower_object(schema, at, hint, depth),
            several => self.primitive_union(several, at, hint),
        }
    }

    /// `type: [string, integer]`: a union of primitives, named after what it holds.
    fn primitive_union(&mut self, several: &[&str], at: &Pointer, hint: &Hint) -> Lowered {
        let variants = several
            .iter()
            .map(|t| {
                let (name, ty) = match *t {
                    "string" => ("String", TypeRef::String),
                    "integer" => ("Integer", TypeRef::Integer),
                    "number" => ("Number", TypeRef::Number),
                    "boolean" => ("Boolean", TypeRef::Boolean),
                    "array" => ("Array", TypeRef::Vec(Box::new(TypeRef::Json))),
                    _ => ("Object", TypeRef::Map(Box::new(TypeRef::Json))),
                };
                Variant {
                    name: name.to_owned(),
                    body: VariantBody::Type(ty),
                    tags: Vec::new(),
                    tag_optional: false,
                    writes_tag: None,
                    kinds: Kinds::default(),
                    doc: None,
                }
            })
            .collect();
        let id = self.slot_for(hint, at);
        if hint.target.is_none() {
            self.slots[id.0].wanted = several.iter().map(|t| names::type_name(t)).collect::<Vec<_>>().join("Or");
        }
        self.slots[id.0].kind = Some(TypeKind::Union(Union { variants, tag: None, unknown: None }));
        Lowered::plain(TypeRef::Named(id))
    }

    pub(super) fn lower_reference(&mut self, reference: &str, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        // A schema `$ref` into this document that points to nothing still has a reading: any
        // JSON value, which accepts whatever the missing schema described.
        if Pointer::from_fragment(reference).is_some_and(|target| self.spec.node_at(&target).is_none()) {
            let message = format!("`$ref` `{reference}` points to nothing; read as any JSON value");
            self.report(Severity::Warning, &at.push("$ref"), message);
            return Lowered::plain(TypeRef::Json);
        }
        let Some((target, node)) = self.resolve(reference, at) else {
            return Lowered::plain(TypeRef::Json);
        };
        if let Some(id) = self.component_at(&target) {
            let (nullable, literal) = self.spec.shallow_facts(node, 0);
            // Without a description of its own, a use of a component borrows the first
            // paragraph of the component's description.
            let doc = self.spec.component_doc(node);
            return Lowered { ty: TypeRef::Named(id), nullable, literal, doc, note: None, deprecated: false };
        }
        // A reference into the middle of the document: lower that node once, named after it.
        if let Some(done) = self.by_pointer.get(&target) {
            return done.clone();
        }
        let name = target.last().map(|s| names::type_name(&s)).unwrap_or_else(|| hint.name.clone());
        let lowered = self.lower_schema(node, &target, &Hint::inline(name), depth + 1);
        self.by_pointer.insert(target, lowered.clone());
        lowered
    }

    pub(super) fn lower_array(&mut self, schema: &Schema<'a>, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let mut note = None;
        let item = match schema.items {
            Some(items) => {
                let lowered = self.lower_schema(items, &at.push("items"), &hint.child("Item"), depth + 1);
                // A list of one possible value keeps its base type; the doc says the value.
                if let Some(literal) = &lowered.literal {
                    note = Some(format!("Each item is `{}`.", literal_display(literal)));
                }
                if lowered.nullable { TypeRef::Option(Box::new(lowered.ty)) } else { lowered.ty }
            }
            None => TypeRef::Json,
        };
        Lowered { note, ..Lowered::plain(TypeRef::Vec(Box::new(item))) }
    }

    /// Whether a scalar default is a value `ty` can hold: the right JSON kind, and one of the
    /// listed values for an enum.
    pub(super) fn default_fits(&self, default: &Node, ty: &TypeRef) -> bool {
        match (&default.value, self.unalias(ty)) {
            (_, TypeRef::Json) => true,
            (Value::String(_), TypeRef::String) => true,
            (Value::Int(_), TypeRef::Integer | TypeRef::Number) => true,
            (Value::Float(_), TypeRef::Number) => true,
            (Value::Bool(_), TypeRef::Boolean) => true,
            (value, TypeRef::Named(id)) => match &self.slots[id.0].kind {
                Some(TypeKind::Enum(e)) => matches!(value, Value::String(s) if e.variants.iter().any(|v| &v.wire == s)),
                Some(TypeKind::OpenString(_)) => matches!(value, Value::String(_)),
                Some(TypeKind::Const(l)) => literal_of(default).as_ref() == Some(l),
                // A union takes a default that fits any of its variants.
                Some(TypeKind::Union(u)) => u.variants.iter().any(|v| match &v.body {
                    VariantBody::Literal(l) => literal_of(default).as_ref() == Some(l),
                    VariantBody::Type(t) => self.default_fits(default, t),
                }),
                // A component lowered later is not known yet; its default is given the benefit
                // of the doubt rather than a false warning.
                None => true,
                _ => false,
            },
            _ => false,
        }
    }
}

pub(super) fn literal_display(literal: &Literal) -> String {
    match literal {
        Literal::String(s) => s.clone(),
        Literal::Bool(b) => b.to_string(),
        Literal::Int(i) => i.to_string(),
    }
}

pub(super) fn literal_type(literal: &Literal) -> TypeRef {
    match literal {
        Literal::String(_) => TypeRef::String,
        Literal::Bool(_) => TypeRef::Boolean,
        Literal::Int(_) => TypeRef::Integer,
    }
}
