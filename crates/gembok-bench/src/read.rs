//! Read throughput: get by id and find by email, vault against plain SQLite.
//!
//! Both sides look up the same dataset rows in the same random order. An untimed
//! warm-up of as many lookups (in another order) first brings both page caches to the
//! same state, since the baseline reads through the connection that just wrote while
//! the vault reads through its own pool, and checks that both return exactly the
//! generated values, so a fast but wrong side cannot win. The timed part checks that
//! both found the same number of records.

use gembok_core::Actor;
use std::hint::black_box;

use anyhow::{ensure, Context, Result};
use gembok_core::View;

use crate::data::{picks, Dataset, COLLECTION, EMAIL, FIELDS};
use crate::insert::Loaded;
use crate::report::Measurement;
use crate::timing::{alternate, rotate, step_range, steps, Pair};

/// Lookups per alternation step.
const STEP: usize = 100;

/// `vault.get` (every field, plain view) against `SELECT ... WHERE id = ?`.
pub fn get_by_id(db: &Loaded, data: &Dataset, lookups: usize, seed: u64) -> Result<Measurement> {
    for &i in &picks(lookups, data.len(), seed ^ 0x5EED) {
        let rec = db.vault.get(
            &Actor::system(),
            COLLECTION,
            db.vault_ids[i],
            None,
            View::Plain,
        )?;
        let row = db
            .plain
            .get(&db.plain_ids[i])?
            .context("baseline row missing")?;
        ensure!(
            row.fields == data.canonical[i] && row.id == db.plain_ids[i].as_bytes(),
            "baseline returned another row"
        );
        for (f, name) in FIELDS.iter().enumerate() {
            let got = rec.fields.get(*name).map(|v| v.as_str());
            ensure!(
                got == Some(data.canonical[i][f].as_str()),
                "vault returned another value for `{name}`"
            );
        }
    }

    let order = picks(lookups, data.len(), seed);
    let time = alternate(
        steps(STEP, lookups),
        |s| {
            for &i in &order[step_range(s, STEP, lookups)] {
                let rec = db.vault.get(
                    &Actor::system(),
                    COLLECTION,
                    db.vault_ids[i],
                    None,
                    View::Plain,
                )?;
                black_box(rec);
            }
            Ok(())
        },
        |s| {
            for &i in &order[step_range(s, STEP, lookups)] {
                let row = db.plain.get(&db.plain_ids[i])?;
                black_box(row.context("baseline row missing")?);
            }
            Ok(())
        },
    )?;
    Ok(Measurement {
        operation: "get by id",
        batch: None,
        unit: "ops",
        count: lookups as u64,
        time,
    })
}

/// `vault.find` on the email blind index (every field of every match, plain view)
/// against `SELECT ... WHERE email = ?` on a plain index. A third side, taking turns
/// with both, times `vault.find_ids` alone (blind-index query and candidate check, no
/// final read of the matches); its rate is returned next to the measurement.
///
/// The vault gets the e-mail as generated and normalises it itself, as a caller's
/// input would arrive; the baseline gets it already canonical.
pub fn find_by_email(
    db: &Loaded,
    data: &Dataset,
    lookups: usize,
    seed: u64,
) -> Result<(Measurement, f64)> {
    let raw = |i: usize| data.json[i][FIELDS[EMAIL]].as_str().unwrap_or_default();
    for &i in &picks(lookups, data.len(), seed ^ 0xF1D) {
        let found = db.vault.find(
            &Actor::system(),
            COLLECTION,
            FIELDS[EMAIL],
            raw(i),
            None,
            View::Plain,
        )?;
        let rows = db.plain.find_by_email(&data.canonical[i][EMAIL])?;
        ensure!(
            !rows.is_empty() && found.len() == rows.len(),
            "vault and baseline found different numbers of records"
        );
        ensure!(
            found.iter().any(|r| r.id == db.vault_ids[i]),
            "vault did not find the record the e-mail came from"
        );
    }

    let order = picks(lookups, data.len(), seed.rotate_left(17));
    let (mut vault_hits, mut plain_hits, mut id_hits) = (0usize, 0usize, 0usize);
    let t = rotate(
        steps(STEP, lookups),
        &mut [
            &mut |s| {
                for &i in &order[step_range(s, STEP, lookups)] {
                    let found = db.vault.find(
                        &Actor::system(),
                        COLLECTION,
                        FIELDS[EMAIL],
                        raw(i),
                        None,
                        View::Plain,
                    )?;
                    vault_hits += found.len();
                    black_box(found);
                }
                Ok(())
            },
            &mut |s| {
                for &i in &order[step_range(s, STEP, lookups)] {
                    let rows = db.plain.find_by_email(&data.canonical[i][EMAIL])?;
                    plain_hits += rows.len();
                    black_box(rows);
                }
                Ok(())
            },
            &mut |s| {
                for &i in &order[step_range(s, STEP, lookups)] {
                    let ids =
                        db.vault
                            .find_ids(&Actor::system(), COLLECTION, FIELDS[EMAIL], raw(i))?;
                    id_hits += ids.len();
                    black_box(ids);
                }
                Ok(())
            },
        ],
    )?;
    ensure!(
        vault_hits == plain_hits && id_hits == plain_hits && vault_hits >= lookups,
        "vault found {vault_hits} records ({id_hits} ids), baseline {plain_hits}"
    );
    let measurement = Measurement {
        operation: "find by email",
        batch: None,
        unit: "ops",
        count: lookups as u64,
        time: Pair {
            vault: t[0],
            baseline: t[1],
        },
    };
    let ids_rate = lookups as f64 / t[2].as_secs_f64().max(1e-9);
    Ok((measurement, ids_rate))
}
