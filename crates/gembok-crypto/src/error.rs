//! The crate's single error type. Every message is written for an operator and
//! carries no key bytes, plaintext or ciphertext: at most a file path and a
//! description of what is wrong with it.

use thiserror::Error;

/// Everything that can go wrong in `gembok-crypto`.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CryptoError {
    /// A wrapped key did not authenticate under this master key and label: either
    /// another master key file is loaded or the wrapped key was damaged.
    #[error("the wrapped key does not open under this master key (wrong key file, or damaged key record)")]
    WrongKey,
    /// A sealed value is malformed, was altered, or belongs to another record,
    /// field, collection or key version.
    #[error("integrity check failed: the sealed value is damaged or does not belong here")]
    Integrity,
    /// The master key file is missing, unsafe (permissions) or damaged. The text
    /// names the path and the fix, never the key.
    #[error("master key file: {0}")]
    KeyFile(String),
    /// A password hash string is malformed, or hashing failed.
    #[error("password hash is malformed or could not be computed")]
    Password,
    /// The system random number generator failed.
    #[error("the system random number generator failed")]
    Rng,
}

#[cfg(test)]
mod tests {
    use super::CryptoError;

    #[test]
    fn display_texts_are_distinct_and_non_empty() {
        let all = [
            CryptoError::WrongKey,
            CryptoError::Integrity,
            CryptoError::KeyFile("/etc/gembok/master.key is too open".into()),
            CryptoError::Password,
            CryptoError::Rng,
        ];
        let texts: Vec<String> = all.iter().map(ToString::to_string).collect();
        for (i, a) in texts.iter().enumerate() {
            assert!(a.len() > 10, "{a}");
            for b in &texts[i + 1..] {
                assert_ne!(a, b);
            }
        }
        assert!(texts[2].contains("/etc/gembok/master.key"));
    }
}
