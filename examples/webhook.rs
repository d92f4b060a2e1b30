//! Receiving a webhook: check that the API signed it, then act on the event. Here the request is
//! signed locally with a made-up secret, as a test of a handler would do; a web server hands the
//! handler the headers and the body bytes as they arrived.
//!
//! ```text
//! cargo run -p examples --bin webhook
//! ```

use openai_fine_tuning::types::WebhookEvent;
use openai_fine_tuning::{HeaderMap, WebhookError, sign_webhook, unwrap_webhook};

/// What a handler does with a request: the answer's status.
fn handle(secret: &str, headers: &HeaderMap, body: &[u8]) -> u16 {
    match unwrap_webhook(secret, headers, body) {
        Ok(WebhookEvent::FineTuningJobSucceeded(event)) => {
            println!("job {} succeeded at {}", event.data.id, event.created_at);
            200
        }
        Ok(WebhookEvent::FineTuningJobFailed(event)) => {
            println!("job {} failed", event.data.id);
            200
        }
        Ok(other) => {
            println!("not handled here: {other:?}");
            200
        }
        // Not from the API, or replayed too late: refuse it.
        Err(error @ (WebhookError::NoMatchingSignature | WebhookError::TooOld | WebhookError::TooNew)) => {
            println!("refused: {error}");
            400
        }
        Err(error) => {
            println!("unreadable: {error}");
            400
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // The endpoint's secret as the dashboard shows it (this one is made up).
    let secret = "whsec_ZXhhbXBsZS1zZWNyZXQtZm9yLXRoZS1leGFtcGxl";
    let body =
        br#"{"id":"evt_abc","object":"event","type":"fine_tuning.job.succeeded","created_at":1767225600,"data":{"id":"ftjob-abc123"}}"#;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();

    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", "evt_abc".parse()?);
    headers.insert("webhook-timestamp", now.to_string().parse()?);
    headers.insert("webhook-signature", sign_webhook(secret, "evt_abc", now, body)?.parse()?);
    assert_eq!(handle(secret, &headers, body), 200);

    let forged = body.iter().map(|&b| if b == b'c' { b'd' } else { b }).collect::<Vec<u8>>();
    assert_eq!(handle(secret, &headers, &forged), 400);
    Ok(())
}
