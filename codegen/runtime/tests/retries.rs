//! The fault matrix: which failures are retried, how long the client waits, and what it gives
//! up with. Every test counts the requests the server saw.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use reqwest::header::{HeaderMap, HeaderValue};
use sdk_runtime::{ApiErrorKind, Client, Error, Method, Request, RetryPolicy};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::Sequence;
use common::{OpenAi, openai};

/// Waits short enough to keep the tests fast; the default policy's numbers are checked apart.
fn quick() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        jitter: 0.0,
        max_retry_after: Duration::from_secs(60),
    }
}

fn client(uri: &str) -> Client {
    openai(&format!("{uri}/v1")).api_key("sk-secret-key").retry_policy(quick()).build().unwrap()
}

async fn serve(responses: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET")).and(path("/v1/jobs")).respond_with(Sequence(Mutex::new(responses))).mount(&server).await;
    server
}

async fn get(client: &Client) -> Result<Value, Error> {
    client.send(Request::new(Method::GET, "/jobs")).await
}

fn ok() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"ok": true}))
}

fn status(code: u16) -> ResponseTemplate {
    ResponseTemplate::new(code).set_body_json(json!({"error": {"message": "nope", "type": "server_error"}}))
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn two_server_errors_then_success_takes_three_requests() {
    let server = serve(vec![status(500), status(500), ok()]).await;
    let response = client(&server.uri()).call::<Value>(Request::new(Method::GET, "/jobs")).with_response().await.unwrap();
    assert_eq!(*response, json!({"ok": true}));
    assert_eq!(response.meta().attempts, 3);
    assert_eq!(requests(&server).await, 3);
}

/// A retry builds its URL and headers again rather than copying the first attempt's, so each attempt must send the same
/// request: path, query (the call's own pair included), credentials, the call's header and the body.
#[tokio::test]
async fn every_attempt_sends_the_same_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/jobs"))
        .respond_with(Sequence(Mutex::new(vec![status(503), status(500), ok()])))
        .mount(&server)
        .await;
    let request = Request::new(Method::POST, "/jobs").query(&[("limit", 2)]).json(&json!({"model": "m"})).unwrap();
    let response = client(&server.uri()).call::<Value>(request).header("x-trace", "abc").query("extra", "1").with_response().await.unwrap();
    assert_eq!(response.meta().attempts, 3);
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 3);
    for attempt in &sent {
        assert_eq!(attempt.url.path(), "/v1/jobs");
        assert_eq!(attempt.url.query(), Some("limit=2&extra=1"));
        assert_eq!(attempt.headers.get("authorization").unwrap(), "Bearer sk-secret-key");
        assert_eq!(attempt.headers.get("x-trace").unwrap(), "abc");
        assert_eq!(attempt.headers.get("content-type").unwrap(), "application/json");
        assert_eq!(serde_json::from_slice::<Value>(&attempt.body).unwrap(), json!({"model": "m"}));
    }
}

#[tokio::test]
async fn retries_stop_after_the_limit_with_the_last_error() {
    let server = serve(vec![status(503)]).await;
    let error = get(&client(&server.uri())).await.unwrap_err();
    assert_eq!(error.kind(), Some(ApiErrorKind::Server));
    assert_eq!(requests(&server).await, 3, "one attempt and two retries");
}

#[tokio::test]
async fn retryable_statuses_are_408_409_429_and_5xx() {
    for code in [408, 409, 429, 500, 502, 503, 504] {
        let server = serve(vec![status(code), ok()]).await;
        get(&client(&server.uri())).await.unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(requests(&server).await, 2, "status {code} is retried");
    }
    for code in [400, 401, 403, 404, 422] {
        let server = serve(vec![status(code), ok()]).await;
        let error = get(&client(&server.uri())).await.unwrap_err();
        assert_eq!(error.status(), Some(code));
        assert_eq!(requests(&server).await, 1, "status {code} is not retried");
    }
}

