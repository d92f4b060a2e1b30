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
    Literal(String),
    Param(String),
}

pub(super) fn split_path(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => Segment::Param(name.to_owned()),
            None => Segment::Literal(s.to_owned()),
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
            Segment::Literal(l) => format!("/{l}"),
            Segment::Param(_) => "/{}".to_owned(),
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
        match segment {
            Segment::Literal(l) => {
                template.push_str(&format!("/{l}"));
                statics.push(l.clone());
                prefixes.push(template.clone());
            }
            Segment::Param(p) => template.push_str(&format!("/{{{p}}}")),
        }
    }
    match segments.last() {
        Some(Segment::Param(_)) | None => {
            let verb = match method {
                "get" => "retrieve",
                "post" | "put" | "patch" => "update",
                other => other,
            };
            Placement { chain: statics, prefixes, method: verb.to_owned() }
        }
        Some(Segment::Literal(last)) => {
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
}
