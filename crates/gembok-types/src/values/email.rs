//! E-mail addresses: the contact detail most customers give first.
//!
//! Canonical form is trimmed and lowercased as a whole. Mail providers treat local parts
//! case-insensitively in practice, and one spelling per address is what lets a blind
//! index find `Budi@Gmail.com` when asked for `budi@gmail.com`.

use super::value_type;
use crate::ValidationError;

const MAX_TOTAL: usize = 254;
const MAX_LOCAL: usize = 64;
const MAX_LABEL: usize = 63;

value_type!(
    /// An e-mail address in canonical form (`budi.santoso@gmail.com`).
    Email
);

fn err(rule: &'static str, reason: &'static str) -> ValidationError {
    ValidationError::new(rule, reason)
}

impl Email {
    /// Validate and normalise an e-mail address.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        // Validate the lowercased text: lowercasing can change byte lengths, and the
        // limits must hold for what is stored.
        let s = zeroize::Zeroizing::new(input.trim().to_lowercase());
        if s.is_empty() {
            return Err(err("email.empty", "is empty"));
        }
        if s.len() > MAX_TOTAL {
            return Err(err("email.length", "longer than 254 characters"));
        }
        if s.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(err(
                "email.characters",
                "contains spaces or control characters",
            ));
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(err("email.format", "needs exactly one @"));
        };
        if domain.contains('@') {
            return Err(err("email.format", "needs exactly one @"));
        }
        check_local(local)?;
        check_domain(domain)?;
        Ok(Self::from_canonical(s.as_str().to_owned()))
    }

    /// The part before the `@`.
    pub fn local_part(&self) -> &str {
        self.as_str().split_once('@').map_or("", |(l, _)| l)
    }

    /// The part after the `@`.
    pub fn domain(&self) -> &str {
        self.as_str().split_once('@').map_or("", |(_, d)| d)
    }

    fn masked(&self) -> String {
        let first = self.local_part().chars().next().unwrap_or('*');
        format!("{first}***@{}", self.domain())
    }
}

fn check_local(local: &str) -> Result<(), ValidationError> {
    if local.is_empty() || local.len() > MAX_LOCAL {
        return Err(err(
            "email.local_part",
            "local part must be 1-64 characters",
        ));
    }
    // RFC 5322 dot-atom; non-ASCII letters are allowed for internationalised mail (RFC
    // 6531). Quoted local parts are legal but practically never real: refused.
    let allowed = |c: char| {
        c.is_ascii_alphanumeric()
            || "!#$%&'*+/=?^_`{|}~-.".contains(c)
            || (!c.is_ascii() && c.is_alphanumeric())
    };
    if !local.chars().all(allowed)
        || local.starts_with('.')
        || local.ends_with('.')
        || local.contains("..")
    {
        return Err(err(
            "email.local_part",
            "local part has characters or dots an address cannot use",
        ));
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), ValidationError> {
    const REASON: &str = "domain must be dot-separated labels of letters, digits and inner hyphens";
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(err("email.domain", "domain needs a dot"));
    }
    for label in &labels {
        let ok = !label.is_empty()
            && label.len() <= MAX_LABEL
            && !label.starts_with('-')
            && !label.ends_with('-')
            && label.chars().all(|c| c.is_alphanumeric() || c == '-');
        if !ok {
            return Err(err("email.domain", REASON));
        }
    }
    // An all-digit top-level label means an IP address, not a mail domain.
    if labels
        .last()
        .is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(err("email.domain", REASON));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_addresses_normalise() {
        for (input, canonical) in [
            ("budi@gmail.com", "budi@gmail.com"),
            ("  Budi.Santoso@Gmail.COM ", "budi.santoso@gmail.com"),
            (
                "siti+toko@mail.example.co.id",
                "siti+toko@mail.example.co.id",
            ),
            ("a@b.id", "a@b.id"),
            (
                "o'neil_1@sub-domain.example.org",
                "o'neil_1@sub-domain.example.org",
            ),
            ("dewi@contoh.indonesia", "dewi@contoh.indonesia"),
        ] {
            let email = Email::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(email.as_str(), canonical);
        }
    }

    #[test]
    fn invalid_addresses_are_refused_with_their_rule() {
        let long_local = format!("{}@example.com", "a".repeat(65));
        let long_total = format!("a@{}.com", "b.".repeat(130));
        for (input, rule) in [
            ("", "email.empty"),
            ("   ", "email.empty"),
            ("budi", "email.format"),
            ("budi@@gmail.com", "email.format"),
            ("a@b@c.com", "email.format"),
            ("budi santoso@gmail.com", "email.characters"),
            ("budi\u{0}@gmail.com", "email.characters"),
            ("@gmail.com", "email.local_part"),
            (".budi@gmail.com", "email.local_part"),
            ("bu..di@gmail.com", "email.local_part"),
            ("budi.@gmail.com", "email.local_part"),
            ("bu(di)@gmail.com", "email.local_part"),
            (long_local.as_str(), "email.local_part"),
            ("budi@gmail", "email.domain"),
            ("budi@", "email.domain"),
            ("budi@.com", "email.domain"),
            ("budi@gmail..com", "email.domain"),
            ("budi@-gmail.com", "email.domain"),
            ("budi@gmail_x.com", "email.domain"),
            ("budi@10.0.0.1", "email.domain"),
            (long_total.as_str(), "email.length"),
        ] {
            let e = Email::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
    }

    #[test]
    fn mask_shows_first_letter_and_domain() {
        let email = Email::parse("Budi.Santoso@Gmail.com").unwrap();
        assert_eq!(email.mask(), "b***@gmail.com");
        assert_eq!(Email::mask_canonical("budi@gmail.com"), "b***@gmail.com");
        assert_eq!(email.local_part(), "budi.santoso");
        assert_eq!(email.domain(), "gmail.com");
    }

    #[test]
    fn mask_of_non_canonical_text_is_fully_starred() {
        for text in ["Budi@gmail.com", "not an email", "", " a@b.id"] {
            assert_eq!(Email::mask_canonical(text), "***", "{text:?}");
        }
    }

    #[test]
    fn debug_and_errors_never_show_the_address() {
        let email = Email::parse("budi@gmail.com").unwrap();
        assert_eq!(format!("{email:?}"), "Email([redacted])");
        let e = Email::parse("budi santoso@gmail.com").unwrap_err();
        assert!(!e.to_string().contains("budi"));
    }

    #[test]
    fn normalised_text_is_the_canonical_form() {
        let n = "Budi@Gmail.com".parse::<Email>().unwrap().into_normalized();
        assert_eq!(n.as_str(), "budi@gmail.com");
    }
}
