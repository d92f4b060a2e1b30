//! Turns every way a call can fail (bad arguments, configuration, transport, an API error response, an undecodable body) into one [`Error`].

use std::fmt;

use reqwest::StatusCode;
use reqwest::header::HeaderMap;
use serde_json::Value;

use super::response::{RateLimit, request_id};

/// How many characters of a response body an error message quotes.
const SNIPPET_CHARS: usize = 200;

/// Why a call failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with a non-success status.
    ///
    /// Boxed because it is by far the largest variant and would otherwise make every `Result` carry its size.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The request could not be sent or the response could not be read. The message says
    /// what happened in words (the connection was refused, or closed before the body ended),
    /// with the underlying cause; [`std::error::Error::source`] keeps the chain.
    ///
    /// The URL reqwest keeps in it has no query, because an API key may travel there.
    #[error("request failed: {}", describe_transport(.0))]
    Transport(#[source] reqwest::Error),

    /// An attempt got no complete answer within its timeout (the client's, or the call's),
    /// after any retries.
    #[error("request timed out: no complete answer within {} s", after.as_secs_f64())]
    Timeout {
        /// The timeout of the attempt that ran out.
        after: std::time::Duration,
        /// What reqwest reported.
        #[source]
        source: reqwest::Error,
    },

    /// The server answered with a success status but the body did not decode into the expected type.
    #[error("could not decode the response (status {status}): {message}; the body starts with `{snippet}`")]
    Decode {
        /// The HTTP status code.
        status: u16,
        /// The `x-request-id` response header, to quote when reporting the problem.
        request_id: Option<String>,
        /// What the JSON decoder objected to.
        message: String,
        /// The first 200 or so characters of the body.
        snippet: String,
    },

    /// An argument was rejected before any request was sent.
    #[error("invalid argument `{name}`: {reason}")]
    InvalidArgument {
        /// The parameter name, or `body` for the request body.
        name: &'static str,
        /// Why the value was rejected.
        reason: String,
    },

    /// The client could not be built from its configuration, or lacks a credential that the request needs.
    #[error("invalid client configuration: {0}")]
    Config(String),

    /// A file to upload could not be read.
    #[error("could not read `{name}`: {source}")]
    Io {
        /// The path or file name of what was being read.
        name: String,
        /// What the operating system reported.
        #[source]
        source: std::io::Error,
    },
}

/// A transport failure in words: what went wrong, then the innermost cause, which is where
/// reqwest's own message ("error sending request", "error decoding response body") says least.
fn describe_transport(error: &reqwest::Error) -> String {
    let mut root: &dyn std::error::Error = error;
    let mut has_cause = false;
    while let Some(next) = root.source() {
        root = next;
        has_cause = true;
    }
    let cause = root.to_string();
    let what = if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        let lower = cause.to_ascii_lowercase();
        let cut = ["incomplete", "end of file", "eof", "closed", "reset"];
        if cut.iter().any(|word| lower.contains(word)) {
            "the connection closed before the response body ended"
        } else {
            "could not read the response body"
        }
    } else if error.is_redirect() {
        "too many redirects"
    } else {
        "the request could not be sent"
    };
    let origin = error.url().map(|url| url.origin().ascii_serialization());
    match (origin, has_cause) {
        (Some(origin), true) => format!("{what} ({origin}: {cause})"),
        (Some(origin), false) => format!("{what} ({origin})"),
        (None, true) => format!("{what} ({cause})"),
        (None, false) => what.to_owned(),
    }
}

impl From<reqwest::Error> for Error {
    fn from(error: reqwest::Error) -> Self {
        Error::Transport(without_query(error))
    }
}

/// `error` with the query taken out of its URL: reqwest prints the URL in `Display` and
/// `Debug`, and a credential may travel in the query (an `apiKey` with `in: query`).
fn without_query(mut error: reqwest::Error) -> reqwest::Error {
    if let Some(url) = error.url_mut() {
        url.set_query(None);
    }
    error
}

impl Error {
    /// Turns a failure of an attempt that had `timeout` into an error: a timeout says so and
    /// how long it was; anything else is [`Error::Transport`].
    pub(super) fn from_attempt(error: reqwest::Error, timeout: std::time::Duration) -> Self {
        if error.is_timeout() { Error::Timeout { after: timeout, source: without_query(error) } } else { error.into() }
    }

    /// The API error, if the server answered with a non-success status.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(error) => Some(error),
            _ => None,
        }
    }

    /// The `x-request-id` response header, if a response arrived and carried one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(error) => error.request_id.as_deref(),
            Error::Decode { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// How long the server asked to wait before the next request (`Retry-After`), when it
    /// answered with an error that said so. A call gives up at once, without retrying, when the
    /// wait is longer than [`RetryPolicy::max_retry_after`](crate::RetryPolicy::max_retry_after):
    /// this tells the caller when to try again.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        self.api().and_then(|error| error.retry_after)
    }

    /// What kind of API error this is, if the server answered with a non-success status.
    pub fn kind(&self) -> Option<ApiErrorKind> {
        self.api().map(ApiError::kind)
    }

    /// Whether an attempt ran out of time (after any retries).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Timeout { .. }) || matches!(self, Error::Transport(error) if error.is_timeout())
    }

    /// The HTTP status code, if a response arrived.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(error) => Some(error.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Transport(error) => error.status().map(|status| status.as_u16()),
            _ => None,
        }
    }

    /// Builds [`Error::Decode`] for a success body, or a part of one, that did not decode.
    pub(super) fn decode(status: u16, request_id: Option<String>, message: impl fmt::Display, body: &[u8]) -> Self {
        Error::Decode { status, request_id, message: message.to_string(), snippet: snippet(body) }
    }
}

