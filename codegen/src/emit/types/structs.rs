//! IR structs -> Rust structs: fields with serde attributes, the catch-all map, a flattened
//! union, fixed-value properties written on output, and `new` for the required fields.

use proc_macro2::TokenStream;
use quote::quote;

use super::super::{From, ident, ty};
use super::*;
use crate::ir::*;
use crate::names;

/// A struct's items: the struct, `new`, and its serde impls.
pub(super) fn struct_def<'a>(api: &Api, std: Std, def: &'a TypeDef, name: &proc_macro2::Ident, s: &'a Struct, parts: &mut Parts<'a>) {
    // serde's derive is kept only for a struct with a flattened member (a catch-all map or a union), where serde's own
    // buffering is what hands the other members their entries. Every other struct gets the short impls below: the derived ones
    // made up most of a large spec's compile time (see `crate::runtime::Object`). Properties with one value are not fields,
    // and the hand-written `Serialize` writes them too.
    parts.plain(Plain::Struct(def, s));
    let filter_fn = s.extra.as_ref().filter(|_| needs_extra_filter(s)).map(|CatchAll { name: field, value }| {
        let fname = ident(field);
        let map = ty(api, &TypeRef::Map(Box::new(value.clone())), From::Types(std));
        let result = std.result();
        let skip: Vec<&str> = s.consts.iter().map(|c| c.wire.as_str()).collect();
        quote! {
            impl #name {
                /// Decodes the catch-all map without the fixed-value properties.
                fn #fname<'de, D>(
                    deserializer: D,
                ) -> #result<#map, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    crate::runtime::decode_map_without(deserializer, &[#(#skip),*])
                }
            }
        }
    });
    if !all_optional(s) {
        parts.plain(Plain::New(s));
    }
    parts.tokens(filter_fn.unwrap_or_default());
    if !derives_serialize(s) {
        parts.plain(Plain::Serialize(s));
    }
    if !derives_deserialize(s) {
        parts.plain(Plain::Object(s));
        parts.stock(Stock::ReadObject);
    }
}

/// Whether serde derives the struct's `Deserialize`: only for a flattened member (a catch-all map or a union).
pub(crate) fn derives_deserialize(s: &Struct) -> bool {
    s.flatten.is_some() || s.extra.is_some()
}

/// Whether serde derives the struct's `Serialize`: for a flattened union, unless there are fixed values to write too.
pub(crate) fn derives_serialize(s: &Struct) -> bool {
    s.flatten.is_some() && s.consts.is_empty()
}

/// Whether every field may start empty: the struct is then `Default` and has no `new`.
pub(crate) fn all_optional(s: &Struct) -> bool {
    s.fields.iter().all(Field::optional) && s.flatten.is_none()
}

