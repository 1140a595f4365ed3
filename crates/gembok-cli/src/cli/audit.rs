//! The `audit` subcommands: verify, list, export and prune the tamper-evident log.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Check every link and checkpoint of the chain; exits 5 when anything is wrong.
    Verify {
        /// Checkpoint file to compare against (default: `[audit] checkpoint_file`).
        #[arg(long)]
        checkpoints: Option<PathBuf>,
    },
    /// Show events, newest first.
    List {
        /// Only events of this principal (an API key id, `local:<user>`, `system`).
        #[arg(long)]
        principal: Option<String>,
        /// Only this action, e.g. `record.read`.
        #[arg(long)]
        action: Option<String>,
        /// Only events naming this record or data subject.
        #[arg(long)]
        record: Option<String>,
        /// From this time on (RFC 3339, e.g. 2026-12-01T00:00:00+07:00).
        #[arg(long)]
        since: Option<String>,
        /// Before this time (RFC 3339).
        #[arg(long)]
        until: Option<String>,
        /// Events to show (at most 1000).
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only events before this position (the `next` of a previous page).
        #[arg(long)]
        before: Option<u64>,
    },
    /// Write every event as JSON lines (seq, hash, event), oldest first.
    Export {
        /// Start after this position.
        #[arg(long, default_value_t = 0)]
        after: u64,
        /// Write to this file instead of standard output.
        #[arg(long)]
        file: Option<PathBuf>,
    },
    /// Remove events older than `[audit] retention_days` now.
    Prune,
}