/// An error response from the API.
///
/// The fields come from the `{"error": {"message", "type", "param", "code"}}` envelope when the body has one.
/// Proxies and load balancers answer with HTML or nothing at all, so a body without the envelope still yields an `ApiError`, with a piece of the body (or the status's reason phrase) as the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status code.
    pub status: u16,
    /// The human-readable message.
    pub message: String,
    /// The error type, such as `invalid_request_error`.
    pub r#type: Option<String>,
    /// The request parameter the error is about.
    pub param: Option<String>,
    /// A machine-readable error code; numeric codes are kept as their decimal text.
    pub code: Option<String>,
    /// The `x-request-id` response header, to quote when reporting the problem.
    pub request_id: Option<String>,
    /// The `x-ratelimit-*` response headers.
    pub rate_limit: RateLimit,
    /// How long the server asked the client to wait (`retry-after-ms`, or `retry-after` in
    /// seconds or as a date), when it did.
    pub retry_after: Option<std::time::Duration>,
}

/// API errors grouped by status, to match on rather than compare numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: the request is malformed or names something invalid.
    BadRequest,
    /// 401: the API key is missing, wrong or revoked.
    Authentication,
    /// 403: the key may not do this.
    PermissionDenied,
    /// 404: no such resource.
    NotFound,
    /// 409: the resource is in a state that does not allow this.
    Conflict,
    /// 422: the request is well-formed but cannot be processed.
    Unprocessable,
    /// 429: too many requests, or the quota is used up (see [`ApiError::code`]).
    RateLimit,
    /// 500 and above: the server failed.
    Server,
    /// Any other status.
    Other,
}

impl ApiError {
    /// The kind of error its status stands for.
    pub fn kind(&self) -> ApiErrorKind {
        match self.status {
            400 => ApiErrorKind::BadRequest,
            401 => ApiErrorKind::Authentication,
            403 => ApiErrorKind::PermissionDenied,
            404 => ApiErrorKind::NotFound,
            409 => ApiErrorKind::Conflict,
            422 => ApiErrorKind::Unprocessable,
            429 => ApiErrorKind::RateLimit,
            500.. => ApiErrorKind::Server,
            _ => ApiErrorKind::Other,
        }
    }

    /// Reads an error response, accepting any body rather than failing a second time.
    pub(super) fn from_response(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Self {
        let request_id = request_id(headers);
        let fallback = || {
            let snippet = snippet(body);
            if snippet.is_empty() { status.canonical_reason().unwrap_or("unknown status").to_owned() } else { snippet }
        };
        let envelope = serde_json::from_slice::<Value>(body).ok().and_then(|mut value| value.get_mut("error").map(Value::take));
        let mut error = ApiError {
            status: status.as_u16(),
            message: String::new(),
            r#type: None,
            param: None,
            code: None,
            request_id,
            rate_limit: RateLimit::from_headers(headers),
            retry_after: super::retry::retry_after(headers, std::time::SystemTime::now()),
        };
        match envelope {
            Some(Value::Object(fields)) => error.fill(&fields, fallback),
            // Some gateways put a bare string where the object should be.
            Some(Value::String(message)) if !message.is_empty() => error.message = message,
            _ => error.message = fallback(),
        }
        error
    }

    // [sse]
    /// Reads the `error` object of an event in a stream whose response had `status`, `request_id` and `rate_limit`.
    pub(super) fn from_event(
        status: u16,
        request_id: Option<String>,
        rate_limit: RateLimit,
        fields: &serde_json::Map<String, Value>,
    ) -> Self {
        let mut error =
            ApiError { status, message: String::new(), r#type: None, param: None, code: None, request_id, rate_limit, retry_after: None };
        error.fill(fields, || "the stream reported an error".to_owned());
        error
    }
    // [/sse]

    /// Takes message, type, param and code from the fields of an `error` object, and the message from `fallback` when the object has none.
    fn fill(&mut self, fields: &serde_json::Map<String, Value>, fallback: impl FnOnce() -> String) {
        self.message = text(fields.get("message")).unwrap_or_else(fallback);
        self.r#type = text(fields.get("type"));
        self.param = text(fields.get("param"));
        self.code = text(fields.get("code"));
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "api error {}: {}", self.status, self.message)?;
        if let Some(request_id) = &self.request_id {
            write!(f, " (request id {request_id})")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A string, number or boolean as text; `null`, a missing field, an empty string and anything nested become `None`.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        _ => None,
    }
}

/// The first [`SNIPPET_CHARS`] characters of `body`, decoded as lossy UTF-8 and trimmed, with `…` when cut short.
fn snippet(body: &[u8]) -> String {
    // Leading whitespace is dropped first so it cannot eat into the budget below.
    let body = body.trim_ascii_start();
    // A character takes at most four bytes, so this prefix holds enough whole characters, and a character split at its end falls past the cut.
    let prefix = &body[..body.len().min(SNIPPET_CHARS * 4)];
    let text = String::from_utf8_lossy(prefix);
    let text = text.trim_end();
    match text.char_indices().nth(SNIPPET_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None if prefix.len() < body.len() => format!("{text}…"),
        None => text.to_owned(),
    }
}
