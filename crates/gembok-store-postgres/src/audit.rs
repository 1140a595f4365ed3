//! The audit chain in PostgreSQL: appends, checkpoints and pruning inside the
//! `apply` transaction, and the reads (head, pages in `seq` order, filtered queries
//! newest first, checkpoints, the retention boundary).
//!
//! Sequence numbers are `u64` in the trait and BIGINT here: a `seq` above `i64::MAX`
//! is refused, cursors above it are clamped (no stored `seq` can be larger). Each
//! event keeps its refs as one BYTEA of 16-byte ids, so reading it needs no join and
//! pruning finds its `audit_refs` rows by primary key. A filtered query is driven by
//! one indexed filter, the most selective kind first (refs, principal, action, time);
//! every statement names all seven parameters, with types, so the prepared statements
//! share one parameter list.

use crate::errors::{conflict_on_unique, limit, record_id, Failure};
use crate::session::Sql;
use gembok_store::{AuditCheckpoint, AuditQuery, AuditRow, StoreError};
use gembok_types::RecordId;
use postgres::Row;

fn stored_seq(seq: u64) -> Result<i64, Failure> {
    i64::try_from(seq)
        .map_err(|_| Failure::Store(StoreError::Backend("audit seq beyond 2^63 - 1".into())))
}

fn clamped_seq(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

fn read_seq(value: i64) -> Result<u64, Failure> {
    u64::try_from(value)
        .map_err(|_| Failure::Store(StoreError::Integrity("stored audit seq is negative")))
}

pub(crate) fn append(tx: &mut impl Sql, row: &AuditRow) -> Result<(), Failure> {
    let seq = stored_seq(row.seq)?;
    let refs: Vec<u8> = row.refs.iter().flat_map(|id| *id.as_bytes()).collect();
    tx.execute(
        "INSERT INTO audit_events (seq, time, principal, action, refs, body, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &seq,
            &row.time,
            &row.principal,
            &row.action,
            &refs,
            &row.body,
            &row.hash,
        ],
    )
    .map_err(conflict_on_unique("an audit event with this seq exists"))?;
    if row.refs.is_empty() {
        return Ok(());
    }
    let ids: Vec<&[u8]> = row.refs.iter().map(|id| &id.as_bytes()[..]).collect();
    tx.execute(
        "INSERT INTO audit_refs (record, seq) SELECT DISTINCT unnest($1::BYTEA[]), $2::BIGINT
         ON CONFLICT DO NOTHING",
        &[&ids, &seq],
    )?;
    Ok(())
}

pub(crate) fn put_checkpoint(tx: &mut impl Sql, c: &AuditCheckpoint) -> Result<(), Failure> {
    let seq = stored_seq(c.seq)?;
    tx.execute(
        "INSERT INTO audit_checkpoints (seq, hash, time, key_id, signature)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (seq) DO UPDATE SET hash = excluded.hash, time = excluded.time,
             key_id = excluded.key_id, signature = excluded.signature",
        &[&seq, &c.hash, &c.time, &c.key_id, &c.signature],
    )?;
    Ok(())
}

/// Remove events, their refs and checkpoints with `seq <= through`; the refs rows
/// are found from each event's refs bytes, by primary key.
pub(crate) fn prune(tx: &mut impl Sql, through: u64) -> Result<(), Failure> {
    let through = clamped_seq(through);
    tx.execute(
        "DELETE FROM audit_refs AS r USING (
             SELECT e.seq, substring(e.refs FROM i * 16 + 1 FOR 16) AS record
             FROM audit_events AS e, generate_series(0, length(e.refs) / 16 - 1) AS i
             WHERE e.seq <= $1) AS g
         WHERE r.record = g.record AND r.seq = g.seq",
        &[&through],
    )?;
    tx.execute("DELETE FROM audit_events WHERE seq <= $1", &[&through])?;
    tx.execute("DELETE FROM audit_checkpoints WHERE seq <= $1", &[&through])?;
    Ok(())
}

/// `seq, time, principal, action, refs, body, hash`, checked.
fn event(row: &Row) -> Result<AuditRow, Failure> {
    let refs: &[u8] = row.try_get(4)?;
    if !refs.len().is_multiple_of(16) {
        return Err(StoreError::Integrity("stored audit refs are not 16-byte ids").into());
    }
    Ok(AuditRow {
        seq: read_seq(row.try_get(0)?)?,
        time: row.try_get(1)?,
        principal: row.try_get(2)?,
        action: row.try_get(3)?,
        refs: refs
            .chunks_exact(16)
            .map(record_id)
            .collect::<Result<_, _>>()?,
        body: row.try_get(5)?,
        hash: row.try_get(6)?,
    })
}

pub(crate) fn head(conn: &mut impl Sql) -> Result<Option<(u64, Vec<u8>)>, Failure> {
    let rows = conn.query(
        "SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1",
        &[],
    )?;
    match rows.first() {
        Some(row) => Ok(Some((read_seq(row.try_get(0)?)?, row.try_get(1)?))),
        None => Ok(None),
    }
}

