//! The event's encoding pinned down: the same event always gives the same bytes and
//! reads back, the refs read from a body equal the event's own, deduplicated in
//! first-occurrence order, and the local operator is named by the OS user.

use super::*;

#[test]
fn encoding_is_stable_and_round_trips() {
    let actor = Actor {
        principal: "key_1".into(),
        role: "support".into(),
        purpose: Some("service".into()),
        client: Some("10.0.0.1".into()),
        request_id: Some("r1".into()),
    };
    let id = RecordId::generate();
    let e = AuditEvent::new(&actor, "record.read", 1_700_000_000_000)
        .collection("customers")
        .records([id])
        .subjects([id, id])
        .fields(["name", "email"]);
    let bytes = e.encode();
    assert_eq!(bytes, e.clone().encode());
    let text = String::from_utf8(bytes.clone()).unwrap();
    assert!(text.starts_with(r#"{"v":1,"time":1700000000000,"principal":"key_1""#));
    assert_eq!(AuditEvent::decode(&bytes).unwrap(), e);
    let mut prefix = Vec::new();
    AuditEvent::columns_prefix(&mut prefix, e.time, "key_1", "record.read");
    assert!(bytes.starts_with(&prefix));
    AuditEvent::columns_prefix(&mut prefix, e.time, "key_2", "record.read");
    assert!(!bytes.starts_with(&prefix));
    assert_eq!(e.subjects.len(), 1);
    assert_eq!(e.refs(), vec![id]);
}

#[test]
fn refs_read_from_a_body_equal_the_events_refs() {
    let (a, b) = (RecordId::generate(), RecordId::generate());
    let e = AuditEvent::new(&Actor::system(), "record.read", 1)
        .records([b, a])
        .subjects([a, b, RecordId::generate()]);
    assert_eq!(AuditEvent::refs_of(&e.encode()).unwrap(), e.refs());
    assert_eq!(e.refs().len(), 3);
    let none = AuditEvent::new(&Actor::system(), "login", 1);
    assert_eq!(AuditEvent::refs_of(&none.encode()).unwrap(), Vec::new());
    assert!(AuditEvent::refs_of(b"{not json").is_err());
}

#[test]
fn refs_dedup_alike_for_few_and_many_ids() {
    let ids: Vec<RecordId> = (0..40).map(|_| RecordId::generate()).collect();
    // 40 records then the first 20 again as subjects: the set path.
    let e = AuditEvent::new(&Actor::system(), "t", 1)
        .records(ids.iter().copied())
        .subjects(ids[..20].iter().copied());
    assert_eq!(e.refs(), ids);
    // Few ids with repeats: the scan path gives the same order.
    let e = AuditEvent::new(&Actor::system(), "t", 1)
        .records([ids[1], ids[0], ids[1]])
        .subjects([ids[0], ids[2]]);
    assert_eq!(e.refs(), vec![ids[1], ids[0], ids[2]]);
}

#[test]
fn refs_keep_the_first_occurrence_order() {
    let [a, b, c] = [(); 3].map(|_| RecordId::generate());
    let e = AuditEvent::new(&Actor::system(), "record.read", 1)
        .records([b, a, b])
        .subjects([c, a])
        .subjects([b, c]);
    assert_eq!(e.subjects, vec![c, a, b]);
    assert_eq!(e.refs(), vec![b, a, c]);
}

#[test]
fn local_operator_is_named_by_os_user() {
    let a = Actor::local_operator();
    assert!(a.principal.starts_with("local:"));
    assert_eq!(a.role, "owner");
}
