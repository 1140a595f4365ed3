//! Where an insert's time goes: the vault's steps measured one by one.
//!
//! `Vault::create_batch` validates and normalises every field, seals it, computes the
//! blind indexes and hands the batch to the store. Here each step runs alone over the
//! same rows, with the public building blocks the vault uses (`FieldType::normalize`,
//! `RecordCipher`, `BlindIndexer`, `Store::apply`), so the per-row cost of each can be
//! set against the plain insert. The store is then timed on three databases, taking
//! turns batch by batch with the plain baseline: the vault's mutations as
//! `create_batch` orders them, the records alone (no blind-index entries), and the
//! full mutations with each batch's index entries sorted by (field, digest), a cheap
//! change the vault could make.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use anyhow::Result;
use gembok_crypto::{BlindIndexer, RecordCipher, SecretKey};
use gembok_store::{IndexEntry, Mutation, RecordMeta, SealedField, SealedRecord, Store};
use gembok_store_sqlite::SqliteStore;
use gembok_types::RecordId;

use crate::data::{field_types, Dataset, COLLECTION, FIELDS};
use crate::plain::PlainDb;
use crate::timing::{rotate, step_range, steps, time};

/// Per-row times of each step, for one batch size.
pub struct Breakdown {
    pub batch: usize,
    pub normalize: Duration,
    pub seal: Duration,
    pub blind_index: Duration,
    /// `Store::apply` of the vault's mutations as `create_batch` orders them.
    pub store: Duration,
    /// The plain insert of the same rows.
    pub plain: Duration,
    /// `Store::apply` of the records without their blind-index entries.
    pub records_only: Duration,
    /// `Store::apply` with each batch's index entries sorted after the records.
    pub sorted: Duration,
}

struct Keys {
    data: SecretKey,
    indexers: Vec<(usize, BlindIndexer)>,
}

impl Keys {
    fn new() -> Result<Self> {
        let index_key = SecretKey::generate()?;
        let mut indexers = Vec::new();
        for (f, name) in FIELDS.iter().enumerate() {
            if matches!(*name, "email" | "phone" | "nik") {
                indexers.push((f, BlindIndexer::new(&index_key, COLLECTION, name)?));
            }
        }
        Ok(Self {
            data: SecretKey::generate()?,
            indexers,
        })
    }
}

fn sealed_record(keys: &Keys, id: RecordId, row: &[String; 8]) -> Result<SealedRecord> {
    let cipher = RecordCipher::new(&keys.data, 1, id.as_bytes())?;
    let mut fields = Vec::with_capacity(FIELDS.len());
    for (f, name) in FIELDS.iter().enumerate() {
        fields.push(SealedField {
            name: (*name).to_owned(),
            key_version: 1,
            ciphertext: cipher.seal(COLLECTION, name, row[f].as_bytes())?,
        });
    }
    fields.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(SealedRecord {
        meta: RecordMeta {
            collection: COLLECTION.to_owned(),
            id,
            subject: id,
            created_at: 0,
            updated_at: 0,
            min_key_version: 1,
        },
        fields,
    })
}

fn index_entries(keys: &Keys, id: RecordId, row: &[String; 8]) -> Vec<IndexEntry> {
    keys.indexers
        .iter()
        .map(|(f, ix)| IndexEntry {
            collection: COLLECTION.to_owned(),
            field: FIELDS[*f].to_owned(),
            digest: ix.digest(row[*f].as_bytes()).to_vec(),
            record: id,
        })
        .collect()
}

/// How the blind-index entries of a batch are handed to the store.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Index {
    /// Not at all.
    None,
    /// After each record, as `create_batch` does.
    Interleaved,
    /// All after the records, sorted by (field, digest).
    Sorted,
}

/// The vault's mutations for `rows`, one list per batch.
fn batches(
    keys: &Keys,
    rows: &[[String; 8]],
    batch: usize,
    index: Index,
) -> Result<Vec<Vec<Mutation>>> {
    rows.chunks(batch)
        .map(|chunk| {
            let mut muts = Vec::with_capacity(chunk.len() * 4);
            let mut deferred = Vec::new();
            for row in chunk {
                let id = RecordId::generate();
                muts.push(Mutation::Insert(sealed_record(keys, id, row)?));
                match index {
                    Index::None => {}
                    Index::Interleaved => muts.extend(
                        index_entries(keys, id, row)
                            .into_iter()
                            .map(Mutation::PutIndex),
                    ),
                    Index::Sorted => deferred.extend(index_entries(keys, id, row)),
                }
            }
            deferred.sort_by(|a, b| (&a.field, &a.digest).cmp(&(&b.field, &b.digest)));
            muts.extend(deferred.into_iter().map(Mutation::PutIndex));
            Ok(muts)
        })
        .collect()
}

