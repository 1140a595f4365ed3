//! Schema changes on a live vault.
//!
//! A new schema is parsed, compared with the one in force and checked (dropping a field
//! needs `allow_drop`); then index entries for newly searchable fields are built from the
//! stored values, and one transaction adds data keys for new collections, purges dropped
//! fields and records the new schema version.

use gembok_store::{IndexEntry, Mutation, SchemaVersion};

use super::seal::open_all;
use super::{new_key_mutation, State, Vault};
use crate::audit::{Actor, AuditEvent};
use crate::keyring::data_purpose;
use crate::schema::{Schema, SchemaChange, SchemaDiff};
use crate::time::now_ms;
use crate::CoreError;

/// Records read per batch while building or dropping an index.
const INDEX_BATCH: usize = 1000;

impl Vault {
    /// What applying `schema_text` would change (parsed and checked, nothing written).
    pub fn plan_schema(&self, schema_text: &str) -> Result<SchemaDiff, CoreError> {
        let new = Schema::parse(schema_text)?;
        Ok(SchemaDiff::between(&self.snapshot().schema, &new))
    }

    /// Apply a new schema version. Returns the changes made (empty when identical).
    pub fn apply_schema(
        &self,
        actor: &Actor,
        schema_text: &str,
        allow_drop: bool,
    ) -> Result<SchemaDiff, CoreError> {
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let state = self.snapshot();
        let new = Schema::parse(schema_text)?;
        let diff = SchemaDiff::between(&state.schema, &new);
        diff.check(allow_drop)?;
        if diff.is_empty() {
            return Ok(diff);
        }
        let now = now_ms();
        let mut keys = state.keys.clone_ring();
        let mut muts = Vec::new();
        for change in &diff.changes {
            if let SchemaChange::AddCollection(c) = change {
                let (m, key) = new_key_mutation(&state.master, &data_purpose(c), 1, now)?;
                muts.push(m);
                keys.insert_data_key(c, 1, key);
            }
        }
        keys.derive_indexers(&new)?;
        let staged = State {
            schema: std::sync::Arc::new(new),
            schema_version: state.schema_version + 1,
            keys,
            master: state.master.clone(),
        };
        for change in &diff.changes {
            match change {
                SchemaChange::IndexAdded { collection, field } => {
                    self.build_index(&staged, collection, field)?;
                }
                SchemaChange::IndexRemoved { collection, field } => {
                    self.drop_index(collection, field)?;
                }
                SchemaChange::RemoveField { collection, field } => {
                    muts.push(Mutation::PurgeField {
                        collection: collection.clone(),
                        field: field.clone(),
                    });
                }
                _ => {}
            }
        }
        muts.push(Mutation::PutSchema(SchemaVersion {
            version: staged.schema_version,
            document: schema_text.to_owned(),
            applied_at: now,
        }));
        let event = AuditEvent::new(actor, "schema.apply", now)
            .code(&format!("version:{}", staged.schema_version));
        self.audit.commit(muts, vec![event])?;
        self.replace_state(staged);
        Ok(diff)
    }

    fn build_index(&self, state: &State, collection: &str, field: &str) -> Result<(), CoreError> {
        let Some(indexer) = state.keys.indexer(collection, field) else {
            return Ok(());
        };
        let names = [field];
        let mut after = None;
        loop {
            let metas = self.store.list(collection, after, INDEX_BATCH)?;
            let Some(last) = metas.last() else { break };
            after = Some(last.id);
            let ids: Vec<_> = metas.iter().map(|m| m.id).collect();
            let mut muts = Vec::new();
            for rec in self.store.get(collection, &ids, Some(&names))? {
                if let Some(v) = open_all(state, collection, &rec)?.get(field) {
                    muts.push(Mutation::PutIndex(IndexEntry {
                        collection: collection.to_owned(),
                        field: field.to_owned(),
                        digest: indexer.digest(v.as_bytes()).to_vec(),
                        record: rec.meta.id,
                    }));
                }
            }
            self.store.apply(&muts)?;
        }
        Ok(())
    }

    fn drop_index(&self, collection: &str, field: &str) -> Result<(), CoreError> {
        let mut after = None;
        loop {
            let metas = self.store.list(collection, after, INDEX_BATCH)?;
            let Some(last) = metas.last() else { break };
            after = Some(last.id);
            let muts: Vec<_> = metas
                .iter()
                .map(|m| Mutation::DeleteIndex {
                    collection: collection.to_owned(),
                    field: field.to_owned(),
                    record: m.id,
                })
                .collect();
            self.store.apply(&muts)?;
        }
        Ok(())
    }
}
