//! Every security scheme kind and server setting of a `Profile`: exactly what goes on the wire, and the `Config` errors.

use std::collections::HashMap;

use sdk_runtime::{Client, ClientBuilder, Error, Method, Profile, RetryHints, Scheme, SchemeKind, ServerVariable};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const NO_RETRY: RetryHints = RetryHints { should_retry_header: None, never_retry_codes: &[] };

/// One scheme of every kind, the bearer token by default, and a credential always needed.
static MANY: Profile = Profile {
    server: None,
    server_variables: &[],
    base_url_env: None,
    schemes: &[
        Scheme { name: "Token", kind: SchemeKind::Bearer, setter: "token", env: &["MANY_TOKEN"] },
        Scheme { name: "Login", kind: SchemeKind::Basic, setter: "login", env: &["MANY_USER", "MANY_PASSWORD"] },
        Scheme { name: "HeaderKey", kind: SchemeKind::Header("X-Api-Key"), setter: "header_key", env: &["MANY_HEADER_KEY"] },
        Scheme { name: "QueryKey", kind: SchemeKind::Query("api_key"), setter: "query_key", env: &["MANY_QUERY_KEY"] },
        Scheme { name: "CookieA", kind: SchemeKind::Cookie("a"), setter: "cookie_a", env: &["MANY_COOKIE_A"] },
        Scheme { name: "CookieB", kind: SchemeKind::Cookie("b"), setter: "cookie_b", env: &["MANY_COOKIE_B"] },
    ],
    security: &[&["Token"]],
    needs_credential: true,
    headers: &[],
    retry: NO_RETRY,
};

/// An API open to everyone (`security: []`) with no schemes at all.
static OPEN: Profile = Profile { schemes: &[], security: &[], needs_credential: false, ..MANY };

/// A templated server with two variables.
static TEMPLATED: Profile = Profile {
    server: Some("http://{host}/api/{version}"),
    server_variables: &[ServerVariable { name: "host", default: "unused.invalid" }, ServerVariable { name: "version", default: "v2" }],
    base_url_env: Some("TPL_BASE_URL"),
    ..OPEN
};

/// No server, but an environment variable for the base URL.
static NO_SERVER: Profile = Profile { server: None, server_variables: &[], base_url_env: Some("SVC_BASE_URL"), ..OPEN };

/// No server and no environment variable.
static NOTHING: Profile = Profile { base_url_env: None, ..NO_SERVER };

/// A server relative to wherever the spec is served.
static RELATIVE: Profile = Profile { server: Some("/api/v3"), base_url_env: None, ..NO_SERVER };

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).mount(&server).await;
    server
}

fn many(server: &MockServer) -> ClientBuilder {
    ClientBuilder::with_profile(&MANY).base_url(server.uri())
}

fn get(path: &str) -> sdk_runtime::Request {
    sdk_runtime::Request::new(Method::GET, path)
}

/// Sends `request` and returns what the server received for it.
async fn exchange(server: &MockServer, client: &Client, request: sdk_runtime::Request) -> wiremock::Request {
    let before = server.received_requests().await.unwrap().len();
    let answer: Value = client.send(request).await.unwrap();
    assert_eq!(answer, json!({"ok": true}));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), before + 1, "exactly one request was sent");
    received.into_iter().last().unwrap()
}

/// Every value of header `name`.
fn values(request: &wiremock::Request, name: &str) -> Vec<String> {
    request.headers.get_all(name).iter().map(|value| value.to_str().unwrap().to_owned()).collect()
}

fn config(result: Result<impl std::fmt::Debug, Error>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected `Config`, got {other:?}"),
    }
}

