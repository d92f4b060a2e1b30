//! The Prism run of the whole published spec: a generated `tests/prism.rs` for the whole-spec
//! crate that calls every JSON operation once, through the typed SDK, against a Prism mock server
//! of the same spec, with arguments made up from the spec's schemas (`synth.rs`).
//!
//! Prism checks every request against the spec and answers 422 to one it does not allow, so a
//! rejected request is a request the SDK should not have sent: our bug, or the spec's. Its
//! static answer (the spec's example, or a value made up from the schema) must decode.
//! Before sending, the test checks that the made-up JSON decodes into the SDK's types and encodes
//! back to what it was: what the SDK loses would otherwise only show as a 422, or not at all.
//!
//! Prism reads a JSON copy of the spec ([`prism_spec`]) in which it can check every body; a
//! second request with the body `0` proves, for each operation, that it does check it.
//!
//! Operations that take only a multipart form, that answer with bytes or text, and the
//! `_stream` twins are not called; [`generate`] says which were left out and why.
//!
//! Every call that does not come back decoded is listed with its reason in
//! `tests/whole-spec/<spec>.known-prism.txt`; the test fails when that list and what happened part
//! ways, and `cargo xtask whole-spec --accept` rewrites it (keeping the reasons written by hand
//! for the entries that stay).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;

use codegen::diag::Pointer;
use codegen::ir::{Api, Operation, RawResponse, Resource, TypeKind, TypeRef};
use codegen::load::{Document, Node};
use serde_json::Value;

use crate::synth::Synth;
use crate::whole_spec::raw;

