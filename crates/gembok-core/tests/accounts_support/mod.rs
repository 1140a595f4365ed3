//! Shared set-up for the staff-account tests: an account service over a fresh vault on
//! a real SQLite file, a listener that keeps every notice, and helpers to enrol.

#![allow(dead_code)]

use std::sync::{Arc, Mutex};

use gembok_core::accounts::{
    AccountListener, AccountNotice, Accounts, AccountsConfig, ClientInfo, LoginOutcome,
    SessionGrant,
};
use gembok_core::staff::totp::TotpSecret;
use gembok_core::{Actor, Policy};
use gembok_crypto::MasterKey;

use crate::common;
pub use common::TestVault;

pub const T0: i64 = 1_800_000_000_000;
pub const STRONG: &str = "kopi tubruk di teras rumah nenek";

#[derive(Default)]
pub struct Notices(pub Mutex<Vec<AccountNotice>>);

impl AccountListener for Notices {
    fn notice(&self, n: &AccountNotice) {
        self.0.lock().unwrap().push(n.clone());
    }
}

impl Notices {
    pub fn kinds(&self) -> Vec<&'static str> {
        self.0
            .lock()
            .unwrap()
            .iter()
            .map(|n| n.kind.as_str())
            .collect()
    }
}

pub struct Env {
    pub t: TestVault,
    pub accounts: Accounts,
    pub notices: Arc<Notices>,
}

pub fn env() -> Env {
    env_with(AccountsConfig::default())
}

pub fn env_with(config: AccountsConfig) -> Env {
    let t = common::vault();
    let master = MasterKey::load_file(&t.key_path).unwrap();
    let accounts = Accounts::open(
        t.store.clone(),
        &master,
        t.vault.audit().clone(),
        Arc::new(Policy::builtin()),
        config,
    )
    .unwrap();
    let notices = Arc::new(Notices::default());
    accounts.add_listener(notices.clone());
    Env {
        t,
        accounts,
        notices,
    }
}

pub fn client(address: &str, agent: &str) -> ClientInfo {
    ClientInfo {
        address: Some(address.into()),
        user_agent: Some(agent.into()),
        request_id: None,
    }
}

pub fn laptop() -> ClientInfo {
    client("203.0.113.10", "Firefox/140 (laptop)")
}

/// The code the authenticator shows at `now`.
pub fn code(secret: &TotpSecret, now: i64) -> String {
    secret
        .current_code(u64::try_from(now / 1000).unwrap())
        .to_string()
}

/// Create and fully enrol an account; returns the session grant and its TOTP secret
/// (none for roles without 2FA).
pub fn enrolled(e: &Env, email: &str, role: &str) -> (SessionGrant, Option<TotpSecret>) {
    let created = e
        .accounts
        .create(&Actor::local_operator(), email, role, T0)
        .unwrap();
    let token = created.enrolment_token.expose().to_owned();
    match e
        .accounts
        .enrol(&token, STRONG, &laptop(), T0 + 1_000)
        .unwrap()
    {
        LoginOutcome::Session(g) => (g, None),
        LoginOutcome::EnrolTotp(t) => {
            let secret = TotpSecret::from_otpauth_uri(&t.totp_uri).unwrap();
            let now = T0 + 2_000;
            let grant = e
                .accounts
                .complete_2fa(t.challenge.expose(), &code(&secret, now), &laptop(), now)
                .unwrap();
            (grant, Some(secret))
        }
        LoginOutcome::Challenge { .. } => panic!("enrolment answered with a login challenge"),
    }
}
