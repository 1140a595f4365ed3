//! Staff credentials: the building blocks of staff accounts and login security.
//!
//! [`password_policy`] decides whether a new password is acceptable and says why not;
//! [`totp`] implements RFC 6238 codes with replay protection and the one-time recovery
//! codes that stand in for a lost authenticator; [`session`] makes session and CSRF
//! tokens and decides when a session ends; [`throttle`] decides, before any hashing,
//! whether an attempt on a credential may be checked at all. Accounts and the login
//! flow build on these.

pub mod password_policy;
pub mod session;
pub mod throttle;
pub mod totp;
