//! Mock-server helpers the runtime's test files share.

// Each test file is its own crate and uses only some of these.
#![allow(dead_code)]

use std::sync::Mutex;
use std::time::Duration;

use sdk_runtime::{Client, ClientBuilder, RetryPolicy};
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

/// A client for a server at `uri`, with the quick retry policy.
pub fn client(uri: &str) -> Client {
    ClientBuilder::new(&format!("{uri}/v1")).api_key("sk-test").retry_policy(quick()).build().unwrap()
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
