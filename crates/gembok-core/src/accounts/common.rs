//! Small pieces every flow uses: the audit actor of an account, notices, opening the
//! sealed e-mail and TOTP secret, and the public view of an account.

use crate::access::RoleName;
use crate::audit::{Actor, AuditEvent};
use crate::staff::totp::TotpSecret;

use super::docs::AccountDoc;
use super::{
    AccountError, AccountInfo, AccountNotice, Accounts, ClientInfo, NoticeKind, StaffEmail,
};

impl Accounts {
    /// The audit actor of `account` acting from `client`.
    pub(crate) fn actor_of(account: &AccountDoc, client: &ClientInfo) -> Actor {
        Actor {
            principal: account.id.to_string(),
            role: account.role.clone(),
            client: client.address.clone(),
            request_id: client.request_id.clone(),
            ..Default::default()
        }
    }

    pub(crate) fn event(
        &self,
        account: &AccountDoc,
        client: &ClientInfo,
        action: &str,
        now: i64,
    ) -> AuditEvent {
        AuditEvent::new(&Self::actor_of(account, client), action, now)
    }

    pub(crate) fn email_of(&self, account: &AccountDoc) -> Result<StaffEmail, AccountError> {
        let sealed = hex::decode(&account.email_sealed)
            .map_err(|_| crate::CoreError::Integrity("a stored account is malformed".into()))?;
        let plain = self.keys.open(account.id.as_str(), "email", &sealed)?;
        let text = std::str::from_utf8(&plain)
            .map_err(|_| crate::CoreError::Integrity("a stored account is malformed".into()))?;
        StaffEmail::parse(text)
    }

    pub(crate) fn seal_hex(
        &self,
        account: &super::AccountId,
        field: &str,
        value: &[u8],
    ) -> Result<String, AccountError> {
        Ok(hex::encode(self.keys.seal(
            account.as_str(),
            field,
            value,
        )?))
    }

    pub(crate) fn open_totp(
        &self,
        account: &super::AccountId,
        field: &str,
        sealed_hex: &str,
    ) -> Result<TotpSecret, AccountError> {
        let sealed = hex::decode(sealed_hex)
            .map_err(|_| crate::CoreError::Integrity("a stored account is malformed".into()))?;
        let plain = self.keys.open(account.as_str(), field, &sealed)?;
        Ok(TotpSecret::from_bytes(&plain)?)
    }

    /// The confirmed TOTP secret of `account`.
    pub(crate) fn totp_secret(&self, account: &AccountDoc) -> Result<TotpSecret, AccountError> {
        let sealed = account
            .totp_sealed
            .as_deref()
            .ok_or_else(|| AccountError::Conflict("this account has no 2FA".into()))?;
        self.open_totp(&account.id, "totp", sealed)
    }

    pub(crate) fn info(&self, account: &AccountDoc) -> Result<AccountInfo, AccountError> {
        Ok(AccountInfo {
            id: account.id.clone(),
            email: self.email_of(account)?,
            role: RoleName::parse(&account.role)?,
            status: account.status,
            totp_enabled: account.totp_enabled(),
            locked: account.locked(),
            created_at: account.created_at,
            recovery_codes_left: account.recovery_hashes.len(),
        })
    }

    /// Tell the listeners; a notice whose address cannot be opened still goes out,
    /// without a recipient.
    pub(crate) fn notify(
        &self,
        account: &AccountDoc,
        kind: NoticeKind,
        client: &ClientInfo,
        now: i64,
    ) {
        let Ok(role) = RoleName::parse(&account.role) else {
            return;
        };
        self.emit(AccountNotice {
            kind,
            account: account.id.clone(),
            role,
            recipient: self.email_of(account).ok(),
            time: now,
            address: client.address.clone(),
        });
    }
}
