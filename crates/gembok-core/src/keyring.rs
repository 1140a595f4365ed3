//! The unwrapped keys of an open vault, and the blind indexers derived from them.
//!
//! Keys live in the store wrapped by the master key under a label naming their purpose
//! and version (`data:customers:2`, `index:1`), so a wrapped key moved to another label
//! does not unwrap. The ring is immutable; changes build a new ring and swap it in.

use std::collections::BTreeMap;
use std::sync::Arc;

use gembok_crypto::{BlindIndexer, MasterKey, SecretKey};
use gembok_store::KeyRecord;

use crate::schema::Schema;
use crate::CoreError;

/// Purpose of the one blind-index key.
pub(crate) const INDEX_PURPOSE: &str = "index";

/// Purpose name of a collection's data keys.
pub(crate) fn data_purpose(collection: &str) -> String {
    format!("data:{collection}")
}

/// The wrapping label of a key: purpose and version.
pub(crate) fn wrap_label(purpose: &str, version: u32) -> String {
    format!("{purpose}:{version}")
}

/// Every key of the vault, unwrapped.
pub(crate) struct KeyRing {
    index: Arc<SecretKey>,
    data: BTreeMap<String, BTreeMap<u32, Arc<SecretKey>>>,
    indexers: BTreeMap<(String, String), Arc<BlindIndexer>>,
}

impl KeyRing {
    /// Unwrap every stored key; a wrong master key fails here, before any output.
    pub fn load(
        master: &MasterKey,
        records: &[KeyRecord],
        schema: &Schema,
    ) -> Result<Self, CoreError> {
        let mut index = None;
        let mut data: BTreeMap<String, BTreeMap<u32, Arc<SecretKey>>> = BTreeMap::new();
        for rec in records {
            let key = master.unwrap(&rec.wrapped, &wrap_label(&rec.purpose, rec.version))?;
            if rec.purpose == INDEX_PURPOSE {
                index = Some(Arc::new(key));
            } else if let Some(c) = rec.purpose.strip_prefix("data:") {
                data.entry(c.to_owned())
                    .or_default()
                    .insert(rec.version, Arc::new(key));
            }
        }
        let index =
            index.ok_or_else(|| CoreError::Integrity("the blind-index key is missing".into()))?;
        let mut ring = KeyRing {
            index,
            data,
            indexers: BTreeMap::new(),
        };
        ring.derive_indexers(schema)?;
        Ok(ring)
    }

    /// Rebuild the per-field blind indexers for the searchable fields of `schema`.
    pub fn derive_indexers(&mut self, schema: &Schema) -> Result<(), CoreError> {
        let mut indexers = BTreeMap::new();
        for c in schema.collections() {
            for f in c.fields.values().filter(|f| f.searchable) {
                let ix = BlindIndexer::new(&self.index, c.name.as_str(), f.name.as_str())?;
                indexers.insert((c.name.to_string(), f.name.to_string()), Arc::new(ix));
            }
        }
        self.indexers = indexers;
        Ok(())
    }

    /// A copy sharing the same key objects, for copy-on-write updates.
    pub fn clone_ring(&self) -> Self {
        KeyRing {
            index: Arc::clone(&self.index),
            data: self.data.clone(),
            indexers: self.indexers.clone(),
        }
    }

    /// The newest data key of a collection and its version.
    pub fn current(&self, collection: &str) -> Result<(u32, &SecretKey), CoreError> {
        self.data
            .get(collection)
            .and_then(|m| m.iter().next_back())
            .map(|(v, k)| (*v, k.as_ref()))
            .ok_or_else(|| {
                CoreError::Integrity(format!("no data key for collection `{collection}`"))
            })
    }

    /// A given data-key version of a collection.
    pub fn version(&self, collection: &str, version: u32) -> Result<&SecretKey, CoreError> {
        self.data
            .get(collection)
            .and_then(|m| m.get(&version))
            .map(|k| k.as_ref())
            .ok_or_else(|| {
                CoreError::Integrity(format!(
                    "a value of `{collection}` names data-key version {version}, which this vault does not hold"
                ))
            })
    }

    /// All versions of a collection's data keys.
    pub fn versions(&self, collection: &str) -> Vec<u32> {
        self.data
            .get(collection)
            .map(|m| m.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Whether the data-key versions in `records` are exactly the ones this ring
    /// holds (other purposes are not compared: they never change under a running vault).
    pub fn holds_exactly(&self, records: &[KeyRecord]) -> bool {
        let mut stored: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
        for rec in records {
            if let Some(c) = rec.purpose.strip_prefix("data:") {
                stored.entry(c).or_default().push(rec.version);
            }
        }
        let held = self.data.iter().filter(|(_, m)| !m.is_empty());
        held.clone().count() == stored.len()
            && held.into_iter().all(|(c, m)| {
                stored.get(c.as_str()).is_some_and(|v| {
                    let mut v = v.clone();
                    v.sort_unstable();
                    v.iter().eq(m.keys())
                })
            })
    }

    /// Add a data-key version.
    pub fn insert_data_key(&mut self, collection: &str, version: u32, key: SecretKey) {
        self.data
            .entry(collection.to_owned())
            .or_default()
            .insert(version, Arc::new(key));
    }

    /// Forget a data-key version.
    pub fn remove_data_key(&mut self, collection: &str, version: u32) {
        if let Some(m) = self.data.get_mut(collection) {
            m.remove(&version);
        }
    }

    /// The blind indexer of a searchable field.
    pub fn indexer(&self, collection: &str, field: &str) -> Option<&BlindIndexer> {
        self.indexers
            .get(&(collection.to_owned(), field.to_owned()))
            .map(|a| a.as_ref())
    }
}
