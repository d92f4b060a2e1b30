//! IR types -> the `types` module: each type's items, gathered here from one file per kind
//! (structs, enums and open strings, unions, query parameters, page and form impls).

mod enums;
mod forms;
mod params;
mod structs;
mod unions;

use enums::{enum_def, open_string_def};
use forms::{multipart_impl, paginated_impl};
use params::params_def;
use structs::struct_def;
pub(crate) use structs::{all_optional, consts_doc, derives_deserialize};
use unions::union_def;

use proc_macro2::TokenStream;
use quote::quote;

use super::{From, Std, cfg_attr, doc_attrs, ident, ty};
use crate::ir::*;

/// The whole `types` module body, as one token stream, for the one-file layout. That layout has
/// no Cargo features (`emit_single_file` clears them), so no item carries a `cfg`.
pub(crate) fn module(api: &Api) -> TokenStream {
    let head = head();
    let std = Std::types(api);
    let items = api.sorted_types().into_iter().map(|(id, t)| items(api, std, id, t).into_tokens(api));
    quote!(#head #(#items)*)
}

/// The module's inner attributes.
pub(crate) fn head() -> TokenStream {
    quote! {
        #![doc = " Request and response types, one per schema of the spec (and one per inline schema that needs a name)."]
        // The generated code itself must use what the spec deprecates; users still get the warnings.
        #![allow(deprecated)]
    }
}

/// Everything one type contributes: its items in order, and what they have in common.
pub(crate) struct TypeItems<'a> {
    /// The type's name.
    pub name: proc_macro2::Ident,
    /// The items, in order.
    pub parts: Vec<Part<'a>>,
    /// The `cfg` every one of the items carries.
    pub cfg: Option<TokenStream>,
    /// How the items write standard names.
    pub std: Std,
}

/// Some of a type's items, as the emitters hand them over: tokens, or an item the renderer may write without formatting
/// tokens.
pub(crate) enum Part<'a> {
    /// Items to format.
    Tokens(TokenStream),
    /// An item the renderer writes as text where it can (`emit::plain`).
    Plain(Plain<'a>),
    /// An item that differs from type to type only in the name (`krate::Stocked`).
    Stock(Stock),
}

/// A type's items, gathered in order.
#[derive(Default)]
pub(crate) struct Parts<'a>(Vec<Part<'a>>);

impl<'a> Parts<'a> {
    fn tokens(&mut self, tokens: TokenStream) {
        if !tokens.is_empty() {
            self.0.push(Part::Tokens(tokens));
        }
    }

    fn plain(&mut self, plain: Plain<'a>) {
        self.0.push(Part::Plain(plain));
    }

    fn stock(&mut self, stock: Stock) {
        self.0.push(Part::Stock(stock));
    }
}

impl TypeItems<'_> {
    /// All of the items as one stream, without the `cfg` (for the one-file layout, which has none).
    pub(crate) fn into_tokens(self, api: &Api) -> TokenStream {
        let TypeItems { name, parts, std, .. } = self;
        let parts = parts.into_iter().map(|part| match part {
            Part::Tokens(tokens) => tokens,
            Part::Plain(plain) => plain.tokens(api, std, &name),
            Part::Stock(stock) => stock.tokens(std, &name),
        });
        quote!(#(#parts)*)
    }
}

/// An item every struct or string enum has, which the renderer writes as text where it can (`emit::plain`): the shape
/// is fixed but for a line or so per field or variant, and on a large spec these items are most of what there is to
/// format.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Plain<'a> {
    /// The struct a [`TypeKind::Struct`] is.
    Struct(&'a TypeDef, &'a Struct),
    /// A struct's `new`, taking the fields that are not `Option`s (and a flattened union).
    New(&'a Struct),
    /// The enum a [`TypeKind::Enum`] is, with `as_str` and the two `From` impls.
    Enum(&'a TypeDef, &'a StringEnum),
    /// `Serialize`, writing the fixed-value properties and then the fields.
    Serialize(&'a Struct),
    /// The runtime's `Object`, which the struct's `Deserialize` goes through.
    Object(&'a Struct),
}

impl Plain<'_> {
    pub(crate) fn tokens(self, api: &Api, std: Std, name: &proc_macro2::Ident) -> TokenStream {
        match self {
            Plain::Struct(def, s) => structs::struct_item(api, std, def, s),
            Plain::New(s) => structs::struct_new(api, std, name, s),
            Plain::Enum(def, e) => enum_def(std, name, def_attrs(def).0, e),
            Plain::Serialize(s) => structs::struct_serialize(std, name, s),
            Plain::Object(s) => structs::struct_object(std, name, s),
        }
    }
}

/// An item that is the same for every type of a kind but for the type's name in its first line, like a
/// `Deserialize` impl that only calls the runtime. Whole specs have thousands of them, so the renderer
/// formats each once per `cfg` and writes the name in (`krate::Stocked`); the one-file layout emits
/// them like any other item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Stock {
    /// `Deserialize` for a struct, through the runtime's `Object`.
    ReadObject,
    /// `Display` for a string enum: its wire value.
    DisplayStr,
    /// `Serialize` for a string enum: its wire value.
    WriteStr,
    /// `Deserialize` for a string enum: any string, through `From<String>`.
    ReadStr,
}

