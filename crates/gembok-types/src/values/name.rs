//! Personal names, in any script.
//!
//! Indonesian names range from a single word (`Sukarno`) to long Arabic-derived names
//! with apostrophes (`Ma'ruf`), so the rule is permissive about letters and strict about
//! everything else: no digits and no control characters, which also means a card number
//! or an ID number cannot be hidden in a name field. Case is kept as written.

use super::{collapse_whitespace, value_type};
use crate::ValidationError;

const MAX_CHARS: usize = 200;

value_type!(
    /// A person's name, trimmed and with inner whitespace collapsed.
    Name
);

/// Punctuation names really use; `’` is the typographic apostrophe phones insert.
fn allowed(c: char) -> bool {
    c.is_alphabetic()
        || matches!(c, ' ' | '.' | '\'' | '’' | '-' | ',')
        // Combining diacritics, for names typed in decomposed form (`Jose\u{301}`).
        || ('\u{300}'..='\u{36f}').contains(&c)
}

impl Name {
    /// Validate and normalise a name.
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        if input.chars().any(|c| c.is_control() && !c.is_whitespace()) {
            return Err(ValidationError::new(
                "name.characters",
                "may contain only letters, spaces and . ' - ,",
            ));
        }
        let s = collapse_whitespace(input);
        if s.is_empty() {
            return Err(ValidationError::new("name.empty", "is empty"));
        }
        if s.chars().count() > MAX_CHARS {
            return Err(ValidationError::new(
                "name.length",
                "longer than 200 characters",
            ));
        }
        if !s.chars().all(allowed) {
            return Err(ValidationError::new(
                "name.characters",
                "may contain only letters, spaces and . ' - ,",
            ));
        }
        if !s.chars().any(char::is_alphabetic) {
            return Err(ValidationError::new(
                "name.letters",
                "must contain a letter",
            ));
        }
        Ok(Self::from_canonical(s.as_str().to_owned()))
    }

    fn masked(&self) -> String {
        self.as_str()
            .split(' ')
            .map(|word| match word.chars().find(|c| c.is_alphabetic()) {
                Some(initial) => format!("{initial}***"),
                None => "***".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_names_normalise() {
        let longest = "a".repeat(200);
        for (input, canonical) in [
            ("Budi Santoso", "Budi Santoso"),
            ("  Budi   Santoso \n", "Budi Santoso"),
            ("Sukarno", "Sukarno"),
            ("Ma'ruf Amin", "Ma'ruf Amin"),
            ("Siti Nur’aini", "Siti Nur’aini"),
            (
                "Dr. Ir. H. Joko Widodo, M.Sc.",
                "Dr. Ir. H. Joko Widodo, M.Sc.",
            ),
            ("Jean-Pierre\tLéa", "Jean-Pierre Léa"),
            ("José", "José"),
            ("Jose\u{301}", "Jose\u{301}"),
            ("王小明", "王小明"),
            (longest.as_str(), longest.as_str()),
        ] {
            let name = Name::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(name.as_str(), canonical);
        }
    }

    #[test]
    fn invalid_names_are_refused_with_their_rule() {
        let too_long = "a".repeat(201);
        for (input, rule) in [
            ("", "name.empty"),
            (" \t ", "name.empty"),
            ("Budi 2", "name.characters"),
            ("4111 1111 1111 1111", "name.characters"),
            ("Budi\u{0}Santoso", "name.characters"),
            ("Budi\u{1b}[31m", "name.characters"),
            ("budi@example.com", "name.characters"),
            ("Budi (Toko)", "name.characters"),
            ("Budi٣", "name.characters"),
            ("- . ,", "name.letters"),
            (too_long.as_str(), "name.length"),
        ] {
            let e = Name::parse(input).expect_err(input);
            assert_eq!(e.rule, rule, "{input:?}");
        }
    }

    #[test]
    fn mask_shows_initials() {
        for (canonical, mask) in [
            ("Budi Santoso", "B*** S***"),
            ("Sukarno", "S***"),
            ("'Aisyah - Putri", "A*** *** P***"),
            ("Élodie", "É***"),
        ] {
            assert_eq!(Name::mask_canonical(canonical), mask);
            assert_eq!(Name::parse(canonical).unwrap().mask(), mask);
        }
        for bad in [" Budi", "Budi  Santoso", "Budi 2", ""] {
            assert_eq!(Name::mask_canonical(bad), "***", "{bad:?}");
        }
    }

    #[test]
    fn debug_is_redacted() {
        let name = Name::parse("Budi Santoso").unwrap();
        assert_eq!(format!("{name:?}"), "Name([redacted])");
    }
}
