//! Rewrites the loaded tree before lowering, where one construct is easiest to handle as
//! another.
//!
//! `$recursiveRef: "#"` inside a component that says `$recursiveAnchor: true` refers, for
//! every spec we meet, to that component itself (the published spec's compound filters nest
//! themselves this way). Turning it into a plain `$ref` to the component lets every rule that
//! follows references (union tags, variant names, cycles) treat it like any other.

use crate::load::{Document, Node, Value};

/// Replaces `$recursiveRef: "#"` under each anchored component with a `$ref` to it.
pub fn recursive_refs(doc: &mut Document) {
    let Value::Map(root) = &mut doc.root.value else { return };
    let Some(components) = root.get_mut("components") else { return };
    let Value::Map(components) = &mut components.value else { return };
    let Some(schemas) = components.get_mut("schemas") else { return };
    let Value::Map(schemas) = &mut schemas.value else { return };
    for (name, schema) in schemas.iter_mut() {
        if schema.get("$recursiveAnchor").and_then(Node::as_bool) == Some(true) {
            let target = format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"));
            replace_in(schema, &target);
        }
    }
}

fn replace_in(node: &mut Node, target: &str) {
    match &mut node.value {
        Value::Map(map) => {
            let recursive = map.get("$recursiveRef").and_then(Node::as_str) == Some("#");
            if let Some(old) = recursive.then(|| map.shift_remove("$recursiveRef")).flatten() {
                let reference = Node { value: Value::String(target.to_owned()), ..old };
                map.insert("$ref".to_owned(), reference);
            }
            for child in map.values_mut() {
                replace_in(child, target);
            }
        }
        Value::Seq(items) => items.iter_mut().for_each(|child| replace_in(child, target)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recursive_refs_become_refs_to_their_anchor() {
        let text = "components:\n  schemas:\n    Filter:\n      $recursiveAnchor: true\n      properties:\n        filters:\n          items:\n            oneOf:\n              - $recursiveRef: '#'\n    Other:\n      items:\n        $recursiveRef: '#'\n";
        let mut doc = crate::load::parse("t.yaml", text).unwrap();
        recursive_refs(&mut doc);
        let schemas = doc.root.get("components").unwrap().get("schemas").unwrap();
        let branch = &schemas
            .get("Filter")
            .unwrap()
            .get("properties")
            .unwrap()
            .get("filters")
            .unwrap()
            .get("items")
            .unwrap()
            .get("oneOf")
            .unwrap()
            .as_seq()
            .unwrap()[0];
        assert_eq!(branch.get("$ref").and_then(Node::as_str), Some("#/components/schemas/Filter"));
        assert!(branch.get("$recursiveRef").is_none());
        // Without an anchor the keyword stays, and lowering reports it.
        assert!(schemas.get("Other").unwrap().get("items").unwrap().get("$recursiveRef").is_some());
    }
}
