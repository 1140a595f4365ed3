//! Conformance tests for [`Store::audit_query`]: every filter alone and combined,
//! newest first, paged with the `before` cursor and `limit`. Each answer is compared
//! with the same filter run over the whole chain in plain Rust.

use super::audit::{append, event, seqs};
use super::support::*;
use crate::{AuditQuery, AuditRow, Mutation, Store};
use gembok_types::RecordId;

/// The chain the query tests read: 60 events over three principals (two sharing a
/// prefix), three actions (two sharing a prefix), times that repeat and go backwards
/// once, and refs to two records and a subject, some events naming several.
struct Chain {
    rows: Vec<AuditRow>,
    a: RecordId,
    b: RecordId,
    subject: RecordId,
}

fn chain(store: &dyn Store) -> Chain {
    let (a, b, subject) = (
        RecordId::generate(),
        RecordId::generate(),
        RecordId::generate(),
    );
    let principals = ["api:alice", "api:bob", "api:alice2"];
    let actions = ["record.read", "record.readall", "record.update"];
    let rows: Vec<AuditRow> = (1..=60u64)
        .map(|seq| {
            let mut refs = Vec::new();
            if seq % 2 == 0 {
                refs.push(a);
            }
            if seq % 5 == 0 {
                refs.push(b);
            }
            if seq % 3 == 0 {
                refs.push(subject);
            }
            // Two events per second, and seq 31 is stamped before seq 30.
            let time = if seq == 31 {
                T0
            } else {
                T0 + (seq / 2) as i64 * 1000
            };
            let principal = principals[(seq % 3) as usize];
            let action = actions[((seq / 4) % 3) as usize];
            event(seq, time, principal, action, &refs)
        })
        .collect();
    let slice: Vec<Mutation> = rows.iter().map(append).collect();
    apply_ok(store, &slice);
    Chain {
        rows,
        a,
        b,
        subject,
    }
}

fn expected(rows: &[AuditRow], q: &AuditQuery) -> Vec<AuditRow> {
    let mut out: Vec<AuditRow> = rows
        .iter()
        .filter(|r| {
            q.principal.as_ref().is_none_or(|p| *p == r.principal)
                && q.action.as_ref().is_none_or(|a| *a == r.action)
                && q.record.is_none_or(|id| r.refs.contains(&id))
                && q.since.is_none_or(|t| r.time >= t)
                && q.until.is_none_or(|t| r.time < t)
        })
        .cloned()
        .collect();
    out.reverse();
    out
}

/// Every page of `q` with page size `limit`, following the cursor until a short page.
fn all_pages(store: &dyn Store, q: &AuditQuery, limit: usize) -> Vec<AuditRow> {
    let mut out: Vec<AuditRow> = Vec::new();
    let mut before = None;
    loop {
        let page = store.audit_query(q, before, limit).expect("audit_query");
        assert!(page.len() <= limit, "page longer than its limit");
        if let Some(cursor) = before {
            assert!(
                page.iter().all(|r| r.seq < cursor),
                "page ignores its cursor"
            );
        }
        let done = page.len() < limit;
        before = page.last().map(|r| r.seq);
        out.extend(page);
        if done || before.is_none() {
            return out;
        }
    }
}

fn check(store: &dyn Store, rows: &[AuditRow], q: &AuditQuery) {
    let want = expected(rows, q);
    let got = store.audit_query(q, None, 1000).expect("audit_query");
    assert_eq!(seqs(&got), seqs(&want), "{q:?}");
    assert_eq!(got, want, "{q:?}");
    for limit in [1, 4, 7] {
        assert_eq!(
            seqs(&all_pages(store, q, limit)),
            seqs(&want),
            "{q:?} by {limit}"
        );
    }
}

/// Each filter alone (and none) selects exactly its events, newest first: equal
/// strings only (no prefix matching), any position in `refs`, `since` inclusive and
/// `until` exclusive, whole pages through the cursor.
pub fn audit_query_by_each_filter(store: &dyn Store) {
    let c = chain(store);
    let queries = [
        AuditQuery::default(),
        AuditQuery {
            principal: Some("api:alice".into()),
            ..AuditQuery::default()
        },
        AuditQuery {
            principal: Some("api:nobody".into()),
            ..AuditQuery::default()
        },
        AuditQuery {
            action: Some("record.read".into()),
            ..AuditQuery::default()
        },
        AuditQuery {
            record: Some(c.a),
            ..AuditQuery::default()
        },
        AuditQuery {
            record: Some(c.b),
            ..AuditQuery::default()
        },
        AuditQuery {
            record: Some(c.subject),
            ..AuditQuery::default()
        },
        AuditQuery {
            record: Some(RecordId::generate()),
            ..AuditQuery::default()
        },
        AuditQuery {
            since: Some(T0 + 10_000),
            ..AuditQuery::default()
        },
        AuditQuery {
            until: Some(T0 + 10_000),
            ..AuditQuery::default()
        },
        AuditQuery {
            since: Some(T0 + 10_000),
            until: Some(T0 + 10_000),
            ..AuditQuery::default()
        },
    ];
    for q in &queries {
        check(store, &c.rows, q);
    }
    let by_a = AuditQuery {
        record: Some(c.a),
        ..AuditQuery::default()
    };
    assert_eq!(store.audit_query(&by_a, None, 1000).expect("q").len(), 30);
}

/// Filters combine with AND, and the cursor and limit cut the same answer: `before`
/// is exclusive, a `before` of 1 or a `limit` of 0 gives nothing.
pub fn audit_query_combined_and_paged(store: &dyn Store) {
    let c = chain(store);
    let queries = [
        AuditQuery {
            principal: Some("api:bob".into()),
            action: Some("record.update".into()),
            ..AuditQuery::default()
        },
        AuditQuery {
            principal: Some("api:alice2".into()),
            record: Some(c.a),
            ..AuditQuery::default()
        },
        AuditQuery {
            action: Some("record.readall".into()),
            record: Some(c.subject),
            since: Some(T0 + 5_000),
            ..AuditQuery::default()
        },
        AuditQuery {
            principal: Some("api:alice".into()),
            action: Some("record.read".into()),
            record: Some(c.b),
            since: Some(T0),
            until: Some(T0 + 28_000),
        },
        AuditQuery {
            record: Some(c.a),
            since: Some(T0 + 3_000),
            until: Some(T0 + 20_000),
            ..AuditQuery::default()
        },
        AuditQuery {
            principal: Some("api:bob".into()),
            until: Some(T0 + 15_500),
            ..AuditQuery::default()
        },
    ];
    for q in &queries {
        check(store, &c.rows, q);
    }
    let everything = AuditQuery::default();
    let page = store.audit_query(&everything, Some(41), 5).expect("q");
    assert_eq!(seqs(&page), [40, 39, 38, 37, 36]);
    assert!(store
        .audit_query(&everything, Some(1), 5)
        .expect("q")
        .is_empty());
    assert!(store
        .audit_query(&everything, None, 0)
        .expect("q")
        .is_empty());
    let by_a = AuditQuery {
        record: Some(c.a),
        ..AuditQuery::default()
    };
    let page = store.audit_query(&by_a, Some(11), 3).expect("q");
    assert_eq!(seqs(&page), [10, 8, 6]);
    assert_eq!(page[0], c.rows[9]);
}
