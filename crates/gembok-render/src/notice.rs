//! The privacy notice page (`/privacy`): who the business is, what it holds per class of
//! data, why, for how long, who receives it, and the customer's rights under UU PDP
//! No. 27/2022 with how to use them.
//!
//! Everything listed comes from the core's [`PrivacyNotice`], which is generated from the
//! schema: the page cannot promise less or more than the vault really holds.

use askama::Template;
use gembok_core::lifecycle::{BusinessProfile, PrivacyNotice, RequestKind};

use crate::labels::{self, Bi};
use crate::report::{format_ms, PurposeView};

/// A field named in plain words: the field and the collection it sits in.
struct FieldName {
    field: Bi,
    collection: Bi,
}

struct ClassView {
    label: Bi,
    about: Bi,
    fields: Vec<FieldName>,
    purposes: Vec<String>,
    retention: Vec<Bi>,
    recipients: Vec<String>,
}

struct ProcessorView<'a> {
    name: &'a str,
    service: Bi,
    country: &'a str,
    classes: Vec<Bi>,
}

struct RightView {
    name: Bi,
    about: Bi,
    article: &'static str,
}

#[derive(Template)]
#[template(path = "privacy_notice.html")]
struct NoticePage<'a> {
    business: &'a BusinessProfile,
    classes: Vec<ClassView>,
    purposes: Vec<PurposeView>,
    processors: Vec<ProcessorView<'a>>,
    rights: Vec<RightView>,
    response_hours: u32,
    version: u32,
    published: String,
}

fn field_name(qualified: &str) -> FieldName {
    match qualified.split_once('.') {
        Some((c, f)) => FieldName {
            field: labels::field(f),
            collection: labels::collection(c),
        },
        None => FieldName {
            field: labels::field(qualified),
            collection: Bi::same("-"),
        },
    }
}

pub(crate) fn render(notice: &PrivacyNotice) -> Result<String, askama::Error> {
    let classes = notice
        .classes
        .iter()
        .map(|c| ClassView {
            label: labels::class(c.class),
            about: labels::class_about(c.class),
            fields: c.fields.iter().map(|f| field_name(f)).collect(),
            purposes: c.purposes.clone(),
            retention: c.retention.iter().map(|r| labels::retention(r)).collect(),
            recipients: c.recipients.clone(),
        })
        .collect();
    let processors = notice
        .business
        .processors
        .iter()
        .map(|p| ProcessorView {
            name: &p.name,
            service: Bi::new(&p.service_id, &p.service_en),
            country: &p.country,
            classes: p.classes.iter().map(|c| labels::class(*c)).collect(),
        })
        .collect();
    let rights = RequestKind::ALL
        .into_iter()
        .map(|k| {
            let (name, about, article) = labels::right(k);
            RightView {
                name,
                about,
                article,
            }
        })
        .collect();
    NoticePage {
        business: &notice.business,
        classes,
        purposes: notice.purposes.iter().map(PurposeView::from_spec).collect(),
        processors,
        rights,
        response_hours: notice.response_hours,
        version: notice.version,
        published: format_ms(notice.published_at),
    }
    .render()
}
