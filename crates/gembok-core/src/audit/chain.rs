//! The hash chain and the signed statements over it, as pure functions.
//!
//! `hash(n) = SHA-256("gembok-audit/v1" || prev || seq as 8 bytes big-endian || body)`
//! with `prev` the hash of event `n - 1` (32 zero bytes before the first event, or the
//! anchor's hash after a prune). Binding `seq` in means an event cannot be moved to
//! another position even with its body intact. Checkpoints and anchors sign a short
//! text statement naming their kind, position and head hash, so a checkpoint signature
//! can never be replayed as an anchor or the reverse.

use gembok_crypto::{sha256_parts, AuditPublicKey, AuditSigner};
use gembok_store::AuditCheckpoint;

const DOMAIN: &[u8] = b"gembok-audit/v1";
/// The `prev` of the first event.
pub const GENESIS: [u8; 32] = [0u8; 32];

/// The chain hash of an event at `seq` after `prev`.
pub fn link(prev: &[u8], seq: u64, body: &[u8]) -> [u8; 32] {
    sha256_parts(&[DOMAIN, prev, &seq.to_be_bytes(), body])
}

/// What a signature covers: kind, vault, position, head hash and time.
fn statement(kind: &str, vault_id: &str, seq: u64, hash: &[u8], time: i64) -> Vec<u8> {
    format!(
        "gembok-audit-{kind}/v1\nvault {vault_id}\nseq {seq}\nhash {}\ntime {time}\n",
        hex::encode(hash)
    )
    .into_bytes()
}

/// Sign a `kind` statement (`checkpoint` or `anchor`) of `(seq, hash)` at `time`.
fn sign(
    kind: &str,
    signer: &AuditSigner,
    vault_id: &str,
    seq: u64,
    hash: &[u8],
    time: i64,
) -> AuditCheckpoint {
    AuditCheckpoint {
        seq,
        hash: hash.to_vec(),
        time,
        key_id: signer.public_key().key_id(),
        signature: signer.sign(&statement(kind, vault_id, seq, hash, time)),
    }
}

/// Whether `key` signed `cp` as a `kind` statement.
fn valid(kind: &str, key: &AuditPublicKey, vault_id: &str, cp: &AuditCheckpoint) -> bool {
    key.key_id() == cp.key_id
        && key.verify(
            &statement(kind, vault_id, cp.seq, &cp.hash, cp.time),
            &cp.signature,
        )
}

/// Sign a checkpoint of the head `(seq, hash)` at `time`.
pub fn sign_checkpoint(
    signer: &AuditSigner,
    vault_id: &str,
    seq: u64,
    hash: &[u8],
    time: i64,
) -> AuditCheckpoint {
    sign("checkpoint", signer, vault_id, seq, hash, time)
}

/// Whether `key` signed this checkpoint.
pub fn checkpoint_valid(key: &AuditPublicKey, vault_id: &str, cp: &AuditCheckpoint) -> bool {
    valid("checkpoint", key, vault_id, cp)
}

/// Sign an anchor: "events up to `seq` were pruned; the last had `hash`".
pub fn sign_anchor(
    signer: &AuditSigner,
    vault_id: &str,
    seq: u64,
    hash: &[u8],
    time: i64,
) -> AuditCheckpoint {
    sign("anchor", signer, vault_id, seq, hash, time)
}

/// Whether `key` signed this anchor.
pub fn anchor_valid(key: &AuditPublicKey, vault_id: &str, a: &AuditCheckpoint) -> bool {
    valid("anchor", key, vault_id, a)
}

/// The statement a new audit key signs to vouch for the key it replaces.
pub fn handover_statement(vault_id: &str, old: &AuditPublicKey) -> Vec<u8> {
    format!(
        "gembok-audit-handover/v1\nvault {vault_id}\nold {}\n",
        hex::encode(old.as_bytes())
    )
    .into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_binds_prev_seq_and_body() {
        let h = link(&GENESIS, 1, b"a");
        assert_ne!(h, link(&GENESIS, 2, b"a"));
        assert_ne!(h, link(&GENESIS, 1, b"b"));
        assert_ne!(h, link(&h, 1, b"a"));
        assert_eq!(h, link(&GENESIS, 1, b"a"));
    }

    #[test]
    fn checkpoint_and_anchor_signatures_are_not_interchangeable() {
        let s = AuditSigner::generate().unwrap();
        let cp = sign_checkpoint(&s, "v1", 10, &[7; 32], 5);
        assert!(checkpoint_valid(&s.public_key(), "v1", &cp));
        assert!(!anchor_valid(&s.public_key(), "v1", &cp));
        assert!(!checkpoint_valid(&s.public_key(), "v2", &cp));
        let mut moved = cp.clone();
        moved.seq = 11;
        assert!(!checkpoint_valid(&s.public_key(), "v1", &moved));
        let other = AuditSigner::generate().unwrap();
        assert!(!checkpoint_valid(&other.public_key(), "v1", &cp));
    }
}
