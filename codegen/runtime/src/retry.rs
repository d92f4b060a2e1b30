//! When a failed attempt is tried again, and how long to wait first.
//!
//! The rules follow OpenAI's own SDKs, with one deliberate difference: a 429 whose error code is
//! one of the API's [`RetryHints::never_retry_codes`] (OpenAI's `insufficient_quota`) is never
//! retried, because the quota will not come back in seconds.

use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::profile::RetryHints;

/// How often and how patiently a client retries.
///
/// The defaults: 2 retries, waits of 0.5 s × 2ⁿ capped at 8 s, each shortened by up to 25 % at
/// random so that many clients that failed together do not retry together, and a server's
/// `Retry-After` honoured up to a minute.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt; 0 turns retrying off.
    pub max_retries: u32,
    /// The wait before the first retry.
    pub initial_backoff: Duration,
    /// The longest wait between two attempts.
    pub max_backoff: Duration,
    /// The largest share of a wait, from 0.0 to 1.0, that jitter may take off at random.
    pub jitter: f64,
    /// The longest wait a server may ask for (`Retry-After`, `retry-after-ms`) and still be
    /// retried. A longer one ends the call at once with the API error, whose
    /// [`retry_after`](crate::Error::retry_after) says how long the server asked for, so the
    /// caller can schedule the work rather than hold a task, and the server is never asked
    /// again sooner than it said. A minute (the default) covers the per-minute rate limits
    /// while keeping a call from hanging for long.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            jitter: 0.25,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (0 for the first) without jitter:
    /// `initial_backoff × 2^retry`, at most `max_backoff`.
    pub fn backoff(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        self.initial_backoff.saturating_mul(factor).min(self.max_backoff)
    }

    /// The wait before retry number `retry` (0 for the first): what the failed response asks
    /// for in `retry-after-ms` or `retry-after` (seconds or an HTTP date) when that is more than
    /// nothing and at most [`RetryPolicy::max_retry_after`], otherwise [`RetryPolicy::backoff`]
    /// shortened by jitter. A wait of zero or a date in the past is no reason to retry at once.
    /// The caller does not retry at all when the server asked for more than the maximum.
    pub fn delay(&self, retry: u32, headers: Option<&HeaderMap>) -> Duration {
        let asked = headers.and_then(|h| retry_after(h, SystemTime::now()));
        if let Some(wait) = asked.filter(|wait| !wait.is_zero() && *wait <= self.max_retry_after) {
            return wait;
        }
        let backoff = self.backoff(retry);
        let jitter = self.jitter.clamp(0.0, 1.0) * fastrand::f64();
        backoff.mul_f64(1.0 - jitter)
    }
}

/// Whether a response with `status` is worth another attempt.
///
/// The API's should-retry header (`x-should-retry: true|false` for OpenAI) decides when present;
/// otherwise 408, 409, 429 and every 5xx are retried. A 429 whose error code is one that waiting
/// does not cure (OpenAI's `insufficient_quota`) is never retried.
pub(super) fn should_retry(status: StatusCode, headers: &HeaderMap, error_code: Option<&str>, hints: &RetryHints) -> bool {
    if status == StatusCode::TOO_MANY_REQUESTS && error_code.is_some_and(|code| hints.never_retry_codes.contains(&code)) {
        return false;
    }
    match hints.should_retry_header.and_then(|name| headers.get(name)).and_then(|v| v.to_str().ok()) {
        Some("true") => return true,
        Some("false") => return false,
        _ => {}
    }
    matches!(status.as_u16(), 408 | 409 | 429) || status.is_server_error()
}

/// Whether a transport failure is worth another attempt: the connection could not be made,
/// broke, or timed out. A request that could not even be built is not.
pub(super) fn should_retry_transport(error: &reqwest::Error) -> bool {
    error.is_connect() || error.is_timeout() || error.is_request() || error.is_body() || error.is_decode()
}

/// The wait a response asks for: `retry-after-ms` in milliseconds, else `retry-after` in
/// seconds or as an HTTP date.
pub(super) fn retry_after(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::trim);
    if let Some(ms) = header("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return seconds(ms / 1000.0);
    }
    let value = header("retry-after")?;
    if let Ok(secs) = value.parse::<f64>() {
        return seconds(secs);
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

fn seconds(secs: f64) -> Option<Duration> {
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(u32::MAX.into())))
}
