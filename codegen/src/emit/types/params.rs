//! Query and header parameters -> a struct that writes itself into a `Query`.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::{Std, ident};
use super::structs::constructor;
use super::*;
use crate::ir::*;

/// A field passed to a generic `impl Display` argument: `Copy` scalars by value, the rest by
/// reference (clippy's `needless_borrows_for_generic_args`).
pub(super) fn field_arg(ty: &TypeRef, place: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => place,
        _ => quote!(&#place),
    }
}

/// Writes a map's entries, or a flat struct's fields, as query pairs of their own.
fn form_object(api: &Api, std: Std, ty: &TypeRef, place: TokenStream, reference: TokenStream) -> TokenStream {
    let some = std.some();
    let mut target = ty;
    while let TypeRef::Named(id) = target {
        match &api.ty(*id).kind {
            TypeKind::Alias(inner) => target = inner,
            TypeKind::Struct(s) => {
                let pushes = s.fields.iter().map(|f| {
                    let wire = &f.wire;
                    let fname = ident(&f.name);
                    if f.optional() {
                        quote! {
                            if let #some(field) = &#place.#fname {
                                query.push(#wire, field);
                            }
                        }
                    } else {
                        let arg = field_arg(&f.ty, quote!(#place.#fname));
                        quote!(query.push(#wire, #arg);)
                    }
                });
                return quote!(#(#pushes)*);
            }
            _ => break,
        }
    }
    quote! {
        for (key, entry) in #reference {
            query.push(key, entry);
        }
    }
}

pub(super) fn params_def(api: &Api, std: Std, name: &proc_macro2::Ident, attrs: TokenStream, p: &Params) -> TokenStream {
    let (some, vec) = (std.some(), std.vec());
    let all_optional = p.fields.iter().all(|q| q.field.optional());
    let default = all_optional.then(|| quote!(, Default));
    // An optional object's optional properties are `if let`s inside its own `if let`; clippy
    // would merge two into one, which would read unlike every other parameter's push.
    let nested = p.fields.iter().any(|q| q.field.optional() && q.location == ParamLocation::Query(QueryStyle::FormObject));
    let collapsible = nested.then(|| quote!(#[allow(clippy::collapsible_if)]));
    let fields = p.fields.iter().map(|q| {
        let docs = field_docs(&q.field);
        let fname = ident(&q.field.name);
        let fty = field_type(api, std, &q.field);
        quote!(#docs pub #fname: #fty,)
    });
    let pushes = p.fields.iter().map(|q| {
        let wire = &q.field.wire;
        let fname = ident(&q.field.name);
        // `place` names the value (`self.x`, or `value` bound by reference), `arg` is what a
        // generic `impl Display` argument takes (Copy scalars by value, the rest by reference)
        // and `reference` borrows it for iterating.
        let push = |place: TokenStream, arg: TokenStream, reference: TokenStream| match q.location {
            ParamLocation::Query(QueryStyle::Scalar) => quote!(query.push(#wire, #arg);),
            ParamLocation::Query(QueryStyle::Exploded) => quote! {
                for item in #reference {
                    query.push(#wire, item);
                }
            },
            ParamLocation::Query(QueryStyle::Joined) => quote! {
                query.push(
                    #wire,
                    #place.iter().map(::std::string::ToString::to_string).collect::<#vec<_>>().join(","),
                );
            },
            ParamLocation::Query(QueryStyle::DeepObject) => quote!(query.push_deep_object(#wire, #reference);),
            ParamLocation::Header(HeaderStyle::Single) => quote!(query.push_header(#wire, #arg);),
            ParamLocation::Header(HeaderStyle::List) => quote! {
                query.push_header(
                    #wire,
                    #place.iter().map(::std::string::ToString::to_string).collect::<#vec<_>>().join(","),
                );
            },
            ParamLocation::Query(QueryStyle::FormObject) => form_object(api, std, &q.field.ty, place, reference),
            ParamLocation::Query(QueryStyle::Value { explode }) => quote!(query.push_value(#wire, #reference, #explode);),
            ParamLocation::Query(QueryStyle::Json) => quote!(query.push_json(#wire, #reference);),
            ParamLocation::Header(HeaderStyle::Value) => quote!(query.push_header_value(#wire, #reference);),
            ParamLocation::Header(HeaderStyle::Json) => quote!(query.push_header_json(#wire, #reference);),
            ParamLocation::Cookie => quote!(query.push_cookie(#wire, #arg);),
        };
        if q.field.optional() {
            let body = push(quote!(value), quote!(value), quote!(value));
            quote! {
                if let #some(value) = &self.#fname {
                    #body
                }
            }
        } else {
            push(quote!(self.#fname), field_arg(&q.field.ty, quote!(self.#fname)), quote!(&self.#fname))
        }
    });
    let fields_ref: Vec<&Field> = p.fields.iter().map(|q| &q.field).collect();
    let constructor = (!all_optional).then(|| constructor(api, std, name, &fields_ref, None));
    quote! {
        #attrs
        #[derive(Debug, Clone, PartialEq #default)]
        pub struct #name {
            #(#fields)*
        }

        #constructor

        impl crate::runtime::ToQuery for #name {
            #collapsible
            fn to_query(&self, query: &mut crate::runtime::Query) {
                #(#pushes)*
            }
        }
    }
}
