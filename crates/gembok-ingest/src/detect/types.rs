//! The kinds of personal data a column can hold, as scan and import name them.

use gembok_types::FieldType;

/// A personal-data type found in a column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PiiType {
    Email,
    Phone,
    Nik,
    Npwp,
    CardNumber,
    Name,
    Address,
    BirthDate,
    PostalCode,
}

impl PiiType {
    /// Every type, in report order.
    pub const ALL: [PiiType; 9] = [
        PiiType::Email,
        PiiType::Phone,
        PiiType::Nik,
        PiiType::Npwp,
        PiiType::CardNumber,
        PiiType::Name,
        PiiType::Address,
        PiiType::BirthDate,
        PiiType::PostalCode,
    ];

    /// The name used in reports and JSON (`card_number`, `birth_date`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            PiiType::Email => "email",
            PiiType::Phone => "phone",
            PiiType::Nik => "nik",
            PiiType::Npwp => "npwp",
            PiiType::CardNumber => "card_number",
            PiiType::Name => "name",
            PiiType::Address => "address",
            PiiType::BirthDate => "birth_date",
            PiiType::PostalCode => "postal_code",
        }
    }

    /// The vault field type that stores this kind of value; card numbers have none,
    /// because the vault never stores them.
    pub fn field_type(self) -> Option<FieldType> {
        Some(match self {
            PiiType::Email => FieldType::Email,
            PiiType::Phone => FieldType::Phone,
            PiiType::Nik => FieldType::Nik,
            PiiType::Npwp => FieldType::Npwp,
            PiiType::CardNumber => return None,
            PiiType::Name => FieldType::Name,
            PiiType::Address => FieldType::Address,
            PiiType::BirthDate => FieldType::Date,
            PiiType::PostalCode => FieldType::PostalCode,
        })
    }

    /// Parse a report name back.
    pub fn parse(s: &str) -> Option<PiiType> {
        PiiType::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// Types whose values carry enough structure (a checksum, a fixed layout, an `@`)
    /// that a column of them is recognised whatever its header says.
    pub(crate) fn is_structured(self) -> bool {
        matches!(
            self,
            PiiType::Email | PiiType::Nik | PiiType::Npwp | PiiType::CardNumber | PiiType::Phone
        )
    }
}

impl std::fmt::Display for PiiType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
