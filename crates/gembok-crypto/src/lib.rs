//! Gembok's key material and cryptography. Nothing outside this crate touches
//! key bytes: other crates hold opaque key types and call the operations here.
//!
//! Every primitive comes from aws-lc-rs (AES-256-GCM, HMAC-SHA256, HKDF-SHA256,
//! SHA-256, the DRBG), the same module rustls uses, except Argon2id, which comes
//! from the RustCrypto `argon2` crate.
//!
//! Key hierarchy:
//! ```text
//! MasterKey (file, mode 0600, outside backups)         master.rs, keyfile.rs
//!  ├─ wrap/unwrap SecretKey data keys and index keys   master.rs
//!  │   ├─ data key  -> HKDF per record -> RecordCipher seal.rs
//!  │   └─ index key -> HKDF per field  -> BlindIndexer blind.rs
//!  └─ derive_key(purpose) for keys that follow the master key
//!      └─ "audit-signing/v1" -> Ed25519 seed -> AuditSigner  audit_sign.rs
//! password hashing (Argon2id, PHC strings)             password.rs
//! ```
//!
//! Public surface (what `gembok-core` builds on):
//! - [`MasterKey`]: `generate`, `create_file` (O_EXCL, mode 0600, fsynced),
//!   `load_file` (refuses group/other permissions and damaged files), `key_id`
//!   (non-secret 16 hex chars), `wrap`/`unwrap` of a [`SecretKey`] under a label
//!   (`WrongKey` when it does not open), `derive_key`.
//! - [`SecretKey::generate`] for data keys and index keys.
//! - [`RecordCipher`]: `new(data_key, key_version, record_id)`, then `seal` /
//!   `open` per field; [`sealed_key_version`] reads which key version a sealed
//!   value needs.
//! - [`BlindIndexer`]: `new(index_key, collection, field)`, `digest` (16 bytes).
//! - [`password`]: `hash`, `verify`, `needs_rehash` (Argon2id, PHC strings).
//! - [`AuditSigner`] / [`AuditPublicKey`]: Ed25519 signatures on audit checkpoints.
//! - [`constant_time_eq`], [`random_bytes`], [`sha256`], [`Zeroizing`].
//!
//! Each module's docs give its exact byte formats. Secret types (`MasterKey`,
//! `SecretKey`, `RecordCipher`, `BlindIndexer`) print `[redacted]` in `Debug`,
//! keep their bytes in zeroizing storage, and never put key bytes, plaintext or
//! ciphertext into an error ([`CryptoError`]).
#![forbid(unsafe_code)]

mod audit_sign;
mod blind;
mod error;
mod keyfile;
mod keys;
mod master;
pub mod password;
mod primitives;
mod seal;
mod set_digest;

#[cfg(test)]
mod kat_tests;
#[cfg(test)]
mod seal_tests;

pub use audit_sign::{AuditPublicKey, AuditSigner};
pub use blind::BlindIndexer;
pub use error::CryptoError;
pub use keys::{constant_time_eq, random_bytes, SecretKey};
pub use master::MasterKey;
pub use primitives::{sha256, sha256_parts};
pub use seal::{sealed_key_version, RecordCipher};
pub use set_digest::{SetDigest, SetDigestKey};
pub use zeroize::Zeroizing;
