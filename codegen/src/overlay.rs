//! An OpenAPI Overlay 1.0 document and a spec → the spec with the overlay's actions applied, in
//! order: `update` merges into every node the action's JSONPath `target` selects, `remove`
//! deletes them. Corrections to a spec someone else publishes live in an overlay, so that a
//! new upstream version is adopted by regenerating, not by redoing the corrections.
//!
//! Targets are RFC 9535 JSONPath, in the part of it that overlays use: `$`, member names
//! (`.name`, `['name']`, `["name"]`), indexes (`[0]`, `[-1]`), wildcards (`.*`, `[*]`),
//! descendants (`..name`, `..*`) and filters comparing a member with a literal
//! (`[?@.name == 'value']`, `!=`, also `@.a.b`). Written here rather than taken from a crate:
//! the JSONPath crates evaluate over `serde_json::Value`, and the spec is our own tree, whose
//! nodes keep the lines that messages point to. Anything else is an error at the target.

use indexmap::IndexMap;

use crate::diag::{Diagnostic, Errors, Pointer, Severity};
use crate::load::{Document, Node, Value};

/// A location in the tree: map keys and sequence indexes from the root.
type Location = Vec<Step>;

#[derive(Debug, Clone, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// One segment of a parsed target.
#[derive(Debug, Clone, PartialEq)]
enum Selector {
    Name(String),
    Index(i64),
    Wildcard,
    /// `..name` or `..*` (`None`).
    Descendants(Option<String>),
    /// `[?@.a.b == literal]`, or `!=` when `equal` is false.
    Filter {
        path: Vec<String>,
        equal: bool,
        literal: Value,
    },
}

/// Applies every action of `overlay` to `spec`. Returns the warnings (an action whose target
/// selects nothing); errors point into the overlay file.
pub fn apply(spec: &mut Document, overlay: &Document) -> Result<Vec<Diagnostic>, Errors> {
    let diagnostic = |severity, at: &Pointer, node: Option<&Node>, message: String| Diagnostic {
        severity,
        file: overlay.file.clone(),
        pointer: at.to_string(),
        location: node.map(Node::location),
        message,
    };
    let root = Pointer::root();
    let version = overlay.root.get("overlay").and_then(Node::as_str);
    if !version.is_some_and(|v| v.starts_with("1.")) {
        let message = format!("not an Overlay 1.x document: `overlay` is {}", version.map_or("missing".to_owned(), |v| format!("`{v}`")));
        return Err(Errors(vec![diagnostic(Severity::Error, &root.push("overlay"), overlay.root.get("overlay"), message)]));
    }
    let Some(actions) = overlay.root.get("actions").and_then(Node::as_seq) else {
        return Err(Errors(vec![diagnostic(
            Severity::Error,
            &root.push("actions"),
            Some(&overlay.root),
            "`actions` must be a list".into(),
        )]));
    };
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for (i, action) in actions.iter().enumerate() {
        let at = root.push("actions").index(i);
        let Some(target) = action.get("target").and_then(Node::as_str) else {
            errors.push(diagnostic(Severity::Error, &at, Some(action), "an action needs a `target` string".into()));
            continue;
        };
        let target_node = action.get("target");
        let selectors = match parse(target) {
            Ok(selectors) => selectors,
            Err(message) => {
                errors.push(diagnostic(Severity::Error, &at.push("target"), target_node, format!("`{target}`: {message}")));
                continue;
            }
        };
        let remove = action.get("remove").and_then(Node::as_bool).unwrap_or(false);
        let update = action.get("update");
        if !remove && update.is_none() {
            errors.push(diagnostic(Severity::Error, &at, Some(action), "an action needs `update` or `remove: true`".into()));
            continue;
        }
        let locations = select(&spec.root, &selectors);
        if locations.is_empty() {
            let name = action.get("description").and_then(Node::as_str).map(|d| format!(" ({})", d.trim())).unwrap_or_default();
            let message =
                format!("action {i}{name} selects nothing with `{target}`: the spec may have changed there, or fixed what it corrects");
            warnings.push(diagnostic(Severity::Warning, &at.push("target"), target_node, message));
            continue;
        }
        if remove {
            // Later indexes first, so that removing one does not move the next.
            let mut locations = locations;
            locations.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| compare_desc(a, b)));
            for location in &locations {
                remove_at(&mut spec.root, location);
            }
        } else if let Some(update) = update {
            for location in &locations {
                if let Some(node) = node_mut(&mut spec.root, location) {
                    merge(node, update);
                }
            }
        }
    }
    if errors.is_empty() { Ok(warnings) } else { Err(Errors(errors)) }
}

