//! The two credentials: the API key for ordinary requests, the admin key for requests marked
//! with `Request::admin`, either for `Request::either_key`; which header each request carries,
//! and what happens without one.

use std::collections::HashMap;

use sdk_runtime::{Call, Client, ClientBuilder, Error, Method, Request, Security, StreamCall};
use serde_json::{Value, json};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

mod common;
use common::{ADMIN, EITHER, OpenAi, openai};

const API_KEY: &str = "sk-proj-ordinary";
const ADMIN_KEY: &str = "sk-admin-powerful";

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(json!({"ok": true}))).mount(&server).await;
    server
}

fn builder(server: &MockServer) -> ClientBuilder {
    openai(&format!("{}/v1", server.uri()))
}

/// The `Authorization` header of every request the server received, in order.
async fn authorizations(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|request| request.headers.get("authorization").map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default())
        .collect()
}

fn list_users() -> Request {
    Request::new(Method::GET, "/organization/users").security(ADMIN)
}

fn list_models() -> Request {
    Request::new(Method::GET, "/models")
}

#[tokio::test]
async fn each_request_carries_the_key_it_needs() {
    let server = server().await;
    let client = builder(&server).api_key(API_KEY).admin_key(ADMIN_KEY).build().unwrap();
    let _: Value = client.send(list_models()).await.unwrap();
    let _: Value = client.send(list_users()).await.unwrap();
    let _: Value = client.send(list_models()).await.unwrap();
    assert_eq!(authorizations(&server).await, [format!("Bearer {API_KEY}"), format!("Bearer {ADMIN_KEY}"), format!("Bearer {API_KEY}")]);
}

#[tokio::test]
async fn a_request_that_accepts_either_key_prefers_the_api_key() {
    let server = server().await;
    let either = || Request::new(Method::GET, "/organization/projects/p1").security(EITHER);
    assert_eq!(either().security_requirement(), Security::Alternatives(EITHER));
    let both = builder(&server).api_key(API_KEY).admin_key(ADMIN_KEY).build().unwrap();
    let _: Value = both.send(either()).await.unwrap();
    let admin_only = builder(&server).admin_key(ADMIN_KEY).build().unwrap();
    let _: Value = admin_only.send(either()).await.unwrap();
    let api_only = builder(&server).api_key(API_KEY).build().unwrap();
    let _: Value = api_only.send(either()).await.unwrap();
    assert_eq!(authorizations(&server).await, [format!("Bearer {API_KEY}"), format!("Bearer {ADMIN_KEY}"), format!("Bearer {API_KEY}")]);
}

#[tokio::test]
async fn an_admin_request_without_an_admin_key_fails_before_sending() {
    let server = server().await;
    let client = builder(&server).api_key(API_KEY).build().unwrap();
    for error in [
        client.send::<Value>(list_users()).await.unwrap_err(),
        Call::<Value>::build(&client, || Ok(list_users())).await.unwrap_err(),
        Call::build_bytes(&client, || Ok(list_users())).await.unwrap_err(),
        StreamCall::<Value>::build(&client, || Ok(list_users())).await.unwrap_err(),
    ] {
        match &error {
            Error::Config(message) => {
                assert!(message.contains("`OPENAI_ADMIN_KEY`"), "{message}");
                assert!(!message.contains(API_KEY), "{message}");
            }
            other => panic!("expected `Config`, got {other:?}"),
        }
    }
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
}

#[tokio::test]
async fn an_ordinary_request_without_an_api_key_fails_before_sending() {
    let server = server().await;
    let client = builder(&server).admin_key(ADMIN_KEY).build().unwrap();
    let error = client.send::<Value>(list_models()).await.unwrap_err();
    match &error {
        Error::Config(message) => {
            assert!(message.contains("`OPENAI_API_KEY`"), "{message}");
            assert!(!message.contains("OPENAI_ADMIN_KEY"), "{message}");
        }
        other => panic!("expected `Config`, got {other:?}"),
    }
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");

    // The admin key alone is enough for admin requests.
    let _: Value = client.send(list_users()).await.unwrap();
    assert_eq!(authorizations(&server).await, [format!("Bearer {ADMIN_KEY}")]);
}

