//! Turns error responses, undecodable bodies and failed connections into `Error` values.

use sdk_runtime::{ApiError, Client, Error, Method, Request};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{OpenAi, openai};

async fn respond(response: ResponseTemplate) -> (MockServer, Client) {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(response).mount(&server).await;
    // One answer per call: these tests are about decoding it; `retries.rs` covers retrying.
    let client = openai(&format!("{}/v1", server.uri())).api_key("sk-test").max_retries(0).build().unwrap();
    (server, client)
}

async fn get(client: &Client) -> Result<Value, Error> {
    client.send(Request::new(Method::GET, "/fine_tuning/jobs/ftjob-1")).await
}

fn api_error(error: &Error) -> &ApiError {
    error.api().unwrap_or_else(|| panic!("expected `Api`, got {error:?}"))
}

#[tokio::test]
async fn error_envelope_becomes_an_api_error() {
    let body = json!({"error": {
        "message": "No such job",
        "type": "invalid_request_error",
        "param": "fine_tuning_job_id",
        "code": "not_found",
    }});
    let (_server, client) = respond(ResponseTemplate::new(404).set_body_json(body).insert_header("x-request-id", "req_123")).await;
    let error = get(&client).await.unwrap_err();

    assert_eq!(
        api_error(&error),
        &ApiError {
            status: 404,
            message: "No such job".into(),
            r#type: Some("invalid_request_error".into()),
            param: Some("fine_tuning_job_id".into()),
            code: Some("not_found".into()),
            request_id: Some("req_123".into()),
            rate_limit: Default::default(),
            retry_after: None,
        }
    );
    assert!(matches!(&error, Error::Api(_)));
    assert_eq!(error.status(), Some(404));
    assert_eq!(error.request_id(), Some("req_123"));
    assert_eq!(error.to_string(), "api error 404: No such job (request id req_123)");
    assert_eq!(api_error(&error).to_string(), error.to_string());
}

#[tokio::test]
async fn numeric_code_and_null_fields() {
    let body = json!({"error": {"message": "Slow down", "type": null, "code": 429}});
    let (_server, client) = respond(ResponseTemplate::new(429).set_body_json(body)).await;
    let error = get(&client).await.unwrap_err();

    assert_eq!(
        api_error(&error),
        &ApiError {
            status: 429,
            message: "Slow down".into(),
            r#type: None,
            param: None,
            code: Some("429".into()),
            request_id: None,
            rate_limit: Default::default(),
            retry_after: None,
        }
    );
    assert_eq!(error.to_string(), "api error 429: Slow down");
    assert_eq!(error.request_id(), None);
}

