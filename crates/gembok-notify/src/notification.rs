//! The notification value: what an alert says, composed by the caller from non-personal
//! text. It is the JSON body of a webhook and the content of an e-mail.
use serde::Serialize;

/// One alert to deliver.
///
/// Every field is text the caller composes for operators — never customer data (no names,
/// numbers, addresses or record contents). Record or key *ids* may appear in `message`,
/// as they identify without revealing.
///
/// Serialized as JSON for webhooks, e.g.
/// `{"id":"…","kind":"alert.bulk_read","title":"…","message":"…","occurred_at_ms":1764…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    /// Unique id of this notification, so receivers can drop duplicates after retries.
    pub id: String,
    /// Machine-readable kind, dotted, e.g. `"alert.bulk_read"`, `"alert.login_failures"`.
    pub kind: String,
    /// A short human title.
    pub title: String,
    /// The human explanation (non-personal).
    pub message: String,
    /// When the event happened, Unix time in milliseconds.
    pub occurred_at_ms: i64,
}

impl Notification {
    /// The notification as the exact JSON bytes that are signed and sent.
    pub fn to_json(&self) -> Result<Vec<u8>, crate::NotifyError> {
        serde_json::to_vec(self).map_err(|e| crate::NotifyError::Encode(e.to_string()))
    }

    /// `occurred_at_ms` as an RFC 3339 UTC time, or the raw number if out of range.
    pub(crate) fn occurred_at_rfc3339(&self) -> String {
        let nanos = i128::from(self.occurred_at_ms) * 1_000_000;
        time::OffsetDateTime::from_unix_timestamp_nanos(nanos)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_else(|| format!("{} ms since 1970", self.occurred_at_ms))
    }
}
