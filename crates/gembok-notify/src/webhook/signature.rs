//! The webhook signature, both sides: `Gembok-Timestamp: <unix seconds>` and
//! `Gembok-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`. Signing the
//! timestamp with the body lets receivers refuse replays older than their tolerance.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_lc_rs::hmac;

pub(super) fn unix_seconds(t: SystemTime) -> i64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(e) => -i64::try_from(e.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

fn signed_message(timestamp: &str, body: &[u8]) -> Vec<u8> {
    let mut message = Vec::with_capacity(timestamp.len() + 1 + body.len());
    message.extend_from_slice(timestamp.as_bytes());
    message.push(b'.');
    message.extend_from_slice(body);
    message
}

pub(super) fn sign_with_key(key: &hmac::Key, timestamp: i64, body: &[u8]) -> String {
    let message = signed_message(&timestamp.to_string(), body);
    hex::encode(hmac::sign(key, &message).as_ref())
}

/// The hex signature (without the `v1=` prefix) of `body` at `timestamp` (Unix seconds).
pub fn sign_webhook(secret: &[u8], timestamp: i64, body: &[u8]) -> String {
    sign_with_key(&hmac::Key::new(hmac::HMAC_SHA256, secret), timestamp, body)
}

/// Checks a received webhook, for receivers.
///
/// `timestamp` and `header` are the raw values of the `Gembok-Timestamp` and
/// `Gembok-Signature` headers, `body` the raw request body. Returns `true` only when the
/// timestamp is within `tolerance` of `now` (either side, to refuse replays) and one of the
/// comma-separated `v1=` entries of `header` is the HMAC-SHA256 of `"<timestamp>.<body>"`
/// under `secret`. The comparison is constant-time (aws-lc-rs `hmac::verify`).
pub fn verify_webhook_signature(
    secret: &[u8],
    timestamp: &str,
    body: &[u8],
    header: &str,
    now: SystemTime,
    tolerance: Duration,
) -> bool {
    let Ok(sent) = timestamp.trim().parse::<i64>() else {
        return false;
    };
    let age = unix_seconds(now).abs_diff(sent);
    if age > tolerance.as_secs() {
        return false;
    }
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    let message = signed_message(timestamp.trim(), body);
    header
        .split(',')
        .filter_map(|entry| entry.trim().strip_prefix("v1="))
        .filter_map(|hex_tag| hex::decode(hex_tag).ok())
        .any(|tag| hmac::verify(&key, &message, &tag).is_ok())
}