#[tokio::test]
async fn html_error_page_becomes_the_message() {
    let html = "\n<html><body><h1>502 Bad Gateway</h1></body></html>\n";
    let (_server, client) =
        respond(ResponseTemplate::new(502).set_body_raw(html, "text/html").insert_header("x-request-id", "req_proxy")).await;
    let error = get(&client).await.unwrap_err();

    let api = api_error(&error);
    assert_eq!(api.status, 502);
    assert_eq!(api.message, "<html><body><h1>502 Bad Gateway</h1></body></html>");
    assert_eq!((&api.r#type, &api.param, &api.code), (&None, &None, &None));
    assert_eq!(api.request_id.as_deref(), Some("req_proxy"));
}

#[tokio::test]
async fn long_error_body_is_cut_to_a_snippet() {
    let body = "x".repeat(5_000);
    let (_server, client) = respond(ResponseTemplate::new(500).set_body_string(body)).await;
    let error = get(&client).await.unwrap_err();
    assert_eq!(api_error(&error).message, format!("{}…", "x".repeat(200)));
}

#[tokio::test]
async fn empty_error_body_uses_the_reason_phrase() {
    let (_server, client) = respond(ResponseTemplate::new(503)).await;
    let error = get(&client).await.unwrap_err();
    assert_eq!(api_error(&error).message, "Service Unavailable");
    assert_eq!(error.to_string(), "api error 503: Service Unavailable");
}

#[tokio::test]
async fn envelope_without_message_falls_back_to_the_body() {
    let (_server, client) = respond(ResponseTemplate::new(400).set_body_string(r#"{"error": {"code": "bad"}}"#)).await;
    let error = get(&client).await.unwrap_err();
    let api = api_error(&error);
    assert_eq!(api.message, r#"{"error": {"code": "bad"}}"#);
    assert_eq!(api.code.as_deref(), Some("bad"));
}

#[tokio::test]
async fn bare_string_error_is_the_message() {
    let (_server, client) = respond(ResponseTemplate::new(401).set_body_json(json!({"error": "invalid key"}))).await;
    let error = get(&client).await.unwrap_err();
    assert_eq!(api_error(&error).message, "invalid key");
}

#[tokio::test]
async fn send_empty_reports_api_errors() {
    let body = json!({"error": {"message": "Gone", "type": "invalid_request_error"}});
    let (_server, client) = respond(ResponseTemplate::new(410).set_body_json(body)).await;
    let error = client.send_empty(Request::new(Method::DELETE, "/x")).await.unwrap_err();
    assert_eq!(error.to_string(), "api error 410: Gone");
}

#[tokio::test]
async fn malformed_success_json_is_a_decode_error() {
    let body = r#"{"id": "ftjob-1", "status":"#;
    let (_server, client) = respond(ResponseTemplate::new(200).set_body_string(body).insert_header("x-request-id", "req_bad")).await;
    let error = get(&client).await.unwrap_err();

    match &error {
        Error::Decode { status, request_id, message, snippet } => {
            assert_eq!(*status, 200);
            assert_eq!(request_id.as_deref(), Some("req_bad"));
            assert!(message.contains("EOF"), "{message}");
            assert_eq!(snippet, body);
        }
        other => panic!("expected `Decode`, got {other:?}"),
    }
    assert_eq!(error.status(), Some(200));
    assert_eq!(error.request_id(), Some("req_bad"));
    assert!(error.api().is_none());
    let display = error.to_string();
    assert!(display.starts_with("could not decode the response (status 200): "), "{display}");
    assert!(display.contains(body), "{display}");
}

#[tokio::test]
async fn wrong_shape_is_a_decode_error() {
    #[derive(Debug, Deserialize)]
    struct Job {
        #[allow(dead_code)]
        id: String,
    }
    let (_server, client) = respond(ResponseTemplate::new(200).set_body_json(json!({"id": 42}))).await;
    let error = client.send::<Job>(Request::new(Method::GET, "/x")).await.unwrap_err();
    match &error {
        Error::Decode { message, snippet, request_id, .. } => {
            assert!(message.contains("invalid type: integer `42`"), "{message}");
            assert_eq!(snippet, r#"{"id":42}"#);
            assert_eq!(request_id, &None);
        }
        other => panic!("expected `Decode`, got {other:?}"),
    }
}

#[tokio::test]
async fn empty_success_body_needs_send_empty() {
    let (_server, client) = respond(ResponseTemplate::new(204)).await;
    let error = get(&client).await.unwrap_err();
    assert!(matches!(&error, Error::Decode { status: 204, snippet, .. } if snippet.is_empty()), "{error:?}");
    client.send_empty(Request::new(Method::GET, "/x")).await.unwrap();
}

#[tokio::test]
async fn decode_snippet_is_cut_on_a_char_boundary() {
    // Two-byte characters, followed by bytes that are not UTF-8 at all.
    let mut body = "é".repeat(300).into_bytes();
    body.extend_from_slice(&[0xff, 0xfe]);
    let (_server, client) = respond(ResponseTemplate::new(200).set_body_bytes(body)).await;
    let error = get(&client).await.unwrap_err();
    match &error {
        Error::Decode { snippet, .. } => assert_eq!(snippet, &format!("{}…", "é".repeat(200))),
        other => panic!("expected `Decode`, got {other:?}"),
    }
}

#[tokio::test]
async fn invalid_utf8_is_decoded_lossily() {
    let (_server, client) = respond(ResponseTemplate::new(200).set_body_bytes(b"ok \xff end".to_vec())).await;
    let error = get(&client).await.unwrap_err();
    match &error {
        Error::Decode { snippet, .. } => assert_eq!(snippet, "ok \u{fffd} end"),
        other => panic!("expected `Decode`, got {other:?}"),
    }
}

#[derive(Debug, Deserialize)]
struct Named {
    id: String,
}

/// Success bodies are checked for UTF-8 once and read as text; one that is not UTF-8 still fails
/// with serde_json's message for bytes, which says where.
#[tokio::test]
async fn success_bodies_decode_as_text_and_bad_utf8_keeps_serde_jsons_message() {
    let (_server, client) = respond(ResponseTemplate::new(200).set_body_bytes("{\"id\": \"é\\u00e9\"}".as_bytes().to_vec())).await;
    let named = client.send::<Named>(Request::new(Method::GET, "/x")).await.unwrap();
    assert_eq!(named.id, "éé");

    let (_server, client) = respond(ResponseTemplate::new(200).set_body_bytes(b"{\"id\": \"a\xffb\"}".to_vec())).await;
    let error = client.send::<Named>(Request::new(Method::GET, "/x")).await.unwrap_err();
    match &error {
        Error::Decode { message, .. } => {
            assert!(message.starts_with("invalid unicode code point at line 1 column"), "{message}");
        }
        other => panic!("expected `Decode`, got {other:?}"),
    }
}

#[tokio::test]
async fn unreachable_server_is_a_transport_error() {
    // Binding and dropping a listener yields a local port that nothing is listening on.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = openai(&format!("http://127.0.0.1:{port}/v1")).api_key("sk-test").max_retries(0).build().unwrap();
    let error = get(&client).await.unwrap_err();
    assert!(matches!(&error, Error::Transport(_)), "{error:?}");
    assert!(error.to_string().starts_with(&format!("request failed: could not connect (http://127.0.0.1:{port}: ")), "{error}");
    assert_eq!(error.status(), None);
    assert_eq!(error.request_id(), None);
    assert!(error.api().is_none());
}

#[test]
fn errors_can_cross_threads() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    assert_send_sync::<Error>();
    assert_send_sync::<ApiError>();
    assert_send_sync::<Client>();
}
