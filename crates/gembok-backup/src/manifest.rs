//! The backup manifest: what a backup holds and who made it, signed with the vault's
//! audit key.
//!
//! The manifest is stored twice: inside the encrypted archive and in plain JSON beside
//! it (so `list` and `status` work without the identity). It holds no personal data:
//! times, versions, record counts, the snapshot's SHA-256 and the audit head. The
//! signature is Ed25519 by the audit key derived from the master key, over a fixed
//! prefix and the manifest's compact JSON (fields in declaration order, counts sorted),
//! so anyone who changes a count, the hash or a time invalidates it. Anyone holding an
//! age recipient can build an archive; only the holder of the master key can sign one.

use gembok_crypto::{AuditPublicKey, AuditSigner};
use serde::{Deserialize, Serialize};

use crate::snapshot::SnapshotFacts;
use crate::BackupError;

/// The format name written into every manifest.
pub const FORMAT: &str = "gembok-backup/v1";
const SIGNING_CONTEXT: &[u8] = b"gembok-backup-manifest/v1\0";

/// What one backup holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: String,
    /// The backup's name in its destination (`gembok-<time>.gbk`).
    pub name: String,
    /// Creation time, milliseconds since the Unix epoch (UTC).
    pub created_at_ms: i64,
    /// Creation time as RFC 3339, for people.
    pub created_at: String,
    pub gembok_version: String,
    /// The vault's backend: `sqlite` or `postgres` (the snapshot is SQLite either way).
    pub backend: String,
    /// The store's own migration level.
    pub store_schema_version: u32,
    pub facts: SnapshotFacts,
    /// SHA-256 (hex) of the snapshot file as restored.
    pub snapshot_sha256: String,
    pub snapshot_bytes: u64,
    /// The age recipients the archive is encrypted to (public keys).
    pub recipients: Vec<String>,
    /// The audit public key (hex) that signed this manifest.
    pub signing_key: String,
}

/// A manifest with its signature, as stored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedManifest {
    pub manifest: Manifest,
    /// Ed25519 signature (hex).
    pub signature: String,
}

/// Against which key a signature was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureCheck {
    /// The audit key of the master key given (the vault's own).
    VaultKey,
    /// Only the key recorded in the manifest itself: proves the manifest is intact, not
    /// who made it.
    EmbeddedKey,
}

impl Manifest {
    fn signed_bytes(&self) -> Result<Vec<u8>, BackupError> {
        let mut out = SIGNING_CONTEXT.to_vec();
        out.extend(
            serde_json::to_vec(self)
                .map_err(|_| BackupError::Manifest("does not encode".into()))?,
        );
        Ok(out)
    }

    /// Sign with the vault's audit key; the manifest records the public half.
    pub fn sign(mut self, signer: &AuditSigner) -> Result<SignedManifest, BackupError> {
        self.signing_key = hex::encode(signer.public_key().as_bytes());
        let signature = hex::encode(signer.sign(&self.signed_bytes()?));
        Ok(SignedManifest {
            manifest: self,
            signature,
        })
    }
}

impl SignedManifest {
    /// Check the signature: against `vault_key` when given (the key must be the one
    /// recorded), else against the recorded key alone.
    pub fn verify(
        &self,
        vault_key: Option<&AuditPublicKey>,
    ) -> Result<SignatureCheck, BackupError> {
        if self.manifest.format != FORMAT {
            return Err(BackupError::Manifest(format!(
                "unknown format {:?}",
                self.manifest.format
            )));
        }
        let recorded = hex::decode(&self.manifest.signing_key)
            .ok()
            .and_then(|b| AuditPublicKey::from_bytes(&b).ok())
            .ok_or_else(|| BackupError::Manifest("the signing key is malformed".into()))?;
        let (key, check) = match vault_key {
            Some(k) if k != &recorded => {
                return Err(BackupError::Manifest(format!(
                    "signed by audit key {}, not by this vault's key {}",
                    recorded.key_id(),
                    k.key_id()
                )))
            }
            Some(k) => (*k, SignatureCheck::VaultKey),
            None => (recorded, SignatureCheck::EmbeddedKey),
        };
        let sig = hex::decode(&self.signature)
            .map_err(|_| BackupError::Manifest("the signature is malformed".into()))?;
        if key.verify(&self.manifest.signed_bytes()?, &sig) {
            Ok(check)
        } else {
            Err(BackupError::Manifest(
                "the signature does not verify: the manifest was changed".into(),
            ))
        }
    }

    /// Pretty JSON, as written beside the archive.
    pub fn to_json(&self) -> Result<Vec<u8>, BackupError> {
        let mut v = serde_json::to_vec_pretty(self)
            .map_err(|_| BackupError::Manifest("does not encode".into()))?;
        v.push(b'\n');
        Ok(v)
    }

    /// Parse a manifest; unknown fields are refused.
    pub fn from_json(bytes: &[u8]) -> Result<Self, BackupError> {
        serde_json::from_slice(bytes)
            .map_err(|e| BackupError::Manifest(format!("unreadable manifest (line {})", e.line())))
    }
}
