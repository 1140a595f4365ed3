//! Retention against a controllable clock: collection periods delete records, a field's
//! shorter period removes only that field, legal holds are respected, the inactive rule
//! erases whole subjects, a dry run changes nothing, and the counts are right.

mod common;
mod lifecycle_support;

use gembok_core::lifecycle::RetentionOptions;
use gembok_core::schema::Retention;
use gembok_core::{CoreError, View};
use gembok_store::Store;
use lifecycle_support::*;

/// The default schema with a 30-day period on the customers' phone numbers.
fn schema_with_field_retention() -> String {
    gembok_core::DEFAULT_SCHEMA.replace(
        "[collections.customers.fields.phone]\ntype = \"phone\"",
        "[collections.customers.fields.phone]\nretention = \"30d\"\ntype = \"phone\"",
    )
}

fn opts(days: i64, dry_run: bool) -> RetentionOptions {
    RetentionOptions {
        now: now_ms() + days * DAY_MS,
        dry_run,
        inactive_after: None,
    }
}

#[test]
fn nothing_is_due_today() {
    let w = world();
    let r = w.vault.run_retention(&owner(), opts(0, false)).unwrap();
    assert_eq!(r.total_records(), 0);
    assert_eq!(r.held, 0);
    assert_eq!(w.vault.count("events").unwrap(), 2);
}

#[test]
fn behaviour_goes_after_90_days_and_transactions_stay() {
    let w = world();
    let r = w.vault.run_retention(&owner(), opts(89, false)).unwrap();
    assert_eq!(r.records.get("events"), Some(&0));
    let r = w.vault.run_retention(&owner(), opts(91, false)).unwrap();
    assert_eq!(r.records.get("events"), Some(&2));
    assert_eq!(r.records.get("orders"), Some(&0));
    assert_eq!(r.records.get("customers"), Some(&0));
    assert_eq!(w.vault.count("events").unwrap(), 0);
    assert_eq!(w.vault.count("orders").unwrap(), 2);
    // Customers are kept 5 years, orders 10 (tax law): at 6 years only orders remain.
    let r = w
        .vault
        .run_retention(&owner(), opts(6 * 366, false))
        .unwrap();
    assert_eq!(r.records.get("customers"), Some(&2));
    assert_eq!(w.vault.count("orders").unwrap(), 2);
    let purges: Vec<_> = w
        .vault
        .audit()
        .events_after(0, 10_000)
        .unwrap()
        .into_iter()
        .filter(|e| e.event.action == "retention.purge")
        .collect();
    assert_eq!(purges.len(), 2);
    assert_eq!(purges[0].event.code.as_deref(), Some("deleted:2"));
    assert_eq!(purges[0].event.collection.as_deref(), Some("events"));
}

#[test]
fn a_dry_run_counts_the_same_and_deletes_nothing() {
    let w = world();
    let dry = w.vault.run_retention(&owner(), opts(100, true)).unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.records.get("events"), Some(&2));
    assert_eq!(w.vault.count("events").unwrap(), 2);
    let real = w.vault.run_retention(&owner(), opts(100, false)).unwrap();
    assert_eq!(real.records, dry.records);
    assert_eq!(w.vault.count("events").unwrap(), 0);
}

#[test]
fn a_legal_hold_keeps_the_subjects_records() {
    let w = world();
    w.vault
        .set_legal_hold(&owner(), w.a.id, Some("case-9"))
        .unwrap();
    let r = w.vault.run_retention(&owner(), opts(100, false)).unwrap();
    assert_eq!(r.records.get("events"), Some(&1));
    assert_eq!(r.held, 1);
    let left = w.t.store.list("events", None, 10).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].subject, w.a.id);
    w.vault.set_legal_hold(&owner(), w.a.id, None).unwrap();
    let r = w.vault.run_retention(&owner(), opts(100, false)).unwrap();
    assert_eq!(r.records.get("events"), Some(&1));
    assert_eq!(r.held, 0);
}

