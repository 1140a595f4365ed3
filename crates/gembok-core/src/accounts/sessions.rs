//! Using a session: start one after a login, authenticate its token on every request,
//! check CSRF, log out, confirm the password again for sensitive operations.
//!
//! The idle timer is written back at most once a minute per session, so a busy browser
//! does not turn every read into a store write; a session may therefore outlive its idle
//! timeout by up to that minute.

use gembok_store::Mutation;

use super::failures::Credential;
use crate::access::Principal;
use crate::audit::{Actor, Outcome};
use crate::staff::session::{session_id, Session};
use crate::staff::totp::{self, TotpCheck};

use super::docs::{self, AccountDoc, SessionDoc};
use super::login::unix_secs;
use super::storage::KIND_SESSION;
use super::{
    AccountError, Accounts, AttemptOutcome, ClientInfo, NoticeKind, SessionGrant, StaffSession,
};
use crate::access::RoleName;

const TOUCH_EVERY_MS: i64 = 60_000;

impl Accounts {
    /// Start a session for `account` after a successful `step`, storing `extra` with it.
    pub(crate) fn start_session(
        &self,
        account: &mut AccountDoc,
        step: &str,
        extra: Vec<Mutation>,
        extra_events: Vec<crate::audit::AuditEvent>,
        client: &ClientInfo,
        now: i64,
    ) -> Result<SessionGrant, AccountError> {
        let new_device = super::devices::remember(account, client);
        let policy = self.config.session;
        let started = Session::start(account.id.as_str(), now, policy)?;
        let doc = SessionDoc {
            session: started.session,
            role: account.role.clone(),
            reauth_at: now,
        };
        let mut muts = extra;
        muts.push(self.put_account(account)?);
        muts.push(self.put_session(&doc)?);
        for old in self.sessions_of(&account.id)? {
            if old.session.check(now).is_err() {
                muts.push(docs::delete(KIND_SESSION, &old.session.id));
            }
        }
        let mut event = self
            .event(account, client, "login.ok", now)
            .code(&format!("step:{step}"));
        if new_device {
            event = event.code(&format!("step:{step} new_device"));
        }
        let mut events = extra_events;
        events.push(event);
        self.audit.commit(muts, events)?;
        self.remember_attempt(
            account.id.as_str(),
            step,
            AttemptOutcome::Success,
            "ok",
            client,
            new_device,
            now,
        )?;
        if new_device {
            self.notify(account, NoticeKind::NewDevice, client, now);
        }
        Ok(SessionGrant {
            account: account.id.clone(),
            role: RoleName::parse(&account.role)?,
            token: started.token,
            csrf_token: started.csrf,
            idle_expires_at: now + policy.idle_ms,
            expires_at: now + policy.absolute_ms,
            recovery_codes: None,
        })
    }

    /// The live session of `token` at `now` (touching its idle timer), or
    /// [`AccountError::InvalidSession`].
    pub fn authenticate(&self, token: &str, now: i64) -> Result<StaffSession, AccountError> {
        let id = session_id(token);
        let Some(mut doc) = self.load_session(&id)? else {
            return Err(AccountError::InvalidSession);
        };
        if doc.session.check(now).is_err() {
            return Err(AccountError::InvalidSession);
        }
        if now - doc.session.last_seen >= TOUCH_EVERY_MS {
            doc.session.touch(now);
            self.store.apply(&[self.put_session(&doc)?])?;
        }
        staff_session(&doc)
    }

    /// Whether `presented` is the CSRF token of `session` (constant time).
    pub fn check_csrf(
        &self,
        session: &StaffSession,
        presented: &str,
    ) -> Result<bool, AccountError> {
        Ok(self
            .load_session(&session.session_id)?
            .is_some_and(|doc| doc.session.csrf_matches(presented)))
    }

