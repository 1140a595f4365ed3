//! Record identifiers: random, never sequential, so an id reveals neither how many
//! customers a business has nor which came next.

use std::fmt;
use std::str::FromStr;

/// A record id: a UUIDv7 (48-bit millisecond time, 74 random bits). The time prefix
/// keeps B-tree inserts local; the random part makes ids unguessable.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RecordId([u8; 16]);

impl RecordId {
    /// A fresh random id.
    pub fn generate() -> Self {
        Self(*uuid::Uuid::now_v7().as_bytes())
    }

    /// Rebuild an id from the 16 bytes a store kept.
    pub fn from_bytes(bytes: [u8; 16]) -> Self {
        Self(bytes)
    }

    /// The 16 raw bytes, for storage and associated data.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&uuid::Uuid::from_bytes(self.0).hyphenated(), f)
    }
}

impl fmt::Debug for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecordId({self})")
    }
}

/// The text given was not a record id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not a record id (expected a UUID such as 0192f7c4-...)")]
pub struct InvalidRecordId;

impl FromStr for RecordId {
    type Err = InvalidRecordId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        uuid::Uuid::try_parse(s)
            .map(|u| Self(*u.as_bytes()))
            .map_err(|_| InvalidRecordId)
    }
}

/// As its hyphenated text, so audit events and API bodies show the same spelling.
impl serde::Serialize for RecordId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for RecordId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_round_trip() {
        let a = RecordId::generate();
        let b = RecordId::generate();
        assert_ne!(a, b);
        assert_eq!(a.to_string().parse::<RecordId>().unwrap(), a);
        assert_eq!(RecordId::from_bytes(*a.as_bytes()), a);
    }

    #[test]
    fn ids_are_not_sequential() {
        let a = RecordId::generate();
        let b = RecordId::generate();
        // The last 8 bytes are random: consecutive ids differ there.
        assert_ne!(a.as_bytes()[8..], b.as_bytes()[8..]);
    }

    #[test]
    fn serde_uses_the_text_form() {
        let a = RecordId::generate();
        let json = serde_json::to_string(&a).unwrap();
        assert_eq!(json, format!("\"{a}\""));
        assert_eq!(serde_json::from_str::<RecordId>(&json).unwrap(), a);
        assert!(serde_json::from_str::<RecordId>("\"nope\"").is_err());
    }

    #[test]
    fn garbage_is_refused() {
        assert!("12".parse::<RecordId>().is_err());
        assert!("not-an-id".parse::<RecordId>().is_err());
    }
}
