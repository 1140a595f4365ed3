//! The walks that make the whole database readable through the trait, for copying a
//! vault to another backend: every setting, the document kinds, the collections in
//! use and each collection's blind-index entries in (field, digest, record) order.
//!
//! Distinct names are found by skipping along an index (`min(x) WHERE x > previous`,
//! one seek each) rather than by scanning `records`, whose rows carry every sealed
//! field. Index entries are read one field at a time by primary-key range, because
//! `field_id`s are numbered in creation order, not in name order; the caller runs the
//! field list and the pages in one transaction, so they are one snapshot. Every text
//! key has the "C" collation, so the orders are byte orders.

use crate::errors::{limit, record_id, Failure};
use crate::session::Sql;
use gembok_store::IndexEntry;

pub(crate) fn settings(conn: &mut impl Sql) -> Result<Vec<(String, Vec<u8>)>, Failure> {
    let rows = conn.query("SELECT name, value FROM settings ORDER BY name", &[])?;
    rows.iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
        .collect()
}

fn names(conn: &mut impl Sql, sql: &'static str) -> Result<Vec<String>, Failure> {
    let rows = conn.query(sql, &[])?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

pub(crate) fn doc_kinds(conn: &mut impl Sql) -> Result<Vec<String>, Failure> {
    names(
        conn,
        "WITH RECURSIVE k(x) AS (
             SELECT min(kind) FROM docs
             UNION ALL
             SELECT (SELECT min(kind) FROM docs WHERE kind > k.x) FROM k WHERE k.x IS NOT NULL
         ) SELECT x FROM k WHERE x IS NOT NULL ORDER BY x",
    )
}

/// Collections with a record, and those whose indexed fields still have an entry
/// (`index_fields` keeps a pair after its last entry is gone).
pub(crate) fn collections(conn: &mut impl Sql) -> Result<Vec<String>, Failure> {
    names(
        conn,
        "WITH RECURSIVE c(x) AS (
             SELECT min(collection) FROM records
             UNION ALL
             SELECT (SELECT min(collection) FROM records WHERE collection > c.x)
             FROM c WHERE c.x IS NOT NULL
         )
         SELECT x FROM c WHERE x IS NOT NULL
         UNION
         SELECT f.collection FROM index_fields AS f
         WHERE EXISTS (SELECT 1 FROM blind_index AS b WHERE b.field_id = f.id)
         ORDER BY 1",
    )
}

pub(crate) fn index_entries(
    conn: &mut impl Sql,
    collection: &str,
    after: Option<&IndexEntry>,
    max: usize,
) -> Result<Vec<IndexEntry>, Failure> {
    let from = after.map_or("", |a| a.field.as_str());
    let fields = conn.query(
        "SELECT id, field FROM index_fields WHERE collection = $1 AND field >= $2
         ORDER BY field",
        &[&collection, &from],
    )?;
    let mut out = Vec::new();
    for row in &fields {
        let want = max.saturating_sub(out.len());
        if want == 0 {
            break;
        }
        let field_id: i64 = row.try_get(0)?;
        let field: String = row.try_get(1)?;
        let page = match after.filter(|a| a.field == field) {
            // Inside the cursor's field: entries after (digest, record).
            Some(a) => conn.query(
                "SELECT digest, record_id FROM blind_index
                 WHERE field_id = $1 AND (digest, record_id) > ($2, $3)
                 ORDER BY digest, record_id LIMIT $4",
                &[
                    &field_id,
                    &a.digest,
                    &&a.record.as_bytes()[..],
                    &limit(want),
                ],
            )?,
            None => conn.query(
                "SELECT digest, record_id FROM blind_index WHERE field_id = $1
                 ORDER BY digest, record_id LIMIT $2",
                &[&field_id, &limit(want)],
            )?,
        };
        for r in &page {
            out.push(IndexEntry {
                collection: collection.to_owned(),
                field: field.clone(),
                digest: r.try_get(0)?,
                record: record_id(r.try_get(1)?)?,
            });
        }
    }
    Ok(out)
}