#[tokio::test]
async fn env_with_reads_the_admin_key() {
    let first = server().await;
    let vars: HashMap<&str, &str> = HashMap::from([("OPENAI_ADMIN_KEY", ADMIN_KEY), ("OPENAI_BASE_URL", "")]);
    let client = builder(&first)
        .env_with(|name| vars.get(name).map(|value| value.to_string()))
        .build()
        .expect("the admin key alone builds a client");
    let _: Value = client.send(list_users()).await.unwrap();
    assert_eq!(authorizations(&first).await, [format!("Bearer {ADMIN_KEY}")]);

    // A setter after the environment wins, as for every other setting.
    let later = server().await;
    let client: Client = builder(&later)
        .env_with(|name| (name == "OPENAI_ADMIN_KEY").then(|| "sk-admin-env".to_owned()))
        .admin_key(ADMIN_KEY)
        .build()
        .unwrap();
    let _: Value = client.send(list_users()).await.unwrap();
    assert_eq!(authorizations(&later).await, [format!("Bearer {ADMIN_KEY}")]);
}

#[test]
fn building_needs_one_of_the_keys_and_names_both_variables() {
    for builder in [openai("https://api.example.com/v1"), openai("https://api.example.com/v1").api_key("").admin_key("")] {
        match builder.build() {
            Err(Error::Config(message)) => {
                assert!(message.contains("`OPENAI_API_KEY`") && message.contains("`OPENAI_ADMIN_KEY`"), "{message}");
            }
            other => panic!("expected `Config`, got {other:?}"),
        }
    }
    openai("https://api.example.com/v1").admin_key(ADMIN_KEY).build().unwrap();
    openai("https://api.example.com/v1").api_key(API_KEY).build().unwrap();
}

#[test]
fn an_invalid_admin_key_is_rejected_without_quoting_it() {
    match openai("https://api.example.com/v1").api_key(API_KEY).admin_key("sk-admin\nsecret").build() {
        Err(Error::Config(message)) => {
            assert!(message.contains("`AdminApiKeyAuth`"), "{message}");
            assert!(!message.contains("sk-admin"), "the key leaked into {message}");
        }
        other => panic!("expected `Config`, got {other:?}"),
    }
}

#[test]
fn debug_redacts_both_keys() {
    let builder = openai("https://api.example.com/v1").api_key(API_KEY).admin_key(ADMIN_KEY);
    let client = builder.clone().build().unwrap();
    for debug in [format!("{builder:?}"), format!("{client:?}"), format!("{client:#?}")] {
        assert!(!debug.contains(API_KEY) && !debug.contains(ADMIN_KEY), "{debug}");
        assert_eq!(debug.matches("<redacted>").count(), 2, "{debug}");
    }
}

#[test]
fn admin_marks_the_request() {
    assert_eq!(list_users().security_requirement(), Security::Alternatives(ADMIN));
    assert_eq!(list_models().security_requirement(), Security::Default);
    assert!(format!("{:?}", list_users()).contains(r#"security: Alternatives([["AdminApiKeyAuth"]])"#), "{:?}", list_users());
}

#[tokio::test]
async fn an_anonymous_request_sends_no_credential_and_needs_no_key_of_its_kind() {
    let server = server().await;
    // A client that only has the admin key can still make an open request.
    let client = builder(&server).admin_key(ADMIN_KEY).build().unwrap();
    let request = Request::new(Method::GET, "/open").anonymous();
    assert_eq!(request.security_requirement(), Security::None);
    let answer: Value = client.send(request).await.unwrap();
    assert_eq!(answer, json!({"ok": true}));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert!(received[0].headers.get("authorization").is_none(), "no Authorization header at all");
}
