//! Responses that are not JSON: bytes returned exactly, text, and bodies streamed in chunks,
//! with the retries every call gets before the body starts and none after. Also raw text
//! request bodies.

use std::sync::{Arc, Mutex};

use futures::StreamExt;
use sdk_runtime::{Bytes, Call, Client, Error, Method, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::ResponseTemplate;

mod common;
use common::{client, serve};

/// Four MiB of bytes that are not UTF-8, large enough to arrive in several chunks.
fn audio() -> Vec<u8> {
    (0..4 * 1024 * 1024).map(|i: u32| (i.wrapping_mul(2_654_435_761) >> 24) as u8).collect()
}

fn speech(client: &Client) -> Call<Bytes> {
    Call::build_bytes(client, || Request::new(Method::POST, "/audio/speech").json(&serde_json::json!({"input": "hi"})))
}

fn unavailable() -> ResponseTemplate {
    ResponseTemplate::new(503).set_body_json(serde_json::json!({"error": {"message": "busy"}}))
}

#[tokio::test]
async fn build_bytes_returns_the_body_exactly() {
    let server = serve(vec![unavailable(), ResponseTemplate::new(200).set_body_raw(audio(), "audio/mpeg")]).await;
    let response = speech(&client(&server.uri())).with_response().await.unwrap();
    assert_eq!(response.meta().attempts, 2, "the 503 was retried");
    assert!(response.as_ref() == audio(), "the body came back changed");

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].headers.get("accept").unwrap(), "application/octet-stream");
    assert_eq!(requests[0].headers.get("content-type").unwrap(), "application/json");
}

#[tokio::test]
async fn bytes_stream_yields_the_body_in_chunks_after_retrying() {
    let server = serve(vec![unavailable(), ResponseTemplate::new(200).set_body_raw(audio(), "audio/mpeg")]).await;
    let mut stream = speech(&client(&server.uri())).bytes_stream();
    let mut chunks = 0;
    let mut body = Vec::new();
    while let Some(chunk) = stream.next().await {
        body.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert!(chunks > 1, "the body came in {chunks} chunk");
    assert!(body == audio(), "the body came back changed");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn bytes_stream_reports_an_error_status_as_an_api_error() {
    let body = serde_json::json!({"error": {"message": "No such file", "type": "invalid_request_error", "code": "not_found"}});
    let server = serve(vec![ResponseTemplate::new(404).set_body_json(body).insert_header("x-request-id", "req_404")]).await;
    let items: Vec<_> = speech(&client(&server.uri())).bytes_stream().collect().await;
    assert_eq!(items.len(), 1, "the error ends the stream");
    let error = items.into_iter().next().unwrap().unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!((api.status, api.message.as_str(), api.code.as_deref()), (404, "No such file", Some("not_found")));
    assert_eq!(error.request_id(), Some("req_404"));
}

#[tokio::test]
async fn bytes_stream_reports_a_request_that_could_not_be_built() {
    let server = serve(vec![ResponseTemplate::new(200)]).await;
    let call = Call::build_bytes(&client(&server.uri()), || {
        Ok(Request::new(Method::GET, format!("/files/{}/content", Request::path_segment("file_id", "")?)))
    });
    let items: Vec<_> = call.bytes_stream().collect().await;
    assert!(matches!(&items[..], [Err(Error::InvalidArgument { name: "file_id", .. })]), "{items:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

/// A server of our own whose first connection promises all of `body`, sends only `sent` bytes
/// of it and hangs up; later connections answer properly. Returns its URI and a connection count.
async fn flaky_server(body: Vec<u8>, sent: usize) -> (String, Arc<Mutex<u32>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let connections = Arc::new(Mutex::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        loop {
            let (mut socket, _) = listener.accept().await.unwrap();
            let n = {
                let mut count = seen.lock().unwrap();
                *count += 1;
                *count
            };
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let head =
                format!("HTTP/1.1 200 OK\r\ncontent-type: audio/mpeg\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            socket.write_all(head.as_bytes()).await.unwrap();
            let end = if n == 1 { sent } else { body.len() };
            socket.write_all(&body[..end]).await.unwrap();
            socket.flush().await.unwrap();
            socket.shutdown().await.ok();
        }
    });
    (format!("http://{address}"), connections)
}

#[tokio::test]
async fn a_buffered_call_retries_a_body_cut_short() {
    let body: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let (uri, connections) = flaky_server(body.clone(), 1_000).await;
    let bytes = speech(&client(&uri)).await.unwrap();
    assert_eq!(bytes.as_ref(), body);
    assert_eq!(*connections.lock().unwrap(), 2);
}

#[tokio::test]
async fn bytes_stream_does_not_retry_after_the_first_byte() {
    let body: Vec<u8> = (0..=255u8).cycle().take(10_000).collect();
    let (uri, connections) = flaky_server(body.clone(), 1_000).await;
    let items: Vec<_> = speech(&client(&uri)).bytes_stream().collect().await;
    let (last, chunks) = items.split_last().unwrap();
    let received: Vec<u8> = chunks.iter().flat_map(|chunk| chunk.as_ref().unwrap().to_vec()).collect();
    assert_eq!(received, body[..1_000]);
    assert!(matches!(last, Err(Error::Transport(_))), "{last:?}");
    assert_eq!(*connections.lock().unwrap(), 1, "nothing is retried once the body has started");
}

#[tokio::test]
async fn build_text_returns_text_and_rejects_invalid_utf8() {
    let srt = "1\n00:00:00,000 --> 00:00:01,000\nHéllo\n";
    let server = serve(vec![ResponseTemplate::new(200).set_body_raw(srt, "text/plain")]).await;
    let call = Call::build_text(&client(&server.uri()), || Ok(Request::new(Method::POST, "/audio/transcriptions")));
    assert_eq!(call.await.unwrap(), srt);
    assert_eq!(server.received_requests().await.unwrap()[0].headers.get("accept").unwrap(), "application/json");

    let server = serve(vec![ResponseTemplate::new(200).set_body_bytes(b"ok \xff".to_vec()).insert_header("x-request-id", "req_t")]).await;
    let error = Call::build_text(&client(&server.uri()), || Ok(Request::new(Method::GET, "/x"))).await.unwrap_err();
    match &error {
        Error::Decode { status: 200, request_id, message, .. } => {
            assert_eq!(request_id.as_deref(), Some("req_t"));
            assert!(message.contains("utf-8"), "{message}");
        }
        other => panic!("expected `Decode`, got {other:?}"),
    }
}

#[tokio::test]
async fn a_text_body_is_sent_with_its_content_type() {
    let offer = "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n";
    let server = serve(vec![unavailable(), ResponseTemplate::new(201).set_body_raw("v=0\r\n", "application/sdp")]).await;
    let call =
        Call::build_text(&client(&server.uri()), || Ok(Request::new(Method::POST, "/realtime/calls").text("application/sdp", offer)));
    assert_eq!(call.await.unwrap(), "v=0\r\n");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.headers.get("content-type").unwrap(), "application/sdp");
        assert_eq!(request.body, offer.as_bytes());
    }
}

#[tokio::test]
async fn an_invalid_text_content_type_fails_before_sending() {
    let server = serve(vec![ResponseTemplate::new(200)]).await;
    let error = client(&server.uri()).send_empty(Request::new(Method::POST, "/x").text("bad\ntype", "x")).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { name: "body", .. }), "{error:?}");
    assert!(server.received_requests().await.unwrap().is_empty());
}
