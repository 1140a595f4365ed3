//! Field sealing: `RecordCipher` encrypts the personal values of one record under
//! one data-key version.
//!
//! Per-record key: `HKDF-SHA256(data key, salt none, info = "gembok/record/v1" ||
//! record id)`. Random 96-bit nonces are safe for about 2^32 seals per key; with a
//! key per record that bound applies to one record's fields, never to a whole
//! collection.
//!
//! Sealed value: `0x01 || key_version (u32 BE) || nonce (12) || ciphertext || tag (16)`.
//!
//! Nonces: each `RecordCipher` draws a random 96-bit starting nonce from the
//! aws-lc DRBG at its first seal and adds one per seal (mod 2^96). Within one
//! cipher the nonces are distinct by construction; two ciphers for the same
//! record (a later update) collide only if their random ranges overlap, which is
//! less likely than a collision between independent random nonces for the same
//! number of seals. The reason is speed: aws-lc's `RAND_bytes` reseeds with
//! RDRAND and reruns the AES key schedule on every call (about 0.5-1 us here),
//! more than the AES-GCM seal of a small field. The nonce is stored in the value,
//! so readers do not depend on how it was chosen.
//!
//! Associated data binds the value to where it belongs:
//! `0x01 || key_version (u32 BE) || len(collection) (u64 BE) || collection ||
//! record id (16) || len(field) (u64 BE) || field`. Variable parts are length
//! prefixed and the rest is fixed width, so no two distinct (collection, record,
//! field, version) tuples share an AAD. A value copied to another record, field,
//! collection or version, or with any bit flipped, fails with `Integrity`.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use aws_lc_rs::aead::LessSafeKey;
use zeroize::Zeroizing;

use crate::keys::{random_bytes, SecretKey};
use crate::primitives::{gcm_key, gcm_open, gcm_seal, NONCE_LEN, TAG_LEN};
use crate::CryptoError;

const FORMAT_V1: u8 = 0x01;
const HEADER_LEN: usize = 1 + 4 + NONCE_LEN;
const RECORD_INFO: &[u8] = b"gembok/record/v1";
/// AAD bytes besides the collection and field names.
const AAD_FIXED_LEN: usize = 1 + 4 + 8 + 16 + 8;
/// AADs up to this size are built on the stack (the common case by far).
const AAD_STACK_LEN: usize = 128;

/// Seals and opens the fields of one record under one data-key version. Build
/// it once per record: it runs HKDF and the AES key schedule once, then each
/// `seal`/`open` is one AES-GCM call. `Debug` is redacted.
pub struct RecordCipher {
    key: LessSafeKey,
    key_version: u32,
    record_id: [u8; 16],
    /// Drawn on the first seal: a cipher built only to open values (every read)
    /// never pays for the random draw.
    nonce_start: OnceLock<u128>,
    seals: AtomicU64,
}

impl RecordCipher {
    /// Derives the per-record key from `data_key` (version `key_version`) for
    /// the record `record_id`.
    pub fn new(
        data_key: &SecretKey,
        key_version: u32,
        record_id: &[u8; 16],
    ) -> Result<Self, CryptoError> {
        let record_key = data_key.derive(&[RECORD_INFO, record_id])?;
        Ok(Self {
            key: gcm_key(record_key.expose())?,
            key_version,
            record_id: *record_id,
            nonce_start: OnceLock::new(),
            seals: AtomicU64::new(0),
        })
    }

    /// The data-key version this cipher seals under and accepts.
    pub fn key_version(&self) -> u32 {
        self.key_version
    }

    /// Encrypts `plaintext` as the value of `field` in `collection` for this
    /// record. Output is 33 bytes longer than the plaintext; a fresh nonce every
    /// call.
    pub fn seal(
        &self,
        collection: &str,
        field: &str,
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let nonce = self.next_nonce()?;
        let mut out = Vec::with_capacity(HEADER_LEN + plaintext.len() + TAG_LEN);
        out.push(FORMAT_V1);
        out.extend_from_slice(&self.key_version.to_be_bytes());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plaintext);
        let tag = self.with_aad(collection, field, |aad| {
            gcm_seal(&self.key, nonce, aad, &mut out[HEADER_LEN..])
        })?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Decrypts a value sealed for this record, `collection` and `field`.
    /// `Integrity` when it is malformed, names another key version, was sealed
    /// for another record, field or collection, or was altered in any way.
    pub fn open(
        &self,
        collection: &str,
        field: &str,
        sealed: &[u8],
    ) -> Result<Zeroizing<Vec<u8>>, CryptoError> {
        if sealed_key_version(sealed)? != self.key_version {
            return Err(CryptoError::Integrity);
        }
        let nonce = &sealed[1 + 4..HEADER_LEN];
        let mut buf = Zeroizing::new(sealed[HEADER_LEN..].to_vec());
        let len = self.with_aad(collection, field, |aad| {
            gcm_open(&self.key, nonce, aad, &mut buf)
        })?;
        buf.truncate(len);
        Ok(buf)
    }

