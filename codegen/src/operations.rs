//! Paths and operations -> IR operations grouped into a resource tree.
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

use crate::diag::Pointer;
use crate::ir::*;
use crate::load::Node;
use crate::lower::Cx;
use crate::names;

/// Methods the runtime's `Client` and the generated `lib.rs` already define.
const CLIENT_METHODS: [&str; 5] = ["base_url", "builder", "from_env", "send", "send_empty"];

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq)]
enum Segment {
    Literal(String),
    Param(String),
}

fn split_path(path: &str) -> Vec<Segment> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            Some(name) => Segment::Param(name.to_owned()),
            None => Segment::Literal(s.to_owned()),
        })
        .collect()
}

/// Splits a path key like `/responses?beta=true` into the path and the query pairs it fixes.
fn split_query(path: &str) -> (&str, Vec<(String, String)>) {
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
fn shape(segments: &[Segment]) -> String {
    segments
        .iter()
        .map(|s| match s {
            Segment::Literal(l) => format!("/{l}"),
            Segment::Param(_) => "/{}".to_owned(),
        })
        .collect()
}

/// Where an operation goes: its resource chain and the method name it wants.
struct Placement {
    chain: Vec<String>,
    /// For each resource of the chain, the path template up to its segment (`/jobs/{id}/events`).
    prefixes: Vec<String>,
    method: String,
}

/// `lists` says whether the operation answers with a list (an array, or an object with a
/// `data` array): a GET of a collection that answers with one object is a `retrieve`.
fn place(method: &str, segments: &[Segment], has_get: &HashSet<String>, shapes: &HashSet<String>, lists: bool) -> Placement {
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

/// Lowers every operation and builds the resource tree; `None` when `paths` is unusable.
pub(crate) fn lower_operations(cx: &mut Cx<'_>) -> Option<(Vec<Operation>, Resource)> {
    let root = cx.root();
    let paths_ptr = Pointer::root().push("paths");
    let Some(paths_node) = root.get("paths") else {
        return Some((Vec::new(), Resource::default()));
    };
    let Some(paths) = paths_node.as_map() else {
        cx.error_at(&paths_ptr, format!("`paths` must be a mapping, found {}", paths_node.kind()));
        return None;
    };

    let mut shapes = HashSet::new();
    let mut has_get = HashSet::new();
    for (path, item) in paths {
        let s = shape(&split_path(split_query(path).0));
        if item.get("get").is_some() {
            has_get.insert(s.clone());
        }
        shapes.insert(s);
    }

    let mut operations = Vec::new();
    let mut placements = Vec::new();
    let mut seen_ids: HashMap<String, Pointer> = HashMap::new();
    for (path, item) in paths {
        let item_ptr = paths_ptr.push(path);
        if !path.starts_with('/') {
            cx.error_at(&item_ptr, format!("path `{path}` must start with `/`"));
            continue;
        }
        let Some(item_map) = item.as_map() else {
            cx.error_at(&item_ptr, format!("a path item must be a mapping, found {}", item.kind()));
            continue;
        };
        if item.get("$ref").is_some() {
            cx.error_at(&item_ptr.push("$ref"), "path items that are `$ref`s are not supported".to_owned());
            continue;
        }
        let (path_only, fixed_query) = split_query(path);
        let segments = split_path(path_only);
        for (method, op_node) in item_map {
            if !METHODS.contains(&method.as_str()) {
                continue;
            }
            let op_ptr = item_ptr.push(method);
            let mut duplicate = false;
            if let Some(id) = op_node.get("operationId").and_then(Node::as_str) {
                if let Some(first) = seen_ids.get(id) {
                    cx.error_at(&op_ptr.push("operationId"), format!("operationId `{id}` is also used at {first}"));
                    duplicate = true;
                } else {
                    seen_ids.insert(id.to_owned(), op_ptr.clone());
                }
            }
            // A duplicate is still lowered, so that its other errors are reported too.
            let lowered = lower_operation(cx, path, &segments, method, (op_node, &op_ptr), (item, &item_ptr));
            let Some(mut op) = lowered.filter(|_| !duplicate) else {
                continue;
            };
            op.fixed_query = fixed_query.clone();
            let lists = op.response.as_ref().is_some_and(|ty| cx.is_list(ty));
            let mut placement = place(method, &segments, &has_get, &shapes, lists);
            // A path that fixes a query (`?beta=true`) is a variant of the plain path's operation:
            // `beta_create` beside `create`.
            for (key, value) in fixed_query.iter().rev() {
                let prefix = if value == "true" || value.is_empty() { key.clone() } else { format!("{key}_{value}") };
                placement.method = names::field(&format!("{prefix}_{}", placement.method));
            }
            placements.push(placement);
            operations.push(op);
        }
    }

    let root_resource = build_tree(&mut operations, &placements);
    Some((operations, root_resource))
}

/// Inserts each operation into the resource tree and settles method and struct names.
fn build_tree(operations: &mut [Operation], placements: &[Placement]) -> Resource {
    let mut root = Resource::default();
    for (index, placement) in placements.iter().enumerate() {
        let mut node = &mut root;
        let mut prefix = String::new();
        for (segment, template) in placement.chain.iter().zip(&placement.prefixes) {
            prefix.push('/');
            prefix.push_str(segment);
            let position = node.children.iter().position(|c| c.struct_name == prefix);
            let child = match position {
                Some(p) => p,
                None => {
                    node.children.push(Resource {
                        accessor: segment.clone(),
                        // Holds the path prefix until names are settled below.
                        struct_name: prefix.clone(),
                        doc: Some(format!("Operations under `{template}`.")),
                        children: Vec::new(),
                        operations: Vec::new(),
                        feature: None,
                    });
                    node.children.len() - 1
                }
            };
            node = &mut node.children[child];
        }
        node.operations.push(index);
    }
    let mut struct_names = Vec::new();
    settle(&mut root, operations, placements, &mut struct_names);
    // Struct names are unique across the whole tree.
    let wants: Vec<(String, String)> = struct_names.iter().map(|p: &String| (p.clone(), struct_name(p))).collect();
    let unique: HashMap<String, String> = struct_names.iter().cloned().zip(names::assign_unique(&wants, &HashSet::new(), false)).collect();
    rename(&mut root, &unique);
    root
}

fn struct_name(prefix: &str) -> String {
    prefix.split('/').filter(|s| !s.is_empty()).map(names::type_name).collect::<Vec<_>>().concat()
}

fn rename(node: &mut Resource, unique: &HashMap<String, String>) {
    for child in &mut node.children {
        child.struct_name = unique[&child.struct_name].clone();
        rename(child, unique);
    }
}

/// Decides accessor and method names inside one resource, recursively.
fn settle(node: &mut Resource, operations: &mut [Operation], placements: &[Placement], struct_names: &mut Vec<String>) {
    // The root is the client itself, whose own methods are not available as names.
    let reserved: HashSet<String> =
        if node.struct_name.is_empty() { CLIENT_METHODS.iter().map(|m| (*m).to_owned()).collect() } else { HashSet::new() };
    let accessor_wants: Vec<(String, String)> = node.children.iter().map(|c| (c.accessor.clone(), names::field(&c.accessor))).collect();
    let accessors = names::assign_unique(&accessor_wants, &reserved, true);
    let mut taken: HashSet<String> = accessors.iter().cloned().chain(reserved).collect();
    for (child, name) in node.children.iter_mut().zip(accessors) {
        child.accessor = name;
    }
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
            let name = if count[wanted.as_str()] > 1 || taken.contains(wanted) { names::field(&operations[i].id) } else { wanted.clone() };
            (operations[i].id.clone(), name)
        })
        .collect();
    for (&i, name) in node.operations.iter().zip(names::assign_unique(&wants, &taken, true)) {
        taken.insert(name.clone());
        operations[i].method_name = name;
    }
    for child in &mut node.children {
        struct_names.push(child.struct_name.clone());
        settle(child, operations, placements, struct_names);
    }
}

