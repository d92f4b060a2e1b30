//! The HTTP runtime that every generated SDK sits on: a [`Client`] that sends a [`Request`], and the [`Error`] it can fail with.
//!
//! This code is hand-written and copied verbatim into each generated crate, where it becomes the private `runtime` module.
//! Generated operations only build a [`Request`] and return it as a [`Call`] (or, for a stream of events, a `StreamCall`), so authentication, URL building, bodies, retries, timeouts, streaming, pagination and error decoding live here once.
//! Because of the copying, the files refer to each other through `super::` paths and carry no tests of their own.
//!
//! Three parts serve only some specs: `sse` (server-sent event streams), `multipart` (`multipart/form-data` bodies and files)
//! and `webhooks` (signature checks). Each is a file of its own, plus the lines between `// [name]` and `// [/name]` in the
//! others; the generator leaves a part's file, its marked lines and the crates only it uses out of a crate whose spec does not
//! need it, and drops the marker lines from one that does (`codegen/src/emit/parts.rs`). A part's code may use the rest of the
//! runtime, but the rest never names a part outside its markers, and the parts never name each other.

#![warn(missing_docs)]

mod call;
mod client;
mod decode;
mod error;
// [multipart]
mod multipart;
// [/multipart]
mod profile;
mod request;
mod response;
mod retry;
// [sse]
mod sse;
// [/sse]
// [webhooks]
mod webhook;
// [/webhooks]

/// A cheaply cloneable byte buffer, re-exported from `bytes` for file contents and binary responses.
pub use bytes::Bytes;
pub use call::{Call, Paginated};
pub use client::{Client, ClientBuilder};
// For the generated `types` module only: a generated crate does not re-export them, and a spec may need none of them.
#[allow(unused_imports, reason = "a generated crate whose types need no such helper leaves them unused")]
pub use decode::{
    Object, ObjectAccess, Scalar, Tagged, decode_best, decode_map_without, decode_scalar, decode_variant, read_object, read_tagged,
    serialize_tagged,
};
pub use error::{ApiError, ApiErrorKind, Error};
// [multipart]
pub use multipart::{File, Multipart, ToMultipart};
// [/multipart]
pub use profile::{HeaderSetting, Profile, RetryHints, Scheme, SchemeKind, ServerVariable};
pub use request::{Query, Request, RequestBody, Security, ToQuery};
/// The HTTP method of a [`Request`], re-exported from `reqwest` so callers need no direct dependency on it.
pub use reqwest::Method;
/// Request or response headers, re-exported from `reqwest`.
pub use reqwest::header::HeaderMap;
pub use response::{RateLimit, Response, ResponseMeta};
pub use retry::RetryPolicy;
// [sse]
pub use sse::{EventStream, StreamCall};
// [/sse]
// [webhooks]
pub use webhook::{DEFAULT_WEBHOOK_TOLERANCE, WebhookError, sign_webhook, verify_webhook, verify_webhook_at};
// [/webhooks]
