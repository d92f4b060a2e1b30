//! A decoded response body together with what the headers said about the call.

use std::fmt;
use std::ops::{Deref, DerefMut};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;

/// A decoded response with its metadata (status, every header, the request ID and the rate
/// limits) and the body as it arrived.
///
/// Awaiting an operation gives the bare value; `.with_response()` on the call gives this, which
/// dereferences to the value so fields read the same way.
#[derive(Clone)]
pub struct Response<T> {
    value: T,
    meta: ResponseMeta,
    /// The body as it arrived; `Bytes` shares the buffer the value was decoded from.
    body: Bytes,
}

impl<T> Response<T> {
    pub(super) fn new(value: T, meta: ResponseMeta, body: Bytes) -> Self {
        Response { value, meta, body }
    }

    /// The body exactly as it arrived, for fields the types do not have yet or for logging.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// Every response header.
    pub fn headers(&self) -> &HeaderMap {
        &self.meta.headers
    }

    /// The HTTP status code.
    pub fn status(&self) -> u16 {
        self.meta.status
    }

    /// The decoded body.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// The decoded body and the metadata, apart.
    pub fn into_parts(self) -> (T, ResponseMeta) {
        (self.value, self.meta)
    }

    /// Status, headers, request ID and rate limits.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The `x-request-id` header, to quote when reporting a problem.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id.as_deref()
    }

    /// The `x-ratelimit-*` headers.
    pub fn rate_limit(&self) -> &RateLimit {
        &self.meta.rate_limit
    }
}

impl<T> Deref for Response<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T> DerefMut for Response<T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.value
    }
}

impl<T: fmt::Debug> fmt::Debug for Response<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Response").field("value", &self.value).field("meta", &self.meta).field("body_len", &self.body.len()).finish()
    }
}

/// What the response headers said about a call.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// The HTTP status code.
    pub status: u16,
    /// The `x-request-id` header.
    pub request_id: Option<String>,
    /// The `x-ratelimit-*` headers.
    pub rate_limit: RateLimit,
    /// How many attempts the call took, retries included.
    pub attempts: u32,
    /// Every header of the response.
    pub headers: HeaderMap,
}

impl ResponseMeta {
    pub(super) fn from_headers(status: u16, headers: HeaderMap, attempts: u32) -> Self {
        ResponseMeta { status, request_id: request_id(&headers), rate_limit: RateLimit::from_headers(&headers), attempts, headers }
    }
}

/// The rate-limit state the API reported with a response; each field is `None` when its header
/// was missing or unreadable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimit {
    /// `x-ratelimit-limit-requests`: requests allowed per window.
    pub limit_requests: Option<u64>,
    /// `x-ratelimit-limit-tokens`: tokens allowed per window.
    pub limit_tokens: Option<u64>,
    /// `x-ratelimit-remaining-requests`.
    pub remaining_requests: Option<u64>,
    /// `x-ratelimit-remaining-tokens`.
    pub remaining_tokens: Option<u64>,
    /// `x-ratelimit-reset-requests`: time until the request budget is full again.
    pub reset_requests: Option<Duration>,
    /// `x-ratelimit-reset-tokens`: time until the token budget is full again.
    pub reset_tokens: Option<Duration>,
}

impl RateLimit {
    /// One pass over the headers rather than a lookup per field: a lookup by `&str` checks and hashes the name each time,
    /// which cost more than the rest of reading a response's metadata. Of repeated headers, the first that reads counts.
    pub(super) fn from_headers(headers: &HeaderMap) -> Self {
        let mut limit = RateLimit::default();
        for (name, value) in headers {
            let Some(which) = name.as_str().strip_prefix("x-ratelimit-") else { continue };
            let Ok(text) = value.to_str().map(str::trim) else { continue };
            let (number, duration) = (|| text.parse().ok(), || parse_duration(text));
            match which {
                "limit-requests" => limit.limit_requests = limit.limit_requests.or_else(number),
                "limit-tokens" => limit.limit_tokens = limit.limit_tokens.or_else(number),
                "remaining-requests" => limit.remaining_requests = limit.remaining_requests.or_else(number),
                "remaining-tokens" => limit.remaining_tokens = limit.remaining_tokens.or_else(number),
                "reset-requests" => limit.reset_requests = limit.reset_requests.or_else(duration),
                "reset-tokens" => limit.reset_tokens = limit.reset_tokens.or_else(duration),
                _ => {}
            }
        }
        limit
    }
}

/// The `x-request-id` header.
pub(super) fn request_id(headers: &HeaderMap) -> Option<String> {
    // A `HeaderName` rather than a `&str`, which `get` would check and hash on every call.
    const X_REQUEST_ID: reqwest::header::HeaderName = reqwest::header::HeaderName::from_static("x-request-id");
    headers.get(X_REQUEST_ID)?.to_str().ok().map(str::to_owned)
}

/// Reads the durations the API writes in reset headers: `1s`, `6m0s`, `20ms`, `1h2m3.5s`.
fn parse_duration(text: &str) -> Option<Duration> {
    let mut total = 0.0f64;
    let mut rest = text;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let value: f64 = rest[..number_len].parse().ok()?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let scale = match &rest[..unit_len] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 0.001,
            "us" | "µs" => 0.000_001,
            "ns" => 0.000_000_001,
            _ => return None,
        };
        total += value * scale;
        rest = &rest[unit_len..];
    }
    Some(Duration::from_secs_f64(total))
}
