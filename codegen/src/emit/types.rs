//! IR types -> the `types` module: structs, enums, open strings, unions, constants, aliases and
//! query parameter structs.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{From, cfg_attr, doc_attrs, gate, ident, ty};
use crate::ir::*;
use crate::names;

/// The whole `types` module body, as one token stream (for the one-file layout).
pub(crate) fn module(api: &Api) -> TokenStream {
    let head = head();
    let items = api.sorted_types().into_iter().map(|(id, t)| {
        let (tokens, cfg) = items(api, id, t);
        gate(tokens, cfg.as_ref())
    });
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

/// Everything one type contributes, and the `cfg` every one of its items carries.
pub(crate) fn items(api: &Api, id: TypeId, t: &TypeDef) -> (TokenStream, Option<TokenStream>) {
    let def = type_def(api, t);
    let page = api.pages.iter().find(|p| p.page == id).map(|p| paginated_impl(api, p));
    let form = api.multipart.contains(&id).then(|| multipart_impl(api, id));
    (quote!(#def #page #form), cfg_attr(api, &t.features))
}

fn type_def(api: &Api, def: &TypeDef) -> TokenStream {
    let doc = doc_attrs(def.doc.as_deref());
    let deprecated = def.deprecated.then(|| quote!(#[deprecated]));
    let name = ident(&def.name);
    let attrs = quote!(#doc #deprecated);
    // Emitters that append a paragraph of their own separate it with an empty doc line.
    let sep = def.doc.is_some().then(|| quote!(#[doc = ""]));
    match &def.kind {
        TypeKind::Struct(s) => struct_def(api, &name, quote!(#attrs), sep, s),
        TypeKind::Enum(e) => enum_def(&name, attrs, e),
        TypeKind::OpenString(o) => open_string_def(&name, attrs, sep, o),
        TypeKind::Union(u) => union_def(api, &def.name, attrs, sep, u),
        TypeKind::Const(l) => const_def(&name, attrs, l),
        TypeKind::Alias(target) => {
            let target = ty(api, target, From::Types);
            quote! { #attrs pub type #name = #target; }
        }
        TypeKind::Params(p) => params_def(api, &name, attrs, p),
    }
}

/// The Rust type of a field: `Option<T>` when it may be absent or null.
fn field_type(api: &Api, field: &Field) -> TokenStream {
    let inner = ty(api, &field.ty, From::Types);
    if field.optional() { quote!(::std::option::Option<#inner>) } else { inner }
}

fn field_docs(field: &Field) -> TokenStream {
    let doc = doc_attrs(field.doc.as_deref());
    let deprecated = field.deprecated.then(|| quote!(#[deprecated]));
    quote!(#doc #deprecated)
}

fn literal_tokens(literal: &Literal) -> TokenStream {
    match literal {
        Literal::String(s) => quote!(#s),
        Literal::Bool(b) => quote!(#b),
        Literal::Int(i) => quote!(#i),
    }
}

fn struct_def(api: &Api, name: &proc_macro2::Ident, attrs: TokenStream, sep: Option<TokenStream>, s: &Struct) -> TokenStream {
    let all_optional = s.fields.iter().all(Field::optional) && s.flatten.is_none();
    let default = all_optional.then(|| quote!(Default,));
    // Properties with one value are not fields; a hand-written `Serialize` writes them.
    let derive_serialize = s.consts.is_empty().then(|| quote!(::serde::Serialize,));
    let fields = s.fields.iter().map(|f| {
        let docs = field_docs(f);
        let fname = ident(&f.name);
        let fty = field_type(api, f);
        let wire = &f.wire;
        let rename = (names::unraw(&f.name) != f.wire).then(|| quote!(rename = #wire,));
        let serde = match (f.required, f.optional()) {
            (false, _) => quote!(#[serde(#rename default, skip_serializing_if = "::std::option::Option::is_none")]),
            // Required but nullable: absence decodes as `None`, and `None` is written as `null`.
            (true, true) => quote!(#[serde(#rename default)]),
            (true, false) if rename.is_some() => quote!(#[serde(#rename)]),
            (true, false) => quote!(),
        };
        quote! { #docs #serde pub #fname: #fty, }
    });
    let extra = s.extra.as_ref().map(|CatchAll { name: field, value }| {
        let fname = ident(field);
        let value = ty(api, value, From::Types);
        // The fixed-value properties are not fields, so they would land in a typed catch-all
        // map and fail to decode as its value type; a filter keeps them out.
        let filter = needs_extra_filter(s).then(|| {
            let path = format!("{name}::{}", names::unraw(field));
            quote!(deserialize_with = #path)
        });
        let attrs = match filter {
            Some(filter) => quote!(#[serde(flatten, #filter)]),
            None => quote!(#[serde(flatten)]),
        };
        quote! {
            #[doc = " Properties the spec does not list, kept as sent."]
            #attrs
            pub #fname: ::std::collections::BTreeMap<::std::string::String, #value>,
        }
    });
    let filter_fn = s.extra.as_ref().filter(|_| needs_extra_filter(s)).map(|CatchAll { name: field, value }| {
        let fname = ident(field);
        let value = ty(api, value, From::Types);
        let skip: Vec<&str> = s.consts.iter().map(|c| c.wire.as_str()).collect();
        quote! {
            impl #name {
                /// Decodes the catch-all map without the fixed-value properties.
                fn #fname<'de, D>(
                    deserializer: D,
                ) -> ::std::result::Result<::std::collections::BTreeMap<::std::string::String, #value>, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    crate::runtime::decode_map_without(deserializer, &[#(#skip),*])
                }
            }
        }
    });
    let flatten = s.flatten.as_ref().map(|Flattened { name: field, ty: inner }| {
        let fname = ident(field);
        let inner = ty(api, inner, From::Types);
        quote! {
            #[doc = " The variant the object is, next to the properties above."]
            #[serde(flatten)]
            pub #fname: #inner,
        }
    });
    let serialize = (!s.consts.is_empty()).then(|| struct_serialize(name, s));
    let constructor = (!all_optional).then(|| struct_new(api, name, s));
    let consts_doc = (!s.consts.is_empty()).then(|| {
        let listed: Vec<String> = s
            .consts
            .iter()
            .map(|c| {
                let value = match &c.value {
                    Literal::String(v) => format!("\"{v}\""),
                    Literal::Bool(b) => b.to_string(),
                    Literal::Int(i) => i.to_string(),
                };
                format!("`{}`: `{value}`", c.wire)
            })
            .collect();
        let line = format!(" Always written with {}.", listed.join(", "));
        quote!(#sep #[doc = #line])
    });
    quote! {
        #attrs
        #consts_doc
        #[derive(Debug, Clone, PartialEq, #default #derive_serialize ::serde::Deserialize)]
        pub struct #name {
            #(#fields)*
            #flatten
            #extra
        }
        #constructor
        #filter_fn
        #serialize
    }
}

/// Whether a struct's catch-all map needs its fixed-value keys filtered out on decoding.
fn needs_extra_filter(s: &Struct) -> bool {
    !s.consts.is_empty() && s.extra.as_ref().is_some_and(|extra| extra.value != TypeRef::Json)
}

/// `new` with one argument per required field; everything optional starts empty.
fn struct_new(api: &Api, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    // The flattened union is one more required argument.
    let flattened = s.flatten.as_ref().map(|flattened| Field {
        name: flattened.name.clone(),
        wire: String::new(),
        ty: flattened.ty.clone(),
        required: true,
        nullable: false,
        doc: None,
        deprecated: false,
    });
    let fields: Vec<&Field> = s.fields.iter().chain(flattened.as_ref()).collect();
    constructor(api, name, &fields, s.extra.as_ref().map(|extra| extra.name.as_str()))
}

/// A `new` that takes the fields that are not `Option`s and leaves the rest empty.
fn constructor(api: &Api, name: &proc_macro2::Ident, fields: &[&Field], extra: Option<&str>) -> TokenStream {
    // Lists take any iterable of anything convertible, so `["a", "b"]` works for `Vec<String>`.
    let args = fields.iter().filter(|f| !f.optional()).map(|f| {
        let fname = ident(&f.name);
        match &f.ty {
            TypeRef::Vec(item) => {
                let item = ty(api, item, From::Types);
                quote!(#fname: impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<#item>>)
            }
            other => {
                let fty = ty(api, other, From::Types);
                quote!(#fname: impl ::std::convert::Into<#fty>)
            }
        }
    });
    let inits = fields.iter().map(|f| {
        let fname = ident(&f.name);
        if f.optional() {
            quote!(#fname: ::std::option::Option::None,)
        } else if let TypeRef::Vec(_) = f.ty {
            quote!(#fname: ::std::iter::IntoIterator::into_iter(#fname).map(::std::convert::Into::into).collect(),)
        } else {
            quote!(#fname: ::std::convert::Into::into(#fname),)
        }
    });
    let extra = extra.map(|field| {
        let fname = ident(field);
        quote!(#fname: ::std::collections::BTreeMap::new(),)
    });
    let required = fields.iter().filter(|f| !f.optional()).count();
    let many = (required > 7).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    quote! {
        impl #name {
            /// A value with the required fields set and every optional field empty.
            #many
            pub fn new(#(#args),*) -> Self {
                Self {
                    #(#inits)*
                    #extra
                }
            }
        }
    }
}

fn struct_serialize(name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let consts = s.consts.iter().map(|c| {
        let wire = &c.wire;
        let value = literal_tokens(&c.value);
        quote!(map.serialize_entry(#wire, &#value)?;)
    });
    let fields = s.fields.iter().map(|f| {
        let wire = &f.wire;
        let fname = ident(&f.name);
        if f.required {
            quote!(map.serialize_entry(#wire, &self.#fname)?;)
        } else {
            quote! {
                if let ::std::option::Option::Some(value) = &self.#fname {
                    map.serialize_entry(#wire, value)?;
                }
            }
        }
    });
    let extra = s.extra.as_ref().map(|extra| {
        let fname = ident(&extra.name);
        // Keys that are also named properties were decoded into the catch-all only because
        // they hold the one constant value; writing them twice would repeat the key.
        let known: Vec<&str> = s.consts.iter().map(|c| c.wire.as_str()).chain(s.fields.iter().map(|f| f.wire.as_str())).collect();
        quote! {
            for (key, value) in &self.#fname {
                if !matches!(key.as_str(), #(#known)|*) {
                    map.serialize_entry(key, value)?;
                }
            }
        }
    });
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                use ::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                #(#consts)*
                #(#fields)*
                #extra
                map.end()
            }
        }
    }
}

fn enum_def(name: &proc_macro2::Ident, attrs: TokenStream, e: &StringEnum) -> TokenStream {
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
        pub enum #name {
            #(#variants)*
            #[doc = " A value this SDK does not know yet, kept as sent."]
            #unknown(::std::string::String),
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

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                match value {
                    #(#from_str)*
                    other => Self::#unknown(::std::string::String::from(other)),
                }
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    #(#from_str2)*
                    _ => Self::#unknown(value),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                <::std::string::String as ::serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }
    }
}

fn open_string_def(name: &proc_macro2::Ident, attrs: TokenStream, sep: Option<TokenStream>, o: &OpenString) -> TokenStream {
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
            pub fn new(value: impl ::std::convert::Into<::std::string::String>) -> Self {
                Self(::std::borrow::Cow::Owned(::std::convert::Into::into(value)))
            }

            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl ::std::convert::From<&str> for #name {
            fn from(value: &str) -> Self {
                Self::new(value)
            }
        }

        impl ::std::convert::From<::std::string::String> for #name {
            fn from(value: ::std::string::String) -> Self {
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

fn const_def(name: &proc_macro2::Ident, attrs: TokenStream, literal: &Literal) -> TokenStream {
    let value = literal_tokens(literal);
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
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                #serialize
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                if value == #value {
                    ::std::result::Result::Ok(Self)
                } else {
                    ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(#expected))
                }
            }
        }
    }
}

/// The JSON kinds in the order decoding checks them, as `serde_json::Value` predicates.
const KIND_ORDER: [&str; 6] = ["is_string", "is_number", "is_boolean", "is_array", "is_object", "is_null"];

fn accepts(kinds: &Kinds, kind: &str) -> bool {
    match kind {
        "is_string" => kinds.string,
        "is_number" => kinds.number,
        "is_boolean" => kinds.boolean,
        "is_array" => kinds.array,
        "is_object" => kinds.object,
        _ => kinds.null,
    }
}

fn union_def(api: &Api, type_name: &str, attrs: TokenStream, sep: Option<TokenStream>, u: &Union) -> TokenStream {
    let name = ident(type_name);
    let boxed = |v: &Variant| matches!(&v.body, VariantBody::Type(TypeRef::Box(_)));
    let variants = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        let doc = doc_attrs(v.doc.as_deref());
        match &v.body {
            VariantBody::Literal(l) => {
                let text = match l {
                    Literal::String(s) => format!(" The value `\"{s}\"`."),
                    Literal::Bool(b) => format!(" The value `{b}`."),
                    Literal::Int(i) => format!(" The value `{i}`."),
                };
                quote!(#[doc = #text] #vname,)
            }
            VariantBody::Type(t) => {
                let t = ty(api, t, From::Types);
                quote!(#doc #vname(#t),)
            }
        }
    });
    let unknown = u.unknown.as_ref().map(|n| {
        let n = ident(n);
        let tag = u.tag.as_deref().unwrap_or("type");
        let doc = format!(" An object whose `{tag}` this SDK does not know yet, kept as sent.");
        quote!(#[doc = #doc] #n(::serde_json::Value),)
    });

    // Serialize: each variant writes itself; literals write their value.
    let ser_arms = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        match &v.body {
            VariantBody::Literal(Literal::String(s)) => quote!(Self::#vname => serializer.serialize_str(#s),),
            VariantBody::Literal(Literal::Bool(b)) => quote!(Self::#vname => serializer.serialize_bool(#b),),
            VariantBody::Literal(Literal::Int(i)) => quote!(Self::#vname => serializer.serialize_i64(#i),),
            VariantBody::Type(_) => quote!(Self::#vname(value) => ::serde::Serialize::serialize(value, serializer),),
        }
    });
    let ser_unknown = u.unknown.as_ref().map(|n| {
        let n = ident(n);
        quote!(Self::#n(value) => ::serde::Serialize::serialize(value, serializer),)
    });

    // Deserialize: literals first, then the tag, then candidates by JSON kind in spec order.
    // serde's derive could write a union like `"auto" | integer` as a renamed unit variant next to
    // an `#[serde(untagged)]` one, but that also accepts `{"auto": null}` (how an externally tagged
    // unit variant may be written) and replaces the variant's own error, such as `expected i64`
    // for `1.5`, with "data did not match any variant"; so every union keeps this impl.
    let construct = |v: &Variant| {
        let vname = ident(&v.name);
        if boxed(v) { quote!(|value| Self::#vname(::std::boxed::Box::new(value))) } else { quote!(Self::#vname) }
    };
    let literal_checks = u.variants.iter().filter_map(|v| match &v.body {
        VariantBody::Literal(l) => {
            let vname = ident(&v.name);
            let value = literal_tokens(l);
            Some(quote! {
                if value == #value {
                    return ::std::result::Result::Ok(Self::#vname);
                }
            })
        }
        VariantBody::Type(_) => None,
    });
    let tagged = |v: &Variant| !v.tags.is_empty();
    let tag_dispatch = u.tag.as_ref().map(|tag| {
        // Tags in order of first appearance, each with the variants it selects. Tags with the
        // same variants share an arm; under a tag several variants share, `decode_best` keeps
        // the one whose round trip changes least, and on a tie the one that requires more.
        let mut selects: Vec<(String, Vec<&Variant>)> = Vec::new();
        for v in u.variants.iter().filter(|v| tagged(v)) {
            for t in &v.tags {
                match selects.iter_mut().find(|(existing, _)| existing == t) {
                    Some((_, variants)) => variants.push(v),
                    None => selects.push((t.clone(), vec![v])),
                }
            }
        }
        let mut grouped: Vec<(Vec<String>, Vec<&Variant>)> = Vec::new();
        for (t, mut variants) in selects {
            variants.sort_by_key(|v| std::cmp::Reverse(required_count(api, v)));
            match grouped.iter_mut().find(|(_, vs)| vs.len() == variants.len() && vs.iter().zip(&variants).all(|(a, b)| a.name == b.name)) {
                Some((tags, _)) => tags.push(t),
                None => grouped.push((vec![t], variants)),
            }
        }
        let arms = grouped.iter().map(|(tags, variants)| {
            if let [only] = variants.as_slice() {
                let construct = construct(only);
                return quote!(#(#tags)|* => crate::runtime::decode_variant(&value).map(#construct),);
            }
            // Several branches answer to this tag: each decodes, and the one that gives back
            // the object unchanged wins (decoding alone ignores unknown and fixed properties).
            let attempts = variants.iter().map(|v| {
                let construct = construct(v);
                quote!(crate::runtime::decode_variant(&value).map(#construct))
            });
            quote!(#(#tags)|* => crate::runtime::decode_best(&value, [#(#attempts),*]),)
        });
        let fallback = match &u.unknown {
            Some(n) => {
                let n = ident(n);
                quote!(_ => ::std::result::Result::Ok(Self::#n(value)),)
            }
            None => quote!(),
        };
        quote! {
            if let ::std::option::Option::Some(tag) = value.get(#tag).and_then(::serde_json::Value::as_str) {
                return match tag {
                    #(#arms)*
                    #fallback
                };
            }
        }
    });
    let kind_arms = KIND_ORDER.iter().filter_map(|kind| {
        let mut candidates: Vec<&Variant> = u
            .variants
            .iter()
            .filter(|v| {
                // A tagged object variant is reached through its tag, unless it may leave the tag out.
                let by_tag_only = tagged(v) && !v.tag_optional && *kind == "is_object";
                matches!(v.body, VariantBody::Type(_)) && !by_tag_only && accepts(&v.kinds, kind)
            })
            .collect();
        // A struct without required fields accepts any object, so among objects the variants
        // that require more properties go first (the sort keeps spec order among equals).
        if *kind == "is_object" {
            candidates.sort_by_key(|v| std::cmp::Reverse(required_count(api, v)));
        }
        if candidates.is_empty() {
            return None;
        }
        let check = format_ident!("{}", kind);
        let body = if let [only] = candidates.as_slice() {
            let construct = construct(only);
            quote!(return crate::runtime::decode_variant(&value).map(#construct);)
        } else {
            let tries = candidates.iter().map(|v| {
                let construct = construct(v);
                quote! {
                    if let ::std::result::Result::Ok(decoded) = crate::runtime::decode_variant::<_, D::Error>(&value).map(#construct) {
                        return ::std::result::Result::Ok(decoded);
                    }
                }
            });
            quote!(#(#tries)*)
        };
        Some(quote!(if value.#check() { #body }))
    });
    let kind_match = quote!(#(#kind_arms)*);
    let message = match &u.tag {
        Some(tag) => format!("no variant of `{type_name}` matches this value (objects are told apart by `{tag}`)"),
        None => format!("no variant of `{type_name}` matches this value"),
    };

    // `From` for every variant whose type no other variant shares.
    let froms = u.variants.iter().filter_map(|v| {
        let VariantBody::Type(t) = &v.body else { return None };
        let inner = match t {
            TypeRef::Box(inner) => inner.as_ref(),
            other => other,
        };
        let shared = u.variants.iter().filter(|w| match &w.body {
            VariantBody::Type(TypeRef::Box(x)) => x.as_ref() == inner,
            VariantBody::Type(x) => x == inner,
            VariantBody::Literal(_) => false,
        });
        if shared.count() > 1 || (*inner == TypeRef::Json && u.unknown.is_some()) {
            return None;
        }
        let vname = ident(&v.name);
        let inner_ty = ty(api, inner, From::Types);
        let wrap = if boxed(v) { quote!(Self::#vname(::std::boxed::Box::new(value))) } else { quote!(Self::#vname(value)) };
        Some(quote! {
            impl ::std::convert::From<#inner_ty> for #name {
                fn from(value: #inner_ty) -> Self {
                    #wrap
                }
            }
        })
    });

    let untagged: Vec<String> = u.variants.iter().filter(|v| !tagged(v)).map(|v| format!("`{}`", v.name)).collect();
    let untagged_objects = u.variants.iter().filter(|v| !tagged(v) && v.kinds.object && matches!(v.body, VariantBody::Type(_))).count();
    let objects_note = if untagged_objects > 1 { "; among objects, variants that require more properties are tried first" } else { "" };
    let order = format!(
        " Other values go to the first variant that accepts their JSON type, in this order: {}{objects_note}.",
        untagged.join(", ")
    );
    // Variants that hold whole objects next to small ones make clippy suggest boxing, which
    // would change the API the spec describes.
    let holds_struct = u
        .variants
        .iter()
        .any(|v| matches!(&v.body, VariantBody::Type(TypeRef::Named(id)) if matches!(api.ty(*id).kind, TypeKind::Struct(_))));
    let large = holds_struct.then(|| quote!(#[allow(clippy::large_enum_variant)]));
    let tag_optional: Vec<String> = u.variants.iter().filter(|v| v.tag_optional).map(|v| format!("`{}`", v.name)).collect();
    let without_tag = match (&u.tag, tag_optional.as_slice()) {
        (Some(tag), [only]) => format!(" An object without `{tag}` is decoded as {only}, which may leave it out."),
        (Some(tag), [_, ..]) => format!(
            " An object without `{tag}` goes to the first of {}, which may leave it out, that accepts it (those that require more properties first).",
            tag_optional.join(", ")
        ),
        _ => String::new(),
    };
    let order_doc = match &u.tag {
        Some(tag) if untagged.is_empty() => format!(" Decoding picks the variant by the object's `{tag}` property.{without_tag}"),
        Some(tag) => format!(" Decoding picks an object's variant by its `{tag}` property.{without_tag}{order}"),
        None => order.replacen(" Other values go", " Values go", 1),
    };

    quote! {
        #attrs
        #sep
        #[doc = #order_doc]
        #[derive(Debug, Clone, PartialEq)]
        #large
        pub enum #name {
            #(#variants)*
            #unknown
        }

        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                match self {
                    #(#ser_arms)*
                    #ser_unknown
                }
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let value = <::serde_json::Value as ::serde::Deserialize>::deserialize(deserializer)?;
                #(#literal_checks)*
                #tag_dispatch
                #kind_match
                ::std::result::Result::Err(<D::Error as ::serde::de::Error>::custom(#message))
            }
        }

        #(#froms)*
    }
}

/// A field passed to a generic `impl Display` argument: `Copy` scalars by value, the rest by
/// reference (clippy's `needless_borrows_for_generic_args`).
fn field_arg(ty: &TypeRef, place: TokenStream) -> TokenStream {
    match ty {
        TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => place,
        _ => quote!(&#place),
    }
}

/// Writes a map's entries, or a flat struct's fields, as query pairs of their own.
fn form_object(api: &Api, ty: &TypeRef, place: TokenStream, reference: TokenStream) -> TokenStream {
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
                            if let ::std::option::Option::Some(field) = &#place.#fname {
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

/// How many properties a variant's object must have: its required, non-nullable fields.
fn required_count(api: &Api, v: &Variant) -> usize {
    let VariantBody::Type(t) = &v.body else { return 0 };
    let id = match t {
        TypeRef::Named(id) => *id,
        TypeRef::Box(inner) => match inner.as_ref() {
            TypeRef::Named(id) => *id,
            _ => return 0,
        },
        _ => return 0,
    };
    match &api.ty(id).kind {
        TypeKind::Struct(s) => s.fields.iter().filter(|f| !f.optional()).count(),
        _ => 0,
    }
}

fn params_def(api: &Api, name: &proc_macro2::Ident, attrs: TokenStream, p: &Params) -> TokenStream {
    let all_optional = p.fields.iter().all(|q| q.field.optional());
    let default = all_optional.then(|| quote!(, Default));
    let fields = p.fields.iter().map(|q| {
        let docs = field_docs(&q.field);
        let fname = ident(&q.field.name);
        let fty = field_type(api, &q.field);
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
                    #place.iter().map(::std::string::ToString::to_string).collect::<::std::vec::Vec<_>>().join(","),
                );
            },
            ParamLocation::Query(QueryStyle::DeepObject) => quote!(query.push_deep_object(#wire, #reference);),
            ParamLocation::Header(HeaderStyle::Single) => quote!(query.push_header(#wire, #arg);),
            ParamLocation::Header(HeaderStyle::List) => quote! {
                query.push_header(
                    #wire,
                    #place.iter().map(::std::string::ToString::to_string).collect::<::std::vec::Vec<_>>().join(","),
                );
            },
            ParamLocation::Query(QueryStyle::FormObject) => form_object(api, &q.field.ty, place, reference),
            ParamLocation::Query(QueryStyle::Value { explode }) => quote!(query.push_value(#wire, #reference, #explode);),
            ParamLocation::Query(QueryStyle::Json) => quote!(query.push_json(#wire, #reference);),
            ParamLocation::Header(HeaderStyle::Value) => quote!(query.push_header_value(#wire, #reference);),
            ParamLocation::Header(HeaderStyle::Json) => quote!(query.push_header_json(#wire, #reference);),
        };
        if q.field.optional() {
            let body = push(quote!(value), quote!(value), quote!(value));
            quote! {
                if let ::std::option::Option::Some(value) = &self.#fname {
                    #body
                }
            }
        } else {
            push(quote!(self.#fname), field_arg(&q.field.ty, quote!(self.#fname)), quote!(&self.#fname))
        }
    });
    let fields_ref: Vec<&Field> = p.fields.iter().map(|q| &q.field).collect();
    let constructor = (!all_optional).then(|| constructor(api, name, &fields_ref, None));
    quote! {
        #attrs
        #[derive(Debug, Clone, PartialEq #default)]
        pub struct #name {
            #(#fields)*
        }

        #constructor

        impl crate::runtime::ToQuery for #name {
            fn to_query(&self, query: &mut crate::runtime::Query) {
                #(#pushes)*
            }
        }
    }
}

/// `Paginated` for a list response, and `next_cursor` as a method of its own.
fn paginated_impl(api: &Api, page: &Page) -> TokenStream {
    let name = ident(&api.ty(page.page).name);
    let item = ident(&api.ty(page.item).name);
    let items = ident(&page.items_field);
    let has_more = ident(&page.has_more_field);
    let id = ident(&page.id_field);
    let cursor_param = &page.cursor_param;
    quote! {
        impl #name {
            /// The cursor for the next page, the last item's ID; `None` on the last page.
            pub fn next_cursor(&self) -> ::std::option::Option<&str> {
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

            fn into_items(self) -> ::std::vec::Vec<#item> {
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
fn multipart_impl(api: &Api, id: TypeId) -> TokenStream {
    let name = ident(&api.ty(id).name);
    let TypeKind::Struct(s) = &api.ty(id).kind else { return TokenStream::new() };
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
            let part = multipart_part(api, &f.ty, &f.wire, quote!(value), 0);
            quote! {
                if let ::std::option::Option::Some(value) = &self.#fname {
                    #part
                }
            }
        } else {
            multipart_part(api, &f.ty, &f.wire, field_arg(&f.ty, quote!(self.#fname)), 0)
        }
    });
    quote! {
        impl crate::runtime::ToMultipart for #name {
            fn to_multipart(
                &self,
                form: &mut crate::runtime::Multipart,
            ) -> ::std::result::Result<(), crate::runtime::Error> {
                #(#consts)*
                #(#parts)*
                ::std::result::Result::Ok(())
            }
        }
    }
}

/// The statements that add `value` (a reference to a `ty`) to `form` under `wire`.
fn multipart_part(api: &Api, ty: &TypeRef, wire: &str, value: TokenStream, depth: usize) -> TokenStream {
    let json = quote!(form.json(#wire, #value)?;);
    if depth > 8 {
        return json;
    }
    match ty {
        TypeRef::File => quote!(form.file(#wire, #value);),
        TypeRef::String | TypeRef::Integer | TypeRef::Number | TypeRef::Boolean => quote!(form.text(#wire, #value);),
        // Bytes are only ever a whole request body, never a property, so this arm is for completeness.
        TypeRef::Json | TypeRef::Map(_) | TypeRef::Bytes => json,
        TypeRef::Box(inner) => multipart_part(api, inner, wire, quote!(&**#value), depth + 1),
        TypeRef::Option(inner) => {
            let part = multipart_part(api, inner, wire, quote!(item), depth + 1);
            quote! {
                if let ::std::option::Option::Some(item) = #value {
                    #part
                }
            }
        }
        TypeRef::Vec(inner) => {
            let item_wire = format!("{wire}[]");
            let part = multipart_part(api, inner, &item_wire, quote!(item), depth + 1);
            quote! {
                for item in #value {
                    #part
                }
            }
        }
        TypeRef::Named(id) => match &api.ty(*id).kind {
            TypeKind::Alias(inner) => multipart_part(api, inner, wire, value, depth + 1),
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
                            let part = multipart_part(api, t, wire, quote!(inner), depth + 1);
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
