//! The six kinds of customer data the seed guide names (section B).
//!
//! Every schema field carries one class; the class drives defaults for encryption,
//! masking, access and retention elsewhere, so this module only owns the closed set and
//! its spelling.

use std::fmt;

/// A data class. Its schema spelling is lowercase (`behavior`).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum DataClass {
    /// Who the customer is: name, address, birth date.
    Identity,
    /// How to reach them: e-mail, phone.
    Contact,
    /// What they bought and how they paid.
    Transaction,
    /// Their login with the business: username, password.
    Account,
    /// What they did: activity, preferences.
    Behavior,
    /// Specific personal data under UU PDP Art. 4: KTP/NIK, NPWP, finances, health.
    Sensitive,
}

impl DataClass {
    /// Every class, in the order the seed guide lists them.
    pub const ALL: [DataClass; 6] = [
        DataClass::Identity,
        DataClass::Contact,
        DataClass::Transaction,
        DataClass::Account,
        DataClass::Behavior,
        DataClass::Sensitive,
    ];

    /// The schema spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            DataClass::Identity => "identity",
            DataClass::Contact => "contact",
            DataClass::Transaction => "transaction",
            DataClass::Account => "account",
            DataClass::Behavior => "behavior",
            DataClass::Sensitive => "sensitive",
        }
    }
}

impl fmt::Display for DataClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelling_round_trips_through_serde() {
        for class in DataClass::ALL {
            assert_eq!(class.to_string(), class.as_str());
            let json = serde_json::to_string(&class).unwrap();
            assert_eq!(json, format!("\"{}\"", class.as_str()));
            assert_eq!(serde_json::from_str::<DataClass>(&json).unwrap(), class);
        }
        assert_eq!(DataClass::Behavior.as_str(), "behavior");
    }

    #[test]
    fn unknown_spellings_are_refused() {
        for bad in ["\"\"", "\"Identity\"", "\"behaviour\"", "\"secret\""] {
            assert!(serde_json::from_str::<DataClass>(bad).is_err(), "{bad}");
        }
    }
}
