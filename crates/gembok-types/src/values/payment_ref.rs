//! Payment gateway references: what a business keeps instead of card data (seed D8).
//!
//! Form: `provider:reference`, optionally followed by ` card=` and the masked card the
//! gateway reports (`xendit:inv_5f2a card=411111******1111`). Anything that still holds
//! a full card number is refused outright, whatever else is wrong with it, so the error
//! a developer sees points at the real problem.

use super::{value_type, CARD_REASON};
use crate::card::contains_card_number;
use crate::ValidationError;

/// Gateways licensed in Indonesia (Midtrans, Xendit, DOKU) and Stripe for abroad.
const PROVIDERS: [&str; 4] = ["midtrans", "xendit", "doku", "stripe"];
const MAX_REF: usize = 128;
const CARD_PREFIX: &str = "card=";
/// Characters of the reference the mask keeps.
const SHOWN: usize = 4;

value_type!(
    /// A payment gateway reference, canonical with the provider in lowercase.
    PaymentRef
);

impl PaymentRef {
    /// Validate and normalise a gateway reference.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let s = input.trim();
        if contains_card_number(s) {
            return Err(ValidationError::new("payment_ref.card_number", CARD_REASON));
        }
        let mut tokens = s.split_whitespace();
        let (Some(main), card, None) = (tokens.next(), tokens.next(), tokens.next()) else {
            return Err(format_err());
        };
        let Some((provider, reference)) = main.split_once(':') else {
            return Err(format_err());
        };
        let provider = provider.to_ascii_lowercase();
        if !PROVIDERS.contains(&provider.as_str()) {
            return Err(ValidationError::new(
                "payment_ref.provider",
                "provider must be midtrans, xendit, doku or stripe",
            ));
        }
        let ref_ok = (1..=MAX_REF).contains(&reference.len())
            && reference
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'));
        if !ref_ok {
            return Err(ValidationError::new(
                "payment_ref.reference",
                "reference must be 1-128 characters of A-Z, a-z, 0-9, _, . and -",
            ));
        }
        // Sized up front: growing a String frees its old buffer without wiping it.
        let mut canonical = String::with_capacity(s.len());
        canonical.push_str(&provider);
        canonical.push(':');
        canonical.push_str(reference);
        if let Some(card) = card {
            let masked = card
                .get(..CARD_PREFIX.len())
                .filter(|p| p.eq_ignore_ascii_case(CARD_PREFIX))
                .map(|_| &card[CARD_PREFIX.len()..])
                .filter(|m| is_masked_card(m))
                .ok_or_else(|| {
                    ValidationError::new(
                        "payment_ref.card",
                        "card part must be card= and a masked card: first 6 digits, 2-9 *, last 4 digits",
                    )
                })?;
            canonical.push_str(" card=");
            canonical.push_str(masked);
        }
        Ok(Self::from_canonical(canonical))
    }

    /// The gateway (`xendit`).
    pub fn provider(&self) -> &str {
        self.main().split_once(':').map_or("", |(p, _)| p)
    }

    /// The gateway's own reference (`inv_5f2a`).
    pub fn reference(&self) -> &str {
        self.main().split_once(':').map_or("", |(_, r)| r)
    }

    /// The masked card the gateway reported, if any (`411111******1111`).
    pub fn masked_card(&self) -> Option<&str> {
        self.as_str().split_once(" card=").map(|(_, c)| c)
    }

    fn main(&self) -> &str {
        self.as_str().split(' ').next().unwrap_or("")
    }

    fn masked(&self) -> String {
        let reference = self.reference();
        // A reference of four characters or fewer would be shown whole: hide it all.
        let tail = if reference.len() > SHOWN {
            &reference[reference.len() - SHOWN..]
        } else {
            ""
        };
        let mut out = format!("{}:***{tail}", self.provider());
        if let Some(card) = self.masked_card() {
            out.push_str(" card=");
            out.push_str(card);
        }
        out
    }
}

fn format_err() -> ValidationError {
    ValidationError::new(
        "payment_ref.format",
        "write provider:reference, optionally followed by card= and a masked card",
    )
}