async fn nothing_sent(server: &MockServer) {
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn bearer_sends_the_token_in_authorization() {
    let server = server().await;
    let client = many(&server).credential("Token", "tok").build().unwrap();
    let received = exchange(&server, &client, get("/x")).await;
    assert_eq!(values(&received, "authorization"), ["Bearer tok"]);
    assert_eq!(received.url.query(), None);
    assert!(values(&received, "cookie").is_empty());
}

#[tokio::test]
async fn basic_sends_user_and_password_in_base64() {
    const LOGIN: &[&[&str]] = &[&["Login"]];
    let server = server().await;
    let client = many(&server).basic_credential("Login", "user", "pass").build().unwrap();
    let received = exchange(&server, &client, get("/x").security(LOGIN)).await;
    assert_eq!(values(&received, "authorization"), ["Basic dXNlcjpwYXNz"]);

    let vars = HashMap::from([("MANY_USER", "Aladdin"), ("MANY_PASSWORD", "open sesame")]);
    let client = many(&server).env_with(|name| vars.get(name).map(|v| v.to_string())).build().unwrap();
    let received = exchange(&server, &client, get("/x").security(LOGIN)).await;
    assert_eq!(values(&received, "authorization"), ["Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="]);

    // Only the user name in the environment sets nothing.
    let message = config(many(&server).env_with(|name| (name == "MANY_USER").then(|| "user".to_owned())).build());
    assert!(message.starts_with("missing credentials"), "{message}");
}

#[test]
fn basic_given_one_key_is_a_config_error_naming_the_scheme() {
    let message = config(ClientBuilder::with_profile(&MANY).base_url("https://api.example.com").credential("Login", "k3y-only").build());
    assert!(message.contains("`Login`") && message.contains("`ClientBuilder::login`"), "{message}");
    assert!(!message.contains("k3y-only"), "{message}");
    // And the other way round: a key scheme given a user name and password.
    let message =
        config(ClientBuilder::with_profile(&MANY).base_url("https://api.example.com").basic_credential("Token", "u", "p").build());
    assert!(message.contains("`Token`"), "{message}");
}

#[tokio::test]
async fn header_key_goes_as_it_is_in_its_own_header() {
    let server = server().await;
    let client = many(&server).credential("HeaderKey", "k-123").build().unwrap();
    let received = exchange(&server, &client, get("/x").security(&[&["HeaderKey"]])).await;
    assert_eq!(values(&received, "x-api-key"), ["k-123"]);
    assert!(values(&received, "authorization").is_empty());
    assert_eq!(received.url.query(), None);
}

#[tokio::test]
async fn query_key_joins_the_request_query_encoded() {
    let server = server().await;
    let client = many(&server).credential("QueryKey", "k/=+").build().unwrap();
    let request = get("/x").query(&[("q", "a b&c")]).security(&[&["QueryKey"]]);
    let received = exchange(&server, &client, request).await;
    assert_eq!(received.url.path(), "/x");
    assert_eq!(received.url.query(), Some("q=a+b%26c&api_key=k%2F%3D%2B"));
    assert!(values(&received, "authorization").is_empty());
    assert!(values(&received, "x-api-key").is_empty());
    assert!(values(&received, "cookie").is_empty());

    let received = exchange(&server, &client, get("/y").security(&[&["QueryKey"]])).await;
    assert_eq!(received.url.query(), Some("api_key=k%2F%3D%2B"));
}

#[tokio::test]
async fn cookie_keys_share_one_cookie_header() {
    let server = server().await;
    let client = many(&server).credential("CookieA", "1").credential("CookieB", "2").build().unwrap();
    let received = exchange(&server, &client, get("/x").security(&[&["CookieA"]])).await;
    assert_eq!(values(&received, "cookie"), ["a=1"]);
    assert!(values(&received, "authorization").is_empty());
    let received = exchange(&server, &client, get("/x").security(&[&["CookieA", "CookieB"]])).await;
    assert_eq!(values(&received, "cookie"), ["a=1; b=2"]);
    assert_eq!(received.url.query(), None);
}

#[tokio::test]
async fn the_first_alternative_the_client_can_satisfy_is_sent() {
    const EITHER: &[&[&str]] = &[&["HeaderKey"], &["QueryKey"]];
    let server = server().await;
    let both = many(&server).credential("HeaderKey", "hk").credential("QueryKey", "qk").build().unwrap();
    let received = exchange(&server, &both, get("/x").security(EITHER)).await;
    assert_eq!(values(&received, "x-api-key"), ["hk"]);
    assert_eq!(received.url.query(), None);

    let second_only = many(&server).credential("QueryKey", "qk").build().unwrap();
    let received = exchange(&server, &second_only, get("/x").security(EITHER)).await;
    assert!(values(&received, "x-api-key").is_empty());
    assert_eq!(received.url.query(), Some("api_key=qk"));
}

#[tokio::test]
async fn a_combination_sends_every_scheme_or_fails_naming_the_missing_one() {
    const BOTH: &[&[&str]] = &[&["HeaderKey", "QueryKey"]];
    let server = server().await;
    let client = many(&server).credential("HeaderKey", "hk").build().unwrap();
    let message = config(client.send::<Value>(get("/x").security(BOTH)).await);
    assert!(message.contains("`QueryKey`"), "{message}");
    assert!(message.contains("`MANY_QUERY_KEY`") && message.contains("`ClientBuilder::query_key`"), "{message}");
    assert!(message.contains("`api_key` query parameter"), "{message}");
    assert!(!message.contains("HeaderKey") && !message.contains("hk"), "only the missing scheme is named: {message}");
    nothing_sent(&server).await;

    let client = many(&server).credential("HeaderKey", "hk").credential("QueryKey", "qk").build().unwrap();
    let received = exchange(&server, &client, get("/x").security(BOTH)).await;
    assert_eq!(values(&received, "x-api-key"), ["hk"]);
    assert_eq!(received.url.query(), Some("api_key=qk"));
}

#[tokio::test]
async fn an_open_api_builds_without_credentials_and_sends_none() {
    let server = server().await;
    let client = ClientBuilder::with_profile(&OPEN).base_url(server.uri()).build().unwrap();
    let received = exchange(&server, &client, get("/x")).await;
    assert!(values(&received, "authorization").is_empty());
    assert!(values(&received, "cookie").is_empty());
    assert_eq!(received.url.query(), None);
}

#[tokio::test]
async fn an_anonymous_request_sends_nothing_even_with_every_credential_set() {
    let server = server().await;
    let client = many(&server)
        .credential("Token", "tok")
        .credential("HeaderKey", "hk")
        .credential("QueryKey", "qk")
        .credential("CookieA", "1")
        .build()
        .unwrap();
    let received = exchange(&server, &client, get("/x").anonymous()).await;
    for name in ["authorization", "x-api-key", "cookie"] {
        assert!(values(&received, name).is_empty(), "{name} was sent");
    }
    assert_eq!(received.url.query(), None);
    // `&[]` is the same as `anonymous`.
    let received = exchange(&server, &client, get("/x").security(&[])).await;
    assert!(values(&received, "authorization").is_empty());
}

#[test]
fn needing_a_credential_and_having_none_lists_every_scheme_and_variable() {
    for builder in [
        ClientBuilder::with_profile(&MANY).base_url("https://api.example.com"),
        // An empty key counts as not set.
        ClientBuilder::with_profile(&MANY).base_url("https://api.example.com").credential("Token", ""),
    ] {
        let message = config(builder.build());
        for scheme in MANY.schemes {
            assert!(message.contains(&format!("`{}`", scheme.name)), "{} missing from {message}", scheme.name);
            for env in scheme.env {
                assert!(message.contains(&format!("`{env}`")), "{env} missing from {message}");
            }
        }
    }
}

#[tokio::test]
async fn server_variables_fill_the_template() {
    let server = server().await;
    let host = server.address().to_string();
    let client = ClientBuilder::with_profile(&TEMPLATED).server_variable("host", &host).build().unwrap();
    assert_eq!(client.base_url(), format!("http://{host}/api/v2"));
    let received = exchange(&server, &client, get("/things")).await;
    assert_eq!(received.url.path(), "/api/v2/things");

    let client = ClientBuilder::with_profile(&TEMPLATED).server_variable("version", "v9").server_variable("host", &host).build().unwrap();
    let received = exchange(&server, &client, get("/things")).await;
    assert_eq!(received.url.path(), "/api/v9/things");
}

#[test]
fn an_unknown_server_variable_is_a_config_error() {
    let message = config(ClientBuilder::with_profile(&TEMPLATED).server_variable("nope", "x").build());
    assert!(message.contains("`nope`") && message.contains("http://{host}/api/{version}"), "{message}");
}

#[test]
fn without_a_server_the_base_url_must_be_given() {
    let message = config(ClientBuilder::with_profile(&NOTHING).build());
    assert!(message.contains("`ClientBuilder::base_url`"), "{message}");
    assert!(!message.contains("set `"), "no variable to name: {message}");

    let message = config(ClientBuilder::with_profile(&NO_SERVER).build());
    assert!(message.contains("`ClientBuilder::base_url`") && message.contains("`SVC_BASE_URL`"), "{message}");
    let client = ClientBuilder::with_profile(&NO_SERVER)
        .env_with(|name| (name == "SVC_BASE_URL").then(|| "https://env.example.com/v1/".to_owned()))
        .build()
        .unwrap();
    assert_eq!(client.base_url(), "https://env.example.com/v1");

    let message = config(ClientBuilder::with_profile(&RELATIVE).build());
    assert!(message.contains("relative") && message.contains("/api/v3"), "{message}");
    assert!(message.contains("`ClientBuilder::base_url`"), "{message}");
}

#[tokio::test]
async fn base_url_always_wins() {
    let server = server().await;
    for profile in [&TEMPLATED, &NO_SERVER, &NOTHING, &RELATIVE] {
        let client = ClientBuilder::with_profile(profile).server_variable("host", "unused.invalid").base_url(server.uri()).build().unwrap();
        assert_eq!(client.base_url(), server.uri());
        let received = exchange(&server, &client, get("/things")).await;
        assert_eq!(received.url.path(), "/things");
    }
}

#[tokio::test]
async fn an_unknown_scheme_is_a_config_error() {
    let message = config(ClientBuilder::with_profile(&MANY).base_url("https://api.example.com").credential("Nope", "k").build());
    assert!(message.contains("`Nope`"), "{message}");

    let server = server().await;
    let client = many(&server).credential("Token", "tok").build().unwrap();
    let message = config(client.send::<Value>(get("/x").security(&[&["Nope"]])).await);
    assert!(message.contains("`Nope`"), "{message}");
    nothing_sent(&server).await;
}

#[test]
fn debug_never_shows_a_secret() {
    let builder = ClientBuilder::with_profile(&MANY)
        .base_url("https://api.example.com")
        .credential("Token", "bearer-secret")
        .basic_credential("Login", "user", "basic-secret")
        .credential("HeaderKey", "header-secret")
        .credential("QueryKey", "query-secret")
        .credential("CookieA", "cookie-secret");
    let client = builder.clone().build().unwrap();
    // The base64 of `user:basic-secret`, as it would go in the header.
    let encoded = "dXNlcjpiYXNpYy1zZWNyZXQ=";
    for debug in [format!("{builder:?}"), format!("{builder:#?}"), format!("{client:?}"), format!("{client:#?}")] {
        for secret in ["bearer-secret", "basic-secret", "header-secret", "query-secret", "cookie-secret", encoded, "secret"] {
            assert!(!debug.contains(secret), "{secret} leaked into {debug}");
        }
        assert_eq!(debug.matches("<redacted>").count(), 5, "{debug}");
        assert!(debug.contains("Login") && debug.contains("CookieA"), "scheme names are shown: {debug}");
    }
}

#[tokio::test]
async fn an_optional_credential_listed_first_is_still_sent_when_the_client_has_it() {
    const OPTIONAL_FIRST: &[&[&str]] = &[&[], &["Token"]];
    let server = server().await;
    let with = many(&server).credential("Token", "tok").build().unwrap();
    assert_eq!(values(&exchange(&server, &with, get("/x").security(OPTIONAL_FIRST)).await, "authorization"), ["Bearer tok"]);
    let without = ClientBuilder::with_profile(&OPEN_WITH_TOKEN).base_url(server.uri()).build().unwrap();
    assert!(values(&exchange(&server, &without, get("/x").security(OPTIONAL_FIRST)).await, "authorization").is_empty());
}

/// The token scheme, needed by no operation, so a client without it builds.
static OPEN_WITH_TOKEN: Profile = Profile { needs_credential: false, ..MANY };

#[tokio::test]
async fn a_query_key_never_shows_in_a_transport_error() {
    // Nothing listens on port 9 of the loopback address: the connection is refused.
    let client = ClientBuilder::with_profile(&MANY)
        .base_url("http://127.0.0.1:9")
        .credential("QueryKey", "secret-query-key")
        .max_retries(0)
        .build()
        .unwrap();
    const QUERY: &[&[&str]] = &[&["QueryKey"]];
    let error = client.send::<Value>(get("/x").query(&[("q", "1")]).security(QUERY)).await.unwrap_err();
    let mut texts = vec![error.to_string(), format!("{error:?}"), format!("{error:#?}")];
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        texts.push(cause.to_string());
        texts.push(format!("{cause:?}"));
        source = cause.source();
    }
    assert!(texts.len() > 3, "the error has a cause: {texts:?}");
    for text in texts {
        assert!(!text.contains("secret-query-key"), "the key leaked into {text}");
    }
}

