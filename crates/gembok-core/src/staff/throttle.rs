//! Brute-force protection for one credential (a staff password, a TOTP secret, a set
//! of recovery codes, a customer's password or TOTP field).
//!
//! The first few failures cost nothing; after that each failure makes the next attempt
//! wait longer (doubling, up to 15 minutes), and after 100 consecutive failures the
//! credential locks until an admin unlocks it (the NIST limit). The verdict is asked
//! before any password is hashed, so a locked or waiting credential costs the server
//! nothing. A success resets the count. Per-address limits, which hold whatever the
//! account, live at the network edge.

/// The rules.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ThrottlePolicy {
    /// Failures allowed without any wait.
    pub free_failures: u32,
    /// Wait after the first failure beyond the free ones.
    pub first_delay_ms: i64,
    /// Longest wait.
    pub max_delay_ms: i64,
    /// Consecutive failures that lock the credential.
    pub lock_after: u32,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        ThrottlePolicy {
            free_failures: 5,
            first_delay_ms: 1_000,
            max_delay_ms: 15 * 60_000,
            lock_after: 100,
        }
    }
}

/// What to do with an attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Allowed,
    /// Refuse without checking; the client may retry after this many milliseconds.
    Wait {
        retry_after_ms: i64,
    },
    /// Refuse without checking until an admin unlocks the credential.
    Locked,
}

/// The failure record of one credential.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FailureState {
    pub consecutive: u32,
    /// Unix milliseconds of the last failure.
    pub last_failure: i64,
    pub locked: bool,
}

impl FailureState {
    /// The wait the current count imposes after the last failure.
    fn delay_ms(&self, p: &ThrottlePolicy) -> i64 {
        let beyond = self.consecutive.saturating_sub(p.free_failures);
        if beyond == 0 {
            return 0;
        }
        let doublings = (beyond - 1).min(30);
        p.first_delay_ms
            .saturating_mul(1i64 << doublings)
            .min(p.max_delay_ms)
    }

    /// May an attempt be checked at `now`? Ask before hashing anything.
    pub fn verdict(&self, now: i64, p: &ThrottlePolicy) -> Verdict {
        if self.locked {
            return Verdict::Locked;
        }
        // No wait is due: allowed even when another server, whose clock runs a little
        // ahead, stored a last failure later than `now`.
        let delay = self.delay_ms(p);
        let ready = self.last_failure.saturating_add(delay);
        if delay > 0 && now < ready {
            Verdict::Wait {
                retry_after_ms: ready - now,
            }
        } else {
            Verdict::Allowed
        }
    }

    /// Count a failed attempt at `now`; returns whether this one locked the credential
    /// (to be audited and notified).
    pub fn record_failure(&mut self, now: i64, p: &ThrottlePolicy) -> bool {
        self.consecutive = self.consecutive.saturating_add(1);
        self.last_failure = now;
        let locks = !self.locked && self.consecutive >= p.lock_after;
        self.locked |= locks;
        locks
    }

    /// A successful attempt: the count starts over.
    pub fn record_success(&mut self) {
        *self = FailureState::default();
    }

    /// An admin lifts a lock: the count starts over.
    pub fn unlock(&mut self) {
        *self = FailureState::default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_796_094_000_000;

    #[test]
    fn five_failures_are_free_then_waits_double_up_to_fifteen_minutes() {
        let p = ThrottlePolicy::default();
        let mut s = FailureState::default();
        for i in 0..5 {
            assert_eq!(s.verdict(T + i, &p), Verdict::Allowed);
            s.record_failure(T + i, &p);
        }
        // The fifth failure was free; the sixth will cost a second.
        assert_eq!(s.verdict(T + 5, &p), Verdict::Allowed);
        s.record_failure(T + 5, &p);
        assert_eq!(
            s.verdict(T + 6, &p),
            Verdict::Wait {
                retry_after_ms: 999
            }
        );
        assert_eq!(s.verdict(T + 1_005, &p), Verdict::Allowed);
        let mut waits = Vec::new();
        let mut now = T + 1_005;
        for _ in 0..14 {
            s.record_failure(now, &p);
            let Verdict::Wait { retry_after_ms } = s.verdict(now, &p) else {
                panic!("expected a wait");
            };
            waits.push(retry_after_ms);
            now += retry_after_ms;
        }
        assert_eq!(&waits[..4], &[2_000, 4_000, 8_000, 16_000]);
        assert_eq!(*waits.last().unwrap(), 15 * 60_000, "capped at 15 minutes");
        assert!(waits.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn a_hundred_consecutive_failures_lock_until_an_admin_unlocks() {
        let p = ThrottlePolicy::default();
        let mut s = FailureState::default();
        let mut locked_at = None;
        for i in 0..100u32 {
            if s.record_failure(T, &p) {
                locked_at = Some(i + 1);
            }
        }
        assert_eq!(locked_at, Some(100));
        assert_eq!(s.verdict(T + 24 * 3_600_000, &p), Verdict::Locked);
        assert!(!s.record_failure(T, &p), "locking is reported once");
        s.unlock();
        assert_eq!(s.verdict(T, &p), Verdict::Allowed);
        assert_eq!(s.consecutive, 0);
    }

    #[test]
    fn a_success_starts_the_count_over() {
        let p = ThrottlePolicy::default();
        let mut s = FailureState::default();
        for _ in 0..9 {
            s.record_failure(T, &p);
        }
        assert!(matches!(s.verdict(T, &p), Verdict::Wait { .. }));
        s.record_success();
        assert_eq!(s.verdict(T, &p), Verdict::Allowed);
        assert_eq!(s, FailureState::default());
    }

    /// Two servers' clocks differ by a few milliseconds: a free failure stored by the
    /// one ahead must not make the other wait.
    #[test]
    fn a_free_failure_stamped_later_by_another_clock_needs_no_wait() {
        let p = ThrottlePolicy::default();
        let mut s = FailureState::default();
        s.record_failure(T + 20, &p);
        assert_eq!(s.verdict(T, &p), Verdict::Allowed);
        for _ in 1..p.free_failures {
            s.record_failure(T + 20, &p);
        }
        assert_eq!(s.verdict(T, &p), Verdict::Allowed);
        s.record_failure(T + 20, &p);
        assert!(matches!(s.verdict(T, &p), Verdict::Wait { .. }));
    }
}
