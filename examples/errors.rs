//! Telling errors apart: a bad argument is refused before any request, a missing credential
//! when the client is built, and what the server answers comes back as `Error::Api` with its
//! kind, status, message and request ID.
//!
//! ```text
//! OPENAI_API_KEY=sk-... cargo run -p examples --bin errors
//! ```

use openai_fine_tuning::{ApiErrorKind, Client, Error};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // No credential: `build` says which one is missing and where it may come from.
    match Client::builder().build() {
        Err(Error::Config(message)) => println!("without a key: {message}"),
        other => return Err(format!("expected a configuration error, got {other:?}").into()),
    }

    let client = Client::from_env()?;
    let jobs = client.fine_tuning().jobs();

    // An empty ID would address another endpoint; it is refused before anything is sent.
    match jobs.retrieve("").await {
        Err(Error::InvalidArgument { name, reason }) => println!("empty ID: `{name}` {reason}"),
        other => return Err(format!("expected an invalid argument, got {other:?}").into()),
    }

    // A job that does not exist. A mock server of the spec answers with a job whatever the
    // ID; `Prefer: code=404` (which the real API ignores) asks it for its error answer instead.
    let missing = jobs.retrieve("ftjob-does-not-exist").header("Prefer", "code=404").max_retries(0).await;
    match missing {
        Ok(job) => println!("the server found {}", job.id),
        Err(Error::Api(api)) => {
            let what = match api.kind() {
                ApiErrorKind::NotFound => "no such job",
                ApiErrorKind::Authentication => "the key was refused",
                ApiErrorKind::RateLimit => "slow down",
                _ => "the API said no",
            };
            println!("{what}: {} {} (request {})", api.status, api.message, api.request_id.as_deref().unwrap_or("without an ID"));
        }
        Err(error) if error.is_timeout() => println!("timed out: {error}"),
        Err(error) => return Err(error.into()),
    }
    Ok(())
}
