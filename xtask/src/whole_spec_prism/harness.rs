//! The fixed part of the whole-spec Prism test: everything but the calls. `cargo xtask
//! whole-spec` copies this file verbatim into the generated crate as `tests/prism/harness.rs`
//! (see `whole_spec_prism.rs`), next to a generated `tests/prism.rs` that holds one small
//! function per operation and the tables [`Suite`] is made of.
//!
//! It is an ordinary source file so that the compiler and clippy read it as one: the workspace
//! test `tests/tests/whole_spec_harness.rs` compiles and runs it against the fine-tuning SDK
//! and a Prism server of our spec, so that a mistake here shows in `cargo test --workspace`
//! rather than only at the end of `cargo xtask whole-spec`.
//!
//! The crate that includes it names the SDK under test `sdk` (`extern crate openai_api as sdk;`),
//! which is how this file reaches the client and the request types of any generated crate.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;
use std::time::Duration;

use futures::StreamExt as _;
use sdk::{Call, Client, Error, Request, Security};
use serde_json::Value;

const API_KEY: &str = "sk-prism-whole-spec";
const ADMIN_KEY: &str = "sk-admin-prism-whole-spec";
/// Calls in flight at once; Prism is one Node.js process.
const CONCURRENCY: usize = 4;

static PRISM_URL: OnceLock<String> = OnceLock::new();

/// What one call came to.
pub enum Outcome {
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
}

impl Outcome {
    fn class(&self) -> &'static str {
        match self {
            Outcome::Decoded => "decoded",
            Outcome::DoesNotFit(_) => "arguments do not fit the SDK's types",
            Outcome::Lossy(_) => "the SDK's types change the arguments",
            Outcome::Rejected(_) => "request rejected (422)",
            Outcome::Undecodable(_) => "response does not decode",
            Outcome::Unchecked(_) => "decoded, but Prism does not check the body",
            Outcome::Failed(_) => "failed",
        }
    }

    fn detail(&self) -> &str {
        match self {
            Outcome::Decoded => "",
            Outcome::DoesNotFit(d)
            | Outcome::Lossy(d)
            | Outcome::Rejected(d)
            | Outcome::Undecodable(d)
            | Outcome::Unchecked(d)
            | Outcome::Failed(d) => d,
        }
    }
}

/// What a case function comes to: `Err` when its made-up arguments did not survive the SDK's
/// types, so that nothing was sent, else the outcome of the call.
pub type Checked = Result<Outcome, Outcome>;

/// One operation's case: its `operationId` and a function that makes the call.
pub type Case = (&'static str, fn(Client) -> Pin<Box<dyn Future<Output = Checked> + Send>>);

/// What the including crate gives the test: the calls and what it knows about them.
pub struct Suite {
    /// The environment variable that holds Prism's base URL.
    pub url_var: &'static str,
    /// One case per operation called.
    pub cases: &'static [Case],
    /// Operations not called, and why.
    pub skipped: &'static [(&'static str, &'static str)],
    /// Second methods of operations, not called either: what they are and how many.
    pub twins: &'static [(&'static str, usize)],
    /// The calls known not to come back decoded, each with its reason after ` -- `.
    pub known: &'static [&'static str],
}
/// Decodes made-up JSON into one of the SDK's types and checks that encoding it again gives back
/// everything it was given; when either fails, that is the outcome.
pub fn fit<T: serde::de::DeserializeOwned + serde::Serialize>(what: &str, json: &str) -> Result<T, Outcome> {
    let value: T = serde_json::from_str(json).map_err(|error| Outcome::DoesNotFit(format!("{what}: {error}; JSON: {json}")))?;
    let given: Value = serde_json::from_str(json).expect("the made-up JSON parses");
    let encoded =
        serde_json::to_value(&value).map_err(|error| Outcome::DoesNotFit(format!("{what} does not encode: {error}; JSON: {json}")))?;
    match changed(&given, &encoded, &mut String::new()) {
        Some(change) => Err(Outcome::Lossy(format!("{what}: {change}; given: {json}; the SDK sends: {encoded}"))),
        None => Ok(value),
    }
}

