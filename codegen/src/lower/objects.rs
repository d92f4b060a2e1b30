//! Object schemas and `allOf` -> one struct: properties merged in order, single-value
//! properties as constants, `additionalProperties` as a catch-all map, a union member flattened.

use std::collections::HashSet;

use super::{Cx, Hint, Lowered};
use crate::diag::{Pointer, Severity};
use crate::ir::*;
use crate::load::{MAX_REF_DEPTH, Node};
use crate::names;
use crate::schema::{Additional, Schema};

/// An object being assembled from a schema and its `allOf` members.
#[derive(Default)]
struct ObjectParts<'a> {
    properties: Vec<(String, &'a Node, Pointer)>,
    required: Vec<String>,
    additional: Option<(Option<&'a Node>, Pointer)>,
    doc: Option<String>,
    /// A union flattened into the object.
    union: Option<UnionMember<'a>>,
}

impl<'a> ObjectParts<'a> {
    /// The parts one object schema gives by itself: its properties, `required` and
    /// `additionalProperties`.
    fn of(schema: &Schema<'a>, at: &Pointer) -> Self {
        let properties: Vec<(String, &'a Node, Pointer)> = schema
            .properties
            .map(|props| props.iter().map(|(k, v)| (k.clone(), v, at.push("properties").push(k))).collect())
            .unwrap_or_default();
        ObjectParts {
            properties,
            required: schema.required.iter().map(|s| (*s).to_owned()).collect(),
            additional: schema.additional.clone_with_pointer(at),
            doc: None,
            union: None,
        }
    }
}

/// The union an object flattens.
enum UnionMember<'a> {
    /// A member of its `allOf` (a union, or a `$ref` to one), at its pointer.
    Member(&'a Node, Pointer),
    /// The object's own `oneOf`/`anyOf`, next to its `properties`.
    Beside { keyword: &'static str, branches: &'a [Node], schema: Box<Schema<'a>>, at: Pointer },
}

impl<'a> Cx<'a> {
    pub(super) fn lower_object(&mut self, schema: &Schema<'a>, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        self.lower_object_parts(ObjectParts::of(schema, at), at, hint, depth)
    }

    /// `properties` next to `oneOf`/`anyOf`, as Mistral's and OpenAI-like specs write shared
    /// fields beside variants: a struct of the common properties with the union flattened into
    /// it (`#[serde(flatten)]`), like an `allOf` of the two. The union's branches decide what
    /// else the object holds; a property both sides name is decoded into both.
    pub(super) fn lower_object_with_union(
        &mut self,
        schema: &Schema<'a>,
        (keyword, branches): (&'static str, &'a [Node]),
        at: &Pointer,
        hint: &Hint,
        depth: usize,
    ) -> Lowered {
        let union = UnionMember::Beside { keyword, branches, schema: Box::new(schema.clone()), at: at.clone() };
        let parts = ObjectParts { union: Some(union), ..ObjectParts::of(schema, at) };
        self.lower_object_parts(parts, at, hint, depth)
    }

    fn lower_object_parts(&mut self, parts: ObjectParts<'a>, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let ObjectParts { properties, required, additional, union, .. } = parts;
        let extra_ty = additional.map(|(node, ptr)| match node {
            None => TypeRef::Json,
            Some(node) => {
                let lowered = self.lower_schema(node, &ptr, &hint.child("Value"), depth + 1);
                if lowered.nullable { TypeRef::Option(Box::new(lowered.ty)) } else { lowered.ty }
            }
        });
        if properties.is_empty() && union.is_none() {
            // No properties: a map when extra properties are described, otherwise free-form JSON.
            return Lowered::plain(match extra_ty {
                Some(value) => TypeRef::Map(Box::new(value)),
                None => TypeRef::Json,
            });
        }
        let id = self.slot_for(hint, at);
        let own_name = hint.name.clone();
        // Claim the slot before lowering fields, so a self-reference sees a struct in progress.
        self.slots[id.0].kind = Some(TypeKind::Struct(Struct { fields: Vec::new(), consts: Vec::new(), extra: None, flatten: None }));
        // Properties become fields once every name is known; single values become constants.
        let mut lowered_fields: Vec<(String, Lowered)> = Vec::new();
        let mut consts = Vec::new();
        for (wire, node, ptr) in properties {
            let field_hint = Hint::inline(format!("{own_name}{}", names::pascal(&wire)));
            let lowered = self.lower_schema(node, &ptr, &field_hint, depth + 1);
            match lowered.literal {
                Some(value) => consts.push(ConstField { wire, value }),
                None => lowered_fields.push((wire, lowered)),
            }
        }
        for name in &required {
            let known = lowered_fields.iter().any(|(wire, _)| wire == name) || consts.iter().any(|c| &c.wire == name);
            if !known {
                let at_required = at.push("required");
                self.report(Severity::Warning, &at_required, format!("required property `{name}` is not among the properties; ignored"));
            }
        }
        let wants: Vec<(String, String)> = lowered_fields.iter().map(|(wire, _)| (wire.clone(), names::field(wire))).collect();
        let mut extra_name = None;
        let mut taken = HashSet::new();
        let flatten = union.map(|member| {
            // Named after the referenced union, or `variant` for an inline one.
            let reference = match &member {
                UnionMember::Member(node, _) => {
                    node.get("$ref").and_then(Node::as_str).and_then(Pointer::from_fragment).and_then(|p| p.last())
                }
                UnionMember::Beside { .. } => None,
            };
            let (field_name, type_name) = match reference {
                Some(target) => (names::field(&target), names::type_name(&target)),
                None => ("variant".to_owned(), format!("{own_name}Variant")),
            };
            let hint = Hint::inline(type_name);
            let lowered = match member {
                UnionMember::Member(node, ptr) => self.lower_schema(node, &ptr, &hint, depth + 1),
                UnionMember::Beside { keyword, branches, schema, at } => {
                    self.lower_alternatives(keyword, branches, &schema, &at, &hint, depth + 1)
                }
            };
            let clash = wants.iter().any(|(_, n)| *n == field_name);
            let field_name = if clash { format!("{field_name}_variant") } else { field_name };
            taken.insert(field_name.clone());
            Flattened { name: field_name, ty: lowered.ty }
        });
        if flatten.is_some() && !consts.is_empty() {
            self.error(at, "an `allOf` that flattens a union next to single-value properties is not supported");
        }
        // Next to a flattened union a catch-all map would also catch the union's keys and
        // write them twice; the union's own unknown-variant handling keeps extras instead.
        let extra_ty = match extra_ty {
            Some(_) if flatten.is_some() => {
                self.report(Severity::Warning, at, "`additionalProperties` next to a union in `allOf` is ignored".to_owned());
                None
            }
            other => other,
        };
        if extra_ty.is_some() {
            // The catch-all map yields its name to a real property of the same name.
            let wanted = "additional_properties".to_owned();
            let clash = wants.iter().any(|(_, n)| *n == wanted);
            let name = if clash { "additional_properties_map".to_owned() } else { wanted };
            taken.insert(name.clone());
            extra_name = Some(name);
        }
        let fields = lowered_fields
            .into_iter()
            .zip(names::assign_unique(&wants, &taken, true))
            .map(|((wire, lowered), name)| Field {
                name,
                required: required.contains(&wire),
                wire,
                ty: lowered.ty,
                nullable: lowered.nullable,
                doc: lowered.doc,
                deprecated: lowered.deprecated,
            })
            .collect();
        let extra = extra_name.zip(extra_ty).map(|(name, value)| CatchAll { name, value });
        self.slots[id.0].kind = Some(TypeKind::Struct(Struct { fields, consts, extra, flatten }));
        Lowered::plain(TypeRef::Named(id))
    }

    pub(super) fn lower_all_of(&mut self, node: &'a Node, at: &Pointer, hint: &Hint, depth: usize) -> Lowered {
        let mut parts = ObjectParts::default();
        self.collect_object(node, at, &mut parts, depth, true);
        let doc = parts.doc.take();
        let mut lowered = self.lower_object_parts(parts, at, hint, depth);
        if lowered.doc.is_none() {
            lowered.doc = doc;
        }
        lowered
    }

    /// Gathers the properties of an `allOf` and its members (recursively) into one object.
    fn collect_object(&mut self, node: &'a Node, at: &Pointer, parts: &mut ObjectParts<'a>, depth: usize, outermost: bool) {
        if depth > MAX_REF_DEPTH {
            self.error(at, "`allOf` nesting is too deep (circular `$ref`?)");
            return;
        }
        let schema = match Schema::read(node, at) {
            Ok(schema) => schema,
            Err((ptr, message)) => return self.error(&ptr, message),
        };
        self.report_notes(&schema);
        if let Some(reference) = schema.reference {
            // A referenced union is flattened whole; look at the target before descending.
            let target = self.resolve(reference, at);
            if let Some((target_ptr, target_node)) = target {
                let is_union = Schema::read(target_node, &target_ptr).is_ok_and(|t| t.alternatives().is_some() && t.properties.is_none());
                if is_union {
                    if parts.union.is_some() {
                        self.error(at, "`allOf` with more than one union member is not supported");
                    } else {
                        parts.union = Some(UnionMember::Member(node, at.clone()));
                    }
                } else {
                    self.collect_object(target_node, &target_ptr, parts, depth + 1, false);
                }
            }
            return;
        }
        if !outermost && schema.alternatives().is_some() && schema.properties.is_none() {
            // A union among the members: its variants are flattened next to the other
            // members' properties (`allOf: [anyOf: [events..], {properties: {stream_id}}]`).
            if parts.union.is_some() {
                self.error(at, "`allOf` with more than one union member is not supported");
            } else {
                parts.union = Some(UnionMember::Member(node, at.clone()));
            }
            return;
        }
        if !outermost && schema.enumeration.is_some() {
            self.error(at, "`allOf` members must be objects; this one is an enum");
            return;
        }
        let types = schema.non_null_types();
        if !(types.is_empty() || types == ["object"]) {
            self.error(at, format!("`allOf` members must be objects; this one is `{}`", types.join("`, `")));
            return;
        }
        if parts.doc.is_none() {
            parts.doc = schema.description.map(str::to_owned);
        }
        for (i, member) in schema.all_of_members() {
            self.collect_object(member, &at.push("allOf").index(i), parts, depth + 1, false);
        }
        if let Some(props) = schema.properties {
            for (name, value) in props {
                let ptr = at.push("properties").push(name);
                // A later member restating a property refines it; keep the first position. One
                // that gives it another type contradicts it: the later one wins, and a warning
                // names both places.
                match parts.properties.iter().position(|(n, _, _)| n == name) {
                    Some(i) => {
                        let (_, earlier, earlier_ptr) = &parts.properties[i];
                        let types = |node: &'a Node| {
                            self.spec
                                .deref(node)
                                .and_then(|n| Schema::read(n, &Pointer::root()).ok())
                                .map(|s| s.non_null_types())
                                .unwrap_or_default()
                        };
                        let (before, after) = (types(earlier), types(value));
                        if !before.is_empty() && !after.is_empty() && before != after {
                            let message = format!(
                                "`allOf` members disagree on the type of `{name}`: `{}` at {earlier_ptr}, `{}` here; the later one is used",
                                before.join("`, `"),
                                after.join("`, `")
                            );
                            self.report(Severity::Warning, &ptr, message);
                        }
                        parts.properties[i] = (name.clone(), value, ptr);
                    }
                    None => parts.properties.push((name.clone(), value, ptr)),
                }
            }
        }
        for name in &schema.required {
            if !parts.required.iter().any(|r| r == name) {
                parts.required.push((*name).to_owned());
            }
        }
        if let Some(extra) = schema.additional.clone_with_pointer(at) {
            parts.additional = Some(extra);
        }
    }
}

impl<'a> Additional<'a> {
    /// The node and pointer of `additionalProperties` when extra properties are allowed.
    pub(super) fn clone_with_pointer(&self, at: &Pointer) -> Option<(Option<&'a Node>, Pointer)> {
        let ptr = at.push("additionalProperties");
        match self {
            Additional::No => None,
            Additional::Any => Some((None, ptr)),
            Additional::Schema(node) => Some((Some(*node), ptr)),
        }
    }
}
