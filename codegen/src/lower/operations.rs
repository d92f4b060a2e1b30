//! Paths and operations -> IR operations: the request body, success response, stream and
//! credential of each; parameters come from `params.rs`, and `resources.rs` places each
//! operation in the resource tree and names its methods.

use std::collections::{HashMap, HashSet};

use super::resources::{MethodNames, Naming, Piece, Segment, build_tree, pieces, place, shape, split_path, split_query};
use super::{Cx, params};
use crate::diag::Pointer;
use crate::ir::*;
use crate::load::Node;
use crate::names;

/// An operation before its methods are named, which depends on its neighbours in the tree.
struct Unnamed {
    id: String,
    http_method: HttpMethod,
    path: String,
    path_parts: Vec<PathPart>,
    path_params: Vec<PathParam>,
    query: Option<QueryArg>,
    fixed_query: Vec<QueryPair>,
    body: Option<Body>,
    multipart_alternative: Option<Body>,
    response: Option<TypeRef>,
    raw_response: Option<RawResponse>,
    stream: Option<EventStream>,
    doc: String,
    deprecated: bool,
    pointer: Pointer,
}

impl Unnamed {
    fn naming(&self) -> Naming<'_> {
        Naming {
            id: &self.id,
            multipart: self.multipart_alternative.is_some(),
            stream: self.stream.is_some(),
            only_events: self.response.is_none() && self.raw_response.is_none() && self.stream.is_some(),
        }
    }

    fn named(self, names: MethodNames) -> Operation {
        Operation {
            id: self.id,
            method_name: names.main,
            multipart_method_name: names.multipart,
            stream_method_name: names.stream,
            multipart_stream_method_name: names.multipart_stream,
            http_method: self.http_method,
            path: self.path,
            path_parts: self.path_parts,
            path_params: self.path_params,
            query: self.query,
            fixed_query: self.fixed_query,
            body: self.body,
            multipart_alternative: self.multipart_alternative,
            response: self.response,
            raw_response: self.raw_response,
            stream: self.stream,
            security: None,
            doc: Some(self.doc),
            deprecated: self.deprecated,
            pointer: self.pointer,
            paginated: false,
        }
    }
}

