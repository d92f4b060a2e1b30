//! Made-up values that satisfy a JSON schema of the spec, read from the spec's own YAML tree:
//! request bodies, path arguments and query parameters for the Prism run of the whole spec
//! (`whole_spec_prism.rs`).
//!
//! The value is the smallest one the schema allows that still says something: `$ref`s resolved,
//! `allOf` merged, one branch of each `oneOf`/`anyOf` (the first that is not null, but a branch
//! that names itself with a fixed tag before an object that does not), `const`, `enum`, `default`
//! and `example` honoured, `minLength`, `minItems`, `minimum` and the common string formats
//! respected, and only the required properties of objects filled in.

use serde_json::{Map, Number, Value};

use codegen::load::{Document, Node, Value as Yaml};

/// How deep a value may nest before the rest is left empty; required properties that recurse
/// forever are the spec's mistake, not a reason to hang.
const MAX_DEPTH: usize = 24;

/// Walks schemas of one document.
pub(crate) struct Synth<'a> {
    doc: &'a Document,
}

/// A schema as the conjunction of the nodes it is made of: the node itself, its `allOf` parts,
/// and the chosen branch of each union, with every `$ref` followed.
struct Facets<'a> {
    nodes: Vec<&'a Node>,
    /// Properties a discriminator fixes for the chosen branch: `(property, value)`.
    tags: Vec<(String, String)>,
}

impl<'a> Synth<'a> {
    pub(crate) fn new(doc: &'a Document) -> Self {
        Synth { doc }
    }

