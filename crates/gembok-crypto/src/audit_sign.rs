//! Ed25519 signatures for audit checkpoints.
//!
//! The signing key is derived from the master key (HKDF purpose `audit-signing/v1` as
//! the 32-byte Ed25519 seed), so it is kept wherever the master key is and never in the
//! database: someone who can write the database but does not hold the key file cannot
//! sign a rewritten history. A new master key gives a new audit key; the vault records
//! the hand-over (the new key signs the old public key) so older checkpoints still
//! verify. Key ids are the first 8 bytes of SHA-256 of the public key, in hex.

use std::fmt;

use aws_lc_rs::signature::{self, Ed25519KeyPair, KeyPair, UnparsedPublicKey};

use crate::primitives::sha256;
use crate::{CryptoError, MasterKey};

const DERIVE_PURPOSE: &str = "audit-signing/v1";
/// Length of an Ed25519 public key.
pub const PUBLIC_KEY_LEN: usize = 32;

/// The private half: signs checkpoints. `Debug` is redacted; aws-lc wipes the key on
/// drop.
pub struct AuditSigner {
    pair: Ed25519KeyPair,
}

impl AuditSigner {
    /// The audit key that belongs to `master`.
    pub fn from_master(master: &MasterKey) -> Result<Self, CryptoError> {
        let seed = master.derive_key(DERIVE_PURPOSE)?;
        let pair = Ed25519KeyPair::from_seed_unchecked(seed.expose())
            .map_err(|_| CryptoError::Integrity)?;
        Ok(AuditSigner { pair })
    }

    /// A random key unrelated to any master key (tests and tools that must show a
    /// forged signature is refused).
    pub fn generate() -> Result<Self, CryptoError> {
        let pair = Ed25519KeyPair::generate().map_err(|_| CryptoError::Rng)?;
        Ok(AuditSigner { pair })
    }

    /// The public half.
    pub fn public_key(&self) -> AuditPublicKey {
        let mut bytes = [0u8; PUBLIC_KEY_LEN];
        bytes.copy_from_slice(self.pair.public_key().as_ref());
        AuditPublicKey(bytes)
    }

    /// An Ed25519 signature (64 bytes) over `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        self.pair.sign(message).as_ref().to_vec()
    }
}

impl fmt::Debug for AuditSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "AuditSigner([redacted], key_id={})",
            self.public_key().key_id()
        )
    }
}

/// The public half: verifies checkpoints. Not secret.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct AuditPublicKey([u8; PUBLIC_KEY_LEN]);

impl AuditPublicKey {
    /// A public key from its 32 bytes; `Integrity` for another length.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CryptoError> {
        let arr: [u8; PUBLIC_KEY_LEN] = bytes.try_into().map_err(|_| CryptoError::Integrity)?;
        Ok(AuditPublicKey(arr))
    }

    /// The raw key bytes.
    pub fn as_bytes(&self) -> &[u8; PUBLIC_KEY_LEN] {
        &self.0
    }

    /// 16 hex characters naming this key.
    pub fn key_id(&self) -> String {
        hex::encode(&sha256(&self.0)[..8])
    }

    /// Whether `sig` is this key's valid signature over `message`.
    pub fn verify(&self, message: &[u8], sig: &[u8]) -> bool {
        UnparsedPublicKey::new(&signature::ED25519, &self.0)
            .verify(message, sig)
            .is_ok()
    }
}

impl fmt::Debug for AuditPublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuditPublicKey({})", self.key_id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_master_same_key_and_signatures_verify() {
        let master = MasterKey::generate().unwrap();
        let a = AuditSigner::from_master(&master).unwrap();
        let b = AuditSigner::from_master(&master).unwrap();
        assert_eq!(a.public_key(), b.public_key());
        let sig = a.sign(b"checkpoint 10");
        assert_eq!(sig.len(), 64);
        assert!(b.public_key().verify(b"checkpoint 10", &sig));
        assert!(!b.public_key().verify(b"checkpoint 11", &sig));
    }

    #[test]
    fn another_key_does_not_verify() {
        let master = MasterKey::generate().unwrap();
        let ours = AuditSigner::from_master(&master).unwrap();
        let other = AuditSigner::generate().unwrap();
        let sig = other.sign(b"m");
        assert!(!ours.public_key().verify(b"m", &sig));
        assert_ne!(ours.public_key().key_id(), other.public_key().key_id());
        let mut bad = ours.sign(b"m");
        bad[3] ^= 1;
        assert!(!ours.public_key().verify(b"m", &bad));
    }

    #[test]
    fn rfc8032_test_vector_1() {
        // RFC 8032 section 7.1, TEST 1: empty message.
        let pk = hex::decode("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
            .unwrap();
        let sig = hex::decode(concat!(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155",
            "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ))
        .unwrap();
        let key = AuditPublicKey::from_bytes(&pk).unwrap();
        assert!(key.verify(b"", &sig));
        assert!(!key.verify(b"x", &sig));
        assert!(AuditPublicKey::from_bytes(&pk[..31]).is_err());
    }

    #[test]
    fn debug_names_only_the_key_id() {
        let s = AuditSigner::generate().unwrap();
        let shown = format!("{s:?}");
        assert!(shown.contains("redacted"));
        assert!(shown.contains(&s.public_key().key_id()));
        assert!(!shown.contains(&hex::encode(s.public_key().as_bytes())));
    }
}
