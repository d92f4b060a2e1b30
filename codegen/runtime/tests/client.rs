//! Sends requests to a mock server and checks what arrives: headers, URL, query and body, plus client configuration.

use std::collections::{BTreeMap, HashMap};

use sdk_runtime::{Client, ClientBuilder, Error, Method, Query, Request, ToQuery};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{OpenAi, openai};

const KEY: &str = "sk-test-secret-key";

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).mount(&server).await;
    server
}

fn client(server: &MockServer) -> Client {
    openai(&format!("{}/v1", server.uri())).api_key(KEY).build().unwrap()
}

/// The one request the server received.
async fn only_request(server: &MockServer) -> wiremock::Request {
    let mut requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1, "expected exactly one request");
    requests.remove(0)
}

fn header<'a>(request: &'a wiremock::Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).map(|value| value.to_str().unwrap())
}

#[tokio::test]
async fn sends_the_standard_headers() {
    let server = server().await;
    let client = openai(&format!("{}/v1", server.uri())).api_key(KEY).organization("org-123").project("proj_456").build().unwrap();
    let body = json!({"model": "gpt-4o-mini", "training_file": "file-abc"});
    let request = Request::new(Method::POST, "/fine_tuning/jobs").json(&body).unwrap();
    let response: Value = client.send(request).await.unwrap();
    assert_eq!(response, json!({"ok": true}));

    let received = only_request(&server).await;
    assert_eq!(received.method.as_str(), "POST");
    assert_eq!(received.url.path(), "/v1/fine_tuning/jobs");
    assert_eq!(header(&received, "authorization"), Some("Bearer sk-test-secret-key"));
    assert_eq!(header(&received, "openai-organization"), Some("org-123"));
    assert_eq!(header(&received, "openai-project"), Some("proj_456"));
    assert_eq!(header(&received, "accept"), Some("application/json"));
    assert_eq!(header(&received, "content-type"), Some("application/json"));
    let user_agent = header(&received, "user-agent").unwrap();
    assert!(user_agent.starts_with("sdk-runtime/"), "{user_agent}");
    assert_eq!(user_agent, format!("sdk-runtime/{}", env!("CARGO_PKG_VERSION")));
    assert_eq!(received.body, br#"{"model":"gpt-4o-mini","training_file":"file-abc"}"#);
}

#[tokio::test]
async fn omits_optional_headers_when_unset() {
    let server = server().await;
    let _: Value = client(&server).send(Request::new(Method::GET, "/models")).await.unwrap();

    let received = only_request(&server).await;
    assert_eq!(received.method.as_str(), "GET");
    assert_eq!(header(&received, "openai-organization"), None);
    assert_eq!(header(&received, "openai-project"), None);
    assert_eq!(header(&received, "content-type"), None);
    assert_eq!(header(&received, "authorization"), Some("Bearer sk-test-secret-key"));
    assert!(received.body.is_empty());
    assert_eq!(received.url.query(), None, "no `?` without query pairs");
}

struct ListParams {
    after: Option<String>,
    limit: Option<i64>,
    metadata: Option<BTreeMap<String, String>>,
}

impl ToQuery for ListParams {
    fn to_query(&self, query: &mut Query) {
        if let Some(value) = &self.after {
            query.push("after", value);
        }
        if let Some(value) = &self.limit {
            query.push("limit", value);
        }
        if let Some(map) = &self.metadata {
            query.push_deep_object("metadata", map);
        }
    }
}

#[tokio::test]
async fn encodes_the_query() {
    let server = server().await;
    let params = ListParams {
        after: Some("ftjob-1&limit=999".into()),
        limit: Some(10),
        metadata: Some(BTreeMap::from([("env".into(), "prod & test".into()), ("a b".into(), "x=y/ü#".into())])),
    };
    let _: Value = client(&server).send(Request::new(Method::GET, "/fine_tuning/jobs").query(&params)).await.unwrap();

    let received = only_request(&server).await;
    assert_eq!(received.url.path(), "/v1/fine_tuning/jobs");
    assert_eq!(
        received.url.query(),
        Some("after=ftjob-1%26limit%3D999&limit=10&metadata%5Ba+b%5D=x%3Dy%2F%C3%BC%23&metadata%5Benv%5D=prod+%26+test")
    );
    let decoded: Vec<(String, String)> = received.url.query_pairs().into_owned().collect();
    let expected = [("after", "ftjob-1&limit=999"), ("limit", "10"), ("metadata[a b]", "x=y/ü#"), ("metadata[env]", "prod & test")];
    let expected: Vec<(String, String)> = expected.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    assert_eq!(decoded, expected);
}

/// Mirrors a generated operation with a path parameter.
async fn pause(client: &Client, fine_tuning_job_id: &str) -> Result<Value, Error> {
    client
        .send(Request::new(
            Method::POST,
            format!("/fine_tuning/jobs/{}/pause", Request::path_segment("fine_tuning_job_id", fine_tuning_job_id)?),
        ))
        .await
}

#[tokio::test]
async fn path_segment_reaches_the_server_as_one_segment() {
    let server = server().await;
    pause(&client(&server), "a/../b").await.unwrap();

    let received = only_request(&server).await;
    assert_eq!(received.url.path(), "/v1/fine_tuning/jobs/a%2F..%2Fb/pause");
    assert_eq!(received.url.path_segments().unwrap().count(), 5);
}

#[tokio::test]
async fn encoded_segments_are_not_normalised_or_re_encoded() {
    for (id, expected) in [
        ("%2e%2e", "/v1/fine_tuning/jobs/%252e%252e/pause"),
        ("50%", "/v1/fine_tuning/jobs/50%25/pause"),
        ("ü ?#", "/v1/fine_tuning/jobs/%C3%BC%20%3F%23/pause"),
        ("...", "/v1/fine_tuning/jobs/.../pause"),
    ] {
        let server = server().await;
        pause(&client(&server), id).await.unwrap();
        let received = only_request(&server).await;
        assert_eq!(received.url.path(), expected, "for {id:?}");
        assert_eq!(received.url.query(), None, "for {id:?}");
    }
}

#[tokio::test]
async fn invalid_path_segments_fail_before_any_request() {
    let server = server().await;
    let client = client(&server);
    for id in ["", ".", ".."] {
        let error = pause(&client, id).await.unwrap_err();
        assert!(matches!(error, Error::InvalidArgument { name: "fine_tuning_job_id", .. }), "for {id:?}: {error:?}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn trailing_slash_in_base_url_is_trimmed() {
    let server = server().await;
    let client = openai(&format!("{}/v1///", server.uri())).api_key(KEY).build().unwrap();
    assert_eq!(client.base_url(), format!("{}/v1", server.uri()));
    let _: Value = client.send(Request::new(Method::GET, "/models")).await.unwrap();
    assert_eq!(only_request(&server).await.url.path(), "/v1/models");
}

#[tokio::test]
async fn base_url_without_a_path() {
    let server = server().await;
    let client = openai(&format!("{}/", server.uri())).api_key(KEY).build().unwrap();
    assert_eq!(client.base_url(), server.uri());
    let _: Value = client.send(Request::new(Method::GET, "/models")).await.unwrap();
    assert_eq!(only_request(&server).await.url.path(), "/models");
}

#[tokio::test]
async fn path_without_leading_slash_gets_one() {
    let server = server().await;
    let _: Value = client(&server).send(Request::new(Method::GET, "models")).await.unwrap();
    assert_eq!(only_request(&server).await.url.path(), "/v1/models");
}

#[tokio::test]
async fn send_empty_accepts_no_content() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE")).and(path("/v1/things/t1")).respond_with(ResponseTemplate::new(204)).expect(1).mount(&server).await;
    client(&server).send_empty(Request::new(Method::DELETE, "/things/t1")).await.unwrap();
}

#[tokio::test]
async fn send_empty_ignores_a_success_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_string("not json at all")).expect(1).mount(&server).await;
    client(&server).send_empty(Request::new(Method::POST, "/x")).await.unwrap();
}

