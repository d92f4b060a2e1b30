//! Union variants -> the JSON kinds each decodes from.

use std::collections::{HashMap, HashSet};

use crate::ir::*;

/// Computes which JSON kinds each union variant decodes from.
pub(crate) fn fill_kinds(types: &mut [TypeDef]) {
    let mut memo: HashMap<usize, Kinds> = HashMap::new();
    let computed: Vec<Vec<Kinds>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Union(u) => u
                .variants
                .iter()
                .map(|v| match &v.body {
                    VariantBody::Literal(l) => literal_kinds(l),
                    VariantBody::Type(ty) => kinds_of(types, ty, &mut memo, &mut HashSet::new()),
                })
                .collect(),
            _ => Vec::new(),
        })
        .collect();
    for (ty, kinds) in types.iter_mut().zip(computed) {
        if let TypeKind::Union(u) = &mut ty.kind {
            for (v, k) in u.variants.iter_mut().zip(kinds) {
                v.kinds = k;
            }
        }
    }
}

fn literal_kinds(literal: &Literal) -> Kinds {
    match literal {
        Literal::String(_) => Kinds { string: true, ..Kinds::default() },
        Literal::Bool(_) => Kinds { boolean: true, ..Kinds::default() },
        Literal::Int(_) => Kinds { number: true, ..Kinds::default() },
    }
}

fn kinds_of(types: &[TypeDef], ty: &TypeRef, memo: &mut HashMap<usize, Kinds>, visiting: &mut HashSet<usize>) -> Kinds {
    let just = |f: fn(&mut Kinds)| {
        let mut k = Kinds::default();
        f(&mut k);
        k
    };
    match ty {
        TypeRef::String => just(|k| k.string = true),
        TypeRef::Integer | TypeRef::Number => just(|k| k.number = true),
        TypeRef::Boolean => just(|k| k.boolean = true),
        TypeRef::Json => Kinds::ANY,
        TypeRef::Vec(_) => just(|k| k.array = true),
        TypeRef::Map(_) => just(|k| k.object = true),
        TypeRef::Option(inner) => kinds_of(types, inner, memo, visiting).or(just(|k| k.null = true)),
        TypeRef::Box(inner) => kinds_of(types, inner, memo, visiting),
        // A file or raw bytes never arrive as JSON, so no JSON value decodes into them.
        TypeRef::File | TypeRef::Bytes => Kinds::default(),
        TypeRef::Named(id) => {
            if let Some(k) = memo.get(&id.0) {
                return *k;
            }
            if !visiting.insert(id.0) {
                // A union that contains itself by value adds nothing new on this path.
                return Kinds::default();
            }
            let k = match &types[id.0].kind {
                TypeKind::Struct(_) | TypeKind::Params(_) => just(|k| k.object = true),
                TypeKind::Enum(_) | TypeKind::OpenString(_) => just(|k| k.string = true),
                TypeKind::Const(l) => literal_kinds(l),
                TypeKind::Alias(inner) => kinds_of(types, inner, memo, visiting),
                TypeKind::Union(u) => u.variants.iter().fold(Kinds::default(), |acc, v| {
                    acc.or(match &v.body {
                        VariantBody::Literal(l) => literal_kinds(l),
                        VariantBody::Type(t) => kinds_of(types, t, memo, visiting),
                    })
                }),
            };
            visiting.remove(&id.0);
            memo.insert(id.0, k);
            k
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::testing::*;

    #[test]
    fn variants_learn_the_json_kinds_they_decode_from() {
        let union = |variants| TypeKind::Union(Union { variants, tag: None, unknown: None });
        let mut types = vec![
            def("Object", strukt(Vec::new())),
            def("Alias", TypeKind::Alias(TypeRef::Option(Box::new(TypeRef::Integer)))),
            def(
                "Outer",
                union(vec![
                    variant("Text", TypeRef::String),
                    variant("Object", named(0)),
                    variant("List", TypeRef::Vec(Box::new(TypeRef::Json))),
                    variant("Inner", named(3)),
                ]),
            ),
            def("Inner", union(vec![variant("Flag", TypeRef::Boolean), variant("Number", named(1))])),
        ];
        fill_kinds(&mut types);
        let TypeKind::Union(outer) = &types[2].kind else { unreachable!("a union") };
        let kinds: Vec<Kinds> = outer.variants.iter().map(|v| v.kinds).collect();
        assert_eq!(kinds[0], Kinds { string: true, ..Kinds::default() });
        assert_eq!(kinds[1], Kinds { object: true, ..Kinds::default() });
        assert_eq!(kinds[2], Kinds { array: true, ..Kinds::default() });
        // A nested union takes what its variants take; a nullable alias adds `null`.
        assert_eq!(kinds[3], Kinds { boolean: true, number: true, null: true, ..Kinds::default() });
    }
}
