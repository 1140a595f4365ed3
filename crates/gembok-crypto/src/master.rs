//! `MasterKey`: the root of the key hierarchy. It never encrypts customer data
//! itself; it wraps (encrypts) data keys and index keys so they can be stored next
//! to the data, and derives purpose keys with HKDF. Its file format lives in
//! `keyfile.rs`.
//!
//! Wrapped key format (61 bytes): `0x01 || nonce (12) || ciphertext (32) || tag (16)`,
//! AES-256-GCM under `HKDF-SHA256(master, info = "gembok/wrap/v1")` with the
//! label as AAD, so a data key filed under `"data:customers:3"` cannot be passed
//! off as `"index:customers"` or moved to another version slot.

use std::fmt;

use zeroize::Zeroizing;

use crate::keys::{random_bytes, SecretKey};
use crate::primitives::{
    gcm_key, gcm_open, gcm_seal, hmac_key, hmac_sign, KEY_LEN, NONCE_LEN, TAG_LEN,
};
use crate::CryptoError;

const WRAP_FORMAT_V1: u8 = 0x01;
const WRAPPED_LEN: usize = 1 + NONCE_LEN + KEY_LEN + TAG_LEN;
const WRAP_INFO: &[u8] = b"gembok/wrap/v1";
const DERIVE_INFO: &[u8] = b"gembok/derive/v1";
const KEY_ID_LABEL: &[u8] = b"gembok/key-id/v1";
const FILE_CHECK_LABEL: &[u8] = b"gembok/key-file-check/v1";

/// The 256-bit master key. Whoever holds it can read every record: it lives in
/// a mode-0600 file outside backups. `Debug` prints `MasterKey([redacted])` and
/// the bytes are wiped on drop.
pub struct MasterKey {
    pub(crate) key: SecretKey,
}

impl MasterKey {
    /// A fresh master key from the system CSPRNG (not yet written anywhere; see
    /// [`MasterKey::create_file`]).
    pub fn generate() -> Result<Self, CryptoError> {
        Ok(Self {
            key: SecretKey::generate()?,
        })
    }

    /// A non-secret 16-hex-char identifier: HMAC-SHA256(master, "gembok/key-id/v1")
    /// truncated to 64 bits. Stored in the vault and shown to operators so that
    /// loading the wrong key file is reported as exactly that.
    pub fn key_id(&self) -> String {
        hex::encode(&self.mac(KEY_ID_LABEL)[..8])
    }

    /// The 32-bit checksum written into the key file (see `keyfile.rs`).
    pub(crate) fn file_check(&self) -> [u8; 4] {
        let mac = self.mac(FILE_CHECK_LABEL);
        [mac[0], mac[1], mac[2], mac[3]]
    }

    fn mac(&self, label: &[u8]) -> [u8; 32] {
        hmac_sign(&hmac_key(self.key.expose()), label)
    }

    /// A purpose key derived from the master key:
    /// HKDF-SHA256(master, salt none, info = "gembok/derive/v1" || purpose).
    /// Use for keys that need no rotation independent of the master key (for
    /// example the audit checkpoint key); rotatable keys are generated and wrapped.
    pub fn derive_key(&self, purpose: &str) -> Result<SecretKey, CryptoError> {
        self.key.derive(&[DERIVE_INFO, purpose.as_bytes()])
    }

    /// AES-256-GCM wrap of `key`, with `label` (for example `"data:customers:3"`)
    /// as associated data. Output is 61 bytes; a fresh random nonce every call.
    pub fn wrap(&self, key: &SecretKey, label: &str) -> Result<Vec<u8>, CryptoError> {
        let wrap_key = gcm_key(self.key.derive(&[WRAP_INFO])?.expose())?;
        let nonce: [u8; NONCE_LEN] = random_bytes()?;
        let mut out = Vec::with_capacity(WRAPPED_LEN);
        out.push(WRAP_FORMAT_V1);
        out.extend_from_slice(&nonce);
        // Exact capacity: the plaintext key is encrypted in place and the vector
        // never reallocates, so no stray copy of it is left on the heap.
        out.extend_from_slice(key.expose());
        let tag = gcm_seal(
            &wrap_key,
            nonce,
            label.as_bytes(),
            &mut out[1 + NONCE_LEN..],
        )?;
        out.extend_from_slice(&tag);
        Ok(out)
    }

