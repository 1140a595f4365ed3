//! The JSON shapes of the data-lifecycle routes (erasure, subject state, consent,
//! rights requests, retention, minimisation, privacy documents), with their OpenAPI
//! schemas. Request bodies refuse unknown fields. Answers carry ids, purposes, codes,
//! times and counts; the subject report is the one answer holding personal data.

use std::collections::BTreeMap;

use gembok_core::lifecycle::{
    ConsentEntry, ErasureReport, MinimisationReport, RetentionReport, RightsRequest, SubjectState,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

/// `POST /v1/subjects/{id}/erase`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct EraseBody {
    /// Why the subject is erased, e.g. `dpo` (a rights request) or `legal`.
    #[schema(example = "dpo")]
    pub purpose: String,
}

/// What an erasure removed.
#[derive(Serialize, ToSchema)]
pub(crate) struct ErasureOut {
    pub subject: String,
    /// Unix milliseconds.
    pub erased_at: i64,
    /// Records removed per collection.
    pub records: BTreeMap<String, u64>,
    pub total: u64,
}

impl From<ErasureReport> for ErasureOut {
    fn from(r: ErasureReport) -> Self {
        ErasureOut {
            subject: r.subject.to_string(),
            erased_at: r.erased_at,
            total: r.total(),
            records: r.records,
        }
    }
}

/// `?format=json|html&download=true` on the subject report.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportQuery {
    /// `json` (default) or `html` (a page in Bahasa Indonesia and English).
    pub format: Option<String>,
    /// Send JSON as a file to save (HTML always is).
    pub download: Option<bool>,
}

/// The subject report: every record with its fields (class, purposes, value, retention),
/// consent, restriction and the access history. Holds personal data.
#[derive(Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub(crate) struct SubjectReportOut(pub Value);

/// A legal hold on a subject.
#[derive(Serialize, ToSchema)]
pub(crate) struct HoldOut {
    /// Unix milliseconds.
    pub since: i64,
    /// The case code.
    pub reason: String,
}

/// One consent decision.
#[derive(Serialize, ToSchema)]
pub(crate) struct ConsentOut {
    pub granted: bool,
    /// Unix milliseconds.
    pub time: i64,
    pub source: String,
    pub notice_version: Option<u32>,
}

impl From<ConsentEntry> for ConsentOut {
    fn from(c: ConsentEntry) -> Self {
        ConsentOut {
            granted: c.granted,
            time: c.time,
            source: c.source,
            notice_version: c.notice_version,
        }
    }
}

/// A subject's restriction, legal hold and consent state.
#[derive(Serialize, ToSchema)]
pub(crate) struct SubjectStateOut {
    pub restricted: bool,
    /// Unix milliseconds, when restricted.
    pub restricted_since: Option<i64>,
    pub hold: Option<HoldOut>,
    /// Per purpose, whether consent is granted now.
    pub consented: BTreeMap<String, bool>,
    /// Per purpose, every decision, oldest first.
    pub consents: BTreeMap<String, Vec<ConsentOut>>,
}

impl From<SubjectState> for SubjectStateOut {
    fn from(s: SubjectState) -> Self {
        let consented = s
            .consents
            .keys()
            .map(|p| (p.clone(), s.consented(p)))
            .collect();
        SubjectStateOut {
            restricted: s.restricted_since.is_some(),
            restricted_since: s.restricted_since,
            hold: s.hold.map(|h| HoldOut {
                since: h.since,
                reason: h.reason,
            }),
            consented,
            consents: s
                .consents
                .into_iter()
                .map(|(p, h)| (p, h.into_iter().map(ConsentOut::from).collect()))
                .collect(),
        }
    }
}

/// `PUT /v1/subjects/{id}/restriction`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RestrictionBody {
    pub restricted: bool,
}

/// `PUT /v1/subjects/{id}/hold`: a case code, or `null` to release.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct HoldBody {
    #[schema(example = "case-12")]
    pub hold: Option<String>,
}

/// `POST /v1/subjects/{id}/consent`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ConsentBody {
    #[schema(example = "marketing")]
    pub purpose: String,
    pub granted: bool,
    /// Where it was given: a short code such as `web_form`.
    #[schema(example = "web_form")]
    pub source: String,
    /// The privacy-notice version shown (default: the version in force).
    pub notice_version: Option<u32>,
}

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

/// `?format=json|csv` on the records of processing.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ProcessingQuery {
    /// `json` (default) or `csv`.
    pub format: Option<String>,
}

/// The records of processing: one row per field (collection, field, class, purposes,
/// legal bases, retention, recipients, searchable).
#[derive(Serialize, ToSchema)]
pub(crate) struct ProcessingOut {
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<Value>,
}

/// The privacy notice: business, classes of data, purposes with their legal bases,
/// retention and recipients. No personal data.
#[derive(Serialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object)]
pub(crate) struct PrivacyNoticeOut(pub Value);
