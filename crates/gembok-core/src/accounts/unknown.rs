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

use super::docs::{decode_json, encode_json, put};
use super::{AccountError, Accounts};
use crate::staff::throttle::{FailureState, Verdict};

pub(crate) const KIND_UNKNOWN: &str = "staff_unknown_failures";

impl Accounts {
    fn unknown_state(&self, key: &str) -> Result<FailureState, AccountError> {
        match self.store.doc(KIND_UNKNOWN, key)? {
            Some(bytes) => decode_json(&bytes, "failure count"),
            None => Ok(FailureState::default()),
        }
    }

    /// May an attempt on the unknown address `key` be checked at `now`?
    pub(crate) fn unknown_verdict(&self, key: &str, now: i64) -> Result<Verdict, AccountError> {
        Ok(self.unknown_state(key)?.verdict(now, &self.config.throttle))
    }

    /// The document that counts one more failure for `key`. Call it holding the
    /// account lock and apply it in the same commit as the attempt's audit event.
    pub(crate) fn unknown_failure(&self, key: &str, now: i64) -> Result<Mutation, AccountError> {
        let mut state = self.unknown_state(key)?;
        state.record_failure(now, &self.config.throttle);
        Ok(put(KIND_UNKNOWN, key, encode_json(&state)?))
    }
}
