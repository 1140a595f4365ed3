//! Consent and restriction are enforced on every read path: a consent-based purpose
//! needs a grant on record, a withdrawal blocks it again, and a restricted subject is
//! served only for `legal` and `dpo`.

mod common;
mod lifecycle_support;

use gembok_core::{AccessError, CoreError};
use lifecycle_support::*;

fn refused(r: Result<impl std::fmt::Debug, AccessError>) -> CoreError {
    match r {
        Err(AccessError::Core(e)) => e,
        other => panic!("expected a core refusal, got {other:?}"),
    }
}

#[test]
fn marketing_needs_consent_and_withdrawal_blocks_it_again() {
    let w = world();
    let app = who("app");
    let read = || {
        w.gate
            .get(&app, Some("marketing"), "customers", w.a.id, None)
    };
    assert!(
        matches!(refused(read()), CoreError::ConsentRequired { ref purpose } if purpose == "marketing")
    );
    // Other purposes are not affected.
    assert!(w
        .gate
        .get(&app, Some("service"), "customers", w.a.id, None)
        .is_ok());

    w.gate
        .record_consent(&app, w.a.id, "marketing", true, "web_form", Some(1))
        .unwrap();
    let rec = read().expect("granted consent allows the read");
    assert!(rec.fields.contains_key("email"));

    w.gate
        .record_consent(&app, w.a.id, "marketing", false, "unsubscribe_link", None)
        .unwrap();
    assert!(matches!(refused(read()), CoreError::ConsentRequired { .. }));

    let state = w.vault.subject_state(w.a.id).unwrap();
    let history = &state.consents["marketing"];
    assert_eq!(history.len(), 2);
    assert!(history[0].granted && !history[1].granted);
    assert_eq!(history[0].source, "web_form");
    assert_eq!(history[0].notice_version, Some(1));
}

#[test]
fn a_search_for_a_consent_purpose_leaves_out_subjects_without_consent() {
    let w = world();
    let app = who("app");
    w.gate
        .record_consent(&app, w.b.id, "marketing", true, "web_form", None)
        .unwrap();
    let hits = w
        .gate
        .search(
            &app,
            Some("marketing"),
            "customers",
            "email",
            w.a.email,
            None,
        )
        .unwrap();
    assert!(hits.is_empty(), "A never consented");
    let hits = w
        .gate
        .search(
            &app,
            Some("marketing"),
            "customers",
            "email",
            w.b.email,
            None,
        )
        .unwrap();
    assert_eq!(hits.len(), 1);
}

#[test]
fn consent_input_is_checked() {
    let w = world();
    let app = who("app");
    let bad_source = w
        .gate
        .record_consent(&app, w.a.id, "marketing", true, "Siti <siti@x>", None);
    assert!(matches!(refused(bad_source), CoreError::InvalidInput(_)));
    let unknown = w
        .gate
        .record_consent(&app, w.a.id, "astrology", true, "web", None);
    assert!(matches!(refused(unknown), CoreError::InvalidInput(_)));
    let nobody = w.gate.record_consent(
        &app,
        gembok_types::RecordId::generate(),
        "marketing",
        true,
        "web",
        None,
    );
    assert!(matches!(refused(nobody), CoreError::NotFound));
    assert!(matches!(
        w.gate
            .record_consent(&who("analyst"), w.a.id, "marketing", true, "web", None),
        Err(AccessError::Denied(_))
    ));
}

#[test]
fn a_restricted_subject_is_read_only_for_legal_and_dpo() {
    let w = world();
    w.gate.set_restriction(&who("dpo"), w.a.id, true).unwrap();
    let owner_p = who("owner");
    for purpose in ["service", "billing"] {
        let r = w
            .gate
            .get(&owner_p, Some(purpose), "customers", w.a.id, None);
        assert!(
            matches!(refused(r), CoreError::SubjectRestricted),
            "{purpose}"
        );
    }
    // Records of the subject in other collections are restricted too.
    let r = w
        .gate
        .get(&owner_p, Some("billing"), "orders", w.a.order, None);
    assert!(matches!(refused(r), CoreError::SubjectRestricted));
    let dpo = w
        .gate
        .get(&who("dpo"), Some("dpo"), "customers", w.a.id, None)
        .unwrap();
    assert!(dpo.fields.contains_key("nik"));
    assert!(w
        .gate
        .get(&owner_p, Some("legal"), "customers", w.a.id, None)
        .is_ok());
    // B is not restricted; a search skips A but finds B.
    assert!(w
        .gate
        .get(&owner_p, Some("service"), "customers", w.b.id, None)
        .is_ok());
    let hits = w
        .gate
        .search(
            &owner_p,
            Some("service"),
            "customers",
            "email",
            w.a.email,
            None,
        )
        .unwrap();
    assert!(hits.is_empty());
    // The refusal is audited with its code.
    let refusals: Vec<_> = w
        .vault
        .audit()
        .events_after(0, 10_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.event.code.as_deref() == Some("subject_restricted"))
        .collect();
    assert!(!refusals.is_empty());

    w.gate.set_restriction(&who("dpo"), w.a.id, false).unwrap();
    assert!(w
        .gate
        .get(&owner_p, Some("service"), "customers", w.a.id, None)
        .is_ok());
    assert!(matches!(
        w.gate.set_restriction(&who("support"), w.a.id, true),
        Err(AccessError::Denied(_))
    ));
}
