//! Examples for the generated crate's rustdoc, made from the IR so that they call real
//! operations of the spec and compile as doc tests. They are `no_run`: running them needs the
//! API.

use crate::ir::{Api, HttpMethod, Operation, RawResponse, SchemeKind, TypeRef};
use crate::names;

/// A call of `op`'s method with made-up arguments, when each can be made up: path strings (the
/// parameter's example, else its name), a query struct with `Default`, no body or an optional
/// one. Deprecated operations get none.
pub(crate) fn call(chain: &str, op: &Operation) -> Option<String> {
    if op.only_events() || op.deprecated || op.body.as_ref().is_some_and(|b| b.required) || op.query.as_ref().is_some_and(|q| q.required) {
        return None;
    }
    let mut args: Vec<String> = op.path_params.iter().map(|p| format!("{:?}", p.example.as_deref().unwrap_or(&p.wire))).collect();
    if op.query.is_some() {
        args.push("&Default::default()".to_owned());
    }
    if op.body.is_some() {
        args.push("None".to_owned());
    }
    Some(format!("{chain}.{}({})", op.method_name, args.join(", ")))
}

/// `let name = ` for what `op` answers, named after its type; nothing for an empty answer.
fn binding(api: &Api, op: &Operation) -> String {
    let name = match (&op.response, op.raw_response) {
        (Some(_), _) if op.paginated => "page".to_owned(),
        (Some(TypeRef::Named(id)), _) => {
            // `ListFineTuningCheckpointPermissionResponse` reads as `checkpoint_permission`.
            let name = names::field(&api.ty(*id).name);
            let words: Vec<&str> = name.split('_').filter(|w| *w != "response").collect();
            let keep = if words.len() > 3 { &words[words.len() - 2..] } else { &words[..] };
            if keep.is_empty() { "answer".to_owned() } else { keep.join("_") }
        }
        (Some(_), _) => "answer".to_owned(),
        (None, Some(RawResponse::Bytes)) => "bytes".to_owned(),
        (None, Some(RawResponse::Text)) => "text".to_owned(),
        (None, None) => return String::new(),
    };
    // A type named like a keyword (`Type`) would make `let type = ...`.
    let name = if syn::parse_str::<syn::Ident>(&name).is_ok() { name } else { "answer".to_owned() };
    format!("let {name} = ")
}

/// A `no_run` doc test: `body` inside an async function of `params` returning `Result<(), Error>`.
fn doc_test(krate: &str, params: &str, body: &str) -> String {
    format!("```no_run\n# async fn example({params}) -> ::std::result::Result<(), {krate}::Error> {{\n{body}\n# Ok(())\n# }}\n```")
}

fn krate(api: &Api) -> String {
    api.crate_name.replace('-', "_")
}

/// For each operation, by index, the `# Example` section of its method, when its arguments can
/// be made up.
pub(crate) fn methods(api: &Api) -> Vec<Option<String>> {
    let krate = krate(api);
    let example = |op: &Operation, chain: &str| {
        let body = format!("{}{}.await?;", binding(api, op), call(chain, op)?);
        Some(format!("# Example\n\n{}", doc_test(&krate, &format!("client: &{krate}::Client"), &body)))
    };
    api.operations.iter().zip(api.method_paths()).map(|(op, chain)| example(op, chain.as_deref()?)).collect()
}

/// Examples of `Client::from_env` and `Client::builder`.
pub(crate) fn constructors(api: &Api) -> (String, String) {
    let krate = krate(api);
    let from_env = doc_test(&krate, "", &format!("let client = {krate}::Client::from_env()?;"));
    let mut builder = format!("let client = {krate}::Client::builder()");
    if let Some(scheme) = api.profile.schemes.first() {
        let setter = &scheme.setter;
        match scheme.kind {
            SchemeKind::Basic => builder.push_str(&format!("\n    .{setter}(\"user\", \"password\")")),
            _ => builder.push_str(&format!("\n    .{setter}(\"my-secret\")")),
        }
    }
    if api.profile.default_base_url.is_none() {
        builder.push_str("\n    .base_url(\"https://api.example.com\")");
    }
    builder.push_str("\n    .max_retries(3)\n    .build()?;");
    (format!("# Example\n\n{from_env}"), format!("# Example\n\n{}", doc_test(&krate, "", &builder)))
}

/// Every operation whose arguments can be made up, with its call.
fn calls(api: &Api) -> Vec<(&Operation, String)> {
    api.operations.iter().zip(api.method_paths()).filter_map(|(op, chain)| Some((op, call(chain.as_deref()?, op)?))).collect()
}

/// The call the crate's examples show: reading one thing (path arguments and nothing else), else doing something to one
/// thing, else anything but a deletion; with the operation, for what it answers.
fn plain_call<'a>(calls: &[(&'a Operation, String)]) -> Option<(&'a Operation, String)> {
    let on_one = |op: &Operation| !op.path_params.is_empty() && op.query.is_none() && op.body.is_none();
    let position = calls
        .iter()
        .position(|(op, _)| on_one(op) && op.http_method == HttpMethod::Get)
        .or_else(|| calls.iter().position(|(op, _)| on_one(op) && op.http_method != HttpMethod::Delete))
        .or_else(|| calls.iter().position(|(op, _)| op.http_method != HttpMethod::Delete))
        .or((!calls.is_empty()).then_some(0))?;
    calls.get(position).cloned()
}

