//! A failed attempt on a staff account's credential (password, TOTP code or recovery
//! code): a credential already locked or waiting is refused before any check, and a
//! wrong answer is counted on the account, audited, remembered in its login history
//! and, when it locks the credential, told to its owner.

use crate::audit::Outcome;
use crate::staff::throttle::{FailureState, Verdict};

use super::docs::AccountDoc;
use super::{AccountError, Accounts, AttemptOutcome, ClientInfo, NoticeKind};

impl Accounts {
    /// Refuse at once when the credential is locked or must wait; the refusal is
    /// recorded like any other attempt.
    pub(crate) fn check_verdict(
        &self,
        account: &AccountDoc,
        state: &FailureState,
        step: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<(), AccountError> {
        let (reason, err) = match state.verdict(now, &self.config.throttle) {
            Verdict::Allowed => return Ok(()),
            Verdict::Wait { retry_after_ms } => (
                "throttled",
                AccountError::Throttled {
                    retry_after_secs: retry_secs(retry_after_ms),
                },
            ),
            Verdict::Locked => ("locked", AccountError::Locked),
        };
        let event = self
            .event(account, client, "login.failed", now)
            .outcome(Outcome::Denied, Some(reason));
        self.audit.record(event)?;
        self.remember_failure(account, step, reason, client, now)?;
        Err(err)
    }

    /// Count one failure of `cred` on `account` (as read under the account lock) and
    /// store it; when it locks the credential, audit and notify that too. Another
    /// server may have counted meanwhile: then the failure is counted again on a fresh
    /// read, so every failure on every server adds up.
    pub(crate) fn fail(
        &self,
        mut account: AccountDoc,
        cred: Credential,
        step: &str,
        reason: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<(), AccountError> {
        let mut attempt = 0;
        let locks = loop {
            attempt += 1;
            let locks = cred
                .state(&mut account)
                .record_failure(now, &self.config.throttle);
            let mut events = vec![self
                .event(&account, client, "login.failed", now)
                .outcome(Outcome::Denied, Some(reason))];
            if locks {
                events.push(
                    self.event(&account, client, "account.locked", now)
                        .code(&format!("credential:{step}")),
                );
            }
            match self.audit.commit(vec![self.put_account(&account)?], events) {
                Ok(()) => break locks,
                Err(crate::CoreError::Store(gembok_store::StoreError::Changed))
                    if attempt < MAX_COUNT_ATTEMPTS =>
                {
                    account = self
                        .load_account(&account.id)?
                        .ok_or(AccountError::InvalidCredentials)?;
                }
                Err(e) => return Err(e.into()),
            }
        };
        let account = &account;
        self.remember_failure(account, step, reason, client, now)?;
        if locks {
            self.notify(account, NoticeKind::Locked, client, now);
        }
        Ok(())
    }

    /// Keep a failed attempt on `account` in its login history.
    fn remember_failure(
        &self,
        account: &AccountDoc,
        step: &str,
        reason: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<(), AccountError> {
        let id = account.id.as_str();
        self.remember_attempt(
            id,
            step,
            AttemptOutcome::Failure,
            reason,
            client,
            false,
            now,
        )
    }
}

/// Reads and writes of one account to count a failure before giving up.
pub(super) const MAX_COUNT_ATTEMPTS: u32 = 16;

/// Which of an account's credentials an attempt tried.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Credential {
    Password,
    Totp,
    Recovery,
}

impl Credential {
    fn state(self, account: &mut AccountDoc) -> &mut FailureState {
        match self {
            Credential::Password => &mut account.password_failures,
            Credential::Totp => &mut account.totp_failures,
            Credential::Recovery => &mut account.recovery_failures,
        }
    }
}

pub(crate) fn retry_secs(ms: i64) -> u64 {
    u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1)
}