/// The generated test and what it leaves out.
pub(crate) struct PrismTest {
    /// The text of `tests/prism.rs`.
    pub(crate) source: String,
    /// Operations called.
    pub(crate) called: usize,
    /// Operations not called, as `(operationId, reason)`.
    pub(crate) skipped: Vec<(String, &'static str)>,
    /// Second methods of operations that are not called either: `(what, how many)`.
    pub(crate) twins: Vec<(&'static str, usize)>,
}

/// The header of the known-failures file.
pub(crate) const KNOWN_HEADER: &str = "\
# Operations of the published spec that do not come back decoded from Prism, and why.
# `cargo xtask whole-spec` fails when this list and reality part ways; `--accept` rewrites it from
# what the test found, keeping the reason after ` -- ` of every entry that stays. Each entry is a
# spec mistake or a limit of Prism; a bug of ours is fixed, not listed.

";

/// The new known-failures file: the found lines, each with the reason the old file gave it
/// when it had one.
pub(crate) fn accepted(old: &str, found: &str) -> String {
    let key = |line: &str| line.split(" -- ").next().unwrap_or(line).trim().to_owned();
    let reasons: HashMap<String, &str> =
        old.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#') && l.contains(" -- ")).map(|l| (key(l), l)).collect();
    let mut out = KNOWN_HEADER.to_owned();
    for line in found.lines().map(str::trim).filter(|l| !l.is_empty()) {
        out.push_str(reasons.get(&key(line)).copied().unwrap_or(line));
        out.push('\n');
    }
    out
}

/// The test file for `api`, generated from `doc`, with the known failures in `known`.
pub(crate) fn generate(api: &Api, doc: &Document, known: &str) -> PrismTest {
    let krate = api.crate_name.replace('-', "_");
    let synth = Synth::new(doc);
    let mut chains = HashMap::new();
    walk(&api.root, "client".to_owned(), &mut chains);

    let mut functions = String::new();
    let mut cases = String::new();
    let mut skipped = Vec::new();
    let mut called = 0;
    for (index, op) in api.operations.iter().enumerate() {
        if let Some(reason) = skip_reason(op) {
            skipped.push((op.id.clone(), reason));
            continue;
        }
        let Some(chain) = chains.get(&index) else {
            skipped.push((op.id.clone(), "not in the resource tree"));
            continue;
        };
        let case = Case { api, op, doc, synth: &synth, krate: &krate, node: node_at(doc, &op.pointer) };
        let _ = write!(functions, "{}", case.function(index, chain));
        let _ = writeln!(cases, "    ({:?}, |client| Box::pin(case_{index}(client))),", op.id);
        called += 1;
    }

    let known_lines: BTreeSet<&str> = known.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
    let known_list: String = known_lines.iter().map(|l| format!("    {l:?},\n")).collect();
    let skipped_list: String = skipped.iter().map(|(id, why)| format!("    ({id:?}, {why:?}),\n")).collect();
    let twins = vec![
        ("`_stream` methods (server-sent events)", api.operations.iter().filter(|op| op.stream.is_some()).count()),
        ("`_multipart` methods", api.operations.iter().filter(|op| op.multipart_alternative.is_some()).count()),
    ];
    let twins_list: String = twins.iter().map(|(what, n)| format!("    ({what:?}, {n}),\n")).collect();
    let source = format!(
        r#"//! @generated by `cargo xtask whole-spec`: every operation of the spec whose request and
//! response are JSON (or empty), called once through the SDK against a Prism mock server of the
//! same spec (`PRISM_URL`), with arguments made up from the spec's schemas. Prism answers 422 to a
//! request the spec does not allow, and its answer must decode. What does not come back decoded
//! must match `tests/whole-spec/<spec>.known-prism.txt` in the generator's repository, which says why.

// Deprecated operations are called too.
#![allow(deprecated)]

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

use futures::StreamExt as _;
use serde_json::Value;
use {krate}::{{Call, Client, Credential, Error, Request}};

const API_KEY: &str = "sk-prism-whole-spec";
const ADMIN_KEY: &str = "sk-admin-prism-whole-spec";
/// Calls in flight at once; Prism is one Node.js process.
const CONCURRENCY: usize = 4;

static PRISM_URL: OnceLock<String> = OnceLock::new();

/// What one call came to.
enum Outcome {{
    /// The response decoded.
    Decoded,
    /// The made-up JSON did not decode into the SDK's own request type.
    DoesNotFit(String),
    /// It decoded, but encoding it again loses or changes part of it: the SDK would not send
    /// what the caller gave it.
    Lossy(String),
    /// Prism answered 422: the request does not match the spec.
    Rejected(String),
    /// The response did not decode.
    Undecodable(String),
    /// The response decoded, but Prism also accepts a body that is not even an object, so it
    /// does not check this operation's body.
    Unchecked(String),
    /// Anything else.
    Failed(String),
}}

impl Outcome {{
    fn class(&self) -> &'static str {{
        match self {{
            Outcome::Decoded => "decoded",
            Outcome::DoesNotFit(_) => "arguments do not fit the SDK's types",
            Outcome::Lossy(_) => "the SDK's types change the arguments",
            Outcome::Rejected(_) => "request rejected (422)",
            Outcome::Undecodable(_) => "response does not decode",
            Outcome::Unchecked(_) => "decoded, but Prism does not check the body",
            Outcome::Failed(_) => "failed",
        }}
    }}

    fn detail(&self) -> &str {{
        match self {{
            Outcome::Decoded => "",
            Outcome::DoesNotFit(d)
            | Outcome::Lossy(d)
            | Outcome::Rejected(d)
            | Outcome::Undecodable(d)
            | Outcome::Unchecked(d)
            | Outcome::Failed(d) => d,
        }}
    }}
}}

type Pending = Pin<Box<dyn Future<Output = Outcome> + Send>>;
type Case = (&'static str, fn(Client) -> Pending);

/// Decodes made-up JSON into one of the SDK's types and checks that encoding it again gives back
/// everything it was given; when either fails, that is the outcome.
fn fit<T: serde::de::DeserializeOwned + serde::Serialize>(what: &str, json: &str) -> Result<T, Outcome> {{
    let value: T = serde_json::from_str(json).map_err(|error| Outcome::DoesNotFit(format!("{{what}}: {{error}}; JSON: {{json}}")))?;
    let given: Value = serde_json::from_str(json).expect("the made-up JSON parses");
    let encoded = serde_json::to_value(&value).map_err(|error| Outcome::DoesNotFit(format!("{{what}} does not encode: {{error}}; JSON: {{json}}")))?;
    match changed(&given, &encoded, &mut String::new()) {{
        Some(change) => Err(Outcome::Lossy(format!("{{what}}: {{change}}; given: {{json}}; the SDK sends: {{encoded}}"))),
        None => Ok(value),
    }}
}}

/// The first part of `given` that `encoded` leaves out or changes, as a JSON pointer and what
/// happened to it. Properties `encoded` adds (fixed values the SDK always writes) are fine.
fn changed(given: &Value, encoded: &Value, at: &mut String) -> Option<String> {{
    match (given, encoded) {{
        (Value::Object(given), Value::Object(encoded)) => given.iter().find_map(|(key, value)| {{
            let len = at.len();
            at.push('/');
            at.push_str(key);
            let found = match encoded.get(key) {{
                Some(encoded) => changed(value, encoded, at),
                None => Some(format!("{{at}} is left out")),
            }};
            at.truncate(len);
            found
        }}),
        (Value::Array(given), Value::Array(encoded)) if given.len() == encoded.len() => {{
            given.iter().zip(encoded).enumerate().find_map(|(i, (given, encoded))| {{
                let len = at.len();
                at.push_str(&format!("/{{i}}"));
                let found = changed(given, encoded, at);
                at.truncate(len);
                found
            }})
        }}
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        (given, encoded) if given == encoded => None,
        (given, encoded) => Some(format!("{{}} is {{encoded}} instead of {{given}}", if at.is_empty() {{ "the value" }} else {{ at }})),
    }}
}}

/// Sends the call and sorts the result.
async fn send<T: Send + 'static>(call: Call<T>) -> Outcome {{
    let request = call.request().ok().cloned();
    let outcome = match call.await {{
        Ok(_) => Outcome::Decoded,
        Err(Error::Api(api)) if api.status == 422 => Outcome::Rejected(match &request {{
            Some(request) => replay(request).await,
            None => api.message.clone(),
        }}),
        Err(Error::Decode {{ message, snippet, .. }}) => {{
            Outcome::Undecodable(format!("{{message}}; the body starts with `{{snippet}}`"))
        }}
        Err(error) => Outcome::Failed(error.to_string()),
    }};
    match (&outcome, &request) {{
        (Outcome::Decoded, Some(request)) if request.body().is_some() => match canary(request).await {{
            Some(answer) => Outcome::Unchecked(answer),
            None => outcome,
        }},
        _ => outcome,
    }}
}}

/// The request as the SDK built it, sent outside the SDK with `body` instead of its own.
fn http(request: &Request, body: Option<Vec<u8>>) -> Result<reqwest::RequestBuilder, String> {{
    let base = PRISM_URL.get().map(String::as_str).unwrap_or_default();
    let mut url = reqwest::Url::parse(&format!("{{base}}{{}}", request.path())).map_err(|e| format!("the URL of {{}} does not parse: {{e}}", request.path()))?;
    if !request.query_pairs().is_empty() {{
        url.query_pairs_mut().extend_pairs(request.query_pairs());
    }}
    let key = if request.credential() == Credential::AdminKey {{ ADMIN_KEY }} else {{ API_KEY }};
    let mut builder = reqwest::Client::new().request(request.method().clone(), url).bearer_auth(key);
    for (name, value) in request.headers() {{
        builder = builder.header(name.as_str(), value.as_str());
    }}
    if let Some(body) = body {{
        builder = builder.header("content-type", "application/json").body(body);
    }}
    Ok(builder)
}}

/// Sends the request with the body `0`, which no object schema allows; Prism's answer when it
/// takes it anyway.
async fn canary(request: &Request) -> Option<String> {{
    let response = http(request, Some(b"0".to_vec())).ok()?.send().await.ok()?;
    let status = response.status();
    status.is_success().then(|| format!("Prism answers {{status}} to the body `0` as well"))
}}

/// Sends a rejected request again, outside the SDK, for what Prism says about it: the
/// `sl-violations` header and the `validation` list of its problem body, which the SDK's
/// error only quotes the start of.
async fn replay(request: &Request) -> String {{
    let builder = match http(request, request.body().map(<[u8]>::to_vec)) {{
        Ok(builder) => builder,
        Err(error) => return error,
    }};
    let sent = format!(
        "{{}} {{}} {{:?}} {{}}",
        request.method(),
        request.path(),
        request.query_pairs(),
        request.body().map(String::from_utf8_lossy).unwrap_or_default()
    );
    let response = match builder.send().await {{
        Ok(response) => response,
        Err(error) => return format!("sent again: failed: {{error}}; sent: {{sent}}"),
    }};
    let violations = response.headers().get("sl-violations").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body = response.text().await.unwrap_or_default();
    let mut out = Vec::new();
    if let Some(violations) = violations {{
        out.push(format!("sl-violations: {{violations}}"));
    }}
    match serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v.get("validation").cloned()) {{
        Some(serde_json::Value::Array(items)) => {{
            for item in items {{
                let location: Vec<String> = item["location"]
                    .as_array()
                    .map(|l| l.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect())
                    .unwrap_or_default();
                out.push(format!("{{}}: {{}}", location.join("."), item["message"].as_str().unwrap_or_default()));
            }}
        }}
        _ => out.push(body.chars().take(500).collect()),
    }}
    format!("{{}}; sent: {{sent}}", out.join("; "))
}}

