//! Deferred reads: get and find that return before their audit event is durable, with
//! the records held back in a [`Durable`] until it is.
//!
//! The work is that of [`Vault::get_batch`] and [`Vault::find`]; only the wait differs.
//! Instead of parking the calling thread until the group commit holding the event is
//! done, the event is queued for the audit log's committer thread and the caller
//! awaits the [`Durable`] (a server keeps many reads in flight on few threads this
//! way). The records are released only once the event is durable; if it cannot be
//! written they are dropped and the caller gets [`CoreError::AuditUnavailable`].

use gembok_types::RecordId;

use super::Vault;
use crate::audit::{Actor, Durable};
use crate::output::{Record, View};
use crate::CoreError;

impl Vault {
    /// [`Vault::get`], answered once its event is durable: `NotFound` (also only then)
    /// when the record does not exist.
    pub fn get_deferred(
        &self,
        actor: &Actor,
        collection: &str,
        id: RecordId,
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<Durable<Record>, CoreError> {
        Ok(self
            .get_batch_deferred(actor, collection, &[id], fields, view)?
            .and_then(|mut v| v.pop().ok_or(CoreError::NotFound)))
    }

    /// [`Vault::get_batch`], answered once its event is durable.
    pub fn get_batch_deferred(
        &self,
        actor: &Actor,
        collection: &str,
        ids: &[RecordId],
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<Durable<Vec<Record>>, CoreError> {
        let (out, event) = self.read_batch(actor, collection, ids, fields, view)?;
        Ok(self.audit.record_deferred(event, out))
    }

    /// [`Vault::find`], answered once its event is durable.
    pub fn find_deferred(
        &self,
        actor: &Actor,
        collection: &str,
        field: &str,
        value: &str,
        fields: Option<&[&str]>,
        view: View<'_>,
    ) -> Result<Durable<Vec<Record>>, CoreError> {
        let (out, event) = self.search_records(actor, collection, field, value, fields, view)?;
        Ok(self.audit.record_deferred(event, out))
    }
}
