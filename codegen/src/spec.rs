//! The spec as read-only questions: what a schema says, seen through `$ref` and `allOf`
//! without lowering it. Lowering asks these to classify union branches, find tags and decide
//! nullability before it builds any type; nothing here changes state or reports errors.

use indexmap::IndexMap;

use crate::diag::Pointer;
use crate::ir::Literal;
use crate::load::{Document, MAX_REF_DEPTH, Node, Value};
use crate::names;
use crate::schema::Schema;

/// What a schema is, seen without lowering it: enough to classify union branches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shallow {
    /// A plain string.
    String,
    /// A string restricted to listed values.
    StringValues,
    /// Anything else.
    Other,
}

/// A read-only view of a loaded document.
#[derive(Clone, Copy)]
pub(crate) struct SpecView<'a> {
    doc: &'a Document,
}

impl<'a> SpecView<'a> {
    pub(crate) fn new(doc: &'a Document) -> Self {
        SpecView { doc }
    }

    /// The document's root mapping.
    pub(crate) fn root(&self) -> &'a Node {
        &self.doc.root
    }

    /// The node a pointer names, if it exists.
    pub(crate) fn node_at(&self, at: &Pointer) -> Option<&'a Node> {
        self.doc.node_at(at)
    }

    /// Follows `$ref`s (quietly) to the schema that holds content.
    pub(crate) fn deref(&self, node: &'a Node) -> Option<&'a Node> {
        self.doc.deref(node)
    }

    /// Whether a schema (through `$ref`) allows only `null`: such a branch of a union makes the
    /// union nullable instead of adding a variant.
    pub(crate) fn is_null_branch(&self, node: &'a Node) -> bool {
        self.deref(node).and_then(|b| Schema::read(b, &Pointer::root()).ok()).is_some_and(|s| s.is_null_only())
    }

    /// The first paragraph of a referenced schema's description, which a use of the schema
    /// without a description of its own borrows.
    pub(crate) fn component_doc(&self, node: &'a Node) -> Option<String> {
        self.deref(node)
            .and_then(|n| n.get("description"))
            .and_then(Node::as_str)
            .and_then(|d| d.split("\n\n").next())
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty())
    }

    /// Nullability and single value of a schema, following references, without lowering it.
    pub(crate) fn shallow_facts(&self, node: &'a Node, depth: usize) -> (bool, Option<Literal>) {
        if depth > MAX_REF_DEPTH {
            return (false, None);
        }
        let Ok(schema) = Schema::read(node, &Pointer::root()) else {
            return (false, None);
        };
        if let Some(reference) = schema.reference {
            let target = Pointer::from_fragment(reference).and_then(|p| self.node_at(&p));
            return match target {
                Some(target) => {
                    let (nullable, literal) = self.shallow_facts(target, depth + 1);
                    (nullable || schema.says_nullable(), literal)
                }
                None => (false, None),
            };
        }
        let mut nullable = schema.says_nullable();
        if let Some(all_of) = schema.all_of.filter(|l| l.len() == 1) {
            let (inner_nullable, literal) = self.shallow_facts(&all_of[0], depth + 1);
            return (nullable || inner_nullable, literal);
        }
        if let Some((_, branches)) = schema.alternatives() {
            let mut rest = Vec::new();
            for branch in branches {
                let is_null = self.is_null_branch(branch);
                if is_null {
                    nullable = true;
                } else {
                    rest.push(branch);
                }
            }
            if let [only] = rest.as_slice() {
                let (inner_nullable, literal) = self.shallow_facts(only, depth + 1);
                return (nullable || inner_nullable, literal);
            }
            return (nullable, None);
        }
        if let Some(values) = schema.enumeration {
            let non_null: Vec<&Node> = values.iter().filter(|v| v.value != Value::Null).collect();
            nullable |= non_null.len() < values.len();
            if let [one] = non_null.as_slice() {
                return (nullable, literal_of(one));
            }
            return (nullable, None);
        }
        if let Some(value) = schema.constant {
            return (nullable, literal_of(value));
        }
        (nullable, None)
    }
    /// Whether a union branch is a string, a set of strings, or something else.
    pub(crate) fn shallow_kind(&self, node: &'a Node, depth: usize) -> (Shallow, Vec<String>) {
        let Some(node) = self.deref(node) else {
            return (Shallow::Other, Vec::new());
        };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else {
            return (Shallow::Other, Vec::new());
        };
        if depth > MAX_REF_DEPTH {
            return (Shallow::Other, Vec::new());
        }
        if let Some((_, branches)) = schema.alternatives() {
            // A nested union of strings counts as strings too (`anyOf: [string, ChatModel]`).
            let mut kind = Shallow::StringValues;
            let mut values = Vec::new();
            for branch in branches {
                let (k, v) = self.shallow_kind(branch, depth + 1);
                let is_null = self.is_null_branch(branch);
                match k {
                    _ if is_null => {}
                    Shallow::Other => return (Shallow::Other, Vec::new()),
                    Shallow::String => kind = Shallow::String,
                    Shallow::StringValues => values.extend(v),
                }
            }
            return (kind, values);
        }
        let types = schema.non_null_types();
        let stringy = types == ["string"] || (types.is_empty() && (schema.enumeration.is_some() || schema.constant.is_some()));
        if !stringy || schema.properties.is_some() || schema.all_of.is_some() {
            return (Shallow::Other, Vec::new());
        }
        if let Some(values) = schema.enumeration {
            let strings: Vec<String> = values.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
            let nulls = values.iter().filter(|v| v.value == Value::Null).count();
            if strings.len() + nulls == values.len() {
                return (Shallow::StringValues, strings);
            }
            return (Shallow::Other, Vec::new());
        }
        if let Some(value) = schema.constant {
            return match value.as_str() {
                Some(s) => (Shallow::StringValues, vec![s.to_owned()]),
                None => (Shallow::Other, Vec::new()),
            };
        }
        (Shallow::String, Vec::new())
    }
    /// The wanted name of a union variant, from its reference, value, title or type.
    pub(crate) fn variant_name(&self, branch: &'a Node) -> String {
        let reference = branch.get("$ref").and_then(Node::as_str);
        if let Some(last) = reference.and_then(Pointer::from_fragment).and_then(|p| p.last()) {
            return names::type_name(&last);
        }
        let Ok(schema) = Schema::read(branch, &Pointer::root()) else {
            return "Value".to_owned();
        };
        let (_, literal) = self.shallow_facts(branch, 0);
        if let Some(literal) = literal {
            return match literal {
                Literal::String(s) if !s.is_empty() => names::type_name(&s),
                Literal::String(_) => "Empty".to_owned(),
                Literal::Bool(b) => if b { "True" } else { "False" }.to_owned(),
                Literal::Int(i) => format!("Value{}", i.unsigned_abs()),
            };
        }
        if let Some(title) = schema.title {
            return names::type_name(title);
        }
        let types = schema.non_null_types();
        let binary = |node: Option<&Node>| node.and_then(|n| n.get("format")).and_then(Node::as_str) == Some("binary");
        match types.as_slice() {
            ["string"] if schema.format == Some("binary") => "File",
            ["array"] if binary(schema.items) => "Files",
            ["string"] => "String",
            ["integer"] => "Integer",
            ["number"] => "Number",
            ["boolean"] => "Boolean",
            ["array"] => "Array",
            ["object"] => "Object",
            [] if schema.properties.is_some() => "Object",
            [] if schema.items.is_some() => "Array",
            _ => "Value",
        }
        .to_owned()
    }
    pub(crate) fn is_object_schema(&self, node: &'a Node, depth: usize) -> bool {
        let Some(node) = self.deref(node) else { return false };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else { return false };
        // A union is not an object, unless it sits beside properties (then it is a struct).
        if depth > MAX_REF_DEPTH || (schema.alternatives().is_some() && schema.properties.is_none()) {
            return false;
        }
        let types = schema.non_null_types();
        types == ["object"] || (types.is_empty() && (schema.properties.is_some() || schema.all_of.is_some()))
    }
    /// Properties of an object schema (through `$ref` and `allOf`) that allow exactly one string.
    pub(crate) fn fixed_properties(&self, node: &'a Node, depth: usize) -> IndexMap<String, String> {
        let mut out = IndexMap::new();
        let Some(node) = self.deref(node) else { return out };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else { return out };
        if depth > MAX_REF_DEPTH {
            return out;
        }
        if let Some(members) = schema.all_of {
            for member in members {
                out.extend(self.fixed_properties(member, depth + 1));
            }
        }
        if let Some(props) = schema.properties {
            for (name, prop) in props {
                if let (_, Some(Literal::String(value))) = self.shallow_facts(prop, 0) {
                    out.insert(name.clone(), value);
                }
            }
        }
        out
    }
    /// The string values a property may take in an object schema (an enum or a single value).
    pub(crate) fn property_values(&self, node: &'a Node, property: &str, depth: usize) -> Vec<String> {
        let Some(node) = self.deref(node) else { return Vec::new() };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else { return Vec::new() };
        if depth > MAX_REF_DEPTH {
            return Vec::new();
        }
        if let Some(prop) = schema.properties.and_then(|p| p.get(property)) {
            let (kind, values) = self.shallow_kind(prop, 0);
            if kind == Shallow::StringValues {
                return values;
            }
        }
        for member in schema.all_of.unwrap_or_default() {
            let values = self.property_values(member, property, depth + 1);
            if !values.is_empty() {
                return values;
            }
        }
        // A union: every value any of its branches takes.
        let mut values: Vec<String> = Vec::new();
        for branch in schema.alternatives().map(|(_, b)| b).unwrap_or_default() {
            for value in self.property_values(branch, property, depth + 1) {
                if !values.contains(&value) {
                    values.push(value);
                }
            }
        }
        values
    }
    /// Whether a branch selected by `tags` of the tag `property` may leave that property out:
    /// an object that does not list it in `required` (nor does an `allOf` member), or a union
    /// with such an object among its branches.
    pub(crate) fn tag_is_optional(&self, branch: &'a Node, property: Option<&str>, tags: &[String]) -> bool {
        match property {
            Some(property) if !tags.is_empty() && self.takes_objects(branch) => !self.requires(branch, property, 0),
            _ => false,
        }
    }
    /// Whether every object an object schema or union (through `$ref` and `allOf`) accepts has
    /// `property`: it is required, or required by every object branch of the union.
    pub(crate) fn requires(&self, node: &'a Node, property: &str, depth: usize) -> bool {
        let Some(node) = self.deref(node) else { return false };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else { return false };
        if depth > MAX_REF_DEPTH {
            return false;
        }
        if schema.required.contains(&property)
            || schema.all_of.unwrap_or_default().iter().any(|member| self.requires(member, property, depth + 1))
        {
            return true;
        }
        match schema.alternatives() {
            // Branches that are not objects accept no object, so they do not count.
            Some((_, branches)) if schema.properties.is_none() => {
                branches.iter().all(|branch| !self.takes_objects(branch) || self.requires(branch, property, depth + 1))
            }
            _ => false,
        }
    }
    /// Whether a schema accepts objects: an object schema, or a union (whose branches decide).
    pub(crate) fn takes_objects(&self, node: &'a Node) -> bool {
        self.is_object_schema(node, 0) || self.is_union_schema(node)
    }
    /// The components built on the component `base` when it is an object with a discriminator
    /// (and no `oneOf`/`anyOf` of its own): each with the tag values that select it, in document
    /// order. Those its `mapping` names come with the mapping's keys; every other component
    /// whose `allOf` refers to `base` directly is selected by its own name, as OpenAPI says.
    pub(crate) fn subtypes(&self, base: &str) -> Vec<(String, Vec<String>)> {
        let Some(schemas) = self.root().get("components").and_then(|c| c.get("schemas")).and_then(Node::as_map) else {
            return Vec::new();
        };
        let Some(node) = schemas.get(base) else { return Vec::new() };
        let Ok(schema) = Schema::read(node, &Pointer::root()) else { return Vec::new() };
        let Some((_, mapping)) = &schema.discriminator else { return Vec::new() };
        if schema.alternatives().is_some() {
            return Vec::new();
        }
        let target = |reference: &str| {
            Pointer::from_fragment(reference).and_then(|p| match p.segments().collect::<Vec<_>>().as_slice() {
                [a, b, name] if a == "components" && b == "schemas" => Some(name.to_string()),
                _ => None,
            })
        };
        let base_ref = format!("#/components/schemas/{}", base.replace('~', "~0").replace('/', "~1"));
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for (name, candidate) in schemas {
            if name == base {
                continue;
            }
            let mapped: Vec<String> =
                mapping.iter().filter(|(_, t)| target(t).as_deref() == Some(name.as_str())).map(|(tag, _)| (*tag).to_owned()).collect();
            let builds_on = candidate
                .get("allOf")
                .and_then(Node::as_seq)
                .is_some_and(|members| members.iter().any(|m| m.get("$ref").and_then(Node::as_str) == Some(base_ref.as_str())));
            match (mapped.is_empty(), builds_on) {
                (false, _) => out.push((name.clone(), mapped)),
                (true, true) => out.push((name.clone(), vec![name.clone()])),
                (true, false) => {}
            }
        }
        out
    }

    /// Whether a schema (through `$ref`) is a `oneOf`/`anyOf` without properties of its own.
    pub(crate) fn is_union_schema(&self, node: &'a Node) -> bool {
        let Some(node) = self.deref(node) else { return false };
        Schema::read(node, &Pointer::root()).is_ok_and(|s| s.alternatives().is_some() && s.properties.is_none())
    }
}

/// The literal a scalar node holds; `None` for null, floats and structures.
pub(crate) fn literal_of(node: &Node) -> Option<Literal> {
    match &node.value {
        Value::String(s) => Some(Literal::String(s.clone())),
        Value::Bool(b) => Some(Literal::Bool(*b)),
        Value::Int(i) => i64::try_from(*i).ok().map(Literal::Int),
        _ => None,
    }
}

/// A scalar as text for docs (`auto`, `20`, `true`); `None` for structures and null.
pub(crate) fn literal_text(node: &Node) -> Option<String> {
    match &node.value {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Int(i) => Some(i.to_string()),
        Value::Float(f) => Some(f.to_string()),
        _ => None,
    }
}
