//! Time-based one-time passwords (RFC 6238) for staff logins, and the recovery codes
//! that stand in for a lost authenticator (in the private `recovery` submodule).
//!
//! Parameters are fixed to what every authenticator app understands: HMAC-SHA-1, six
//! digits, 30-second steps, a 160-bit secret. A code is accepted for the previous,
//! current or next step (one step of clock skew) and never twice: [`verify`] takes the
//! last step the caller accepted for this secret and refuses any code at or before it,
//! so the caller must store the step it returns. The secret lives in [`TotpSecret`],
//! which is redacted in `Debug` and wiped on drop; its base32 form leaves only through
//! [`TotpSecret::expose_base32`] and [`otpauth_uri`], for enrolment.

mod base32;
mod recovery;

use std::fmt;

use gembok_crypto::{constant_time_eq, random_bytes};
use totp_rs::{Algorithm, TOTP};
use zeroize::Zeroizing;

use crate::CoreError;

pub use recovery::{
    generate_recovery_codes, match_recovery_code, RecoveryCodes, RECOVERY_CODE_BITS,
    RECOVERY_CODE_COUNT,
};

/// Digits of a code; authenticator apps show six unless told otherwise.
pub const DIGITS: usize = 6;
/// Length of one time step in seconds (RFC 6238's recommended value).
pub const STEP_SECONDS: u64 = 30;
/// Bytes of a generated secret: 160 bits, the HMAC-SHA-1 output size RFC 4226 recommends.
pub const SECRET_LEN: usize = 20;
/// Longest secret accepted from storage; anything longer is not ours.
const MAX_SECRET_LEN: usize = 64;
/// Steps of clock skew tolerated either side of the current one.
const SKEW_STEPS: u64 = 1;

/// A staff member's TOTP secret (raw bytes, not base32).
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl TotpSecret {
    /// A fresh 160-bit secret from the system CSPRNG.
    pub fn generate() -> Result<Self, CoreError> {
        let bytes = Zeroizing::new(random_bytes::<SECRET_LEN>()?);
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// A secret loaded back from storage; refuses anything shorter than 160 bits
    /// (RFC 4226 requires at least 128, we generate 160) or longer than 512 bits.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, CoreError> {
        if !(SECRET_LEN..=MAX_SECRET_LEN).contains(&bytes.len()) {
            return Err(CoreError::InvalidInput(format!(
                "a TOTP secret must be {SECRET_LEN} to {MAX_SECRET_LEN} bytes long"
            )));
        }
        Ok(Self(Zeroizing::new(bytes.to_vec())))
    }

    /// The raw bytes, for sealing into storage.
    pub fn expose_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The unpadded RFC 4648 base32 form users type into an authenticator app during
    /// enrolment. Never log it.
    pub fn expose_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(base32::encode(&self.0, base32::RFC4648))
    }

    /// The secret inside an `otpauth://` URI (its `secret=` parameter), as an
    /// authenticator app reads it.
    pub fn from_otpauth_uri(uri: &str) -> Result<Self, CoreError> {
        let invalid = || CoreError::InvalidInput("not an otpauth URI with a secret".into());
        let query = uri
            .strip_prefix("otpauth://totp/")
            .and_then(|rest| rest.split_once('?'))
            .map(|(_, q)| q)
            .ok_or_else(invalid)?;
        let encoded = query
            .split('&')
            .find_map(|kv| kv.strip_prefix("secret="))
            .ok_or_else(invalid)?;
        let bytes = Zeroizing::new(base32::decode(encoded, base32::RFC4648).ok_or_else(invalid)?);
        Self::from_bytes(&bytes)
    }

    /// The six-digit code an authenticator app shows at `unix_time`.
    pub fn current_code(&self, unix_time: u64) -> Zeroizing<String> {
        self.code_at(DIGITS, unix_time)
    }

    /// The code for the step containing `unix_time`, with `digits` digits (6 to 8).
    fn code_at(&self, digits: usize, unix_time: u64) -> Zeroizing<String> {
        // The TOTP value holds a copy of the secret and wipes it on drop (`zeroize`
        // feature); it is built per call so no long-lived copy exists.
        let totp = TOTP::new_unchecked(Algorithm::SHA1, digits, 0, STEP_SECONDS, self.0.to_vec());
        Zeroizing::new(totp.generate(unix_time))
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret([redacted])")
    }
}

/// The `otpauth://` URI authenticator apps enrol from (Google Authenticator's key URI
/// format). Algorithm, digits and period are spelled out even though they are the
/// defaults, so that no app has to guess. Issuer and account are percent-encoded (a
/// colon in either would otherwise split the label). The URI contains the secret.
pub fn otpauth_uri(secret: &TotpSecret, issuer: &str, account: &str) -> Zeroizing<String> {
    let issuer = percent_encode(issuer);
    let account = percent_encode(account);
    let secret = secret.expose_base32();
    Zeroizing::new(format!(
        "otpauth://totp/{issuer}:{account}?secret={}&issuer={issuer}\
         &algorithm=SHA1&digits={DIGITS}&period={STEP_SECONDS}",
        secret.as_str()
    ))
}

/// `uri` as a QR code in a standalone SVG document, for the enrolment page.
pub fn qr_svg(uri: &str) -> Result<String, CoreError> {
    let code = qrcode::QrCode::with_error_correction_level(uri, qrcode::EcLevel::M)
        .map_err(|_| CoreError::InvalidInput("the otpauth URI is too long for a QR code".into()))?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build())
}

/// Outcome of checking one code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotpCheck {
    /// The code is right and fresh; store `step` as the new last accepted step.
    Accepted { step: u64 },
    /// The code is right but for a step already used (or older): a replay.
    Replayed,
    /// Malformed, or not the code for any step within the skew window.
    Wrong,
}

/// Checks `code` against the steps around `now_unix`, refusing any step at or before
/// `last_step` (the value the caller stored from the previous [`TotpCheck::Accepted`]).
/// Spaces in the code are ignored ("123 456"), anything but six digits is `Wrong`.
pub fn verify(secret: &TotpSecret, code: &str, now_unix: u64, last_step: Option<u64>) -> TotpCheck {
    let code: Zeroizing<String> = Zeroizing::new(code.chars().filter(|c| *c != ' ').collect());
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return TotpCheck::Wrong;
    }
    let current = now_unix / STEP_SECONDS;
    let mut fresh: Option<u64> = None;
    let mut stale = false;
    // Every candidate is computed and compared, so the time taken does not say which
    // step (if any) matched.
    for step in current.saturating_sub(SKEW_STEPS)..=current.saturating_add(SKEW_STEPS) {
        let Some(at) = step.checked_mul(STEP_SECONDS) else {
            continue;
        };
        let expected = secret.code_at(DIGITS, at);
        if constant_time_eq(expected.as_bytes(), code.as_bytes()) {
            if last_step.is_some_and(|last| step <= last) {
                stale = true;
            } else {
                fresh = Some(step);
            }
        }
    }
    match (fresh, stale) {
        (Some(step), _) => TotpCheck::Accepted { step },
        (None, true) => TotpCheck::Replayed,
        (None, false) => TotpCheck::Wrong,
    }
}

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests;