/// The struct itself, with its docs and derives (see [`Plain::Struct`]).
pub(super) fn struct_item(api: &Api, std: Std, def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let (attrs, sep) = def_attrs(def);
    // Only the server makes values of a struct no request reaches: a field it adds later is then no breaking change.
    let non_exhaustive = (!def.input).then(|| quote!(#[non_exhaustive]));
    let default = all_optional(s).then(|| quote!(Default,));
    let derived = derives_deserialize(s);
    let derive_serialize = derives_serialize(s).then(|| quote!(::serde::Serialize,));
    let derive_deserialize = derived.then(|| quote!(::serde::Deserialize));
    let is_none = std.option_is_none();
    let fields = s.fields.iter().map(|f| {
        let docs = field_docs(f);
        let fname = ident(&f.name);
        let fty = field_type(api, std, f);
        let wire = &f.wire;
        let rename = (names::unraw(&f.name) != f.wire).then(|| quote!(rename = #wire,));
        let serde = if !derived {
            quote!()
        } else {
            match (f.required, f.optional()) {
                (false, _) => quote!(#[serde(#rename default, skip_serializing_if = #is_none)]),
                // Required but nullable: absence decodes as `None`, and `None` is written as `null`.
                (true, true) => quote!(#[serde(#rename default)]),
                (true, false) if rename.is_some() => quote!(#[serde(#rename)]),
                (true, false) => quote!(),
            }
        };
        quote! { #docs #serde pub #fname: #fty, }
    });
    let extra = s.extra.as_ref().map(|CatchAll { name: field, value }| {
        let fname = ident(field);
        let map = ty(api, &TypeRef::Map(Box::new(value.clone())), From::Types(std));
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
            pub #fname: #map,
        }
    });
    let flatten = s.flatten.as_ref().map(|Flattened { name: field, ty: inner }| {
        let fname = ident(field);
        let inner = ty(api, inner, From::Types(std));
        quote! {
            #[doc = " The variant the object is, next to the properties above."]
            #[serde(flatten)]
            pub #fname: #inner,
        }
    });
    let consts_doc = consts_doc(s).map(|line| quote!(#sep #[doc = #line]));
    quote! {
        #attrs
        #consts_doc
        #[derive(Debug, Clone, PartialEq, #default #derive_serialize #derive_deserialize)]
        #non_exhaustive
        pub struct #name {
            #(#fields)*
            #flatten
            #extra
        }
    }
}

/// The doc line that lists the fixed-value properties a struct writes, if it has any.
pub(crate) fn consts_doc(s: &Struct) -> Option<String> {
    if s.consts.is_empty() {
        return None;
    }
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
    Some(format!(" Always written with {}.", listed.join(", ")))
}

/// The runtime's `Object`, which `Deserialize` goes through ([`Stock::ReadObject`]): one slot per field, filled by
/// the field's number, then checked.
pub(super) fn struct_object(std: Std, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let (none, some, result, ok) = (std.none(), std.some(), std.result(), std.ok());
    let name_text = name.to_string();
    let wires = s.fields.iter().map(|f| f.wire.as_str());
    let slots: Vec<proc_macro2::Ident> = (0..s.fields.len()).map(|i| quote::format_ident!("v{i}")).collect();
    let arms = slots.iter().enumerate().map(|(i, slot)| {
        let i = proc_macro2::Literal::usize_unsuffixed(i);
        quote!(#i => object.value(&mut #slot)?,)
    });
    // A struct without fields only reads past what it is sent.
    let entries = if slots.is_empty() {
        quote! {
            while object.next_field()?.is_some() {
                object.skip()?;
            }
        }
    } else {
        quote! {
            #(let mut #slots = #none;)*
            while let #some(field) = object.next_field()? {
                match field {
                    #(#arms)*
                    _ => object.skip()?,
                }
            }
        }
    };
    let inits = s.fields.iter().zip(&slots).map(|(f, slot)| {
        let fname = ident(&f.name);
        let wire = &f.wire;
        if f.optional() { quote!(#fname: object.optional(#slot),) } else { quote!(#fname: object.required(#slot, #wire)?,) }
    });
    quote! {
        impl crate::runtime::Object for #name {
            const NAME: &'static str = #name_text;
            const FIELDS: &'static [&'static str] = &[#(#wires),*];

            fn read<'de, A>(mut object: crate::runtime::ObjectAccess<'de, A>) -> #result<Self, A::Error>
            where
                A: ::serde::de::MapAccess<'de>,
            {
                #entries
                #ok(Self {
                    #(#inits)*
                })
            }
        }
    }
}

/// Whether a struct's catch-all map needs its fixed-value keys filtered out on decoding.
fn needs_extra_filter(s: &Struct) -> bool {
    !s.consts.is_empty() && s.extra.as_ref().is_some_and(|extra| extra.value != TypeRef::Json)
}

/// `new` with one argument per required field; everything optional starts empty.
pub(super) fn struct_new(api: &Api, std: Std, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
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
    constructor(api, std, name, &fields, s.extra.as_ref().map(|extra| extra.name.as_str()))
}

/// A `new` that takes the fields that are not `Option`s and leaves the rest empty.
pub(super) fn constructor(api: &Api, std: Std, name: &proc_macro2::Ident, fields: &[&Field], extra: Option<&str>) -> TokenStream {
    let (into, into_iterator, none) = (std.into(), std.into_iterator(), std.none());
    // Lists take any iterable of anything convertible, so `["a", "b"]` works for `Vec<String>`.
    let args = fields.iter().filter(|f| !f.optional()).map(|f| {
        let fname = ident(&f.name);
        match &f.ty {
            TypeRef::Vec(item) => {
                let item = ty(api, item, From::Types(std));
                quote!(#fname: impl #into_iterator<Item = impl #into<#item>>)
            }
            other => {
                let fty = ty(api, other, From::Types(std));
                quote!(#fname: impl #into<#fty>)
            }
        }
    });
    let inits = fields.iter().map(|f| {
        let fname = ident(&f.name);
        if f.optional() {
            quote!(#fname: #none,)
        } else if let TypeRef::Vec(_) = f.ty {
            quote!(#fname: #into_iterator::into_iter(#fname).map(#into::into).collect(),)
        } else {
            quote!(#fname: #into::into(#fname),)
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

pub(super) fn struct_serialize(std: Std, name: &proc_macro2::Ident, s: &Struct) -> TokenStream {
    let (some, none, result) = (std.some(), std.none(), std.result());
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
                if let #some(value) = &self.#fname {
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
        if known.is_empty() {
            return quote! {
                for (key, value) in &self.#fname {
                    map.serialize_entry(key, value)?;
                }
            };
        }
        quote! {
            for (key, value) in &self.#fname {
                if !matches!(key.as_str(), #(#known)|*) {
                    map.serialize_entry(key, value)?;
                }
            }
        }
    });
    // Lowering turns an object with nothing to write into a map type, not a struct; should one
    // get here all the same, it still compiles without warnings.
    let writes = s.extra.is_some() || !s.consts.is_empty() || !s.fields.is_empty();
    let binding = if writes { quote!(let mut map) } else { quote!(let map) };
    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> #result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                use ::serde::ser::SerializeMap as _;
                #binding = serializer.serialize_map(#none)?;
                #(#consts)*
                #(#fields)*
                #extra
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn serialize_text(s: &Struct) -> String {
        let tokens = struct_serialize(Std::ABSOLUTE, &ident("Thing"), s);
        prettyplease::unparse(&syn::parse2(tokens).expect("struct_serialize emits valid Rust"))
    }

    /// Lowering never hands over such structs, but the emitter must not write an unused `mut`
    /// or an empty `matches!` (which does not compile) if it ever does.
    #[test]
    fn a_struct_with_nothing_or_only_a_catch_all_to_write_still_emits_clean_code() {
        let empty = Struct { fields: Vec::new(), consts: Vec::new(), extra: None, flatten: None };
        let text = serialize_text(&empty);
        assert!(text.contains("let map = serializer"), "{text}");
        assert!(!text.contains("mut map"), "{text}");

        let catch_all = Struct { extra: Some(CatchAll { name: "extra".to_owned(), value: TypeRef::String }), ..empty };
        let text = serialize_text(&catch_all);
        assert!(text.contains("let mut map = serializer"), "{text}");
        assert!(text.contains("for (key, value) in &self.extra"), "{text}");
        assert!(!text.contains("matches!"), "{text}");
    }
}
