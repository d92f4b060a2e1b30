//! The resource tree -> the `resources` module: one handle struct per resource, one async
//! method per operation, and the accessors on `Client` that start the chain.

use proc_macro2::TokenStream;
use quote::quote;

use super::{From, cfg_attr, doc_attrs, doc_examples, ident, ty};
use crate::ir::*;

/// The whole `resources` module body.
pub(crate) fn module(api: &Api) -> TokenStream {
    let root_accessors = api.root.children.iter().map(|child| {
        let cfg = child.feature.and_then(|f| cfg_attr(api, &[f]));
        let accessor = accessor(child, quote!(self));
        quote!(#cfg #accessor)
    });
    let examples = doc_examples::methods(api);
    let root_methods = api.root.operations.iter().map(|&i| operation(api, &api.operations[i], quote!(self), examples[i].as_deref()));
    let mut structs = Vec::new();
    for child in &api.root.children {
        let cfg = child.feature.and_then(|f| cfg_attr(api, &[f]));
        resource(api, child, &examples, cfg.as_ref(), &mut structs);
    }
    // Only import `types` when some signature names one, or the import would be unused.
    let names_a_type = api.operations.iter().any(|op| {
        op.query.is_some()
            || op.body.as_ref().is_some_and(|b| names_type(&b.ty))
            || op.response.as_ref().is_some_and(names_type)
            || op.stream.as_ref().is_some_and(|s| names_type(&s.event))
    });
    // With features, a build may leave out every operation that names a type.
    let allow = (!api.features.is_empty()).then(|| quote!(#[allow(unused_imports)]));
    let use_types = names_a_type.then(|| quote!(#allow use crate::types;));
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

/// `examples` holds each operation's doc example, by index; `cfg`, when there is one, goes on
/// each item.
fn resource(api: &Api, node: &Resource, examples: &[Option<String>], cfg: Option<&TokenStream>, out: &mut Vec<TokenStream>) {
    let name = ident(&node.struct_name);
    let doc = doc_attrs(node.doc.as_deref());
    let accessors = node.children.iter().map(|c| accessor(c, quote!(self.client)));
    let methods = node.operations.iter().map(|&i| operation(api, &api.operations[i], quote!(self.client), examples[i].as_deref()));
    out.push(quote! {
        #cfg
        #doc
        #[derive(Debug, Clone, Copy)]
        pub struct #name<'a> {
            client: &'a rt::Client,
        }

        #cfg
        impl<'a> #name<'a> {
            #(#accessors)*
            #(#methods)*
        }
    });
    for child in &node.children {
        resource(api, child, examples, cfg, out);
    }
}

/// What a generated method returns.
enum Output {
    /// A `Call`: the decoded JSON type (or `()`, bytes, text) and the constructor that makes it.
    Call(TokenStream, TokenStream),
    /// A `StreamCall` of server-sent events of this type, and the body switch that asks for it.
    Stream(TokenStream, Option<StreamSwitch>),
}

/// The methods of one operation: the operation itself (with `example` in its docs), a
/// `_multipart` twin when it also takes a form, and a `_stream` twin when it can answer with
/// server-sent events.
fn operation(api: &Api, op: &Operation, client: TokenStream, example: Option<&str>) -> TokenStream {
    let output = match (&op.response, op.raw_response) {
        (Some(response), _) => Output::Call(ty(api, response, From::Resources), quote!(build)),
        (None, Some(RawResponse::Bytes)) => Output::Call(quote!(rt::Bytes), quote!(build_bytes)),
        (None, Some(RawResponse::Text)) => Output::Call(quote!(::std::string::String), quote!(build_text)),
        (None, None) => Output::Call(quote!(()), quote!(build_empty)),
    };
    // An operation that only ever answers with events is its stream method, under its own name.
    let main = (!op.only_events()).then(|| method(api, op, &client, &op.method_name, op.body.as_ref(), output, "", example));
    let multipart = op.multipart_alternative.as_ref().zip(op.multipart_method_name.as_ref()).map(|(form, name)| {
        let output = match (&op.response, op.raw_response) {
            (Some(response), _) => Output::Call(ty(api, response, From::Resources), quote!(build)),
            (None, Some(RawResponse::Bytes)) => Output::Call(quote!(rt::Bytes), quote!(build_bytes)),
            (None, Some(RawResponse::Text)) => Output::Call(quote!(::std::string::String), quote!(build_text)),
            (None, None) => Output::Call(quote!(()), quote!(build_empty)),
        };
        method(
            api,
            op,
            &client,
            name,
            Some(form),
            output,
            " The same operation with the body sent as a multipart form, for uploading files.",
            None,
        )
    });
    let streams = op.stream.as_ref().map(|stream| {
        let note = match &stream.switch {
            Some(switch) => {
                let field = &switch.property;
                format!(" The same operation answered with server-sent events; this sets `{field}` in the body to ask for them.")
            }
            None => " The same operation answered with server-sent events.".to_owned(),
        };
        let twins = [
            (op.body.as_ref(), op.stream_method_name.as_ref()),
            (op.multipart_alternative.as_ref(), op.multipart_stream_method_name.as_ref()),
        ];
        let methods = twins.into_iter().filter_map(|(body, name)| Some((body, name?))).map(|(body, name)| {
            let event = ty(api, &stream.event, From::Resources);
            method(api, op, &client, name, body, Output::Stream(event, stream.switch.clone()), &note, None)
        });
        quote!(#(#methods)*)
    });
    quote!(#main #multipart #streams)
}

#[allow(clippy::too_many_arguments)]
fn method(
    api: &Api,
    op: &Operation,
    client: &TokenStream,
    name: &str,
    body: Option<&Body>,
    output: Output,
    note: &str,
    example: Option<&str>,
) -> TokenStream {
    let name = ident(name);
    let doc = doc_attrs(Some(&method_doc(&api.profile, op, &output, note)));
    // The example's lines are made on their own, so that a fence the spec's text leaves open is
    // closed before it rather than by it.
    let example = example.map(|example| {
        let lines = doc_attrs(Some(example));
        quote!(#[doc = ""] #lines)
    });
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let args = arguments(api, op, body);
    let many_args = (args.len() > 6).then(|| quote!(#[allow(clippy::too_many_arguments)]));
    let request = request(op);
    // The closure returns the finished request, or the argument error that stops the call.
    let mut build = match body {
        Some(body) if body.required => encode(&request, body),
        Some(body) => {
            let arg = ident(&body.arg);
            let encode = encode(&quote!(request), body);
            quote! {{
                let request = #request;
                match #arg {
                    ::std::option::Option::Some(#arg) => #encode,
                    ::std::option::Option::None => ::std::result::Result::Ok(request),
                }
            }}
        }
        None => quote!(::std::result::Result::Ok(#request)),
    };
    let (returns, constructor) = match output {
        Output::Call(output, constructor) => (quote!(rt::Call<#output>), quote!(rt::Call::#constructor)),
        Output::Stream(event, switch) => {
            if let (Some(StreamSwitch { property: field, value }), Some(_)) = (switch, body) {
                let value = match value {
                    Literal::String(s) => quote!(#s),
                    Literal::Bool(b) => quote!(#b),
                    Literal::Int(i) => quote!(#i),
                };
                build = quote!(#build.and_then(|request| request.with_field(#field, ::serde_json::json!(#value))));
            }
            (quote!(rt::StreamCall<#event>), quote!(rt::StreamCall::build))
        }
    };
    // `#[inline]` makes the method compile in the crate that calls it, and only if it does, as a generic function would: the
    // body instantiates the request's encoding and the response's decoding, which for a spec of hundreds of operations was
    // most of this crate's code generation, paid by every user whatever few operations they call.
    quote! {
        #doc
        #example
        #deprecated
        #many_args
        #[inline]
        pub fn #name(&self, #(#args),*) -> #returns {
            #constructor(#client, || #build)
        }
    }
}

/// The rustdoc of one method: the operation's, then its arguments, how to use what it returns,
/// its credential, and the errors it raises before any request.
fn method_doc(profile: &ClientProfile, op: &Operation, output: &Output, note: &str) -> String {
    let mut doc = op.doc.clone().unwrap_or_default();
    if !note.is_empty() {
        doc.push_str("\n\n");
        doc.push_str(note.trim());
    }
    let documented: Vec<&PathParam> = op.path_params.iter().filter(|p| p.doc.is_some()).collect();
    if !documented.is_empty() {
        doc.push_str("\n\n# Arguments\n");
        for p in documented {
            let text = p.doc.as_deref().unwrap_or_default().split_whitespace().collect::<Vec<_>>().join(" ");
            doc.push_str(&format!("\n- `{}`: {text}", p.name));
        }
    }
    match output {
        Output::Call(..) => {
            doc.push_str("\n\nAwait the returned [`Call`](crate::Call) for the result, or set per-call options on it first.");
            if op.paginated {
                doc.push_str(" The answer is one page; `.auto_paginate()` on the call streams the items of every page.");
            }
        }
        Output::Stream(..) => doc.push_str(
            "\n\nAwait the returned [`StreamCall`](crate::StreamCall) for a stream of events, or set per-call options on it first.",
        ),
    }
    // Which credentials the operation sends, when not the spec's default; an empty alternative
    // makes them optional, and then no credential is ever missing.
    let optional = op.security.as_ref().is_some_and(|alternatives| alternatives.iter().any(Vec::is_empty));
    let needed: Vec<Vec<String>> = op.security.iter().flatten().filter(|names| !names.is_empty()).cloned().collect();
    let security = (!needed.is_empty() && !optional).then_some(&needed);
    let described = super::profile::describe_requirement(profile, &needed);
    match (&op.security, needed.len()) {
        (None, _) => {}
        (Some(_), 0) => doc.push_str("\n\nThis operation sends no credential."),
        (Some(_), _) if optional => {
            doc.push_str(&format!("\n\nThis operation sends {described} when the client has it, and no credential otherwise."));
        }
        (Some(_), 1) => doc.push_str(&format!("\n\nThis operation authenticates with {described}.")),
        (Some(_), _) => doc.push_str(&format!("\n\nThis operation authenticates with the first of these the client has: {described}.")),
    }
    doc.push_str("\n\n# Errors\n\n");
    if !op.path_params.is_empty() {
        doc.push_str(
            "[`Error::InvalidArgument`](crate::Error::InvalidArgument) before any request when a path argument is empty, `.` or `..`. ",
        );
    }
    if security.is_some() {
        doc.push_str("[`Error::Config`](crate::Error::Config) before any request when the client lacks these credentials. ");
    }
    doc.push_str(if op.path_params.is_empty() && security.is_none() {
        "Whatever sending the request or decoding its answer returns."
    } else {
        "Otherwise whatever sending the request or decoding its answer returns."
    });
    doc
}

/// The parameters of one method: path arguments, the query struct, the body.
fn arguments(api: &Api, op: &Operation, body: Option<&Body>) -> Vec<TokenStream> {
    let mut args = Vec::new();
    for p in &op.path_params {
        let arg = ident(&p.name);
        args.push(quote!(#arg: &str));
    }
    if let Some(query) = &op.query {
        let arg = ident(&query.arg);
        let params = ty(api, &TypeRef::Named(query.ty), From::Resources);
        args.push(quote!(#arg: &#params));
    }
    if let Some(body) = body {
        let arg = ident(&body.arg);
        let body_ty = match body.encoding {
            BodyEncoding::Text { .. } => quote!(str),
            BodyEncoding::Bytes { .. } => quote!([u8]),
            BodyEncoding::Json | BodyEncoding::Multipart | BodyEncoding::Form => ty(api, &body.ty, From::Resources),
        };
        if body.required {
            args.push(quote!(#arg: &#body_ty));
        } else {
            args.push(quote!(#arg: ::std::option::Option<&#body_ty>));
        }
    }
    args
}

/// `request` with the body argument encoded as the operation sends it: an expression of
/// `Result<Request, Error>`.
fn encode(request: &TokenStream, body: &Body) -> TokenStream {
    let arg = ident(&body.arg);
    match &body.encoding {
        BodyEncoding::Json => quote!(#request.json(#arg)),
        BodyEncoding::Multipart => quote!(#request.multipart(#arg)),
        BodyEncoding::Form => quote!(#request.form(#arg)),
        BodyEncoding::Text { content_type } => quote!(::std::result::Result::Ok(#request.text(#content_type, #arg))),
        BodyEncoding::Bytes { content_type } => {
            quote!(::std::result::Result::Ok(#request.bytes(#content_type, rt::Bytes::copy_from_slice(#arg))))
        }
    }
}

/// The expression that makes the request without its body: method, path, query, credential.
fn request(op: &Operation) -> TokenStream {
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
    let method = ident(op.http_method.as_str());
    let mut request = quote!(rt::Request::new(rt::Method::#method, #path));
    if let Some(query) = &op.query {
        let arg = ident(&query.arg);
        request = quote!(#request.query(#arg));
    }
    if !op.fixed_query.is_empty() {
        let pairs = op.fixed_query.iter().map(|QueryPair { name, value }| quote!((#name, #value)));
        request = quote!(#request.query(&[#(#pairs),*]));
    }
    match &op.security {
        None => request,
        Some(alternatives) if alternatives.is_empty() => quote!(#request.anonymous()),
        Some(alternatives) => {
            let alternatives = super::profile::requirement(alternatives);
            quote!(#request.security(#alternatives))
        }
    }
}