    /// `node` with `$ref`s followed by the document's one resolver; a broken or circular chain
    /// leaves the node as it is, since lowering has already reported it.
    fn resolve(&self, node: &'a Node) -> &'a Node {
        self.doc.deref(node).unwrap_or(node)
    }

    /// A value of the schema.
    pub(crate) fn value(&self, schema: &'a Node) -> Value {
        self.synth(&[schema], 0)
    }

    /// A string for a path argument: the schema's own value when it is a non-empty string
    /// without a slash, else `x` padded to `minLength`.
    pub(crate) fn path_argument(&self, schema: &'a Node) -> String {
        match self.value(schema) {
            Value::String(s) if !s.is_empty() && s != "." && s != ".." => s,
            Value::Number(n) => n.to_string(),
            _ => "x".to_owned(),
        }
    }

    fn facets(&self, schemas: &[&'a Node], depth: usize) -> Facets<'a> {
        let mut facets = Facets { nodes: Vec::new(), tags: Vec::new() };
        for schema in schemas {
            self.collect(schema, &mut facets, depth);
        }
        facets
    }

    fn collect(&self, schema: &'a Node, facets: &mut Facets<'a>, depth: usize) {
        if depth > MAX_DEPTH {
            return;
        }
        let node = self.resolve(schema);
        if node.get("$recursiveRef").is_some() {
            // `$recursiveRef: "#"` points back at the schema that holds it, whose other branch
            // is the way out; nothing to add here.
            return;
        }
        facets.nodes.push(node);
        if let Some(parts) = node.get("allOf").and_then(Node::as_seq) {
            for part in parts {
                self.collect(part, facets, depth + 1);
            }
        }
        for key in ["oneOf", "anyOf"] {
            let Some(branches) = node.get(key).and_then(Node::as_seq) else { continue };
            let Some(branch) = self.choose(branches, depth) else { continue };
            if let Some(property) = node.get("discriminator").and_then(|d| d.get("propertyName")).and_then(Node::as_str)
                && let Some(tag) = self.discriminator_value(node, branch)
            {
                facets.tags.push((property.to_owned(), tag));
            }
            self.collect(branch, facets, depth + 1);
        }
    }

    /// The tag a discriminator gives `branch`: its `mapping` key, else its component's name.
    fn discriminator_value(&self, union: &Node, branch: &Node) -> Option<String> {
        let reference = branch.get("$ref").and_then(Node::as_str)?;
        let mapping = union.get("discriminator").and_then(|d| d.get("mapping")).and_then(Node::as_map);
        if let Some((key, _)) = mapping.and_then(|m| m.iter().find(|(_, target)| target.as_str() == Some(reference))) {
            return Some(key.clone());
        }
        // Without a mapping entry, the branch's own fixed value, if it has one, wins over the name.
        let facets = self.facets(&[branch], MAX_DEPTH - 1);
        let property = union.get("discriminator")?.get("propertyName")?.as_str()?;
        if self.fixed_property(&facets, property).is_some() {
            return None;
        }
        reference.rsplit('/').next().map(str::to_owned)
    }

    /// The branch of a union to fill in: not null, and a branch that fixes a tag property
    /// before an object that does not, so that a `oneOf` matches exactly one branch.
    fn choose(&self, branches: &'a [Node], depth: usize) -> Option<&'a Node> {
        let candidates: Vec<&'a Node> = branches.iter().filter(|b| !self.is_null_schema(b)).collect();
        let first = *candidates.first()?;
        let untagged_object = |b: &'a Node| {
            let facets = self.facets(&[b], depth + 1);
            self.kind(&facets.nodes) == Some("object") && !self.has_tag(&facets)
        };
        let tagged_object = |b: &'a Node| !untagged_object(b) && self.kind(&self.facets(&[b], depth + 1).nodes) == Some("object");
        if untagged_object(first)
            && let Some(tagged) = candidates.iter().copied().find(|b| tagged_object(b))
        {
            return Some(tagged);
        }
        Some(first)
    }

    /// Whether some required property of the object has exactly one possible value.
    fn has_tag(&self, facets: &Facets<'a>) -> bool {
        !facets.tags.is_empty() || self.required(&facets.nodes).iter().any(|name| self.fixed_property(facets, name).is_some())
    }

    /// The one value a property may hold, from `const` or a one-value `enum`.
    fn fixed_property(&self, facets: &Facets<'a>, name: &str) -> Option<Value> {
        let schemas = self.property_schemas(&facets.nodes, name);
        let inner = self.facets(&schemas, MAX_DEPTH - 2);
        if let Some(value) = first(&inner.nodes, "const") {
            return Some(json(value));
        }
        let values: Vec<&Node> =
            first(&inner.nodes, "enum").and_then(Node::as_seq).map(|v| v.iter().filter(|v| v.value != Yaml::Null).collect())?;
        (values.len() == 1).then(|| json(values[0]))
    }

    fn is_null_schema(&self, schema: &'a Node) -> bool {
        let node = self.resolve(schema);
        match node.get("type") {
            Some(t) if t.as_str() == Some("null") => true,
            Some(t) => t.as_seq().is_some_and(|types| types.iter().all(|t| t.as_str() == Some("null"))),
            None => node.get("enum").and_then(Node::as_seq).is_some_and(|v| v.iter().all(|v| v.value == Yaml::Null)),
        }
    }

    /// The JSON type the schema asks for, the first one that is not null.
    fn kind(&self, nodes: &[&'a Node]) -> Option<&'a str> {
        for node in nodes {
            if let Some(t) = node.get("type") {
                if let Some(t) = t.as_str().filter(|t| *t != "null") {
                    return Some(t);
                }
                if let Some(t) = t.as_seq().and_then(|ts| ts.iter().filter_map(Node::as_str).find(|t| *t != "null")) {
                    return Some(t);
                }
            }
        }
        let has = |key: &str| nodes.iter().any(|n| n.get(key).is_some());
        if has("properties") || has("additionalProperties") || has("required") {
            Some("object")
        } else if has("items") {
            Some("array")
        } else {
            None
        }
    }

    fn required(&self, nodes: &[&'a Node]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for node in nodes {
            for name in node.get("required").and_then(Node::as_seq).into_iter().flatten().filter_map(Node::as_str) {
                if !out.iter().any(|n| n == name) {
                    out.push(name.to_owned());
                }
            }
        }
        out
    }

    fn property_schemas(&self, nodes: &[&'a Node], name: &str) -> Vec<&'a Node> {
        nodes.iter().filter_map(|n| n.get("properties").and_then(|p| p.get(name))).collect()
    }

    fn synth(&self, schemas: &[&'a Node], depth: usize) -> Value {
        if depth > MAX_DEPTH {
            return Value::Null;
        }
        let facets = self.facets(schemas, depth);
        let nodes = &facets.nodes;
        let kind = self.kind(nodes);
        if let Some(value) = first(nodes, "const") {
            return json(value);
        }
        if let Some(value) = first(nodes, "enum").and_then(Node::as_seq).and_then(|v| v.iter().find(|v| v.value != Yaml::Null)) {
            return json(value);
        }
        let fits = |value: &Value| match kind {
            Some("string") => value.is_string(),
            Some("integer") => value.is_i64() || value.is_u64(),
            Some("number") => value.is_number(),
            Some("boolean") => value.is_boolean(),
            _ => false,
        };
        for key in ["default", "example"] {
            // An empty example says nothing; an empty default is what the API assumes.
            if let Some(value) = first(nodes, key).map(json).filter(fits)
                && (key == "default" || value != Value::String(String::new()))
            {
                return value;
            }
        }
        match kind {
            Some("string") => Value::String(string(nodes)),
            Some("integer") => integer(nodes),
            Some("number") => number(nodes),
            Some("boolean") => Value::Bool(false),
            Some("array") => {
                let min = int_keyword(nodes, "minItems").unwrap_or(0).max(1);
                let count = match int_keyword(nodes, "maxItems") {
                    Some(max) => min.min(max),
                    None => min,
                };
                let items: Vec<&'a Node> = nodes.iter().filter_map(|n| n.get("items")).collect();
                let item = if items.is_empty() { Value::String("x".into()) } else { self.synth(&items, depth + 1) };
                Value::Array((0..count).map(|_| item.clone()).collect())
            }
            _ => self.object(&facets, depth),
        }
    }

    fn object(&self, facets: &Facets<'a>, depth: usize) -> Value {
        let nodes = &facets.nodes;
        let mut map = Map::new();
        let additional: Vec<&'a Node> =
            nodes.iter().filter_map(|n| n.get("additionalProperties")).filter(|a| a.as_map().is_some()).collect();
        for name in self.required(nodes) {
            let schemas = self.property_schemas(nodes, &name);
            if !schemas.is_empty() {
                map.insert(name, self.synth(&schemas, depth + 1));
            } else if !additional.is_empty() {
                map.insert(name, self.synth(&additional, depth + 1));
            }
            // A required name that is not a property is the spec's mistake; left out.
        }
        for (property, tag) in &facets.tags {
            map.insert(property.clone(), Value::String(tag.clone()));
        }
        let min_properties = int_keyword(nodes, "minProperties").unwrap_or(0);
        if (map.len() as i64) < min_properties && !additional.is_empty() {
            let value = self.synth(&additional, depth + 1);
            while (map.len() as i64) < min_properties {
                map.insert(format!("key{}", map.len() + 1), value.clone());
            }
        }
        Value::Object(map)
    }
}

/// The first value of `key` among the nodes.
fn first<'a>(nodes: &[&'a Node], key: &str) -> Option<&'a Node> {
    nodes.iter().find_map(|n| n.get(key))
}

fn int_keyword(nodes: &[&Node], key: &str) -> Option<i64> {
    first(nodes, key).and_then(|n| match n.value {
        Yaml::Int(i) => i64::try_from(i).ok(),
        Yaml::Float(f) => Some(f as i64),
        _ => None,
    })
}

fn float_keyword(nodes: &[&Node], key: &str) -> Option<f64> {
    first(nodes, key).and_then(|n| match n.value {
        Yaml::Int(i) => Some(i as f64),
        Yaml::Float(f) => Some(f),
        _ => None,
    })
}

fn string(nodes: &[&Node]) -> String {
    let format = first(nodes, "format").and_then(Node::as_str).unwrap_or_default();
    let text = match format {
        "date-time" => "2024-01-01T00:00:00Z",
        "date" => "2024-01-01",
        "time" => "00:00:00Z",
        "uri" | "url" | "uri-reference" => "https://example.com",
        "email" => "user@example.com",
        "uuid" => "00000000-0000-4000-8000-000000000000",
        "byte" => "eA==",
        _ => "x",
    };
    let mut text = text.to_owned();
    if let Some(matching) = first(nodes, "pattern").and_then(Node::as_str).and_then(pattern_example) {
        text = matching;
    }
    let min = int_keyword(nodes, "minLength").unwrap_or(0);
    while (text.chars().count() as i64) < min {
        text.push('x');
    }
    text
}

/// A string that matches one of the few patterns of the published spec that `x` does not.
fn pattern_example(pattern: &str) -> Option<String> {
    // `^tunnel_[a-z0-9]{32}$`
    pattern.starts_with("^tunnel_").then(|| format!("tunnel_{}", "a".repeat(32)))
}

fn integer(nodes: &[&Node]) -> Value {
    let exclusive_flag = |key: &str| first(nodes, key).and_then(Node::as_bool).unwrap_or(false);
    let mut low = float_keyword(nodes, "minimum").map(|m| if exclusive_flag("exclusiveMinimum") { m + 1.0 } else { m });
    if let Some(m) = float_keyword(nodes, "exclusiveMinimum") {
        low = Some(low.map_or(m + 1.0, |l| l.max(m + 1.0)));
    }
    let mut high = float_keyword(nodes, "maximum").map(|m| if exclusive_flag("exclusiveMaximum") { m - 1.0 } else { m });
    if let Some(m) = float_keyword(nodes, "exclusiveMaximum") {
        high = Some(high.map_or(m - 1.0, |h| h.min(m - 1.0)));
    }
    let value = match (low, high) {
        (Some(low), _) => low.ceil(),
        (None, Some(high)) => high.floor().min(1.0),
        (None, None) => 1.0,
    };
    Value::Number(Number::from(value as i64))
}

fn number(nodes: &[&Node]) -> Value {
    let exclusive_flag = |key: &str| first(nodes, key).and_then(Node::as_bool).unwrap_or(false);
    let low = float_keyword(nodes, "minimum").or_else(|| float_keyword(nodes, "exclusiveMinimum"));
    let low_exclusive = exclusive_flag("exclusiveMinimum") || float_keyword(nodes, "exclusiveMinimum").is_some();
    let high = float_keyword(nodes, "maximum").or_else(|| float_keyword(nodes, "exclusiveMaximum"));
    let value = match (low, high) {
        (Some(low), Some(high)) => (low + high) / 2.0,
        (Some(low), None) if low_exclusive => low + 1.0,
        (Some(low), None) => low,
        (None, Some(high)) => high.min(1.0) - if high <= 1.0 { 0.5 } else { 0.0 },
        (None, None) => 1.0,
    };
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A YAML node as JSON.
pub(crate) fn json(node: &Node) -> Value {
    match &node.value {
        Yaml::Null => Value::Null,
        Yaml::Bool(b) => Value::Bool(*b),
        Yaml::Int(i) => match i64::try_from(*i) {
            Ok(i) => Value::Number(i.into()),
            Err(_) => Number::from_f64(*i as f64).map_or(Value::Null, Value::Number),
        },
        Yaml::Float(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Seq(items) => Value::Array(items.iter().map(json).collect()),
        Yaml::Map(map) => Value::Object(map.iter().map(|(k, v)| (k.clone(), json(v))).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn synth(yaml: &str, schema: &str) -> Value {
        let doc = codegen::load("test.yaml", yaml).expect("the YAML loads");
        let synth = Synth::new(&doc);
        let (_, node) = doc.follow(schema).expect("the schema exists");
        synth.value(node)
    }

    #[test]
    fn fills_required_properties_through_refs_and_all_of() {
        let yaml = r##"
components:
  schemas:
    Base:
      type: object
      properties:
        model: {type: string, example: gpt-4o}
        n: {type: integer, minimum: 2}
        note: {type: string}
      required: [model]
    Request:
      allOf:
        - $ref: "#/components/schemas/Base"
        - type: object
          properties:
            created: {type: string, format: date-time}
            items: {type: array, minItems: 2, items: {type: string, minLength: 3}}
            n: {type: integer, minimum: 2}
          required: [created, items, n]
"##;
        assert_eq!(
            synth(yaml, "#/components/schemas/Request"),
            json!({"model": "gpt-4o", "created": "2024-01-01T00:00:00Z", "items": ["xxx", "xxx"], "n": 2})
        );
    }

    #[test]
    fn prefers_a_tagged_branch_and_skips_null() {
        let yaml = r##"
components:
  schemas:
    Loose:
      type: object
      properties: {a: {type: string}}
    Tagged:
      type: object
      properties:
        type: {type: string, enum: [tagged]}
        b: {type: number, minimum: 0, maximum: 1}
      required: [type, b]
    Union:
      oneOf:
        - type: "null"
        - $ref: "#/components/schemas/Loose"
        - $ref: "#/components/schemas/Tagged"
"##;
        assert_eq!(synth(yaml, "#/components/schemas/Union"), json!({"type": "tagged", "b": 0.5}));
    }

    #[test]
    fn discriminator_without_mapping_uses_the_component_name() {
        let yaml = r##"
components:
  schemas:
    Cat:
      type: object
      properties: {kind: {type: string}}
      required: [kind]
    Pet:
      oneOf:
        - $ref: "#/components/schemas/Cat"
      discriminator:
        propertyName: kind
"##;
        assert_eq!(synth(yaml, "#/components/schemas/Pet"), json!({"kind": "Cat"}));
    }
}