{functions}
const CASES: &[Case] = &[
{cases}];

/// Operations not called, and why.
const SKIPPED: &[(&str, &str)] = &[
{skipped_list}];

/// Second methods of operations, not called either.
const TWINS: &[(&str, usize)] = &[
{twins_list}];

const KNOWN: &[&str] = &[
{known_list}];

#[test]
fn every_json_operation_against_prism() {{
    let Some(url) = std::env::var("PRISM_URL").ok().filter(|url| !url.is_empty()) else {{
        eprintln!("PRISM_URL is not set, so Prism is not running: nothing was checked (`cargo xtask whole-spec` starts it)");
        return;
    }};
    // A runtime on this thread needs only the tokio features the SDK itself enables, so the
    // crate is not compiled a second time for its tests with more of them.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("the runtime starts");
    runtime.block_on(call_every_operation(url));
}}

async fn call_every_operation(url: String) {{
    let _ = PRISM_URL.set(url.clone());
    // Prism serves the spec's paths without the servers' `/v1` (`/v1/models` is a 404, "no path
    // matched"), so the base URL is the server's root, as in the fine-tuning Prism tests.
    let client = Client::builder()
        .api_key(API_KEY)
        .admin_key(ADMIN_KEY)
        .base_url(url)
        .max_retries(0)
        .timeout(Duration::from_secs(120))
        .build()
        .expect("the test configuration is valid");
    let started = std::time::Instant::now();
    let mut results: Vec<(&str, Outcome)> = futures::stream::iter(CASES)
        .map(|(operation, run)| {{
            let call = run(client.clone());
            async move {{ (*operation, call.await) }}
        }})
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    results.sort_by(|a, b| a.0.cmp(b.0));

    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    for (operation, outcome) in &results {{
        *counts.entry(outcome.class()).or_default() += 1;
        if !matches!(outcome, Outcome::Decoded) {{
            eprintln!("{{operation}}: {{}}\n    {{}}\n", outcome.class(), outcome.detail());
            let detail: String = outcome.detail().split_whitespace().collect::<Vec<_>>().join(" ").chars().take(300).collect();
            failures.push(format!("{{operation}}: {{}} -- {{detail}}", outcome.class()));
        }}
    }}
    eprintln!("Prism, the whole spec: {{}} operations called in {{:.1}} s, {{}} not called", CASES.len(), started.elapsed().as_secs_f64(), SKIPPED.len());
    for (class, count) in &counts {{
        eprintln!("  {{count:>5}}  {{class}}");
    }}
    let mut reasons: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (_, reason) in SKIPPED {{
        *reasons.entry(reason).or_default() += 1;
    }}
    for (reason, count) in &reasons {{
        eprintln!("  {{count:>5}}  not called: {{reason}}");
    }}
    for (what, count) in TWINS {{
        eprintln!("  {{count:>5}}  {{what}}, not called");
    }}
    failures.sort();
    if let Some(path) = std::env::var_os("PRISM_FOUND") {{
        let lines: String = failures.iter().map(|f| format!("{{f}}\n")).collect();
        std::fs::write(path, lines).expect("the findings file is writable");
    }}
    let key = |line: &str| line.split(" -- ").next().unwrap_or(line).trim().to_string();
    let found: Vec<String> = failures.iter().map(|f| key(f)).collect();
    let known: Vec<String> = KNOWN.iter().map(|line| key(line)).collect();
    let unexpected: Vec<&String> = found.iter().filter(|f| !known.contains(f)).collect();
    let fixed: Vec<&String> = known.iter().filter(|k| !found.contains(k)).collect();
    assert!(unexpected.is_empty() && fixed.is_empty(), "new failures: {{unexpected:#?}}\nlisted but now fine: {{fixed:#?}}");
}}
"#
    );
    PrismTest { source, called, skipped, twins }
}

