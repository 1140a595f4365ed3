//! Staff accounts: creation with a one-time enrolment token, login with Argon2id and
//! TOTP, sessions, brute-force protection, login history and the notices a front end
//! turns into e-mails and webhooks.
//!
//! This is where the building blocks of [`crate::staff`] meet the store. An account is
//! a document of kind `staff_account`; its e-mail address and TOTP secret are sealed
//! (AES-256-GCM, bound to the account id and field) under the `staff` key, which is
//! wrapped by the master key like every data key and re-wrapped with it on rotation.
//! The e-mail is found by a keyed blind index (`staff_email` documents), so the store
//! never holds an address in the clear. Sessions (`staff_session`), pending enrolments
//! and 2FA challenges (`staff_token`) are kept only as SHA-256 of their tokens.
//!
//! Every credential check asks the [`crate::staff::throttle`] verdict before hashing; a
//! login for an unknown address hashes against a dummy PHC string so it costs what a
//! wrong password costs, and gets the same answer. At most `max_concurrent_hashes`
//! Argon2id hashes run at once. Every attempt is audited and kept in the account's
//! history; listeners get [`AccountNotice`]s (new device, lockout, password change, ...)
//! that hold no customer data.
//!
//! Read-modify-write of account documents is serialised within one process.

mod common;
mod devices;
mod docs;
mod enrol;
mod error;
mod failures;
mod hashing;
mod history;
mod login;
mod manage;
mod model;
mod sessions;
mod storage;
mod unknown;

use std::sync::{Arc, Mutex, RwLock};

use gembok_crypto::MasterKey;
use gembok_store::Store;

use crate::access::{Policy, RoleName};
use crate::audit::AuditLog;
use crate::staff::session::SessionPolicy;
use crate::staff::throttle::ThrottlePolicy;

pub use error::AccountError;
pub use model::{
    AccountId, AccountInfo, AccountStatus, AttemptOutcome, ClientInfo, CreatedAccount,
    LoginAttempt, LoginOutcome, SessionGrant, StaffEmail, StaffSession, TotpEnrolment,
};

/// Roles whose accounts must have 2FA before they can do anything but enrol.
pub const ROLES_REQUIRING_2FA: [&str; 3] = ["owner", "admin", "dpo"];

/// Settings of the account service.
#[derive(Clone, Debug)]
pub struct AccountsConfig {
    /// Issuer shown in authenticator apps.
    pub issuer: String,
    /// The business's own name, refused inside passwords.
    pub business_name: Option<String>,
    pub session: SessionPolicy,
    pub throttle: ThrottlePolicy,
    /// Argon2id hashes allowed to run at once (each takes 19 MiB).
    pub max_concurrent_hashes: usize,
    /// How recent a password (and 2FA) confirmation must be for sensitive operations.
    pub reauth_window_ms: i64,
    /// Lifetime of an enrolment token.
    pub enrolment_ttl_ms: i64,
    /// Lifetime of a 2FA challenge.
    pub challenge_ttl_ms: i64,
}

impl Default for AccountsConfig {
    fn default() -> Self {
        AccountsConfig {
            issuer: "Gembok".into(),
            business_name: None,
            session: SessionPolicy::default(),
            throttle: ThrottlePolicy::default(),
            max_concurrent_hashes: 2,
            reauth_window_ms: 15 * 60_000,
            enrolment_ttl_ms: 7 * 24 * 3_600_000,
            challenge_ttl_ms: 5 * 60_000,
        }
    }
}

/// Something a person should hear about. Holds no customer data; `recipient` is the
/// account's own address, for the notice to that person.
#[derive(Clone, Debug)]
pub struct AccountNotice {
    pub kind: NoticeKind,
    pub account: AccountId,
    pub role: RoleName,
    pub recipient: Option<StaffEmail>,
    pub time: i64,
    /// Peer address of the request that caused it, if any.
    pub address: Option<String>,
}

/// What happened.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoticeKind {
    /// A successful login from a device or network not seen before for the account.
    NewDevice,
    PasswordChanged,
    TwoFactorDisabled,
    /// A credential locked after too many failures.
    Locked,
    Unlocked,
    /// An account with an administrative role (owner, admin, dpo) was created.
    AdminCreated,
}

impl NoticeKind {
    /// A stable dotted name (`account.new_device`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::NewDevice => "account.new_device",
            NoticeKind::PasswordChanged => "account.password_changed",
            NoticeKind::TwoFactorDisabled => "account.2fa_disabled",
            NoticeKind::Locked => "account.locked",
            NoticeKind::Unlocked => "account.unlocked",
            NoticeKind::AdminCreated => "account.admin_created",
        }
    }
}

/// Receives notices; called after the change is stored, on the caller's thread, so it
/// must only queue.
pub trait AccountListener: Send + Sync {
    fn notice(&self, notice: &AccountNotice);
}

/// The account service over a store.
pub struct Accounts {
    store: Arc<dyn Store>,
    audit: Arc<AuditLog>,
    policy: Arc<Policy>,
    config: AccountsConfig,
    keys: storage::StaffKeys,
    hashing: hashing::HashGate,
    /// Serialises read-modify-write of account documents.
    lock: Mutex<()>,
    listeners: RwLock<Vec<Arc<dyn AccountListener>>>,
}

impl Accounts {
    /// Open the service, creating the `staff` key on first use.
    pub fn open(
        store: Arc<dyn Store>,
        master: &MasterKey,
        audit: Arc<AuditLog>,
        policy: Arc<Policy>,
        config: AccountsConfig,
    ) -> Result<Self, AccountError> {
        let keys = storage::StaffKeys::load_or_create(store.as_ref(), master)?;
        Ok(Accounts {
            store,
            audit,
            policy,
            hashing: hashing::HashGate::new(config.max_concurrent_hashes)?,
            config,
            keys,
            lock: Mutex::new(()),
            listeners: RwLock::new(Vec::new()),
        })
    }

    /// The settings in force.
    pub fn config(&self) -> &AccountsConfig {
        &self.config
    }

    /// Deliver future notices to `listener` too.
    pub fn add_listener(&self, listener: Arc<dyn AccountListener>) {
        self.listeners
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .push(listener);
    }

    fn emit(&self, notice: AccountNotice) {
        let listeners = self.listeners.read().unwrap_or_else(|p| p.into_inner());
        for l in listeners.iter() {
            l.notice(&notice);
        }
    }

    fn locked(&self) -> std::sync::MutexGuard<'_, ()> {
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Whether accounts of `role` must use 2FA.
pub fn role_requires_2fa(role: &str) -> bool {
    ROLES_REQUIRING_2FA.contains(&role)
}
