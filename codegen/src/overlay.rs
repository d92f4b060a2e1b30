//! An OpenAPI Overlay 1.0 document and a spec → the spec with the overlay's actions applied, in
//! order: `update` merges into every node the action's JSONPath `target` selects, `remove`
//! deletes them. Corrections to a spec someone else publishes live in an overlay, so that a
//! new upstream version is adopted by regenerating, not by redoing the corrections.
//!
//! Targets are RFC 9535 JSONPath, in the part of it that overlays use: `$`, member names
//! (`.name`, `['name']`, `["name"]`), indexes (`[0]`, `[-1]`), wildcards (`.*`, `[*]`),
//! descendants (`..name`, `..*`) and filters comparing the node or a member with a literal
//! (`[?@.name == 'value']`, `!=`, also `@.a.b`). Written here rather than taken from a crate:
//! the JSONPath crates evaluate over `serde_json::Value`, and the spec is our own tree, whose
//! nodes keep the lines that messages point to. Anything else is an error at the target.

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

/// The overlay's merge: objects merge key by key, recursively; a list or value inside the
/// update replaces the target's; a target that is itself a list receives the update's items
/// (or the update itself) at its end; anything else is replaced. What comes from the overlay
/// takes the position of the node it lands in, because messages about it name the spec's file.
fn merge(target: &mut Node, update: &Node) {
    let (line, column) = (target.line, target.column);
    let placed = |node: &Node| {
        let mut node = node.clone();
        relocate(&mut node, line, column);
        node
    };
    match (&mut target.value, &update.value) {
        (Value::Map(into), Value::Map(from)) => {
            for (key, value) in from {
                match into.get_mut(key) {
                    Some(existing) if matches!((&existing.value, &value.value), (Value::Map(_), Value::Map(_))) => merge(existing, value),
                    Some(existing) => *existing = placed(value),
                    None => {
                        into.insert(key.clone(), placed(value));
                    }
                }
            }
        }
        (Value::Seq(items), Value::Seq(more)) => items.extend(more.iter().map(placed)),
        (Value::Seq(items), _) => items.push(placed(update)),
        _ => *target = placed(update),
    }
}

fn relocate(node: &mut Node, line: u32, column: u32) {
    node.line = line;
    node.column = column;
    match &mut node.value {
        Value::Map(map) => map.values_mut().for_each(|n| relocate(n, line, column)),
        Value::Seq(items) => items.iter_mut().for_each(|n| relocate(n, line, column)),
        _ => {}
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
                        // RFC 9535: a missing member equals nothing, so `!=` selects it.
                        let value = path.iter().try_fold(found, |n, key| n.get(key)).map(|n| &n.value);
                        if value.is_some_and(|v| same(v, literal)) == *equal {
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
        // Two descendant segments can reach one node twice; it is selected once.
        let mut seen: Vec<Location> = Vec::new();
        next.retain(|(location, _)| {
            let new = !seen.contains(location);
            if new {
                seen.push(location.clone());
            }
            new
        });
        current = next;
    }
    current.into_iter().map(|(location, _)| location).collect()
}

/// Equality of JSON values, numbers by value (`1` equals `1.0`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Int(x), Value::Float(y)) | (Value::Float(y), Value::Int(x)) => *x as f64 == *y,
        _ => a == b,
    }
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
        let filter = filter.trim();
        let filter = filter.strip_prefix('(').and_then(|f| f.strip_suffix(')')).unwrap_or(filter).trim();
        // Operators are looked for outside quoted literals, which may hold `==` or `&&` themselves.
        let operators = unquoted_operators(filter);
        if operators.iter().any(|(_, op)| *op == "&&" || *op == "||") {
            return Err(format!("only one comparison per filter is supported, not `[{inside}]`"));
        }
        let (left, equal, right) = match operators.first() {
            Some(&(at, op)) => (&filter[..at], op == "==", &filter[at + 2..]),
            None => return Err(format!("only `==` and `!=` filters are supported, not `[{inside}]`")),
        };
        // `@` alone is the child itself (`required[?@ == 'name']` picks one entry of a list).
        let left = left.trim();
        let path = if left == "@" {
            Vec::new()
        } else {
            let path = left.strip_prefix("@.").ok_or_else(|| format!("a filter compares `@` or `@.member`, not `{left}`"))?;
            if path.contains(['[', ']', '*', '(']) {
                return Err(format!("a filter compares a member path (`@.a.b`), not `{left}`"));
            }
            path.split('.').map(str::to_owned).collect()
        };
        let literal = literal(right.trim()).ok_or_else(|| format!("`{}` is not a string, number, boolean or null", right.trim()))?;
        return Ok(Selector::Filter { path, equal, literal });
    }
    Err(format!("`[{inside}]` is not supported: slices, unions and functions are not"))
}

