//! Login history: every attempt on an account (time, step, outcome, reason, address,
//! user agent), newest first, the last [`KEEP`] kept.
//!
//! History is written after the attempt is decided and audited; a failure to write it
//! fails the request, as the audit log does.

use super::docs::{decode_json, encode_json, put};
use super::storage::kind_login;
use super::{AccountError, AccountId, Accounts, AttemptOutcome, ClientInfo, LoginAttempt};

/// History owner of attempts on unknown addresses.
pub(crate) const UNKNOWN: &str = "unknown";
/// Entries kept per account.
pub const KEEP: usize = 200;
/// Longest user agent kept.
const MAX_USER_AGENT: usize = 256;

impl Accounts {
    /// The newest `limit` attempts on account `id`.
    pub fn login_history(
        &self,
        id: &AccountId,
        limit: usize,
    ) -> Result<Vec<LoginAttempt>, AccountError> {
        let mut docs = self.store.docs(&kind_login(id.as_str()))?;
        docs.sort_by(|a, b| b.0.cmp(&a.0));
        docs.into_iter()
            .take(limit)
            .map(|(_, body)| decode_json(&body, "login history entry"))
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    /// Keep one attempt in the history of `owner`: an account id, or [`UNKNOWN`] for
    /// attempts on addresses without an account (kept too, and written the same way so
    /// that both answers cost the same).
    pub(crate) fn remember_attempt(
        &self,
        owner: &str,
        step: &str,
        outcome: AttemptOutcome,
        reason: &str,
        client: &ClientInfo,
        new_device: bool,
        now: i64,
    ) -> Result<(), AccountError> {
        let entry = LoginAttempt {
            time: now,
            step: step.to_owned(),
            outcome,
            reason: reason.to_owned(),
            address: client.address.clone(),
            user_agent: client
                .user_agent
                .as_deref()
                .map(|ua| ua.chars().take(MAX_USER_AGENT).collect()),
            new_device,
        };
        let kind = kind_login(owner);
        let suffix = hex::encode(gembok_crypto::random_bytes::<4>()?);
        let id = format!("{now:016}-{suffix}");
        let mut muts = vec![put(&kind, &id, encode_json(&entry)?)];
        let mut ids: Vec<String> = self
            .store
            .docs(&kind)?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        if ids.len() >= KEEP + 20 {
            ids.sort();
            let drop = ids.len() + 1 - KEEP;
            muts.extend(
                ids.iter()
                    .take(drop)
                    .map(|id| super::docs::delete(&kind, id)),
            );
        }
        self.store.apply(&muts)?;
        Ok(())
    }
}
