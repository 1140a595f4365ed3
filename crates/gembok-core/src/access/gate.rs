//! The [`Gate`]: the one decision point between callers and the vault.
//!
//! Every operation a front end offers has a method here that first asks the policy
//! (role rights, then the key's own restrictions) and only then calls the vault. The
//! server holds a `Gate`, never a `Vault`, so a handler cannot forget to ask.

use std::sync::Arc;

use gembok_store::RecordMeta;
use gembok_types::RecordId;
use serde_json::Value;

use super::decide::action_allowed;
use super::role::Role;
use super::{AccessError, Action, Denied, Policy, Principal};
use crate::audit::Actor;
use crate::{SchemaDiff, Vault, VaultInfo};

/// The vault behind the policy.
pub struct Gate {
    vault: Arc<Vault>,
    policy: Arc<Policy>,
}

impl Gate {
    pub fn new(vault: Arc<Vault>, policy: Arc<Policy>) -> Self {
        Gate { vault, policy }
    }

    /// The policy in force.
    pub fn policy(&self) -> &Arc<Policy> {
        &self.policy
    }

    /// Non-secret facts about the vault (no decision needed: nothing personal).
    pub fn vault_info(&self) -> VaultInfo {
        self.vault.info()
    }

    pub(super) fn vault(&self) -> &Vault {
        &self.vault
    }

    /// The role of a principal; a role the policy no longer defines grants nothing.
    pub(super) fn role_of(&self, p: &Principal) -> Result<&Role, Denied> {
        self.policy.role(p.role.as_str()).ok_or_else(|| {
            Denied::forbidden(format!("role `{}` is not defined in the policy", p.role))
        })
    }

    /// May `p` take `action` (on `collection`)? Checks the role, then the key's own
    /// collection restriction, which only narrows.
    pub fn authorize(
        &self,
        p: &Principal,
        action: Action,
        collection: Option<&str>,
    ) -> Result<(), AccessError> {
        self.check(p, action, collection)?;
        Ok(())
    }

    /// The audit log (for the front end's own events, such as failed logins, and for
    /// scheduled checkpoints and retention).
    pub fn audit(&self) -> &std::sync::Arc<crate::AuditLog> {
        self.vault.audit()
    }

    /// [`Gate::authorize`] for the gate's own methods; a refusal is audited.
    pub(super) fn check(
        &self,
        p: &Principal,
        action: Action,
        collection: Option<&str>,
    ) -> Result<&Role, Denied> {
        let decided = self.decide(p, action, collection);
        if let Err(d) = &decided {
            self.note_denied(p, None, action, collection, d);
        }
        decided
    }

    pub(super) fn decide(
        &self,
        p: &Principal,
        action: Action,
        collection: Option<&str>,
    ) -> Result<&Role, Denied> {
        let role = self.role_of(p)?;
        action_allowed(role, action, collection)?;
        let record_action = !matches!(
            action,
            Action::SchemaRead
                | Action::SchemaWrite
                | Action::ManageKeys
                | Action::SubjectRights
                | Action::ConsentWrite
                | Action::Retention
        );
        if let (true, Some(c)) = (record_action, collection) {
            if !p.key_allows_collection(c) {
                return Err(Denied::forbidden(format!(
                    "this API key is not allowed collection `{}`",
                    crate::schema::sanitize_name(c)
                )));
            }
        }
        if action == Action::SchemaWrite && p.collections.is_some() {
            return Err(Denied::forbidden(
                "an API key restricted to some collections may not change the schema",
            ));
        }
        Ok(role)
    }

    /// May `p` issue, rotate or revoke a key of `role` with these restrictions? Needs
    /// the right to manage keys, a role the policy lets `p` grant, and restrictions at
    /// least as narrow as `p`'s own key, so no key can mint a stronger one.
    pub fn authorize_key_grant(
        &self,
        p: &Principal,
        role: &str,
        collections: Option<&[String]>,
        purposes: Option<&[String]>,
    ) -> Result<(), AccessError> {
        self.check(p, Action::ManageKeys, None)?;
        self.audited(p, None, Action::ManageKeys, None, || {
            self.check_grant(p, role, collections, purposes)
        })
    }