/// The node at `pointer` (the IR's pointers are RFC 6901 text without the `#`).
fn node_at<'a>(doc: &'a Document, pointer: &str) -> Option<&'a Node> {
    doc.node_at(&Pointer::from_fragment(&format!("#{pointer}"))?)
}

/// Why an operation is not called, if it is not.
fn skip_reason(op: &Operation) -> Option<&'static str> {
    if op.body.as_ref().is_some_and(|b| b.multipart) {
        return Some("takes only a multipart form");
    }
    match (op.response.as_ref(), op.raw_response) {
        (None, Some(RawResponse::Bytes)) => return Some("answers with bytes"),
        (None, Some(RawResponse::Text)) => return Some("answers with text"),
        (None, None) if op.stream.is_some() => return Some("answers only with server-sent events"),
        _ => {}
    }
    None
}

/// Every operation's accessor chain from the client: `client.fine_tuning().jobs()`.
fn walk(node: &Resource, chain: String, out: &mut HashMap<usize, String>) {
    for &index in &node.operations {
        out.insert(index, chain.clone());
    }
    for child in &node.children {
        walk(child, format!("{chain}.{}()", child.accessor), out);
    }
}

/// One operation's call.
struct Case<'a> {
    api: &'a Api,
    op: &'a Operation,
    doc: &'a Document,
    synth: &'a Synth<'a>,
    krate: &'a str,
    /// The operation's node in the spec.
    node: Option<&'a Node>,
}

