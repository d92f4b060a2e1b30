//! The HTTP runtime that every generated SDK sits on: a [`Client`] that sends a [`Request`], and the [`Error`] it can fail with.
//!
//! This code is hand-written and copied verbatim into each generated crate, where it becomes the private `runtime` module.
//! Generated operations only build a [`Request`] and return it as a [`Call`] or a [`StreamCall`], so authentication, URL building, bodies, retries, timeouts, streaming, pagination and error decoding live here once.
//! Because of the copying, the files refer to each other through `super::` paths and carry no tests of their own.

#![warn(missing_docs)]

mod call;
mod client;
mod decode;
mod error;
mod multipart;
mod profile;
mod request;
mod response;
mod retry;
mod sse;
mod webhook;

/// A cheaply cloneable byte buffer, re-exported from `bytes` for file contents and binary responses.
pub use bytes::Bytes;
pub use call::{Call, Paginated};
pub use client::{Client, ClientBuilder};
// For the generated `types` module only: a generated crate does not re-export them, and a spec may need none of them.
#[allow(unused_imports, reason = "a generated crate whose types need no such helper leaves them unused")]
pub use decode::{decode_best, decode_map_without, decode_variant, serialize_tagged};
pub use error::{ApiError, ApiErrorKind, Error};
pub use multipart::{File, Multipart, ToMultipart};
pub use profile::{HeaderSetting, Profile, RetryHints, Scheme, SchemeKind, ServerVariable};
pub use request::{Query, Request, RequestBody, Security, ToQuery};
/// The HTTP method of a [`Request`], re-exported from `reqwest` so callers need no direct dependency on it.
pub use reqwest::Method;
/// Request headers, re-exported from `reqwest` for [`verify_webhook`].
pub use reqwest::header::HeaderMap;
pub use response::{RateLimit, Response, ResponseMeta};
pub use retry::RetryPolicy;
pub use sse::{EventStream, StreamCall};
pub use webhook::{DEFAULT_WEBHOOK_TOLERANCE, WebhookError, sign_webhook, verify_webhook, verify_webhook_at};