#[test]
fn a_field_period_removes_only_that_field_and_keeps_the_clock() {
    let w = world_with(&schema_with_field_retention());
    let before =
        w.t.store
            .get("customers", &[w.a.id], None)
            .unwrap()
            .pop()
            .unwrap();
    let r = w.vault.run_retention(&owner(), opts(31, false)).unwrap();
    assert_eq!(r.fields.get("customers.phone"), Some(&2));
    assert_eq!(r.total_records(), 0);
    let rec = w
        .vault
        .get(&owner(), "customers", w.a.id, None, View::Plain)
        .unwrap();
    assert!(!rec.fields.contains_key("phone"));
    assert!(rec.fields.contains_key("email") && rec.fields.contains_key("name"));
    assert_eq!(
        rec.updated_at, before.meta.updated_at,
        "removal must not restart the clock"
    );
    // Searching by the removed phone finds nothing (its index entry went with it).
    let found = w
        .vault
        .find_ids(&owner(), "customers", "phone", "0812-3456-7890")
        .unwrap();
    assert!(found.is_empty());
    // A second run has nothing left to remove.
    let again = w.vault.run_retention(&owner(), opts(31, false)).unwrap();
    assert_eq!(again.fields.get("customers.phone"), Some(&0));
}

#[test]
fn inactive_subjects_are_erased_unless_held() {
    let w = world();
    w.vault
        .set_legal_hold(&owner(), w.b.id, Some("audit-2026"))
        .unwrap();
    let mut o = opts(2 * 366, false);
    o.inactive_after = Some(Retention::Years(2));
    let early = w
        .vault
        .run_retention(
            &owner(),
            RetentionOptions {
                now: now_ms() + 700 * DAY_MS,
                ..o
            },
        )
        .unwrap();
    assert_eq!(early.inactive_subjects, 0);
    let r = w.vault.run_retention(&owner(), o).unwrap();
    assert_eq!(r.inactive_subjects, 1);
    assert!(matches!(
        w.vault
            .get(&owner(), "customers", w.a.id, None, View::Plain),
        Err(CoreError::NotFound)
    ));
    assert_eq!(w.vault.count("orders").unwrap(), 1, "A's order went with A");
    assert!(w
        .vault
        .get(&owner(), "customers", w.b.id, None, View::Plain)
        .is_ok());
    assert_eq!(w.vault.erasure_ledger().unwrap().len(), 1);
}

#[test]
fn recent_activity_in_any_collection_keeps_a_subject_active() {
    let w = world();
    // Age every record by three years, straight in the store (the vault stamps the
    // wall clock), then give A one fresh change in the events collection only.
    let old = now_ms() - 3 * 366 * DAY_MS;
    let mut muts = Vec::new();
    for c in [&w.a, &w.b] {
        for (coll, id) in [
            ("customers", c.id),
            ("orders", c.order),
            ("events", c.event),
        ] {
            muts.push(gembok_store::Mutation::UpdateFields {
                collection: coll.into(),
                id,
                set: vec![],
                remove: vec![],
                updated_at: old,
            });
        }
    }
    w.t.store.apply(&muts).unwrap();
    w.vault
        .update(
            &owner(),
            "events",
            w.a.event,
            &serde_json::json!({"detail": "sku 43"}),
        )
        .unwrap();
    let o = RetentionOptions {
        now: now_ms(),
        dry_run: false,
        inactive_after: Some(Retention::Years(2)),
    };
    let r = w.vault.run_retention(&owner(), o).unwrap();
    assert_eq!(r.inactive_subjects, 1, "only B was idle everywhere");
    assert!(w
        .vault
        .get(&owner(), "customers", w.a.id, None, View::Plain)
        .is_ok());
    assert!(matches!(
        w.vault
            .get(&owner(), "customers", w.b.id, None, View::Plain),
        Err(CoreError::NotFound)
    ));
}