impl<'a> Case<'a> {
    fn function(&self, index: usize, chain: &str) -> String {
        let op = self.op;
        let mut out = format!("/// `{}`: `{} {}`\nasync fn case_{index}(client: Client) -> Outcome {{\n", op.id, op.http_method, op.path);
        let mut args = Vec::new();
        for p in &op.path_params {
            let value = match self.parameter(&p.wire, &["path"]) {
                Some(param) => self.path_argument(param),
                None => "x".to_owned(),
            };
            args.push(format!("{value:?}"));
        }
        if let Some((id, _, required)) = &op.query {
            if *required {
                let params = self.params(*id, &mut out);
                let _ = writeln!(out, "    let params = {params};");
                args.push("&params".to_owned());
            } else {
                args.push("&Default::default()".to_owned());
            }
        }
        if let Some(body) = &op.body {
            let json = self.body_schema().map(|schema| self.synth.value(schema)).unwrap_or(Value::Object(Default::default()));
            let ty = codegen::emit::type_path(self.api, &body.ty, self.krate);
            let _ = writeln!(
                out,
                "    let body: {ty} = match fit(\"the body\", {}) {{\n        Ok(body) => body,\n        Err(outcome) => return outcome,\n    }};",
                raw(&json)
            );
            args.push(if body.required { "&body".to_owned() } else { "Some(&body)".to_owned() });
        }
        let _ = writeln!(out, "    send({chain}.{}({})).await\n}}\n", op.method_name, args.join(", "));
        out
    }

