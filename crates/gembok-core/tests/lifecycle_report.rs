//! The subject report holds exactly the subject's data and its access history; the
//! privacy notice covers every class, purpose and retention of the schema and is
//! versioned by content; rights requests carry deadlines and are flagged once when
//! overdue; the minimisation report names what nobody reads.

mod common;
mod lifecycle_support;

use std::collections::BTreeSet;

use gembok_core::lifecycle::{
    BusinessProfile, Processor, RequestKind, RequestStatus, RightsConfig,
};
use gembok_types::DataClass;
use lifecycle_support::*;

#[test]
fn the_report_holds_exactly_the_subjects_data_and_history() {
    let w = world();
    w.gate
        .get(&who("support"), Some("shipping"), "customers", w.a.id, None)
        .unwrap();
    w.gate
        .record_consent(&who("app"), w.a.id, "marketing", true, "web_form", None)
        .unwrap();
    let report = w.gate.subject_report(&who("dpo"), w.a.id).unwrap();
    let json = report.to_json();
    let text = json.to_string();
    for v in [w.a.email, w.a.nik, w.a.name, "2x kopi", "view_product"] {
        assert!(text.contains(v), "{v} missing from the report");
    }
    for v in [w.b.email, w.b.nik, w.b.name] {
        assert!(!text.contains(v), "another subject's value leaked: {v}");
    }
    let ids: BTreeSet<String> = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    let want: BTreeSet<String> = [w.a.id, w.a.order, w.a.event]
        .iter()
        .map(|i| i.to_string())
        .collect();
    assert_eq!(ids, want);
    // Every field says its class, purposes and when it goes.
    let customer = json["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["collection"] == "customers")
        .unwrap();
    let email = customer["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["name"] == "email")
        .unwrap();
    assert_eq!(email["class"], "contact");
    assert!(email["purposes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "marketing"));
    assert!(email["retention_until"].as_i64().unwrap() > now_ms() + 4 * 365 * DAY_MS);
    // Access history: the support read, with who and why.
    let history = json["access_history"].as_array().unwrap();
    assert!(history.iter().any(|h| h["principal"] == "key_test_support"
        && h["purpose"] == "shipping"
        && h["action"] == "record.read"));
    let consent = json["consent"].as_array().unwrap();
    assert!(consent
        .iter()
        .any(|c| c["purpose"] == "marketing" && c["granted"] == true));
    // Debug output of the report never shows a value.
    let debug = format!("{report:?}");
    assert!(!debug.contains(w.a.email) && !debug.contains(w.a.nik));
    // Making the report was itself audited.
    let again = w.vault.audit().subject_history(w.a.id).unwrap();
    assert!(again.iter().any(|e| e.event.action == "subject.report"));
    assert!(matches!(
        w.gate.subject_report(&who("support"), w.a.id),
        Err(gembok_core::AccessError::Denied(_))
    ));
}

fn profile() -> BusinessProfile {
    BusinessProfile {
        name: "Toko Kopi Sejahtera".into(),
        contact: "privasi@tokokopi.example".into(),
        dpo: Some("Petugas PDP, dpo@tokokopi.example".into()),
        processors: vec![Processor {
            name: "Kurir Kilat".into(),
            service_en: "Delivery".into(),
            service_id: "Pengiriman".into(),
            classes: vec![DataClass::Identity, DataClass::Contact],
            country: "ID".into(),
        }],
    }
}

#[test]
fn the_notice_covers_the_whole_schema_and_is_versioned_by_content() {
    let w = world();
    let notice = w.vault.privacy_notice(&profile()).unwrap();
    assert_eq!(notice.version, 1);
    let schema = w.vault.schema();
    let classes: BTreeSet<DataClass> = notice.classes.iter().map(|c| c.class).collect();
    for c in schema.collections() {
        for f in c.fields.values() {
            assert!(classes.contains(&f.class));
            let entry = notice.classes.iter().find(|e| e.class == f.class).unwrap();
            assert!(entry.fields.contains(&format!("{}.{}", c.name, f.name)));
            for p in &f.purposes {
                assert!(entry.purposes.iter().any(|x| x == p.as_str()));
                assert!(notice.purposes.iter().any(|x| x.name == p.as_str()));
            }
            let r = f.retention.or(c.retention).unwrap().to_string();
            assert!(entry.retention.contains(&r), "{r} missing for {}", f.name);
        }
    }
    let contact = notice
        .classes
        .iter()
        .find(|e| e.class == DataClass::Contact)
        .unwrap();
    assert_eq!(contact.recipients, vec!["Kurir Kilat".to_owned()]);
    let marketing = notice
        .purposes
        .iter()
        .find(|p| p.name == "marketing")
        .unwrap();
    assert_eq!(marketing.basis, gembok_core::LegalBasis::Consent);
    // Same content: same version. Changed profile: a new one.
    assert_eq!(w.vault.privacy_notice(&profile()).unwrap().version, 1);
    let mut changed = profile();
    changed.contact = "halo@tokokopi.example".into();
    assert_eq!(w.vault.privacy_notice(&changed).unwrap().version, 2);
    assert_eq!(w.vault.privacy_notice_version().unwrap(), Some(2));
    let rows = gembok_core::lifecycle::notice::processing_records(&schema, &profile());
    let fields: usize = schema.collections().map(|c| c.fields.len()).sum();
    assert_eq!(rows.len(), fields);
}

#[test]
fn requests_have_deadlines_and_are_flagged_once_when_overdue() {
    let w = world();
    let dpo = who("dpo");
    let cfg = RightsConfig::default();
    let received = now_ms() - 80 * 3_600_000;
    let late = w
        .gate
        .open_request(
            &dpo,
            RequestKind::Access,
            Some(w.a.id),
            "uu_pdp",
            Some(received),
            &cfg,
        )
        .unwrap();
    assert_eq!(late.deadline_at, received + 72 * 3_600_000);
    let gdpr = w
        .gate
        .open_request(
            &dpo,
            RequestKind::Erasure,
            None,
            "gdpr",
            Some(received),
            &cfg,
        )
        .unwrap();
    assert_eq!(gdpr.deadline_at, received + 720 * 3_600_000);
    let flagged = w.gate.flag_overdue_requests(now_ms()).unwrap();
    assert_eq!(
        flagged.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        vec![late.id.clone()]
    );
    assert!(
        w.gate.flag_overdue_requests(now_ms()).unwrap().is_empty(),
        "flagged once"
    );
    let events = w.vault.audit().events_after(0, 10_000).unwrap();
    let overdue: Vec<_> = events
        .iter()
        .filter(|e| e.event.action == "request.overdue")
        .collect();
    assert_eq!(overdue.len(), 1);
    assert!(overdue[0].event.code.as_deref().unwrap().contains(&late.id));

    let closed = w
        .gate
        .close_request(&dpo, &late.id, RequestStatus::Completed, "report_sent")
        .unwrap();
    assert_eq!(closed.status, RequestStatus::Completed);
    assert!(closed.completed_at.is_some());
    assert!(w
        .gate
        .close_request(&dpo, &late.id, RequestStatus::Rejected, "x")
        .is_err());
    let open = w.gate.requests(&dpo, true).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].id, gdpr.id);
    assert_eq!(w.gate.requests(&dpo, false).unwrap().len(), 2);
    assert!(w.gate.requests(&who("support"), false).is_err());
}

#[test]
fn the_minimisation_report_names_unread_fields_and_unused_purposes() {
    let w = world();
    w.gate
        .get(
            &who("owner"),
            Some("shipping"),
            "customers",
            w.a.id,
            Some(&["name", "phone"]),
        )
        .unwrap();
    let r = w
        .gate
        .minimisation_report(&who("dpo"), now_ms() + 1000, 30)
        .unwrap();
    assert!(r.reads >= 1);
    assert!(!r.unread_fields.contains(&"customers.name".to_owned()));
    assert!(!r.unread_fields.contains(&"customers.phone".to_owned()));
    assert!(r.unread_fields.contains(&"customers.npwp".to_owned()));
    assert!(r.unread_fields.contains(&"events.detail".to_owned()));
    assert!(!r.unused_purposes.contains(&"shipping".to_owned()));
    assert!(r.unused_purposes.contains(&"tax".to_owned()));
    // Outside the window nothing was read.
    let later = w
        .gate
        .minimisation_report(&who("dpo"), now_ms() + 40 * DAY_MS, 30)
        .unwrap();
    assert_eq!(later.reads, 0);
    assert!(later.unread_fields.contains(&"customers.name".to_owned()));
}
