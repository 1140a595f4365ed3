//! Insert throughput: `Vault::create_batch` against the plain SQLite baseline.
//!
//! Each batch size gets a fresh folder holding a new vault (SQLite store) and a new
//! baseline file. Both first take the same small warm-up set (untimed), then the
//! measured rows in transactions of `batch` rows, alternating batch by batch. The
//! loaded databases are handed back so the read benchmarks run on them.

use gembok_core::Actor;
use std::path::Path;
use std::sync::Arc;

use anyhow::{ensure, Context, Result};
use gembok_core::{Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;
use tempfile::TempDir;

use crate::data::{Dataset, COLLECTION};
use crate::plain::PlainDb;
use crate::report::Measurement;
use crate::timing::{alternate, step_range, steps};

/// Both databases after an insert run, with the ids of the measured rows in dataset
/// order (`vault_ids[i]` and `plain_ids[i]` hold dataset row `i`).
pub struct Loaded {
    pub vault: Vault,
    pub plain: PlainDb,
    pub vault_ids: Vec<RecordId>,
    pub plain_ids: Vec<RecordId>,
    /// Deleted (with both databases) when this is dropped.
    _dir: TempDir,
}

/// Open a new vault and a new baseline in a fresh folder under `dir`.
fn fresh(dir: &Path) -> Result<(TempDir, Vault, PlainDb)> {
    let tmp = tempfile::Builder::new()
        .prefix("gembok-bench-")
        .tempdir_in(dir)
        .with_context(|| format!("cannot create a folder in {}", dir.display()))?;
    let store = SqliteStore::open(&tmp.path().join("vault.db"))?;
    let vault = Vault::initialize(Arc::new(store), MasterKey::generate()?, DEFAULT_SCHEMA)?;
    let plain = PlainDb::create(&tmp.path().join("plain.db"))?;
    Ok((tmp, vault, plain))
}

/// Insert `data` into both sides in transactions of `batch` rows.
pub fn run(
    batch: usize,
    data: &Dataset,
    warmup: &Dataset,
    dir: &Path,
) -> Result<(Measurement, Loaded)> {
    let (tmp, vault, mut plain) = fresh(dir)?;
    for chunk in warmup.json.chunks(batch) {
        vault.create_batch(&Actor::system(), COLLECTION, chunk)?;
    }
    for chunk in warmup.canonical.chunks(batch) {
        plain.insert_batch(chunk)?;
    }

    let len = data.len();
    let mut vault_ids = Vec::with_capacity(len);
    let mut plain_ids = Vec::with_capacity(len);
    let time = alternate(
        steps(batch, len),
        |s| {
            let ids = vault.create_batch(
                &Actor::system(),
                COLLECTION,
                &data.json[step_range(s, batch, len)],
            )?;
            vault_ids.extend(ids);
            Ok(())
        },
        |s| {
            let ids = plain.insert_batch(&data.canonical[step_range(s, batch, len)])?;
            plain_ids.extend(ids);
            Ok(())
        },
    )?;

    let expected = (len + warmup.len()) as u64;
    ensure!(
        vault.count(COLLECTION)? == expected && plain.count()? == expected,
        "after inserting, the vault or the baseline does not hold {expected} rows"
    );
    let measurement = Measurement {
        operation: "insert",
        batch: Some(batch),
        unit: "rows",
        count: len as u64,
        time,
    };
    let loaded = Loaded {
        vault,
        plain,
        vault_ids,
        plain_ids,
        _dir: tmp,
    };
    Ok((measurement, loaded))
}