impl Stock {
    pub(crate) fn tokens(self, std: Std, name: &proc_macro2::Ident) -> TokenStream {
        let (result, string) = (std.result(), std.string());
        match self {
            Stock::ReadObject => quote! {
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D>(deserializer: D) -> #result<Self, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                    {
                        crate::runtime::read_object(deserializer)
                    }
                }
            },
            Stock::DisplayStr => quote! {
                impl ::std::fmt::Display for #name {
                    fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                        f.write_str(self.as_str())
                    }
                }
            },
            Stock::WriteStr => quote! {
                impl ::serde::Serialize for #name {
                    fn serialize<S>(&self, serializer: S) -> #result<S::Ok, S::Error>
                    where
                        S: ::serde::Serializer,
                    {
                        serializer.serialize_str(self.as_str())
                    }
                }
            },
            Stock::ReadStr => quote! {
                impl<'de> ::serde::Deserialize<'de> for #name {
                    fn deserialize<D>(deserializer: D) -> #result<Self, D::Error>
                    where
                        D: ::serde::Deserializer<'de>,
                    {
                        <#string as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
                    }
                }
            },
        }
    }
}

/// Everything one type contributes, and the `cfg` every one of its items carries.
pub(crate) fn items<'a>(api: &Api, std: Std, id: TypeId, t: &'a TypeDef) -> TypeItems<'a> {
    let mut parts = Parts::default();
    type_def(api, std, t, &mut parts);
    let page = api.pages.iter().find(|p| p.page == id).map(|p| paginated_impl(api, std, p));
    let form = api.multipart.contains(&id).then(|| multipart_impl(api, std, id));
    parts.tokens(quote!(#page #form));
    TypeItems { name: ident(&t.name), parts: parts.0, cfg: cfg_attr(api, &t.features), std }
}

/// The type's own items, in order.
fn type_def<'a>(api: &Api, std: Std, def: &'a TypeDef, parts: &mut Parts<'a>) {
    let name = ident(&def.name);
    let (attrs, sep) = def_attrs(def);
    let tokens = match &def.kind {
        TypeKind::Struct(s) => return struct_def(api, std, def, &name, s, parts),
        TypeKind::Enum(e) => {
            parts.plain(Plain::Enum(def, e));
            for stock in [Stock::DisplayStr, Stock::WriteStr, Stock::ReadStr] {
                parts.stock(stock);
            }
            return;
        }
        TypeKind::OpenString(o) => open_string_def(std, &name, attrs, sep, o),
        TypeKind::Union(u) => union_def(api, std, &def.name, attrs, sep, u),
        TypeKind::Const(l) => const_def(std, &name, attrs, l),
        TypeKind::Alias(target) => {
            let target = ty(api, target, From::Types(std));
            quote! { #attrs pub type #name = #target; }
        }
        TypeKind::Params(p) => params_def(api, std, &name, attrs, p),
    };
    parts.tokens(tokens);
}

/// A type's docs and `#[deprecated]`; and the empty doc line that emitters which append a paragraph of their own
/// separate it with, when there are docs.
fn def_attrs(def: &TypeDef) -> (TokenStream, Option<TokenStream>) {
    let doc = doc_attrs(def.doc.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    (quote!(#doc #deprecated), def.doc.is_some().then(|| quote!(#[doc = ""])))
}

/// The Rust type of a field: `Option<T>` when it may be absent or null.
fn field_type(api: &Api, std: Std, field: &Field) -> TokenStream {
    let inner = ty(api, &field.ty, From::Types(std));
    if field.optional() {
        let option = std.option();
        quote!(#option<#inner>)
    } else {
        inner
    }
}

fn field_docs(field: &Field) -> TokenStream {
    let doc = doc_attrs(field.doc.as_deref());
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    quote!(#doc #deprecated)
}

pub(crate) fn literal_tokens(literal: &Literal) -> TokenStream {
    match literal {
        Literal::String(s) => quote!(#s),
        Literal::Bool(b) => quote!(#b),
        Literal::Int(i) => quote!(#i),
    }
}

fn const_def(std: Std, name: &proc_macro2::Ident, attrs: TokenStream, literal: &Literal) -> TokenStream {
    let value = literal_tokens(literal);
    let (result, ok, err) = (std.result(), std.ok(), std.err());
    let (const_ty, serialize) = match literal {
        Literal::String(s) => (quote!(&'static str), quote!(serializer.serialize_str(#s))),
        Literal::Bool(b) => (quote!(bool), quote!(serializer.serialize_bool(#b))),
        Literal::Int(i) => (quote!(i64), quote!(serializer.serialize_i64(#i))),
    };
    let expected = match literal {
        Literal::String(s) => format!("expected the string `{s}`"),
        Literal::Bool(b) => format!("expected `{b}`"),
        Literal::Int(i) => format!("expected `{i}`"),
    };
    quote! {
        #attrs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        pub struct #name;

        impl #name {
            /// The one value this type stands for.
            pub const VALUE: #const_ty = #value;
        }

        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> #result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                #serialize
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> #result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                if value == #value {
                    #ok(Self)
                } else {
                    #err(<D::Error as ::serde::de::Error>::custom(#expected))
                }
            }
        }
    }
}