    fn check_grant(
        &self,
        p: &Principal,
        role: &str,
        collections: Option<&[String]>,
        purposes: Option<&[String]>,
    ) -> Result<(), AccessError> {
        if !self.policy.may_grant(p.role.as_str(), role) {
            let shown =
                super::RoleName::parse(role).map_or_else(|_| "?".to_owned(), |r| r.to_string());
            return Err(Denied::forbidden(format!(
                "role `{}` may not grant keys of role `{shown}`",
                p.role
            ))
            .into());
        }
        if !within(collections, p.collections.as_deref()) {
            return Err(Denied::forbidden(
                "a new key must be restricted to collections this key may reach",
            )
            .into());
        }
        if !within(purposes, p.purposes.as_deref()) {
            return Err(Denied::forbidden(
                "a new key must be restricted to purposes this key may use",
            )
            .into());
        }
        Ok(())
    }

    /// Create one record.
    pub fn create(
        &self,
        p: &Principal,
        collection: &str,
        input: &Value,
    ) -> Result<RecordId, AccessError> {
        self.on_records(p, Action::Create, collection, |actor| {
            self.vault.create(actor, collection, input)
        })
    }

    /// Create many records (all or nothing).
    pub fn create_batch(
        &self,
        p: &Principal,
        collection: &str,
        inputs: &[Value],
    ) -> Result<Vec<RecordId>, AccessError> {
        self.on_records(p, Action::Create, collection, |actor| {
            self.vault.create_batch(actor, collection, inputs)
        })
    }

    /// Change some fields of a record.
    pub fn update(
        &self,
        p: &Principal,
        collection: &str,
        id: RecordId,
        input: &Value,
    ) -> Result<(), AccessError> {
        self.on_records(p, Action::Update, collection, |actor| {
            self.vault.update(actor, collection, id, input)
        })
    }

    /// Delete a record.
    pub fn delete(&self, p: &Principal, collection: &str, id: RecordId) -> Result<(), AccessError> {
        self.on_records(p, Action::Delete, collection, |actor| {
            self.vault.delete(actor, collection, id)
        })
    }

    /// Non-personal metadata of records (ids, subject ids, times): no purpose needed,
    /// but the role must be able to read something in the collection.
    pub fn list(
        &self,
        p: &Principal,
        collection: &str,
        after: Option<RecordId>,
        limit: usize,
    ) -> Result<Vec<RecordMeta>, AccessError> {
        self.on_records(p, Action::List, collection, |actor| {
            self.vault.list(actor, collection, after, limit)
        })
    }

    /// Decide `action` on `collection`, then run `f` as the caller (no purpose): the
    /// one action both decides and names the refusal or failure in the log.
    fn on_records<T>(
        &self,
        p: &Principal,
        action: Action,
        collection: &str,
        f: impl FnOnce(&Actor) -> Result<T, crate::CoreError>,
    ) -> Result<T, AccessError> {
        self.check(p, action, Some(collection))?;
        self.audited(p, None, action, Some(collection), || Ok(f(&p.actor(None))?))
    }

    /// The schema in force: its version and TOML text.
    pub fn schema(&self, p: &Principal) -> Result<(u32, String), AccessError> {
        self.check(p, Action::SchemaRead, None)?;
        let version = self.vault.info().schema_version;
        let schemas = self
            .vault
            .store()
            .schemas()
            .map_err(crate::CoreError::from)?;
        let doc = schemas
            .iter()
            .rev()
            .find(|s| s.version == version)
            .or(schemas.last())
            .ok_or_else(|| crate::CoreError::Integrity("no schema version stored".into()))?;
        Ok((doc.version, doc.document.clone()))
    }

    /// Apply a new schema version.
    pub fn apply_schema(
        &self,
        p: &Principal,
        text: &str,
        allow_drop: bool,
    ) -> Result<SchemaDiff, AccessError> {
        self.check(p, Action::SchemaWrite, None)?;
        self.audited(p, None, Action::SchemaWrite, None, || {
            Ok(self.vault.apply_schema(&p.actor(None), text, allow_drop)?)
        })
    }
}

/// Whether a requested restriction stays inside the granter's own (`None` = no limit).
fn within(requested: Option<&[String]>, own: Option<&[String]>) -> bool {
    match (own, requested) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(own), Some(req)) => req.iter().all(|r| own.contains(r)),
    }
}
