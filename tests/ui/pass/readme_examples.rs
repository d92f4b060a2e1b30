//! The code shown in README.md, compiled so that the README cannot drift from the SDK. It is
//! not run: it needs a server; `http.rs`, `pagination.rs` and the runtime's tests run the same
//! calls against mock servers.

use std::time::Duration;

use futures::TryStreamExt;
use openai_fine_tuning::types::{
    CreateFineTuningJobRequest, CreateFineTuningJobRequestModel, FineTuningJobStatus, ListPaginatedFineTuningJobsParams,
};
use openai_fine_tuning::{ApiErrorKind, Client, Error, RetryPolicy};

/// The quick start's whole program, as a function: `main` returns what this returns.
#[allow(dead_code)]
async fn quick_start() -> Result<(), openai_fine_tuning::Error> {
    // OPENAI_API_KEY, and OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID when set.
    let client = Client::from_env()?;
    let job = client.fine_tuning().jobs().pause("ftjob-abc123").await?;
    println!("{} is {}", job.id, job.status.as_str());
    Ok(())
}

#[allow(dead_code)]
async fn using_the_sdk() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let job = client.fine_tuning().jobs().pause("ftjob-abc123").await?;
    assert_eq!(job.status, FineTuningJobStatus::Paused);

    let request = CreateFineTuningJobRequest {
        suffix: Some("support-bot".into()),
        ..CreateFineTuningJobRequest::new(CreateFineTuningJobRequestModel::GPT_4O_MINI, "file-abc123")
    };
    let job = client.fine_tuning().jobs().create(&request).await?;
    let _events = client.fine_tuning().jobs().events().list(&job.id, &Default::default()).await?;
    Ok(())
}

#[allow(dead_code)]
async fn retries_and_timeouts() -> Result<(), Box<dyn std::error::Error>> {
    let _client = Client::builder()
        .api_key("sk-...")
        .max_retries(5)
        .timeout(Duration::from_secs(60))
        .connect_timeout(Duration::from_secs(2))
        .build()?;
    let client = Client::builder().env().retry_policy(RetryPolicy { jitter: 0.5, ..RetryPolicy::default() }).build()?;
    let _job = client
        .fine_tuning()
        .jobs()
        .retrieve("ftjob-abc123")
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .header("x-trace-id", "abc")
        .await?;
    Ok(())
}

#[allow(dead_code)]
async fn pagination(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let params = ListPaginatedFineTuningJobsParams { limit: Some(50), ..Default::default() };
    let page = client.fine_tuning().jobs().list(&params).await?;
    println!("{} jobs, more after {:?}", page.data.len(), page.next_cursor());

    let mut jobs = client.fine_tuning().jobs().list(&params).auto_paginate();
    while let Some(job) = jobs.try_next().await? {
        println!("{} {}", job.id, job.status);
    }
    Ok(())
}

#[allow(dead_code)]
async fn request_ids(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    let job = client.fine_tuning().jobs().pause("ftjob-abc123").with_response().await?;
    println!("{:?} in {} attempt(s), {:?} requests left", job.request_id(), job.meta().attempts, job.rate_limit().remaining_requests);
    assert_eq!(job.status, FineTuningJobStatus::Paused);
    Ok(())
}

#[allow(dead_code)]
async fn errors(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
    match client.fine_tuning().jobs().retrieve("ftjob-missing").await {
        Ok(job) => println!("{}", job.status),
        Err(error) => match error.kind() {
            Some(ApiErrorKind::NotFound) => println!("no such job ({:?})", error.request_id()),
            Some(ApiErrorKind::RateLimit) => println!("slow down: {error}"),
            Some(ApiErrorKind::Authentication | ApiErrorKind::PermissionDenied) => println!("check the key: {error}"),
            _ if error.is_timeout() => println!("timed out"),
            _ => return Err(error.into()),
        },
    }
    let _: Option<&Error> = None;
    Ok(())
}

fn main() {}
