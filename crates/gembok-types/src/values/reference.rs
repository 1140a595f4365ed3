//! References to other records: how an order names the customer it belongs to.
//!
//! The value is a `RecordId`, random and meaningless outside the vault, so it is not
//! personal data and masks to itself; it still goes through the same sealed path as
//! every other field value, which keeps the field machinery uniform.

use super::value_type;
use crate::{RecordId, ValidationError};

value_type!(
    /// A record id, canonical as a lowercase hyphenated UUID.
    Reference
);

impl Reference {
    /// Accept any UUID spelling (hyphenated, simple, braced, URN; any case).
    pub fn parse(input: &str) -> Result<Self, ValidationError> {
        let id: RecordId = input.trim().parse().map_err(|_| {
            ValidationError::new("reference.format", "must be a record id (a UUID)")
        })?;
        Ok(Self::from(id))
    }

    /// The record this refers to.
    pub fn record_id(&self) -> RecordId {
        // Canonical text always parses; the nil id only keeps this total.
        self.as_str()
            .parse()
            .unwrap_or(RecordId::from_bytes([0; 16]))
    }

    fn masked(&self) -> String {
        self.as_str().to_owned()
    }
}

impl From<RecordId> for Reference {
    fn from(id: RecordId) -> Self {
        Self::from_canonical(id.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ID: &str = "0192f7c4-5a1b-7c3d-8e9f-0123456789ab";

    #[test]
    fn uuid_spellings_normalise() {
        for input in [
            ID,
            "0192F7C4-5A1B-7C3D-8E9F-0123456789AB",
            " 0192f7c45a1b7c3d8e9f0123456789ab ",
            "{0192f7c4-5a1b-7c3d-8e9f-0123456789ab}",
            "urn:uuid:0192f7c4-5a1b-7c3d-8e9f-0123456789ab",
        ] {
            let r = Reference::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert_eq!(r.as_str(), ID);
            assert_eq!(r.record_id().to_string(), ID);
        }
        let id = RecordId::generate();
        assert_eq!(Reference::from(id).record_id(), id);
    }

    #[test]
    fn non_ids_are_refused() {
        for bad in [
            "",
            "12",
            "not-an-id",
            "0192f7c4-5a1b-7c3d-8e9f-0123456789a",
            "budi@gmail.com",
        ] {
            assert_eq!(
                Reference::parse(bad).unwrap_err().rule,
                "reference.format",
                "{bad:?}"
            );
        }
    }

    #[test]
    fn mask_is_the_id_itself() {
        assert_eq!(Reference::mask_canonical(ID), ID);
        assert_eq!(Reference::parse(ID).unwrap().mask(), ID);
        assert_eq!(Reference::mask_canonical(&ID.to_uppercase()), "***");
        assert_eq!(Reference::mask_canonical("x"), "***");
    }

    #[test]
    fn debug_is_redacted() {
        let r = Reference::parse(ID).unwrap();
        assert_eq!(format!("{r:?}"), "Reference([redacted])");
    }
}