#[tokio::test]
async fn retry_after_ms_is_honoured() {
    let server = serve(vec![status(429).insert_header("retry-after-ms", "300"), ok()]).await;
    let started = Instant::now();
    get(&client(&server.uri())).await.unwrap();
    // The policy alone would wait 10 ms; the header asks for 300.
    assert!(started.elapsed() >= Duration::from_millis(300), "waited only {:?}", started.elapsed());
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn retry_after_in_seconds_is_honoured() {
    let server = serve(vec![status(503).insert_header("retry-after", "1"), ok()]).await;
    let started = Instant::now();
    get(&client(&server.uri())).await.unwrap();
    assert!(started.elapsed() >= Duration::from_secs(1), "waited only {:?}", started.elapsed());
    assert_eq!(requests(&server).await, 2);
}

#[tokio::test]
async fn a_retry_after_over_the_maximum_ends_the_call_with_the_wait_asked_for() {
    let server = serve(vec![status(429).insert_header("retry-after", "600"), ok()]).await;
    let started = Instant::now();
    let error = get(&client(&server.uri())).await.unwrap_err();
    // No retry sooner than the server asked: one request, at once, and the error says the wait.
    assert_eq!(requests(&server).await, 1);
    assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    assert_eq!(error.kind(), Some(ApiErrorKind::RateLimit));
    assert_eq!(error.retry_after(), Some(Duration::from_secs(600)));
    // The maximum is a setting: with ten minutes allowed, the same answer would be waited for
    // (checked on the decision alone, so the test does not wait).
    let patient = RetryPolicy { max_retry_after: Duration::from_secs(600), ..quick() };
    let mut headers = HeaderMap::new();
    headers.insert("retry-after", HeaderValue::from_static("600"));
    assert_eq!(patient.delay(0, Some(&headers)), Duration::from_secs(600));
}

#[test]
fn a_retry_after_of_zero_or_in_the_past_uses_the_backoff() {
    let policy = RetryPolicy { jitter: 0.25, ..quick() };
    for value in ["0", "Wed, 21 Oct 2015 07:28:00 GMT"] {
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_str(value).unwrap());
        let delay = policy.delay(1, Some(&headers));
        // The second retry's backoff is 20 ms, less up to a quarter of it at random.
        assert!(delay >= Duration::from_millis(15) && delay <= Duration::from_millis(20), "{value}: {delay:?}");
    }
}

#[tokio::test]
async fn a_post_without_a_body_says_its_length_is_zero() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).and(path("/v1/jobs/j1/pause")).respond_with(ok()).expect(1).mount(&server).await;
    let _: Value = client(&server.uri()).send(Request::new(Method::POST, "/jobs/j1/pause")).await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers.get("content-length").map(|v| v.to_str().unwrap()), Some("0"));
}

#[tokio::test]
async fn x_should_retry_overrides_the_status() {
    let server = serve(vec![status(500).insert_header("x-should-retry", "false"), ok()]).await;
    assert_eq!(get(&client(&server.uri())).await.unwrap_err().status(), Some(500));
    assert_eq!(requests(&server).await, 1, "false stops at once");

    let server = serve(vec![status(400).insert_header("x-should-retry", "true"), ok()]).await;
    get(&client(&server.uri())).await.unwrap();
    assert_eq!(requests(&server).await, 2, "true retries even a 400");
}

#[tokio::test]
async fn insufficient_quota_is_never_retried() {
    let quota = ResponseTemplate::new(429)
        .set_body_json(
            json!({"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}),
        )
        .insert_header("x-should-retry", "true");
    let server = serve(vec![quota, ok()]).await;
    let error = get(&client(&server.uri())).await.unwrap_err();
    assert_eq!(error.kind(), Some(ApiErrorKind::RateLimit));
    assert_eq!(error.api().unwrap().code.as_deref(), Some("insufficient_quota"));
    assert_eq!(requests(&server).await, 1);
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_an_api_error_after_the_retries() {
    let page = ResponseTemplate::new(502).set_body_raw("<html><body><h1>502 Bad Gateway</h1></body></html>", "text/html");
    let server = serve(vec![page]).await;
    let error = get(&client(&server.uri())).await.unwrap_err();
    let api = error.api().expect("an API error");
    assert_eq!((api.status, api.kind()), (502, ApiErrorKind::Server));
    assert!(api.message.contains("502 Bad Gateway"), "{api:?}");
    assert_eq!(requests(&server).await, 3);
}

#[tokio::test]
async fn a_connection_dropped_mid_response_is_retried() {
    // A server of our own: the first connection promises 100 bytes and hangs up after 10,
    // the second answers properly.
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
            let reply: &[u8] = if n == 1 {
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"ok\": tr"
            } else {
                b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 12\r\nconnection: close\r\n\r\n{\"ok\": true}"
            };
            socket.write_all(reply).await.unwrap();
            socket.shutdown().await.ok();
        }
    });
    let value = get(&client(&format!("http://{address}"))).await.unwrap();
    assert_eq!(value, json!({"ok": true}));
    assert_eq!(*connections.lock().unwrap(), 2);
}

#[tokio::test]
async fn a_slow_response_hits_the_timeout_and_is_retried() {
    let slow = ok().set_delay(Duration::from_secs(5));
    let server = serve(vec![slow]).await;
    let client = openai(&format!("{}/v1", server.uri()))
        .api_key("sk-test")
        .retry_policy(RetryPolicy { max_retries: 1, ..quick() })
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = get(&client).await.unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    assert!(matches!(error, Error::Timeout { after, .. } if after == Duration::from_millis(200)), "{error:?}");
    // The message says what happened and after how long, not reqwest's "error sending request".
    assert_eq!(error.to_string(), "request timed out: no complete answer within 0.2 s");
    assert_eq!(requests(&server).await, 2, "the timed-out attempt was retried once");
}

#[tokio::test]
async fn a_body_cut_off_says_the_connection_closed_before_it_ended() {
    // A server of our own that promises 100 bytes and hangs up after 10, every time.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buffer = [0u8; 4096];
            let _ = socket.read(&mut buffer).await;
            let reply = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{\"ok\": tr";
            socket.write_all(reply).await.unwrap();
            socket.shutdown().await.ok();
        }
    });
    let client = openai(&format!("http://{address}/v1")).api_key("sk-test").max_retries(0).build().unwrap();
    let error = get(&client).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let message = error.to_string();
    assert!(message.starts_with("request failed: the connection closed before the response body ended (http://127.0.0.1:"), "{message}");
}

