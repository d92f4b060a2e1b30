//! Checks that a webhook request really comes from OpenAI, by the Standard Webhooks scheme that
//! OpenAI signs its webhooks with.
//!
//! The sender signs `{webhook-id}.{webhook-timestamp}.{body}` with HMAC-SHA256 under the
//! endpoint's secret and sends the base64 result in `webhook-signature` as `v1,<signature>`,
//! several of them separated by spaces while a secret is being rotated. The timestamp is signed
//! too, so that a captured request cannot be replayed later than the tolerance allows.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::HeaderMap;
use sha2::Sha256;

/// How far a webhook's timestamp may be from the current time, either way: five minutes, as in
/// OpenAI's own SDKs.
pub const DEFAULT_WEBHOOK_TOLERANCE: Duration = Duration::from_secs(300);

/// The prefix of a secret as OpenAI shows it; the base64 key follows.
const SECRET_PREFIX: &str = "whsec_";

/// Standard base64 that takes input with or without `=` padding, since secrets and signatures are copied around by hand.
const BASE64: GeneralPurpose =
    GeneralPurpose::new(&base64::alphabet::STANDARD, GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent));

/// Why a webhook request was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// A required header is missing, or is not text.
    #[error("missing webhook header `{0}`")]
    MissingHeader(&'static str),

    /// `webhook-timestamp` is not a number of seconds since the Unix epoch.
    #[error("invalid webhook timestamp `{0}`")]
    InvalidTimestamp(String),

    /// The timestamp is further in the past than the tolerance allows, as a replayed request's would be.
    #[error("webhook timestamp is too old")]
    TooOld,

    /// The timestamp is further in the future than the tolerance allows.
    #[error("webhook timestamp is too far in the future")]
    TooNew,

    /// No signature in `webhook-signature` matches the body under the secret.
    #[error("no webhook signature matches")]
    NoMatchingSignature,

    /// The secret is empty or not base64, with or without the `whsec_` prefix.
    #[error("invalid webhook secret: expected `whsec_` followed by a base64 key")]
    InvalidSecret,

    /// The signature matched but the body is not a webhook this SDK can decode.
    #[error("the webhook body does not decode: {0}")]
    Decode(String),
}

/// Checks that `body`, received with `headers`, was signed with `secret` within `tolerance` of now.
///
/// `secret` is the endpoint's signing secret, `whsec_…` as OpenAI shows it or the base64 key
/// alone. `body` must be the raw bytes as received: a body that was parsed and serialised again
/// no longer matches. [`DEFAULT_WEBHOOK_TOLERANCE`] is the usual `tolerance`.
pub fn verify_webhook(secret: &str, headers: &HeaderMap, body: &[u8], tolerance: Duration) -> Result<(), WebhookError> {
    verify_webhook_at(secret, headers, body, tolerance, SystemTime::now())
}

/// [`verify_webhook`] with the current time given as `now`, for tests and for checking a
/// request that was stored when it arrived.
pub fn verify_webhook_at(secret: &str, headers: &HeaderMap, body: &[u8], tolerance: Duration, now: SystemTime) -> Result<(), WebhookError> {
    let key = decode_secret(secret)?;
    let header = |name: &'static str| {
        headers.get(name).and_then(|value| value.to_str().ok()).map(str::trim).ok_or(WebhookError::MissingHeader(name))
    };
    let id = header("webhook-id")?;
    let timestamp = header("webhook-timestamp")?;
    let signatures = header("webhook-signature")?;

    let sent = timestamp.parse::<u64>().map_err(|_| WebhookError::InvalidTimestamp(timestamp.to_owned()))?;
    let sent = UNIX_EPOCH + Duration::from_secs(sent);
    match now.duration_since(sent) {
        Ok(age) if age > tolerance => return Err(WebhookError::TooOld),
        Err(early) if early.duration() > tolerance => return Err(WebhookError::TooNew),
        _ => {}
    }

    let mac = signer(&key, id, timestamp, body)?;
    // Entries of other versions, and signatures that are not base64, are skipped rather than
    // rejected, so that a scheme added later does not break this check.
    let matches = signatures
        .split(' ')
        .filter_map(|entry| entry.strip_prefix("v1,"))
        .filter_map(|signature| BASE64.decode(signature).ok())
        .any(|signature| mac.clone().verify_slice(&signature).is_ok());
    if matches { Ok(()) } else { Err(WebhookError::NoMatchingSignature) }
}

/// The `webhook-signature` value (`v1,<base64>`) that `secret` gives a webhook with this `id`,
/// `timestamp` (seconds since the Unix epoch) and `body`: what the API sends, for testing a
/// webhook handler with requests signed as the API signs them.
pub fn sign_webhook(secret: &str, id: &str, timestamp: u64, body: &[u8]) -> Result<String, WebhookError> {
    let key = decode_secret(secret)?;
    let mac = signer(&key, id, &timestamp.to_string(), body)?;
    Ok(format!("v1,{}", BASE64.encode(mac.finalize().into_bytes())))
}

/// The key of a secret given as `whsec_<base64>` or as the base64 alone.
fn decode_secret(secret: &str) -> Result<Vec<u8>, WebhookError> {
    let key = secret.strip_prefix(SECRET_PREFIX).unwrap_or(secret);
    let key = BASE64.decode(key).map_err(|_| WebhookError::InvalidSecret)?;
    if key.is_empty() { Err(WebhookError::InvalidSecret) } else { Ok(key) }
}

/// HMAC-SHA256 under `key` over `{id}.{timestamp}.{body}`.
fn signer(key: &[u8], id: &str, timestamp: &str, body: &[u8]) -> Result<Hmac<Sha256>, WebhookError> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).map_err(|_| WebhookError::InvalidSecret)?;
    mac.update(id.as_bytes());
    mac.update(b".");
    mac.update(timestamp.as_bytes());
    mac.update(b".");
    mac.update(body);
    Ok(mac)
}
