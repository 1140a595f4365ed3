//! A bound on concurrent Argon2id hashes: each takes 19 MiB and tens of milliseconds,
//! so a login flood must queue instead of exhausting memory. A plain counting
//! semaphore over a mutex and condition variable, since the account service is
//! synchronous and runs on blocking threads.

use std::sync::{Condvar, Mutex};

use zeroize::Zeroizing;

use super::AccountError;

pub(crate) struct HashGate {
    free: Mutex<usize>,
    freed: Condvar,
    /// A real PHC hash of a random password, checked against when the account is
    /// unknown, so that answer costs what a wrong password costs.
    dummy_phc: String,
}

struct Permit<'a>(&'a HashGate);

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut free = self.0.free.lock().unwrap_or_else(|p| p.into_inner());
        *free += 1;
        self.0.freed.notify_one();
    }
}

impl HashGate {
    pub(crate) fn new(max: usize) -> Result<Self, AccountError> {
        let random = Zeroizing::new(gembok_crypto::random_bytes::<32>()?);
        Ok(HashGate {
            free: Mutex::new(max.max(1)),
            freed: Condvar::new(),
            dummy_phc: gembok_crypto::password::hash(&random[..])?,
        })
    }

    fn permit(&self) -> Permit<'_> {
        let mut free = self.free.lock().unwrap_or_else(|p| p.into_inner());
        while *free == 0 {
            free = self.freed.wait(free).unwrap_or_else(|p| p.into_inner());
        }
        *free -= 1;
        Permit(self)
    }

    /// Hash a new password.
    pub(crate) fn hash(&self, password: &str) -> Result<String, AccountError> {
        let _permit = self.permit();
        Ok(gembok_crypto::password::hash(password.as_bytes())?)
    }

    /// Check `password` against `phc`, or against the dummy hash when there is no
    /// account (always `false` then).
    pub(crate) fn verify(&self, phc: Option<&str>, password: &str) -> Result<bool, AccountError> {
        let _permit = self.permit();
        match phc {
            Some(phc) => Ok(gembok_crypto::password::verify(phc, password.as_bytes())?),
            None => {
                let _ = gembok_crypto::password::verify(&self.dummy_phc, password.as_bytes());
                Ok(false)
            }
        }
    }
}
