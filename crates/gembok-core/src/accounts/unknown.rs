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
//!
//! The whole answer to a login on such an address is here: the dummy hash, the count,
//! the audit event and the history entry, in the order a known address gets them.

use gembok_store::Mutation;

use super::docs::{decode_json, encode_json};
use super::failures::{retry_secs, MAX_COUNT_ATTEMPTS};
use super::{AccountError, Accounts, AttemptOutcome, ClientInfo, LoginOutcome};
use crate::audit::{AuditEvent, Outcome};
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

    /// The answer for an unknown or not yet enrolled address: hash against the dummy
    /// hash (same cost), count the failure in a store document (same throttling, seen
    /// by every server on the database), same error.
    pub(super) fn unknown_login(
        &self,
        email_id: Option<&str>,
        password: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<LoginOutcome, AccountError> {
        let key = email_id.unwrap_or("invalid");
        match self.unknown_verdict(key, now)? {
            Verdict::Allowed => {}
            Verdict::Wait { retry_after_ms } => {
                self.note_unknown(client, "throttled", Vec::new(), now)?;
                return Err(AccountError::Throttled {
                    retry_after_secs: retry_secs(retry_after_ms),
                });
            }
            Verdict::Locked => {
                self.note_unknown(client, "locked", Vec::new(), now)?;
                return Err(AccountError::Locked);
            }
        }
        let _ = self.hashing.verify(None, password)?;
        let _guard = self.locked();
        let mut attempt = 0;
        loop {
            attempt += 1;
            let count = self.unknown_failure(key, now)?;
            match self.note_unknown(client, "wrong_password", vec![count], now) {
                Err(AccountError::Core(crate::CoreError::Store(
                    gembok_store::StoreError::Changed,
                ))) if attempt < MAX_COUNT_ATTEMPTS => {}
                other => {
                    other?;
                    return Err(AccountError::InvalidCredentials);
                }
            }
        }
    }

    fn note_unknown(
        &self,
        client: &ClientInfo,
        code: &str,
        muts: Vec<gembok_store::Mutation>,
        now: i64,
    ) -> Result<(), AccountError> {
        let actor = crate::audit::Actor {
            principal: "unknown".into(),
            role: String::new(),
            client: client.address.clone(),
            request_id: client.request_id.clone(),
            ..Default::default()
        };
        let event =
            AuditEvent::new(&actor, "login.failed", now).outcome(Outcome::Denied, Some(code));
        if muts.is_empty() {
            self.audit.record(event)?;
        } else {
            self.audit.commit(muts, vec![event])?;
        }
        self.remember_attempt(
            super::history::UNKNOWN,
            "login",
            AttemptOutcome::Failure,
            code,
            client,
            false,
            now,
        )
    }
}
