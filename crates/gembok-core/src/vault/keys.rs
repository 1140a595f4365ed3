//! Key rotation: new data-key versions with re-encryption, and re-wrapping every key
//! under a new master key.
//!
//! Data-key rotation first adds the new version (so new writes use it at once), then
//! walks the records still sealed under older versions in batches, re-sealing each in
//! its own small transaction, and finally deletes the versions nothing uses any more,
//! after a grace period that lets other processes on the same store switch to the new
//! versions first (see `refresh`). It can be interrupted and run again: it simply
//! continues.

use gembok_crypto::MasterKey;
use gembok_store::{Mutation, SealedField};

use super::seal::open_all;
use super::{new_key_mutation, State, Vault};
use crate::audit::{Actor, AuditEvent};
use crate::input::FieldInput;
use crate::keyring::{data_purpose, wrap_label};
use crate::time::now_ms;
use crate::CoreError;

/// Records re-sealed per store transaction during rotation.
const ROTATION_BATCH: usize = 500;

/// What a data-key rotation did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotationReport {
    /// (collection, new version) for every collection.
    pub new_versions: Vec<(String, u32)>,
    /// Records re-encrypted.
    pub reencrypted: u64,
    /// Old key versions removed.
    pub removed_versions: usize,
}

impl Vault {
    /// Add a new data-key version to every collection and re-encrypt every value under
    /// it. `progress(done, total)` is called after each batch.
    pub fn rotate_data_keys(
        &self,
        actor: &Actor,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<RotationReport, CoreError> {
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let mut report = RotationReport::default();
        let state = self.snapshot();
        let mut total = 0;
        for c in state.schema.collections() {
            total += self.store.count(c.name.as_str())?;
        }
        // Phase 1: one new version per collection, in one transaction.
        let now = now_ms();
        let mut keys = state.keys.clone_ring();
        let mut muts = Vec::new();
        for c in state.schema.collections() {
            let name = c.name.as_str();
            let next = keys.versions(name).last().copied().unwrap_or(0) + 1;
            let (m, key) = new_key_mutation(&state.master, &data_purpose(name), next, now)?;
            muts.push(m);
            keys.insert_data_key(name, next, key);
            report.new_versions.push((name.to_owned(), next));
        }
        let event = AuditEvent::new(actor, "key.rotate", now).code("data_keys");
        self.audit.commit(muts, vec![event])?;
        let added = std::time::Instant::now();
        self.replace_state(state.with_keys(keys));
        // Phase 2: re-seal everything under the new versions.
        let state = self.snapshot();
        let mut done = 0;
        progress(done, total);
        for (name, version) in &report.new_versions {
            let coll = state.schema.collection(name)?;
            let mut after = None;
            loop {
                let batch = self
                    .store
                    .below_key_version(name, *version, after, ROTATION_BATCH)?;
                let Some(last) = batch.last() else { break };
                after = Some(last.meta.id);
                let mut muts = Vec::with_capacity(batch.len());
                for rec in &batch {
                    let values = open_all(&state, name, rec)?;
                    let inputs: Vec<FieldInput<'_>> = values
                        .into_iter()
                        .filter_map(|(field, value)| {
                            coll.field(&field).ok().map(|spec| FieldInput {
                                spec,
                                value: Some(value),
                            })
                        })
                        .collect();
                    let set = reseal(&state, name, rec.meta.id, &inputs)?;
                    // Fields the schema no longer declares are dropped, not carried over.
                    let remove = rec
                        .fields
                        .iter()
                        .filter(|f| coll.field(&f.name).is_err())
                        .map(|f| f.name.clone())
                        .collect();
                    muts.push(Mutation::UpdateFields {
                        collection: name.clone(),
                        id: rec.meta.id,
                        set,
                        remove,
                        updated_at: rec.meta.updated_at,
                    });
                }
                self.store.apply(&muts)?;
                done += batch.len() as u64;
                report.reencrypted += batch.len() as u64;
                progress(done.min(total), total);
            }
        }
        // Phase 3: drop versions nothing uses, once every process sharing the store
        // has had time to see the new ones (see `refresh`).
        if let Some(rest) = super::refresh::ROTATION_GRACE.checked_sub(added.elapsed()) {
            std::thread::sleep(rest);
        }
        let mut keys = state.keys.clone_ring();
        let stored = self.store.keys()?;
        let mut muts = Vec::new();
        let mut dropped = Vec::new();
        for (name, version) in &report.new_versions {
            if !self
                .store
                .below_key_version(name, *version, None, 1)?
                .is_empty()
            {
                continue;
            }
            for old in keys.versions(name).into_iter().filter(|v| v < version) {
                muts.push(Mutation::DeleteKey {
                    purpose: data_purpose(name),
                    version: old,
                });
                keys.remove_data_key(name, old);
                dropped.push((name.clone(), *version, old));
            }
        }
        self.store.apply(&muts)?;
        // A write sealed under an old version just before the delete would be lost
        // with its key: look once more, and put back the keys still in use.
        let mut restore = Vec::new();
        for (name, version, old) in dropped {
            let late = !self
                .store
                .below_key_version(&name, version, None, 1)?
                .is_empty();
            let purpose = data_purpose(&name);
            match stored
                .iter()
                .find(|r| late && r.purpose == purpose && r.version == old)
            {
                Some(rec) => restore.push(Mutation::PutKey(rec.clone())),
                None => report.removed_versions += 1,
            }
        }
        if !restore.is_empty() {
            self.store.apply(&restore)?;
            // The reloaded ring holds the restored versions again.
            let records = self.store.keys()?;
            keys = crate::keyring::KeyRing::load(&state.master, &records, &state.schema)?;
        }
        self.replace_state(state.with_keys(keys));
        Ok(report)
    }

    /// Re-wrap every stored key under `new_master` in one transaction. The old master
    /// key no longer opens this vault afterwards (older backups still need it).
    pub fn rotate_master(&self, actor: &Actor, new_master: MasterKey) -> Result<(), CoreError> {
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let state = self.snapshot();
        let mut muts = Vec::new();
        for rec in self.store.keys()? {
            let label = wrap_label(&rec.purpose, rec.version);
            let key = state.master.unwrap(&rec.wrapped, &label)?;
            muts.push(Mutation::RewrapKey {
                purpose: rec.purpose.clone(),
                version: rec.version,
                wrapped: new_master.wrap(&key, &label)?,
            });
        }
        muts.push(Mutation::PutSetting {
            name: super::SETTING_MASTER_KEY_ID.into(),
            value: new_master.key_id().into_bytes(),
        });
        // The new master key brings a new audit key; it vouches for the old one so
        // that checkpoints signed before today still verify.
        let new_signer = gembok_crypto::AuditSigner::from_master(&new_master)?;
        muts.push(self.audit.handover_mutation(&new_signer)?);
        let event = AuditEvent::new(actor, "key.rotate_master", now_ms())
            .code(&format!("new_key:{}", new_master.key_id()));
        self.audit.commit(muts, vec![event])?;
        self.audit.replace_signer(new_signer);
        self.replace_state(State {
            master: std::sync::Arc::new(new_master),
            ..state.with_keys(state.keys.clone_ring())
        });
        Ok(())
    }
}

/// Seal already-canonical values again (passwords stay hashes: they are sealed as stored).
fn reseal(
    state: &State,
    collection: &str,
    id: gembok_types::RecordId,
    inputs: &[FieldInput<'_>],
) -> Result<Vec<SealedField>, CoreError> {
    let (version, key) = state.keys.current(collection)?;
    let cipher = gembok_crypto::RecordCipher::new(key, version, id.as_bytes())?;
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        if let Some(value) = &input.value {
            out.push(SealedField {
                name: input.spec.name.to_string(),
                key_version: version,
                ciphertext: cipher.seal(collection, input.spec.name.as_str(), value.as_bytes())?,
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}
