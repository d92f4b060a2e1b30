//! List operations -> pages that can be followed cursor by cursor.

use crate::conventions::PAGINATION;
use crate::ir::*;

/// Finds the list operations that can be followed page by page ([`PAGINATION`]): a GET with a
/// string cursor query parameter whose response has a required list of objects with a required
/// string ID, and a required boolean that says whether more follow.
pub(crate) fn find_pages(api: &mut Api) {
    let Api { types, operations, pages, .. } = api;
    let strukt = |ty: &TypeRef| match ty {
        TypeRef::Named(id) => match &types[id.0].kind {
            TypeKind::Struct(s) => Some((*id, s)),
            _ => None,
        },
        _ => None,
    };
    let field = |s: &Struct, wire: &str| s.fields.iter().find(|f| f.wire == wire && !f.optional()).cloned();
    for op in operations.iter_mut() {
        let takes_cursor = op.query.as_ref().is_some_and(|query| match &types[query.ty.0].kind {
            TypeKind::Params(p) => p.fields.iter().any(|q| q.field.wire == PAGINATION.cursor_param && q.field.ty == TypeRef::String),
            _ => false,
        });
        if op.http_method != HttpMethod::Get || !takes_cursor {
            continue;
        }
        let Some((page_id, page)) = op.response.as_ref().and_then(strukt) else { continue };
        let (Some(data), Some(has_more)) = (field(page, PAGINATION.items), field(page, PAGINATION.has_more)) else { continue };
        let TypeRef::Vec(item) = &data.ty else { continue };
        let Some((item_id, item)) = strukt(item) else { continue };
        let Some(id) = field(item, PAGINATION.id).filter(|f| f.ty == TypeRef::String) else { continue };
        if has_more.ty != TypeRef::Boolean {
            continue;
        }
        op.paginated = true;
        if !pages.iter().any(|p| p.page == page_id) {
            pages.push(Page {
                page: page_id,
                items_field: data.name,
                has_more_field: has_more.name,
                item: item_id,
                id_field: id.name,
                cursor_param: PAGINATION.cursor_param.to_owned(),
            });
        }
    }
}
