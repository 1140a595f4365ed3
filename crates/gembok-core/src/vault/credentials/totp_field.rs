//! Customers' `totp` fields: enrolment (a fresh secret, handed back once as an
//! otpauth URI and QR code) and verification of six-digit codes, each accepted once,
//! throttled like passwords.

use std::fmt;

use gembok_store::Mutation;
use gembok_types::values::Totp;
use gembok_types::{FieldType, Normalized, RecordId};
use zeroize::Zeroizing;

use super::throttle_doc::{Change, ThrottleDoc};
use crate::audit::Actor;
use crate::input::FieldInput;
use crate::staff::totp::{self, TotpCheck, TotpSecret};
use crate::vault::seal::seal_fields;
use crate::vault::Vault;
use crate::CoreError;

/// Longest issuer or account label put in an otpauth URI.
const MAX_LABEL_BYTES: usize = 200;

/// What enrolment hands back once: the otpauth URI and its QR code. Both contain the
/// secret, so `Debug` is redacted and both are wiped on drop.
pub struct TotpEnrolment {
    uri: Zeroizing<String>,
    qr_svg: Zeroizing<String>,
}

impl TotpEnrolment {
    /// The `otpauth://totp/...` URI for the customer's authenticator app.
    pub fn expose_uri(&self) -> &str {
        &self.uri
    }

    /// The URI as a QR code (a standalone SVG document).
    pub fn expose_qr_svg(&self) -> &str {
        &self.qr_svg
    }
}

impl fmt::Debug for TotpEnrolment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpEnrolment([redacted])")
    }
}

impl Vault {
    /// Check a six-digit code against a `totp` field at `now` (Unix ms): accepted for
    /// the current step or one either side, and never twice. A record that has not
    /// enrolled verifies as false. Throttled like passwords.
    pub fn verify_totp(
        &self,
        actor: &Actor,
        collection: &str,
        id: RecordId,
        field: &str,
        code: &str,
        now: i64,
    ) -> Result<bool, CoreError> {
        const ACTION: &str = "record.verify_totp";
        let state = self.snapshot();
        let t = self.target(&state, collection, id, field, Some(FieldType::Totp))?;
        // Computing a code is cheap, so the whole check runs under the lock: the
        // replay check and the new last step cannot interleave with another attempt.
        let _serial = self.credential_lock();
        let loaded = self.load_doc(&t)?;
        self.admit(actor, &t, ACTION, loaded.doc, now)?;
        let check = match t.value(&state)? {
            Some(stored) => {
                let secret = stored_secret(&stored)?;
                let unix = u64::try_from(now.max(0) / 1000).unwrap_or(0);
                totp::verify(&secret, code, unix, loaded.doc.last_step)
            }
            None => TotpCheck::Wrong,
        };
        let result = match check {
            TotpCheck::Accepted { step } => Ok(Some(step)),
            TotpCheck::Replayed => Err("replayed"),
            TotpCheck::Wrong => Err("mismatch"),
        };
        self.settle(actor, &t, ACTION, loaded, result, now)
    }

    /// Give the record's `totp` field a fresh secret (replacing any earlier one) and
    /// return the otpauth URI and QR code for the customer's app, once. The failure
    /// count is kept: re-enrolling does not lift a lock.
    #[allow(clippy::too_many_arguments)]
    pub fn enrol_totp(
        &self,
        actor: &Actor,
        collection: &str,
        id: RecordId,
        field: &str,
        issuer: &str,
        account_label: &str,
        now: i64,
    ) -> Result<TotpEnrolment, CoreError> {
        for (what, text) in [("issuer", issuer), ("account label", account_label)] {
            if text.trim().is_empty() || text.len() > MAX_LABEL_BYTES {
                return Err(CoreError::InvalidInput(format!(
                    "the {what} must be 1-{MAX_LABEL_BYTES} bytes"
                )));
            }
        }
        let state = self.snapshot();
        let t = self.target(&state, collection, id, field, Some(FieldType::Totp))?;
        let secret = TotpSecret::generate()?;
        let uri = totp::otpauth_uri(&secret, issuer.trim(), account_label.trim());
        let qr_svg = Zeroizing::new(totp::qr_svg(&uri)?);
        let canonical = FieldType::Totp
            .normalize(&secret.expose_base32())
            .map_err(|_| CoreError::Integrity("a generated TOTP secret does not parse".into()))?;
        let input = [FieldInput {
            spec: t.spec,
            value: Some(canonical),
        }];
        let sealed = seal_fields(&state, t.coll.name.as_str(), id, &input)?;
        let _serial = self.credential_lock();
        let loaded = self.load_doc(&t)?;
        self.commit_doc(&t, loaded, |doc| Change {
            next: ThrottleDoc {
                last_step: None,
                ..doc
            },
            muts: vec![Mutation::UpdateFields {
                collection: t.coll.name.to_string(),
                id,
                set: sealed.fields.clone(),
                remove: Vec::new(),
                updated_at: now,
            }],
            events: vec![t.event(actor, "record.enrol_totp", now)],
            answer: (),
        })?;
        Ok(TotpEnrolment { uri, qr_svg })
    }
}

/// The secret behind a stored `totp` value; anything unreadable is an integrity failure
/// (only the vault writes these values).
fn stored_secret(stored: &Normalized) -> Result<TotpSecret, CoreError> {
    let bad = || CoreError::Integrity("a stored TOTP secret is malformed".into());
    let parsed = Totp::parse(stored.as_str()).map_err(|_| bad())?;
    TotpSecret::from_bytes(&parsed.secret_bytes()).map_err(|_| bad())
}
