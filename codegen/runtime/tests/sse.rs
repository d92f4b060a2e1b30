//! Server-sent event streams: chat-style (`data:` only, ended by `[DONE]`) and responses-style
//! (`event:` lines) streams, errors in the middle, malformed events, and chunks that split
//! lines and characters anywhere.

use std::time::Duration;

use futures::stream::{self, StreamExt, TryStreamExt};
use sdk_runtime::{Client, Error, EventStream, Method, Request, ResponseMeta, StreamCall};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::ResponseTemplate;

mod common;
use common::{client, serve};

fn events(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.to_owned(), "text/event-stream").insert_header("x-request-id", "req_stream")
}

#[derive(Debug, Deserialize, PartialEq)]
struct ChatChunk {
    id: String,
    choices: Vec<Choice>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Choice {
    delta: Delta,
    finish_reason: Option<String>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Delta {
    content: Option<String>,
}

fn chat(client: &Client) -> StreamCall<ChatChunk> {
    StreamCall::build(client, || {
        Request::new(Method::POST, "/chat/completions").json(&json!({"model": "gpt-4o", "messages": []}))?.with_field("stream", json!(true))
    })
}

const CHAT: &str = "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n\
                    : keep-alive comment\n\n\
                    data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"lo ✓\"},\"finish_reason\":null}]}\n\n\
                    data:\n\n\
                    data: {\"id\":\"c1\",\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
                    data: [DONE]\n\n\
                    data: {\"id\":\"after-done\",\"choices\":[]}\n\n";

fn text_of(chunks: &[ChatChunk]) -> String {
    chunks.iter().flat_map(|chunk| &chunk.choices).filter_map(|choice| choice.delta.content.as_deref()).collect()
}

#[tokio::test]
async fn a_chat_stream_ends_at_done() {
    let server = serve(vec![events(CHAT)]).await;
    let stream = chat(&client(&server.uri())).await.unwrap();
    assert_eq!(stream.request_id(), Some("req_stream"));
    assert_eq!(stream.meta().status, 200);
    let chunks: Vec<ChatChunk> = stream.try_collect().await.unwrap();
    assert_eq!(chunks.len(), 3, "the comment, the empty event and everything after [DONE] are skipped");
    assert_eq!(text_of(&chunks), "Hello ✓");
    assert_eq!(chunks[2].choices[0].finish_reason.as_deref(), Some("stop"));

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get("accept").unwrap(), "text/event-stream");
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body["stream"], true);
}

#[derive(Debug, Deserialize, PartialEq)]
#[serde(tag = "type")]
enum ResponseEvent {
    #[serde(rename = "response.created")]
    Created { sequence_number: u64 },
    #[serde(rename = "response.output_text.delta")]
    TextDelta { delta: String, sequence_number: u64 },
    #[serde(rename = "response.completed")]
    Completed { sequence_number: u64 },
}

#[tokio::test]
async fn a_responses_stream_with_event_names_decodes_by_the_type_in_the_data() {
    let body = "event: response.created\r\ndata: {\"type\":\"response.created\",\"sequence_number\":0}\r\n\r\n\
                event: response.output_text.delta\r\nid: 7\r\ndata: {\"type\":\"response.output_text.delta\",\r\ndata: \"delta\":\"Hi\",\"sequence_number\":1}\r\n\r\n\
                event: response.completed\r\ndata: {\"type\":\"response.completed\",\"sequence_number\":2}\r\n\r\n";
    let server = serve(vec![events(body)]).await;
    let stream = StreamCall::<ResponseEvent>::build(&client(&server.uri()), || Ok(Request::new(Method::POST, "/responses"))).await.unwrap();
    let events: Vec<ResponseEvent> = stream.try_collect().await.unwrap();
    assert_eq!(
        events,
        [
            ResponseEvent::Created { sequence_number: 0 },
            // Two `data:` lines join with a line break, which JSON takes as whitespace.
            ResponseEvent::TextDelta { delta: "Hi".into(), sequence_number: 1 },
            ResponseEvent::Completed { sequence_number: 2 },
        ]
    );
}

#[tokio::test]
async fn an_error_object_mid_stream_is_an_api_error_and_ends_the_stream() {
    let body = "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n\
                data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\",\"param\":null,\"code\":\"overloaded\"}}\n\n\
                data: {\"id\":\"c1\",\"choices\":[]}\n\n";
    let server = serve(vec![events(body).insert_header("x-ratelimit-remaining-requests", "41")]).await;
    let items: Vec<Result<ChatChunk, Error>> = chat(&client(&server.uri())).await.unwrap().collect().await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(text_of(std::slice::from_ref(items[0].as_ref().unwrap())), "Hi");
    let error = items[1].as_ref().unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!(api.status, 200);
    assert_eq!(api.message, "The server had an error");
    assert_eq!(api.r#type.as_deref(), Some("server_error"));
    assert_eq!(api.param, None);
    assert_eq!(api.code.as_deref(), Some("overloaded"));
    assert_eq!(api.request_id.as_deref(), Some("req_stream"));
    assert_eq!(api.rate_limit.remaining_requests, Some(41));
}

#[tokio::test]
async fn a_malformed_event_is_a_decode_error_and_the_stream_goes_on() {
    let body = "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"A\"},\"finish_reason\":null}]}\n\n\
                data: {\"id\": 42, this is not json\n\n\
                data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"B\"},\"finish_reason\":null}]}\n\n\
                data: [DONE]\n\n";
    let server = serve(vec![events(body)]).await;
    let items: Vec<Result<ChatChunk, Error>> = chat(&client(&server.uri())).await.unwrap().collect().await;
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok() && items[2].is_ok(), "{items:?}");
    match &items[1] {
        Err(Error::Decode { status, request_id, snippet, .. }) => {
            assert_eq!(*status, 200);
            assert_eq!(request_id.as_deref(), Some("req_stream"));
            assert_eq!(snippet, "{\"id\": 42, this is not json");
        }
        other => panic!("expected `Decode`, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_status_is_retried_and_then_reported_before_the_stream() {
    let busy = ResponseTemplate::new(503).set_body_json(json!({"error": {"message": "busy"}}));
    let server = serve(vec![busy, events(CHAT)]).await;
    let chunks: Vec<ChatChunk> = chat(&client(&server.uri())).await.unwrap().try_collect().await.unwrap();
    assert_eq!(text_of(&chunks), "Hello ✓");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let invalid = ResponseTemplate::new(400)
        .set_body_json(json!({"error": {"message": "Bad model", "type": "invalid_request_error", "param": "model"}}));
    let server = serve(vec![invalid]).await;
    let error = chat(&client(&server.uri())).await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!((api.status, api.message.as_str(), api.param.as_deref()), (400, "Bad model", Some("model")));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_json_answer_to_a_stream_request_is_a_decode_error() {
    let server = serve(vec![ResponseTemplate::new(200).set_body_json(json!({"id": "c1", "choices": []}))]).await;
    let error = chat(&client(&server.uri())).await.unwrap_err();
    match &error {
        Error::Decode { message, snippet, .. } => {
            assert!(message.contains("event stream"), "{message}");
            assert_eq!(snippet, r#"{"choices":[],"id":"c1"}"#);
        }
        other => panic!("expected `Decode`, got {other:?}"),
    }
}

#[tokio::test]
async fn per_call_options_apply() {
    let server = serve(vec![events(CHAT)]).await;
    let call = chat(&client(&server.uri())).header("x-trace", "abc").query("extra", "1").timeout(Duration::from_secs(5)).max_retries(0);
    assert_eq!(call.request().unwrap().path(), "/chat/completions");
    let _ = call.await.unwrap().collect::<Vec<_>>().await;
    let request = &server.received_requests().await.unwrap()[0];
    assert_eq!(request.headers.get("x-trace").unwrap(), "abc");
    assert_eq!(request.url.query(), Some("extra=1"));

    let failing = serve(vec![ResponseTemplate::new(500)]).await;
    chat(&client(&failing.uri())).max_retries(0).await.unwrap_err();
    assert_eq!(failing.received_requests().await.unwrap().len(), 1);
}

/// The meta of a response, as a stream built by hand reports it.
fn meta(status: u16) -> ResponseMeta {
    let mut meta = ResponseMeta::default();
    meta.status = status;
    meta.request_id = Some("req_local".into());
    meta
}

/// Feeds `body` to the parser `size` bytes at a time, so that chunks split lines, `\r\n` pairs
/// and multi-byte characters.
async fn parse_in_chunks<E: serde::de::DeserializeOwned + Send + 'static>(body: &str, size: usize) -> Vec<Result<E, Error>> {
    let chunks: Vec<Result<Vec<u8>, Error>> = body.as_bytes().chunks(size).map(|chunk| Ok(chunk.to_vec())).collect();
    EventStream::from_bytes_stream(stream::iter(chunks), meta(200)).collect().await
}

#[tokio::test]
async fn chunk_boundaries_anywhere_give_the_same_events() {
    let crlf = CHAT.replace('\n', "\r\n");
    for body in [CHAT, crlf.as_str()] {
        let whole: Vec<ChatChunk> = parse_in_chunks(body, body.len()).await.into_iter().map(Result::unwrap).collect();
        assert_eq!(text_of(&whole), "Hello ✓");
        for size in [1, 2, 3, 5, 7, 16, 64] {
            let chunked: Vec<ChatChunk> = parse_in_chunks(body, size).await.into_iter().map(Result::unwrap).collect();
            assert_eq!(chunked, whole, "chunks of {size} bytes");
        }
    }
}

#[tokio::test]
async fn a_broken_body_ends_the_stream_with_its_error() {
    let chunks: Vec<Result<&'static [u8], Error>> =
        vec![Ok(b"data: {\"a\":1}\n\ndata: {\"a\""), Err(Error::Config("the connection broke".into())), Ok(b":2}\n\n")];
    let items: Vec<Result<Value, Error>> = EventStream::from_bytes_stream(stream::iter(chunks), meta(200)).collect().await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert_eq!(items[0].as_ref().unwrap(), &json!({"a": 1}));
    assert!(matches!(&items[1], Err(Error::Config(message)) if message == "the connection broke"), "{items:?}");
}

#[tokio::test]
async fn error_objects_are_recognised_only_at_the_top_level() {
    let body = "data: {\"type\":\"response.failed\",\"response\":{\"error\":{\"message\":\"nested\"}}}\n\n\
                data: {\"type\":\"error\",\"error\":\"a string is not an error object\"}\n\n\
                data: [\"an array\", {\"error\": {}}]\n\n\
                data: {\"error\":{\"code\":500}}\n\n";
    let items: Vec<Result<Value, Error>> = parse_in_chunks(body, 10).await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert!(items[..3].iter().all(Result::is_ok), "{items:?}");
    let api = items[3].as_ref().unwrap_err().api().expect("an API error");
    assert_eq!(api.message, "the stream reported an error");
    assert_eq!(api.code.as_deref(), Some("500"));
    assert_eq!(api.request_id.as_deref(), Some("req_local"));
}

#[tokio::test]
async fn invalid_utf8_is_a_decode_error() {
    let chunks: Vec<Result<Vec<u8>, Error>> = vec![Ok(b"data: {\"a\":1}\n\ndata: \xff\xfe".to_vec())];
    let items: Vec<Result<Value, Error>> = EventStream::from_bytes_stream(stream::iter(chunks), meta(200)).collect().await;
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(matches!(&items[1], Err(Error::Decode { message, .. }) if message.contains("utf-8")), "{items:?}");
}

#[test]
fn streams_and_calls_can_cross_threads() {
    fn assert_send<T: Send + Unpin + 'static>() {}
    assert_send::<EventStream<ChatChunk>>();
    assert_send::<StreamCall<ChatChunk>>();
}