    /// Opens a key wrapped by [`MasterKey::wrap`] under the same `label`.
    ///
    /// `WrongKey` when the tag does not verify (another master key, another
    /// label, or altered bytes); `Integrity` when the input is not a wrapped key
    /// at all (wrong length or format byte).
    pub fn unwrap(&self, wrapped: &[u8], label: &str) -> Result<SecretKey, CryptoError> {
        if wrapped.len() != WRAPPED_LEN || wrapped[0] != WRAP_FORMAT_V1 {
            return Err(CryptoError::Integrity);
        }
        let wrap_key = gcm_key(self.key.derive(&[WRAP_INFO])?.expose())?;
        let (nonce, body) = wrapped[1..].split_at(NONCE_LEN);
        let mut buf = Zeroizing::new([0u8; KEY_LEN + TAG_LEN]);
        buf.copy_from_slice(body);
        gcm_open(&wrap_key, nonce, label.as_bytes(), &mut buf[..])
            .map_err(|_| CryptoError::WrongKey)?;
        let mut key = SecretKey::zeroed();
        key.bytes_mut().copy_from_slice(&buf[..KEY_LEN]);
        Ok(key)
    }
}

impl fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MasterKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_unwrap_round_trip() {
        let master = MasterKey::generate().unwrap();
        let key = SecretKey::generate().unwrap();
        let wrapped = master.wrap(&key, "data:customers:3").unwrap();
        assert_eq!(wrapped.len(), WRAPPED_LEN);
        assert!(!wrapped
            .windows(KEY_LEN)
            .any(|w| w == key.expose().as_slice()));
        let back = master.unwrap(&wrapped, "data:customers:3").unwrap();
        assert_eq!(back.expose(), key.expose());
    }

    #[test]
    fn wrapping_twice_gives_different_bytes() {
        let master = MasterKey::generate().unwrap();
        let key = SecretKey::generate().unwrap();
        assert_ne!(
            master.wrap(&key, "l").unwrap(),
            master.wrap(&key, "l").unwrap()
        );
    }

    #[test]
    fn unwrap_with_other_master_or_label_is_wrong_key() {
        let master = MasterKey::generate().unwrap();
        let other = MasterKey::generate().unwrap();
        let key = SecretKey::generate().unwrap();
        let wrapped = master.wrap(&key, "data:customers:3").unwrap();
        assert_eq!(
            other.unwrap(&wrapped, "data:customers:3").unwrap_err(),
            CryptoError::WrongKey
        );
        assert_eq!(
            master.unwrap(&wrapped, "data:customers:4").unwrap_err(),
            CryptoError::WrongKey
        );
    }

    #[test]
    fn unwrap_refuses_altered_or_malformed_input() {
        let master = MasterKey::generate().unwrap();
        let wrapped = master.wrap(&SecretKey::generate().unwrap(), "x").unwrap();
        for i in 1..wrapped.len() {
            let mut bad = wrapped.clone();
            bad[i] ^= 0x01;
            assert_eq!(master.unwrap(&bad, "x").unwrap_err(), CryptoError::WrongKey);
        }
        let mut bad_format = wrapped.clone();
        bad_format[0] = 0x02;
        assert_eq!(
            master.unwrap(&bad_format, "x").unwrap_err(),
            CryptoError::Integrity
        );
        assert_eq!(
            master.unwrap(&wrapped[..60], "x").unwrap_err(),
            CryptoError::Integrity
        );
        assert_eq!(master.unwrap(&[], "x").unwrap_err(), CryptoError::Integrity);
    }

    #[test]
    fn key_id_is_stable_16_hex_and_not_the_key() {
        let master = MasterKey::generate().unwrap();
        let id = master.key_id();
        assert_eq!(id.len(), 16);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(id, master.key_id());
        assert_ne!(id, MasterKey::generate().unwrap().key_id());
        assert!(!hex::encode(master.key.expose()).contains(&id));
    }

    #[test]
    fn derived_keys_differ_by_purpose_and_from_master() {
        let master = MasterKey::generate().unwrap();
        let a = master.derive_key("audit").unwrap();
        let b = master.derive_key("other").unwrap();
        assert_ne!(a.expose(), b.expose());
        assert_ne!(a.expose(), master.key.expose());
        assert_eq!(a.expose(), master.derive_key("audit").unwrap().expose());
    }

    #[test]
    fn debug_is_redacted() {
        let master = MasterKey::generate().unwrap();
        let shown = format!("{master:?} {master:#?}");
        assert!(shown.contains("redacted"));
        assert!(!shown.contains(&hex::encode(master.key.expose())));
    }
}
