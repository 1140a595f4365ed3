//! `gembok user add|list|unlock|enrolment-token`: staff accounts managed on the vault's
//! own machine by its operator (who acts as the owner), and the one-time enrolment
//! token `gembok init --owner` prints for the first owner.
//!
//! An enrolment token is shown once, here; the account stays pending until the person
//! redeems it with a password of their choice (`POST /v1/auth/enrol`), so no password
//! ever passes through the command line. Lists show e-mail addresses to the operator,
//! who may see them, but never a hash, a TOTP secret or a token.

use std::sync::Arc;

use anyhow::{Context, Result};
use gembok_core::accounts::{AccountError, AccountId, AccountInfo, Accounts, CreatedAccount};
use gembok_core::{Actor, Vault};
use gembok_crypto::MasterKey;
use serde_json::json;

use super::apikey::now_ms;
use super::lifecycle::rfc3339;
use crate::account_notices::{deliver_now, Collected};
use crate::cli::{OutputFormat, UserCommand};
use crate::config::Settings;
use crate::exit;
use crate::output::emit;
use crate::vaultdir::VaultDir;

pub fn run(dir: &VaultDir, out: OutputFormat, command: UserCommand) -> Result<()> {
    let (vault, settings) = dir.open_with_settings()?;
    let accounts = open_accounts(dir, &vault, &settings)?;
    // A new owner or admin, or an unlock, is told to the [notify] channels before exit.
    let notifier = crate::monitoring::notifier(&settings)?;
    let collected = Arc::new(Collected::default());
    accounts.add_listener(collected.clone());
    let result = change(&accounts, out, command);
    if let Some(n) = &notifier {
        deliver_now(n, &collected.take());
    }
    result
}

fn change(accounts: &Accounts, out: OutputFormat, command: UserCommand) -> Result<()> {
    let actor = Actor::local_operator();
    let now = now_ms();
    match command {
        UserCommand::Add { email, role } => {
            let created = accounts
                .create(&actor, &email, &role, now)
                .map_err(account_error)?;
            print_created(out, &created, false);
        }
        UserCommand::List => {
            let list = accounts.list().map_err(account_error)?;
            let rows: Vec<_> = list.iter().map(account_json).collect();
            emit(out, &json!({ "accounts": rows }), || list_text(&list));
        }
        UserCommand::Unlock { id } => {
            let id = parse_id(&id)?;
            accounts.unlock(&actor, &id, now).map_err(account_error)?;
            emit(out, &json!({"id": id, "unlocked": true}), || {
                format!("unlocked {id}: its failure counts are cleared")
            });
        }
        UserCommand::EnrolmentToken { id } => {
            let id = parse_id(&id)?;
            let created = accounts
                .reissue_enrolment(&actor, &id, now)
                .map_err(account_error)?;
            print_created(out, &created, true);
        }
    }
    Ok(())
}

/// The account service over an open vault, with the `[accounts]` settings. The master
/// key is read again from its file: the vault keeps its own copy to itself.
pub fn open_accounts(dir: &VaultDir, vault: &Vault, settings: &Settings) -> Result<Arc<Accounts>> {
    let key_path = settings
        .key_file
        .clone()
        .context("gembok.toml names no key_file")?;
    let master = MasterKey::load_file(&key_path)?;
    let policy = Arc::new(dir.policy()?);
    let accounts = Accounts::open(
        Arc::clone(vault.store()),
        &master,
        Arc::clone(vault.audit()),
        policy,
        settings.accounts.to_config(),
    )
    .map_err(account_error)?;
    Ok(Arc::new(accounts))
}

/// Create the first owner (for `gembok init --owner`).
pub fn create_owner(accounts: &Accounts, email: &str) -> Result<CreatedAccount> {
    accounts
        .create(&Actor::local_operator(), email, "owner", now_ms())
        .map_err(account_error)
}

/// What to do with an enrolment token, in words.
pub fn enrolment_help(created: &CreatedAccount) -> String {
    let two_factor = if gembok_core::accounts::role_requires_2fa(created.info.role.as_str()) {
        "\n  The role needs 2FA: enrolment answers with an authenticator QR code; confirm it \
         with a code at POST /v1/auth/2fa and keep the recovery codes shown then offline."
    } else {
        ""
    };
    format!(
        "One-time enrolment token for {} (shown once, valid until {}):\n  {}\n\
         Give it to the person over a private channel. They redeem it, with a password of \
         their own, at POST /v1/auth/enrol on `gembok serve`.{two_factor}\n\
         Lost or expired? gembok user enrolment-token {}",
        created.info.id,
        rfc3339(created.expires_at),
        created.enrolment_token.expose(),
        created.info.id
    )
}

fn print_created(out: OutputFormat, created: &CreatedAccount, reissued: bool) {
    let info = &created.info;
    emit(
        out,
        &json!({
            "id": info.id,
            "email": info.email.expose(),
            "role": info.role.as_str(),
            "enrolment_token": created.enrolment_token.expose(),
            "expires_at": created.expires_at,
        }),
        || {
            let head = if reissued {
                format!(
                    "New enrolment token for {}; earlier ones still expire on their own.",
                    info.id
                )
            } else {
                format!(
                    "Account {} created for {} (role {}), pending enrolment.",
                    info.id,
                    info.email.expose(),
                    info.role
                )
            };
            format!("{head}\n{}", enrolment_help(created))
        },
    );
}

fn account_json(a: &AccountInfo) -> serde_json::Value {
    json!({
        "id": a.id,
        "email": a.email.expose(),
        "role": a.role.as_str(),
        "status": a.status,
        "totp_enabled": a.totp_enabled,
        "locked": a.locked,
        "created_at": a.created_at,
        "recovery_codes_left": a.recovery_codes_left,
    })
}

fn list_text(list: &[AccountInfo]) -> String {
    if list.is_empty() {
        return "no staff accounts (add one: gembok user add EMAIL --role ROLE)".into();
    }
    let width = list
        .iter()
        .map(|a| a.email.expose().len())
        .max()
        .unwrap_or(0);
    let mut lines = vec![format!(
        "{:20}  {:width$}  {:8}  {:7}  {:3}  locked",
        "id", "email", "role", "status", "2fa"
    )];
    for a in list {
        let status = serde_json::to_value(a.status)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default();
        lines.push(format!(
            "{:20}  {:width$}  {:8}  {:7}  {:3}  {}",
            a.id.as_str(),
            a.email.expose(),
            a.role.as_str(),
            status,
            if a.totp_enabled { "on" } else { "off" },
            if a.locked { "LOCKED" } else { "no" },
        ));
    }
    lines.join("\n")
}

fn parse_id(text: &str) -> Result<AccountId> {
    AccountId::parse(text).map_err(account_error)
}

/// An account error with the exit code scripts rely on; vault failures keep theirs.
pub fn account_error(e: AccountError) -> anyhow::Error {
    if let AccountError::Core(core) = e {
        return core.into();
    }
    let code = match &e {
        AccountError::InvalidInput(_)
        | AccountError::WeakPassword(_)
        | AccountError::EmailTaken => exit::INVALID,
        AccountError::NotFound => exit::NOT_FOUND,
        _ => exit::OTHER,
    };
    exit::fail(code, format!("{e} ({})", e.code()))
}
