//! The fine-tuning workflow from start to end: upload the training data, start a job on it,
//! read the job's events page after page, then pause, resume and cancel it.
//!
//! ```text
//! OPENAI_API_KEY=sk-... cargo run -p examples --bin workflow
//! ```
//!
//! Against the real API this starts a real (billed) job and cancels it at once. With
//! `OPENAI_BASE_URL` pointing at a mock server of the spec it touches nothing.

use futures::TryStreamExt;
use openai_fine_tuning::types::{
    CreateFileRequest, CreateFileRequestPurpose, CreateFineTuningJobRequest, CreateFineTuningJobRequestModel, ListFineTuningEventsParams,
};
use openai_fine_tuning::{Client, File};

/// Ten tiny chat transcripts, the fewest a supervised job accepts.
fn training_data() -> Vec<u8> {
    let mut lines = String::new();
    for city in ["Paris", "Rome", "Oslo", "Lima", "Cairo", "Tokyo", "Quito", "Hanoi", "Dakar", "Perth"] {
        lines.push_str(&format!(
            "{{\"messages\":[{{\"role\":\"user\",\"content\":\"Weather in {city}?\"}},{{\"role\":\"assistant\",\"content\":\"I cannot see the sky over {city}, but I can explain forecasts.\"}}]}}\n"
        ));
    }
    lines.into_bytes()
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // OPENAI_API_KEY, and OPENAI_BASE_URL when set; a missing key is an error here, before any request.
    let client = Client::from_env()?;

    let upload = CreateFileRequest::new(File::from_bytes(training_data(), "weather.jsonl"), CreateFileRequestPurpose::FineTune);
    let file = client.files().create(&upload).await?;
    println!("uploaded {} ({} bytes) as {}", file.filename, file.bytes, file.id);

    let request = CreateFineTuningJobRequest {
        suffix: Some("weather".into()),
        ..CreateFineTuningJobRequest::new(CreateFineTuningJobRequestModel::GPT_4O_MINI, file.id.as_str())
    };
    let jobs = client.fine_tuning().jobs();
    let job = jobs.create(&request).await?;
    println!("created job {}: {}", job.id, job.status.as_str());

    // Every event, fetching the next page when this one runs out, at most 50 at a time.
    let params = ListFineTuningEventsParams { limit: Some(50), ..Default::default() };
    let mut events = jobs.events().list(&job.id, &params).auto_paginate();
    let mut count = 0;
    while let Some(event) = events.try_next().await? {
        count += 1;
        if count <= 3 {
            println!("  event {}: {}", event.level.as_str(), event.message);
        }
    }
    println!("{count} events");

    // The API pauses only a running job; one still validating its files may refuse. Whatever
    // happens, the job is cancelled after, so that nothing keeps running (and billing).
    let paused_and_resumed = async {
        let paused = jobs.pause(&job.id).await?;
        println!("paused: {}", paused.status.as_str());
        let resumed = jobs.resume(&job.id).await?;
        println!("resumed: {}", resumed.status.as_str());
        Ok::<(), openai_fine_tuning::Error>(())
    }
    .await;
    if let Err(error) = &paused_and_resumed {
        println!("pause or resume refused: {error}");
    }
    let cancelled = jobs.cancel(&job.id).await?;
    println!("cancelled: {}", cancelled.status.as_str());
    Ok(())
}
