//! The trait impls some types need: `Paginated` for list pages, `ToMultipart` for forms.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::{Std, ident};
use super::params::field_arg;
use crate::ir::*;

/// `Paginated` for a list response, and `next_cursor` as a method of its own.
pub(super) fn paginated_impl(api: &Api, std: Std, page: &Page) -> TokenStream {
    let (option, vec) = (std.option(), std.vec());
    let name = ident(&api.ty(page.page).name);
    let item = ident(&api.ty(page.item).name);
    let items = ident(&page.items_field);
    let has_more = ident(&page.has_more_field);
    let id = ident(&page.id_field);
    let cursor_param = &page.cursor_param;
    quote! {
        impl #name {
            /// The cursor for the next page, the last item's ID; `None` on the last page.
            pub fn next_cursor(&self) -> #option<&str> {
                <Self as crate::runtime::Paginated>::next_cursor(self)
            }
        }

        impl crate::runtime::Paginated for #name {
            type Item = #item;
            const CURSOR_PARAM: &'static str = #cursor_param;

            fn has_more(&self) -> bool {
                self.#has_more
            }

            fn items(&self) -> &[#item] {
                &self.#items
            }

            fn into_items(self) -> #vec<#item> {
                self.#items
            }

            fn cursor(item: &#item) -> &str {
                &item.#id
            }
        }
    }
}

/// `ToMultipart` for a struct sent as a `multipart/form-data` body: files become file parts,
/// scalars text parts, lists repeated `name[]` parts, and objects JSON-encoded text parts.
pub(super) fn multipart_impl(api: &Api, std: Std, id: TypeId) -> TokenStream {
    let (ok, result, some) = (std.ok(), std.result(), std.some());
    let name = ident(&api.ty(id).name);
    let s = match &api.ty(id).kind {
        TypeKind::Struct(s) => s,
        TypeKind::Union(u) => return union_multipart_impl(std, &name, u),
        _ => return TokenStream::new(),
    };
    // The single-value properties are sent as text parts, as JSON bodies carry them too.
    let consts = s.consts.iter().map(|c| {
        let wire = &c.wire;
        let value = match &c.value {
            Literal::String(v) => v.clone(),
            Literal::Bool(b) => b.to_string(),
            Literal::Int(i) => i.to_string(),
        };
        quote!(form.text(#wire, #value);)
    });
    let parts = s.fields.iter().map(|f| {
        let fname = ident(&f.name);
        if f.optional() {
            let part = multipart_part(api, std, &f.ty, &f.wire, quote!(value), 0);
            quote! {
                if let #some(value) = &self.#fname {
                    #part
                }
            }
        } else {
            multipart_part(api, std, &f.ty, &f.wire, field_arg(&f.ty, quote!(self.#fname)), 0)
        }
    });
    quote! {
        impl crate::runtime::ToMultipart for #name {
            fn to_multipart(
                &self,
                form: &mut crate::runtime::Multipart,
            ) -> #result<(), crate::runtime::Error> {
                #(#consts)*
                #(#parts)*
                #ok(())
            }
        }
    }
}

/// A union of forms sends the variant it holds; an object of a kind the spec does not list
/// sends each property as a text part (strings as they are, anything else as JSON).
fn union_multipart_impl(std: Std, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let (none, ok, result, some) = (std.none(), std.ok(), std.result(), std.some());
    let arms = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let value = if matches!(v.body, VariantBody::Type(TypeRef::Box(_))) { quote!(&**value) } else { quote!(value) };
        quote!(Self::#vname(value) => crate::runtime::ToMultipart::to_multipart(#value, form),)
    });
    let unknown = u.unknown.as_ref().map(|n| {
        let n = ident(n);
        quote! {
            Self::#n(value) => {
                for (key, entry) in value.as_object().into_iter().flatten() {
                    match entry.as_str() {
                        #some(text) => form.text(key, text),
                        #none => form.json(key, entry)?,
                    }
                }
                #ok(())
            }
        }
    });
    quote! {
        impl crate::runtime::ToMultipart for #name {
            fn to_multipart(
                &self,
                form: &mut crate::runtime::Multipart,
            ) -> #result<(), crate::runtime::Error> {
                match self {
                    #(#arms)*
                    #unknown
                }
            }
        }
    }
}

/// The statements that add `value` (a reference to a `ty`) to `form` under `wire`.
fn multipart_part(api: &Api, std: Std, ty: &TypeRef, wire: &str, value: TokenStream, depth: usize) -> TokenStream {
    let some = std.some();
    let json = quote!(form.json(#wire, #value)?;);
    if depth > 8 {
        return json;
    }
    match ty {
        TypeRef::File => quote!(form.file(#wire, #value);),
        TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => quote!(form.text(#wire, #value);),
        // Bytes are only ever a whole request body, never a property, so this arm is for completeness.
        TypeRef::Json | TypeRef::Map(_) | TypeRef::Bytes => json,
        TypeRef::Box(inner) => multipart_part(api, std, inner, wire, quote!(&**#value), depth + 1),
        TypeRef::Option(inner) => {
            let part = multipart_part(api, std, inner, wire, quote!(item), depth + 1);
            quote! {
                if let #some(item) = #value {
                    #part
                }
            }
        }
        TypeRef::Vec(inner) => {
            let item_wire = format!("{wire}[]");
            let part = multipart_part(api, std, inner, &item_wire, quote!(item), depth + 1);
            quote! {
                for item in #value {
                    #part
                }
            }
        }
        TypeRef::Named(id) => match &api.ty(*id).kind {
            TypeKind::Alias(inner) => multipart_part(api, std, inner, wire, value, depth + 1),
            TypeKind::Enum(_) | TypeKind::OpenString(_) => quote!(form.text(#wire, #value);),
            TypeKind::Const(l) => {
                let literal = match l {
                    Literal::String(s) => s.clone(),
                    Literal::Bool(b) => b.to_string(),
                    Literal::Int(i) => i.to_string(),
                };
                // The value is always the literal; the binding is only there to be matched.
                quote! {
                    let _ = #value;
                    form.text(#wire, #literal);
                }
            }
            TypeKind::Union(u) => {
                let union_name = ident(&api.ty(*id).name);
                let arms = u.variants.iter().map(|v| {
                    let vname = ident(&v.name);
                    match &v.body {
                        VariantBody::Literal(l) => {
                            let literal = match l {
                                Literal::String(s) => s.clone(),
                                Literal::Bool(b) => b.to_string(),
                                Literal::Int(i) => i.to_string(),
                            };
                            quote!(#union_name::#vname => form.text(#wire, #literal),)
                        }
                        VariantBody::Type(t) => {
                            let part = multipart_part(api, std, t, wire, quote!(inner), depth + 1);
                            quote!(#union_name::#vname(inner) => { #part })
                        }
                    }
                });
                let unknown = u.unknown.as_ref().map(|n| {
                    let n = ident(n);
                    quote!(#union_name::#n(inner) => { form.json(#wire, inner)?; })
                });
                quote! {
                    match #value {
                        #(#arms)*
                        #unknown
                    }
                }
            }
            TypeKind::Struct(_) | TypeKind::Params(_) => json,
        },
    }
}
