//! `cargo xtask bench --peers`: the SDK, bare reqwest and async-openai 0.43.0 in the same rounds, for calls and decoding.

use async_openai::config::OpenAIConfig;
use async_openai::types::finetuning::ListPaginatedFineTuningJobsResponse;
use sdk_bench::{BoxFuture, Caller, Decoder};

use sdk_bench::ours;

fn main() {
    if let Err(error) = sdk_bench::main_with(callers, decoders()) {
        eprintln!("error: {error}");
        std::process::exit(1);
    }
}

fn callers(base_url: &str) -> Vec<Box<dyn Caller>> {
    let mut callers = ours::callers(base_url);
    callers.push(Box::new(AsyncOpenAi::new(base_url)));
    callers
}

fn decoders() -> Vec<Decoder> {
    let mut decoders = ours::decoders();
    decoders.push(Decoder { name: "async-openai", decode: peer_page });
    decoders
}

fn peer_page(page: &[u8]) -> Result<usize, String> {
    serde_json::from_slice::<ListPaginatedFineTuningJobsResponse>(page).map(|p| p.data.len()).map_err(|e| e.to_string())
}

/// async-openai's client, as its README sets it up, pointed at the loopback server.
struct AsyncOpenAi(async_openai::Client<OpenAIConfig>);

impl AsyncOpenAi {
    fn new(base_url: &str) -> AsyncOpenAi {
        AsyncOpenAi(async_openai::Client::with_config(OpenAIConfig::new().with_api_key("sk-bench").with_api_base(base_url)))
    }
}

impl Caller for AsyncOpenAi {
    fn name(&self) -> &'static str {
        "async-openai"
    }

    fn pause<'a>(&'a self, id: &'a str) -> BoxFuture<'a, Result<String, String>> {
        Box::pin(async move { self.0.fine_tuning().pause(id).await.map(|job| job.id).map_err(|e| e.to_string()) })
    }
}
