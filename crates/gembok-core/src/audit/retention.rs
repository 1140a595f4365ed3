//! Retention of audit events: events older than the configured period are removed,
//! and a signed anchor records where the chain now starts.
//!
//! The anchor is the last removed event's position and hash, signed like a
//! checkpoint (under another statement kind). Verification then starts from it, so
//! the remaining chain still verifies end to end, and nobody can drop more events
//! from the front without the anchor's signature failing. The prune itself is an
//! event in the chain, committed in the same transaction.

use gembok_store::{AuditCheckpoint, Mutation, Store};

use super::chain::sign_anchor;
use super::commit::to_hash;
use super::sink::CheckpointLine;
use super::{Actor, AuditEvent, AuditLog};
use crate::time::now_ms;
use crate::CoreError;

const KIND_ANCHOR: &str = "audit_anchor";
const ANCHOR_ID: &str = "current";
const DAY_MS: i64 = 86_400_000;

/// What a prune removed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PruneReport {
    /// Events removed.
    pub removed: u64,
    /// Position the chain now starts after (0 when nothing was ever pruned).
    pub anchor_seq: u64,
}

/// The anchor of the last prune, if any.
pub(crate) fn load_anchor(store: &dyn Store) -> Result<Option<AuditCheckpoint>, CoreError> {
    let Some(body) = store.doc(KIND_ANCHOR, ANCHOR_ID)? else {
        return Ok(None);
    };
    let line: CheckpointLine = serde_json::from_slice(&body)
        .map_err(|_| CoreError::Integrity("the audit anchor does not parse".into()))?;
    line.to_checkpoint()
        .map(Some)
        .map_err(|_| CoreError::Integrity("the audit anchor is not valid hex".into()))
}

impl AuditLog {
    /// Remove events older than the retention period as of `now_ms`.
    pub fn prune(&self, actor: &Actor, now: i64) -> Result<PruneReport, CoreError> {
        let cutoff = now - i64::from(self.config.retention_days) * DAY_MS;
        let previous = load_anchor(self.store.as_ref())?.map_or(0, |a| a.seq);
        let Some(through) = self.store.audit_seq_before(cutoff)? else {
            return Ok(PruneReport {
                removed: 0,
                anchor_seq: previous,
            });
        };
        // Never prune the newest event: the chain head must stay readable.
        let through = through.min(self.head_seq().saturating_sub(1));
        if through <= previous {
            return Ok(PruneReport {
                removed: 0,
                anchor_seq: previous,
            });
        }
        let last = self
            .store
            .audit_events(through - 1, 1)?
            .into_iter()
            .next()
            .filter(|r| r.seq == through)
            .ok_or_else(|| CoreError::Integrity("audit event to anchor is missing".into()))?;
        let anchor = sign_anchor(
            &self.signer(),
            &self.vault_id,
            through,
            &to_hash(&last.hash)?,
            now_ms(),
        );
        let body = serde_json::to_vec(&CheckpointLine::from_checkpoint(&anchor))
            .map_err(|_| CoreError::Integrity("anchor does not encode".into()))?;
        let muts = vec![
            Mutation::PruneAudit { through },
            Mutation::PutDoc {
                kind: KIND_ANCHOR.into(),
                id: ANCHOR_ID.into(),
                body,
            },
        ];
        let event = AuditEvent::new(actor, "audit.prune", now).code(&format!("through:{through}"));
        self.commit(muts, vec![event])?;
        Ok(PruneReport {
            removed: through - previous,
            anchor_seq: through,
        })
    }
}
