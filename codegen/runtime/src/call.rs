//! One prepared call: a request plus per-call options, sent when awaited.
//!
//! Generated operations return a [`Call`], so the common case stays `op(args).await?`, while
//! `.timeout(..)`, `.max_retries(..)`, `.header(..)`, `.query(..)`, `.body_field(..)`,
//! `.with_response()` and, for list
//! operations, `.auto_paginate()` are one method away. Operations that answer with a file
//! return a `Call<Bytes>`, which can also be read as it arrives with `.bytes_stream()`.

use std::collections::HashSet;
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::request::Request;
use super::response::Response;

/// Turns a success body into the call's output type, or says why it cannot.
pub(super) type Decoder<T> = fn(&Bytes) -> Result<T, String>;

/// Settings that apply to one call only and override the client's.
#[derive(Debug, Clone, Default)]
pub(super) struct CallOptions {
    pub(super) timeout: Option<Duration>,
    pub(super) max_retries: Option<u32>,
    pub(super) headers: Vec<(String, String)>,
    pub(super) query: Vec<(String, String)>,
    /// The `Accept` header, when the call expects something other than the client's default of JSON.
    pub(super) accept: Option<&'static str>,
}

/// The per-call settings [`Call`] and `StreamCall` both offer,
/// written once; each type has `options: CallOptions` and `request: Result<Request, Error>`.
/// Extra doc lines for `timeout` and `max_retries` say what differs for streams.
macro_rules! per_call_settings {
    ($(#[$timeout_note:meta])* ; $(#[$retries_note:meta])*) => {
        /// Gives up on one attempt after `timeout` (the client's default is 10 minutes).
        $(#[$timeout_note])*
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        /// Retries at most `max_retries` times; 0 sends the request once.
        $(#[$retries_note])*
        pub fn max_retries(mut self, max_retries: u32) -> Self {
            self.options.max_retries = Some(max_retries);
            self
        }

        /// Sends one more header. A name or value that is not valid in HTTP fails the call with
        /// [`Error::InvalidArgument`] before anything is sent.
        pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.options.headers.push((name.into(), value.into()));
            self
        }

        /// Appends one more query pair.
        pub fn query(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.options.query.push((name.into(), value.into()));
            self
        }

        /// Sets one more top-level field of the JSON body, such as one the API accepts before the
        /// spec lists it; a field of that name is replaced, and a call without a body gets a JSON
        /// object with just this field. A body that is not a JSON object fails the call with
        /// [`Error::InvalidArgument`] before anything is sent.
        pub fn body_field(mut self, name: &str, value: impl Into<::serde_json::Value>) -> Self {
            self.request = self.request.and_then(|request| request.with_field(name, value.into()));
            self
        }

        /// The request as it will be sent, or the error that building it raised.
        pub fn request(&self) -> Result<&Request, &Error> {
            self.request.as_ref()
        }
    };
    () => {
        per_call_settings!(;);
    };
}
// [sse]
pub(super) use per_call_settings;
// [/sse]

/// A request that has not been sent yet. Await it for the decoded value.
///
/// A request that could not be built (an empty path argument, say) is kept as its error and
/// returned when the call is awaited, before anything is sent. A call holds its own handle to
/// the client, so it can be moved into a spawned task.
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<T> {
    client: Client,
    request: Result<Request, Error>,
    options: CallOptions,
    decode: Decoder<T>,
}

impl<T: DeserializeOwned> Call<T> {
    /// Prepares a call whose success body is JSON for `T`. `build` runs at once; an error it
    /// returns is reported when the call is awaited.
    pub fn build(client: &Client, build: impl FnOnce() -> Result<Request, Error>) -> Self {
        Call::with_decoder(client, build(), None, |body| decode_json(body).map_err(|error| error.to_string()))
    }
}

/// Decodes a JSON body. serde_json checks the UTF-8 of a byte slice one string at a time, which for
/// a body of many short keys and values is costly: checking the whole body once and reading it as
/// text took 15% fewer instructions to decode the bench's page of 10,000 jobs (callgrind). A body
/// that is not UTF-8 goes to `from_slice` after all, for serde_json's message, which says where.
fn decode_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    match std::str::from_utf8(body) {
        Ok(text) => serde_json::from_str(text),
        Err(_) => serde_json::from_slice(body),
    }
}

impl Call<()> {
    /// Prepares a call whose success body, if any, is ignored.
    pub fn build_empty(client: &Client, build: impl FnOnce() -> Result<Request, Error>) -> Self {
        Call::with_decoder(client, build(), None, |_| Ok(()))
    }
}

impl Call<Bytes> {
    /// Prepares a call whose success body is returned as it is, for files such as generated
    /// audio or the content of an uploaded file.
    ///
    /// It asks for `application/octet-stream`, as OpenAI's own SDKs do for such endpoints.
    pub fn build_bytes(client: &Client, build: impl FnOnce() -> Result<Request, Error>) -> Self {
        Call::with_decoder(client, build(), Some("application/octet-stream"), |body| Ok(body.clone()))
    }

    /// Sends the call and yields the body in chunks as they arrive, rather than all at once.
    ///
    /// The call is retried like any other until an answer has a success status, and an error
    /// status still becomes [`Error::Api`]. Once the body has started, nothing is retried, since
    /// part of it has already been yielded: a connection that breaks then ends the stream with
    /// [`Error::Transport`]. The call's timeout covers the whole body, so raise it for large ones.
    pub fn bytes_stream(self) -> impl Stream<Item = Result<Bytes, Error>> + Send + Unpin + 'static {
        let Call { client, request, options, .. } = self;
        stream::once(async move {
            let request = request?;
            let (response, _) = client.open(&request, &options).await?;
            Ok::<_, Error>(response.bytes_stream().map_err(Error::from))
        })
        .try_flatten()
        .boxed()
    }
}