/// The two-character operators (`==`, `!=`, `&&`, `||`) of a filter that stand outside quoted
/// literals, with their byte offsets.
fn unquoted_operators(filter: &str) -> Vec<(usize, &'static str)> {
    let mut found = Vec::new();
    let mut quote = None;
    let bytes = filter.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'\'' || c == b'"' => quote = Some(c),
            None => {
                let pair = bytes.get(i..i + 2);
                if let Some(op) = ["==", "!=", "&&", "||"].into_iter().find(|op| pair == Some(op.as_bytes())) {
                    found.push((i, op));
                    i += 2;
                    continue;
                }
            }
        }
        i += 1;
    }
    found
}

/// The text of a quoted string literal; `None` when `text` is not exactly one (a union such
/// as `'a','b'` is not).
fn quoted(text: &str) -> Option<String> {
    let first = text.chars().next()?;
    let inner = text.get(1..text.len().checked_sub(1)?)?;
    (matches!(first, '\'' | '"') && text.len() >= 2 && text.ends_with(first) && !inner.contains(first)).then(|| inner.to_owned())
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

/// The HTTP methods a path item may hold.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Keeps the operations whose path is one of `only` or lies below it (a `/`-prefix), or that
/// carry one of them as a tag; drops the rest. Webhooks have names, not paths: one is kept
/// when its operation carries a kept tag, or when its name starts with the words of a kept
/// prefix, `_`, `-`, `.` and `/` all counting as one separator and the prefix's last word also
/// without a plural `s` or `es` (`/fine_tuning` keeps `fine_tuning_job_failed`, `/batches`
/// keeps `batch.completed`). Of `components.schemas` only what
/// the kept operations and webhooks reach stays: through `$ref`s (a reference into a schema
/// keeps the schema), discriminator mappings, and the subtypes that build on a kept base with
/// `allOf`. Returns whether any operation is left.
pub fn subset(spec: &mut Document, only: &[String]) -> bool {
    let prefixes: Vec<&str> = only.iter().filter(|o| o.starts_with('/')).map(|o| o.trim_end_matches('/')).collect();
    let tags: Vec<&str> = only.iter().filter(|o| !o.starts_with('/')).map(String::as_str).collect();
    let under = |path: &str| prefixes.iter().any(|p| path == *p || path.starts_with(&format!("{p}/")));
    let tagged =
        |op: &Node| op.get("tags").and_then(Node::as_seq).is_some_and(|t| t.iter().any(|t| t.as_str().is_some_and(|t| tags.contains(&t))));
    let mut any = false;
    if let Value::Map(root) = &mut spec.root.value {
        if let Some(Node { value: Value::Map(paths), .. }) = root.get_mut("paths") {
            for (path, item) in paths.iter_mut() {
                if under(path) {
                    continue;
                }
                // By tag, operation by operation.
                if let Value::Map(ops) = &mut item.value {
                    ops.retain(|key, op| !METHODS.contains(&key.as_str()) || tagged(op));
                }
            }
            paths.retain(|_, item| item.as_map().is_some_and(|ops| ops.keys().any(|k| METHODS.contains(&k.as_str()))));
            any = !paths.is_empty();
        }
        let named: Vec<Vec<String>> = prefixes.iter().map(|p| name_words(p)).filter(|w| !w.is_empty()).collect();
        let kept_webhook = |name: &str, item: &Node| {
            let words = name_words(name);
            named.iter().any(|prefix| starts_with_words(&words, prefix))
                || item.as_map().is_some_and(|ops| ops.iter().any(|(method, op)| METHODS.contains(&method.as_str()) && tagged(op)))
        };
        if let Some(Node { value: Value::Map(webhooks), .. }) = root.get_mut("webhooks") {
            webhooks.retain(|name, item| kept_webhook(name, item));
            any |= !webhooks.is_empty();
        }
        if root.get("webhooks").and_then(Node::as_map).is_some_and(|w| w.is_empty()) {
            root.shift_remove("webhooks");
        }
    }
    let reached = reached_schemas(spec);
    if let Value::Map(root) = &mut spec.root.value
        && let Some(Node { value: Value::Map(components), .. }) = root.get_mut("components")
        && let Some(Node { value: Value::Map(schemas), .. }) = components.get_mut("schemas")
    {
        schemas.retain(|name, _| reached.contains(name));
    }
    any
}

/// The lowercase words of a path or webhook name: `_`, `-`, `.` and `/` all separate.
fn name_words(name: &str) -> Vec<String> {
    name.split(['_', '-', '.', '/']).filter(|w| !w.is_empty()).map(str::to_lowercase).collect()
}

/// Whether `words` begins with `prefix`, its last word also matching without a plural ending.
fn starts_with_words(words: &[String], prefix: &[String]) -> bool {
    let Some((last, init)) = prefix.split_last() else { return false };
    if words.len() < prefix.len() || words[..init.len()] != *init {
        return false;
    }
    let word = &words[init.len()];
    word == last || [last.strip_suffix("es"), last.strip_suffix('s')].into_iter().flatten().any(|singular| word == singular)
}

/// The names of the component schemas the paths reach.
fn reached_schemas(spec: &Document) -> Vec<String> {
    let schemas = spec.root.get("components").and_then(|c| c.get("schemas")).and_then(Node::as_map);
    let schema_of = |reference: &str| -> Option<String> {
        let rest = reference.strip_prefix("#/components/schemas/")?;
        let name = rest.split('/').next()?;
        Some(name.replace("~1", "/").replace("~0", "~"))
    };
    let mut reached: Vec<String> = Vec::new();
    let mut seen_refs: Vec<String> = Vec::new();
    let mut stack: Vec<&Node> = spec.root.get("paths").into_iter().chain(spec.root.get("webhooks")).collect();
    loop {
        while let Some(node) = stack.pop() {
            let mut refs = Vec::new();
            collect_refs(node, &mut refs);
            for reference in refs {
                if seen_refs.contains(&reference) {
                    continue;
                }
                seen_refs.push(reference.clone());
                // A mapping value may be a bare schema name.
                let reference = if reference.starts_with('#') { reference } else { format!("#/components/schemas/{reference}") };
                if let Some((_, target)) = spec.follow(&reference) {
                    stack.push(target);
                }
                if let Some(name) = schema_of(&reference)
                    && !reached.contains(&name)
                {
                    if let Some(schema) = schemas.and_then(|s| s.get(&name)) {
                        stack.push(schema);
                    }
                    reached.push(name);
                }
            }
        }
        // Subtypes that build on a kept discriminator base with `allOf` are found from the base,
        // not by a `$ref`.
        let mut grew = false;
        for (name, schema) in schemas.into_iter().flatten() {
            if reached.contains(name) {
                continue;
            }
            // Only a base with a `discriminator` stands for its subtypes (see `spec.rs`).
            let is_kept_base = |base: String| {
                reached.contains(&base) && schemas.and_then(|s| s.get(&base)).is_some_and(|b| b.get("discriminator").is_some())
            };
            let extends = schema.get("allOf").and_then(Node::as_seq).is_some_and(|members| {
                members.iter().any(|m| m.get("$ref").and_then(Node::as_str).and_then(schema_of).is_some_and(is_kept_base))
            });
            if extends {
                reached.push(name.clone());
                stack.push(schema);
                grew = true;
            }
        }
        if !grew {
            return reached;
        }
    }
}

fn collect_refs(node: &Node, out: &mut Vec<String>) {
    match &node.value {
        Value::Map(map) => {
            for (key, value) in map {
                match (key.as_str(), value.as_str()) {
                    ("$ref" | "$recursiveRef", Some(reference)) => out.push(reference.to_owned()),
                    ("mapping", None) => {
                        out.extend(value.as_map().into_iter().flat_map(|m| m.values()).filter_map(Node::as_str).map(str::to_owned));
                    }
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
        assert!(parse("$.paths[*][?@.tags[0] == 'Jobs']").is_err(), "a filter path of members only");
        assert!(parse("$.paths['/a','/b']").is_err(), "no unions");
        assert!(parse("$.x[?@.a == 1 && @.b == 2]").is_err(), "one comparison");
        assert_eq!(pick("$..properties..enum"), 1, "one node selected once");
        assert_eq!(pick("$.components.schemas[?@.type == 'object']"), 3);
        assert_eq!(pick("$.components.schemas[?(@.type != 'object')]"), 0);
        assert_eq!(pick("$.components.schemas[?@.required != 'x']"), 3, "a missing member is not equal");
        assert_eq!(pick("$['components'][\"schemas\"].Job"), 1);
        assert_eq!(pick("$..enum[?@ == 'running']"), 1, "`@` alone is the entry");
        assert_eq!(pick("$..enum[?@ != 'running']"), 1);
        assert!(parse("$..enum[?running == @]").is_err());
        // Operators inside a quoted literal are part of the literal.
        let quoted = doc("q.yaml", "a: ['x==y', 'p && q', '(r)', plain]\n");
        let count = |target: &str| select(&quoted.root, &parse(target).unwrap()).len();
        assert_eq!(count("$.a[?@ == 'x==y']"), 1);
        assert_eq!(count("$.a[?@ != 'x==y']"), 3);
        assert_eq!(count("$.a[?(@ == 'p && q')]"), 1);
        assert_eq!(count("$.a[?@ == '(r)']"), 1, "only one outer pair of parentheses goes");
        assert!(parse("$.a[?@ == 'x' && @ == 'y']").is_err(), "one comparison, even next to quotes");
    }

    #[test]
    fn remove_with_a_filter_deletes_one_entry_of_a_list() {
        let mut spec = doc("s.yaml", "a: {required: [id, status, name]}\n");
        let overlay = doc("o.yaml", "overlay: 1.0.0\nactions:\n  - target: $.a.required[?@ == 'status']\n    remove: true\n");
        apply(&mut spec, &overlay).unwrap();
        assert_eq!(yaml(spec.root.get("a").unwrap()), yaml(&doc("x", "{required: [id, name]}").root));
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
    fn a_subset_keeps_subtypes_mapped_names_and_schemas_referenced_inside() {
        let text = "openapi: 3.1.0\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}}\n    post:\n      tags: [Other]\n      responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Job/properties/status'}}}}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      discriminator: {propertyName: kind, mapping: {fish: Fish}}\n      properties: {kind: {type: string}}\n    Cat:\n      allOf: [{$ref: '#/components/schemas/Pet'}]\n    Fish: {type: object}\n    Job:\n      type: object\n      properties: {status: {type: string}}\n    Unused: {type: object}\n";
        let mut spec = doc("s.yaml", text);
        assert!(subset(&mut spec, &["/pets".to_owned()]));
        let names: Vec<String> = spec.root.get("components").unwrap().get("schemas").unwrap().as_map().unwrap().keys().cloned().collect();
        assert_eq!(names, ["Pet", "Cat", "Fish", "Job"]);
        // By tag, operation by operation: the untagged `get` goes, the path stays for `post`.
        let mut by_tag = doc("s.yaml", text);
        assert!(subset(&mut by_tag, &["Other".to_owned()]));
        let ops: Vec<String> = by_tag.root.get("paths").unwrap().get("/pets").unwrap().as_map().unwrap().keys().cloned().collect();
        assert_eq!(ops, ["post"]);
        assert!(!subset(&mut doc("s.yaml", text), &["/nothing".to_owned()]), "nothing kept");
    }

    #[test]
    fn a_subset_keeps_what_its_operations_reach() {
        let mut by_path = doc("s.yaml", SPEC);
        assert!(subset(&mut by_path, &["/jobs".to_owned()]));
        let schemas =
            |d: &Document| d.root.get("components").unwrap().get("schemas").unwrap().as_map().unwrap().keys().cloned().collect::<Vec<_>>();
        assert_eq!(schemas(&by_path), ["Job", "Owner"]);
        assert!(by_path.root.get("paths").unwrap().get("/files").is_none());
        let mut by_tag = doc("s.yaml", SPEC);
        assert!(subset(&mut by_tag, &["Files".to_owned()]));
        assert_eq!(schemas(&by_tag), ["File"]);
    }

    #[test]
    fn a_subset_keeps_the_webhooks_named_after_a_kept_prefix_or_tagged() {
        let hook = |name: &str, extra: &str, schema: &str| {
            format!(
                "  {name}:\n    post: {{{extra}requestBody: {{content: {{application/json: {{schema: {{$ref: '#/components/schemas/{schema}'}}}}}}}}}}\n"
            )
        };
        let text = format!(
            "{SPEC}    Done: {{type: object}}\n    Gone: {{type: object}}\n    Filed: {{type: object}}\n    Batched: {{type: object}}\nwebhooks:\n{}{}{}{}",
            hook("jobs_done", "", "Done"),
            hook("jobsite_gone", "", "Gone"),
            hook("file-added", "tags: [Uploads], ", "Filed"),
            hook("batch.completed", "", "Batched"),
        );
        let names = |d: &Document| d.root.get("webhooks").and_then(Node::as_map).map(|m| m.keys().cloned().collect::<Vec<_>>());
        let mut jobs = doc("s.yaml", &text);
        assert!(subset(&mut jobs, &["/jobs".to_owned()]));
        assert_eq!(names(&jobs).unwrap(), ["jobs_done"], "a prefix of words, not a part of a word");
        let schemas = jobs.root.get("components").unwrap().get("schemas").unwrap();
        assert!(schemas.get("Done").is_some() && schemas.get("Gone").is_none() && schemas.get("Filed").is_none());
        let mut files = doc("s.yaml", &text);
        assert!(subset(&mut files, &["/files".to_owned()]));
        assert_eq!(names(&files).unwrap(), ["file-added"], "`files` names one `file`, and `-` separates like `_`");
        let mut batches = doc("s.yaml", &text);
        assert!(subset(&mut batches, &["/batches".to_owned()]), "a webhook kept is something kept");
        assert_eq!(names(&batches).unwrap(), ["batch.completed"]);
        let mut tagged = doc("s.yaml", &text);
        assert!(subset(&mut tagged, &["Uploads".to_owned()]), "only a webhook is kept, and that counts");
        assert_eq!(names(&tagged).unwrap(), ["file-added"]);
        let mut none = doc("s.yaml", &text);
        assert!(subset(&mut none, &["Jobs".to_owned()]));
        assert!(none.root.get("webhooks").is_none(), "no webhook left, no `webhooks`");
    }
}
