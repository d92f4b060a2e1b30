//! Webhook signatures, computed here with `hmac` directly and checked by `verify_webhook`:
//! good ones, tampered bodies, wrong secrets, several signatures, old and future timestamps,
//! missing headers, and both ways of writing the secret.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use reqwest::header::{HeaderMap, HeaderValue};
use sdk_runtime::{DEFAULT_WEBHOOK_TOLERANCE, WebhookError, sign_webhook, verify_webhook, verify_webhook_at};
use sha2::Sha256;

const KEY: &[u8] = b"a signing key of thirty-two byte";
const ID: &str = "wh_685342e6c53c8190a1be43f081506c52";
const TIMESTAMP: u64 = 1_750_287_078;
const BODY: &[u8] = br#"{"object":"event","id":"evt_1","type":"response.completed","created_at":1750287018,"data":{"id":"resp_1"}}"#;

fn secret() -> String {
    format!("whsec_{}", STANDARD.encode(KEY))
}

/// `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, as the sender computes it.
fn sign(key: &[u8], id: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    mac.update(format!("{id}.{timestamp}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

fn headers(id: &str, timestamp: &str, signature: &str) -> HeaderMap {
    let mut headers = HeaderMap::new();
    headers.insert("webhook-id", HeaderValue::from_str(id).unwrap());
    headers.insert("webhook-timestamp", HeaderValue::from_str(timestamp).unwrap());
    headers.insert("webhook-signature", HeaderValue::from_str(signature).unwrap());
    headers
}

fn signed() -> HeaderMap {
    headers(ID, &TIMESTAMP.to_string(), &sign(KEY, ID, TIMESTAMP, BODY))
}

fn at(seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(seconds)
}

fn verify(secret: &str, headers: &HeaderMap, body: &[u8]) -> Result<(), WebhookError> {
    verify_webhook_at(secret, headers, body, DEFAULT_WEBHOOK_TOLERANCE, at(TIMESTAMP + 10))
}

#[test]
fn a_good_signature_is_accepted() {
    assert_eq!(verify(&secret(), &signed(), BODY), Ok(()));
}

#[test]
fn sign_webhook_gives_the_signature_the_sender_computes() {
    assert_eq!(sign_webhook(&secret(), ID, TIMESTAMP, BODY), Ok(sign(KEY, ID, TIMESTAMP, BODY)));
    let signature = sign_webhook(&secret(), ID, TIMESTAMP, BODY).unwrap();
    assert_eq!(verify(&secret(), &headers(ID, &TIMESTAMP.to_string(), &signature), BODY), Ok(()));
    assert_ne!(sign_webhook(&secret(), ID, TIMESTAMP + 1, BODY), Ok(signature), "the timestamp is signed");
    assert_eq!(sign_webhook("whsec_", ID, TIMESTAMP, BODY), Err(WebhookError::InvalidSecret));
    assert_eq!(sign_webhook("whsec_not base64!", ID, TIMESTAMP, BODY), Err(WebhookError::InvalidSecret));
}

#[test]
fn the_secret_may_come_without_its_prefix_or_padding() {
    let raw = STANDARD.encode(KEY);
    assert_eq!(verify(&raw, &signed(), BODY), Ok(()));
    // Thirty-two bytes encode to a string that ends in one `=`.
    assert!(raw.ends_with('='));
    assert_eq!(verify(raw.trim_end_matches('='), &signed(), BODY), Ok(()));
}

#[test]
fn a_tampered_body_is_rejected() {
    let tampered = String::from_utf8(BODY.to_vec()).unwrap().replace("resp_1", "resp_2");
    assert_eq!(verify(&secret(), &signed(), tampered.as_bytes()), Err(WebhookError::NoMatchingSignature));
    // The body must be the exact bytes received: the same JSON with other whitespace does not match.
    let reformatted = serde_json::to_vec_pretty(&serde_json::from_slice::<serde_json::Value>(BODY).unwrap()).unwrap();
    assert_eq!(verify(&secret(), &signed(), &reformatted), Err(WebhookError::NoMatchingSignature));
}

#[test]
fn a_tampered_id_or_timestamp_is_rejected() {
    let signature = sign(KEY, ID, TIMESTAMP, BODY);
    assert_eq!(verify(&secret(), &headers("wh_other", &TIMESTAMP.to_string(), &signature), BODY), Err(WebhookError::NoMatchingSignature));
    assert_eq!(verify(&secret(), &headers(ID, &(TIMESTAMP + 1).to_string(), &signature), BODY), Err(WebhookError::NoMatchingSignature));
}

#[test]
fn the_wrong_secret_is_rejected() {
    let other = format!("whsec_{}", STANDARD.encode(b"another key entirely"));
    assert_eq!(verify(&other, &signed(), BODY), Err(WebhookError::NoMatchingSignature));
}

#[test]
fn one_valid_signature_among_several_is_enough() {
    let old_key = b"the key before rotation";
    let signatures = [
        "v2,bm90IGEgdjEgc2lnbmF0dXJl".to_owned(),
        sign(old_key, ID, TIMESTAMP, BODY),
        "v1,not base64 at all!".to_owned(),
        sign(KEY, ID, TIMESTAMP, BODY),
    ]
    .join(" ");
    assert_eq!(verify(&secret(), &headers(ID, &TIMESTAMP.to_string(), &signatures), BODY), Ok(()));

    let none_valid = [sign(old_key, ID, TIMESTAMP, BODY), "v1,AAAA".to_owned()].join(" ");
    assert_eq!(verify(&secret(), &headers(ID, &TIMESTAMP.to_string(), &none_valid), BODY), Err(WebhookError::NoMatchingSignature));
    // A signature of the right key but another version is not a v1 signature.
    let relabelled = sign(KEY, ID, TIMESTAMP, BODY).replacen("v1,", "v1a,", 1);
    assert_eq!(verify(&secret(), &headers(ID, &TIMESTAMP.to_string(), &relabelled), BODY), Err(WebhookError::NoMatchingSignature));
}

#[test]
fn timestamps_outside_the_tolerance_are_rejected() {
    let check = |now: u64, tolerance: Duration| verify_webhook_at(&secret(), &signed(), BODY, tolerance, at(now));
    assert_eq!(check(TIMESTAMP + 300, DEFAULT_WEBHOOK_TOLERANCE), Ok(()), "exactly five minutes old");
    // The signature is good, but a replayed request fails all the same.
    assert_eq!(check(TIMESTAMP + 301, DEFAULT_WEBHOOK_TOLERANCE), Err(WebhookError::TooOld));
    assert_eq!(check(TIMESTAMP - 300, DEFAULT_WEBHOOK_TOLERANCE), Ok(()));
    assert_eq!(check(TIMESTAMP - 301, DEFAULT_WEBHOOK_TOLERANCE), Err(WebhookError::TooNew));
    assert_eq!(check(TIMESTAMP + 3_600, Duration::from_secs(7_200)), Ok(()), "a longer tolerance");
    assert_eq!(DEFAULT_WEBHOOK_TOLERANCE, Duration::from_secs(300));
    assert_eq!(WebhookError::TooOld.to_string(), "webhook timestamp is too old");
}

#[test]
fn verify_webhook_uses_the_current_time() {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let fresh = headers(ID, &now.to_string(), &sign(KEY, ID, now, BODY));
    assert_eq!(verify_webhook(&secret(), &fresh, BODY, DEFAULT_WEBHOOK_TOLERANCE), Ok(()));
    assert_eq!(verify_webhook(&secret(), &signed(), BODY, DEFAULT_WEBHOOK_TOLERANCE), Err(WebhookError::TooOld));
}

#[test]
fn a_timestamp_that_is_not_unix_seconds_is_rejected() {
    for timestamp in ["", "soon", "-5", "1750287078.5", "2025-06-18T22:51:18Z"] {
        let headers = headers(ID, timestamp, &sign(KEY, ID, TIMESTAMP, BODY));
        assert_eq!(verify(&secret(), &headers, BODY), Err(WebhookError::InvalidTimestamp(timestamp.to_owned())), "{timestamp:?}");
    }
}

#[test]
fn missing_headers_are_named() {
    for name in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut headers = signed();
        headers.remove(name);
        let error = verify(&secret(), &headers, BODY).unwrap_err();
        assert_eq!(error, WebhookError::MissingHeader(name));
        assert_eq!(error.to_string(), format!("missing webhook header `{name}`"));
    }
    let mut not_text = signed();
    not_text.insert("webhook-id", HeaderValue::from_bytes(b"wh_\xff").unwrap());
    assert_eq!(verify(&secret(), &not_text, BODY), Err(WebhookError::MissingHeader("webhook-id")));
}

#[test]
fn a_bad_secret_is_reported_as_such() {
    for secret in ["whsec_", "", "whsec_not base64!", "not base64 either!"] {
        assert_eq!(verify(secret, &signed(), BODY), Err(WebhookError::InvalidSecret), "{secret:?}");
    }
    assert!(!WebhookError::InvalidSecret.to_string().contains("whsec_a"), "the message never quotes a secret");
}
