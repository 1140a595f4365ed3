//! The secret string type for webhook keys and SMTP passwords: its `Debug` is redacted and
//! its bytes are zeroized when it is dropped, so secrets do not reach logs or linger in
//! freed memory.
use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

/// A secret value (webhook signing key, SMTP password).
///
/// `Debug` prints `Secret(<redacted>)`; there is deliberately no `Display` and no
/// `Serialize`. Read it with [`Secret::expose`] only where it is used.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret's text, for the one place that must use it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty (an empty key is refused by the channels).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let s = Secret::new("hunter2-very-secret");
        let shown = format!("{s:?} {s:#?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("redacted"));
        assert_eq!(s.expose(), "hunter2-very-secret");
    }
}
