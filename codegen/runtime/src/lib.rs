//! The HTTP runtime that every generated SDK sits on: a [`Client`] that sends a [`Request`], and the [`Error`] it can fail with.
//!
//! This code is hand-written and copied verbatim into each generated crate, where it becomes the private `runtime` module.
//! Generated operations only build a [`Request`] and return it as a [`Call`], so authentication, URL building, retries, timeouts, pagination and error decoding live here once.
//! Because of the copying, the files refer to each other through `super::` paths and carry no tests of their own.

#![warn(missing_docs)]

mod call;
mod client;
mod error;
mod request;
mod response;
mod retry;

pub use call::{Call, Paginated};
pub use client::{Client, ClientBuilder};
pub use error::{ApiError, ApiErrorKind, Error};
pub use request::{Query, Request, ToQuery};
pub use response::{RateLimit, Response, ResponseMeta};
pub use retry::RetryPolicy;
/// The HTTP method of a [`Request`], re-exported from `reqwest` so callers need no direct dependency on it.
pub use reqwest::Method;