#[tokio::test]
async fn uses_a_caller_supplied_http_client() {
    let server = server().await;
    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-custom", "yes".parse().unwrap());
    let http = reqwest::Client::builder().default_headers(headers).build().unwrap();
    let client = openai(&server.uri()).api_key(KEY).http_client(http).build().unwrap();
    let _: Value = client.send(Request::new(Method::GET, "/models")).await.unwrap();

    let received = only_request(&server).await;
    assert_eq!(header(&received, "x-custom"), Some("yes"));
    assert_eq!(header(&received, "authorization"), Some("Bearer sk-test-secret-key"));
}

#[tokio::test]
async fn clones_share_the_configuration() {
    let server = server().await;
    let client = client(&server).clone();
    let _: Value = client.send(Request::new(Method::GET, "/models")).await.unwrap();
    assert_eq!(header(&only_request(&server).await, "authorization"), Some("Bearer sk-test-secret-key"));
}

fn lookup(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let vars: HashMap<String, String> = vars.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect();
    move |name| vars.get(name).cloned()
}

#[tokio::test]
async fn env_with_reads_all_four_variables() {
    let server = server().await;
    let base_url = format!("{}/env", server.uri());
    let client = openai("https://unused.invalid/v1")
        .env_with(lookup(&[
            ("OPENAI_API_KEY", "sk-from-env"),
            ("OPENAI_BASE_URL", &base_url),
            ("OPENAI_ORG_ID", "org-env"),
            ("OPENAI_PROJECT_ID", "proj-env"),
        ]))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), base_url);
    let _: Value = client.send(Request::new(Method::GET, "/models")).await.unwrap();

    let received = only_request(&server).await;
    assert_eq!(received.url.path(), "/env/models");
    assert_eq!(header(&received, "authorization"), Some("Bearer sk-from-env"));
    assert_eq!(header(&received, "openai-organization"), Some("org-env"));
    assert_eq!(header(&received, "openai-project"), Some("proj-env"));
}

