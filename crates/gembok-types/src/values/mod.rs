//! The personal-data value types, one file each.
//!
//! Every type is a newtype over its canonical text with a private field: the only way in
//! is `parse`, which validates and normalises, so holding an `Email` proves the text is a
//! well-formed e-mail address in canonical spelling. Each type also owns its mask, the
//! form a support agent with `masked` access sees. `mask_canonical` works on stored
//! canonical text and never panics: text that is not canonical for the type masks to a
//! fully starred `***` rather than leaking through a half-applied rule. All types redact
//! their `Debug` and wipe their buffer on drop.

mod address;
mod date;
mod email;
mod money;
mod name;
mod nik;
mod npwp;
mod password;
mod payment_ref;
mod phone;
mod postal_code;
mod reference;
mod text;
mod totp;

pub use address::Address;
pub use date::Date;
pub use email::Email;
pub use money::Money;
pub use name::Name;
pub use nik::Nik;
pub use npwp::Npwp;
pub use password::Password;
pub use payment_ref::PaymentRef;
pub use phone::Phone;
pub use postal_code::PostalCode;
pub use reference::Reference;
pub use text::Text;
pub use totp::Totp;

use crate::ValidationError;

/// What a value masks to when its stored text is not canonical for its type.
const FULL_MASK: &str = "***";

/// Reason shared by every type that refuses an embedded card number (seed D8).
const CARD_REASON: &str =
    "looks like a payment card number; store a payment gateway reference instead";

/// The digits of `input` without the spaces, dots and dashes people write between
/// groups; any other character is refused with `refusal`, which names the type's rule.
fn separated_digits(
    input: &str,
    refusal: ValidationError,
) -> Result<zeroize::Zeroizing<String>, ValidationError> {
    let mut digits = zeroize::Zeroizing::new(String::with_capacity(input.len()));
    for c in input.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' => {}
            _ => return Err(refusal),
        }
    }
    Ok(digits)
}

/// Trim and collapse every run of whitespace (including newlines) into one space.
fn collapse_whitespace(s: &str) -> zeroize::Zeroizing<String> {
    let mut out = zeroize::Zeroizing::new(String::with_capacity(s.len()));
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// The plumbing every value type shares: accessors, conversion into `Normalized`,
/// a redacted `Debug`, `FromStr`, and (unless the type masks by a fixed rule) `mask`
/// and `mask_canonical` built on the type's own `masked`.
macro_rules! value_type {
    ($(#[$doc:meta])* $ty:ident) => {
        value_type!(@common $(#[$doc])* $ty);

        impl $ty {
            /// The masked form, for readers with `masked` access.
            pub fn mask(&self) -> String {
                self.masked()
            }

            /// The masked form of text already in canonical form. Text that is not
            /// canonical for this type masks to `***`.
            pub fn mask_canonical(canonical: &str) -> String {
                match Self::parse(canonical) {
                    Ok(value) if value.as_str() == canonical => value.masked(),
                    _ => $crate::values::FULL_MASK.to_owned(),
                }
            }
        }
    };
    (@common $(#[$doc:meta])* $ty:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq)]
        pub struct $ty(zeroize::Zeroizing<String>);

        impl $ty {
            fn from_canonical(canonical: String) -> Self {
                Self(zeroize::Zeroizing::new(canonical))
            }

            /// The canonical text.
            pub fn as_str(&self) -> &str {
                &self.0
            }

            /// Hand the canonical text on for sealing and blind indexing.
            pub fn into_normalized(mut self) -> $crate::Normalized {
                // Moving the buffer out leaves an empty string for the wiper; no copy
                // of the value is left behind.
                $crate::Normalized::new(std::mem::take(&mut *self.0))
            }
        }

        impl std::fmt::Debug for $ty {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($ty), "([redacted])"))
            }
        }

        impl std::str::FromStr for $ty {
            type Err = $crate::ValidationError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}
use value_type;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapse_whitespace_table() {
        for (input, expected) in [
            ("  a  b \n\t c ", "a b c"),
            ("abc", "abc"),
            ("", ""),
            (" \n ", ""),
        ] {
            assert_eq!(collapse_whitespace(input).as_str(), expected, "{input:?}");
        }
    }
}
