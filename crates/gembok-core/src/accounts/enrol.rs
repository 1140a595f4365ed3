//! Making accounts and redeeming enrolment tokens; turning 2FA on.
//!
//! For a role that needs 2FA, the enrolment token stays valid until the first TOTP code
//! is confirmed, so a person who loses the QR code halfway can start again with the same
//! token; the account stays pending (unable to log in) until then.

use super::failures::Credential;
use crate::access::RoleName;
use crate::audit::{Actor, AuditEvent};
use crate::staff::password_policy::{self, PasswordContext};
use crate::staff::session::SessionSecret;
use crate::staff::totp::{self, TotpCheck, TotpSecret};

use super::docs::{self, AccountDoc, TokenDoc, TokenPurpose};
use super::login::unix_secs;
use super::storage::{KIND_EMAIL, KIND_TOKEN};
use super::{
    role_requires_2fa, AccountError, AccountId, AccountStatus, Accounts, ClientInfo,
    CreatedAccount, LoginOutcome, NoticeKind, SessionGrant, StaffEmail, StaffSession,
    TotpEnrolment,
};

impl Accounts {
    /// Create an account of `role` for `email`, pending until its enrolment token is
    /// redeemed. The caller has already been authorised to grant `role` (the gate).
    pub fn create(
        &self,
        actor: &Actor,
        email: &str,
        role: &str,
        now: i64,
    ) -> Result<CreatedAccount, AccountError> {
        let email = StaffEmail::parse(email)?;
        let role_name = RoleName::parse(role)?;
        if !self.policy.has_role(role) {
            return Err(AccountError::InvalidInput(format!(
                "unknown role: {role_name}"
            )));
        }
        let email_id = self.keys.email_id(email.expose());
        let _guard = self.locked();
        if self.store.doc(KIND_EMAIL, &email_id)?.is_some() {
            return Err(AccountError::EmailTaken);
        }
        let id = AccountId::generate()?;
        let account = AccountDoc {
            email_sealed: self.seal_hex(&id, "email", email.expose().as_bytes())?,
            id,
            role: role.to_owned(),
            email_id: email_id.clone(),
            status: AccountStatus::Pending,
            created_at: now,
            password_phc: None,
            totp_sealed: None,
            totp_last_step: None,
            recovery_hashes: Vec::new(),
            password_failures: Default::default(),
            totp_failures: Default::default(),
            recovery_failures: Default::default(),
            devices: Vec::new(),
            stored: None,
        };
        let token = SessionSecret::generate()?;
        let expires_at = now + self.config.enrolment_ttl_ms;
        let token_doc = TokenDoc {
            purpose: TokenPurpose::Enrolment,
            account: account.id.clone(),
            expires_at,
            pending_totp: None,
            parent: None,
        };
        let muts = vec![
            self.put_account(&account)?,
            docs::put(
                KIND_EMAIL,
                &email_id,
                account.id.as_str().as_bytes().to_vec(),
            ),
            self.put_token(token.expose(), &token_doc)?,
        ];
        let event = AuditEvent::new(actor, "user.create", now)
            .code(&format!("account:{} role:{role}", account.id));
        self.audit.commit(muts, vec![event])?;
        if role_requires_2fa(role) {
            let client = ClientInfo {
                address: actor.client.clone(),
                ..Default::default()
            };
            self.notify(&account, NoticeKind::AdminCreated, &client, now);
        }
        Ok(CreatedAccount {
            info: self.info(&account)?,
            enrolment_token: token,
            expires_at,
        })
    }

