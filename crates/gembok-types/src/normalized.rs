//! The canonical text of one personal value, as sealed and blind-indexed.
//!
//! A `Normalized` is what every field type's parser hands on: the single spelling under
//! which equal values compare equal. It holds personal data, so it zeroizes its buffer on
//! drop, redacts its `Debug`, and deliberately has no `Display` so it cannot slip into a
//! format string by accident.

use std::fmt;

use zeroize::Zeroizing;

/// Canonical text of a personal value. Obtain one from `FieldType::normalize` or a value
/// type's `into_normalized`; `new` trusts its caller that the text is already canonical.
#[derive(Clone, PartialEq, Eq)]
pub struct Normalized(Zeroizing<String>);

impl Normalized {
    /// Wrap text that is already canonical (for example a value just opened from the
    /// vault). Nothing is validated here.
    pub fn new(canonical: String) -> Self {
        Self(Zeroizing::new(canonical))
    }

    /// Same as [`Normalized::new`], named for call sites that rebuild a value from a
    /// trusted source (a ciphertext that just verified), so the trust is visible there.
    pub fn from_trusted(canonical: String) -> Self {
        Self::new(canonical)
    }

    /// The canonical text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The canonical text as bytes, for sealing and blind indexing.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }

    /// The canonical text, still wiped when the caller drops it.
    pub fn into_inner(self) -> Zeroizing<String> {
        self.0
    }
}

impl fmt::Debug for Normalized {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Normalized([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accessors_return_the_text() {
        let n = Normalized::new("budi@example.com".to_owned());
        assert_eq!(n.as_str(), "budi@example.com");
        assert_eq!(n.as_bytes(), b"budi@example.com");
        assert_eq!(n.clone().into_inner().as_str(), "budi@example.com");
        assert_eq!(
            Normalized::from_trusted("x".to_owned()),
            Normalized::new("x".to_owned())
        );
    }

    #[test]
    fn debug_is_redacted() {
        let n = Normalized::new("3174096112900002".to_owned());
        let shown = format!("{n:?} {n:#?}");
        assert!(!shown.contains("3174"), "{shown}");
        assert_eq!(format!("{n:?}"), "Normalized([redacted])");
    }
}
