//! Throttling for addresses that have no account, kept in store documents so that
//! every server on one database counts the same failures.
//!
//! Without it, an unknown address would never answer "too many attempts" while a known
//! one would after five failures, which tells an attacker which addresses exist. The
//! state of one address is a document of kind `staff_unknown_failures` under the
//! keyed blind-index digest of the address (the same digest that finds a known
//! account), never the address itself; unparseable input shares the id `invalid`.
//! A document is written only for an attempt that already costs a full Argon2id hash
//! and an audit event, both bounded by the per-address limit at the edge, so guessing
//! addresses grows the store no faster than the audit log already does.

use gembok_store::Mutation;

use super::docs::{decode_json, encode_json};
use super::{AccountError, Accounts};
use crate::staff::throttle::{FailureState, Verdict};

pub(crate) const KIND_UNKNOWN: &str = "staff_unknown_failures";

impl Accounts {
    fn unknown_state(&self, key: &str) -> Result<(FailureState, Option<Vec<u8>>), AccountError> {
        let raw = self.store.doc(KIND_UNKNOWN, key)?;
        let state = match &raw {
            Some(bytes) => decode_json(bytes, "failure count")?,
            None => FailureState::default(),
        };
        Ok((state, raw))
    }

    /// May an attempt on the unknown address `key` be checked at `now`?
    pub(crate) fn unknown_verdict(&self, key: &str, now: i64) -> Result<Verdict, AccountError> {
        Ok(self
            .unknown_state(key)?
            .0
            .verdict(now, &self.config.throttle))
    }

    /// The write that counts one more failure for `key`: a compare-and-set against
    /// the count just read, so a count another server stored meanwhile makes the
    /// commit fail with `Changed` and the caller counts again. Call it holding the
    /// account lock and apply it in the same commit as the attempt's audit event.
    pub(crate) fn unknown_failure(&self, key: &str, now: i64) -> Result<Mutation, AccountError> {
        let (mut state, raw) = self.unknown_state(key)?;
        state.record_failure(now, &self.config.throttle);
        Ok(Mutation::PutDocIf {
            kind: KIND_UNKNOWN.to_owned(),
            id: key.to_owned(),
            body: encode_json(&state)?,
            expected: raw,
        })
    }
}
