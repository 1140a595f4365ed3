//! What the data-lifecycle commands (`subject`, `requests`, `retention`, `report`,
//! `privacy`) share: the vault opened behind a [`Gate`] acting as the local operator
//! (the owner role, like the other commands, but through the same checks and audit
//! events as the API), errors turned into exit codes, private output files, and times.

use std::io::{BufRead, IsTerminal, Write};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use gembok_core::access::{AccessError, Gate, Principal};
use gembok_core::Vault;
use gembok_types::RecordId;

use crate::config::Settings;
use crate::exit::{self, fail};
use crate::vaultdir::VaultDir;

/// An open vault behind its gate, with the settings of `gembok.toml`.
pub struct Opened {
    pub vault: Arc<Vault>,
    pub gate: Gate,
    pub settings: Settings,
    pub me: Principal,
}

/// Open the vault of `dir` behind a gate with the access policy of the directory.
pub fn open(dir: &VaultDir) -> Result<Opened> {
    let (vault, settings) = dir.open_with_settings()?;
    let vault = Arc::new(vault);
    let policy = Arc::new(dir.policy()?);
    Ok(Opened {
        gate: Gate::new(Arc::clone(&vault), policy),
        vault,
        settings,
        me: Principal::local_operator(),
    })
}

/// An access error with the exit code scripts rely on: the vault's errors keep theirs;
/// a refusal by the policy exits 3 for a bad purpose and 1 otherwise.
pub fn access(e: AccessError) -> anyhow::Error {
    match e {
        AccessError::Core(core) => core.into(),
        AccessError::Denied(d) => {
            let code = if d.code == "purpose_not_allowed" {
                exit::INVALID
            } else {
                exit::OTHER
            };
            fail(code, format!("denied ({}): {}", d.code, d.reason))
        }
    }
}

/// A subject's record id from the command line.
pub fn subject_id(text: &str) -> Result<RecordId> {
    text.trim()
        .parse()
        .map_err(|_| fail(exit::INVALID, "not a record id / bukan id rekaman"))
}

/// Write `bytes` to a new or replaced file readable by its owner only (mode 0600),
/// set before any byte is written.
pub fn write_private(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let f = opts
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    // An existing file keeps its mode on open: narrow it before writing.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    write_all(f, path, bytes)
}

fn write_all(mut f: std::fs::File, path: &Path, bytes: &[u8]) -> Result<()> {
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// Print a document to stdout, or write it to `out` (0600) and say so.
pub fn deliver_document(
    format: crate::cli::OutputFormat,
    out: Option<&Path>,
    bytes: &[u8],
) -> Result<()> {
    match out {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(bytes)?;
            if !bytes.ends_with(b"\n") {
                stdout.write_all(b"\n")?;
            }
            stdout.flush()?;
        }
        Some(path) => {
            write_private(path, bytes)?;
            crate::output::emit(
                format,
                &serde_json::json!({"written": path.display().to_string(), "bytes": bytes.len()}),
                || {
                    format!(
                        "written to {} (mode 0600) / ditulis ke {}",
                        path.display(),
                        path.display()
                    )
                },
            );
        }
    }
    Ok(())
}

/// Unix ms as RFC 3339 (UTC), or the number when out of range.
pub fn rfc3339(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| ms.to_string())
}

/// An RFC 3339 time from the command line as unix ms.
pub fn parse_time(text: &str) -> Result<i64> {
    let t = time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map_err(|_| {
            fail(
                exit::INVALID,
                "time must be RFC 3339, e.g. 2026-12-01T09:00:00+07:00",
            )
        })?;
    i64::try_from(t.unix_timestamp_nanos() / 1_000_000)
        .map_err(|_| fail(exit::INVALID, "time out of range"))
}

/// Ask `question` on the terminal; without one, refuse and name the flag that skips it.
pub fn confirm(question: &str, refusal: &str) -> Result<bool> {
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(fail(exit::INVALID, refusal.to_owned()));
    }
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    Ok(matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "ya"
    ))
}