/// The first part of `given` that `encoded` leaves out or changes, as a JSON pointer and what
/// happened to it. Properties `encoded` adds (fixed values the SDK always writes) are fine.
fn changed(given: &Value, encoded: &Value, at: &mut String) -> Option<String> {
    match (given, encoded) {
        (Value::Object(given), Value::Object(encoded)) => given.iter().find_map(|(key, value)| {
            let len = at.len();
            at.push('/');
            at.push_str(key);
            let found = match encoded.get(key) {
                Some(encoded) => changed(value, encoded, at),
                None => Some(format!("{at} is left out")),
            };
            at.truncate(len);
            found
        }),
        (Value::Array(given), Value::Array(encoded)) if given.len() == encoded.len() => {
            given.iter().zip(encoded).enumerate().find_map(|(i, (given, encoded))| {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                let found = changed(given, encoded, at);
                at.truncate(len);
                found
            })
        }
        (Value::Number(a), Value::Number(b)) if a.as_f64() == b.as_f64() => None,
        (given, encoded) if given == encoded => None,
        (given, encoded) => Some(format!("{} is {encoded} instead of {given}", if at.is_empty() { "the value" } else { at })),
    }
}

/// Sends the call and sorts the result.
pub async fn send<T: Send + 'static>(call: Call<T>) -> Outcome {
    let request = call.request().ok().cloned();
    let outcome = match call.await {
        Ok(_) => Outcome::Decoded,
        Err(Error::Api(api)) if api.status == 422 => Outcome::Rejected(match &request {
            Some(request) => replay(request).await,
            None => api.message.clone(),
        }),
        Err(Error::Decode { message, snippet, .. }) => Outcome::Undecodable(format!("{message}; the body starts with `{snippet}`")),
        Err(error) => Outcome::Failed(error.to_string()),
    };
    match (&outcome, &request) {
        (Outcome::Decoded, Some(request)) if request.body().is_some() => match canary(request).await {
            Some(answer) => Outcome::Unchecked(answer),
            None => outcome,
        },
        _ => outcome,
    }
}

/// The request as the SDK built it, sent outside the SDK with `body` instead of its own.
fn http(request: &Request, body: Option<Vec<u8>>) -> Result<reqwest::RequestBuilder, String> {
    let base = PRISM_URL.get().map(String::as_str).unwrap_or_default();
    let mut url = reqwest::Url::parse(&format!("{base}{}", request.path()))
        .map_err(|e| format!("the URL of {} does not parse: {e}", request.path()))?;
    if !request.query_pairs().is_empty() {
        url.query_pairs_mut().extend_pairs(request.query_pairs());
    }
    // OpenAI's spec names the admin scheme first where an operation needs it.
    let admin = matches!(request.security_requirement(), Security::Alternatives(alternatives)
        if alternatives.first().and_then(|names| names.first()) == Some(&"AdminApiKeyAuth"));
    let key = if admin { ADMIN_KEY } else { API_KEY };
    let mut builder = reqwest::Client::new().request(request.method().clone(), url).bearer_auth(key);
    for (name, value) in request.headers() {
        builder = builder.header(name.as_str(), value.as_str());
    }
    if let Some(body) = body {
        builder = builder.header("content-type", "application/json").body(body);
    }
    Ok(builder)
}

/// Sends the request with the body `0`, which no object schema allows; Prism's answer when it
/// takes it anyway.
async fn canary(request: &Request) -> Option<String> {
    let response = http(request, Some(b"0".to_vec())).ok()?.send().await.ok()?;
    let status = response.status();
    status.is_success().then(|| format!("Prism answers {status} to the body `0` as well"))
}

/// Sends a rejected request again, outside the SDK, for what Prism says about it: the
/// `sl-violations` header and the `validation` list of its problem body, which the SDK's
/// error only quotes the start of.
async fn replay(request: &Request) -> String {
    let builder = match http(request, request.body().map(<[u8]>::to_vec)) {
        Ok(builder) => builder,
        Err(error) => return error,
    };
    let sent = format!(
        "{} {} {:?} {}",
        request.method(),
        request.path(),
        request.query_pairs(),
        request.body().map(String::from_utf8_lossy).unwrap_or_default()
    );
    let response = match builder.send().await {
        Ok(response) => response,
        Err(error) => return format!("sent again: failed: {error}; sent: {sent}"),
    };
    let violations = response.headers().get("sl-violations").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let body = response.text().await.unwrap_or_default();
    let mut out = Vec::new();
    if let Some(violations) = violations {
        out.push(format!("sl-violations: {violations}"));
    }
    match serde_json::from_str::<serde_json::Value>(&body).ok().and_then(|v| v.get("validation").cloned()) {
        Some(serde_json::Value::Array(items)) => {
            for item in items {
                let location: Vec<String> = item["location"]
                    .as_array()
                    .map(|l| l.iter().map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned)).collect())
                    .unwrap_or_default();
                out.push(format!("{}: {}", location.join("."), item["message"].as_str().unwrap_or_default()));
            }
        }
        _ => out.push(body.chars().take(500).collect()),
    }
    format!("{}; sent: {sent}", out.join("; "))
}