/// Measure every step over `data` in batches of `batch` rows.
pub fn run(batch: usize, data: &Dataset, warmup: &Dataset, dir: &Path) -> Result<Breakdown> {
    let n = data.len().max(1) as u32;
    let types = field_types()?;
    let keys = Keys::new()?;
    let normalize = time(|| {
        for body in &data.json {
            for (f, name) in FIELDS.iter().enumerate() {
                let raw = body[name].as_str().unwrap_or_default();
                black_box(
                    types[f]
                        .normalize(raw)
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                );
            }
        }
        Ok(())
    })?;
    let ids: Vec<RecordId> = (0..data.len()).map(|_| RecordId::generate()).collect();
    let seal = time(|| {
        for (id, row) in ids.iter().zip(&data.canonical) {
            black_box(sealed_record(&keys, *id, row)?);
        }
        Ok(())
    })?;
    let blind_index = time(|| {
        for (id, row) in ids.iter().zip(&data.canonical) {
            black_box(index_entries(&keys, *id, row));
        }
        Ok(())
    })?;

    let tmp = tempfile::Builder::new()
        .prefix("gembok-bench-")
        .tempdir_in(dir)?;
    let open = |name: &str| SqliteStore::open(&tmp.path().join(name));
    let (full, bare, sorted) = (open("full.db")?, open("records.db")?, open("sorted.db")?);
    let mut plain = PlainDb::create(&tmp.path().join("plain.db"))?;
    for (store, index) in [
        (&full, Index::Interleaved),
        (&bare, Index::None),
        (&sorted, Index::Sorted),
    ] {
        for muts in batches(&keys, &warmup.canonical, batch, index)? {
            store.apply(&muts)?;
        }
    }
    for chunk in warmup.canonical.chunks(batch) {
        plain.insert_batch(chunk)?;
    }

    let with_index = batches(&keys, &data.canonical, batch, Index::Interleaved)?;
    let records_only = batches(&keys, &data.canonical, batch, Index::None)?;
    let sorted_index = batches(&keys, &data.canonical, batch, Index::Sorted)?;
    let len = data.len();
    let t = rotate(
        steps(batch, len),
        &mut [
            &mut |s| Ok(full.apply(&with_index[s])?),
            &mut |s| {
                plain.insert_batch(&data.canonical[step_range(s, batch, len)])?;
                Ok(())
            },
            &mut |s| Ok(bare.apply(&records_only[s])?),
            &mut |s| Ok(sorted.apply(&sorted_index[s])?),
        ],
    )?;
    Ok(Breakdown {
        batch,
        normalize: normalize / n,
        seal: seal / n,
        blind_index: blind_index / n,
        store: t[0] / n,
        plain: t[1] / n,
        records_only: t[2] / n,
        sorted: t[3] / n,
    })
}

impl Breakdown {
    /// One line per step, in microseconds per row.
    pub fn lines(&self) -> Vec<String> {
        let us = |d: Duration| format!("{:.1} µs", d.as_secs_f64() * 1e6);
        vec![
            format!(
                "Insert breakdown (batch {}), each step alone, per row: validate+normalise 8 fields {}; \
                 seal 8 fields (incl. RecordCipher::new) {}; 3 blind-index digests {}; \
                 Store::apply of the sealed batch {} against the plain insert {} \
                 (store/plain time {:.2}x); Store::apply of the records alone (no blind index) {}, \
                 of the batch with its index entries sorted by (field, digest) {}.",
                self.batch,
                us(self.normalize),
                us(self.seal),
                us(self.blind_index),
                us(self.store),
                us(self.plain),
                self.store.as_secs_f64() / self.plain.as_secs_f64().max(1e-12),
                us(self.records_only),
                us(self.sorted),
            ),
        ]
    }
}
