//! String enums and open strings -> Rust enums that keep unknown values, and newtypes with
//! the known values as constants.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::{Std, ident};
use crate::ir::*;

pub(super) fn enum_def(std: Std, name: &proc_macro2::Ident, attrs: TokenStream, e: &StringEnum) -> TokenStream {
    let (from, string) = (std.from(), std.string());
    let unknown = ident(&e.unknown);
    let variants = e.variants.iter().enumerate().map(|(i, v)| {
        let vname = ident(&v.name);
        let doc = if v.wire.is_empty() { " The empty string.".to_owned() } else { format!(" `{}`", v.wire) };
        let default = (e.default == Some(i)).then(|| quote!(#[default]));
        quote!(#[doc = #doc] #default #vname,)
    });
    let to_str = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote!(Self::#vname => #wire,)
    });
    let from_str = e.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let wire = &v.wire;
        quote!(#wire => Self::#vname,)
    });
    let from_str2 = from_str.clone();
    let default = e.default.is_some().then(|| quote!(Default,));
    quote! {
        #attrs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, #default)]
        // A value the spec adds later becomes a variant in a minor version, not a breaking one.
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #[doc = " A value this SDK does not know yet, kept as sent."]
            #unknown(#string),
        }

        impl #name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#to_str)*
                    Self::#unknown(value) => value.as_str(),
                }
            }
        }

        impl #from<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#unknown(#string::from(other)),
                }
            }
        }

        impl #from<#string> for #name {
            fn from(value: #string) -> Self {
                match value.as_str() {
                    #(#from_str2)*
                    _ => Self::#unknown(value),
                }
            }
        }
    }
}

pub(super) fn open_string_def(
    std: Std,
    name: &proc_macro2::Ident,
    attrs: TokenStream,
    sep: Option<TokenStream>,
    o: &OpenString,
) -> TokenStream {
    let (from, into, string) = (std.from(), std.into(), std.string());
    let consts = o.known.iter().map(|EnumVariant { name: cname, wire }| {
        let cname = ident(cname);
        let doc = format!(" `{wire}`");
        quote! {
            #[doc = #doc]
            pub const #cname: Self = Self(::std::borrow::Cow::Borrowed(#wire));
        }
    });
    let note = (!o.known.is_empty()).then(|| {
        quote! {
            #sep
            #[doc = " Any string is accepted; the values the spec names are associated constants."]
        }
    });
    quote! {
        #attrs
        #note
        #[derive(Debug, Clone, PartialEq, Eq, Hash, ::serde::Serialize, ::serde::Deserialize)]
        #[serde(transparent)]
        pub struct #name(::std::borrow::Cow<'static, str>);

        impl #name {
            #(#consts)*

            /// Any value, known to this SDK or not.
            pub fn new(value: impl #into<#string>) -> Self {
                Self(::std::borrow::Cow::Owned(#into::into(value)))
            }

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl #from<&str> for #name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl #from<#string> for #name {
            fn from(value: #string) -> Self {
                Self::new(value)
            }
        }

        impl ::std::convert::AsRef<str> for #name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(&self.0)
            }
        }
    }
}
