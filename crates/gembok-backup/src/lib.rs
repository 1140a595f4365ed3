//! Gembok's backups: a consistent snapshot of the vault's store, compressed (zstd),
//! encrypted with age to one or more X25519 recipients, described by a manifest signed
//! with the vault's audit key, and kept in a local folder or an S3-compatible bucket;
//! verification and restore that check every layer before trusting a byte; and the key
//! recovery kit (the master key under a passphrase, or split k-of-n).
//!
//! A backup never holds the master key: the snapshot keeps only wrapped keys and sealed
//! values, so restoring needs the original key file or its recovery kit. Without the
//! recovery kit a lost key file makes every backup useless.
//!
//! Modules: [`snapshot`] (taking and describing a copy of the store), [`manifest`]
//! (signed description), [`archive`] (the encrypted container), [`identity`] (age keys),
//! [`dest`] (folder and S3), [`create`](mod@create) (making, listing and judging backups),
//! [`restore`](mod@restore) (verify, restore, drill), [`recovery`] (the key recovery kit), [`ledger`]
//! (the erasure ledger file a restore re-applies), [`retention`] (which backups to
//! keep, and pruning), [`schedule`] (the job a server runs: backups, pruning and
//! alerts). A PostgreSQL vault is copied through the store into a SQLite snapshot:
//! see [`snapshot`].
#![forbid(unsafe_code)]

pub mod archive;
pub mod create;
pub mod dest;
mod error;
pub mod identity;
pub mod ledger;
pub mod manifest;
pub mod recovery;
pub mod restore;
pub mod retention;
pub mod schedule;
pub mod snapshot;

pub use create::{create, create_from, list, BackupEntry, Created, Source};
pub use dest::{Destination, S3Settings};
pub use error::BackupError;
pub use ledger::{FileLedger, LEDGER_FILE};
pub use manifest::{Manifest, SignatureCheck, SignedManifest};
pub use restore::{drill, restore, verify, Drilled, Restored, Verified};
pub use snapshot::SnapshotFacts;

/// The age crate, for callers that handle identities and passphrases.
pub use age;
