//! The JSON shapes of the DPO's tools in `requests.rs`: the rights-request queue, the
//! retention run and the minimisation report, with their OpenAPI schemas. Kept apart
//! from the subject-facing shapes in `dto_lifecycle.rs` because these answers hold no
//! personal data at all: ids, codes, times and counts. Request bodies refuse unknown
//! fields.

use std::collections::BTreeMap;

use gembok_core::lifecycle::{MinimisationReport, RetentionReport, RightsRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// `POST /v1/requests`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpenRequestBody {
    /// `access`, `correction`, `erasure`, `restriction`, `portability`,
    /// `withdraw_consent` or `objection`.
    #[schema(example = "access")]
    pub kind: String,
    /// The subject's record id (UUID), once known.
    pub subject: Option<String>,
    /// Whose deadline applies (default `uu_pdp`).
    #[schema(example = "uu_pdp")]
    pub regulation: Option<String>,
    /// When the request arrived (unix ms; default now).
    pub received_at: Option<i64>,
}

/// `GET /v1/requests?open=true`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct RequestsQuery {
    /// Only requests still open.
    pub open: Option<bool>,
}

/// `POST /v1/requests/{id}/close`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CloseRequestBody {
    /// `completed` or `rejected`.
    #[schema(example = "completed")]
    pub status: String,
    /// A short code saying how it ended.
    #[schema(example = "done")]
    pub resolution: String,
}

/// A rights request.
#[derive(Serialize, ToSchema)]
pub(crate) struct RequestOut {
    pub id: String,
    pub kind: String,
    pub subject: Option<String>,
    pub regulation: String,
    /// Unix milliseconds.
    pub received_at: i64,
    /// Unix milliseconds.
    pub deadline_at: i64,
    /// `open`, `completed` or `rejected`.
    pub status: String,
    pub completed_at: Option<i64>,
    pub resolution: Option<String>,
    /// Open and past its deadline now.
    pub overdue: bool,
}

impl RequestOut {
    pub fn new(r: RightsRequest, now: i64) -> Self {
        let status = serde_json::to_value(r.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        RequestOut {
            overdue: r.overdue(now),
            kind: r.kind.as_str().to_owned(),
            subject: r.subject.map(|s| s.to_string()),
            id: r.id,
            regulation: r.regulation,
            received_at: r.received_at,
            deadline_at: r.deadline_at,
            status,
            completed_at: r.completed_at,
            resolution: r.resolution,
        }
    }
}

/// The request queue.
#[derive(Serialize, ToSchema)]
pub(crate) struct RequestsOut {
    pub requests: Vec<RequestOut>,
}

/// `POST /v1/retention/run`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetentionBody {
    /// Count only, change nothing. Required, so deleting is always a stated choice.
    pub dry_run: bool,
}

/// What a retention run deleted (or would delete), as counts.
#[derive(Serialize, ToSchema)]
pub(crate) struct RetentionOut {
    pub dry_run: bool,
    /// Records per collection.
    pub records: BTreeMap<String, u64>,
    /// Values removed per `collection.field`.
    pub fields: BTreeMap<String, u64>,
    pub inactive_subjects: u64,
    /// Records kept because of a legal hold.
    pub held: u64,
    pub total_records: u64,
}

impl From<RetentionReport> for RetentionOut {
    fn from(r: RetentionReport) -> Self {
        RetentionOut {
            total_records: r.total_records(),
            dry_run: r.dry_run,
            records: r.records,
            fields: r.fields,
            inactive_subjects: r.inactive_subjects,
            held: r.held,
        }
    }
}

/// `GET /v1/reports/minimisation?days=90`.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct MinimisationQuery {
    /// The window in days, 1 to 3650 (default 90).
    pub days: Option<u32>,
}

/// Fields never read and purposes never used in the window.
#[derive(Serialize, ToSchema)]
pub(crate) struct MinimisationOut {
    /// Unix milliseconds.
    pub since: i64,
    pub days: u32,
    pub reads: u64,
    pub unread_fields: Vec<String>,
    pub unused_purposes: Vec<String>,
}

impl From<MinimisationReport> for MinimisationOut {
    fn from(r: MinimisationReport) -> Self {
        MinimisationOut {
            since: r.since,
            days: r.days,
            reads: r.reads,
            unread_fields: r.unread_fields,
            unused_purposes: r.unused_purposes,
        }
    }
}
