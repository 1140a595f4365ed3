//! Names that appear in schemas, policies and audit events: collections, fields and
//! processing purposes.
//!
//! They share one spelling rule, `[a-z][a-z0-9_]{0,62}`, so a name is always safe to put
//! in a URL path, a SQL identifier position, an AEAD associated-data string and a log line
//! without escaping. Names are configuration, not personal data, so they print freely.

use std::fmt;
use std::str::FromStr;

/// Longest name allowed: short enough for any SQL identifier limit (PostgreSQL: 63).
const MAX_LEN: usize = 63;

/// A name broke the spelling rule. The message states the rule, never the rejected text,
/// since a mistyped name can carry whatever a caller pasted into it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind}: must start with a lowercase letter a-z, then use only a-z, 0-9 and _, at most 63 characters")]
pub struct InvalidName {
    kind: &'static str,
}

impl InvalidName {
    /// Which kind of name was refused (`collection name`, `field name`, `purpose`).
    pub fn kind(&self) -> &'static str {
        self.kind
    }
}

fn is_valid(s: &str) -> bool {
    let bytes = s.as_bytes();
    match bytes.first() {
        Some(b'a'..=b'z') => {}
        _ => return false,
    }
    bytes.len() <= MAX_LEN
        && bytes
            .iter()
            .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'))
}

macro_rules! name_type {
    ($(#[$doc:meta])* $ty:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[derive(serde::Serialize, serde::Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $ty(String);

        impl $ty {
            /// Check the spelling rule and wrap the name.
            pub fn parse(s: &str) -> Result<Self, InvalidName> {
                if is_valid(s) {
                    Ok(Self(s.to_owned()))
                } else {
                    Err(InvalidName { kind: $kind })
                }
            }

            /// The name as written.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $ty {
            type Err = InvalidName;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        impl TryFrom<String> for $ty {
            type Error = InvalidName;

            fn try_from(s: String) -> Result<Self, Self::Error> {
                if is_valid(&s) {
                    Ok(Self(s))
                } else {
                    Err(InvalidName { kind: $kind })
                }
            }
        }

        impl From<$ty> for String {
            fn from(name: $ty) -> String {
                name.0
            }
        }

        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        // Eq, Ord and Hash are derived from the inner String, so they agree with str's:
        // maps keyed by names can be searched with a plain &str.
        impl std::borrow::Borrow<str> for $ty {
            fn borrow(&self) -> &str {
                &self.0
            }
        }
    };
}

name_type!(
    /// The name of a collection of records (`customers`, `orders`).
    CollectionName,
    "collection name"
);
name_type!(
    /// The name of a field inside a collection (`email`, `nik`).
    FieldName,
    "field name"
);
name_type!(
    /// A declared processing purpose (`shipping`, `fraud_check`): every read of personal
    /// data states one, and the policy checks the reader's role allows it.
    Purpose,
    "purpose"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_are_accepted() {
        let longest = format!("a{}", "b".repeat(62));
        for ok in [
            "a",
            "customers",
            "order_items",
            "x2",
            "a_1_b",
            longest.as_str(),
        ] {
            assert_eq!(CollectionName::parse(ok).unwrap().as_str(), ok);
            assert_eq!(FieldName::parse(ok).unwrap().to_string(), ok);
            assert_eq!(ok.parse::<Purpose>().unwrap().as_ref(), ok);
        }
    }

    #[test]
    fn invalid_names_are_refused() {
        let too_long = format!("a{}", "b".repeat(63));
        for bad in [
            "",
            "1abc",
            "_abc",
            "Customers",
            "cust-omers",
            "cust omers",
            "café",
            "a.b",
            too_long.as_str(),
        ] {
            assert!(CollectionName::parse(bad).is_err(), "{bad:?}");
            assert!(FieldName::parse(bad).is_err(), "{bad:?}");
            assert!(Purpose::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn error_states_the_rule_not_the_input() {
        let err = FieldName::parse("Secret-Input").unwrap_err();
        let msg = err.to_string();
        assert!(!msg.contains("Secret"), "{msg}");
        assert!(msg.contains("field name"), "{msg}");
        assert!(msg.contains("a-z, 0-9 and _"), "{msg}");
        assert_eq!(err.kind(), "field name");
        assert_eq!(Purpose::parse("X").unwrap_err().kind(), "purpose");
    }

    #[test]
    fn serde_goes_through_the_rule() {
        let name: CollectionName = serde_json::from_str("\"customers\"").unwrap();
        assert_eq!(name.as_str(), "customers");
        assert_eq!(serde_json::to_string(&name).unwrap(), "\"customers\"");
        assert!(serde_json::from_str::<CollectionName>("\"Customers\"").is_err());
        assert!(serde_json::from_str::<Purpose>("\"\"").is_err());
    }

    #[test]
    fn names_order_and_compare_by_text() {
        let a = FieldName::parse("alpha").unwrap();
        let b = FieldName::parse("beta").unwrap();
        assert!(a < b);
        assert_eq!(a, FieldName::parse("alpha").unwrap());
    }
}
