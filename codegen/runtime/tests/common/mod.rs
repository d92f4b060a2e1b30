//! Mock-server helpers the runtime's test files share.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use std::sync::Mutex;
use std::time::Duration;

use sdk_runtime::{Client, ClientBuilder, HeaderSetting, Profile, RetryHints, RetryPolicy, Scheme, SchemeKind};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

/// Two retries with waits short enough to keep tests fast; the default policy is checked apart.
pub fn quick() -> RetryPolicy {
    RetryPolicy {
        max_retries: 2,
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(20),
        jitter: 0.0,
        max_retry_after: Duration::from_secs(60),
    }
}

/// What a generated OpenAI crate tells the runtime: two bearer schemes, the API key by default,
/// two convention headers and OpenAI's retry hints.
pub static OPENAI: Profile = Profile {
    server: Some("https://api.openai.com/v1"),
    server_variables: &[],
    base_url_env: Some("OPENAI_BASE_URL"),
    schemes: &[
        Scheme { name: "ApiKeyAuth", kind: SchemeKind::Bearer, setter: "api_key", env: &["OPENAI_API_KEY"] },
        Scheme { name: "AdminApiKeyAuth", kind: SchemeKind::Bearer, setter: "admin_key", env: &["OPENAI_ADMIN_KEY"] },
    ],
    security: &[&["ApiKeyAuth"]],
    needs_credential: true,
    headers: &[
        HeaderSetting { header: "OpenAI-Organization", env: Some("OPENAI_ORG_ID") },
        HeaderSetting { header: "OpenAI-Project", env: Some("OPENAI_PROJECT_ID") },
    ],
    retry: RetryHints { should_retry_header: Some("x-should-retry"), never_retry_codes: &["insufficient_quota"] },
};

/// The security of an operation that needs the admin key.
pub const ADMIN: &[&[&str]] = &[&["AdminApiKeyAuth"]];

/// The security of an operation that takes either key, the API key first.
pub const EITHER: &[&[&str]] = &[&["ApiKeyAuth"], &["AdminApiKeyAuth"]];

/// A builder for the OpenAI profile that sends requests to `base_url`.
pub fn openai(base_url: &str) -> ClientBuilder {
    ClientBuilder::with_profile(&OPENAI).base_url(base_url)
}

/// The setters a generated OpenAI crate adds to the builder.
pub trait OpenAi: Sized {
    fn api_key(self, key: &str) -> Self;
    fn admin_key(self, key: &str) -> Self;
    fn organization(self, id: &str) -> Self;
    fn project(self, id: &str) -> Self;
}

impl OpenAi for ClientBuilder {
    fn api_key(self, key: &str) -> Self {
        self.credential("ApiKeyAuth", key)
    }
    fn admin_key(self, key: &str) -> Self {
        self.credential("AdminApiKeyAuth", key)
    }
    fn organization(self, id: &str) -> Self {
        self.header("OpenAI-Organization", id)
    }
    fn project(self, id: &str) -> Self {
        self.header("OpenAI-Project", id)
    }
}

/// A client for a server at `uri`, with the quick retry policy.
pub fn client(uri: &str) -> Client {
    openai(&format!("{uri}/v1")).api_key("sk-test").retry_policy(quick()).build().unwrap()
}

/// Answers with each template in turn, then repeats the last one.
pub struct Sequence(pub Mutex<Vec<ResponseTemplate>>);

impl Respond for Sequence {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        let mut queue = self.0.lock().unwrap();
        if queue.len() > 1 { queue.remove(0) } else { queue[0].clone() }
    }
}

/// A server that answers every request with `responses`, in turn.
pub async fn serve(responses: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(Sequence(Mutex::new(responses))).mount(&server).await;
    server
}