/// Calls every case against the Prism server `suite.url_var` names and compares what did not
/// come back decoded with `suite.known`; says that it checked nothing when the variable is unset.
/// With `PRISM_FOUND` set, it writes what it found there, for `--accept`.
pub fn run(suite: &Suite) {
    let Some(url) = std::env::var(suite.url_var).ok().filter(|url| !url.is_empty()) else {
        eprintln!("{} is not set, so Prism is not running: nothing was checked (`cargo xtask whole-spec` starts it)", suite.url_var);
        return;
    };
    // A runtime on this thread needs only the tokio features the SDK itself enables, so the
    // crate is not compiled a second time for its tests with more of them.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("the runtime starts");
    runtime.block_on(call_every_operation(suite, url));
}

async fn call_every_operation(suite: &Suite, url: String) {
    let _ = PRISM_URL.set(url.clone());
    // Prism serves the spec's paths without the servers' `/v1` (`/v1/models` is a 404, "no path
    // matched"), so the base URL is the server's root, as in the fine-tuning Prism tests.
    // Prism (Node) closes a connection idle for 5 s; a request sent on such a connection as it closes fails with
    // "connection closed before message completed" (seen once for `modifyThread`, after Prism's slow first answers).
    // Dropping idle connections after 1 s leaves no such race, and no retry is needed to hide one.
    let http = reqwest::Client::builder().pool_idle_timeout(Duration::from_secs(1)).build().expect("an HTTP client for Prism");
    let client = Client::builder()
        .http_client(http)
        .api_key(API_KEY)
        .admin_key(ADMIN_KEY)
        .base_url(url)
        .max_retries(0)
        .timeout(Duration::from_secs(120))
        .build()
        .expect("the test configuration is valid");
    let started = std::time::Instant::now();
    let mut results: Vec<(&str, Outcome)> = futures::stream::iter(suite.cases)
        .map(|(operation, run)| {
            let call = run(client.clone());
            async move { (*operation, call.await.unwrap_or_else(|not_sent| not_sent)) }
        })
        .buffer_unordered(CONCURRENCY)
        .collect()
        .await;
    results.sort_by(|a, b| a.0.cmp(b.0));

    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut failures = Vec::new();
    for (operation, outcome) in &results {
        *counts.entry(outcome.class()).or_default() += 1;
        if !matches!(outcome, Outcome::Decoded) {
            eprintln!("{operation}: {}\n    {}\n", outcome.class(), outcome.detail());
            let detail: String = outcome.detail().split_whitespace().collect::<Vec<_>>().join(" ").chars().take(300).collect();
            failures.push(format!("{operation}: {} -- {detail}", outcome.class()));
        }
    }
    eprintln!(
        "Prism, the whole spec: {} operations called in {:.1} s, {} not called",
        suite.cases.len(),
        started.elapsed().as_secs_f64(),
        suite.skipped.len()
    );
    for (class, count) in &counts {
        eprintln!("  {count:>5}  {class}");
    }
    let mut reasons: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (_, reason) in suite.skipped {
        *reasons.entry(reason).or_default() += 1;
    }
    for (reason, count) in &reasons {
        eprintln!("  {count:>5}  not called: {reason}");
    }
    for (what, count) in suite.twins {
        eprintln!("  {count:>5}  {what}, not called");
    }
    failures.sort();
    if let Some(path) = std::env::var_os("PRISM_FOUND") {
        let lines: String = failures.iter().map(|f| format!("{f}\n")).collect();
        std::fs::write(path, lines).expect("the findings file is writable");
    }
    let key = |line: &str| line.split(" -- ").next().unwrap_or(line).trim().to_string();
    let found: Vec<String> = failures.iter().map(|f| key(f)).collect();
    let known: Vec<String> = suite.known.iter().map(|line| key(line)).collect();
    let unexpected: Vec<&String> = found.iter().filter(|f| !known.contains(f)).collect();
    let fixed: Vec<&String> = known.iter().filter(|k| !found.contains(k)).collect();
    assert!(unexpected.is_empty() && fixed.is_empty(), "new failures: {unexpected:#?}\nlisted but now fine: {fixed:#?}");
}
