//! Where accounts live: the `staff` key, sealing of the e-mail and TOTP secret, and the
//! documents (`staff_account`, `staff_email`, `staff_session`, `staff_token`,
//! `staff_login:<account>`).

use gembok_crypto::{BlindIndexer, MasterKey, RecordCipher, SecretKey};
use gembok_store::{KeyRecord, Mutation, Store};

use super::AccountError;

pub(crate) const KEY_PURPOSE: &str = "staff";
const KEY_VERSION: u32 = 1;
/// The collection name sealed values are bound to; no user collection can have it.
pub(crate) const SEAL_SCOPE: &str = "_staff";

pub(crate) const KIND_ACCOUNT: &str = "staff_account";
pub(crate) const KIND_EMAIL: &str = "staff_email";
pub(crate) const KIND_SESSION: &str = "staff_session";
pub(crate) const KIND_TOKEN: &str = "staff_token";

/// Kind of an account's login history documents.
pub(crate) fn kind_login(account: &str) -> String {
    format!("staff_login:{account}")
}

/// The unwrapped `staff` key and what is derived from it.
pub(crate) struct StaffKeys {
    key: SecretKey,
    email_index: BlindIndexer,
}

impl StaffKeys {
    /// Unwrap the `staff` key, or make and store it on first use.
    pub(crate) fn load_or_create(
        store: &dyn Store,
        master: &MasterKey,
    ) -> Result<Self, AccountError> {
        let label = format!("{KEY_PURPOSE}:{KEY_VERSION}");
        let key = match find(store)? {
            Some(rec) => master.unwrap(&rec.wrapped, &label)?,
            None => {
                let key = SecretKey::generate()?;
                let rec = KeyRecord {
                    purpose: KEY_PURPOSE.into(),
                    version: KEY_VERSION,
                    wrapped: master.wrap(&key, &label)?,
                    created_at: crate::time::now_ms(),
                };
                match store.apply(&[Mutation::PutKey(rec)]) {
                    Ok(()) => key,
                    // Another process made it first: use theirs.
                    Err(_) => match find(store)? {
                        Some(rec) => master.unwrap(&rec.wrapped, &label)?,
                        None => {
                            return Err(AccountError::Core(crate::CoreError::Integrity(
                                "the staff key could not be stored".into(),
                            )))
                        }
                    },
                }
            }
        };
        let email_index = BlindIndexer::new(&key, SEAL_SCOPE, "email")?;
        Ok(StaffKeys { key, email_index })
    }

    /// The blind-index id of a normalised e-mail address.
    pub(crate) fn email_id(&self, email: &str) -> String {
        hex::encode(self.email_index.digest(email.as_bytes()))
    }

    fn cipher(&self, account: &str) -> Result<RecordCipher, AccountError> {
        let id = gembok_crypto::sha256(account.as_bytes());
        let mut rid = [0u8; 16];
        rid.copy_from_slice(&id[..16]);
        Ok(RecordCipher::new(&self.key, KEY_VERSION, &rid)?)
    }

    /// Seal `value` as `field` of account `account`.
    pub(crate) fn seal(
        &self,
        account: &str,
        field: &str,
        value: &[u8],
    ) -> Result<Vec<u8>, AccountError> {
        Ok(self.cipher(account)?.seal(SEAL_SCOPE, field, value)?)
    }

    /// Open a value sealed by [`StaffKeys::seal`] for the same account and field.
    pub(crate) fn open(
        &self,
        account: &str,
        field: &str,
        sealed: &[u8],
    ) -> Result<zeroize::Zeroizing<Vec<u8>>, AccountError> {
        Ok(self.cipher(account)?.open(SEAL_SCOPE, field, sealed)?)
    }
}

fn find(store: &dyn Store) -> Result<Option<KeyRecord>, AccountError> {
    Ok(store
        .keys()?
        .into_iter()
        .find(|r| r.purpose == KEY_PURPOSE && r.version == KEY_VERSION))
}
