//! `gembok apikey create|list|rotate|revoke|revoke-all`: API keys managed on the vault's
//! own machine by its operator (who acts as the owner).

use anyhow::{bail, Result};
use gembok_core::apikeys::{ApiKeySpec, MAX_EXPIRY_DAYS};
use gembok_core::Actor;
use serde_json::json;

use crate::cli::{ApiKeyCommand, OutputFormat};
use crate::output::emit;
use crate::vaultdir::VaultDir;

pub fn run(dir: &VaultDir, out: OutputFormat, command: ApiKeyCommand) -> Result<()> {
    let (_vault, _policy, keys) = dir.open_with_keys()?;
    let now = now_ms();
    match command {
        ApiKeyCommand::Create {
            role,
            collections,
            purposes,
            expires,
            allow_ip,
            note,
        } => {
            let spec = ApiKeySpec {
                role,
                collections,
                purposes,
                expires_in_days: parse_days(&expires)?,
                allow_ips: allow_ip,
                note,
            };
            let issued = keys.create(&Actor::local_operator(), &spec, now)?;
            emit(
                out,
                &json!({"id": issued.id, "key": issued.expose(), "expires_at": issued.expires_at}),
                || {
                    format!(
                        "API key {} (role {}), shown once; store it in your application's secrets:\n{}",
                        issued.id,
                        spec.role,
                        issued.expose()
                    )
                },
            );
        }
        ApiKeyCommand::List => {
            let list = keys.list()?;
            emit(out, &serde_json::to_value(&list)?, || {
                list.iter()
                    .map(|k| {
                        let state = if k.is_usable(now) {
                            "active"
                        } else {
                            "inactive"
                        };
                        format!("{}  {:8}  {state}  expires {}", k.id, k.role, k.expires_at)
                    })
                    .collect::<Vec<_>>()
                    .join("\n")
            });
        }
        ApiKeyCommand::Rotate { id, grace_hours } => {
            let issued = keys.rotate(&Actor::local_operator(), &id, grace_hours, now)?;
            emit(
                out,
                &json!({"id": issued.id, "key": issued.expose(), "expires_at": issued.expires_at, "replaces": id}),
                || {
                    format!(
                        "new key {} replaces {id} (which works for {grace_hours} more hours), shown once:\n{}",
                        issued.id,
                        issued.expose()
                    )
                },
            );
        }
        ApiKeyCommand::Revoke { id } => {
            keys.revoke(&Actor::local_operator(), &id, now)?;
            emit(out, &json!({"id": id, "revoked": true}), || {
                format!("revoked {id}")
            });
        }
        ApiKeyCommand::RevokeAll => {
            let n = keys.revoke_all(&Actor::local_operator(), now)?;
            emit(out, &json!({"revoked": n}), || format!("revoked {n} keys"));
        }
    }
    Ok(())
}

/// `90d`, `12w` or `1y` as days (at most a year).
fn parse_days(text: &str) -> Result<u32> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.len().saturating_sub(1));
    let n: u32 = num
        .parse()
        .map_err(|_| anyhow::anyhow!("--expires must look like 90d, 12w or 1y"))?;
    let days = match unit {
        "d" => n,
        "w" => n.saturating_mul(7),
        "y" => n.saturating_mul(365),
        _ => bail!("--expires must look like 90d, 12w or 1y"),
    };
    if days == 0 || days > MAX_EXPIRY_DAYS {
        bail!("--expires must be between 1 day and {MAX_EXPIRY_DAYS} days");
    }
    Ok(days)
}

pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}
