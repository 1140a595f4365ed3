//! The import journal: how far an import of one file into one collection has come.
//!
//! It is a document in the vault's own store (kind [`KIND`], named by the file's
//! SHA-256 and the collection) and holds counts, row numbers and field names, never a
//! value. Each batch's records and the journal entry that counts the batch as done are
//! written in one store transaction (`Vault::create_batch_with_doc`), so they commit
//! together or not at all: after an interruption, at any point, the journal says
//! exactly which rows are in, and the import continues after them. No extra file is
//! synced per batch, and a backup of the vault carries the journal that matches it.

use gembok_core::{BatchDoc, CoreError, Vault};
use serde::{Deserialize, Serialize};

use crate::IngestError;

/// The document kind of import journals.
pub(crate) const KIND: &str = "import_journal";

const VERSION: u32 = 2;

/// The state of one import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Journal {
    pub version: u32,
    pub file_sha256: String,
    pub collection: String,
    pub sheet: String,
    pub mapping: Vec<(usize, String)>,
    /// Every row up to this row number is settled (accepted or rejected).
    pub done_through: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Length of the rejects report once the settled rows' rejects are in it.
    pub rejects_len: u64,
    pub complete: bool,
}

impl Journal {
    pub fn new(sha: &str, collection: &str, sheet: &str, mapping: Vec<(usize, String)>) -> Self {
        Self {
            version: VERSION,
            file_sha256: sha.to_owned(),
            collection: collection.to_owned(),
            sheet: sheet.to_owned(),
            mapping,
            done_through: 0,
            accepted: 0,
            rejected: 0,
            rejects_len: 0,
            complete: false,
        }
    }

    /// The document id of the journal of `sha` into `collection`.
    pub fn id(sha: &str, collection: &str) -> String {
        format!("{sha}-{collection}")
    }

    /// Load the journal of `sha` into `collection`, if there is one.
    pub fn load(vault: &Vault, sha: &str, collection: &str) -> Result<Option<Self>, IngestError> {
        let id = Self::id(sha, collection);
        let Some(body) = vault.store().doc(KIND, &id).map_err(CoreError::from)? else {
            return Ok(None);
        };
        let j: Journal = serde_json::from_slice(&body)
            .map_err(|_| IngestError::Journal(format!("the journal `{id}` is damaged")))?;
        if j.version != VERSION {
            return Err(IngestError::Journal(format!(
                "the journal `{id}` was written by another version"
            )));
        }
        Ok(Some(j))
    }

    /// The journal as the document written with a batch.
    pub fn doc(&self) -> Result<BatchDoc, IngestError> {
        Ok(BatchDoc {
            kind: KIND.to_owned(),
            id: Self::id(&self.file_sha256, &self.collection),
            body: serde_json::to_vec(self).map_err(|e| IngestError::Journal(e.to_string()))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use gembok_core::Actor;

    #[test]
    fn store_and_load_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let v = crate::tests::support::vault(dir.path());
        assert_eq!(Journal::load(&v, "ab12", "customers").unwrap(), None);
        let mut j = Journal::new("ab12", "customers", "", vec![(0, "name".into())]);
        j.done_through = 10;
        j.accepted = 8;
        j.rejected = 2;
        j.rejects_len = 99;
        v.create_batch_with_doc(&Actor::local_operator(), "customers", &[], j.doc().unwrap())
            .unwrap();
        assert_eq!(Journal::load(&v, "ab12", "customers").unwrap(), Some(j));
        let mut other = Journal::new("ab12", "orders", "", Vec::new());
        other.version = 1;
        v.create_batch_with_doc(
            &Actor::local_operator(),
            "customers",
            &[],
            other.doc().unwrap(),
        )
        .unwrap();
        assert!(matches!(
            Journal::load(&v, "ab12", "orders"),
            Err(IngestError::Journal(_))
        ));
    }
}