    /// The parameter named `wire` in one of `places`, from the operation or its path item.
    fn parameter(&self, wire: &str, places: &[&str]) -> Option<&'a Node> {
        let op = self.node?;
        // The path item is the operation's parent: drop the last pointer token.
        let item_pointer = self.op.pointer.rsplit_once('/').map(|(item, _)| item)?;
        let item = node_at(self.doc, item_pointer);
        let lists = [op.get("parameters"), item.and_then(|i| i.get("parameters"))];
        lists.into_iter().flatten().filter_map(Node::as_seq).flatten().filter_map(|p| self.doc.deref(p)).find(|p| {
            p.get("name").and_then(Node::as_str) == Some(wire)
                && p.get("in").and_then(Node::as_str).is_some_and(|place| places.contains(&place))
        })
    }

    /// A parameter's value: its own `example`, else one made up from its schema.
    fn parameter_value(&self, param: &'a Node) -> Value {
        if let Some(example) = param.get("example").map(crate::synth::json).filter(|v| !v.is_null()) {
            return example;
        }
        param.get("schema").map(|schema| self.synth.value(schema)).unwrap_or(Value::String("x".into()))
    }

    fn path_argument(&self, param: &'a Node) -> String {
        match param.get("example").map(crate::synth::json) {
            Some(Value::String(s)) if !s.is_empty() && s != "." && s != ".." => s,
            _ => param.get("schema").map(|schema| self.synth.path_argument(schema)).unwrap_or_else(|| "x".into()),
        }
    }

    /// `Params::new(...)` with a value for each required field; values that are not plain
    /// literals are decoded from JSON into `pN` variables first (written to `out`).
    fn params(&self, id: codegen::ir::TypeId, out: &mut String) -> String {
        let def = self.api.ty(id);
        let TypeKind::Params(params) = &def.kind else { return "Default::default()".to_owned() };
        let mut args = Vec::new();
        for (i, q) in params.fields.iter().enumerate().filter(|(_, q)| !q.field.optional()) {
            let value = match self.parameter(&q.field.wire, &["query", "header"]) {
                Some(param) => self.parameter_value(param),
                None => Value::String("x".into()),
            };
            let arg = match self.literal(&q.field.ty, &value) {
                Some(literal) => literal,
                None => {
                    let ty = codegen::emit::type_path(self.api, &q.field.ty, self.krate);
                    let _ = writeln!(
                        out,
                        "    let p{i}: {ty} = match fit(\"the parameter `{}`\", {}) {{\n        Ok(value) => value,\n        Err(outcome) => return outcome,\n    }};",
                        q.field.wire,
                        raw(&value)
                    );
                    format!("p{i}")
                }
            };
            args.push(arg);
        }
        format!("{}::new({})", codegen::emit::type_path(self.api, &TypeRef::Named(id), self.krate), args.join(", "))
    }

    /// A Rust literal for `value` that `new`'s `impl Into<ty>` argument takes, if there is one.
    fn literal(&self, ty: &TypeRef, value: &Value) -> Option<String> {
        match (ty, value) {
            (TypeRef::String, Value::String(s)) => Some(format!("{s:?}")),
            (TypeRef::Integer, Value::Number(n)) if n.is_i64() => Some(format!("{n}_i64")),
            (TypeRef::Number, Value::Number(n)) => Some(format!("{:?}_f64", n.as_f64()?)),
            (TypeRef::Boolean, Value::Bool(b)) => Some(b.to_string()),
            (TypeRef::Named(id), Value::String(s)) => match &self.api.ty(*id).kind {
                TypeKind::Enum(_) | TypeKind::OpenString(_) => Some(format!("{s:?}")),
                TypeKind::Alias(target) => self.literal(target, value),
                _ => None,
            },
            (TypeRef::Vec(item), Value::Array(items)) if !items.is_empty() => {
                let items: Option<Vec<String>> = items.iter().map(|v| self.literal(item, v)).collect();
                Some(format!("[{}]", items?.join(", ")))
            }
            _ => None,
        }
    }

    /// The JSON schema of the request body.
    fn body_schema(&self) -> Option<&'a Node> {
        let body = self.doc.deref(self.node?.get("requestBody")?)?;
        let content = body.get("content")?.as_map()?;
        let (_, media) = content
            .iter()
            .find(|(media, _)| media.starts_with("application/json"))
            .or_else(|| content.iter().find(|(media, _)| media.contains("json")))?;
        media.get("schema")
    }
}

