//! Paths -> the resource tree: where each operation goes and what its method is called.
//!
//! The grouping rule works from the path alone, so it needs no per-spec configuration:
//! static segments name resources and parameters attach to the segment before them.
//! - `/jobs/{id}` acts on one item of `jobs`: `retrieve`, `update`, `delete`.
//! - `/jobs` is a collection when the first segment, when it has a GET, or when some path
//!   continues it with `/{param}`: `list`, `create`, `replace`, `update`, `delete`.
//! - any other last segment is an action on its parent: `/jobs/{id}/pause` is `jobs().pause(id)`.
//!
//! Two operations that land on one method name both fall back to their `operationId`.

use std::collections::{HashMap, HashSet};

use crate::ir::*;
use crate::names;

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Segment {
    /// Literal text; `name` is what names a resource: the text without a format extension
    /// (`Calls.json` is `Calls`).
    Literal { text: String, name: String },
    /// Text that holds parameters: `{id}`, `{Sid}.json`, `{name}:cancel`. A `:verb` after the
    /// last parameter is a custom method on the item (`action`); other text only shapes the URL.
    Param { text: String, action: Option<String> },
}

/// A piece of a segment: literal text or a parameter name.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Piece<'s> {
    Text(&'s str),
    Param(&'s str),
}

/// The pieces of one segment's text, in order; text without a closing `}` stays literal.
pub(super) fn pieces(text: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
        if open > 0 {
            out.push(Piece::Text(&rest[..open]));
        }
        out.push(Piece::Param(&rest[open + 1..close]));
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest));
    }
    out
}

/// A literal segment without a short alphabetic extension: `Calls.json` -> `Calls`.
fn without_extension(text: &str) -> &str {
    match text.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && (1..=5).contains(&ext.len()) && ext.chars().all(|c| c.is_ascii_alphabetic()) => stem,
        _ => text,
    }
}

pub(super) fn split_path(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|text| {
            let pieces = pieces(text);
            if !pieces.iter().any(|p| matches!(p, Piece::Param(_))) {
                return Segment::Literal { text: text.to_owned(), name: without_extension(text).to_owned() };
            }
            let action = match pieces.last() {
                Some(Piece::Text(tail)) => tail.strip_prefix(':').filter(|verb| !verb.is_empty()).map(str::to_owned),
                _ => None,
            };
            Segment::Param { text: text.to_owned(), action }
        })
        .collect()
}

/// The parameter names of a path, in template order.
pub(super) fn path_param_names(segments: &[Segment]) -> Vec<&str> {
    segments
        .iter()
        .flat_map(|s| match s {
            Segment::Param { text, .. } => pieces(text),
            Segment::Literal { .. } => Vec::new(),
        })
        .filter_map(|p| match p {
            Piece::Param(name) => Some(name),
            Piece::Text(_) => None,
        })
        .collect()
}

/// Splits a path key like `/responses?beta=true` into the path and the query pairs it fixes.
pub(super) fn split_query(path: &str) -> (&str, Vec<(String, String)>) {
    match path.split_once('?') {
        Some((path, query)) => {
            let pairs = query
                .split('&')
                .filter(|p| !p.is_empty())
                .map(|p| match p.split_once('=') {
                    Some((k, v)) => (k.to_owned(), v.to_owned()),
                    None => (p.to_owned(), String::new()),
                })
                .collect();
            (path, pairs)
        }
        None => (path, Vec::new()),
    }
}

/// The path with parameter names erased, so `/a/{x}` and `/a/{y}` compare equal.
pub(super) fn shape(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal { name, .. } => format!("/{name}"),
            Segment::Param { action: Some(verb), .. } => format!("/{{}}:{verb}"),
            Segment::Param { action: None, .. } => "/{}".to_owned(),
        })
        .collect()
}

/// Where an operation goes: its resource chain and the method name it wants.
pub(super) struct Placement {
    pub(super) chain: Vec<String>,
    /// For each resource of the chain, the path template up to its segment (`/jobs/{id}/events`).
    pub(super) prefixes: Vec<String>,
    pub(super) method: String,
}

