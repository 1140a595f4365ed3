//! The JSON shapes of the audit log and alert routes. Audit events name ids, field
//! names and codes only (the core types hold no value), so these answers carry no
//! personal data. Times of events are RFC 3339 in UTC with milliseconds; the query's
//! time bounds are RFC 3339 too, refused with a stable code when they do not parse.

use gembok_core::audit::{AuditPage, Outcome, StoredEvent};
use gembok_core::Alert;
use gembok_store::AuditQuery;
use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

use crate::api_error::ApiError;
use crate::extract::record_id;

/// Page size when none is asked for.
pub(crate) const DEFAULT_PAGE: usize = 100;
/// The longest page either route gives.
pub(crate) const MAX_PAGE: usize = 1000;
/// Longest principal or action name a filter may hold.
const MAX_FILTER: usize = 200;

/// `GET /v1/audit` filters. Every filter given must match.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditParams {
    /// The acting principal: an API key id, `local:<user>`, `system` or `anonymous`.
    pub principal: Option<String>,
    /// The dotted action name, e.g. `record.read`, `auth.failed`, `audit.read`.
    pub action: Option<String>,
    /// A record or data-subject id (UUID): events that name it.
    pub record: Option<String>,
    /// Events at or after this time (RFC 3339).
    pub since: Option<String>,
    /// Events before this time (RFC 3339).
    pub until: Option<String>,
    /// The `next` cursor of the previous page: events with a lower sequence number.
    pub before: Option<u64>,
    /// Page size, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

impl AuditParams {
    /// The store query, the cursor and the page size; refusals never repeat the input.
    pub fn into_query(self) -> Result<(AuditQuery, Option<u64>, usize), ApiError> {
        for (name, value) in [("principal", &self.principal), ("action", &self.action)] {
            if value
                .as_ref()
                .is_some_and(|v| v.is_empty() || v.len() > MAX_FILTER)
            {
                return Err(ApiError::bad_request(
                    "invalid_query",
                    format!("{name} must be 1 to {MAX_FILTER} characters"),
                ));
            }
        }
        let query = AuditQuery {
            principal: self.principal,
            action: self.action,
            record: self.record.as_deref().map(record_id).transpose()?,
            since: self.since.as_deref().map(parse_time).transpose()?,
            until: self.until.as_deref().map(parse_time).transpose()?,
        };
        Ok((query, self.before, page_size(self.limit)?))
    }
}

/// `?limit=` of either route.
pub(crate) fn page_size(limit: Option<usize>) -> Result<usize, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_PAGE);
    if limit == 0 || limit > MAX_PAGE {
        return Err(ApiError::bad_request(
            "invalid_query",
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    Ok(limit)
}

/// An RFC 3339 time as Unix milliseconds.
pub(crate) fn parse_time(text: &str) -> Result<i64, ApiError> {
    let invalid = || {
        ApiError::bad_request(
            "invalid_time",
            "since and until are RFC 3339 times, e.g. 2026-12-01T08:00:00Z",
        )
    };
    let t = OffsetDateTime::parse(text, &Rfc3339).map_err(|_| invalid())?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000).map_err(|_| invalid())
}

/// Unix milliseconds as RFC 3339 in UTC with exactly three decimals, so that times
/// have one width and sort as text.
pub(crate) fn format_time(ms: i64) -> String {
    const FORMAT: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
    );
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(FORMAT).ok())
        .unwrap_or_default()
}

/// `GET /v1/alerts` parameters.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AlertParams {
    /// How many of the newest alerts, 1 to 1000 (default 100).
    pub limit: Option<usize>,
}

/// How an operation ended.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub(crate) enum OutcomeOut {
    Ok,
    /// The policy refused it.
    Denied,
    /// It was allowed and failed, or a credential was refused.
    Failed,
}

impl From<Outcome> for OutcomeOut {
    fn from(o: Outcome) -> Self {
        match o {
            Outcome::Ok => OutcomeOut::Ok,
            Outcome::Denied => OutcomeOut::Denied,
            Outcome::Failed => OutcomeOut::Failed,
        }
    }
}

/// One audit event with its place in the hash chain. Never holds a field value.
#[derive(Serialize, ToSchema)]
pub(crate) struct AuditEventOut {
    /// Position in the chain; pass as `before` to page past it.
    pub seq: u64,
    /// The chain hash up to and including this event (SHA-256, hex).
    pub hash: String,
    /// RFC 3339, UTC.
    pub time: String,
    pub principal: String,
    pub role: String,
    /// Dotted action name: `record.read`, `record.create`, `auth.failed`, ...
    pub action: String,
    pub collection: Option<String>,
    /// Record ids.
    pub records: Vec<String>,
    /// Data-subject ids.
    pub subjects: Vec<String>,
    /// Field names (never values).
    pub fields: Vec<String>,
    pub purpose: Option<String>,
    pub outcome: OutcomeOut,
    /// Why it was denied or failed, or the target of an administrative action.
    pub code: Option<String>,
    /// The client's network address.
    pub client: Option<String>,
    /// The `X-Request-Id` of the request that caused it.
    pub request_id: Option<String>,
}