#[tokio::test]
async fn setters_after_env_win_and_env_beats_earlier_setters() {
    let server = server().await;
    let client = openai("https://unused.invalid/v1")
        .project("proj-early")
        .env_with(lookup(&[
            ("OPENAI_API_KEY", "sk-from-env"),
            ("OPENAI_BASE_URL", "https://env.invalid/v1"),
            ("OPENAI_ORG_ID", "org-env"),
            ("OPENAI_PROJECT_ID", "proj-env"),
        ]))
        .api_key("sk-explicit")
        .base_url(server.uri())
        .organization("org-explicit")
        .build()
        .unwrap();
    assert_eq!(client.base_url(), server.uri());
    let _: Value = client.send(Request::new(Method::GET, "/models")).await.unwrap();

    let received = only_request(&server).await;
    assert_eq!(header(&received, "authorization"), Some("Bearer sk-explicit"));
    assert_eq!(header(&received, "openai-organization"), Some("org-explicit"));
    assert_eq!(header(&received, "openai-project"), Some("proj-env"));
}

#[tokio::test]
async fn empty_env_variables_are_ignored() {
    let server = server().await;
    let client = openai(&server.uri())
        .api_key("sk-explicit")
        .organization("org-explicit")
        .env_with(lookup(&[("OPENAI_API_KEY", ""), ("OPENAI_BASE_URL", ""), ("OPENAI_ORG_ID", ""), ("OPENAI_PROJECT_ID", "")]))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), server.uri());
    let _: Value = client.send(Request::new(Method::GET, "/models")).await.unwrap();

    let received = only_request(&server).await;
    assert_eq!(header(&received, "authorization"), Some("Bearer sk-explicit"));
    assert_eq!(header(&received, "openai-organization"), Some("org-explicit"));
    assert_eq!(header(&received, "openai-project"), None);
}

fn config_error(builder: ClientBuilder) -> String {
    match builder.build() {
        Err(Error::Config(message)) => message,
        Err(other) => panic!("expected `Config`, got {other:?}"),
        Ok(client) => panic!("expected an error, got {client:?}"),
    }
}