/// Lowers every operation and builds the resource tree; `None` when `paths` is unusable.
pub(crate) fn lower_operations(cx: &mut Cx<'_>) -> Option<(Vec<Operation>, Resource)> {
    let root = cx.spec.root();
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

    let mut operations: Vec<Unnamed> = Vec::new();
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
        for (key, op_node) in item_map {
            let Some(method) = HttpMethod::from_key(key) else { continue };
            let op_ptr = item_ptr.push(key);
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
            op.fixed_query = fixed_query.iter().map(|(name, value)| QueryPair { name: name.clone(), value: value.clone() }).collect();
            let lists = op.response.as_ref().is_some_and(|ty| cx.is_list(ty));
            let mut placement = place(key, &segments, &has_get, &shapes, lists);
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

    let naming: Vec<Naming<'_>> = operations.iter().map(Unnamed::naming).collect();
    let (root_resource, method_names) = build_tree(&placements, &naming, &crate::emit::client_method_names());
    let operations = operations.into_iter().zip(method_names).map(|(op, names)| op.named(names)).collect();
    Some((operations, root_resource))
}

fn lower_operation<'a>(
    cx: &mut Cx<'a>,
    path: &str,
    segments: &[Segment],
    method: HttpMethod,
    (op, op_ptr): (&'a Node, &Pointer),
    (item, item_ptr): (&'a Node, &Pointer),
) -> Option<Unnamed> {
    let id = match op.get("operationId").and_then(Node::as_str) {
        Some(id) if !id.trim().is_empty() => id.to_owned(),
        _ => {
            // Without an operationId the method and path name the operation.
            let words: Vec<String> = segments
                .iter()
                .map(|s| match s {
                    Segment::Literal { text, .. } => text.clone(),
                    Segment::Param { text, .. } => pieces(text)
                        .into_iter()
                        .map(|piece| match piece {
                            Piece::Text(text) => text.to_owned(),
                            Piece::Param(name) => format!("by_{name}"),
                        })
                        .collect(),
                })
                .collect();
            format!("{}_{}", method.as_str().to_ascii_lowercase(), words.join("_"))
        }
    };
    let type_base = names::type_name(&id);

    // Each part reports its own errors; all of them run so that every error is reported.
    let raw = params::collect(cx, (op, op_ptr), (item, item_ptr));
    let raw_params = raw.as_deref().unwrap_or_default();
    let path_params = params::path_params(cx, path, segments, raw_params, op_ptr);
    let query_doc = format!("Parameters of `{id}` (`{method} {path}`) that travel in the query string or in headers.");
    let query = params::query_struct(cx, raw_params, &type_base, query_doc, &op_ptr.push("parameters"));
    let mut arg_names: HashSet<String> = path_params.iter().flat_map(|(params, _)| params.iter().map(|p| p.name.clone())).collect();
    let query = query.map(|query| query.map(|(ty, required)| QueryArg { ty, arg: fresh_arg("params", &mut arg_names), required }));
    let body_arg = fresh_arg("body", &mut arg_names);
    let bodies = request_body(cx, op, op_ptr, &type_base, &body_arg);
    let switch_body = bodies.as_ref().and_then(|(body, _)| body.as_ref().map(|b| b.ty.clone()));
    let response = success_response(cx, op, op_ptr, &type_base, switch_body.as_ref());
    let (
        Some(_),
        Some((path_params, path_parts)),
        Some(query),
        Some((body, multipart_alternative)),
        Some((response, raw_response, stream)),
    ) = (raw, path_params, query, bodies, response)
    else {
        return None;
    };
    Some(Unnamed {
        doc: operation_doc(op, method, path),
        id,
        http_method: method,
        path: path.to_owned(),
        path_parts,
        path_params,
        query,
        fixed_query: Vec::new(),
        body,
        multipart_alternative,
        response,
        raw_response,
        stream,
        deprecated: op.get("deprecated").and_then(Node::as_bool).unwrap_or(false),
        pointer: op_ptr.clone(),
    })
}

/// An argument name not yet taken by the operation's other arguments.
fn fresh_arg(wanted: &str, arg_names: &mut HashSet<String>) -> String {
    let name = names::assign_unique(&[(wanted.to_owned(), wanted.to_owned())], arg_names, true).remove(0);
    arg_names.insert(name.clone());
    name
}

/// The request body: JSON when offered, else a multipart form, else a URL-encoded form, else
/// text, else bytes; an operation that takes JSON and a multipart form also gets the form as a
/// second method. `None` when an error was reported.
fn request_body<'a>(cx: &mut Cx<'a>, op: &'a Node, op_ptr: &Pointer, type_base: &str, arg: &str) -> Option<(Option<Body>, Option<Body>)> {
    let Some(request_body) = op.get("requestBody") else { return Some((None, None)) };
    let (ptr, node) = cx.deref_object(request_body, &op_ptr.push("requestBody"))?;
    let required = node.get("required").and_then(Node::as_bool).unwrap_or(false);
    let found = contents(cx, node, &ptr).ok()?;
    let lower_body = |(schema, at): (&'a Node, Pointer), encoding: BodyEncoding, cx: &mut Cx<'a>| {
        let multipart = encoding == BodyEncoding::Multipart;
        let suffix = if multipart && found.json.is_some() { "MultipartRequest" } else { "Request" };
        let (ty, _, _) = cx.lower_inline(schema, &at, format!("{type_base}{suffix}"));
        if multipart {
            cx.mark_multipart(&ty, &at);
        }
        Body { ty, arg: arg.to_owned(), required, encoding }
    };
    let raw = |ty: TypeRef, encoding: BodyEncoding| Body { ty, arg: arg.to_owned(), required, encoding };
    match (found.json.clone(), found.multipart.clone()) {
        (Some(json), multipart) => {
            let json_body = lower_body(json, BodyEncoding::Json, cx);
            match multipart {
                // A JSON body that holds a file cannot be sent as JSON: the form is the operation.
                Some(form) if cx.contains_file(&json_body.ty) => Some((Some(lower_body(form, BodyEncoding::Multipart, cx)), None)),
                form => Some((Some(json_body), form.map(|m| lower_body(m, BodyEncoding::Multipart, cx)))),
            }
        }
        (None, Some(multipart)) => Some((Some(lower_body(multipart, BodyEncoding::Multipart, cx)), None)),
        (None, None) => match (found.form.clone(), found.text.clone(), found.binary.clone()) {
            (Some(form), ..) => Some((Some(lower_body(form, BodyEncoding::Form, cx)), None)),
            (None, Some(content_type), _) => Some((Some(raw(TypeRef::String, BodyEncoding::Text { content_type })), None)),
            (None, None, Some(content_type)) => Some((Some(raw(TypeRef::Bytes, BodyEncoding::Bytes { content_type })), None)),
            (None, None, None) => Some((None, None)),
        },
    }
}

/// The success response: JSON, or bytes, or text; and possibly a stream of server-sent events,
/// which a property of `body` may switch on. `None` when an error was reported.
#[allow(clippy::type_complexity)]
fn success_response<'a>(
    cx: &mut Cx<'a>,
    op: &'a Node,
    op_ptr: &Pointer,
    type_base: &str,
    body: Option<&TypeRef>,
) -> Option<(Option<TypeRef>, Option<RawResponse>, Option<EventStream>)> {
    // OpenAPI 3.1 lets an operation leave its responses out; then it answers with nothing
    // the SDK decodes.
    let Some(responses) = op.get("responses") else { return Some((None, None, None)) };
    let Some(responses) = responses.as_map() else {
        cx.error_at(&op_ptr.push("responses"), format!("`responses` must be a mapping, found {}", responses.kind()));
        return None;
    };
    let success = ["200", "201", "202", "203", "204", "2XX", "2xx"].into_iter().find(|code| responses.contains_key(*code));
    let Some(code) = success else { return Some((None, None, None)) };
    let (ptr, node) = cx.deref_object(&responses[code], &op_ptr.push("responses").push(code))?;
    let found = contents(cx, node, &ptr).ok()?;
    let (mut response, mut raw_response, mut stream) = (None, None, None);
    if found.binary.is_some() {
        raw_response = Some(RawResponse::Bytes);
    } else if let Some((schema, schema_ptr)) = found.json {
        let (ty, nullable, _) = cx.lower_inline(schema, &schema_ptr, format!("{type_base}Response"));
        response = Some(if nullable { TypeRef::Option(Box::new(ty)) } else { ty });
    } else if found.json_any {
        response = Some(TypeRef::Json);
    } else if found.text.is_some() {
        raw_response = Some(RawResponse::Text);
    }
    if let Some((schema, schema_ptr)) = found.sse {
        let (event, _, _) = cx.lower_inline(schema, &schema_ptr, format!("{type_base}StreamEvent"));
        let switch = body.and_then(|b| cx.stream_switch(b));
        stream = Some(EventStream { event, switch });
    }
    Some((response, raw_response, stream))
}

/// Rustdoc of an operation: its summary, its description, and the method and path.
fn operation_doc(op: &Node, method: HttpMethod, path: &str) -> String {
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
    doc.push_str(&format!("`{method} {path}`"));
    doc
}

/// What a request body or response offers, by media type.
#[derive(Default, Clone)]
struct Contents<'a> {
    json: Option<(&'a Node, Pointer)>,
    multipart: Option<(&'a Node, Pointer)>,
    /// `application/x-www-form-urlencoded`.
    form: Option<(&'a Node, Pointer)>,
    /// JSON without a schema (but with examples): any JSON value.
    json_any: bool,
    sse: Option<(&'a Node, Pointer)>,
    /// Binary content (audio, images, video, archives, `application/octet-stream`): its media type.
    binary: Option<String>,
    /// Text content such as `text/plain` or `application/sdp`: its media type.
    text: Option<String>,
}

/// The media type to send for binary content: a wildcard (`image/*`) becomes the generic one.
fn binary_type(essence: &str) -> String {
    if essence.contains('*') { "application/octet-stream".to_owned() } else { essence.to_owned() }
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
            // JSON with examples but no schema is still JSON: any value.
            "application/json" if schema.is_none() && (media.get("example").is_some() || media.get("examples").is_some()) => {
                found.json_any = true
            }
            "application/json" => found.json = schema,
            e if e.starts_with("application/") && e.ends_with("+json") => found.json = schema,
            "multipart/form-data" => found.multipart = schema,
            "application/x-www-form-urlencoded" => found.form = schema,
            "text/event-stream" => found.sse = schema,
            _ if binary_schema => found.binary = Some(binary_type(&essence)),
            "application/octet-stream" | "application/zip" | "application/pdf" => found.binary = Some(essence.clone()),
            e if e.starts_with("audio/") || e.starts_with("image/") || e.starts_with("video/") => found.binary = Some(binary_type(e)),
            e if e.starts_with("text/") || e == "application/sdp" => found.text = Some(essence.clone()),
            // Anything at all: JSON when the schema describes a JSON value, bytes otherwise.
            "*/*" | "application/*" if schema.is_some() && found.json.is_none() => found.json = schema,
            "*/*" | "application/*" => found.binary = Some("application/octet-stream".to_owned()),
            _ => unknown.push(format!("`{key}`")),
        }
    }
    // Offered next to binary content, a JSON alternative that is just a string is the same
    // payload spelled differently; the bytes win.
    if found.binary.is_some() && found.json.as_ref().is_some_and(|(s, _)| s.get("type").and_then(Node::as_str) == Some("string")) {
        found.json = None;
    }
    let nothing = found.json.is_none() && found.multipart.is_none() && found.form.is_none();
    if !unknown.is_empty() && nothing && found.binary.is_none() && found.text.is_none() {
        cx.error_at(&at.push("content"), format!("content type {} is not supported", unknown.join(", ")));
        return Err(());
    }
    Ok(found)
}
