//! The JSON shapes of the data-lifecycle routes that concern subjects and the public
//! (erasure, subject state, consent, the subject report, privacy documents), with their
//! OpenAPI schemas; the DPO's queue, retention and minimisation shapes are in
//! `dto_requests.rs`. Request bodies refuse unknown fields. Answers carry ids, purposes,
//! codes, times and counts; the subject report is the one answer holding personal data.

use std::collections::BTreeMap;

use gembok_core::lifecycle::{ConsentEntry, ErasureReport, SubjectState};
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
