//! Tagged union variants whose own type leaves the tag out -> the tag value encoding adds.
//!
//! A discriminator may name a property that the variants' base schema only lists in
//! `required` (`Pet: {required: [pet_type]}`, `Cat: {allOf: [Pet, ...]}`): `Cat` then has no
//! `pet_type` field, and a `Cat` sent as it is would not say which variant it is.

use crate::ir::*;

/// Marks every variant with exactly one tag whose struct has neither a field nor a constant of
/// the tag property, so that encoding writes the tag itself.
pub(crate) fn tags_to_write(types: &mut [TypeDef]) {
    let read: &[TypeDef] = types;
    let marks: Vec<(usize, usize, String)> = read
        .iter()
        .enumerate()
        .filter_map(|(i, t)| match &t.kind {
            TypeKind::Union(u) => Some((i, u)),
            _ => None,
        })
        .flat_map(|(i, u)| {
            let tag = u.tag.as_deref();
            u.variants.iter().enumerate().filter_map(move |(j, v)| {
                let (tag, [value]) = (tag?, v.tags.as_slice()) else { return None };
                let own = struct_of(read, v.body.type_ref()?)?;
                let has = own.fields.iter().any(|f| f.wire == tag) || own.consts.iter().any(|c| c.wire == tag);
                (!has).then(|| (i, j, value.clone()))
            })
        })
        .collect();
    for (i, j, value) in marks {
        if let TypeKind::Union(u) = &mut types[i].kind {
            u.variants[j].writes_tag = Some(value);
        }
    }
}

/// The struct a variant holds, through boxes and aliases.
fn struct_of<'t>(types: &'t [TypeDef], ty: &TypeRef) -> Option<&'t Struct> {
    let mut current = ty;
    for _ in 0..64 {
        match current {
            TypeRef::Box(inner) => current = inner,
            TypeRef::Named(id) => match &types[id.0].kind {
                TypeKind::Struct(s) => return Some(s),
                TypeKind::Alias(target) => current = target,
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::passes::testing::*;

    #[test]
    fn variants_without_the_tag_property_write_it() {
        let tagged = |name: &str, ty: TypeRef, tag: &str| Variant { tags: vec![tag.into()], ..variant(name, ty) };
        let mut types = vec![
            def("Cat", strukt(vec![field("hunts", TypeRef::Boolean)])),
            def("Dog", strukt(vec![field("pet_type", TypeRef::String), field("bark", TypeRef::Boolean)])),
            def("Kitten", TypeKind::Alias(named(0))),
            def(
                "Pet",
                TypeKind::Union(Union {
                    variants: vec![tagged("Cat", named(0), "Cat"), tagged("Dog", named(1), "Dog"), tagged("Kitten", named(2), "Kitten")],
                    tag: Some("pet_type".into()),
                    unknown: Some("Unknown".into()),
                }),
            ),
        ];
        tags_to_write(&mut types);
        let TypeKind::Union(u) = &types[3].kind else { unreachable!("a union") };
        let writes: Vec<Option<&str>> = u.variants.iter().map(|v| v.writes_tag.as_deref()).collect();
        assert_eq!(writes, [Some("Cat"), None, Some("Kitten")]);
    }
}
