//! The subject report page: the core's [`SubjectReport`] turned into rows a customer can
//! read, with the purposes' descriptions taken from the privacy notice in force.
//!
//! Dates print as `YYYY-MM-DD HH:MM UTC`: the same page is read by customers, staff and
//! auditors who may be anywhere, and a stated zone is never ambiguous.
//!
//! Views borrow the values from the report instead of copying them, so the only owned
//! copy of the customer's data this module makes is the rendered page itself.

use askama::Template;
use gembok_core::lifecycle::{BusinessProfile, PrivacyNotice, SubjectReport};
use gembok_core::schema::PurposeSpec;
use jiff::Timestamp;

use crate::labels::{self, Bi};

/// One purpose as a reader sees it: its name, legal basis and what it means.
pub(crate) struct PurposeView {
    pub name: String,
    pub basis: Bi,
    pub about: Bi,
}

impl PurposeView {
    /// The purpose `name` as the notice describes it; a name the notice lacks (an older
    /// schema) keeps its name as the description.
    pub fn of(name: &str, purposes: &[PurposeSpec]) -> Self {
        match purposes.iter().find(|p| p.name == name) {
            Some(p) => PurposeView::from_spec(p),
            None => PurposeView {
                name: name.to_owned(),
                basis: Bi::same("-"),
                about: Bi::same(name),
            },
        }
    }

    pub fn from_spec(p: &PurposeSpec) -> Self {
        PurposeView {
            name: p.name.clone(),
            basis: labels::basis(p.basis.as_str()),
            about: Bi::new(&p.id, &p.en),
        }
    }
}

struct FieldView<'a> {
    label: Bi,
    value: &'a str,
    class: Bi,
    purposes: Vec<PurposeView>,
    kept_until: Bi,
}

struct RecordView<'a> {
    collection: Bi,
    description: &'a str,
    id: String,
    created: String,
    updated: String,
    fields: Vec<FieldView<'a>>,
}

struct ConsentView<'a> {
    purpose: PurposeView,
    status: Bi,
    since: Option<String>,
    source: Option<&'a str>,
    notice_version: Option<u32>,
}

struct HistoryView<'a> {
    when: String,
    principal: &'a str,
    role: &'a str,
    action: Bi,
    purpose: &'a str,
    collection: Option<Bi>,
    fields: Vec<Bi>,
    outcome: Bi,
}

#[derive(Template)]
#[template(path = "subject_report.html")]
struct ReportPage<'a> {
    business: &'a BusinessProfile,
    subject: String,
    generated: String,
    notice_version: u32,
    records: Vec<RecordView<'a>>,
    consents: Vec<ConsentView<'a>>,
    restricted_since: Option<String>,
    hold_since: Option<String>,
    history: Vec<HistoryView<'a>>,
}

pub(crate) fn render(
    report: &SubjectReport,
    notice: &PrivacyNotice,
) -> Result<String, askama::Error> {
    let records = report
        .records
        .iter()
        .map(|r| RecordView {
            collection: labels::collection(&r.collection),
            description: &r.description,
            id: r.id.to_string(),
            created: format_ms(r.created_at),
            updated: format_ms(r.updated_at),
            fields: r
                .fields
                .iter()
                .map(|f| FieldView {
                    label: labels::field(&f.name),
                    value: f.value.as_str(),
                    class: labels::class(f.class),
                    purposes: f
                        .purposes
                        .iter()
                        .map(|p| PurposeView::of(p, &notice.purposes))
                        .collect(),
                    kept_until: f.retention_until.map_or_else(
                        || labels::retention("until erased"),
                        |t| Bi::same(&format_ms(t)),
                    ),
                })
                .collect(),
        })
        .collect();
    let consents = report
        .consent_purposes
        .iter()
        .map(|p| {
            let last = report.state.consents.get(p).and_then(|h| h.last());
            let status = match last {
                Some(e) if e.granted => Bi::new("Diberikan", "Given"),
                Some(_) => Bi::new("Ditarik", "Withdrawn"),
                None => Bi::new("Belum pernah diberikan", "Never given"),
            };
            ConsentView {
                purpose: PurposeView::of(p, &notice.purposes),
                status,
                since: last.map(|e| format_ms(e.time)),
                source: last.map(|e| e.source.as_str()),
                notice_version: last.and_then(|e| e.notice_version),
            }
        })
        .collect();
    let history = report
        .history
        .iter()
        .map(|h| HistoryView {
            when: format_ms(h.time),
            principal: &h.principal,
            role: &h.role,
            action: labels::action(&h.action),
            purpose: h.purpose.as_deref().unwrap_or("-"),
            collection: h.collection.as_deref().map(labels::collection),
            fields: h.fields.iter().map(|f| labels::field(f)).collect(),
            outcome: labels::outcome(h.outcome),
        })
        .collect();
    ReportPage {
        business: &notice.business,
        subject: report.subject.to_string(),
        generated: format_ms(report.generated_at),
        notice_version: notice.version,
        records,
        consents,
        restricted_since: report.state.restricted_since.map(format_ms),
        hold_since: report.state.hold.as_ref().map(|h| format_ms(h.since)),
        history,
    }
    .render()
}

/// `ms` as `YYYY-MM-DD HH:MM UTC`; a time outside jiff's range (a corrupt value) shows as
/// a plain question mark rather than failing the whole page.
pub(crate) fn format_ms(ms: i64) -> String {
    match Timestamp::from_millisecond(ms) {
        Ok(t) => t.strftime("%Y-%m-%d %H:%M UTC").to_string(),
        Err(_) => "?".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::format_ms;

    #[test]
    fn formats_utc_minutes() {
        assert_eq!(format_ms(0), "1970-01-01 00:00 UTC");
        // 2024-08-17 10:05:59.999 UTC: seconds are dropped, not rounded.
        assert_eq!(format_ms(1_723_889_159_999), "2024-08-17 10:05 UTC");
        assert_eq!(format_ms(-60_000), "1969-12-31 23:59 UTC");
    }

    #[test]
    fn out_of_range_is_a_question_mark() {
        assert_eq!(format_ms(i64::MAX), "?");
        assert_eq!(format_ms(i64::MIN), "?");
    }
}
