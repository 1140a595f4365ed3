//! The command line: every subcommand and flag of `gembok`, declared with clap. Here
//! the global flags, the list of subcommands and the small schema and key groups; the
//! access subcommands (API keys, staff accounts) and the audit log's have files of
//! their own, and some groups (backup, subject, requests, ...) are declared beside the
//! command that runs them in `commands`.

mod access;
mod audit;

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

pub use access::{ApiKeyCommand, UserCommand};
pub use audit::AuditCommand;

/// Gembok: a customer-data vault. Every value encrypted, every field typed.
#[derive(Parser, Debug)]
#[command(name = "gembok", version, about, propagate_version = true)]
pub struct Cli {
    /// The vault's data directory.
    #[arg(
        long,
        global = true,
        env = "GEMBOK_DATA_DIR",
        default_value = "./gembok-data"
    )]
    pub data_dir: PathBuf,
    /// Keep the vault in PostgreSQL instead of the SQLite file in the data directory
    /// (`postgres://user@host:5432/db?sslmode=verify-full`; plain connections only to
    /// this machine). The data directory still holds `gembok.toml`, the key file and
    /// the TLS files. Prefer the environment variable: a password on the command line
    /// is visible to every user of the machine.
    #[arg(
        long,
        global = true,
        env = "GEMBOK_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Output format: `human` for people, `json` for scripts.
    #[arg(long, global = true, value_enum, default_value_t = OutputFormat::Human)]
    pub output: OutputFormat,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create a new vault: database, master key file and schema.
    Init {
        /// Schema file to start with (default: the built-in customers/orders/events schema).
        #[arg(long)]
        schema: Option<PathBuf>,
        /// Where to create the master key file (default: master.key in the data directory).
        #[arg(long)]
        key_file: Option<PathBuf>,
        /// Also create the owner's staff account for this e-mail address and print its
        /// one-time enrolment token.
        #[arg(long, value_name = "EMAIL")]
        owner: Option<String>,
    },
    /// Store records: one JSON object, a JSON array, `@file.jsonl` or `-` for JSON lines on stdin.
    Put {
        collection: String,
        #[arg(long)]
        data: String,
        /// Records per transaction for JSON lines.
        #[arg(long, default_value_t = 1000)]
        batch_size: usize,
    },
    /// Read one record.
    Get {
        collection: String,
        id: String,
        /// Only these fields (comma separated).
        #[arg(long, value_delimiter = ',')]
        fields: Option<Vec<String>>,
        /// Show every field masked.
        #[arg(long)]
        masked: bool,
        /// What the read is for (e.g. `marketing`): a restricted subject, or one without
        /// consent for a consent-based purpose, is refused.
        #[arg(long)]
        purpose: Option<String>,
    },
    /// Find records by a searchable field: FIELD=VALUE.
    Find {
        collection: String,
        query: String,
        #[arg(long, value_delimiter = ',')]
        fields: Option<Vec<String>>,
        #[arg(long)]
        masked: bool,
        /// What the search is for; subjects it may not serve are left out.
        #[arg(long)]
        purpose: Option<String>,
    },
    /// Change some fields of a record (`null` removes an optional field).
    Update {
        collection: String,
        id: String,
        #[arg(long)]
        data: String,
    },
    /// Delete a record.
    Delete { collection: String, id: String },
    /// Check or apply a schema file.
    Schema {
        #[command(subcommand)]
        command: SchemaCommand,
    },
    /// Encrypted, signed backups: make, verify, list and rehearse restores.
    Backup {
        #[command(subcommand)]
        command: crate::commands::backup::BackupCommand,
    },
    /// Restore a backup into a new data directory.
    Restore(crate::commands::restore::RestoreArgs),
    /// Rotate keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Serve the HTTPS JSON API (creates a vault first if there is none).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8443")]
        listen: std::net::SocketAddr,
        /// Serve plain HTTP (development only; refused on non-loopback addresses).
        #[arg(long)]
        insecure_http: bool,
        /// PEM certificate chain (default: the self-signed one made at init).
        #[arg(long)]
        tls_cert: Option<PathBuf>,
        /// PEM private key of the certificate.
        #[arg(long)]
        tls_key: Option<PathBuf>,
        /// Loopback address for Prometheus metrics.
        #[arg(long)]
        metrics_listen: Option<std::net::SocketAddr>,
    },
    /// Check, read, export and prune the tamper-evident audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Manage API keys (scoped, expiring, stored only as hashes).
    Apikey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Manage staff accounts (people who log in; 2FA for owner, admin and dpo).
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// One data subject's rights: erase, report, state, restrict, hold, consent.
    Subject {
        #[command(subcommand)]
        command: crate::commands::subject::SubjectCommand,
    },
    /// Data-subject requests and their deadlines.
    Requests {
        #[command(subcommand)]
        command: crate::commands::requests::RequestsCommand,
    },
    /// Enforce the schema's retention periods.
    Retention {
        #[command(subcommand)]
        command: crate::commands::retention::RetentionCommand,
    },
    /// Reports on the data held (minimisation).
    Report {
        #[command(subcommand)]
        command: crate::commands::retention::ReportCommand,
    },
    /// The privacy notice and the records of processing.
    Privacy {
        #[command(subcommand)]
        command: crate::commands::privacy::PrivacyCommand,
    },
    /// A guided tour on generated customers in a throw-away vault.
    Demo {
        /// Customers to generate.
        #[arg(long, default_value_t = 5000)]
        customers: usize,
        /// Keep the demo vault in this directory instead of a temporary one.
        #[arg(long)]
        keep: Option<PathBuf>,
    },
    /// Find customer data in spreadsheets (CSV, TSV, XLSX, XLS, ODS); exits 1 when found.
    Scan {
        /// Files or folders (folders are searched recursively).
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Copy a vault between SQLite and PostgreSQL into an empty database and verify
    /// counts, content hashes, the audit chain and a sample of records.
    MigrateStore(crate::commands::migrate::MigrateArgs),
    /// Move a spreadsheet into a collection, every row through the schema.
    Import {
        /// The spreadsheet (CSV, TSV, XLSX, XLS or ODS).
        file: PathBuf,
        /// The collection to import into.
        #[arg(long)]
        collection: String,
        /// Column mapping: COLUMN=FIELD, comma separated. COLUMN is a header, a number
        /// (1 = first) or a letter; FIELD `-` leaves the column out.
        #[arg(long, value_delimiter = ',')]
        map: Vec<String>,
        /// Check every row and write the rejects report, but store nothing.
        #[arg(long)]
        dry_run: bool,
        /// Import without asking for confirmation.
        #[arg(long)]
        yes: bool,
        /// The sheet of a workbook to import (default: the first).
        #[arg(long)]
        sheet: Option<String>,
        /// Where to write the rejects report (default: in the data directory's imports/).
        #[arg(long)]
        rejects: Option<PathBuf>,
        /// Rows per transaction.
        #[arg(long, default_value_t = 5000)]
        batch_size: usize,
    },
}

#[derive(Subcommand, Debug)]
pub enum SchemaCommand {
    /// Validate a schema file and, if a vault exists, show what applying it would change.
    Check { file: PathBuf },
    /// Apply a schema file to the vault.
    Apply {
        file: PathBuf,
        /// Allow dropping fields (their data is purged).
        #[arg(long)]
        allow_drop: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Add a new data-key version everywhere and re-encrypt every value under it.
    Rotate,
    /// Re-wrap every key under a new master key written to a new file.
    RotateMaster {
        #[arg(long)]
        new_key_file: PathBuf,
    },
    /// The master key recovery kit (export-recovery, import-recovery).
    #[command(flatten)]
    Recovery(crate::commands::recovery::RecoveryCommand),
}
