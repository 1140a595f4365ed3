//! Shared set-up: a real vault on SQLite in a temporary folder holding one customer with
//! an order and an activity event, read once (so there is access history), with consent
//! for `marketing` on record, and a business profile with two processors whose names are
//! hostile on purpose.

#![allow(dead_code)]

use std::sync::Arc;

use gembok_core::lifecycle::{BusinessProfile, PrivacyNotice, Processor, SubjectReport};
use gembok_core::{Actor, Vault, View, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_store_sqlite::SqliteStore;
use gembok_types::{DataClass, RecordId};
use serde_json::json;

/// What a stored text field holds to try to inject markup into the page.
pub const HOSTILE: &str = "<script>alert(1)</script>";

pub struct Fixture {
    pub vault: Vault,
    pub customer: RecordId,
    pub profile: BusinessProfile,
    _dir: tempfile::TempDir,
}

pub fn profile() -> BusinessProfile {
    BusinessProfile {
        name: "Toko <i>Maju</i> & \"Jaya\"".into(),
        contact: "privasi@tokomaju.example".into(),
        dpo: Some("Petugas PDP, dpo@tokomaju.example".into()),
        processors: vec![
            Processor {
                name: "=HYPERLINK(\"http://evil.example\")".into(),
                service_en: "Parcel delivery".into(),
                service_id: "Pengiriman paket".into(),
                classes: vec![DataClass::Identity, DataClass::Contact],
                country: "Indonesia".into(),
            },
            Processor {
                name: "Bayar \"Cepat\", Tbk <img src=x onerror=alert(1)>".into(),
                service_en: "Card payments".into(),
                service_id: "Pembayaran kartu".into(),
                classes: vec![DataClass::Transaction],
                country: "Singapura / Singapore".into(),
            },
        ],
    }
}

pub fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let master = MasterKey::create_file(&dir.path().join("master.key")).unwrap();
    let store = Arc::new(SqliteStore::open(&dir.path().join("gembok.db")).unwrap());
    let vault = Vault::initialize(store, master, DEFAULT_SCHEMA).unwrap();
    let actor = Actor::local_operator();
    let customer = vault
        .create(
            &actor,
            "customers",
            &json!({"name": "Siti Rahmawati", "email": "siti.r@example.co.id",
                    "phone": "0812-3456-7890", "postal_code": "12940",
                    "nik": "3174054505900002"}),
        )
        .unwrap();
    let cid = customer.to_string();
    vault
        .create(
            &actor,
            "orders",
            &json!({"customer": cid, "amount": "IDR 150000", "items": HOSTILE}),
        )
        .unwrap();
    vault
        .create(
            &actor,
            "events",
            &json!({"customer": cid, "action": "checkout", "detail": "a & b \"quoted\""}),
        )
        .unwrap();
    vault
        .get(&actor, "customers", customer, None, View::Plain)
        .unwrap();
    let profile = profile();
    let notice = vault.privacy_notice(&profile).unwrap();
    vault
        .record_consent(
            &actor,
            customer,
            "marketing",
            true,
            "web_form",
            Some(notice.version),
        )
        .unwrap();
    Fixture {
        vault,
        customer,
        profile,
        _dir: dir,
    }
}

impl Fixture {
    pub fn notice(&self) -> PrivacyNotice {
        self.vault.privacy_notice(&self.profile).unwrap()
    }

    pub fn report(&self) -> SubjectReport {
        self.vault
            .subject_report(&Actor::local_operator(), self.customer)
            .unwrap()
    }
}

/// Parse `html` as an HTML5 document and fail on any parse error.
pub fn parse(html: &str) -> scraper::Html {
    let doc = scraper::Html::parse_document(html);
    assert!(doc.errors.is_empty(), "HTML parse errors: {:?}", doc.errors);
    doc
}

pub fn select<'a>(doc: &'a scraper::Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    let sel = scraper::Selector::parse(css).unwrap();
    doc.select(&sel).collect()
}

/// An element's text with whitespace runs collapsed to one space.
pub fn text(e: &scraper::ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every element's text in the document, collapsed.
pub fn all_text(doc: &scraper::Html) -> String {
    text(&doc.root_element())
}

/// Neither scripts nor anything loaded from elsewhere.
pub fn assert_self_contained(doc: &scraper::Html) {
    for css in [
        "script",
        "link",
        "img",
        "iframe",
        "object",
        "embed",
        "[src]",
        "[href]",
        "[onerror]",
    ] {
        assert!(
            select(doc, css).is_empty(),
            "unexpected `{css}` in the page"
        );
    }
    assert_eq!(select(doc, "head > style").len(), 1, "inline CSS expected");
    assert_eq!(select(doc, "head > meta[charset]").len(), 1);
    assert_eq!(select(doc, "head > title").len(), 1);
}