#[tokio::test]
async fn per_call_options_override_the_client() {
    let server = serve(vec![status(500), ok()]).await;
    let error = client(&server.uri()).call::<Value>(Request::new(Method::GET, "/jobs")).max_retries(0).await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(requests(&server).await, 1);

    let slow = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok().set_delay(Duration::from_secs(5))).mount(&slow).await;
    let error = client(&slow.uri())
        .call::<Value>(Request::new(Method::GET, "/jobs"))
        .timeout(Duration::from_millis(100))
        .max_retries(0)
        .await
        .unwrap_err();
    assert!(error.is_timeout());

    let echo = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ok()).mount(&echo).await;
    client(&echo.uri())
        .call::<Value>(Request::new(Method::GET, "/jobs").query(&[("limit", 2)]))
        .header("x-trace", "abc")
        .query("extra", "1")
        .await
        .unwrap();
    let sent = &echo.received_requests().await.unwrap()[0];
    assert_eq!(sent.headers.get("x-trace").unwrap(), "abc");
    assert_eq!(sent.url.query(), Some("limit=2&extra=1"));

    let bad = client(&echo.uri()).call::<Value>(Request::new(Method::GET, "/jobs")).header("bad header", "x").await.unwrap_err();
    assert!(matches!(bad, Error::InvalidArgument { name: "header", .. }), "{bad:?}");
    assert_eq!(echo.received_requests().await.unwrap().len(), 1, "an invalid header fails before sending");

    // A body field the spec does not list yet, next to the typed ones; and on a call without a body.
    Mock::given(method("POST")).respond_with(ok()).mount(&echo).await;
    let typed = Request::new(Method::POST, "/jobs").json(&json!({"model": "m", "n": 1.50})).unwrap();
    client(&echo.uri()).call::<Value>(typed).body_field("new_flag", true).body_field("n", 2).await.unwrap();
    client(&echo.uri()).call::<Value>(Request::new(Method::POST, "/jobs/j/pause")).body_field("reason", "later").await.unwrap();
    let sent = echo.received_requests().await.unwrap();
    let body = |i: usize| serde_json::from_slice::<Value>(&sent[i].body).unwrap();
    assert_eq!(body(1), json!({"model": "m", "n": 2, "new_flag": true}));
    assert_eq!(body(2), json!({"reason": "later"}));
    let not_object = Request::new(Method::POST, "/jobs").json(&json!([1])).unwrap();
    let error = client(&echo.uri()).call::<Value>(not_object).body_field("x", 1).await.unwrap_err();
    assert!(matches!(error, Error::InvalidArgument { name: "body", .. }), "{error:?}");
    assert_eq!(echo.received_requests().await.unwrap().len(), 3, "a body that is no object fails before sending");
}

#[tokio::test]
async fn request_id_and_rate_limits_come_with_every_answer() {
    let headers = |template: ResponseTemplate| {
        template
            .insert_header("x-request-id", "req_42")
            .insert_header("x-ratelimit-limit-requests", "5000")
            .insert_header("x-ratelimit-remaining-requests", "4999")
            .insert_header("x-ratelimit-limit-tokens", "160000")
            .insert_header("x-ratelimit-remaining-tokens", "159000")
            .insert_header("x-ratelimit-reset-requests", "12ms")
            .insert_header("x-ratelimit-reset-tokens", "6m0s")
    };
    let server = serve(vec![headers(ok())]).await;
    let response = client(&server.uri()).call::<Value>(Request::new(Method::GET, "/jobs")).with_response().await.unwrap();
    assert_eq!(response.request_id(), Some("req_42"));
    let limits = response.rate_limit();
    assert_eq!((limits.limit_requests, limits.remaining_requests), (Some(5000), Some(4999)));
    assert_eq!((limits.limit_tokens, limits.remaining_tokens), (Some(160000), Some(159000)));
    assert_eq!(limits.reset_requests, Some(Duration::from_millis(12)));
    assert_eq!(limits.reset_tokens, Some(Duration::from_secs(360)));
    // The raw response: status, every header, and the body exactly as it arrived.
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers().get("x-ratelimit-reset-tokens").unwrap(), "6m0s");
    assert_eq!(response.headers().get("content-type").unwrap(), "application/json");
    assert_eq!(response.body().as_ref(), br#"{"ok":true}"#);
    assert_eq!(*response, json!({"ok": true}));

    let server = serve(vec![headers(status(404))]).await;
    let error = get(&client(&server.uri())).await.unwrap_err();
    let api = error.api().unwrap();
    assert_eq!(api.request_id.as_deref(), Some("req_42"));
    assert_eq!(api.rate_limit.remaining_tokens, Some(159000));
    assert_eq!(error.to_string(), "api error 404: nope (request id req_42)");
}

