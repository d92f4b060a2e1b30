//! List operations -> pages that can be followed cursor by cursor.

use crate::ir::*;
use crate::settings::CursorPagination;

/// Finds the list operations that can be followed page by page (`rule`): a GET with a
/// string cursor query parameter whose response has a required list of objects with a required
/// string ID, and a required boolean that says whether more follow.
pub(crate) fn find_pages(api: &mut Api, rule: &CursorPagination) {
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
            TypeKind::Params(p) => p.fields.iter().any(|q| q.field.wire == rule.cursor_param && q.field.ty == TypeRef::String),
            _ => false,
        });
        if op.http_method != HttpMethod::Get || !takes_cursor {
            continue;
        }
        let Some((page_id, page)) = op.response.as_ref().and_then(strukt) else { continue };
        let (Some(data), Some(has_more)) = (field(page, &rule.items), field(page, &rule.has_more)) else { continue };
        let TypeRef::Vec(item) = &data.ty else { continue };
        let Some((item_id, item)) = strukt(item) else { continue };
        let Some(id) = field(item, &rule.id).filter(|f| f.ty == TypeRef::String) else { continue };
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
                cursor_param: rule.cursor_param.to_owned(),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::testing::*;

    fn params(cursor: TypeRef) -> TypeKind {
        let field = field("after", cursor);
        TypeKind::Params(Params {
            fields: vec![Param { field, location: ParamLocation::Query(QueryStyle::Scalar), pointer: crate::diag::Pointer::root() }],
        })
    }

    #[test]
    fn a_get_with_a_cursor_and_a_data_list_is_a_page() {
        let mut api = api(vec![
            def("Item", strukt(vec![field("id", TypeRef::String)])),
            def("ItemList", strukt(vec![field("data", TypeRef::Vec(Box::new(named(0)))), field("has_more", TypeRef::Boolean)])),
            def("ListParams", params(TypeRef::String)),
            def("CountParams", params(TypeRef::Integer)),
        ]);
        let mut post = get("createItems", "/items", Some(TypeId(2)), named(1));
        post.http_method = HttpMethod::Post;
        api.operations = vec![
            get("listItems", "/items", Some(TypeId(2)), named(1)),
            get("listWithoutCursor", "/items", None, named(1)),
            get("listWithNumberCursor", "/items", Some(TypeId(3)), named(1)),
            post,
        ];
        find_pages(&mut api, &CursorPagination::default());
        let paginated: Vec<bool> = api.operations.iter().map(|op| op.paginated).collect();
        assert_eq!(paginated, [true, false, false, false]);
        assert_eq!(api.pages.len(), 1);
        let page = &api.pages[0];
        assert_eq!((page.page, page.item), (TypeId(1), TypeId(0)));
        assert_eq!((page.items_field.as_str(), page.has_more_field.as_str(), page.id_field.as_str()), ("data", "has_more", "id"));
        assert_eq!(page.cursor_param, "after");
    }
}
