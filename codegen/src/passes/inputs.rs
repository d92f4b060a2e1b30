//! Operations → which types callers build: everything a request body or the query parameters
//! reach. The rest only ever arrives from the server, so emit makes those structs
//! `#[non_exhaustive]`, and a field the API adds to a response later breaks no code.

use crate::ir::*;

/// Sets [`TypeDef::input`] on every type a request body, a multipart twin's form or a query
/// parameter struct reaches.
pub(crate) fn mark_inputs(api: &mut Api) {
    let mut stack: Vec<TypeId> = Vec::new();
    for op in &api.operations {
        let bodies = op.body.iter().chain(&op.multipart_alternative);
        stack.extend(bodies.filter_map(|body| body.ty.named()));
        stack.extend(op.query.as_ref().map(|query| query.ty));
    }
    while let Some(id) = stack.pop() {
        let ty = &mut api.types[id.0];
        if ty.input {
            continue;
        }
        ty.input = true;
        stack.extend(ty.kind.named());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::testing::*;

    #[test]
    fn what_a_body_reaches_is_input_and_what_only_answers_hold_is_not() {
        // 0 Request { item: 1 }, 1 Item, 2 Response { item: 1, extra: 3 }, 3 Extra.
        let types = vec![
            def("Request", strukt(vec![field("item", named(1))])),
            def("Item", strukt(Vec::new())),
            def("Response", strukt(vec![field("item", named(1)), field("extra", TypeRef::Vec(Box::new(named(3))))])),
            def("Extra", strukt(Vec::new())),
        ];
        let mut api = api(types);
        let mut op = get("x", "/x", None, named(2));
        op.body = Some(Body { ty: named(0), arg: "body".into(), required: true, encoding: BodyEncoding::Json });
        api.operations.push(op);
        mark_inputs(&mut api);
        let inputs: Vec<bool> = api.types.iter().map(|t| t.input).collect();
        assert_eq!(inputs, [true, true, false, false]);
    }
}
