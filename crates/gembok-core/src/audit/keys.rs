//! Which audit keys verification trusts.
//!
//! The key that signs now follows from the master key in use. When the master key is
//! rotated, the new audit key signs the old public key (a hand-over, stored as a
//! document), so checkpoints signed before the rotation still verify. A hand-over is
//! trusted only when a trusted key signed it; nothing in the database alone can add a
//! key to the trusted set.

use std::collections::BTreeMap;

use gembok_crypto::{AuditPublicKey, AuditSigner};
use gembok_store::{Mutation, Store};
use serde::{Deserialize, Serialize};

use super::chain::handover_statement;
use crate::CoreError;

/// Document kind of hand-overs, by id = the old key's id.
pub(crate) const KIND_HANDOVER: &str = "audit_key_handover";

#[derive(Serialize, Deserialize)]
struct Handover {
    /// The old public key, hex.
    public_key: String,
    /// Key id of the key that signed this hand-over.
    successor: String,
    /// Signature by the successor over the hand-over statement, hex.
    signature: String,
}

/// The mutation that records `new` vouching for `old`.
pub(crate) fn handover_mutation(
    vault_id: &str,
    old: &AuditSigner,
    new: &AuditSigner,
) -> Result<Mutation, CoreError> {
    let old_pub = old.public_key();
    let doc = Handover {
        public_key: hex::encode(old_pub.as_bytes()),
        successor: new.public_key().key_id(),
        signature: hex::encode(new.sign(&handover_statement(vault_id, &old_pub))),
    };
    Ok(Mutation::PutDoc {
        kind: KIND_HANDOVER.into(),
        id: old_pub.key_id(),
        body: serde_json::to_vec(&doc)
            .map_err(|_| CoreError::Integrity("hand-over does not encode".into()))?,
    })
}

/// The current key and every key a trusted key vouched for, by key id.
pub(crate) fn trusted_keys(
    store: &dyn Store,
    vault_id: &str,
    current: AuditPublicKey,
) -> Result<BTreeMap<String, AuditPublicKey>, CoreError> {
    let mut trusted = BTreeMap::from([(current.key_id(), current)]);
    let docs = store.docs(KIND_HANDOVER)?;
    loop {
        let mut added = false;
        for (_, body) in &docs {
            let Ok(h) = serde_json::from_slice::<Handover>(body) else {
                continue;
            };
            let Some(successor) = trusted.get(&h.successor).copied() else {
                continue;
            };
            let (Ok(pk), Ok(sig)) = (hex::decode(&h.public_key), hex::decode(&h.signature)) else {
                continue;
            };
            let Ok(old) = AuditPublicKey::from_bytes(&pk) else {
                continue;
            };
            if trusted.contains_key(&old.key_id()) {
                continue;
            }
            if successor.verify(&handover_statement(vault_id, &old), &sig) {
                trusted.insert(old.key_id(), old);
                added = true;
            }
        }
        if !added {
            return Ok(trusted);
        }
    }
}
