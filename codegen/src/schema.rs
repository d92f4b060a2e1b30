//! A typed view of one JSON Schema node: the keywords lowering reads, checked for shape.
//!
//! Unknown keywords (`x-` extensions, `example`, `minLength`, ...) are ignored. Keywords that
//! would change what a value may be, and that the generator cannot express, are reported.

use crate::diag::Pointer;
use crate::load::{Node, Value};

/// Keywords that change the meaning of a schema and have no reading the generator can use.
const UNSUPPORTED: &[&str] = &["$dynamicRef"];

/// Keywords that only narrow what a value may be: the types accept more than they allow, and
/// a warning says so.
const IGNORED_CONSTRAINTS: &[&str] = &["if", "then", "else", "dependentSchemas", "unevaluatedProperties"];

/// Type names left over from Swagger 2.0 or other languages, and the JSON Schema type (and
/// format) each stands for.
const LEFTOVER_TYPES: &[(&str, &str, Option<&str>)] = &[
    ("file", "string", Some("binary")),
    ("long", "integer", None),
    ("int", "integer", None),
    ("int32", "integer", None),
    ("int64", "integer", None),
    ("float", "number", None),
    ("double", "number", None),
];

/// Keywords that say what a value is; a schema without any of them only adds constraints or
/// notes (`required`, `not`, `nullable`, `description`, ...).
const STRUCTURAL: &[&str] =
    &["$ref", "$recursiveRef", "type", "properties", "items", "allOf", "oneOf", "anyOf", "enum", "const", "additionalProperties"];

/// Whether `node` only constrains or annotates what its neighbours describe: `{required: [a]}`,
/// `{nullable: true}`, `{not: {required: [a, b]}}`. Such schemas change validation, not the type.
pub fn is_constraint_only(node: &Node) -> bool {
    match node.as_map() {
        Some(map) => !map.keys().any(|k| STRUCTURAL.contains(&k.as_str())) && map.get("not").is_none_or(is_constraint_only),
        None => false,
    }
}

/// What `additionalProperties` says.
#[derive(Debug, Clone, Copy)]
pub enum Additional<'a> {
    /// Not given, or `false`: no extra properties are modelled.
    No,
    /// `true` or `{}`: any extra properties, of any JSON value.
    Any,
    /// A schema for the values of extra properties.
    Schema(&'a Node),
}

/// The keywords of one schema node.
#[derive(Debug, Clone)]
pub struct Schema<'a> {
    /// `$ref`.
    pub reference: Option<&'a str>,
    /// `$recursiveRef: "#"`: the enclosing schema that carries `$recursiveAnchor`.
    pub recursive: bool,
    /// `type`, as a list (a single string becomes one entry).
    pub types: Vec<&'a str>,
    /// 3.0-style `nullable: true`.
    pub nullable: bool,
    /// `description`.
    pub description: Option<&'a str>,
    /// `title`.
    pub title: Option<&'a str>,
    /// `deprecated: true`.
    pub deprecated: bool,
    /// `enum`.
    pub enumeration: Option<&'a [Node]>,
    /// `const`.
    pub constant: Option<&'a Node>,
    /// `properties`.
    pub properties: Option<&'a crate::load::Map>,
    /// `required`, duplicates removed, order kept.
    pub required: Vec<&'a str>,
    /// `additionalProperties`.
    pub additional: Additional<'a>,
    /// `items`.
    pub items: Option<&'a Node>,
    /// `oneOf`.
    pub one_of: Option<&'a [Node]>,
    /// `anyOf`.
    pub any_of: Option<&'a [Node]>,
    /// `allOf`, members that only constrain included (see [`Schema::all_of_members`]).
    pub all_of: Option<&'a [Node]>,
    /// `discriminator.propertyName` and `discriminator.mapping`.
    pub discriminator: Option<(&'a str, Vec<(&'a str, &'a str)>)>,
    /// `default`.
    pub default: Option<&'a Node>,
    /// `format`.
    pub format: Option<&'a str>,
    /// What was read in a way the spec may not have meant, to report as warnings by whoever
    /// lowers this schema (reading happens more than once; reporting once).
    pub notes: Vec<Problem>,
}

/// A problem found while reading a schema: the pointer of the offending keyword and a message.
pub type Problem = (Pointer, String);

