//! The contenders this workspace has: the generated SDK and bare reqwest for calls, the SDK's types and
//! `serde_json::Value` for decoding.

use openai_fine_tuning::types::{FineTuningJob, ListPaginatedFineTuningJobsResponse};

use super::{BARE, BoxFuture, Caller, Decoder};

/// The SDK and bare reqwest, for a server at `base_url`.
pub fn callers(base_url: &str) -> Vec<Box<dyn Caller>> {
    vec![Box::new(Bare::new(base_url)), Box::new(Sdk::new(base_url))]
}

/// The SDK's types and `serde_json::Value`.
pub fn decoders() -> Vec<Decoder> {
    vec![Decoder { name: "this SDK", decode: sdk_page }, Decoder { name: "serde_json::Value", decode: value_page }]
}

/// Decodes as the SDK decodes a response body (`decode_json` in `codegen/runtime/src/call.rs`, which the generated crate
/// keeps private): the UTF-8 checked once for the whole body, then the body read as text.
fn sdk_page(page: &[u8]) -> Result<usize, String> {
    let text = std::str::from_utf8(page).map_err(|e| e.to_string())?;
    serde_json::from_str::<ListPaginatedFineTuningJobsResponse>(text).map(|p| p.data.len()).map_err(|e| e.to_string())
}

fn value_page(page: &[u8]) -> Result<usize, String> {
    let value: serde_json::Value = serde_json::from_slice(page).map_err(|e| e.to_string())?;
    value["data"].as_array().map(Vec::len).ok_or_else(|| "no `data` list".to_owned())
}

/// The generated SDK, as a user calls it.
struct Sdk(openai_fine_tuning::Client);

impl Sdk {
    fn new(base_url: &str) -> Sdk {
        Sdk(openai_fine_tuning::Client::builder().api_key("sk-bench").base_url(base_url).build().expect("a client for the loopback server"))
    }
}

impl Caller for Sdk {
    fn name(&self) -> &'static str {
        "this SDK"
    }

    fn pause<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move { self.0.fine_tuning().jobs().pause(id).await.map(|job| job.id).map_err(|e| e.to_string()) })
    }
}

/// The least a program can do with reqwest for the same call: one POST with the key, the body read and decoded into the
/// SDK's own job type, so that the difference is the SDK's call path alone.
struct Bare {
    http: reqwest::Client,
    base_url: String,
}

impl Bare {
    fn new(base_url: &str) -> Bare {
        Bare { http: reqwest::Client::new(), base_url: base_url.to_owned() }
    }
}

impl Caller for Bare {
    fn name(&self) -> &'static str {
        BARE
    }

    fn pause<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move {
            let response = self
                .http
                .post(format!("{}/fine_tuning/jobs/{id}/pause", self.base_url))
                .bearer_auth("sk-bench")
                .header(reqwest::header::CONTENT_LENGTH, "0")
                .send()
                .await
                .map_err(|e| e.to_string())?;
            if !response.status().is_success() {
                return Err(format!("status {}", response.status()));
            }
            let body = response.bytes().await.map_err(|e| e.to_string())?;
            serde_json::from_slice::<FineTuningJob>(&body).map(|job| job.id).map_err(|e| e.to_string())
        })
    }
}