/// A parameter after `$ref` resolution.
struct RawParam<'a> {
    name: String,
    location: String,
    node: &'a Node,
    ptr: Pointer,
}

fn lower_operation<'a>(
    cx: &mut Cx<'a>,
    path: &str,
    segments: &[Segment],
    method: &str,
    (op, op_ptr): (&'a Node, &Pointer),
    (item, item_ptr): (&'a Node, &Pointer),
) -> Option<Operation> {
    let id = match op.get("operationId").and_then(Node::as_str) {
        Some(id) if !id.trim().is_empty() => id.to_owned(),
        _ => {
            // Without an operationId the method and path name the operation.
            let words: Vec<String> = segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(l) => l.clone(),
                    Segment::Param(p) => format!("by_{p}"),
                })
                .collect();
            format!("{method}_{}", words.join("_"))
        }
    };
    let type_base = names::type_name(&id);
    let mut ok = true;

    // Parameters: the path item's, overridden by the operation's with the same name and place.
    let mut raw: Vec<RawParam<'a>> = Vec::new();
    for (list, list_ptr) in [(item.get("parameters"), item_ptr.push("parameters")), (op.get("parameters"), op_ptr.push("parameters"))] {
        let Some(list) = list else { continue };
        let Some(items) = list.as_seq() else {
            cx.error_at(&list_ptr, format!("`parameters` must be a list, found {}", list.kind()));
            ok = false;
            continue;
        };
        for (i, param) in items.iter().enumerate() {
            let Some((ptr, node)) = cx.deref_object(param, &list_ptr.index(i)) else {
                ok = false;
                continue;
            };
            let name = node.get("name").and_then(Node::as_str);
            let location = node.get("in").and_then(Node::as_str);
            let (Some(name), Some(location)) = (name, location) else {
                cx.error_at(&ptr, "a parameter needs a string `name` and `in`".to_owned());
                ok = false;
                continue;
            };
            raw.retain(|p| !(p.name == name && p.location == location));
            raw.push(RawParam { name: name.to_owned(), location: location.to_owned(), node, ptr });
        }
    }

    // Path parameters, in template order.
    let template_params: Vec<&str> = segments
        .iter()
        .filter_map(|s| match s {
            Segment::Param(p) => Some(p.as_str()),
            Segment::Literal(_) => None,
        })
        .collect();
    let mut path_params = Vec::new();
    for name in &template_params {
        match raw.iter().find(|p| p.location == "path" && p.name == *name) {
            Some(p) => {
                if p.node.get("required").and_then(Node::as_bool) != Some(true) {
                    cx.error_at(&p.ptr, format!("path parameter `{name}` must be required"));
                    ok = false;
                }
                let doc = p.node.get("description").and_then(Node::as_str).map(str::to_owned);
                path_params.push(PathParam { name: String::new(), wire: (*name).to_owned(), doc });
            }
            None => {
                cx.error_at(op_ptr, format!("path parameter `{name}` of `{path}` is not declared"));
                ok = false;
            }
        }
    }
    for p in raw.iter().filter(|p| p.location == "path") {
        if !template_params.contains(&p.name.as_str()) {
            cx.error_at(&p.ptr, format!("path parameter `{}` does not appear in `{path}`", p.name));
            ok = false;
        }
    }
    let wants: Vec<(String, String)> = path_params.iter().map(|p| (p.wire.clone(), names::field(&p.wire))).collect();
    let taken: HashSet<String> = HashSet::new();
    for (p, name) in path_params.iter_mut().zip(names::assign_unique(&wants, &taken, true)) {
        p.name = name;
    }
    let mut arg_names: HashSet<String> = path_params.iter().map(|p| p.name.clone()).collect();
    let fresh_arg = |wanted: &str, arg_names: &mut HashSet<String>| {
        let name = names::assign_unique(&[(wanted.to_owned(), wanted.to_owned())], arg_names, true).remove(0);
        arg_names.insert(name.clone());
        name
    };
    let mut path_parts = Vec::new();
    let mut literal = String::new();
    let mut param_index = 0;
    for segment in segments {
        literal.push('/');
        match segment {
            Segment::Literal(l) => literal.push_str(l),
            Segment::Param(_) => {
                path_parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                path_parts.push(PathPart::Param(param_index));
                param_index += 1;
            }
        }
    }
    if !literal.is_empty() {
        path_parts.push(PathPart::Literal(literal));
    }
    path_parts.retain(|p| p != &PathPart::Literal(String::new()));

    // Query parameters.
    let mut query_fields = Vec::new();
    let params_name = format!("{type_base}Params");
    for p in &raw {
        match p.location.as_str() {
            "path" => {}
            "query" | "header" => match lower_query_param(cx, p, &params_name) {
                Some(q) => query_fields.push(q),
                None => ok = false,
            },
            other => {
                cx.error_at(&p.ptr.push("in"), format!("{other} parameter `{}` is not supported yet", p.name));
                ok = false;
            }
        }
    }
    let query = if query_fields.is_empty() {
        None
    } else {
        let wants: Vec<(String, String)> = query_fields.iter().map(|q| (q.field.wire.clone(), names::field(&q.field.wire))).collect();
        for (q, name) in query_fields.iter_mut().zip(names::assign_unique(&wants, &HashSet::new(), true)) {
            q.field.name = name;
        }
        let required = query_fields.iter().any(|q| q.field.required);
        let doc = format!("Parameters of `{id}` (`{} {path}`) that travel in the query string or in headers.", method.to_ascii_uppercase());
        let id = cx.add_params_type(params_name, &op_ptr.push("parameters"), Params { fields: query_fields }, doc);
        Some((id, fresh_arg("params", &mut arg_names), required))
    };

    // Request body: JSON when offered, else a multipart form; an operation that takes both
    // also gets the multipart form as a second method.
    let mut body = None;
    let mut multipart_alternative = None;
    if let Some(request_body) = op.get("requestBody") {
        match cx.deref_object(request_body, &op_ptr.push("requestBody")) {
            Some((ptr, node)) => {
                let required = node.get("required").and_then(Node::as_bool).unwrap_or(false);
                match contents(cx, node, &ptr) {
                    Ok(found) => {
                        let lower_body = |(schema, at): (&'a Node, Pointer), multipart: bool, cx: &mut Cx<'a>| {
                            let suffix = if multipart && found.json.is_some() { "MultipartRequest" } else { "Request" };
                            let (ty, _, _) = cx.lower_inline(schema, &at, format!("{type_base}{suffix}"));
                            if multipart {
                                cx.mark_multipart(&ty, &at);
                            }
                            Body { ty, arg: String::new(), required, multipart }
                        };
                        match (found.json.clone(), found.multipart.clone()) {
                            (Some(json), multipart) => {
                                let json_body = lower_body(json, false, cx);
                                match multipart {
                                    // A JSON body that holds a file cannot be sent as JSON: the
                                    // form is the operation.
                                    Some(form) if cx.contains_file(&json_body.ty) => body = Some(lower_body(form, true, cx)),
                                    form => {
                                        body = Some(json_body);
                                        multipart_alternative = form.map(|m| lower_body(m, true, cx));
                                    }
                                }
                            }
                            (None, Some(multipart)) => body = Some(lower_body(multipart, true, cx)),
                            (None, None) if found.binary || found.text => {
                                cx.error_at(
                                    &ptr.push("content"),
                                    "request bodies that are not JSON or a multipart form are not supported yet".to_owned(),
                                );
                                ok = false;
                            }
                            (None, None) => {}
                        }
                    }
                    Err(()) => ok = false,
                }
            }
            None => ok = false,
        }
    }
    let body_arg = body.as_ref().map(|_| fresh_arg("body", &mut arg_names));
    if let (Some(body), Some(arg)) = (&mut body, &body_arg) {
        body.arg = arg.clone();
    }
    if let (Some(alternative), Some(arg)) = (&mut multipart_alternative, &body_arg) {
        alternative.arg = arg.clone();
    }

    // Success response: JSON, or bytes, or text; and possibly a stream of server-sent events.
    let mut response = None;
    let mut raw_response = None;
    let mut stream = None;
    match op.get("responses").and_then(Node::as_map) {
        None => {
            cx.error_at(op_ptr, "operation has no `responses` mapping".to_owned());
            ok = false;
        }
        Some(responses) => {
            let success = ["200", "201", "202", "203", "204", "2XX", "2xx"].into_iter().find(|code| responses.contains_key(*code));
            if let Some(code) = success {
                let at = op_ptr.push("responses").push(code);
                match cx.deref_object(&responses[code], &at) {
                    Some((ptr, node)) => match contents(cx, node, &ptr) {
                        Ok(found) => {
                            if found.binary {
                                raw_response = Some(RawResponse::Bytes);
                            } else if let Some((schema, schema_ptr)) = found.json {
                                let (ty, nullable, _) = cx.lower_inline(schema, &schema_ptr, format!("{type_base}Response"));
                                response = Some(if nullable { TypeRef::Option(Box::new(ty)) } else { ty });
                            } else if found.text {
                                raw_response = Some(RawResponse::Text);
                            }
                            if let Some((schema, schema_ptr)) = found.sse {
                                let (event, _, _) = cx.lower_inline(schema, &schema_ptr, format!("{type_base}StreamEvent"));
                                let switch = body.as_ref().and_then(|b| cx.stream_switch(&b.ty));
                                stream = Some(EventStream { event, switch });
                            }
                        }
                        Err(()) => ok = false,
                    },
                    None => ok = false,
                }
            }
        }
    }

    // The admin key: an operation whose every security alternative avoids the spec's default scheme.
    let default_schemes: Vec<&str> = cx
        .root()
        .get("security")
        .and_then(Node::as_seq)
        .map(|alternatives| alternatives.iter().filter_map(Node::as_map).flat_map(|m| m.keys().map(String::as_str)).collect())
        .unwrap_or_default();
    // `security: []`, or an empty alternative `{}` among them, opens the operation to anyone.
    let auth = match op.get("security").and_then(Node::as_seq) {
        None => Auth::ApiKey,
        Some([]) => Auth::None,
        Some(alternatives) if alternatives.iter().any(|a| a.as_map().is_some_and(|m| m.is_empty())) => Auth::None,
        Some(alternatives) => {
            let uses_default =
                |alternative: &Node| alternative.as_map().is_some_and(|m| m.keys().any(|k| default_schemes.contains(&k.as_str())));
            match (alternatives.iter().any(uses_default), alternatives.iter().all(uses_default)) {
                (false, _) => Auth::AdminKey,
                (true, true) => Auth::ApiKey,
                (true, false) => Auth::Either,
            }
        }
    };

    let summary = op.get("summary").and_then(Node::as_str).map(str::trim);
    let description = op.get("description").and_then(Node::as_str).map(str::trim);
    let mut doc = String::new();
    for part in [summary, description].into_iter().flatten() {
        if !part.is_empty() && !doc.contains(part) {
            if !doc.is_empty() {
                doc.push_str("\n\n");
            }
            doc.push_str(part);
        }
    }
    if !doc.is_empty() {
        doc.push_str("\n\n");
    }
    doc.push_str(&format!("`{} {path}`", method.to_ascii_uppercase()));

    ok.then(|| Operation {
        id,
        method_name: String::new(),
        http_method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        path_parts,
        path_params,
        query,
        body,
        multipart_alternative,
        response,
        raw_response,
        stream,
        auth,
        doc: Some(doc),
        deprecated: op.get("deprecated").and_then(Node::as_bool).unwrap_or(false),
        pointer: op_ptr.to_string(),
        paginated: false,
        fixed_query: Vec::new(),
    })
}