impl<'a> Schema<'a> {
    /// Reads the keywords of `node`, which lives at `at`.
    pub fn read(node: &'a Node, at: &Pointer) -> Result<Schema<'a>, Problem> {
        let map = match &node.value {
            Value::Map(map) => map,
            // JSON Schema allows `true` (anything) and `false` (nothing) as schemas.
            Value::Bool(true) => return Ok(Schema::empty()),
            _ => return Err((at.clone(), format!("expected a schema object, found {}", node.kind()))),
        };
        for keyword in UNSUPPORTED {
            if map.contains_key(*keyword) {
                return Err((at.push(keyword), format!("unsupported keyword `{keyword}`")));
            }
        }
        let mut schema = Schema::empty();
        for keyword in IGNORED_CONSTRAINTS {
            if map.contains_key(*keyword) {
                schema.notes.push((at.push(keyword), format!("`{keyword}` is ignored: the types accept values it forbids")));
            }
        }
        // `not` that only forbids combinations of properties is a constraint the types ignore
        // quietly; any other `not` is ignored with a warning.
        if map.get("not").is_some_and(|n| !is_constraint_only(n)) {
            schema.notes.push((at.push("not"), "`not` is ignored: the types accept values it forbids".to_owned()));
        }
        if map.contains_key("patternProperties") {
            schema.notes.push((at.push("patternProperties"), "`patternProperties` is read as extra properties of any value".to_owned()));
        }
        if map.contains_key("prefixItems") {
            schema.notes.push((at.push("prefixItems"), "`prefixItems` is read as a list of any JSON values".to_owned()));
        }
        for (key, value) in map {
            let here = || at.push(key);
            match key.as_str() {
                "$ref" => schema.reference = Some(value.as_str().ok_or_else(|| (here(), "`$ref` must be a string".to_owned()))?),
                "$recursiveRef" => {
                    let target = value.as_str().ok_or_else(|| (here(), "`$recursiveRef` must be a string".to_owned()))?;
                    if target != "#" {
                        return Err((here(), format!("`$recursiveRef` `{target}` is not supported; only `#` is")));
                    }
                    schema.recursive = true;
                }
                "type" => {
                    schema.types = match &value.value {
                        Value::String(s) => vec![s.as_str()],
                        Value::Seq(items) => items
                            .iter()
                            .map(|t| t.as_str().ok_or_else(|| (here(), "`type` entries must be strings".to_owned())))
                            .collect::<Result<_, _>>()?,
                        _ => return Err((here(), format!("`type` must be a string or a list, found {}", value.kind()))),
                    };
                    for t in &mut schema.types {
                        if matches!(*t, "string" | "integer" | "number" | "boolean" | "object" | "array" | "null") {
                            continue;
                        }
                        let Some((_, json_type, format)) = LEFTOVER_TYPES.iter().find(|(name, ..)| name == t) else {
                            return Err((here(), format!("unknown type `{t}`")));
                        };
                        schema.notes.push((here(), format!("unknown type `{t}` is read as `{json_type}`")));
                        *t = json_type;
                        if format.is_some() && schema.format.is_none() {
                            schema.format = *format;
                        }
                    }
                }
                "nullable" => schema.nullable = value.as_bool().unwrap_or(false),
                "description" => schema.description = value.as_str(),
                "title" => schema.title = value.as_str(),
                "deprecated" => schema.deprecated = value.as_bool().unwrap_or(false),
                "enum" => {
                    schema.enumeration =
                        Some(value.as_seq().ok_or_else(|| (here(), format!("`enum` must be a list, found {}", value.kind())))?)
                }
                "const" => schema.constant = Some(value),
                "properties" => {
                    schema.properties =
                        Some(value.as_map().ok_or_else(|| (here(), format!("`properties` must be a mapping, found {}", value.kind())))?)
                }
                "required" => {
                    let items = value.as_seq().ok_or_else(|| (here(), format!("`required` must be a list, found {}", value.kind())))?;
                    for item in items {
                        let name = item.as_str().ok_or_else(|| (here(), "`required` entries must be strings".to_owned()))?;
                        // The published spec repeats some names; a repeat means nothing more.
                        if !schema.required.contains(&name) {
                            schema.required.push(name);
                        }
                    }
                }
                "additionalProperties" => {
                    schema.additional = match &value.value {
                        Value::Bool(false) => Additional::No,
                        Value::Bool(true) => Additional::Any,
                        Value::Map(map) if map.is_empty() => Additional::Any,
                        Value::Map(_) => Additional::Schema(value),
                        _ => {
                            return Err((here(), format!("`additionalProperties` must be a boolean or a schema, found {}", value.kind())));
                        }
                    }
                }
                // `items: false` (no items past `prefixItems`) says nothing the list type can use.
                "items" if value.value == Value::Bool(false) => {}
                "items" => schema.items = Some(value),
                "oneOf" | "anyOf" | "allOf" => {
                    let list = value.as_seq().ok_or_else(|| (here(), format!("`{key}` must be a list, found {}", value.kind())))?;
                    if list.is_empty() {
                        schema.notes.push((here(), format!("an empty `{key}` is ignored")));
                        continue;
                    }
                    // Branches that only list `required` properties, or only say `nullable`, shape
                    // validation and not the type: `oneOf: [{required: [a]}, {required: [b]}]`
                    // next to `properties` is read as those properties.
                    if list.iter().all(is_constraint_only) {
                        if key == "allOf" && list.iter().any(|m| m.get("nullable").and_then(Node::as_bool) == Some(true)) {
                            schema.nullable = true;
                        }
                        continue;
                    }
                    match key.as_str() {
                        "oneOf" => schema.one_of = Some(list),
                        "anyOf" => schema.any_of = Some(list),
                        _ => {
                            // `allOf: [{$ref: X}, {nullable: true}]` is the 3.0 way to say "X or null".
                            if list.iter().any(|m| is_constraint_only(m) && m.get("nullable").and_then(Node::as_bool) == Some(true)) {
                                schema.nullable = true;
                            }
                            schema.all_of = Some(list);
                        }
                    }
                }
                "discriminator" => {
                    let property = value
                        .get("propertyName")
                        .and_then(Node::as_str)
                        .ok_or_else(|| (here(), "`discriminator` needs a string `propertyName`".to_owned()))?;
                    let mut mapping = Vec::new();
                    if let Some(map) = value.get("mapping").and_then(Node::as_map) {
                        for (tag, target) in map {
                            let target = target
                                .as_str()
                                .ok_or_else(|| (here().push("mapping").push(tag), "mapping targets must be strings".to_owned()))?;
                            mapping.push((tag.as_str(), target));
                        }
                    }
                    schema.discriminator = Some((property, mapping));
                }
                "default" => schema.default = Some(value),
                // A format a leftover type set (`file` is a binary string) stays.
                "format" if schema.format.is_none() => schema.format = value.as_str(),
                "patternProperties" if matches!(schema.additional, Additional::No) => schema.additional = Additional::Any,

                _ => {}
            }
        }
        Ok(schema)
    }

    /// A schema that says nothing: any value.
    pub fn empty() -> Schema<'a> {
        Schema {
            reference: None,
            recursive: false,
            types: Vec::new(),
            nullable: false,
            description: None,
            title: None,
            deprecated: false,
            enumeration: None,
            constant: None,
            properties: None,
            required: Vec::new(),
            additional: Additional::No,
            items: None,
            one_of: None,
            any_of: None,
            all_of: None,
            discriminator: None,
            default: None,
            format: None,
            notes: Vec::new(),
        }
    }