    /// Redeem an enrolment token with the account's first password. Roles that need 2FA
    /// get [`LoginOutcome::EnrolTotp`] (complete it at [`Accounts::complete_2fa`]); the
    /// others are logged in at once.
    pub fn enrol(
        &self,
        token: &str,
        password: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<LoginOutcome, AccountError> {
        let Some((token_id, doc)) = self.load_token(token)? else {
            return Err(AccountError::InvalidToken);
        };
        if doc.purpose != TokenPurpose::Enrolment || doc.expires_at <= now {
            return Err(AccountError::InvalidToken);
        }
        let account = self
            .load_account(&doc.account)?
            .ok_or(AccountError::InvalidToken)?;
        if account.status != AccountStatus::Pending {
            return Err(AccountError::InvalidToken);
        }
        let email = self.email_of(&account)?;
        let needs_2fa = role_requires_2fa(&account.role);
        let ctx = PasswordContext {
            has_2fa: needs_2fa,
            business_name: self.config.business_name.as_deref(),
            email: Some(email.expose()),
        };
        password_policy::check(password, &ctx).map_err(AccountError::WeakPassword)?;
        let phc = self.hashing.hash(password)?;
        let _guard = self.locked();
        let mut account = self
            .load_account(&doc.account)?
            .ok_or(AccountError::InvalidToken)?;
        account.password_phc = Some(phc);
        if needs_2fa {
            let event = self
                .event(&account, client, "user.enrol", now)
                .code("step:password");
            self.audit
                .commit(vec![self.put_account(&account)?], vec![event])?;
            let enrolment = self.start_totp_enrolment(&account, Some(token_id), client, now)?;
            return Ok(LoginOutcome::EnrolTotp(enrolment));
        }
        account.status = AccountStatus::Active;
        let extra = vec![docs::delete(KIND_TOKEN, &token_id)];
        let grant = self.start_session(&mut account, "enrol", extra, Vec::new(), client, now)?;
        Ok(LoginOutcome::Session(grant))
    }

    /// Start turning 2FA on for a logged-in account that has none (roles where it is
    /// optional). Confirmed like an enrolment, at [`Accounts::complete_2fa`].
    pub fn begin_totp(
        &self,
        session: &StaffSession,
        client: &ClientInfo,
        now: i64,
    ) -> Result<TotpEnrolment, AccountError> {
        let account = self
            .load_account(&session.account)?
            .ok_or(AccountError::InvalidSession)?;
        if account.totp_enabled() {
            return Err(AccountError::Conflict(
                "2FA is already on for this account".into(),
            ));
        }
        self.start_totp_enrolment(&account, None, client, now)
    }

    /// A fresh secret, sealed into a challenge that waits for its first code.
    pub(crate) fn start_totp_enrolment(
        &self,
        account: &AccountDoc,
        parent: Option<String>,
        client: &ClientInfo,
        now: i64,
    ) -> Result<TotpEnrolment, AccountError> {
        let secret = TotpSecret::generate()?;
        let challenge = SessionSecret::generate()?;
        let expires_at = now + self.config.enrolment_ttl_ms.min(30 * 60_000);
        let doc = TokenDoc {
            purpose: TokenPurpose::TotpEnrolment,
            account: account.id.clone(),
            expires_at,
            pending_totp: Some(self.seal_hex(
                &account.id,
                "totp_pending",
                secret.expose_bytes(),
            )?),
            parent,
        };
        let event = self.event(account, client, "2fa.begin", now);
        self.audit
            .commit(vec![self.put_token(challenge.expose(), &doc)?], vec![event])?;
        let email = self.email_of(account)?;
        let uri = totp::otpauth_uri(&secret, &self.config.issuer, email.expose());
        let qr = zeroize::Zeroizing::new(totp::qr_svg(&uri)?);
        Ok(TotpEnrolment {
            challenge,
            totp_uri: uri,
            qr_svg: qr,
            expires_at,
        })
    }

    /// The first code from the authenticator: 2FA is on, the account active, and the
    /// recovery codes are made.
    pub(crate) fn confirm_totp(
        &self,
        account: AccountDoc,
        token_id: &str,
        token: &TokenDoc,
        code: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<SessionGrant, AccountError> {
        self.check_verdict(&account, &account.totp_failures, "2fa_enrol", client, now)?;
        let pending = token
            .pending_totp
            .as_deref()
            .ok_or(AccountError::InvalidToken)?;
        let secret = self.open_totp(&account.id, "totp_pending", pending)?;
        let _guard = self.locked();
        let mut account = self
            .load_account(&account.id)?
            .ok_or(AccountError::InvalidToken)?;
        let TotpCheck::Accepted { step } = totp::verify(&secret, code, unix_secs(now), None) else {
            self.fail(
                account,
                Credential::Totp,
                "2fa_enrol",
                "wrong_code",
                client,
                now,
            )?;
            return Err(AccountError::InvalidCode);
        };
        let codes = totp::generate_recovery_codes()?;
        account.totp_sealed = Some(self.seal_hex(&account.id, "totp", secret.expose_bytes())?);
        account.totp_last_step = Some(step);
        account.totp_failures.record_success();
        account.recovery_hashes = codes.hashes.iter().map(hex::encode).collect();
        account.status = AccountStatus::Active;
        let mut extra = vec![docs::delete(KIND_TOKEN, token_id)];
        if let Some(parent) = &token.parent {
            extra.push(docs::delete(KIND_TOKEN, parent));
        }
        let event = self.event(&account, client, "2fa.enable", now);
        let mut grant =
            self.start_session(&mut account, "2fa_enrol", extra, vec![event], client, now)?;
        grant.recovery_codes = Some(codes);
        Ok(grant)
    }
}
