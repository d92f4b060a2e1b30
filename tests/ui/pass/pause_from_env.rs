//! The call from the issue, as a user writes it: a client from the environment, then
//! `fine_tuning().jobs().pause(id)`, answered here by a local mock server.

use openai_fine_tuning::Client;
use openai_fine_tuning::types::FineTuningJobStatus;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PAUSED: &str = r#"{"object":"fine_tuning.job","id":"ftjob-abc123","model":"gpt-4o-mini-2024-07-18","created_at":1721764800,"fine_tuned_model":null,"organization_id":"org-123","result_files":[],"status":"paused","validation_file":"file-abc123","training_file":"file-abc123"}"#;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/fine_tuning/jobs/ftjob-abc123/pause"))
        .and(header("authorization", "Bearer sk-from-env"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(PAUSED, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    // SAFETY: nothing else runs yet; the current-thread runtime started no other thread.
    unsafe {
        std::env::set_var("OPENAI_API_KEY", "sk-from-env");
        std::env::set_var("OPENAI_BASE_URL", format!("{}/v1", server.uri()));
    }

    let client = Client::from_env()?;
    let job = client.fine_tuning().jobs().pause("ftjob-abc123").await?;
    assert_eq!(job.status, FineTuningJobStatus::Paused);
    assert_eq!(job.id, "ftjob-abc123");
    Ok(())
}
