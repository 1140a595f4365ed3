//! The command line: every subcommand and flag of `gembok`, declared with clap.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

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
    },
    /// Find records by a searchable field: FIELD=VALUE.
    Find {
        collection: String,
        query: String,
        #[arg(long, value_delimiter = ',')]
        fields: Option<Vec<String>>,
        #[arg(long)]
        masked: bool,
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
    /// Rotate keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
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
}
