//! Staff sessions: the token a browser or the CLI presents after login, and the rules
//! that end it.
//!
//! A token is 256 random bits, shown once as `gbs_` + base64url; only its SHA-256 is
//! kept (the session id), so a copy of the database does not hold usable tokens, and a
//! 256-bit token needs no slow hash. Every login makes a fresh token. A session ends
//! after `idle` without use (30 minutes by default), after `absolute` whatever the use
//! (12 hours), or when it is revoked (logout). Each session also has its own CSRF token
//! for state-changing browser requests, likewise kept only as a hash and compared in
//! constant time. This module is plain logic; where sessions are stored and how cookies
//! carry them belongs to the layers above.

use std::fmt;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use gembok_crypto::{constant_time_eq, random_bytes, sha256};
use zeroize::Zeroizing;

use crate::CoreError;

const PREFIX: &str = "gbs_";
const MINUTE_MS: i64 = 60_000;

/// A secret presented by the client: a session token or a CSRF token. `Debug` is
/// redacted and the text is wiped on drop.
pub struct SessionSecret(Zeroizing<String>);

impl SessionSecret {
    pub(crate) fn generate() -> Result<Self, CoreError> {
        let bytes = Zeroizing::new(random_bytes::<32>()?);
        Ok(SessionSecret(Zeroizing::new(format!(
            "{PREFIX}{}",
            URL_SAFE_NO_PAD.encode(&bytes[..])
        ))))
    }

    /// The text to hand to the client, once.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SessionSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionSecret([redacted])")
    }
}

/// The id under which a session is kept: hex SHA-256 of its token.
pub fn session_id(token: &str) -> String {
    hex::encode(sha256(token.as_bytes()))
}

/// How long sessions last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SessionPolicy {
    pub idle_ms: i64,
    pub absolute_ms: i64,
}

impl Default for SessionPolicy {
    fn default() -> Self {
        SessionPolicy {
            idle_ms: 30 * MINUTE_MS,
            absolute_ms: 12 * 60 * MINUTE_MS,
        }
    }
}

/// Why a session no longer counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionEnd {
    Idle,
    Expired,
    Revoked,
}

/// What is kept of one session: no secret, only hashes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Session {
    /// [`session_id`] of the token.
    pub id: String,
    pub account: String,
    pub created_at: i64,
    pub last_seen: i64,
    pub policy: SessionPolicy,
    pub revoked_at: Option<i64>,
    csrf_hash: [u8; 32],
}

/// A new session and the two secrets the client gets once.
pub struct NewSession {
    pub session: Session,
    pub token: SessionSecret,
    pub csrf: SessionSecret,
}

impl Session {
    /// Start a session for `account` at `now` (Unix milliseconds).
    pub fn start(account: &str, now: i64, policy: SessionPolicy) -> Result<NewSession, CoreError> {
        let token = SessionSecret::generate()?;
        let csrf = SessionSecret::generate()?;
        let session = Session {
            id: session_id(token.expose()),
            account: account.to_owned(),
            created_at: now,
            last_seen: now,
            policy,
            revoked_at: None,
            csrf_hash: sha256(csrf.expose().as_bytes()),
        };
        Ok(NewSession {
            session,
            token,
            csrf,
        })
    }

    /// Whether the session still counts at `now`.
    pub fn check(&self, now: i64) -> Result<(), SessionEnd> {
        if self.revoked_at.is_some_and(|t| now >= t) {
            return Err(SessionEnd::Revoked);
        }
        if now - self.created_at >= self.policy.absolute_ms {
            return Err(SessionEnd::Expired);
        }
        if now - self.last_seen >= self.policy.idle_ms {
            return Err(SessionEnd::Idle);
        }
        Ok(())
    }

    /// Record a use at `now` (after a successful [`Session::check`]).
    pub fn touch(&mut self, now: i64) {
        self.last_seen = self.last_seen.max(now);
    }

    /// End the session (logout).
    pub fn revoke(&mut self, now: i64) {
        self.revoked_at.get_or_insert(now);
    }

    /// Whether `presented` is this session's CSRF token (constant time).
    pub fn csrf_matches(&self, presented: &str) -> bool {
        constant_time_eq(&sha256(presented.as_bytes()), &self.csrf_hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_796_094_000_000;

    fn start() -> NewSession {
        Session::start("staff_ani", T, SessionPolicy::default()).unwrap()
    }

    #[test]
    fn tokens_carry_256_random_bits_and_are_fresh_each_login() {
        let a = start();
        let b = start();
        let body = a.token.expose().strip_prefix(PREFIX).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(body).unwrap().len(), 32);
        assert_ne!(a.token.expose(), b.token.expose());
        assert_ne!(a.session.id, b.session.id);
        assert_eq!(a.session.id, session_id(a.token.expose()));
        assert!(!a.session.id.contains(body), "only the hash is kept");
    }

    #[test]
    fn idle_and_absolute_limits_end_a_session() {
        let mut s = start().session;
        assert_eq!(s.check(T + 29 * MINUTE_MS), Ok(()));
        assert_eq!(s.check(T + 30 * MINUTE_MS), Err(SessionEnd::Idle));
        // Used every 20 minutes it lives until the absolute limit, not longer.
        let mut now = T;
        while now + 20 * MINUTE_MS < T + 12 * 60 * MINUTE_MS {
            now += 20 * MINUTE_MS;
            assert_eq!(s.check(now), Ok(()), "at {}", (now - T) / MINUTE_MS);
            s.touch(now);
        }
        assert_eq!(s.check(T + 12 * 60 * MINUTE_MS), Err(SessionEnd::Expired));
    }

    #[test]
    fn logout_revokes_for_good() {
        let mut s = start().session;
        s.revoke(T + 1000);
        s.revoke(T + 5000);
        assert_eq!(s.revoked_at, Some(T + 1000));
        assert_eq!(s.check(T + 1000), Err(SessionEnd::Revoked));
        assert_eq!(s.check(T + 999), Ok(()));
    }

    #[test]
    fn csrf_token_matches_only_its_session() {
        let a = start();
        let b = start();
        assert!(a.session.csrf_matches(a.csrf.expose()));
        assert!(!a.session.csrf_matches(b.csrf.expose()));
        assert!(!a.session.csrf_matches(a.token.expose()));
        assert!(!a.session.csrf_matches(""));
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let n = start();
        let shown = format!("{:?} {:?} {:?}", n.token, n.csrf, n.session);
        assert!(shown.contains("redacted"));
        assert!(!shown.contains(n.token.expose()));
        assert!(!shown.contains(n.csrf.expose()));
    }
}