/// Up to `max` entries of `audit_refs` after `after`, in key order, for `verify`.
pub(crate) fn index_page(
    conn: &mut impl Sql,
    after: Option<(RecordId, u64)>,
    max: usize,
) -> Result<Vec<(RecordId, u64)>, Failure> {
    // An empty BYTEA sorts before every 16-byte id.
    let (record, seq): (Vec<u8>, i64) = match after {
        Some((id, seq)) => (id.as_bytes().to_vec(), clamped_seq(seq)),
        None => (Vec::new(), -1),
    };
    let rows = conn.query(
        "SELECT record, seq FROM audit_refs WHERE (record, seq) > ($1::BYTEA, $2::BIGINT)
         ORDER BY record, seq LIMIT $3",
        &[&record, &seq, &limit(max)],
    )?;
    rows.iter()
        .map(|row| {
            let record: Vec<u8> = row.try_get(0)?;
            let record: [u8; 16] = record.try_into().map_err(|_| {
                Failure::Store(StoreError::Integrity("an audit ref is not a 16-byte id"))
            })?;
            Ok((RecordId::from_bytes(record), read_seq(row.try_get(1)?)?))
        })
        .collect()
}

pub(crate) fn events(
    conn: &mut impl Sql,
    after: u64,
    max: usize,
) -> Result<Vec<AuditRow>, Failure> {
    let rows = conn.query(
        "SELECT seq, time, principal, action, refs, body, hash FROM audit_events
         WHERE seq > $1 ORDER BY seq LIMIT $2",
        &[&clamped_seq(after), &limit(max)],
    )?;
    rows.iter().map(event).collect()
}

const BY_RECORD: &str = "SELECT e.seq, e.time, e.principal, e.action, e.refs, e.body, e.hash
    FROM audit_refs AS r JOIN audit_events AS e ON e.seq = r.seq
    WHERE r.record = $1::BYTEA AND r.seq < $2::BIGINT
      AND ($3::TEXT IS NULL OR e.principal = $3::TEXT)
      AND ($4::TEXT IS NULL OR e.action = $4::TEXT)
      AND e.time >= $5::BIGINT AND e.time < $6::BIGINT
    ORDER BY r.seq DESC LIMIT $7::BIGINT";
const BY_PRINCIPAL: &str = "SELECT seq, time, principal, action, refs, body, hash
    FROM audit_events
    WHERE principal = $3::TEXT AND seq < $2::BIGINT AND $1::BYTEA IS NULL
      AND ($4::TEXT IS NULL OR action = $4::TEXT)
      AND time >= $5::BIGINT AND time < $6::BIGINT
    ORDER BY seq DESC LIMIT $7::BIGINT";
const BY_ACTION: &str = "SELECT seq, time, principal, action, refs, body, hash
    FROM audit_events
    WHERE action = $4::TEXT AND seq < $2::BIGINT AND $1::BYTEA IS NULL
      AND $3::TEXT IS NULL AND time >= $5::BIGINT AND time < $6::BIGINT
    ORDER BY seq DESC LIMIT $7::BIGINT";
const BY_TIME_OR_NEWEST: &str = "SELECT seq, time, principal, action, refs, body, hash
    FROM audit_events
    WHERE seq < $2::BIGINT AND $1::BYTEA IS NULL AND $3::TEXT IS NULL
      AND $4::TEXT IS NULL AND time >= $5::BIGINT AND time < $6::BIGINT
    ORDER BY seq DESC LIMIT $7::BIGINT";

pub(crate) fn query(
    conn: &mut impl Sql,
    q: &AuditQuery,
    before: Option<u64>,
    max: usize,
) -> Result<Vec<AuditRow>, Failure> {
    let sql = if q.record.is_some() {
        BY_RECORD
    } else if q.principal.is_some() {
        BY_PRINCIPAL
    } else if q.action.is_some() {
        BY_ACTION
    } else {
        BY_TIME_OR_NEWEST
    };
    let record: Option<&[u8]> = q.record.as_ref().map(|id| &id.as_bytes()[..]);
    let before = before.map_or(i64::MAX, clamped_seq);
    let since = q.since.unwrap_or(i64::MIN);
    let until = q.until.unwrap_or(i64::MAX);
    let rows = conn.query(
        sql,
        &[
            &record,
            &before,
            &q.principal,
            &q.action,
            &since,
            &until,
            &limit(max),
        ],
    )?;
    rows.iter().map(event).collect()
}

pub(crate) fn checkpoints(
    conn: &mut impl Sql,
    after: u64,
    max: usize,
) -> Result<Vec<AuditCheckpoint>, Failure> {
    let rows = conn.query(
        "SELECT seq, hash, time, key_id, signature FROM audit_checkpoints
         WHERE seq > $1 ORDER BY seq LIMIT $2",
        &[&clamped_seq(after), &limit(max)],
    )?;
    rows.iter()
        .map(|r| {
            Ok(AuditCheckpoint {
                seq: read_seq(r.try_get(0)?)?,
                hash: r.try_get(1)?,
                time: r.try_get(2)?,
                key_id: r.try_get(3)?,
                signature: r.try_get(4)?,
            })
        })
        .collect()
}

pub(crate) fn seq_before(conn: &mut impl Sql, before: i64) -> Result<Option<u64>, Failure> {
    let rows = conn.query(
        "SELECT max(seq) FROM audit_events WHERE time < $1",
        &[&before],
    )?;
    let found: Option<i64> = rows[0].try_get(0)?;
    found.map(read_seq).transpose()
}
