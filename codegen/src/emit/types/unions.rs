//! IR unions -> Rust enums with hand-written serde: literals, then the tag, then the JSON kind.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::super::{From, Std, doc_attrs, ident, ty};
use super::*;
use crate::ir::*;

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

pub(super) fn union_def(api: &Api, std: Std, type_name: &str, attrs: TokenStream, sep: Option<TokenStream>, u: &Union) -> TokenStream {
    let name = ident(type_name);
    let declaration = union_enum(api, std, &name, attrs, sep, u);
    let serialize = union_serialize(std, &name, u);
    let deserialize = match by_tag_alone(u) {
        Some(tag) => tagged_deserialize(std, type_name, &name, tag, u),
        _ => union_deserialize(api, std, type_name, &name, u),
    };
    let froms = union_froms(api, std, &name, u);
    quote! {
        #declaration
        #serialize
        #deserialize
        #(#froms)*
    }
}

/// Whether a variant holds its value in a `Box`.
fn boxed(v: &Variant) -> bool {
    matches!(&v.body, VariantBody::Type(TypeRef::Box(_)))
}

/// Whether a variant is reached through the union's tag.
fn tagged(v: &Variant) -> bool {
    !v.tags.is_empty()
}

/// The enum itself, with a doc that says how decoding picks a variant.
fn union_enum(api: &Api, std: Std, name: &proc_macro2::Ident, attrs: TokenStream, sep: Option<TokenStream>, u: &Union) -> TokenStream {
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
                let t = ty(api, t, From::Types(std));
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

    // Variants that hold whole objects next to small ones make clippy suggest boxing, which
    // would change the API the spec describes.
    let holds_struct = u
        .variants
        .iter()
        .any(|v| matches!(&v.body, VariantBody::Type(TypeRef::Named(id)) if matches!(api.ty(*id).kind, TypeKind::Struct(_))));
    let large = holds_struct.then(|| quote!(#[allow(clippy::large_enum_variant)]));
    let order_doc = decoding_doc(u);
    quote! {
        #attrs
        #sep
        #[doc = #order_doc]
        #[derive(Debug, Clone, PartialEq)]
        #large
        // A branch the spec adds later becomes a variant in a minor version, not a breaking one.
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown
        }
    }
}

/// A doc line on how decoding picks a variant: by tag, then by JSON kind in spec order.
fn decoding_doc(u: &Union) -> String {
    let untagged: Vec<String> = u.variants.iter().filter(|v| !tagged(v)).map(|v| format!("`{}`", v.name)).collect();
    let untagged_objects = u.variants.iter().filter(|v| !tagged(v) && v.kinds.object && matches!(v.body, VariantBody::Type(_))).count();
    let objects_note = if untagged_objects > 1 { "; among objects, variants that require more properties are tried first" } else { "" };
    let order = format!(
        " Other values go to the first variant that accepts their JSON type, in this order: {}{objects_note}.",
        untagged.join(", ")
    );
    let tag_optional: Vec<String> = u.variants.iter().filter(|v| v.tag_optional).map(|v| format!("`{}`", v.name)).collect();
    let without_tag = match (&u.tag, tag_optional.as_slice()) {
        (Some(tag), [only]) => format!(" An object without `{tag}` is decoded as {only}, which may leave it out."),
        (Some(tag), [_, ..]) => format!(
            " An object without `{tag}` goes to the first of {}, which may leave it out, that accepts it (those that require more properties first).",
            tag_optional.join(", ")
        ),
        _ => String::new(),
    };
    match &u.tag {
        Some(tag) if untagged.is_empty() => format!(" Decoding picks the variant by the object's `{tag}` property.{without_tag}"),
        Some(tag) => format!(" Decoding picks an object's variant by its `{tag}` property.{without_tag}{order}"),
        None => order.replacen(" Other values go", " Values go", 1),
    }
}

/// `Serialize`: each variant writes itself; literals write their value.
fn union_serialize(std: Std, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let result = std.result();
    let ser_arms = u.variants.iter().map(|v| {
        let vname = ident(&v.name);
        match &v.body {
            VariantBody::Literal(Literal::String(s)) => quote!(Self::#vname => serializer.serialize_str(#s),),
            VariantBody::Literal(Literal::Bool(b)) => quote!(Self::#vname => serializer.serialize_bool(#b),),
            VariantBody::Literal(Literal::Int(i)) => quote!(Self::#vname => serializer.serialize_i64(#i),),
            VariantBody::Type(_) => match (&u.tag, &v.writes_tag) {
                (Some(tag), Some(value)) => {
                    quote!(Self::#vname(value) => crate::runtime::serialize_tagged(value, #tag, #value, serializer),)
                }
                _ => quote!(Self::#vname(value) => ::serde::Serialize::serialize(value, serializer),),
            },
        }
    });
    let ser_unknown = u.unknown.as_ref().map(|n| {
        let n = ident(n);
        quote!(Self::#n(value) => ::serde::Serialize::serialize(value, serializer),)
    });

    quote! {
        impl ::serde::Serialize for #name {
            fn serialize<S>(&self, serializer: S) -> #result<S::Ok, S::Error>
            where
                S: ::serde::Serializer,
            {
                match self {
                    #(#ser_arms)*
                    #ser_unknown
                }
            }
        }
    }
}

/// `Deserialize`: literals first, then the tag, then candidates by JSON kind in spec order.
fn union_deserialize(api: &Api, std: Std, type_name: &str, name: &proc_macro2::Ident, u: &Union) -> TokenStream {
    let (err, ok, result) = (std.err(), std.ok(), std.result());
    // serde's derive could write a union like `"auto" | integer` as a renamed unit variant next to
    // an `#[serde(untagged)]` one, but that also accepts `{"auto": null}` (how an externally tagged
    // unit variant may be written) and replaces the variant's own error, such as `expected i64`
    // for `1.5`, with "data did not match any variant"; so every union keeps this impl.
    let literal_checks = u.variants.iter().filter_map(|v| match &v.body {
        VariantBody::Literal(l) => {
            let vname = ident(&v.name);
            let value = literal_tokens(l);
            Some(quote! {
                if value == #value {
                    return #ok(Self::#vname);
                }
            })
        }
        VariantBody::Type(_) => None,
    });
    let tag_dispatch = tag_dispatch(api, std, u);
    // A union whose branches are all scalars needs none of `Value`'s structure: it reads a runtime `Scalar`, which borrows
    // a string where it can, and decodes the chosen branch from that.
    let scalar = tag_dispatch.is_none()
        && u.unknown.is_none()
        && u.variants.iter().all(|v| matches!(v.body, VariantBody::Literal(_)) || (!v.kinds.array && !v.kinds.object));
    let (read, decode) = if scalar {
        (quote!(crate::runtime::Scalar<'de>), quote!(crate::runtime::decode_scalar))
    } else {
        (quote!(::serde_json::Value), quote!(crate::runtime::decode_variant))
    };
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
            let construct = construct(std, only);
            quote!(return #decode(&value).map(#construct);)
        } else {
            let tries = candidates.iter().map(|v| {
                let construct = construct(std, v);
                quote! {
                    if let #ok(decoded) = #decode::<_, D::Error>(&value).map(#construct) {
                        return #ok(decoded);
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

    quote! {
        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> #result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                let value: #read = ::serde::Deserialize::deserialize(deserializer)?;
                #(#literal_checks)*
                #tag_dispatch
                #kind_match
                #err(<D::Error as ::serde::de::Error>::custom(#message))
            }
        }
    }
}

/// The tag of a union that decodes by it alone: every variant an object that always carries the tag, each tag naming one
/// variant, and no literal. Such a union needs no `serde_json::Value` when the tag comes first: the variant the tag names reads
/// the rest of the object itself (the runtime's `read_tagged`).
fn by_tag_alone(u: &Union) -> Option<&str> {
    let tag = u.tag.as_deref()?;
    let all_tagged = u.variants.iter().all(|v| matches!(v.body, VariantBody::Type(_)) && tagged(v) && !v.tag_optional);
    let mut tags: Vec<&str> = u.variants.iter().flat_map(|v| v.tags.iter().map(String::as_str)).collect();
    let count = tags.len();
    tags.sort_unstable();
    tags.dedup();
    (all_tagged && tags.len() == count).then_some(tag)
}

/// `Deserialize` for a union that decodes by its tag alone: the runtime's `Tagged` names the tag and the variant each tag
/// value reads, and its `read_tagged` does the reading.
fn tagged_deserialize(std: Std, type_name: &str, name: &proc_macro2::Ident, tag: &str, u: &Union) -> TokenStream {
    let (none, option, result, some) = (std.none(), std.option(), std.result(), std.some());
    let arms = u.variants.iter().map(|v| {
        let tags = &v.tags;
        let construct = construct(std, v);
        quote!(#(#tags)|* => ::serde::Deserialize::deserialize(deserializer).map(#construct),)
    });
    let fallback = match &u.unknown {
        Some(n) => {
            let n = ident(n);
            quote!(_ => ::serde::Deserialize::deserialize(deserializer).map(Self::#n),)
        }
        None => quote!(_ => return #none,),
    };
    let message = format!("no variant of `{type_name}` matches this value (objects are told apart by `{tag}`)");
    quote! {
        impl crate::runtime::Tagged for #name {
            const TAG: &'static str = #tag;
            const NO_MATCH: &'static str = #message;

            fn variant<'de, D>(tag: &str, deserializer: D) -> #option<#result<Self, D::Error>>
            where
                D: ::serde::Deserializer<'de>,
            {
                #some(match tag {
                    #(#arms)*
                    #fallback
                })
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D>(deserializer: D) -> #result<Self, D::Error>
            where
                D: ::serde::Deserializer<'de>,
            {
                crate::runtime::read_tagged(deserializer)
            }
        }
    }
}

/// The variant constructor a decoded value goes through (boxing it where the variant does).
fn construct(std: Std, v: &Variant) -> TokenStream {
    let box_ = std.boxed();
    let vname = ident(&v.name);
    if boxed(v) { quote!(|value| Self::#vname(#box_::new(value))) } else { quote!(Self::#vname) }
}

/// Decoding by the tag property.
fn tag_dispatch(api: &Api, std: Std, u: &Union) -> Option<TokenStream> {
    let (ok, some) = (std.ok(), std.some());
    let tag = u.tag.as_ref()?;
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
    // No variant answers to any tag (their schemas name no values): the tag decides nothing.
    if grouped.is_empty() {
        return None;
    }
    let arms = grouped.iter().map(|(tags, variants)| {
        if let [only] = variants.as_slice() {
            let construct = construct(std, only);
            return quote!(#(#tags)|* => crate::runtime::decode_variant(&value).map(#construct),);
        }
        // Several branches answer to this tag: each decodes, and the one that gives back
        // the object unchanged wins (decoding alone ignores unknown and fixed properties).
        let attempts = variants.iter().map(|v| {
            let construct = construct(std, v);
            quote!(crate::runtime::decode_variant(&value).map(#construct))
        });
        quote!(#(#tags)|* => crate::runtime::decode_best(&value, [#(#attempts),*]),)
    });
    let fallback = match &u.unknown {
        Some(n) => {
            let n = ident(n);
            quote!(_ => #ok(Self::#n(value)),)
        }
        None => quote!(),
    };
    Some(quote! {
        if let #some(tag) = value.get(#tag).and_then(::serde_json::Value::as_str) {
            return match tag {
                #(#arms)*
                #fallback
            };
        }
    })
}

/// `From` for every variant whose type no other variant shares.
fn union_froms(api: &Api, std: Std, name: &proc_macro2::Ident, u: &Union) -> Vec<TokenStream> {
    let (box_, from) = (std.boxed(), std.from());
    u.variants
        .iter()
        .filter_map(|v| {
            let VariantBody::Type(t) = &v.body else { return None };
            let unboxed = |t: &TypeRef| match t {
                TypeRef::Box(inner) => inner.as_ref().clone(),
                other => other.clone(),
            };
            let inner = unboxed(t);
            // Two variants of one Rust type (aliases seen through) would need two impls of one
            // `From`, which Rust refuses; neither gets one.
            let same = api.without_aliases(&inner);
            let shared = u.variants.iter().filter(|w| w.body.type_ref().is_some_and(|x| api.without_aliases(&unboxed(x)) == same));
            if shared.count() > 1 || (same == TypeRef::Json && u.unknown.is_some()) {
                return None;
            }
            let vname = ident(&v.name);
            let inner_ty = ty(api, &inner, From::Types(std));
            let wrap = if boxed(v) { quote!(Self::#vname(#box_::new(value))) } else { quote!(Self::#vname(value)) };
            Some(quote! {
                impl #from<#inner_ty> for #name {
                    fn from(value: #inner_ty) -> Self {
                        #wrap
                    }
                }
            })
        })
        .collect()
}

/// How many properties a variant's object must have: its required, non-nullable fields.
pub(super) fn required_count(api: &Api, v: &Variant) -> usize {
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
