//! Streaming responses: a [`StreamCall`] sends a request that answers with server-sent events,
//! and its [`EventStream`] decodes each event's JSON data as it arrives.
//!
//! Parsing the `text/event-stream` format is left to the `eventsource-stream` crate; what is
//! OpenAI's own lives here: `data: [DONE]` ends a stream, and an event whose data holds an
//! `error` object is an API error that arrived after the success status.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};

use eventsource_stream::{Event, EventStreamError, Eventsource};
use futures::stream::{self, BoxStream, Stream, StreamExt};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::call::{CallOptions, per_call_settings};
use super::client::Client;
use super::error::{ApiError, Error};
use super::request::Request;
use super::response::ResponseMeta;

/// The media type of server-sent events, sent as `Accept` so that the server streams.
const EVENT_STREAM: &str = "text/event-stream";

/// A request whose answer is a stream of server-sent events. Await it for the [`EventStream`].
///
/// It takes the same per-call options as a [`Call`](super::call::Call) and is retried the same
/// way until an answer has a success status; awaiting it returns as soon as that answer's
/// headers arrive. A request that could not be built is kept as its error and returned when
/// the call is awaited, before anything is sent.
#[must_use = "a stream call does nothing until it is awaited"]
pub struct StreamCall<E> {
    client: Client,
    request: Result<Request, Error>,
    options: CallOptions,
    /// A function pointer, so that the call is `Send` and `Sync` whatever `E` is: it holds no `E`.
    event: PhantomData<fn() -> E>,
}

impl<E: DeserializeOwned + Send + 'static> StreamCall<E> {
    /// Prepares a call whose events are JSON for `E`. `build` runs at once; an error it returns
    /// is reported when the call is awaited.
    pub fn build(client: &Client, build: impl FnOnce() -> Result<Request, Error>) -> Self {
        StreamCall {
            client: client.clone(),
            request: build(),
            options: CallOptions { accept: Some(EVENT_STREAM), ..CallOptions::default() },
            event: PhantomData,
        }
    }
}

impl<E> StreamCall<E> {
    per_call_settings!(
        ///
        /// The timeout covers the whole stream, not only the wait for it to start, so raise it
        /// for long generations.
        ;
        ///
        /// Retries happen only before the stream starts.
    );
}

impl<E: DeserializeOwned + Send + 'static> IntoFuture for StreamCall<E> {
    type Output = Result<EventStream<E>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Result<EventStream<E>, Error>> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move {
            let request = self.request?;
            let (response, meta) = self.client.open(&request, &self.options).await?;
            // A server that ignored the request to stream answers with one JSON document, which
            // the event parser would silently read as no events at all.
            let is_json = meta
                .headers
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .is_some_and(|value| value.trim_start().starts_with("application/json"));
            if is_json {
                let body = response.bytes().await?;
                return Err(Error::decode(
                    meta.status,
                    meta.request_id,
                    "expected an event stream but the response is `application/json`",
                    &body,
                ));
            }
            Ok(EventStream::from_bytes_stream(response.bytes_stream(), meta))
        })
    }
}

/// The decoded events of a streaming response, in order.
///
/// Each event's `data` is JSON for `E`. The stream ends after `data: [DONE]` or when the
/// response ends. An event that does not decode yields [`Error::Decode`] and the stream goes
/// on, so that one event of an unknown shape does not lose the rest. An event whose data holds
/// an `error` object yields [`Error::Api`] and ends the stream, and so does a broken connection,
/// with [`Error::Transport`]. Comments, events without data and event names are skipped: OpenAI
/// puts an event's type inside its data.
pub struct EventStream<E> {
    events: BoxStream<'static, Result<E, Error>>,
    meta: ResponseMeta,
}

impl<E: DeserializeOwned + Send + 'static> EventStream<E> {
    /// Parses `bytes`, the body of a response described by `meta`, as server-sent events.
    ///
    /// [`StreamCall`] does this with the response body; it is public so that a body obtained
    /// some other way, or a test's chunks, can be read the same way. The chunks may split lines
    /// and characters anywhere. `meta.status` and `meta.request_id` go into the errors.
    pub fn from_bytes_stream<S, B, X>(bytes: S, meta: ResponseMeta) -> Self
    where
        S: Stream<Item = Result<B, X>> + Send + 'static,
        B: AsRef<[u8]>,
        X: Into<Error>,
    {
        let state = Some((Box::pin(bytes.eventsource()), meta.clone()));
        let events = stream::unfold(state, |state| async move {
            let (mut events, meta) = state?;
            loop {
                let step = match events.next().await? {
                    Ok(event) => read_event(&event, &meta),
                    Err(EventStreamError::Transport(error)) => Step::Fail(error.into()),
                    Err(EventStreamError::Utf8(error)) => Step::Fail(Error::decode(
                        meta.status,
                        meta.request_id.clone(),
                        format!("the event stream is not valid utf-8: {error}"),
                        error.as_bytes(),
                    )),
                    Err(EventStreamError::Parser(error)) => Step::Fail(Error::decode(
                        meta.status,
                        meta.request_id.clone(),
                        "the event stream is malformed",
                        error.input.as_bytes(),
                    )),
                };
                match step {
                    Step::Skip => {}
                    Step::Done => return None,
                    Step::Yield(item) => return Some((item, Some((events, meta)))),
                    Step::Fail(error) => return Some((Err(error), None)),
                }
            }
        });
        EventStream { events: events.boxed(), meta }
    }
}

impl<E> EventStream<E> {
    /// Status, request ID and rate limits of the response that carries the stream.
    pub fn meta(&self) -> &ResponseMeta {
        &self.meta
    }

    /// The `x-request-id` header, to quote when reporting a problem.
    pub fn request_id(&self) -> Option<&str> {
        self.meta.request_id.as_deref()
    }
}

impl<E> Stream for EventStream<E> {
    type Item = Result<E, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.events.poll_next_unpin(cx)
    }
}

impl<E> fmt::Debug for EventStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").field("meta", &self.meta).finish_non_exhaustive()
    }
}

/// What one parsed event means for the stream.
enum Step<E> {
    /// Nothing to yield: a keep-alive or an event without data.
    Skip,
    /// The server said the stream is complete.
    Done,
    /// An event to yield, or the error decoding it raised; the stream goes on either way.
    Yield(Result<E, Error>),
    /// An error to yield, after which the stream ends.
    Fail(Error),
}

/// Decodes one event's data.
fn read_event<E: DeserializeOwned>(event: &Event, meta: &ResponseMeta) -> Step<E> {
    let data = event.data.as_str();
    if data.trim().is_empty() {
        return Step::Skip;
    }
    if data.starts_with("[DONE]") {
        return Step::Done;
    }
    // The substring test spares the ordinary event a second parse.
    if data.contains("\"error\"")
        && let Ok(Value::Object(object)) = serde_json::from_str::<Value>(data)
        && let Some(Value::Object(fields)) = object.get("error")
    {
        let error = ApiError::from_event(meta.status, meta.request_id.clone(), meta.rate_limit, fields);
        return Step::Fail(Error::Api(Box::new(error)));
    }
    match serde_json::from_str(data) {
        Ok(event) => Step::Yield(Ok(event)),
        Err(error) => Step::Yield(Err(Error::decode(meta.status, meta.request_id.clone(), error, data.as_bytes()))),
    }
}