impl Call<String> {
    /// Prepares a call whose success body is text, such as a transcript in the `text`, `srt`
    /// or `vtt` format.
    ///
    /// A body that is not valid UTF-8 fails with [`Error::Decode`].
    pub fn build_text(client: &Client, build: impl FnOnce() -> Result<Request, Error>) -> Self {
        Call::with_decoder(client, build(), None, |body| std::str::from_utf8(body).map(str::to_owned).map_err(|error| error.to_string()))
    }
}

impl<T> Call<T> {
    /// The one constructor behind the public ones, which differ only in how they read the body and what they accept.
    fn with_decoder(client: &Client, request: Result<Request, Error>, accept: Option<&'static str>, decode: Decoder<T>) -> Self {
        Call { client: client.clone(), request, options: CallOptions { accept, ..CallOptions::default() }, decode }
    }

    per_call_settings!();

    /// Sends the call and keeps the response metadata: request ID, rate limits, attempts.
    pub async fn with_response(self) -> Result<Response<T>, Error> {
        let request = self.request?;
        self.client.execute(&request, &self.options, self.decode).await
    }
}

impl<T: Send + 'static> IntoFuture for Call<T> {
    type Output = Result<T, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<T, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.with_response().await.map(Response::into_inner) })
    }
}

/// A page of a list operation that knows how to ask for the next one.
///
/// Generated list responses implement this; the cursor is the ID of the last item, sent as the
/// `after` query parameter, until a page says there are no more.
pub trait Paginated: Sized {
    /// What the page lists.
    type Item;
    /// The query parameter that carries the cursor.
    const CURSOR_PARAM: &'static str = "after";

    /// Whether another page follows this one.
    fn has_more(&self) -> bool;
    /// The items of this page.
    fn items(&self) -> &[Self::Item];
    /// The items of this page, by value.
    fn into_items(self) -> Vec<Self::Item>;
    /// The cursor that continues after `item`: its ID.
    fn cursor(item: &Self::Item) -> &str;

    /// The cursor for the next page: the last item's ID, or `None` on the last page.
    fn next_cursor(&self) -> Option<&str> {
        if self.has_more() { self.items().last().map(Self::cursor) } else { None }
    }
}

impl<P> Call<P>
where
    P: Paginated + Send + 'static,
    P::Item: Send + 'static,
{
    /// Every item of every page, fetching the next page when the current one runs out.
    ///
    /// The first request is this call's; each further one sets the cursor parameter to the last
    /// item's ID. `limit` in the parameters stays the page size. An error ends the stream after
    /// it is yielded. A page whose cursor was already used (a server, or a mock, answering the
    /// same page whatever the cursor, or pages that lead back to an earlier one) makes no
    /// progress: the stream ends there, with a warning in the log, rather than fetching forever.
    pub fn auto_paginate(self) -> impl Stream<Item = Result<P::Item, Error>> + Send + 'static {
        let Call { client, request, options, decode } = self;
        let first: Option<Result<Request, Error>> = Some(request);
        stream::try_unfold((first, HashSet::new()), move |(next, mut used)| {
            let (client, options) = (client.clone(), options.clone());
            async move {
                let Some(request) = next else { return Ok::<_, Error>(None) };
                let request = request?;
                let page = client.execute(&request, &options, decode).await?.into_inner();
                if let Some(sent) = request.query_pairs().iter().find(|(name, _)| name == P::CURSOR_PARAM) {
                    used.insert(sent.1.clone());
                }
                if let Some(cursor) = page.next_cursor()
                    && used.contains(cursor)
                {
                    tracing::warn!(path = %request.path(), cursor, "the next page would continue after `{cursor}` again; pagination stops");
                    return Ok(Some((Vec::new(), (None, used))));
                }
                let next = page.next_cursor().map(|cursor| Ok(request.with_query_param(P::CURSOR_PARAM, cursor)));
                Ok(Some((page.into_items(), (next, used))))
            }
        })
        .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
    }
}
