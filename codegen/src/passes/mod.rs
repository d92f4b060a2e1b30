//! Whole-IR passes: plain functions from IR to IR that run after lowering has named every type.
//! None of them reads the spec, so each can be tested on a small hand-built IR.

mod cycles;
pub(crate) mod features;
mod inputs;
mod kinds;
mod pages;
mod tags;

use crate::ir::Api;
use crate::settings::CursorPagination;

/// Runs every pass, in order: boxes for cycles, JSON kinds of union variants, pages (when the
/// settings' pagination rule is on), features, the types callers build,
/// tags that encoding must add.
pub(crate) fn run(api: &mut Api, pagination: &CursorPagination) {
    cycles::box_cycles(&mut api.types);
    kinds::fill_kinds(&mut api.types);
    if pagination.enabled {
        pages::find_pages(api, pagination);
    }
    features::assign_features(api);
    inputs::mark_inputs(api);
    tags::tags_to_write(&mut api.types);
}

/// Small hand-built IRs for the passes' tests.
#[cfg(test)]
pub(crate) mod testing {
    use crate::diag::Pointer;
    use crate::ir::*;

    /// An API with these types and nothing else.
    pub(crate) fn api(types: Vec<TypeDef>) -> Api {
        Api {
            crate_name: "t".into(),
            crate_version: "0.1.0".into(),
            title: "T".into(),
            spec_version: "1".into(),
            description: None,
            profile: ClientProfile::default(),
            types,
            operations: Vec::new(),
            root: Resource::default(),
            pages: Vec::new(),
            multipart: Vec::new(),
            webhooks: None,
            features: Vec::new(),
        }
    }

    pub(crate) fn def(name: &str, kind: TypeKind) -> TypeDef {
        TypeDef {
            name: name.into(),
            pointer: Pointer::root().push(name),
            doc: None,
            deprecated: false,
            kind,
            features: Vec::new(),
            input: false,
        }
    }

    pub(crate) fn field(name: &str, ty: TypeRef) -> Field {
        Field { name: name.into(), wire: name.into(), ty, required: true, nullable: false, doc: None, deprecated: false }
    }

    pub(crate) fn strukt(fields: Vec<Field>) -> TypeKind {
        TypeKind::Struct(Struct { fields, consts: Vec::new(), extra: None, flatten: None })
    }

    pub(crate) fn named(i: usize) -> TypeRef {
        TypeRef::Named(TypeId(i))
    }

    pub(crate) fn variant(name: &str, ty: TypeRef) -> Variant {
        Variant {
            name: name.into(),
            body: VariantBody::Type(ty),
            tags: Vec::new(),
            tag_optional: false,
            writes_tag: None,
            kinds: Kinds::default(),
            doc: None,
        }
    }

    /// A GET operation at `path` answering `response`, with an optional query struct.
    pub(crate) fn get(id: &str, path: &str, query: Option<TypeId>, response: TypeRef) -> Operation {
        Operation {
            id: id.into(),
            method_name: "list".into(),
            multipart_method_name: None,
            stream_method_name: None,
            multipart_stream_method_name: None,
            http_method: HttpMethod::Get,
            path: path.into(),
            path_parts: vec![PathPart::Literal(path.into())],
            path_params: Vec::new(),
            query: query.map(|ty| QueryArg { ty, arg: "params".into(), required: false }),
            fixed_query: Vec::new(),
            body: None,
            multipart_alternative: None,
            response: Some(response),
            raw_response: None,
            stream: None,
            security: None,
            doc: None,
            deprecated: false,
            pointer: Pointer::root(),
            paginated: false,
        }
    }
}