    /// End the session of `token` (server-side: the token stops working at once).
    pub fn logout(&self, actor: &Actor, token: &str, now: i64) -> Result<(), AccountError> {
        let id = session_id(token);
        if self.load_session(&id)?.is_none() {
            return Err(AccountError::InvalidSession);
        }
        let event = crate::audit::AuditEvent::new(actor, "logout", now);
        self.audit
            .commit(vec![docs::delete(KIND_SESSION, &id)], vec![event])?;
        Ok(())
    }

    /// Confirm the password (and a TOTP code when the account has 2FA) within a live
    /// session; sensitive operations need one within `reauth_window_ms`.
    pub fn reauthenticate(
        &self,
        session: &StaffSession,
        password: &str,
        code: Option<&str>,
        client: &ClientInfo,
        now: i64,
    ) -> Result<StaffSession, AccountError> {
        let account = self
            .load_account(&session.account)?
            .ok_or(AccountError::InvalidSession)?;
        self.check_verdict(&account, &account.password_failures, "reauth", client, now)?;
        if account.totp_enabled() {
            self.check_verdict(&account, &account.totp_failures, "reauth", client, now)?;
        }
        let ok = self
            .hashing
            .verify(account.password_phc.as_deref(), password)?;
        let _guard = self.locked();
        let mut account = self
            .load_account(&session.account)?
            .ok_or(AccountError::InvalidSession)?;
        if !ok {
            self.fail(
                account,
                Credential::Password,
                "reauth",
                "wrong_password",
                client,
                now,
            )?;
            return Err(AccountError::InvalidCredentials);
        }
        account.password_failures.record_success();
        if account.totp_enabled() {
            let secret = self.totp_secret(&account)?;
            let check = match code {
                Some(code) => totp::verify(&secret, code, unix_secs(now), account.totp_last_step),
                None => TotpCheck::Wrong,
            };
            match check {
                TotpCheck::Accepted { step } => {
                    account.totp_last_step = Some(step);
                    account.totp_failures.record_success();
                }
                TotpCheck::Wrong | TotpCheck::Replayed => {
                    self.fail(
                        account,
                        Credential::Totp,
                        "reauth",
                        "wrong_code",
                        client,
                        now,
                    )?;
                    return Err(AccountError::InvalidCode);
                }
            }
        }
        let mut doc = self
            .load_session(&session.session_id)?
            .ok_or(AccountError::InvalidSession)?;
        doc.reauth_at = now;
        let event = self
            .event(&account, client, "login.reauth", now)
            .outcome(Outcome::Ok, None);
        self.audit.commit(
            vec![self.put_account(&account)?, self.put_session(&doc)?],
            vec![event],
        )?;
        self.remember_attempt(
            account.id.as_str(),
            "reauth",
            AttemptOutcome::Success,
            "ok",
            client,
            false,
            now,
        )?;
        staff_session(&doc)
    }

    /// [`AccountError::ReauthRequired`] unless the session confirmed recently.
    pub fn require_recent_auth(
        &self,
        session: &StaffSession,
        now: i64,
    ) -> Result<(), AccountError> {
        if session.recently_authenticated(now, self.config.reauth_window_ms) {
            Ok(())
        } else {
            Err(AccountError::ReauthRequired)
        }
    }

    /// The principal a session acts as: the account id and its role, no restriction
    /// beyond the role's own.
    pub fn principal(session: &StaffSession) -> Principal {
        Principal {
            key_id: session.account.to_string(),
            role: session.role.clone(),
            collections: None,
            purposes: None,
            origin: Default::default(),
        }
    }
}

fn staff_session(doc: &SessionDoc) -> Result<StaffSession, AccountError> {
    Ok(StaffSession {
        session_id: doc.session.id.clone(),
        account: super::AccountId::parse(&doc.session.account)?,
        role: RoleName::parse(&doc.role)?,
        reauth_at: doc.reauth_at,
        expires_at: doc.session.created_at + doc.session.policy.absolute_ms,
    })
}
