//! Parameters -> path arguments and the query-and-header struct of an operation.

use std::collections::HashSet;

use super::Cx;
use super::resources::{Piece, Segment, path_param_names, pieces};
use crate::diag::Pointer;
use crate::ir::*;
use crate::load::Node;
use crate::names;

/// A parameter after `$ref` resolution.
pub(super) struct RawParam<'a> {
    pub(super) name: String,
    pub(super) location: String,
    pub(super) node: &'a Node,
    pub(super) ptr: Pointer,
}

/// The parameters of an operation: the path item's, overridden by the operation's with the
/// same name and place. `None` when one could not be read (it was reported).
pub(super) fn collect<'a>(
    cx: &mut Cx<'a>,
    (op, op_ptr): (&'a Node, &Pointer),
    (item, item_ptr): (&'a Node, &Pointer),
) -> Option<Vec<RawParam<'a>>> {
    let mut ok = true;
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
    ok.then_some(raw)
}

/// The path parameters in template order, with their Rust names, and the template split into
/// literal text and parameters. `None` when a parameter is missing, extra or optional.
pub(super) fn path_params(
    cx: &mut Cx<'_>,
    path: &str,
    segments: &[Segment],
    raw: &[RawParam<'_>],
    op_ptr: &Pointer,
) -> Option<(Vec<PathParam>, Vec<PathPart>)> {
    let mut ok = true;
    let template_params = path_param_names(segments);
    let mut declared: Vec<(&str, Option<String>, Option<String>, Pointer)> = Vec::new();
    for name in &template_params {
        match raw.iter().find(|p| p.location == "path" && p.name == *name) {
            Some(p) => {
                if p.node.get("required").and_then(Node::as_bool) != Some(true) {
                    cx.error_at(&p.ptr, format!("path parameter `{name}` must be required"));
                    ok = false;
                }
                let example = p.node.get("example").or_else(|| p.node.get("schema").and_then(|s| s.get("example")));
                let example = example.and_then(Node::as_str).map(str::to_owned);
                declared.push((name, p.node.get("description").and_then(Node::as_str).map(str::to_owned), example, p.ptr.clone()));
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
    let wants: Vec<(String, String)> = declared.iter().map(|(wire, ..)| ((*wire).to_owned(), names::field(wire))).collect();
    let params = declared
        .into_iter()
        .zip(names::assign_unique(&wants, &HashSet::new(), true))
        .map(|((wire, doc, example, pointer), name)| PathParam { name, wire: wire.to_owned(), doc, example, pointer })
        .collect();
    let mut parts = Vec::new();
    let mut literal = String::new();
    let mut param_index = 0;
    for segment in segments {
        literal.push('/');
        match segment {
            Segment::Literal { text, .. } => literal.push_str(text),
            Segment::Param { text, .. } => {
                for piece in pieces(text) {
                    match piece {
                        Piece::Text(text) => literal.push_str(text),
                        Piece::Param(_) => {
                            parts.push(PathPart::Literal(std::mem::take(&mut literal)));
                            parts.push(PathPart::Param(param_index));
                            param_index += 1;
                        }
                    }
                }
            }
        }
    }
    if !literal.is_empty() {
        parts.push(PathPart::Literal(literal));
    }
    parts.retain(|p| p != &PathPart::Literal(String::new()));
    ok.then_some((params, parts))
}

/// The query and header parameters as one struct type, named `{type_base}Params`. The outer
/// `None` means an error was reported; the inner one that there are no such parameters.
pub(super) fn query_struct<'a>(
    cx: &mut Cx<'a>,
    raw: &[RawParam<'a>],
    type_base: &str,
    doc: String,
    at: &Pointer,
) -> Option<Option<(TypeId, bool)>> {
    let mut ok = true;
    let mut lowered = Vec::new();
    let params_name = format!("{type_base}Params");
    for p in raw {
        match p.location.as_str() {
            "path" => {}
            "query" | "header" | "cookie" => match lower_query_param(cx, p, &params_name) {
                Some(q) => lowered.push(q),
                None => ok = false,
            },
            other => {
                cx.error_at(&p.ptr.push("in"), format!("{other} parameter `{}` is not supported yet", p.name));
                ok = false;
            }
        }
    }
    if !ok {
        return None;
    }
    if lowered.is_empty() {
        return Some(None);
    }
    let wants: Vec<(String, String)> = lowered.iter().map(|(wire, ..)| (wire.clone(), names::field(wire))).collect();
    let fields: Vec<Param> = lowered
        .into_iter()
        .zip(names::assign_unique(&wants, &HashSet::new(), true))
        .map(|((wire, ty, required, doc, deprecated, location, pointer), name)| Param {
            field: Field { name, wire, ty, required, nullable: false, doc, deprecated },
            location,
            pointer,
        })
        .collect();
    let required = fields.iter().any(|q| q.field.required);
    let id = cx.add_params_type(params_name, at, Params { fields }, doc);
    Some(Some((id, required)))
}

/// One query, header or cookie parameter: wire name, type, required, doc, deprecated, location and pointer.
type LoweredParam = (String, TypeRef, bool, Option<String>, bool, ParamLocation, Pointer);

fn lower_query_param<'a>(cx: &mut Cx<'a>, p: &RawParam<'a>, params_name: &str) -> Option<LoweredParam> {
    let header = p.location == "header";
    let cookie = p.location == "cookie";
    // A parameter described by `content` (one media type, JSON) travels as JSON text.
    let content = p.node.get("content").and_then(Node::as_map).and_then(|c| c.iter().next());
    let (schema, schema_ptr, as_json) = match (p.node.get("schema"), content) {
        (Some(schema), _) => (schema, p.ptr.push("schema"), false),
        (None, Some((media, entry))) if media.split(';').next().is_some_and(|m| m.trim().ends_with("json")) => match entry.get("schema") {
            Some(schema) => (schema, p.ptr.push("content").push(media).push("schema"), true),
            None => {
                cx.error_at(&p.ptr.push("content").push(media), format!("parameter `{}` has no `schema` for `{media}`", p.name));
                return None;
            }
        },
        (None, Some((media, _))) => {
            cx.error_at(
                &p.ptr.push("content"),
                format!("parameter `{}` is sent as `{media}`, which is not supported; only JSON is", p.name),
            );
            return None;
        }
        (None, None) => {
            cx.error_at(&p.ptr, format!("parameter `{}` has neither `schema` nor `content`", p.name));
            return None;
        }
    };
    let style = p.node.get("style").and_then(Node::as_str).unwrap_or(if header { "simple" } else { "form" });
    let explode = p.node.get("explode").and_then(Node::as_bool).unwrap_or(style == "form");
    let required = p.node.get("required").and_then(Node::as_bool).unwrap_or(false);
    let (ty, nullable, schema_doc) = cx.lower_inline(schema, &schema_ptr, format!("{params_name}{}", names::pascal(&p.name)));
    let doc = p.node.get("description").and_then(Node::as_str).map(str::to_owned).or(schema_doc);
    let shape = cx.unalias(&ty);
    let style = match (&shape, style) {
        (ty, "form") if cookie && !as_json && cx.is_scalar(ty) => ParamLocation::Cookie,
        _ if cookie => {
            cx.error_at(&p.ptr, format!("cookie parameter `{}` is not a scalar in style `form`, which is all cookies take here", p.name));
            return None;
        }
        _ if as_json && header => ParamLocation::Header(HeaderStyle::Json),
        _ if as_json => ParamLocation::Query(QueryStyle::Json),
        (ty, "simple") if header && cx.is_scalar(ty) => ParamLocation::Header(HeaderStyle::Single),
        (TypeRef::Vec(item), "simple") if header && cx.is_scalar(item) => ParamLocation::Header(HeaderStyle::List),
        (ty, "form") if !header && cx.is_scalar(ty) => ParamLocation::Query(QueryStyle::Scalar),
        (TypeRef::Vec(item), "form") if !header && cx.is_scalar(item) => {
            ParamLocation::Query(if explode { QueryStyle::Exploded } else { QueryStyle::Joined })
        }
        (TypeRef::Map(value), "deepObject") if !header && cx.is_scalar(value) => ParamLocation::Query(QueryStyle::DeepObject),
        (TypeRef::Map(value), "form") if !header && explode && cx.is_scalar(value) => ParamLocation::Query(QueryStyle::FormObject),
        (ty, "form") if !header && explode && cx.is_flat_object(ty) => ParamLocation::Query(QueryStyle::FormObject),
        // Unions and schemas that say nothing are written by what each value is in JSON.
        (_, "simple") if header => ParamLocation::Header(HeaderStyle::Value),
        (_, "form") if !header => ParamLocation::Query(QueryStyle::Value { explode }),
        _ => {
            let place = if header { "header" } else { "query" };
            cx.error_at(&p.ptr, format!("{place} parameter `{}` has a type or style (`{style}`) that is not supported", p.name));
            return None;
        }
    };
    let deprecated = p.node.get("deprecated").and_then(Node::as_bool).unwrap_or(false);
    Some((p.name.clone(), ty, required && !nullable, doc, deprecated, style, p.ptr.clone()))
}