#[test]
fn error_kinds_follow_the_status() {
    let kinds = [
        (400, ApiErrorKind::BadRequest),
        (401, ApiErrorKind::Authentication),
        (403, ApiErrorKind::PermissionDenied),
        (404, ApiErrorKind::NotFound),
        (409, ApiErrorKind::Conflict),
        (422, ApiErrorKind::Unprocessable),
        (429, ApiErrorKind::RateLimit),
        (500, ApiErrorKind::Server),
        (503, ApiErrorKind::Server),
        (418, ApiErrorKind::Other),
    ];
    for (status, kind) in kinds {
        let error = sdk_runtime::ApiError {
            status,
            message: String::new(),
            r#type: None,
            param: None,
            code: None,
            request_id: None,
            rate_limit: Default::default(),
            retry_after: None,
        };
        assert_eq!(error.kind(), kind, "status {status}");
    }
}

#[test]
fn default_backoff_doubles_from_half_a_second_up_to_eight() {
    let policy = RetryPolicy::default();
    assert_eq!(policy.max_retries, 2);
    let waits: Vec<u128> = (0..7).map(|n| policy.backoff(n).as_millis()).collect();
    assert_eq!(waits, [500, 1000, 2000, 4000, 8000, 8000, 8000]);
    // Jitter takes off at most a quarter, never adds.
    for n in 0..6 {
        for _ in 0..50 {
            let delay = policy.delay(n, None);
            assert!(delay <= policy.backoff(n) && delay >= policy.backoff(n).mul_f64(0.75), "{delay:?}");
        }
    }
}

#[test]
fn retry_after_headers_are_read_in_three_forms() {
    let policy = RetryPolicy { jitter: 0.0, ..RetryPolicy::default() };
    let with = |name: &'static str, value: &str| {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        policy.delay(0, Some(&headers))
    };
    assert_eq!(with("retry-after-ms", "250"), Duration::from_millis(250));
    assert_eq!(with("retry-after", "3"), Duration::from_secs(3));
    let soon = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(10));
    let wait = with("retry-after", &soon);
    assert!(wait > Duration::from_secs(8) && wait <= Duration::from_secs(10), "{wait:?}");
    // Too long, or unreadable: the policy's own backoff.
    assert_eq!(with("retry-after", "61"), Duration::from_millis(500));
    let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(3600));
    assert_eq!(with("retry-after", &later), Duration::from_millis(500));
    assert_eq!(with("retry-after", "soon"), Duration::from_millis(500));
}

#[tokio::test]
async fn logs_name_method_path_status_attempt_and_request_id_but_never_the_key_or_body() {
    let server = MockServer::start().await;
    let answers = vec![status(500).insert_header("x-request-id", "req_7"), ok().insert_header("x-request-id", "req_8")];
    Mock::given(method("POST")).respond_with(Sequence(Mutex::new(answers))).mount(&server).await;
    let (logs, _guard) = capture_logs();
    client(&server.uri()).send::<Value>(Request::new(Method::POST, "/jobs").json(&json!({"secret": "payload"})).unwrap()).await.ok();
    let logs = logs.text();
    for expected in [
        "method=POST",
        "path=/jobs",
        "attempt=1",
        "attempt=2",
        "status=500",
        "status=200",
        "request_id=req_7",
        "request_id=req_8",
        "retrying",
    ] {
        assert!(logs.contains(expected), "`{expected}` missing from:\n{logs}");
    }
    assert!(!logs.contains("sk-secret-key") && !logs.contains("payload"), "{logs}");
}

/// Collects everything `tracing` logs on this thread while the guard lives.
fn capture_logs() -> (Logs, tracing::subscriber::DefaultGuard) {
    let logs = Logs::default();
    let writer = logs.clone();
    let subscriber =
        tracing_subscriber::fmt().with_max_level(tracing::Level::DEBUG).with_ansi(false).with_writer(move || writer.clone()).finish();
    (logs, tracing::subscriber::set_default(subscriber))
}

#[derive(Clone, Default)]
struct Logs(Arc<Mutex<Vec<u8>>>);

impl Logs {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
