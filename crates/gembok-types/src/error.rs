//! The one error a personal value can fail validation with.
//!
//! It names the rule that failed and why, in words an operator can act on, and never the
//! value itself: validation errors travel into API responses, logs and audit events,
//! none of which may carry personal data.

/// A value failed validation. `rule` is a stable dotted identifier (`nik.province`) that
/// clients may match on; `reason` is a short human explanation. Neither holds the value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
#[error("{rule}: {reason}")]
pub struct ValidationError {
    /// Stable rule identifier, `type.rule` (for example `phone.format`).
    pub rule: &'static str,
    /// Why the rule refused the value, without quoting it.
    pub reason: &'static str,
}

impl ValidationError {
    /// An error for `rule` with `reason`. Both are static so no caller can smuggle the
    /// offending value into the message.
    pub const fn new(rule: &'static str, reason: &'static str) -> Self {
        Self { rule, reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_rule_then_reason() {
        let e = ValidationError::new("nik.province", "unknown province code");
        assert_eq!(e.to_string(), "nik.province: unknown province code");
        assert_eq!(e.rule, "nik.province");
        assert_eq!(e.reason, "unknown province code");
    }
}