impl From<StoredEvent> for AuditEventOut {
    fn from(s: StoredEvent) -> Self {
        let e = s.event;
        AuditEventOut {
            seq: s.seq,
            hash: s.hash.iter().map(|b| format!("{b:02x}")).collect(),
            time: format_time(e.time),
            principal: e.principal,
            role: e.role,
            action: e.action,
            collection: e.collection,
            records: e.records.iter().map(ToString::to_string).collect(),
            subjects: e.subjects.iter().map(ToString::to_string).collect(),
            fields: e.fields,
            purpose: e.purpose,
            outcome: e.outcome.into(),
            code: e.code,
            client: e.client,
            request_id: e.request_id,
        }
    }
}

/// A page of audit events, newest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct AuditPageOut {
    pub events: Vec<AuditEventOut>,
    /// Pass as `before` for the next (older) page; `null` on the last page.
    pub next: Option<u64>,
}

impl From<AuditPage> for AuditPageOut {
    fn from(p: AuditPage) -> Self {
        AuditPageOut {
            events: p.events.into_iter().map(AuditEventOut::from).collect(),
            next: p.next,
        }
    }
}

/// A monitoring alert: counts and ids, never a value.
#[derive(Serialize, ToSchema)]
pub(crate) struct AlertOut {
    /// Time-ordered id.
    pub id: String,
    /// `bulk_read`, `off_hours`, `denials`, `failed_logins`, `credential_locked`,
    /// `request_overdue`, `export`, `new_admin`, `api_key_created`, `verify_failed` or
    /// `audit_unavailable`.
    pub rule: String,
    /// The principal concerned, when the rule is about one.
    pub principal: Option<String>,
    /// Unix milliseconds.
    pub time: i64,
    /// Audit sequence number of the event that fired it, if any.
    pub seq: Option<u64>,
    /// English.
    pub message: String,
    /// Bahasa Indonesia.
    pub message_id: String,
}

impl From<Alert> for AlertOut {
    fn from(a: Alert) -> Self {
        AlertOut {
            id: a.id,
            rule: a.rule,
            principal: a.principal,
            time: a.time,
            seq: a.seq,
            message: a.message,
            message_id: a.message_id,
        }
    }
}

/// The newest alerts, newest first.
#[derive(Serialize, ToSchema)]
pub(crate) struct AlertsOut {
    pub alerts: Vec<AlertOut>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_and_bad_ones_are_refused_without_echo() {
        let ms = parse_time("2026-12-01T08:00:00.250+07:00").unwrap();
        assert_eq!(ms, 1_796_086_800_250);
        assert_eq!(format_time(ms), "2026-12-01T01:00:00.250Z");
        assert_eq!(format_time(1_796_083_200_000), "2026-12-01T00:00:00.000Z");
        assert_eq!(parse_time(&format_time(ms)).unwrap(), ms);
        let e = parse_time("3174091705900002").unwrap_err();
        assert_eq!(e.code, "invalid_time");
        assert!(!e.message.contains("3174"), "{}", e.message);
    }

    #[test]
    fn filters_and_limits() {
        let params = |limit, record: Option<&str>| AuditParams {
            principal: Some("key_1".into()),
            action: None,
            record: record.map(str::to_owned),
            since: None,
            until: Some("2026-12-01T00:00:00Z".into()),
            before: Some(7),
            limit,
        };
        let (q, before, limit) = params(None, None).into_query().unwrap();
        assert_eq!(q.principal.as_deref(), Some("key_1"));
        assert_eq!(q.until, Some(1_796_083_200_000));
        assert_eq!((before, limit), (Some(7), DEFAULT_PAGE));
        assert_eq!(
            params(Some(0), None).into_query().unwrap_err().code,
            "invalid_query"
        );
        assert_eq!(
            params(Some(1001), None).into_query().unwrap_err().code,
            "invalid_query"
        );
        assert_eq!(params(Some(1000), None).into_query().unwrap().2, 1000);
        assert_eq!(
            params(None, Some("not-a-uuid"))
                .into_query()
                .unwrap_err()
                .code,
            "invalid_id"
        );
    }
}