/// First 6 digits (the issuer), 2-9 stars, last 4 digits: 12-19 characters, the lengths
/// a real card can have, and never more than the 10 digits PCI DSS lets anyone display.
fn is_masked_card(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 12 || b.len() > 19 {
        return false;
    }
    let stars = b.len() - 10;
    b[..6].iter().all(u8::is_ascii_digit)
        && b[6..6 + stars].iter().all(|&c| c == b'*')
        && b[6 + stars..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_references_normalise() {
        for (input, canonical) in [
            ("xendit:inv_5f2a", "xendit:inv_5f2a"),
            ("Midtrans:ORDER-2024.001", "midtrans:ORDER-2024.001"),
            ("  DOKU:abc ", "doku:abc"),
            (
                "stripe:ch_3MmlLrLkdIwHu7ix0snN0B15 card=424242******4242",
                "stripe:ch_3MmlLrLkdIwHu7ix0snN0B15 card=424242******4242",
            ),
            (
                "xendit:inv_5f2a   CARD=411111******1111",
                "xendit:inv_5f2a card=411111******1111",
            ),
            (
                "xendit:x card=378282*****0005",
                "xendit:x card=378282*****0005",
            ),
            (
                "xendit:x card=400000*********0006",
                "xendit:x card=400000*********0006",
            ),
        ] {
            let p = PaymentRef::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(p.as_str(), canonical);
        }
        let p = PaymentRef::parse("xendit:inv_5f2a card=411111******1111").unwrap();
        assert_eq!(p.provider(), "xendit");
        assert_eq!(p.reference(), "inv_5f2a");
        assert_eq!(p.masked_card(), Some("411111******1111"));
    }

    #[test]
    fn invalid_references_are_refused_with_their_rule() {
        let long_ref = format!("xendit:{}", "a".repeat(129));
        for (input, rule) in [
            ("xendit:4111111111111111", "payment_ref.card_number"),
            (
                "xendit:inv_1 card=4111111111111111",
                "payment_ref.card_number",
            ),
            (
                "midtrans:ord 5555-5555-5555-4444",
                "payment_ref.card_number",
            ),
            ("doku:x card=2221000000000009", "payment_ref.card_number"),
            ("stripe:3782-822463-10005", "payment_ref.card_number"),
            ("xendit:4000000000000000006", "payment_ref.card_number"),
            ("4111 1111 1111 1111", "payment_ref.card_number"),
            ("", "payment_ref.format"),
            ("xendit", "payment_ref.format"),
            ("xendit:a card=411111******1111 extra", "payment_ref.format"),
            ("paypal:abc", "payment_ref.provider"),
            (":abc", "payment_ref.provider"),
            ("xendit:", "payment_ref.reference"),
            ("xendit:a/b", "payment_ref.reference"),
            ("xendit:a:b", "payment_ref.reference"),
            (long_ref.as_str(), "payment_ref.reference"),
            ("xendit:a card=4111**1111", "payment_ref.card"),
            ("xendit:a card=411111*1111", "payment_ref.card"),
            ("xendit:a card=411111**********1111", "payment_ref.card"),
            ("xendit:a card=41111x******1111", "payment_ref.card"),
            ("xendit:a cvv=123", "payment_ref.card"),
        ] {
            let e = PaymentRef::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
    }

    #[test]
    fn mask_keeps_provider_tail_and_masked_card() {
        for (canonical, mask) in [
            (
                "xendit:inv_5f2a card=411111******1111",
                "xendit:***5f2a card=411111******1111",
            ),
            ("midtrans:ORDER-2024.001", "midtrans:***.001"),
            ("doku:abcd", "doku:***"),
            ("doku:abcde", "doku:***bcde"),
        ] {
            assert_eq!(PaymentRef::mask_canonical(canonical), mask);
            assert_eq!(PaymentRef::parse(canonical).unwrap().mask(), mask);
        }
        for bad in [
            "Xendit:inv_5f2a",
            "xendit:inv_5f2a  card=411111******1111",
            "nope",
        ] {
            assert_eq!(PaymentRef::mask_canonical(bad), "***", "{bad:?}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let p = PaymentRef::parse("xendit:inv_5f2a").unwrap();
        assert_eq!(format!("{p:?}"), "PaymentRef([redacted])");
    }
}