    /// The `allOf` members that describe a type, with their index in the list.
    pub fn all_of_members(&self) -> Vec<(usize, &'a Node)> {
        self.all_of.unwrap_or_default().iter().enumerate().filter(|(_, m)| !is_constraint_only(m)).collect()
    }

    /// The `oneOf` or `anyOf` list; both at once is reported by the caller.
    pub fn alternatives(&self) -> Option<(&'static str, &'a [Node])> {
        self.one_of.map(|l| ("oneOf", l)).or(self.any_of.map(|l| ("anyOf", l)))
    }

    /// Whether this schema says only `null`: `type: null` or `enum: [null]`.
    pub fn is_null_only(&self) -> bool {
        let null_type = self.types == ["null"];
        let null_enum = self.enumeration.is_some_and(|values| !values.is_empty() && values.iter().all(|v| v.value == Value::Null));
        (null_type || null_enum) && self.properties.is_none() && self.alternatives().is_none() && self.reference.is_none()
    }

    /// The types other than `null`.
    pub fn non_null_types(&self) -> Vec<&'a str> {
        self.types.iter().copied().filter(|t| *t != "null").collect()
    }

    /// Whether `type` lists `null` or `nullable: true` is set.
    pub fn says_nullable(&self) -> bool {
        self.nullable || self.types.contains(&"null")
    }
}