/// Orders two locations of equal standing so that a later sibling comes first.
fn compare_desc(a: &Location, b: &Location) -> std::cmp::Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = match (x, y) {
            (Step::Index(x), Step::Index(y)) => y.cmp(x),
            (Step::Key(x), Step::Key(y)) => y.cmp(x),
            _ => std::cmp::Ordering::Equal,
        };
        if order != std::cmp::Ordering::Equal {
            return order;
        }
    }
    std::cmp::Ordering::Equal
}

/// The overlay's merge: objects merge key by key, recursively; a list receives the update's
/// items (or the update itself) at its end; anything else is replaced.
fn merge(target: &mut Node, update: &Node) {
    match (&mut target.value, &update.value) {
        (Value::Map(into), Value::Map(from)) => {
            for (key, value) in from {
                match into.get_mut(key) {
                    Some(existing) if matches!((&existing.value, &value.value), (Value::Map(_), Value::Map(_))) => merge(existing, value),
                    Some(existing) => *existing = value.clone(),
                    None => {
                        into.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Seq(items), Value::Seq(more)) => items.extend(more.iter().cloned()),
        (Value::Seq(items), _) => items.push(update.clone()),
        _ => *target = update.clone(),
    }
}

fn node_mut<'a>(mut node: &'a mut Node, location: &Location) -> Option<&'a mut Node> {
    for step in location {
        node = match (&mut node.value, step) {
            (Value::Map(map), Step::Key(key)) => map.get_mut(key)?,
            (Value::Seq(items), Step::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

fn remove_at(root: &mut Node, location: &Location) {
    let Some((last, parent)) = location.split_last() else { return };
    let Some(parent) = node_mut(root, &parent.to_vec()) else { return };
    match (&mut parent.value, last) {
        (Value::Map(map), Step::Key(key)) => {
            map.shift_remove(key);
        }
        (Value::Seq(items), Step::Index(i)) if *i < items.len() => {
            items.remove(*i);
        }
        _ => {}
    }
}

/// Every location `selectors` pick out of the tree, in document order.
fn select<'a>(root: &'a Node, selectors: &[Selector]) -> Vec<Location> {
    let mut current: Vec<(Location, &'a Node)> = vec![(Vec::new(), root)];
    for selector in selectors {
        let mut next: Vec<(Location, &'a Node)> = Vec::new();
        for (location, node) in &current {
            let node: &'a Node = node;
            let child = |step: Step, child: &'a Node| {
                let mut at = location.clone();
                at.push(step);
                (at, child)
            };
            match selector {
                Selector::Name(name) => {
                    if let Some(found) = node.get(name) {
                        next.push(child(Step::Key(name.clone()), found));
                    }
                }
                Selector::Index(index) => {
                    if let Some(items) = node.as_seq() {
                        let len = items.len() as i64;
                        let i = if *index < 0 { len + index } else { *index };
                        if (0..len).contains(&i) {
                            next.push(child(Step::Index(i as usize), &items[i as usize]));
                        }
                    }
                }
                Selector::Wildcard => next.extend(children(node).into_iter().map(|(step, found)| child(step, found))),
                Selector::Filter { path, equal, literal } => {
                    for (step, found) in children(node) {
                        let value = path.iter().try_fold(found, |n, key| n.get(key)).map(|n| &n.value);
                        if value.is_some_and(|v| (v == literal) == *equal) {
                            next.push(child(step, found));
                        }
                    }
                }
                Selector::Descendants(name) => {
                    let mut stack: Vec<(Location, &'a Node)> = vec![(location.clone(), node)];
                    while let Some((at, here)) = stack.pop() {
                        for (step, found) in children(here).into_iter().rev() {
                            let mut deeper = at.clone();
                            deeper.push(step.clone());
                            let matches = match (name, &step) {
                                (None, _) => true,
                                (Some(name), Step::Key(key)) => key == name,
                                _ => false,
                            };
                            if matches {
                                next.push((deeper.clone(), found));
                            }
                            stack.push((deeper, found));
                        }
                    }
                }
            }
        }
        current = next;
    }
    current.into_iter().map(|(location, _)| location).collect()
}

fn children(node: &Node) -> Vec<(Step, &Node)> {
    match &node.value {
        Value::Map(map) => map.iter().map(|(k, v)| (Step::Key(k.clone()), v)).collect(),
        Value::Seq(items) => items.iter().enumerate().map(|(i, v)| (Step::Index(i), v)).collect(),
        _ => Vec::new(),
    }
}

/// Parses the supported part of RFC 9535; the message says what is not supported.
fn parse(target: &str) -> Result<Vec<Selector>, String> {
    let chars: Vec<char> = target.chars().collect();
    if chars.first() != Some(&'$') {
        return Err("a target must start with `$`".into());
    }
    let mut i = 1;
    let mut out = Vec::new();
    let name_end = |from: usize| {
        (from..chars.len()).find(|&j| !(chars[j].is_alphanumeric() || chars[j] == '_' || chars[j] == '-')).unwrap_or(chars.len())
    };
    while i < chars.len() {
        match chars[i] {
            '.' if chars.get(i + 1) == Some(&'.') => {
                i += 2;
                if chars.get(i) == Some(&'*') {
                    out.push(Selector::Descendants(None));
                    i += 1;
                } else {
                    let end = name_end(i);
                    if end == i {
                        return Err(format!("a name must follow `..` at character {i}"));
                    }
                    out.push(Selector::Descendants(Some(chars[i..end].iter().collect())));
                    i = end;
                }
            }
            '.' => {
                i += 1;
                if chars.get(i) == Some(&'*') {
                    out.push(Selector::Wildcard);
                    i += 1;
                } else {
                    let end = name_end(i);
                    if end == i {
                        return Err(format!("a name must follow `.` at character {i}"));
                    }
                    out.push(Selector::Name(chars[i..end].iter().collect()));
                    i = end;
                }
            }
            '[' => {
                let close = bracket_end(&chars, i).ok_or_else(|| format!("the `[` at character {i} is not closed"))?;
                let inside: String = chars[i + 1..close].iter().collect();
                out.push(bracket(inside.trim())?);
                i = close + 1;
            }
            other => return Err(format!("unexpected `{other}` at character {i}")),
        }
    }
    Ok(out)
}

/// The `]` that closes the `[` at `open`, skipping quoted text and nested brackets.
fn bracket_end(chars: &[char], open: usize) -> Option<usize> {
    let mut quote = None;
    let mut depth = 0;
    for (j, &c) in chars.iter().enumerate().skip(open + 1) {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '[') => depth += 1,
            (None, ']') if depth == 0 => return Some(j),
            (None, ']') => depth -= 1,
            _ => {}
        }
    }
    None
}

fn bracket(inside: &str) -> Result<Selector, String> {
    if inside == "*" {
        return Ok(Selector::Wildcard);
    }
    if let Some(text) = quoted(inside) {
        return Ok(Selector::Name(text));
    }
    if let Ok(index) = inside.parse::<i64>() {
        return Ok(Selector::Index(index));
    }
    if let Some(filter) = inside.strip_prefix('?') {
        let filter = filter.trim().trim_start_matches('(').trim_end_matches(')').trim();
        let (left, equal, right) = if let Some((l, r)) = filter.split_once("==") {
            (l, true, r)
        } else if let Some((l, r)) = filter.split_once("!=") {
            (l, false, r)
        } else {
            return Err(format!("only `==` and `!=` filters are supported, not `[{inside}]`"));
        };
        let path = left.trim().strip_prefix("@.").ok_or_else(|| format!("a filter compares `@.member`, not `{}`", left.trim()))?;
        let literal = literal(right.trim()).ok_or_else(|| format!("`{}` is not a string, number, boolean or null", right.trim()))?;
        return Ok(Selector::Filter { path: path.split('.').map(str::to_owned).collect(), equal, literal });
    }
    Err(format!("`[{inside}]` is not supported: slices, unions and functions are not"))
}

fn quoted(text: &str) -> Option<String> {
    let first = text.chars().next()?;
    (matches!(first, '\'' | '"') && text.len() >= 2 && text.ends_with(first)).then(|| text[1..text.len() - 1].to_owned())
}

fn literal(text: &str) -> Option<Value> {
    if let Some(s) = quoted(text) {
        return Some(Value::String(s));
    }
    match text {
        "true" => Some(Value::Bool(true)),
        "false" => Some(Value::Bool(false)),
        "null" => Some(Value::Null),
        _ => text.parse::<i128>().map(Value::Int).ok().or_else(|| text.parse::<f64>().ok().map(Value::Float)),
    }
}

/// Keeps the operations whose path starts with one of `only` (a `/`-prefix) or that carry one
/// of them as a tag, drops the rest and the webhooks, and keeps of `components.schemas` only
/// what the kept operations reach through `$ref`s.
pub fn subset(spec: &mut Document, only: &[String]) {
    let keep_path = |path: &str, item: &Node| {
        only.iter().any(|o| {
            (o.starts_with('/') && (path == o.trim_end_matches('/') || path.starts_with(&format!("{}/", o.trim_end_matches('/')))))
                || item.as_map().is_some_and(|ops| {
                    ops.values()
                        .any(|op| op.get("tags").and_then(Node::as_seq).is_some_and(|tags| tags.iter().any(|t| t.as_str() == Some(o))))
                })
        })
    };
    if let Value::Map(root) = &mut spec.root.value {
        if let Some(Node { value: Value::Map(paths), .. }) = root.get_mut("paths") {
            paths.retain(|path, item| keep_path(path, item));
        }
        root.shift_remove("webhooks");
    }
    // What the kept paths reach, following `$ref`s through components until nothing new.
    let mut reached: Vec<String> = Vec::new();
    let mut stack: Vec<&Node> = spec.root.get("paths").into_iter().collect();
    let mut refs = Vec::new();
    while let Some(node) = stack.pop() {
        collect_refs(node, &mut refs);
        for reference in refs.drain(..) {
            if reached.contains(&reference) {
                continue;
            }
            if let Some((_, target)) = spec.follow(&reference) {
                stack.push(target);
            }
            reached.push(reference);
        }
    }
    if let Value::Map(root) = &mut spec.root.value
        && let Some(Node { value: Value::Map(components), .. }) = root.get_mut("components")
        && let Some(Node { value: Value::Map(schemas), .. }) = components.get_mut("schemas")
    {
        let kept: IndexMap<String, Node> = std::mem::take(schemas)
            .into_iter()
            .filter(|(name, _)| reached.iter().any(|r| r == &format!("#/components/schemas/{}", escape(name))))
            .collect();
        *schemas = kept;
    }
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

fn collect_refs(node: &Node, out: &mut Vec<String>) {
    match &node.value {
        Value::Map(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    ("$ref" | "$recursiveRef", Some(reference)) => out.push(reference.to_owned()),
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Seq(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(file: &str, text: &str) -> Document {
        crate::load::parse(file, text).expect("parses")
    }

    fn yaml(node: &Node) -> String {
        format!("{:?}", strip(node))
    }

    /// The value without positions, for comparing trees.
    fn strip(node: &Node) -> serde_like::V {
        serde_like::of(node)
    }

    mod serde_like {
        use super::*;
        #[derive(Debug, PartialEq)]
        pub enum V {
            N,
            B(bool),
            I(i128),
            F(String),
            S(String),
            L(Vec<V>),
            M(Vec<(String, V)>),
        }
        pub fn of(node: &Node) -> V {
            match &node.value {
                Value::Null => V::N,
                Value::Bool(b) => V::B(*b),
                Value::Int(i) => V::I(*i),
                Value::Float(f) => V::F(f.to_string()),
                Value::String(s) => V::S(s.clone()),
                Value::Seq(items) => V::L(items.iter().map(of).collect()),
                Value::Map(map) => V::M(map.iter().map(|(k, v)| (k.clone(), of(v))).collect()),
            }
        }
    }

    const SPEC: &str = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /jobs:\n    get:\n      tags: [Jobs]\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Job'}}}}}\n  /files:\n    get:\n      tags: [Files]\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/File'}}}}}\ncomponents:\n  schemas:\n    Job:\n      type: object\n      properties:\n        status: {type: string, enum: [queued, running]}\n        owner: {$ref: '#/components/schemas/Owner'}\n    Owner: {type: object}\n    File: {type: object}\n";

    #[test]
    fn update_merges_appends_and_replaces_and_remove_deletes() {
        let mut spec = doc("s.yaml", SPEC);
        let overlay = doc(
            "o.yaml",
            "overlay: 1.0.0\ninfo: {title: fixes, version: '1'}\nactions:\n  - target: $.components.schemas.Job.properties.status.enum\n    update: paused\n  - target: \"$.components.schemas['Job']\"\n    update: {required: [status], description: A job.}\n  - target: $.paths['/files']\n    remove: true\n",
        );
        let warnings = apply(&mut spec, &overlay).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let status = spec.root.get("components").unwrap().get("schemas").unwrap().get("Job").unwrap();
        assert_eq!(
            yaml(status.get("properties").unwrap().get("status").unwrap().get("enum").unwrap()),
            yaml(&doc("x", "[queued, running, paused]").root)
        );
        assert_eq!(status.get("description").and_then(Node::as_str), Some("A job."));
        assert!(status.get("required").is_some() && status.get("type").is_some(), "merged, not replaced");
        assert!(spec.root.get("paths").unwrap().get("/files").is_none());
    }

    #[test]
    fn descendants_wildcards_indexes_and_filters_select() {
        let spec = doc("s.yaml", SPEC);
        let pick = |target: &str| select(&spec.root, &parse(target).unwrap()).len();
        assert_eq!(pick("$..enum"), 1);
        assert_eq!(pick("$.paths.*.get"), 2);
        assert_eq!(pick("$.paths[*].get.tags[0]"), 2);
        assert_eq!(pick("$.paths[*].get.tags[-1]"), 2);
        assert_eq!(pick("$.paths[*][?@.tags[0] == 'Jobs']"), 0, "a filter path of members only");
        assert_eq!(pick("$.components.schemas[?@.type == 'object']"), 3);
        assert_eq!(pick("$.components.schemas[?(@.type != 'object')]"), 0);
        assert_eq!(pick("$['components'][\"schemas\"].Job"), 1);
    }

    #[test]
    fn errors_point_into_the_overlay_and_misses_warn() {
        let mut spec = doc("s.yaml", SPEC);
        let overlay = doc(
            "o.yaml",
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths[1:2]\n    remove: true\n  - target: components\n    remove: true\n",
        );
        let errors = apply(&mut spec, &overlay).unwrap_err().to_string();
        assert!(errors.contains("error: o.yaml:4:13 at /actions/0/target: `$.paths[1:2]`: `[1:2]` is not supported"), "{errors}");
        assert!(errors.contains("o.yaml:6:13 at /actions/1/target: `components`: a target must start with `$`"), "{errors}");

        let overlay = doc(
            "o.yaml",
            "overlay: 1.0.0\ninfo: {title: t, version: '1'}\nactions:\n  - target: $.paths['/gone']\n    description: Drop the old path.\n    remove: true\n",
        );
        let warnings = apply(&mut spec, &overlay).unwrap();
        assert_eq!(warnings.len(), 1);
        assert!(warnings[0].to_string().contains("action 0 (Drop the old path.) selects nothing"), "{}", warnings[0]);
        let not_overlay = doc("o.yaml", "openapi: 3.1.0\n");
        assert!(apply(&mut spec, &not_overlay).unwrap_err().to_string().contains("not an Overlay 1.x document"));
    }

    #[test]
    fn a_subset_keeps_what_its_operations_reach() {
        let mut by_path = doc("s.yaml", SPEC);
        subset(&mut by_path, &["/jobs".to_owned()]);
        let schemas =
            |d: &Document| d.root.get("components").unwrap().get("schemas").unwrap().as_map().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(schemas(&by_path), ["Job", "Owner"]);
        assert!(by_path.root.get("paths").unwrap().get("/files").is_none());
        let mut by_tag = doc("s.yaml", SPEC);
        subset(&mut by_tag, &["Files".to_owned()]);
        assert_eq!(schemas(&by_tag), ["File"]);
    }
}