/// `lists` says whether the operation answers with a list (an array, or an object with a
/// `data` array): a GET of a collection that answers with one object is a `retrieve`.
pub(super) fn place(method: &str, segments: &[Segment], has_get: &HashSet<String>, shapes: &HashSet<String>, lists: bool) -> Placement {
    let mut statics = Vec::new();
    let mut prefixes = Vec::new();
    let mut template = String::new();
    for segment in segments {
        template.push('/');
        match segment {
            Segment::Literal { text, name } => {
                template.push_str(text);
                statics.push(name.clone());
                prefixes.push(template.clone());
            }
            Segment::Param { text, .. } => template.push_str(text),
        }
    }
    match segments.last() {
        // `/batches/{id}:cancel`: a custom method on one item.
        Some(Segment::Param { action: Some(verb), .. }) => Placement { chain: statics, prefixes, method: names::field(verb) },
        Some(Segment::Param { action: None, .. }) | None => {
            let verb = match method {
                "get" => "retrieve",
                "post" | "put" | "patch" => "update",
                other => other,
            };
            Placement { chain: statics, prefixes, method: verb.to_owned() }
        }
        Some(Segment::Literal { name: last, .. }) => {
            let own = shape(segments);
            let continued = format!("{own}/{{}}");
            let collection = statics.len() == 1
                || has_get.contains(&own)
                || shapes.iter().any(|s| s == &continued || s.starts_with(&format!("{continued}/")));
            if collection {
                let verb = match method {
                    "get" if lists => "list",
                    "get" => "retrieve",
                    "post" => "create",
                    "put" => "replace",
                    "patch" => "update",
                    other => other,
                };
                Placement { chain: statics, prefixes, method: verb.to_owned() }
            } else {
                let mut chain = statics;
                chain.pop();
                prefixes.pop();
                Placement { chain, prefixes, method: names::field(last) }
            }
        }
    }
}

/// What naming needs to know of one operation besides its placement.
pub(super) struct Naming<'o> {
    /// The operationId, the fallback method name.
    pub(super) id: &'o str,
    /// It takes a multipart form besides JSON: a `_multipart` twin.
    pub(super) multipart: bool,
    /// It can answer with events: a `_stream` twin (and `_multipart_stream` with a form).
    pub(super) stream: bool,
    /// It only answers with events: the stream method takes the operation's own name.
    pub(super) only_events: bool,
}

/// The method names of one operation (see [`Operation::method_name`] and its twins).
#[derive(Default)]
pub(super) struct MethodNames {
    pub(super) main: String,
    pub(super) multipart: Option<String>,
    pub(super) stream: Option<String>,
    pub(super) multipart_stream: Option<String>,
}

/// A resource while the tree is built: its path segment and prefix, before names are settled.
struct Draft {
    segment: String,
    prefix: String,
    template: String,
    children: Vec<Draft>,
    operations: Vec<usize>,
}

