//! Login: password first (throttled before hashing, the same cost and answer for an
//! unknown address), then the second factor against a short-lived challenge.

use crate::staff::totp::{self, TotpCheck};

use super::docs::{self, AccountDoc, TokenDoc, TokenPurpose};
use super::failures::Credential;
use super::storage::KIND_TOKEN;
use super::{
    AccountError, AccountStatus, Accounts, AttemptOutcome, ClientInfo, LoginOutcome, SessionGrant,
    StaffEmail,
};
use crate::staff::session::SessionSecret;

impl Accounts {
    /// Check `email` and `password`. Accounts with 2FA get a challenge to complete at
    /// [`Accounts::complete_2fa`]; the others a session.
    pub fn login(
        &self,
        email: &str,
        password: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<LoginOutcome, AccountError> {
        let email_id = StaffEmail::parse(email)
            .ok()
            .map(|e| self.keys.email_id(e.expose()));
        let account = match &email_id {
            Some(id) => self
                .account_by_email_id(id)?
                .filter(|a| a.status == AccountStatus::Active && a.password_phc.is_some()),
            None => None,
        };
        let Some(account) = account else {
            return self.unknown_login(email_id.as_deref(), password, client, now);
        };
        self.check_verdict(&account, &account.password_failures, "login", client, now)?;
        let ok = self
            .hashing
            .verify(account.password_phc.as_deref(), password)?;
        let _guard = self.locked();
        // Re-read under the lock: another attempt may have counted meanwhile.
        let mut account = self
            .load_account(&account.id)?
            .ok_or(AccountError::InvalidCredentials)?;
        if !ok {
            self.fail(
                account,
                Credential::Password,
                "login",
                "wrong_password",
                client,
                now,
            )?;
            return Err(AccountError::InvalidCredentials);
        }
        account.password_failures.record_success();
        if account
            .password_phc
            .as_deref()
            .is_some_and(gembok_crypto::password::needs_rehash)
        {
            account.password_phc = Some(self.hashing.hash(password)?);
        }
        if account.totp_enabled() {
            let challenge = SessionSecret::generate()?;
            let expires_at = now + self.config.challenge_ttl_ms;
            let token = TokenDoc {
                purpose: TokenPurpose::LoginChallenge,
                account: account.id.clone(),
                expires_at,
                pending_totp: None,
                parent: None,
            };
            let muts = vec![
                self.put_account(&account)?,
                self.put_token(challenge.expose(), &token)?,
            ];
            let event = self.event(&account, client, "login.challenge", now);
            self.audit.commit(muts, vec![event])?;
            self.remember_attempt(
                account.id.as_str(),
                "login",
                AttemptOutcome::Challenge,
                "ok",
                client,
                false,
                now,
            )?;
            return Ok(LoginOutcome::Challenge {
                challenge,
                expires_at,
            });
        }
        if super::role_requires_2fa(&account.role) {
            // Cannot happen through the API (2FA cannot be turned off for these roles),
            // but if it does, such an account may only enrol a second factor.
            self.audit.commit(
                vec![self.put_account(&account)?],
                vec![self.event(&account, client, "login.enrol_required", now)],
            )?;
            return Ok(LoginOutcome::EnrolTotp(
                self.start_totp_enrolment(&account, None, client, now)?,
            ));
        }
        let grant =
            self.start_session(&mut account, "login", Vec::new(), Vec::new(), client, now)?;
        Ok(LoginOutcome::Session(grant))
    }

    /// Complete a login challenge with a TOTP code or a recovery code, or confirm a
    /// TOTP enrolment with a TOTP code. Returns the session; after an enrolment it also
    /// carries the ten recovery codes, shown once.
    pub fn complete_2fa(
        &self,
        challenge: &str,
        code: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<SessionGrant, AccountError> {
        let Some((token_id, token)) = self.load_token(challenge)? else {
            return Err(AccountError::InvalidToken);
        };
        if token.expires_at <= now || token.purpose == TokenPurpose::Enrolment {
            return Err(AccountError::InvalidToken);
        }
        let Some(account) = self.load_account(&token.account)? else {
            return Err(AccountError::InvalidToken);
        };
        match token.purpose {
            TokenPurpose::TotpEnrolment => {
                self.confirm_totp(account, &token_id, &token, code, client, now)
            }
            _ => self.second_factor(account, &token_id, code, client, now),
        }
    }

    /// A login challenge: a six-digit TOTP code, or else a recovery code.
    fn second_factor(
        &self,
        account: AccountDoc,
        token_id: &str,
        code: &str,
        client: &ClientInfo,
        now: i64,
    ) -> Result<SessionGrant, AccountError> {
        let is_totp = code.chars().filter(|c| !c.is_whitespace()).count() == 6;
        let step = if is_totp { "2fa" } else { "recovery_code" };
        let state = if is_totp {
            &account.totp_failures
        } else {
            &account.recovery_failures
        };
        self.check_verdict(&account, state, step, client, now)?;
        let _guard = self.locked();
        let mut account = self
            .load_account(&account.id)?
            .ok_or(AccountError::InvalidToken)?;
        let accepted = if is_totp {
            let secret = self.totp_secret(&account)?;
            match totp::verify(&secret, code, unix_secs(now), account.totp_last_step) {
                TotpCheck::Accepted { step } => {
                    account.totp_last_step = Some(step);
                    account.totp_failures.record_success();
                    true
                }
                TotpCheck::Replayed | TotpCheck::Wrong => false,
            }
        } else {
            let hashes = decode_hashes(&account.recovery_hashes);
            match totp::match_recovery_code(code, &hashes) {
                Some(i) => {
                    account.recovery_hashes.remove(i);
                    account.recovery_failures.record_success();
                    true
                }
                None => false,
            }
        };
        if !accepted {
            let cred = if is_totp {
                Credential::Totp
            } else {
                Credential::Recovery
            };
            self.fail(account, cred, step, "wrong_code", client, now)?;
            return Err(AccountError::InvalidCode);
        }
        let extra = vec![docs::delete(KIND_TOKEN, token_id)];
        self.start_session(&mut account, step, extra, Vec::new(), client, now)
    }
}

pub(crate) fn unix_secs(now_ms: i64) -> u64 {
    u64::try_from(now_ms / 1000).unwrap_or(0)
}

pub(crate) fn decode_hashes(hex_hashes: &[String]) -> Vec<[u8; 32]> {
    hex_hashes
        .iter()
        .filter_map(|h| hex::decode(h).ok()?.try_into().ok())
        .collect()
}
