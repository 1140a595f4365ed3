//! Staff and end-customer password hashing with Argon2id (RFC 9106), at OWASP's
//! minimum of m = 19456 KiB, t = 2, p = 1, stored as PHC strings
//! (`$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`) so the parameters travel with
//! each hash and can be raised later: `needs_rehash` tells the caller to rehash
//! at the next successful login.
//!
//! One hash costs tens of milliseconds and 19 MiB of memory: callers bound how
//! many run at once and throttle before hashing.

use argon2::password_hash::{
    Error as PhcError, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::keys::random_bytes;
use crate::CryptoError;

/// Memory cost in KiB.
pub const M_COST: u32 = 19_456;
/// Iterations.
pub const T_COST: u32 = 2;
/// Lanes.
pub const P_COST: u32 = 1;
const OUTPUT_LEN: usize = 32;
const SALT_LEN: usize = 16;

fn hasher() -> Result<Argon2<'static>, CryptoError> {
    let params =
        Params::new(M_COST, T_COST, P_COST, Some(OUTPUT_LEN)).map_err(|_| CryptoError::Password)?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` with a fresh 128-bit salt; returns the PHC string.
pub fn hash(password: &[u8]) -> Result<String, CryptoError> {
    let salt_bytes: [u8; SALT_LEN] = random_bytes()?;
    let salt = SaltString::encode_b64(&salt_bytes).map_err(|_| CryptoError::Password)?;
    let phc = hasher()?
        .hash_password(password, &salt)
        .map_err(|_| CryptoError::Password)?;
    Ok(phc.to_string())
}

/// Checks `password` against a PHC string, with the parameters recorded in it.
/// `Ok(false)` on a wrong password; `Err(Password)` when the string is not a
/// well-formed Argon2id hash (other algorithms are refused, not verified). The
/// final comparison is constant time (the `password-hash` crate's `Output`).
pub fn verify(phc: &str, password: &[u8]) -> Result<bool, CryptoError> {
    let parsed = parse_argon2id(phc)?;
    match Argon2::default().verify_password(password, &parsed) {
        Ok(()) => Ok(true),
        Err(PhcError::Password) => Ok(false),
        Err(_) => Err(CryptoError::Password),
    }
}

/// True when `phc` was made with weaker settings than [`hash`] uses today (lower
/// memory, iterations or lanes, older version, shorter salt or output, another
/// algorithm) or cannot be parsed.
pub fn needs_rehash(phc: &str) -> bool {
    let Ok(parsed) = parse_argon2id(phc) else {
        return true;
    };
    if parsed.version != Some(0x13) {
        return true;
    }
    let Ok(params) = Params::try_from(&parsed) else {
        return true;
    };
    let salt_len = parsed.salt.map_or(0, |s| {
        let mut buf = [0u8; 64];
        s.decode_b64(&mut buf).map_or(0, <[u8]>::len)
    });
    let output_len = parsed.hash.map_or(0, |h| h.len());
    params.m_cost() < M_COST
        || params.t_cost() < T_COST
        || params.p_cost() < P_COST
        || salt_len < SALT_LEN
        || output_len < OUTPUT_LEN
}

fn parse_argon2id(phc: &str) -> Result<PasswordHash<'_>, CryptoError> {
    let parsed = PasswordHash::new(phc).map_err(|_| CryptoError::Password)?;
    if parsed.algorithm != argon2::ARGON2ID_IDENT || parsed.hash.is_none() {
        return Err(CryptoError::Password);
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn weak_phc(m: u32, t: u32, p: u32, password: &[u8]) -> String {
        let params = Params::new(m, t, p, Some(OUTPUT_LEN)).unwrap();
        let salt = SaltString::encode_b64(&[7u8; SALT_LEN]).unwrap();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(password, &salt)
            .unwrap()
            .to_string()
    }

    #[test]
    fn hash_verify_round_trip_and_wrong_password() {
        let phc = hash(b"kopi susu gula aren 2024").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify(&phc, b"kopi susu gula aren 2024").unwrap());
        assert!(!verify(&phc, b"kopi susu gula aren 2025").unwrap());
        assert!(!verify(&phc, b"").unwrap());
        assert!(!needs_rehash(&phc));
    }

    #[test]
    fn same_password_gets_different_salts() {
        assert_ne!(hash(b"same").unwrap(), hash(b"same").unwrap());
    }

    #[test]
    fn malformed_or_foreign_hashes_are_errors() {
        let argon2i = {
            let params = Params::new(1024, 1, 1, None).unwrap();
            let salt = SaltString::encode_b64(&[1u8; SALT_LEN]).unwrap();
            Argon2::new(Algorithm::Argon2i, Version::V0x13, params)
                .hash_password(b"pw", &salt)
                .unwrap()
                .to_string()
        };
        for bad in [
            "",
            "plaintext",
            "$argon2id$v=19$m=19456,t=2,p=1$",
            "$2b$12$abcdefghijklmnopqrstuv",
            &argon2i,
        ] {
            assert_eq!(verify(bad, b"pw"), Err(CryptoError::Password), "{bad}");
            assert!(needs_rehash(bad), "{bad}");
        }
    }

    #[test]
    fn weaker_params_need_rehash_but_still_verify() {
        let cases = [(4096, 2, 1), (19_455, 2, 1), (19_456, 1, 1)];
        for (m, t, p) in cases {
            let phc = weak_phc(m, t, p, b"rahasia");
            assert!(needs_rehash(&phc), "m={m} t={t} p={p}");
            assert!(verify(&phc, b"rahasia").unwrap());
            assert!(!verify(&phc, b"Rahasia").unwrap());
        }
    }

    #[test]
    fn stronger_params_do_not_need_rehash() {
        let phc = weak_phc(M_COST * 2, 3, 1, b"kuat");
        assert!(!needs_rehash(&phc));
        assert!(verify(&phc, b"kuat").unwrap());
    }
}
