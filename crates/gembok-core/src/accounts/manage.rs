//! Account administration and self-service: list, unlock, change password, turn 2FA
//! off, new recovery codes.

use super::failures::Credential;
use crate::audit::{Actor, AuditEvent};
use crate::staff::password_policy::{self, PasswordContext};
use crate::staff::totp::{self, RecoveryCodes};

use super::docs;
use super::storage::KIND_SESSION;
use super::{
    role_requires_2fa, AccountError, AccountId, AccountInfo, AccountStatus, Accounts, ClientInfo,
    NoticeKind, StaffSession,
};

impl Accounts {
    /// Every account, oldest first.
    pub fn list(&self) -> Result<Vec<AccountInfo>, AccountError> {
        self.all_accounts()?.iter().map(|a| self.info(a)).collect()
    }

    /// One account.
    pub fn get(&self, id: &AccountId) -> Result<AccountInfo, AccountError> {
        let account = self.load_account(id)?.ok_or(AccountError::NotFound)?;
        self.info(&account)
    }

    /// Whether any owner account exists, pending or active (`gembok init --owner`).
    pub fn has_owner(&self) -> Result<bool, AccountError> {
        Ok(self.all_accounts()?.iter().any(|a| a.role == "owner"))
    }

    /// Lift every lock and failure count of an account (an admin's act; audited and
    /// notified).
    pub fn unlock(&self, actor: &Actor, id: &AccountId, now: i64) -> Result<(), AccountError> {
        let _guard = self.locked();
        let mut account = self.load_account(id)?.ok_or(AccountError::NotFound)?;
        account.password_failures.unlock();
        account.totp_failures.unlock();
        account.recovery_failures.unlock();
        let event = AuditEvent::new(actor, "account.unlock", now).code(&format!("account:{id}"));
        self.audit
            .commit(vec![self.put_account(&account)?], vec![event])?;
        let client = ClientInfo {
            address: actor.client.clone(),
            ..Default::default()
        };
        self.notify(&account, NoticeKind::Unlocked, &client, now);
        Ok(())
    }

    /// Change the session's own password; the current one is checked (throttled). Every
    /// other session of the account ends.
    pub fn change_password(
        &self,
        session: &StaffSession,
        current: &str,
        new: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<(), AccountError> {
        let account = self
            .load_account(&session.account)?
            .ok_or(AccountError::InvalidSession)?;
        self.check_verdict(
            &account,
            &account.password_failures,
            "password_change",
            client,
            now,
        )?;
        let email = self.email_of(&account)?;
        let ctx = PasswordContext {
            has_2fa: account.totp_enabled(),
            business_name: self.config.business_name.as_deref(),
            email: Some(email.expose()),
        };
        password_policy::check(new, &ctx).map_err(AccountError::WeakPassword)?;
        let ok = self
            .hashing
            .verify(account.password_phc.as_deref(), current)?;
        let phc = if ok {
            Some(self.hashing.hash(new)?)
        } else {
            None
        };
        let _guard = self.locked();
        let mut account = self
            .load_account(&session.account)?
            .ok_or(AccountError::InvalidSession)?;
        let Some(phc) = phc else {
            self.fail(
                account,
                Credential::Password,
                "password_change",
                "wrong_password",
                client,
                now,
            )?;
            return Err(AccountError::InvalidCredentials);
        };
        account.password_phc = Some(phc);
        account.password_failures.record_success();
        let mut muts = vec![self.put_account(&account)?];
        for other in self.sessions_of(&account.id)? {
            if other.session.id != session.session_id {
                muts.push(docs::delete(KIND_SESSION, &other.session.id));
            }
        }
        let event = self.event(&account, client, "account.password_change", now);
        self.audit.commit(muts, vec![event])?;
        self.notify(&account, NoticeKind::PasswordChanged, client, now);
        Ok(())
    }

    /// Turn 2FA off (needs a recent re-auth; refused for roles where it is mandatory).
    pub fn disable_2fa(
        &self,
        session: &StaffSession,
        client: &ClientInfo,
        now: i64,
    ) -> Result<(), AccountError> {
        self.require_recent_auth(session, now)?;
        let _guard = self.locked();
        let mut account = self
            .load_account(&session.account)?
            .ok_or(AccountError::InvalidSession)?;
        if role_requires_2fa(&account.role) {
            return Err(AccountError::Forbidden(format!(
                "2FA is mandatory for the {} role",
                account.role
            )));
        }
        if !account.totp_enabled() {
            return Err(AccountError::Conflict(
                "2FA is not on for this account".into(),
            ));
        }
        account.totp_sealed = None;
        account.totp_last_step = None;
        account.recovery_hashes.clear();
        account.totp_failures.unlock();
        account.recovery_failures.unlock();
        let event = self.event(&account, client, "2fa.disable", now);
        self.audit
            .commit(vec![self.put_account(&account)?], vec![event])?;
        self.notify(&account, NoticeKind::TwoFactorDisabled, client, now);
        Ok(())
    }

    /// Replace the recovery codes (needs a recent re-auth); the new ones are shown once.
    pub fn regenerate_recovery_codes(
        &self,
        session: &StaffSession,
        client: &ClientInfo,
        now: i64,
    ) -> Result<RecoveryCodes, AccountError> {
        self.require_recent_auth(session, now)?;
        let _guard = self.locked();
        let mut account = self
            .load_account(&session.account)?
            .ok_or(AccountError::InvalidSession)?;
        if !account.totp_enabled() {
            return Err(AccountError::Conflict(
                "2FA is not on for this account".into(),
            ));
        }
        let codes = totp::generate_recovery_codes()?;
        account.recovery_hashes = codes.hashes.iter().map(hex::encode).collect();
        account.recovery_failures.unlock();
        let event = self.event(&account, client, "2fa.recovery_codes", now);
        self.audit
            .commit(vec![self.put_account(&account)?], vec![event])?;
        Ok(codes)
    }

    /// A new enrolment token for a pending account (the first one expired or was lost).
    pub fn reissue_enrolment(
        &self,
        actor: &Actor,
        id: &AccountId,
        now: i64,
    ) -> Result<super::CreatedAccount, AccountError> {
        let account = self.load_account(id)?.ok_or(AccountError::NotFound)?;
        if account.status != AccountStatus::Pending {
            return Err(AccountError::Conflict(
                "the account has already enrolled".into(),
            ));
        }
        let token = crate::staff::session::SessionSecret::generate()?;
        let expires_at = now + self.config.enrolment_ttl_ms;
        let doc = docs::TokenDoc {
            purpose: docs::TokenPurpose::Enrolment,
            account: id.clone(),
            expires_at,
            pending_totp: None,
            parent: None,
        };
        let event =
            AuditEvent::new(actor, "user.enrolment_token", now).code(&format!("account:{id}"));
        self.audit
            .commit(vec![self.put_token(token.expose(), &doc)?], vec![event])?;
        Ok(super::CreatedAccount {
            info: self.info(&account)?,
            enrolment_token: token,
            expires_at,
        })
    }
}
