//! The stored throttle state of one customer credential, and the one way it changes:
//! read, compute, compare-and-set ([`Mutation::PutDocIf`]) together with the audit
//! events, and on [`StoreError::Changed`] read again and recompute. The process lock
//! in the parent module orders attempts within one server; the compare-and-set orders
//! them across servers sharing one database, so no failure goes uncounted and a TOTP
//! step accepted on one node is a replay on every other.

use gembok_store::{Mutation, StoreError};

use super::{Target, CREDENTIAL_THROTTLE_DOC};
use crate::audit::AuditEvent;
use crate::staff::throttle::FailureState;
use crate::vault::Vault;
use crate::CoreError;

/// Reads and writes of one document before giving up: each repeat means another
/// server changed it in between, which a handful of servers cannot do for long.
const MAX_ATTEMPTS: u32 = 16;

/// The stored throttle state of one credential.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(super) struct ThrottleDoc {
    #[serde(default)]
    pub failures: FailureState,
    /// The last TOTP step accepted; codes at or before it are replays.
    #[serde(default)]
    pub last_step: Option<u64>,
}

/// A document as read, with the bytes a write must still find to replace it.
#[derive(Clone, Debug, Default)]
pub(super) struct Loaded {
    pub doc: ThrottleDoc,
    raw: Option<Vec<u8>>,
}

/// What one attempt at a change produces from the state it was given.
pub(super) struct Change<R> {
    pub next: ThrottleDoc,
    pub muts: Vec<Mutation>,
    pub events: Vec<AuditEvent>,
    pub answer: R,
}

impl Vault {
    pub(super) fn load_doc(&self, t: &Target<'_>) -> Result<Loaded, CoreError> {
        let raw = self.store.doc(CREDENTIAL_THROTTLE_DOC, &t.doc_id())?;
        let doc = match &raw {
            None => ThrottleDoc::default(),
            Some(body) => serde_json::from_slice(body).map_err(|_| {
                CoreError::Integrity("a credential throttle document does not parse".into())
            })?,
        };
        Ok(Loaded { doc, raw })
    }

    /// Commit what `change` makes of the state in `loaded` (the document only if it
    /// changed, always the events), repeating on a fresh read while another server
    /// wins the race.
    pub(super) fn commit_doc<R>(
        &self,
        t: &Target<'_>,
        mut loaded: Loaded,
        mut change: impl FnMut(ThrottleDoc) -> Change<R>,
    ) -> Result<R, CoreError> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let Change {
                next,
                mut muts,
                events,
                answer,
            } = change(loaded.doc);
            if next != loaded.doc {
                muts.push(Mutation::PutDocIf {
                    kind: CREDENTIAL_THROTTLE_DOC.to_owned(),
                    id: t.doc_id(),
                    // Serialising integers and booleans cannot fail.
                    body: serde_json::to_vec(&next).unwrap_or_default(),
                    expected: loaded.raw.clone(),
                });
            }
            match self.audit.commit(muts, events) {
                Ok(()) => return Ok(answer),
                Err(CoreError::Store(StoreError::Changed)) if attempt < MAX_ATTEMPTS => {
                    loaded = self.load_doc(t)?;
                }
                Err(e) => return Err(e),
            }
        }
    }
}