    /// The starting nonce plus the number of earlier seals, modulo 2^96.
    fn next_nonce(&self) -> Result<[u8; NONCE_LEN], CryptoError> {
        let start = self.nonce_start()?;
        let n = self.seals.fetch_add(1, Ordering::Relaxed);
        let value = start.wrapping_add(u128::from(n)) & ((1u128 << 96) - 1);
        let mut out = [0u8; NONCE_LEN];
        out.copy_from_slice(&value.to_be_bytes()[16 - NONCE_LEN..]);
        Ok(out)
    }

    /// The random 96-bit starting nonce, drawn once on first use.
    fn nonce_start(&self) -> Result<u128, CryptoError> {
        if let Some(start) = self.nonce_start.get() {
            return Ok(*start);
        }
        let drawn: [u8; NONCE_LEN] = random_bytes()?;
        let mut wide = [0u8; 16];
        wide[16 - NONCE_LEN..].copy_from_slice(&drawn);
        // If two threads race, both use the value that won.
        Ok(*self.nonce_start.get_or_init(|| u128::from_be_bytes(wide)))
    }

    /// Runs `f` with the AAD for (collection, this record, field, this version),
    /// built on the stack unless the names are unusually long.
    fn with_aad<R>(&self, collection: &str, field: &str, f: impl FnOnce(&[u8]) -> R) -> R {
        let len = AAD_FIXED_LEN + collection.len() + field.len();
        if len <= AAD_STACK_LEN {
            let mut buf = [0u8; AAD_STACK_LEN];
            self.write_aad(&mut buf[..len], collection, field);
            f(&buf[..len])
        } else {
            let mut buf = vec![0u8; len];
            self.write_aad(&mut buf, collection, field);
            f(&buf)
        }
    }

    fn write_aad(&self, out: &mut [u8], collection: &str, field: &str) {
        let parts: [&[u8]; 7] = [
            &[FORMAT_V1],
            &self.key_version.to_be_bytes(),
            &(collection.len() as u64).to_be_bytes(),
            collection.as_bytes(),
            &self.record_id,
            &(field.len() as u64).to_be_bytes(),
            field.as_bytes(),
        ];
        let mut at = 0;
        for part in parts {
            out[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
    }
}

impl fmt::Debug for RecordCipher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordCipher")
            .field("key", &"[redacted]")
            .field("key_version", &self.key_version)
            .finish_non_exhaustive()
    }
}

/// The data-key version a sealed value names, so the caller can pick the right
/// key before opening. `Integrity` when the value is too short or not format 1.
pub fn sealed_key_version(sealed: &[u8]) -> Result<u32, CryptoError> {
    if sealed.len() < HEADER_LEN + TAG_LEN || sealed[0] != FORMAT_V1 {
        return Err(CryptoError::Integrity);
    }
    let mut version = [0u8; 4];
    version.copy_from_slice(&sealed[1..5]);
    Ok(u32::from_be_bytes(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cipher() -> RecordCipher {
        RecordCipher::new(&SecretKey::generate().unwrap(), 1, &[5; 16]).unwrap()
    }

    #[test]
    fn nonces_count_up_from_a_random_start_and_wrap_at_96_bits() {
        let mut c = cipher();
        let first = c.next_nonce().unwrap();
        let second = c.next_nonce().unwrap();
        let as_u128 = |n: [u8; NONCE_LEN]| {
            let mut wide = [0u8; 16];
            wide[4..].copy_from_slice(&n);
            u128::from_be_bytes(wide)
        };
        assert_eq!(as_u128(second), (as_u128(first) + 1) % (1 << 96));

        c.nonce_start = OnceLock::from((1u128 << 96) - 1);
        c.seals = AtomicU64::new(0);
        assert_eq!(c.next_nonce().unwrap(), [0xff; NONCE_LEN]);
        assert_eq!(c.next_nonce().unwrap(), [0u8; NONCE_LEN]);
        assert_eq!(
            c.next_nonce().unwrap(),
            [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]
        );
    }

    #[test]
    fn sealed_values_carry_the_nonce_used() {
        let c = cipher();
        // The first seal uses the start itself, the second the start plus one.
        let first = c.seal("c", "f", b"v").unwrap();
        let second = c.seal("c", "f", b"v").unwrap();
        let start = *c.nonce_start.get().unwrap();
        assert_eq!(first[5..17], start.to_be_bytes()[4..]);
        assert_eq!(second[5..17], ((start + 1) % (1 << 96)).to_be_bytes()[4..]);
    }

    #[test]
    fn ciphers_for_the_same_record_start_at_different_nonces() {
        let key = SecretKey::generate().unwrap();
        let a = RecordCipher::new(&key, 1, &[5; 16]).unwrap();
        let b = RecordCipher::new(&key, 1, &[5; 16]).unwrap();
        assert!(a.nonce_start.get().is_none(), "opening alone draws nothing");
        let (sa, sb) = (a.nonce_start().unwrap(), b.nonce_start().unwrap());
        assert_ne!(sa, sb);
        assert!(sa < 1 << 96 && sb < 1 << 96);
    }
}