/// Examples for the re-exported `Call` (per-call options and the raw response) and `Error` (telling failures apart). Rustdoc
/// puts a re-export's own docs above the item's, so each opens with a sentence that serves as the summary.
pub(crate) fn reexports(api: &Api) -> Option<(String, String)> {
    let krate = krate(api);
    let (_, call) = plain_call(&calls(api))?;
    let client = format!("client: &{krate}::Client");
    let call_doc = doc_test(
        &krate,
        &client,
        &format!(
            "let response = {call}\n    .header(\"x-request-tag\", \"nightly\")\n    .timeout(::std::time::Duration::from_secs(30))\n    \
             .with_response()\n    .await?;\nprintln!(\"status {{}}, request {{:?}}\", response.status(), response.request_id());\n\
             let value = response.into_inner();\n# let _ = value;"
        ),
    );
    let error_doc = doc_test(
        &krate,
        &client,
        &format!(
            "use {krate}::{{ApiErrorKind, Error}};\n\nmatch {call}.await {{\n    Ok(_) => {{}}\n    \
             Err(error) if error.kind() == Some(ApiErrorKind::RateLimit) => {{\n        \
             eprintln!(\"rate limited; the server asked to wait {{:?}}\", error.retry_after());\n    }}\n    \
             Err(error) if error.is_timeout() => eprintln!(\"timed out: {{error}}\"),\n    \
             Err(Error::InvalidArgument {{ name, reason, .. }}) => eprintln!(\"nothing was sent: {{name}} {{reason}}\"),\n    \
             Err(error) => return Err(error),\n}}"
        ),
    );
    Some((
        format!("An operation's request, sent when awaited; per-call options and the raw response come before the `.await`:\n\n{call_doc}"),
        format!("What a call fails with; tell the failures apart by their kind:\n\n{error_doc}"),
    ))
}

/// The sections of the crate page: the client, calls, errors, retries and pagination, each with
/// an example on this spec's operations (those whose arguments can be made up).
pub(crate) fn crate_sections(api: &Api) -> String {
    let krate = krate(api);
    let calls = calls(api);
    let plain = plain_call(&calls);
    let mut doc = String::from("\n\n# The client\n\n");
    doc.push_str(
        "[`Client::from_env`] reads the credentials and base URL from the environment, and [`Client::builder`] sets them in code. \
         A client is cheap to clone and meant to be shared: its clones share one connection pool.",
    );
    let Some((op, call)) = plain else {
        return doc;
    };
    let answer = binding(api, op);
    doc.push_str("\n\n");
    doc.push_str(&doc_test(&krate, "", &format!("let client = {krate}::Client::from_env()?;\n{answer}{call}.await?;")));
    doc.push_str(
        "\n\n# Resources and calls\n\nEach segment of an operation's path is a method on the client, and the operation is a method on the last \
         one, named after what it does. It returns a [`Call`]: awaiting it sends the request and decodes the answer, and before that it \
         takes per-call options, such as a header, a timeout or fewer retries. Request and response types are in [`types`].",
    );
    doc.push_str("\n\n# Errors\n\n");
    doc.push_str(
        "Every call returns [`Error`]. What the server answered with an error status is [`Error::Api`], whose [`ApiErrorKind`] \
         says what kind of failure it was; an argument the API cannot take is [`Error::InvalidArgument`] and a missing credential \
         [`Error::Config`], both before any request.\n\n",
    );
    let matched = format!(
        "match {call}.await {{\n    Ok(_) => {{}}\n    Err({krate}::Error::Api(error)) if error.kind() == {krate}::ApiErrorKind::NotFound => {{\n        eprintln!(\"not found: {{}}\", error.message);\n    }}\n    Err(error) => return Err(error),\n}}"
    );
    doc.push_str(&doc_test(&krate, &format!("client: &{krate}::Client"), &matched));
    doc.push_str("\n\n# Retries and timeouts\n\n");
    doc.push_str(
        "Connection failures, timeouts and answers with status 408, 409, 429 or 5xx are retried with exponential backoff and jitter, \
         honouring `Retry-After` ([`RetryPolicy`]); the builder sets the policy for the client, and a call can change it for itself.\n\n",
    );
    doc.push_str(&doc_test(
        &krate,
        &format!("client: &{krate}::Client"),
        &format!("{answer}{call}\n    .max_retries(0)\n    .timeout(::std::time::Duration::from_secs(10))\n    .await?;"),
    ));
    let paginated = calls.iter().filter(|(op, _)| op.paginated).min_by_key(|(op, _)| op.path_params.len());
    if let Some((_, call)) = paginated {
        doc.push_str("\n\n# Pagination\n\n");
        doc.push_str(
            "A list operation answers one page. `.auto_paginate()` on its call streams every item of every page, asking for the \
             next page only when the items of this one are used up.\n\n",
        );
        doc.push_str(&doc_test(
            &krate,
            &format!("client: &{krate}::Client"),
            &format!("use futures::TryStreamExt;\n\nlet mut items = {call}.auto_paginate();\nwhile let Some(item) = items.try_next().await? {{\n    let _ = item;\n}}"),
        ));
    }
    doc
}
