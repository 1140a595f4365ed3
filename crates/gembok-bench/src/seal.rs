//! Field encryption: the vault's `RecordCipher::seal` against a raw AES-256-GCM loop.
//!
//! Vault side: per record one `RecordCipher::new` (HKDF-SHA256 of the data key and the
//! record id, then the AES key schedule) and eight `seal` calls with the
//! (collection, record, field, version) associated data and the versioned header.
//! Baseline: one aws-lc-rs `LessSafeKey` for everything, a fresh random 96-bit nonce
//! from `aws_lc_rs::rand` per seal, empty associated data, and the plaintext copied
//! into a new buffer sealed with `seal_in_place_append_tag`, so both sides allocate
//! one owned ciphertext per field. Same plaintexts (the canonical generated values).

use std::hint::black_box;
use std::time::Duration;

use anyhow::{anyhow, Result};
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use gembok_crypto::{RecordCipher, SecretKey};
use gembok_types::RecordId;

use crate::data::{Dataset, COLLECTION, FIELDS};
use crate::report::Measurement;
use crate::timing::{alternate, step_range, steps, time};

/// Records per alternation step.
const STEP: usize = 100;
/// The data-key version the vault side seals under.
const KEY_VERSION: u32 = 1;

/// The raw baseline: one AES-256-GCM seal of `plaintext` with a random nonce.
pub fn raw_seal(key: &LessSafeKey, plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    aws_lc_rs::rand::fill(&mut nonce).map_err(|_| anyhow!("random generator failed"))?;
    let mut buf = Vec::with_capacity(plaintext.len() + AES_256_GCM.tag_len());
    buf.extend_from_slice(plaintext);
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut buf)
        .map_err(|_| anyhow!("AES-GCM seal failed"))?;
    Ok(buf)
}

/// The AES-GCM cost floor: a counter nonce instead of an RNG call (safe for one key
/// while the counter does not wrap), otherwise as [`raw_seal`].
fn counter_seal(key: &LessSafeKey, counter: u64, plaintext: &[u8]) -> Result<Vec<u8>> {
    let mut nonce = [0u8; NONCE_LEN];
    nonce[4..].copy_from_slice(&counter.to_be_bytes());
    let mut buf = Vec::with_capacity(plaintext.len() + AES_256_GCM.tag_len());
    buf.extend_from_slice(plaintext);
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut buf)
        .map_err(|_| anyhow!("AES-GCM seal failed"))?;
    Ok(buf)
}

fn raw_key() -> Result<LessSafeKey> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes).map_err(|_| anyhow!("random generator failed"))?;
    let key = UnboundKey::new(&AES_256_GCM, &bytes).map_err(|_| anyhow!("bad AES key"))?;
    Ok(LessSafeKey::new(key))
}

/// Sub-phase timings that explain the seal ratio.
pub struct SealDetail {
    /// `RecordCipher::new` alone (HKDF-SHA256 and the AES key schedule), per record.
    pub setup_per_record: Duration,
    /// Raw AES-256-GCM seals per second with a counter nonce (no RNG call).
    pub counter_rate: f64,
}

/// Seal every field of every row on both sides, then time the sub-phases.
pub fn run(data: &Dataset) -> Result<(Measurement, SealDetail)> {
    let data_key = SecretKey::generate()?;
    let raw = raw_key()?;
    let ids: Vec<RecordId> = (0..data.len()).map(|_| RecordId::generate()).collect();
    let rows = &data.canonical;

    let vault_rows = |range: std::ops::Range<usize>| -> Result<()> {
        for i in range {
            let cipher = RecordCipher::new(&data_key, KEY_VERSION, ids[i].as_bytes())?;
            for (f, name) in FIELDS.iter().enumerate() {
                black_box(cipher.seal(COLLECTION, name, rows[i][f].as_bytes())?);
            }
        }
        Ok(())
    };
    let raw_rows = |range: std::ops::Range<usize>| -> Result<()> {
        for row in &rows[range] {
            for value in row {
                black_box(raw_seal(&raw, value.as_bytes())?);
            }
        }
        Ok(())
    };

    let warm = data.len().min(1_000);
    vault_rows(0..warm)?;
    raw_rows(0..warm)?;
    let len = data.len();
    let pair = alternate(
        steps(STEP, len),
        |s| vault_rows(step_range(s, STEP, len)),
        |s| raw_rows(step_range(s, STEP, len)),
    )?;

    let setup = time(|| {
        for id in &ids {
            black_box(RecordCipher::new(&data_key, KEY_VERSION, id.as_bytes())?);
        }
        Ok(())
    })?;
    let mut counter = 0u64;
    let floor = time(|| {
        for row in rows {
            for value in row {
                counter += 1;
                black_box(counter_seal(&raw, counter, value.as_bytes())?);
            }
        }
        Ok(())
    })?;
    let measurement = Measurement {
        operation: "seal field",
        batch: None,
        unit: "seals",
        count: (len * FIELDS.len()) as u64,
        time: pair,
    };
    let detail = SealDetail {
        setup_per_record: setup / len.max(1) as u32,
        counter_rate: counter as f64 / floor.as_secs_f64().max(1e-9),
    };
    Ok((measurement, detail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_seal_appends_a_tag_and_never_repeats_a_ciphertext() {
        let key = raw_key().unwrap();
        let a = raw_seal(&key, b"budi@example.co.id").unwrap();
        let b = raw_seal(&key, b"budi@example.co.id").unwrap();
        assert_eq!(a.len(), 18 + 16);
        assert_ne!(
            a, b,
            "the same plaintext must not seal to the same bytes twice"
        );
        assert_ne!(&a[..18], b"budi@example.co.id");
        // Distinct counters give distinct ciphertexts; the same counter repeats.
        let c1 = counter_seal(&key, 1, b"x").unwrap();
        assert_ne!(c1, counter_seal(&key, 2, b"x").unwrap());
        assert_eq!(c1, counter_seal(&key, 1, b"x").unwrap());
    }
}