/// What a request body or response offers, by media type.
#[derive(Default, Clone)]
struct Contents<'a> {
    json: Option<(&'a Node, Pointer)>,
    multipart: Option<(&'a Node, Pointer)>,
    sse: Option<(&'a Node, Pointer)>,
    /// Binary content: audio, images, video, archives, `application/octet-stream`.
    binary: bool,
    /// Text content such as `text/plain` or `application/sdp`.
    text: bool,
}

/// Sorts the `content` of a request body or response by media type.
fn contents<'a>(cx: &mut Cx<'a>, node: &'a Node, at: &Pointer) -> Result<Contents<'a>, ()> {
    let mut found = Contents::default();
    let Some(content) = node.get("content") else { return Ok(found) };
    let Some(map) = content.as_map() else {
        cx.error_at(&at.push("content"), format!("`content` must be a mapping, found {}", content.kind()));
        return Err(());
    };
    let mut unknown = Vec::new();
    for (key, media) in map {
        let essence = key.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let media_ptr = at.push("content").push(key);
        let schema = media.get("schema").map(|s| (s, media_ptr.push("schema")));
        // A binary string schema makes any media type binary (`format: binary`).
        let binary_schema = media.get("schema").is_some_and(|s| s.get("format").and_then(Node::as_str) == Some("binary"));
        match essence.as_str() {
            "application/json" => found.json = schema,
            e if e.starts_with("application/") && e.ends_with("+json") => found.json = schema,
            "multipart/form-data" => found.multipart = schema,
            "text/event-stream" => found.sse = schema,
            _ if binary_schema => found.binary = true,
            "application/octet-stream" | "application/zip" | "application/pdf" => found.binary = true,
            e if e.starts_with("audio/") || e.starts_with("image/") || e.starts_with("video/") => found.binary = true,
            e if e.starts_with("text/") || e == "application/sdp" => found.text = true,
            _ => unknown.push(format!("`{key}`")),
        }
    }
    // Offered next to binary content, a JSON alternative that is just a string is the same
    // payload spelled differently; the bytes win.
    if found.binary && found.json.as_ref().is_some_and(|(s, _)| s.get("type").and_then(Node::as_str) == Some("string")) {
        found.json = None;
    }
    if !unknown.is_empty() && found.json.is_none() && found.multipart.is_none() && !found.binary && !found.text {
        cx.error_at(&at.push("content"), format!("content type {} is not supported", unknown.join(", ")));
        return Err(());
    }
    Ok(found)
}

fn lower_query_param<'a>(cx: &mut Cx<'a>, p: &RawParam<'a>, params_name: &str) -> Option<QueryParam> {
    let Some(schema) = p.node.get("schema") else {
        cx.error_at(&p.ptr, format!("query parameter `{}` has no `schema`", p.name));
        return None;
    };
    let header = p.location == "header";
    let style = p.node.get("style").and_then(Node::as_str).unwrap_or(if header { "simple" } else { "form" });
    let explode = p.node.get("explode").and_then(Node::as_bool).unwrap_or(style == "form");
    let required = p.node.get("required").and_then(Node::as_bool).unwrap_or(false);
    let (ty, nullable, schema_doc) = cx.lower_inline(schema, &p.ptr.push("schema"), format!("{params_name}{}", names::pascal(&p.name)));
    let doc = p.node.get("description").and_then(Node::as_str).map(str::to_owned).or(schema_doc);
    let shape = cx.unalias(&ty);
    let style = match (&shape, style) {
        (ty, "simple") if header && cx.is_scalar(ty) => QueryStyle::Header,
        (TypeRef::Vec(item), "simple") if header && cx.is_scalar(item) => QueryStyle::HeaderList,
        (ty, "form") if !header && cx.is_scalar(ty) => QueryStyle::Scalar,
        (TypeRef::Vec(item), "form") if !header && cx.is_scalar(item) => {
            if explode {
                QueryStyle::Exploded
            } else {
                QueryStyle::Joined
            }
        }
        (TypeRef::Map(value), "deepObject") if !header && cx.is_scalar(value) => QueryStyle::DeepObject,
        (TypeRef::Map(value), "form") if !header && explode && cx.is_scalar(value) => QueryStyle::FormObject,
        (ty, "form") if !header && explode && cx.is_flat_object(ty) => QueryStyle::FormObject,
        _ => {
            let place = if header { "header" } else { "query" };
            cx.error_at(&p.ptr, format!("{place} parameter `{}` has a type or style (`{style}`) that is not supported", p.name));
            return None;
        }
    };
    Some(QueryParam {
        field: Field {
            name: String::new(),
            wire: p.name.clone(),
            ty,
            required: required && !nullable,
            nullable: false,
            doc,
            deprecated: p.node.get("deprecated").and_then(Node::as_bool).unwrap_or(false),
        },
        style,
    })
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
