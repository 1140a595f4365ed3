//! Data-lifecycle work on PostgreSQL: the two walks erasure and retention make over
//! `records` (each one statement served by its index from schema step 3), and the
//! scrub that vacuums the tables deleted values lived in.
//!
//! `VACUUM` turns dead tuples into free space that later writes reuse; it does not
//! overwrite them, so old bytes can stay in the heap files until their pages are
//! rewritten. `VACUUM FULL` rewrites the tables, but under an exclusive lock that
//! stops the vault, so it is left to the operator (see [`gembok_store::Store::scrub`]).

use crate::errors::{limit, Failure};
use crate::read::meta;
use crate::session::{Conn, Sql};
use gembok_store::{RecordMeta, StoreError};
use gembok_types::RecordId;

/// The tables that hold records, the blind index (and each record's list of its
/// keys) and documents. Names are fixed here, never built from input.
const SCRUBBED: &str = "records, blind_index, index_keys, docs";

pub(crate) fn subject_records(
    conn: &mut impl Sql,
    collection: &str,
    subject: RecordId,
) -> Result<Vec<RecordMeta>, Failure> {
    let rows = conn.query(
        "SELECT id, subject, created_at, updated_at, min_key_version
         FROM records WHERE collection = $1 AND subject = $2 ORDER BY id",
        &[&collection, &&subject.as_bytes()[..]],
    )?;
    rows.iter().map(|r| meta(r, collection)).collect()
}

pub(crate) fn updated_before(
    conn: &mut impl Sql,
    collection: &str,
    before: i64,
    after: Option<RecordId>,
    max: usize,
) -> Result<Vec<RecordMeta>, Failure> {
    let cursor = after.map(|id| id.as_bytes().to_vec()).unwrap_or_default();
    let rows = conn.query(
        "SELECT id, subject, created_at, updated_at, min_key_version
         FROM records WHERE collection = $1 AND updated_at < $2 AND id > $3
         ORDER BY id LIMIT $4",
        &[&collection, &before, &cursor, &limit(max)],
    )?;
    rows.iter().map(|r| meta(r, collection)).collect()
}

/// `VACUUM` the scrubbed tables, after checking that this session may (it owns the
/// tables or the database; superusers pass `pg_has_role` for every role): PostgreSQL
/// skips a table it may not vacuum with only a warning, which would let scrub report
/// success for work it never did.
pub(crate) fn scrub(conn: &mut Conn) -> Result<(), Failure> {
    let rows = conn.query(
        "SELECT count(*) FROM pg_class AS c
         WHERE c.oid IN ('records'::regclass, 'blind_index'::regclass,
                         'index_keys'::regclass, 'docs'::regclass)
           AND NOT pg_has_role(c.relowner, 'USAGE')
           AND NOT pg_has_role((SELECT datdba FROM pg_database
                                WHERE datname = current_database()), 'USAGE')",
        &[],
    )?;
    let refused: i64 = rows[0].try_get(0)?;
    if refused > 0 {
        return Err(Failure::Store(StoreError::Unavailable(
            "scrub cannot VACUUM the vault's tables: the database user owns neither them \
             nor the database"
                .into(),
        )));
    }
    // VACUUM cannot run in a transaction, so it goes as one simple-protocol statement.
    conn.batch(&format!("VACUUM {SCRUBBED}"))?;
    Ok(())
}