/// Inserts each operation into the resource tree and settles accessor, struct and method
/// names; returns the tree and the method names of each operation.
pub(super) fn build_tree(placements: &[Placement], naming: &[Naming<'_>], reserved: &HashSet<String>) -> (Resource, Vec<MethodNames>) {
    let mut root =
        Draft { segment: String::new(), prefix: String::new(), template: String::new(), children: Vec::new(), operations: Vec::new() };
    for (index, placement) in placements.iter().enumerate() {
        let mut node = &mut root;
        let mut prefix = String::new();
        for (segment, template) in placement.chain.iter().zip(&placement.prefixes) {
            prefix.push('/');
            prefix.push_str(segment);
            let child = match node.children.iter().position(|c| c.prefix == prefix) {
                Some(p) => p,
                None => {
                    node.children.push(Draft {
                        segment: segment.clone(),
                        prefix: prefix.clone(),
                        template: template.clone(),
                        children: Vec::new(),
                        operations: Vec::new(),
                    });
                    node.children.len() - 1
                }
            };
            node = &mut node.children[child];
        }
        node.operations.push(index);
    }
    // Struct names are unique across the whole tree; the rule does not depend on order.
    let mut prefixes = Vec::new();
    collect_prefixes(&root, &mut prefixes);
    let wants: Vec<(String, String)> = prefixes.iter().map(|p| (p.clone(), struct_name(p))).collect();
    let struct_names: HashMap<String, String> = prefixes.into_iter().zip(names::assign_unique(&wants, &HashSet::new(), false)).collect();
    let mut methods: Vec<MethodNames> = placements.iter().map(|_| MethodNames::default()).collect();
    let tree = settle(root, String::new(), String::new(), reserved, &struct_names, placements, naming, &mut methods);
    (tree, methods)
}

fn collect_prefixes(node: &Draft, out: &mut Vec<String>) {
    for child in &node.children {
        out.push(child.prefix.clone());
        collect_prefixes(child, out);
    }
}

fn struct_name(prefix: &str) -> String {
    prefix.split('/').filter(|s| !s.is_empty()).map(names::type_name).collect::<Vec<_>>().concat()
}

/// Decides accessor and method names inside one resource, recursively, and turns the draft
/// into the resource. `reserved` holds the names the client itself already has; they matter at
/// the root only.
#[allow(clippy::too_many_arguments)]
fn settle(
    node: Draft,
    accessor: String,
    struct_name: String,
    reserved: &HashSet<String>,
    struct_names: &HashMap<String, String>,
    placements: &[Placement],
    naming: &[Naming<'_>],
    methods: &mut [MethodNames],
) -> Resource {
    let is_root = node.prefix.is_empty();
    let reserved: HashSet<String> = if is_root { reserved.clone() } else { HashSet::new() };
    let accessor_wants: Vec<(String, String)> = node.children.iter().map(|c| (c.segment.clone(), names::field(&c.segment))).collect();
    let accessors = names::assign_unique(&accessor_wants, &reserved, true);
    let mut taken: HashSet<String> = accessors.iter().cloned().chain(reserved.iter().cloned()).collect();
    // Methods: wanted names that collide (with each other or an accessor) use the operationId.
    let mut count: HashMap<&str, usize> = HashMap::new();
    for &i in &node.operations {
        *count.entry(placements[i].method.as_str()).or_default() += 1;
    }
    let wants: Vec<(String, String)> = node
        .operations
        .iter()
        .map(|&i| {
            let wanted = &placements[i].method;
            let name = if count[wanted.as_str()] > 1 || taken.contains(wanted) { names::field(naming[i].id) } else { wanted.clone() };
            (naming[i].id.to_owned(), name)
        })
        .collect();
    for (&i, name) in node.operations.iter().zip(names::assign_unique(&wants, &taken, true)) {
        taken.insert(name.clone());
        methods[i].main = name;
    }
    // Twins come after every operation's own name, under the same rule: an operation named
    // `create_stream` keeps its name, and `create`'s stream twin becomes `create_stream_2`.
    let mut twin_wants: Vec<(String, String)> = Vec::new();
    for &i in &node.operations {
        let main = names::unraw(&methods[i].main).to_owned();
        let n = &naming[i];
        if n.multipart {
            twin_wants.push((format!("{}#multipart", n.id), format!("{main}_multipart")));
        }
        if n.stream && !n.only_events {
            twin_wants.push((format!("{}#stream", n.id), format!("{main}_stream")));
        }
        if n.stream && n.multipart {
            twin_wants.push((format!("{}#multipart_stream", n.id), format!("{main}_multipart_stream")));
        }
    }
    let mut twins: HashMap<String, String> =
        twin_wants.iter().map(|(k, _)| k.clone()).zip(names::assign_unique(&twin_wants, &taken, true)).collect();
    for &i in &node.operations {
        let n = &naming[i];
        let names = &mut methods[i];
        names.multipart = twins.remove(&format!("{}#multipart", n.id));
        names.stream = if n.only_events { Some(names.main.clone()) } else { twins.remove(&format!("{}#stream", n.id)) };
        names.multipart_stream = twins.remove(&format!("{}#multipart_stream", n.id));
    }
    let doc = (!is_root).then(|| format!("Operations under `{}`.", node.template));
    let children = node
        .children
        .into_iter()
        .zip(accessors)
        .map(|(child, accessor)| {
            let name = struct_names[&child.prefix].clone();
            settle(child, accessor, name, &reserved, struct_names, placements, naming, methods)
        })
        .collect();
    Resource { accessor, struct_name, doc, children, operations: node.operations, feature: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placement(method: &str, path: &str, all: &[(&str, &str)]) -> (Vec<String>, String) {
        let shapes: HashSet<String> = all.iter().map(|(_, p)| shape(&split_path(p))).collect();
        let has_get: HashSet<String> = all.iter().filter(|(m, _)| *m == "get").map(|(_, p)| shape(&split_path(p))).collect();
        let p = place(method, &split_path(path), &has_get, &shapes, true);
        (p.chain, p.method)
    }

    #[test]
    fn resources_follow_the_path_rule() {
        let all = [
            ("post", "/fine_tuning/jobs"),
            ("get", "/fine_tuning/jobs"),
            ("get", "/fine_tuning/jobs/{id}"),
            ("post", "/fine_tuning/jobs/{id}/pause"),
            ("get", "/fine_tuning/jobs/{id}/events"),
            ("post", "/fine_tuning/alpha/graders/run"),
            ("post", "/fine_tuning/checkpoints/{c}/permissions"),
            ("delete", "/fine_tuning/checkpoints/{c}/permissions/{p}"),
        ];
        let chain = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(placement("post", "/fine_tuning/jobs", &all), (chain(&["fine_tuning", "jobs"]), "create".into()));
        assert_eq!(placement("get", "/fine_tuning/jobs", &all), (chain(&["fine_tuning", "jobs"]), "list".into()));
        assert_eq!(placement("get", "/fine_tuning/jobs/{id}", &all), (chain(&["fine_tuning", "jobs"]), "retrieve".into()));
        assert_eq!(placement("post", "/fine_tuning/jobs/{id}/pause", &all), (chain(&["fine_tuning", "jobs"]), "pause".into()));
        assert_eq!(placement("get", "/fine_tuning/jobs/{id}/events", &all), (chain(&["fine_tuning", "jobs", "events"]), "list".into()));
        assert_eq!(placement("post", "/fine_tuning/alpha/graders/run", &all), (chain(&["fine_tuning", "alpha", "graders"]), "run".into()));
        assert_eq!(
            placement("post", "/fine_tuning/checkpoints/{c}/permissions", &all),
            (chain(&["fine_tuning", "checkpoints", "permissions"]), "create".into())
        );
        assert_eq!(
            placement("delete", "/fine_tuning/checkpoints/{c}/permissions/{p}", &all),
            (chain(&["fine_tuning", "checkpoints", "permissions"]), "delete".into())
        );
    }

    #[test]
    fn parameters_inside_a_segment() {
        let all = [
            ("get", "/Accounts/{AccountSid}/Calls.json"),
            ("post", "/Accounts/{AccountSid}/Calls.json"),
            ("get", "/Accounts/{AccountSid}/Calls/{Sid}.json"),
            ("post", "/v1/batches/{batch_id}:cancel"),
            ("get", "/v1/batches/{batch_id}"),
        ];
        let chain = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(placement("get", "/Accounts/{AccountSid}/Calls.json", &all), (chain(&["Accounts", "Calls"]), "list".into()));
        assert_eq!(placement("post", "/Accounts/{AccountSid}/Calls.json", &all), (chain(&["Accounts", "Calls"]), "create".into()));
        assert_eq!(placement("get", "/Accounts/{AccountSid}/Calls/{Sid}.json", &all), (chain(&["Accounts", "Calls"]), "retrieve".into()));
        assert_eq!(placement("post", "/v1/batches/{batch_id}:cancel", &all), (chain(&["v1", "batches"]), "cancel".into()));
        assert_eq!(placement("get", "/v1/batches/{batch_id}", &all), (chain(&["v1", "batches"]), "retrieve".into()));
        let segments = split_path("/a/{x}-{y}.json/{z}:run");
        assert_eq!(path_param_names(&segments), ["x", "y", "z"]);
        assert_eq!(pieces("{x}-{y}.json"), [Piece::Param("x"), Piece::Text("-"), Piece::Param("y"), Piece::Text(".json")]);
        assert_eq!(pieces("v2.1"), [Piece::Text("v2.1")]);
        assert_eq!(split_path("/v2.1")[0], Segment::Literal { text: "v2.1".into(), name: "v2.1".into() });
    }
}
