//! The resource tree -> the `resources` module: one handle struct per resource, one async
//! method per operation, and the accessors on `Client` that start the chain.

use proc_macro2::TokenStream;
use quote::quote;

use super::{From, doc_attrs, ident, ty};
use crate::ir::*;

/// The whole `resources` module body.
pub(crate) fn module(api: &Api) -> TokenStream {
    let root_accessors = api.root.children.iter().map(|child| accessor(child, quote!(self)));
    let root_methods = api.root.operations.iter().map(|i| operation(api, &api.operations[*i], quote!(self)));
    let mut structs = Vec::new();
    for child in &api.root.children {
        resource(api, child, &mut structs);
    }
    // Only import `types` when some signature names one, or the import would be unused.
    let names_a_type = api.operations.iter().any(|op| {
        op.query.is_some()
            || op.body.as_ref().is_some_and(|(t, _, _)| names_type(t))
            || op.response.as_ref().is_some_and(names_type)
    });
    let use_types = names_a_type.then(|| quote!(use crate::types;));
    quote! {
        #![doc = " Resource handles that group the API's operations by path, starting from [`Client`](crate::Client)."]
        // Deprecated operations and types are still reachable; their users see the warnings.
        #![allow(deprecated)]

        use crate::runtime as rt;
        #use_types

        impl rt::Client {
            #(#root_accessors)*
            #(#root_methods)*
        }

        #(#structs)*
    }
}

fn names_type(ty: &TypeRef) -> bool {
    match ty {
        TypeRef::Named(_) => true,
        TypeRef::Vec(t) | TypeRef::Map(t) | TypeRef::Option(t) | TypeRef::Box(t) => names_type(t),
        _ => false,
    }
}

/// The method on a parent that returns a child resource handle.
fn accessor(child: &Resource, client: TokenStream) -> TokenStream {
    let name = ident(&child.accessor);
    let struct_name = ident(&child.struct_name);
    let doc = doc_attrs(child.doc.as_deref());
    let lifetime = if client.to_string() == "self" { quote!('_) } else { quote!('a) };
    quote! {
        #doc
        pub fn #name(&self) -> #struct_name<#lifetime> {
            #struct_name { client: #client }
        }
    }
}

fn resource(api: &Api, node: &Resource, out: &mut Vec<TokenStream>) {
    let name = ident(&node.struct_name);
    let doc = doc_attrs(node.doc.as_deref());
    let accessors = node.children.iter().map(|c| accessor(c, quote!(self.client)));
    let methods = node.operations.iter().map(|i| operation(api, &api.operations[*i], quote!(self.client)));
    out.push(quote! {
        #doc
        #[derive(Debug, Clone, Copy)]
        pub struct #name<'a> {
            client: &'a rt::Client,
        }

        impl<'a> #name<'a> {
            #(#accessors)*
            #(#methods)*
        }
    });
    for child in &node.children {
        resource(api, child, out);
    }
}

fn operation(api: &Api, op: &Operation, client: TokenStream) -> TokenStream {
    let name = ident(&op.method_name);
    let mut doc = op.doc.clone().unwrap_or_default();
    let documented: Vec<&PathParam> = op.path_params.iter().filter(|p| p.doc.is_some()).collect();
    if !documented.is_empty() {
        doc.push_str("\n\n# Arguments\n");
        for p in documented {
            let text = p.doc.as_deref().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
            doc.push_str(&format!("\n- `{}`: {text}", p.name));
        }
    }
    doc.push_str("\n\nAwait the returned [`Call`](crate::Call) for the result, or set per-call options on it first.");
    if op.paginated {
        doc.push_str(" The answer is one page; `.auto_paginate()` on the call streams the items of every page.");
    }
    if op.path_params.is_empty() {
        doc.push_str("\n\n# Errors\n\nWhatever sending the request or decoding its answer returns.");
    } else {
        doc.push_str(
            "\n\n# Errors\n\n[`Error::InvalidArgument`](crate::Error::InvalidArgument) before any request when a path \
             argument is empty, `.` or `..`; otherwise whatever sending the request or decoding its answer returns.",
        );
    }
    let doc = doc_attrs(Some(&doc));
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));

    let mut args = Vec::new();
    for p in &op.path_params {
        let arg = ident(&p.name);
        args.push(quote!(#arg: &str));
    }
    if let Some((id, arg, _)) = &op.query {
        let arg = ident(arg);
        let params = ty(api, &TypeRef::Named(*id), From::Resources);
        args.push(quote!(#arg: &#params));
    }
    if let Some((body_ty, arg, required)) = &op.body {
        let arg = ident(arg);
        let body_ty = ty(api, body_ty, From::Resources);
        if *required {
            args.push(quote!(#arg: &#body_ty));
        } else {
            args.push(quote!(#arg: ::std::option::Option<&#body_ty>));
        }
    }
    let many_args = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));

    // The path: literal pieces with `{` and `}` escaped for `format!`, parameters encoded.
    let path = if op.path_params.is_empty() {
        let literal: String = op.path_parts.iter().map(|p| if let PathPart::Literal(l) = p { l.as_str() } else { "" }).collect();
        quote!(#literal)
    } else {
        let mut template = String::new();
        let mut values = Vec::new();
        for part in &op.path_parts {
            match part {
                PathPart::Literal(l) => template.push_str(&l.replace('{', "{{").replace('}', "}}")),
                PathPart::Param(i) => {
                    template.push_str("{}");
                    let p = &op.path_params[*i];
                    let wire = &p.wire;
                    let arg = ident(&p.name);
                    values.push(quote!(rt::Request::path_segment(#wire, #arg)?));
                }
            }
        }
        quote!(::std::format!(#template, #(#values),*))
    };
    let method = ident(&op.http_method);
    let mut request = quote!(rt::Request::new(rt::Method::#method, #path));
    if let Some((_, arg, _)) = &op.query {
        let arg = ident(arg);
        request = quote!(#request.query(#arg));
    }
    // The closure returns the finished request, or the argument error that stops the call.
    let build = match &op.body {
        Some((_, arg, true)) => {
            let arg = ident(arg);
            quote!(#request.json(#arg))
        }
        Some((_, arg, false)) => {
            let arg = ident(arg);
            quote! {{
                let request = #request;
                match #arg {
                    ::std::option::Option::Some(#arg) => request.json(#arg),
                    ::std::option::Option::None => ::std::result::Result::Ok(request),
                }
            }}
        }
        None => quote!(::std::result::Result::Ok(#request)),
    };
    let (output, constructor) = match &op.response {
        Some(response) => (ty(api, response, From::Resources), quote!(build)),
        None => (quote!(()), quote!(build_empty)),
    };
    quote! {
        #doc
        #deprecated
        #many_args
        pub fn #name(&self, #(#args),*) -> rt::Call<#output> {
            rt::Call::#constructor(#client, || #build)
        }
    }
}