#[tokio::test]
async fn a_header_key_does_not_follow_a_redirect_to_another_origin() {
    use wiremock::matchers::path;
    let elsewhere = server().await;
    let origin = MockServer::start().await;
    let to = |url: String| ResponseTemplate::new(302).insert_header("location", url.as_str());
    Mock::given(path("/away")).respond_with(to(format!("{}/x", elsewhere.uri()))).mount(&origin).await;
    Mock::given(path("/here")).respond_with(to(format!("{}/x", origin.uri()))).mount(&origin).await;
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).mount(&origin).await;
    const HEADER: &[&[&str]] = &[&["HeaderKey"]];
    let client = many(&origin).credential("HeaderKey", "hk").max_retries(0).build().unwrap();

    // On the same origin the redirect is followed, key and all.
    let _: Value = client.send(get("/here").security(HEADER)).await.unwrap();
    let received = origin.received_requests().await.unwrap();
    assert_eq!(values(received.last().unwrap(), "x-api-key"), ["hk"]);
    // To another origin it is not: the caller gets the redirect, and the key stays home.
    let error = client.send::<Value>(get("/away").security(HEADER)).await.unwrap_err();
    assert_eq!(error.status(), Some(302), "{error:?}");
    nothing_sent(&elsewhere).await;
}

#[tokio::test]
async fn a_cookie_key_cannot_start_another_cookie() {
    const COOKIE: &[&[&str]] = &[&["CookieA"]];
    let server = server().await;
    let client = many(&server).credential("CookieA", "x; admin=1").build().unwrap();
    let received = exchange(&server, &client, get("/x").security(COOKIE)).await;
    assert_eq!(values(&received, "cookie"), ["a=x%3B%20admin=1"]);
}