/// The spec as Prism gets it: the same document as JSON, without the `nullable` of schemas that
/// have no `type`, and how many were dropped.
///
/// OpenAPI 3.1 has no `nullable` keyword, and 3.0.3 says it means nothing without `type`, so the
/// copy says what the spec says. But Ajv, which Prism checks requests with, refuses to compile a
/// schema with `nullable` and no `type`, and Prism then lets every body of that operation through
/// unchecked (nine of them in the 2026-08-21 spec, `createChatCompletion` among them).
/// Values (`example`, `default`, `const`, `enum`, `x-` extensions) are copied untouched.
pub(crate) fn prism_spec(doc: &Document) -> (String, usize) {
    let mut out = String::with_capacity(4 << 20);
    let mut dropped = 0;
    write_json(&doc.root, true, &mut out, &mut dropped);
    (out, dropped)
}

fn write_json(node: &Node, schema_context: bool, out: &mut String, dropped: &mut usize) {
    use codegen::load::Value as Yaml;
    match &node.value {
        Yaml::Map(map) => {
            let typeless = map.get("type").is_none();
            out.push('{');
            let mut first = true;
            for (key, value) in map {
                if schema_context && typeless && key == "nullable" && value.as_bool().is_some() {
                    *dropped += 1;
                    continue;
                }
                if !first {
                    out.push(',');
                }
                first = false;
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                let values = matches!(key.as_str(), "example" | "examples" | "default" | "const" | "enum") || key.starts_with("x-");
                write_json(value, schema_context && !values, out, dropped);
            }
            out.push('}');
        }
        Yaml::Seq(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, schema_context, out, dropped);
            }
            out.push(']');
        }
        Yaml::Int(i) => out.push_str(&i.to_string()),
        _ => out.push_str(&crate::synth::json(node).to_string()),
    }
}

/// Counts of skipped operations by reason, for the summary line.
pub(crate) fn skipped_summary(skipped: &[(String, &'static str)]) -> String {
    let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, reason) in skipped {
        *reasons.entry(reason).or_default() += 1;
    }
    reasons.iter().map(|(reason, count)| format!("{count} {reason}")).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prisms_copy_drops_only_the_nullable_of_schemas_without_a_type() {
        let yaml = r##"
components:
  schemas:
    A:
      nullable: true
      allOf: [{$ref: "#/components/schemas/B"}]
    B:
      type: object
      nullable: true
      properties:
        nullable: {type: boolean}
      example: {nullable: true}
"##;
        let doc = codegen::load("test.yaml", yaml).expect("the YAML loads");
        let (json, dropped) = prism_spec(&doc);
        assert_eq!(dropped, 1);
        let value: Value = serde_json::from_str(&json).expect("the copy is JSON");
        assert_eq!(
            value["components"]["schemas"],
            serde_json::json!({
                "A": {"allOf": [{"$ref": "#/components/schemas/B"}]},
                "B": {"type": "object", "nullable": true, "properties": {"nullable": {"type": "boolean"}}, "example": {"nullable": true}}
            })
        );
        assert!(json.find("\"A\"").unwrap() < json.find("\"B\"").unwrap(), "the order of keys is kept");
    }

    #[test]
    fn accepting_keeps_the_reasons_written_by_hand() {
        let old = "# header\nopA: request rejected (422) -- written by hand\nopB: failed -- gone now\n";
        let found = "opA: request rejected (422) -- body.x: must be string\nopC: failed -- new\n";
        let new = accepted(old, found);
        assert!(new.starts_with(KNOWN_HEADER));
        assert_eq!(&new[KNOWN_HEADER.len()..], "opA: request rejected (422) -- written by hand\nopC: failed -- new\n");
    }
}
