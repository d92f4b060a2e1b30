//! The example responses a spec carries in OpenAI's `x-oaiMeta` extension, for tests that
//! decode each one into the type the SDK gives its operation.

use crate::conventions::EXAMPLES_EXTENSION;
use crate::load::{Document, Node};

/// One example response of an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The `operationId`.
    pub operation: String,
    /// The example's `title`, or `""` when it has none.
    pub title: String,
    /// The response text exactly as the spec holds it.
    pub response: String,
}

/// Every `x-oaiMeta` example response of every operation, in document order. `examples` is a
/// list in some operations and a single mapping in others; both are read.
pub fn responses(doc: &Document) -> Vec<Example> {
    let mut out = Vec::new();
    let Some(paths) = doc.root.get("paths").and_then(Node::as_map) else { return out };
    for item in paths.values() {
        for op in item.as_map().into_iter().flat_map(|m| m.values()) {
            let Some(operation) = op.get("operationId").and_then(Node::as_str) else { continue };
            let Some(examples) = op.get(EXAMPLES_EXTENSION).and_then(|m| m.get("examples")) else { continue };
            let list: Vec<&Node> = match examples.as_seq() {
                Some(items) => items.iter().collect(),
                None => vec![examples],
            };
            for example in list {
                if let Some(response) = example.get("response").and_then(Node::as_str) {
                    out.push(Example {
                        operation: operation.to_owned(),
                        title: example.get("title").and_then(Node::as_str).unwrap_or_default().to_owned(),
                        response: response.to_owned(),
                    });
                }
            }
        }
    }
    out
}

/// Every component schema's `x-oaiMeta.example`, as `(schema name, text)`.
pub fn schema_examples(doc: &Document) -> Vec<(String, String)> {
    let Some(schemas) = doc.root.get("components").and_then(|c| c.get("schemas")).and_then(Node::as_map) else {
        return Vec::new();
    };
    schemas
        .iter()
        .filter_map(|(name, schema)| {
            let text = schema.get(EXAMPLES_EXTENSION)?.get("example")?.as_str()?;
            Some((name.clone(), text.to_owned()))
        })
        .collect()
}

/// Makes almost-JSON parse: drops trailing commas before `}` or `]` and turns Python's bare
/// `None` into `null`, outside strings. The published spec's examples need both.
pub fn repair_json(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.get(i + 1) {
                    out.push(*next);
                    i += 1;
                }
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == ',' && chars[i + 1..].iter().find(|c| !c.is_whitespace()).is_some_and(|n| *n == '}' || *n == ']') {
            // A trailing comma: left out.
        } else if chars[i..].starts_with(&['N', 'o', 'n', 'e'])
            && !chars.get(i + 4).is_some_and(|c| c.is_alphanumeric())
            && !(i > 0 && chars[i - 1].is_alphanumeric())
        {
            out.push_str("null");
            i += 3;
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repairs_trailing_commas_and_python_none_outside_strings() {
        assert_eq!(repair_json(r#"{"a": [1, 2,], "b": None, "c": "None,]"}"#), r#"{"a": [1, 2], "b": null, "c": "None,]"}"#);
        assert_eq!(repair_json(r#"{"NoneSuch": 1}"#), r#"{"NoneSuch": 1}"#);
    }

    #[test]
    fn reads_examples_in_both_shapes() {
        let text = "paths:\n  /a:\n    get:\n      operationId: one\n      x-oaiMeta:\n        examples:\n          response: '{}'\n  /b:\n    get:\n      operationId: two\n      x-oaiMeta:\n        examples:\n          - title: T\n            response: '[]'\n";
        let doc = crate::load("t.yaml", text).unwrap();
        let found = responses(&doc);
        assert_eq!(found.len(), 2);
        assert_eq!((found[1].operation.as_str(), found[1].title.as_str(), found[1].response.as_str()), ("two", "T", "[]"));
    }
}