#[test]
fn missing_api_key_names_the_variable() {
    let message = config_error(openai("https://api.example.com/v1"));
    assert!(message.contains("`OPENAI_API_KEY`"), "{message}");
    let empty = config_error(openai("https://api.example.com/v1").env_with(lookup(&[("OPENAI_API_KEY", "")])));
    assert_eq!(empty, message);
    let explicit_empty = config_error(openai("https://api.example.com/v1").api_key(""));
    assert_eq!(explicit_empty, message);
    let error = openai("https://api.example.com/v1").build().unwrap_err();
    assert_eq!(error.to_string(), format!("invalid client configuration: {message}"));
}

#[test]
fn bad_base_urls_are_rejected() {
    for base_url in
        ["not a url", "/v1", "api.openai.com/v1", "ftp://example.com/v1", "https://example.com/v1?x=1", "https://example.com/v1#top"]
    {
        let message = config_error(openai(base_url).api_key(KEY));
        assert!(message.starts_with(&format!("invalid base URL `{base_url}`: ")), "{message}");
    }
}

#[test]
fn http_base_url_is_accepted() {
    let client = openai("http://localhost:8080/v1/").api_key(KEY).build().unwrap();
    assert_eq!(client.base_url(), "http://localhost:8080/v1");
}

#[test]
fn header_values_must_be_valid() {
    let message = config_error(openai("https://api.example.com/v1").api_key("sk-line\nbreak"));
    assert!(message.contains("`ApiKeyAuth`"), "{message}");
    assert!(!message.contains("sk-line"), "the key leaked into {message}");

    let message = config_error(openai("https://api.example.com/v1").api_key(KEY).organization("org\r\n1"));
    assert!(message.contains("`OpenAI-Organization`") && !message.contains("org\r"), "{message}");
    let message = config_error(openai("https://api.example.com/v1").api_key(KEY).project("proj\n1"));
    assert!(message.contains("`OpenAI-Project`"), "{message}");
}

#[test]
fn debug_never_shows_the_key() {
    let builder = openai("https://api.example.com/v1").api_key(KEY).organization("org-123").project("proj_456");
    let debug = format!("{builder:?}");
    assert!(!debug.contains(KEY), "{debug}");
    assert!(debug.contains("<redacted>"), "{debug}");
    assert!(debug.contains("org-123") && debug.contains("proj_456") && debug.contains("https://api.example.com/v1"), "{debug}");

    let client = builder.build().unwrap();
    for debug in [format!("{client:?}"), format!("{client:#?}")] {
        assert!(!debug.contains(KEY), "{debug}");
        assert!(debug.contains(r#""ApiKeyAuth": "<redacted>""#) && !debug.contains("AdminApiKeyAuth"), "{debug}");
        assert_eq!(debug.matches("<redacted>").count(), 1, "{debug}");
        assert!(debug.contains("org-123") && debug.contains("proj_456") && debug.contains("https://api.example.com/v1"), "{debug}");
    }
}

/// A call sets only its path on the base URL parsed once; a path built by hand with its own `?` is parsed whole instead, so the
/// query it carries stays a query, ahead of the request's pairs.
#[tokio::test]
async fn a_hand_built_path_with_a_query_keeps_it_beside_the_query_pairs() {
    let server = server().await;
    client(&server).send::<Value>(Request::new(Method::GET, "/models?beta=true").query(&[("limit", 2)])).await.unwrap();
    let sent = only_request(&server).await;
    assert_eq!(sent.url.path(), "/v1/models");
    assert_eq!(sent.url.query(), Some("beta=true&limit=2"));
}

#[tokio::test]
async fn a_path_is_appended_to_the_base_url_path_with_or_without_slashes() {
    let server = server().await;
    for (base, path) in [("/v1", "models/a%2Fb"), ("/v1/", "/models/a%2Fb"), ("/v1//", "models/a%2Fb")] {
        let client = openai(&format!("{}{base}", server.uri())).api_key(KEY).build().unwrap();
        client.send::<Value>(Request::new(Method::GET, path)).await.unwrap();
    }
    let sent = server.received_requests().await.unwrap();
    assert_eq!(sent.len(), 3);
    for request in &sent {
        assert_eq!(request.url.path(), "/v1/models/a%2Fb", "escapes stay as they are");
        assert_eq!(request.url.query(), None);
    }
}
