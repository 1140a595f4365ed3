//! PostgreSQL specifics of the data-lifecycle methods: schema step 3 adds the indexes
//! the two walks use, `scrub` really vacuums the tables deleted values lived in, and
//! a database user that may not vacuum them gets an error instead of a false success.

mod common;

use gembok_store::{Mutation, RecordMeta, SealedField, SealedRecord, Store, StoreError};
use gembok_types::RecordId;

fn record(subject: RecordId, updated_at: i64) -> SealedRecord {
    SealedRecord {
        meta: RecordMeta {
            collection: "orders".into(),
            id: RecordId::generate(),
            subject,
            created_at: 1,
            updated_at,
            min_key_version: 1,
        },
        fields: vec![SealedField {
            name: "total".into(),
            key_version: 1,
            ciphertext: vec![7; 40],
        }],
    }
}

fn plan(client: &mut postgres::Client, sql: &str) -> String {
    client
        .query(&format!("EXPLAIN {sql}"), &[])
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Both walks can be answered from their index (the planner is told to avoid a
/// sequential scan, since on a small table it would rightly prefer one).
#[test]
fn walks_are_served_by_their_indexes() {
    let db = fresh_db!();
    let store = db.store();
    let subject = RecordId::generate();
    let inserts: Vec<Mutation> = (0..200)
        .map(|i| {
            Mutation::Insert(record(
                if i % 10 == 0 {
                    subject
                } else {
                    RecordId::generate()
                },
                i,
            ))
        })
        .collect();
    store.apply(&inserts).unwrap();
    assert_eq!(store.subject_records("orders", subject).unwrap().len(), 20);
    assert_eq!(
        store
            .updated_before("orders", 50, None, 1000)
            .unwrap()
            .len(),
        50
    );

    let mut client = db.client();
    client
        .batch_execute("ANALYZE records; SET enable_seqscan = off")
        .unwrap();
    let by_subject = plan(
        &mut client,
        "SELECT id FROM records WHERE collection = 'orders' AND subject = '\\x00' ORDER BY id",
    );
    assert!(by_subject.contains("records_by_subject"), "{by_subject}");
    assert!(!by_subject.contains("Sort"), "{by_subject}");
    let by_time = plan(
        &mut client,
        "SELECT id FROM records WHERE collection = 'orders' AND updated_at < 5 \
         AND id > '\\x' ORDER BY id LIMIT 10",
    );
    assert!(by_time.contains("records_by_updated_at"), "{by_time}");
}

fn vacuum_counts(client: &mut postgres::Client) -> Vec<(String, i64)> {
    client
        .query(
            "SELECT relname::text, vacuum_count FROM pg_stat_user_tables
             WHERE relname IN ('records', 'blind_index', 'index_keys', 'docs')
             ORDER BY relname",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn scrub_vacuums_the_tables_that_held_values() {
    let db = fresh_db!();
    let store = db.store();
    let rec = record(RecordId::generate(), 1);
    store.apply(&[Mutation::Insert(rec.clone())]).unwrap();
    store
        .apply(&[Mutation::Delete {
            collection: "orders".into(),
            id: rec.meta.id,
        }])
        .unwrap();
    let before = vacuum_counts(&mut db.client());
    assert_eq!(before.len(), 4, "{before:?}");
    store.scrub().unwrap();
    let after = vacuum_counts(&mut db.client());
    for ((table, was), (_, now)) in before.iter().zip(&after) {
        assert_eq!(*now, was + 1, "{table} vacuumed once");
    }
    let dead: i64 = db
        .client()
        .query_one(
            "SELECT n_dead_tup FROM pg_stat_user_tables WHERE relname = 'records'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(dead, 0, "the deleted row's tuple was reclaimed");
}

/// A role that can connect and use the tables but owns nothing, dropped afterwards.
struct Tenant<'a> {
    db: &'a common::TestDb,
    role: String,
}

impl Drop for Tenant<'_> {
    fn drop(&mut self) {
        let mut client = self.db.client();
        let _ = client.batch_execute(&format!("DROP OWNED BY {}", self.role));
        drop(client);
        if let Some(mut admin) = common::admin() {
            if let Err(e) = admin.batch_execute(&format!("DROP ROLE IF EXISTS {}", self.role)) {
                eprintln!("could not drop test role {}: {e}", self.role);
            }
        }
    }
}

/// The server URL with its user (and any password) replaced by `user`.
fn as_user(server: &str, user: &str) -> String {
    let (scheme, rest) = server.split_once("://").expect("server URL has a scheme");
    let host = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{user}@{host}")
}

#[test]
fn scrub_refuses_when_the_user_may_not_vacuum() {
    let db = fresh_db!();
    drop(db.store());
    let tenant = Tenant {
        db: &db,
        role: format!("{}_tenant", db.name),
    };
    db.client()
        .batch_execute(&format!(
            "CREATE ROLE {role} LOGIN;
             GRANT USAGE, CREATE ON SCHEMA public TO {role};
             GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role};",
            role = tenant.role
        ))
        .unwrap();
    let url = format!(
        "{}/{}?application_name={}",
        as_user(&common::server(), &tenant.role),
        db.name,
        db.app
    );
    let store = gembok_store_postgres::PostgresStore::connect(&url).expect("connect as tenant");
    store.check_integrity().unwrap();
    let err = store.scrub().unwrap_err();
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    assert!(err.to_string().contains("VACUUM"), "{err}");
    drop(store);
    drop(tenant);
}
