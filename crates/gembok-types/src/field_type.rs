//! The closed set of field types a schema may declare, and the dispatch from a type to
//! its validator, normaliser and mask.

use crate::{values, Normalized, ValidationError};

/// A field type. Its name in the schema file is the snake_case form (`postal_code`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    Email,
    Phone,
    Nik,
    Npwp,
    Date,
    Name,
    Address,
    PostalCode,
    Money,
    Text,
    Password,
    PaymentRef,
    /// A reference to another record (a customer id): how a non-customer record names
    /// its data subject.
    Reference,
}

impl FieldType {
    /// Every type, in schema-documentation order.
    pub const ALL: [FieldType; 13] = [
        FieldType::Email,
        FieldType::Phone,
        FieldType::Nik,
        FieldType::Npwp,
        FieldType::Date,
        FieldType::Name,
        FieldType::Address,
        FieldType::PostalCode,
        FieldType::Money,
        FieldType::Text,
        FieldType::Password,
        FieldType::PaymentRef,
        FieldType::Reference,
    ];

    /// The schema name of the type.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldType::Email => "email",
            FieldType::Phone => "phone",
            FieldType::Nik => "nik",
            FieldType::Npwp => "npwp",
            FieldType::Date => "date",
            FieldType::Name => "name",
            FieldType::Address => "address",
            FieldType::PostalCode => "postal_code",
            FieldType::Money => "money",
            FieldType::Text => "text",
            FieldType::Password => "password",
            FieldType::PaymentRef => "payment_ref",
            FieldType::Reference => "reference",
        }
    }

    /// Whether equality search (a blind index) makes sense for this type. A password is
    /// only ever verified, never looked up.
    pub fn searchable(self) -> bool {
        !matches!(self, FieldType::Password)
    }

    /// Validate and normalise raw input into the canonical text that is sealed and
    /// blind-indexed. The error names the rule that failed, never the value.
    pub fn normalize(self, input: &str) -> Result<Normalized, ValidationError> {
        let canonical = match self {
            FieldType::Email => values::Email::parse(input)?.into_normalized(),
            FieldType::Phone => values::Phone::parse(input)?.into_normalized(),
            FieldType::Nik => values::Nik::parse(input)?.into_normalized(),
            FieldType::Npwp => values::Npwp::parse(input)?.into_normalized(),
            FieldType::Date => values::Date::parse(input)?.into_normalized(),
            FieldType::Name => values::Name::parse(input)?.into_normalized(),
            FieldType::Address => values::Address::parse(input)?.into_normalized(),
            FieldType::PostalCode => values::PostalCode::parse(input)?.into_normalized(),
            FieldType::Money => values::Money::parse(input)?.into_normalized(),
            FieldType::Text => values::Text::parse(input)?.into_normalized(),
            FieldType::Password => values::Password::parse(input)?.into_normalized(),
            FieldType::PaymentRef => values::PaymentRef::parse(input)?.into_normalized(),
            FieldType::Reference => values::Reference::parse(input)?.into_normalized(),
        };
        Ok(canonical)
    }

    /// The masked form of a value already in canonical form (as `normalize` returns it).
    /// A password masks to a fixed string whatever it holds.
    pub fn mask(self, canonical: &str) -> String {
        match self {
            FieldType::Email => values::Email::mask_canonical(canonical),
            FieldType::Phone => values::Phone::mask_canonical(canonical),
            FieldType::Nik => values::Nik::mask_canonical(canonical),
            FieldType::Npwp => values::Npwp::mask_canonical(canonical),
            FieldType::Date => values::Date::mask_canonical(canonical),
            FieldType::Name => values::Name::mask_canonical(canonical),
            FieldType::Address => values::Address::mask_canonical(canonical),
            FieldType::PostalCode => values::PostalCode::mask_canonical(canonical),
            FieldType::Money => values::Money::mask_canonical(canonical),
            FieldType::Text => values::Text::mask_canonical(canonical),
            FieldType::Password => values::Password::mask_canonical(canonical),
            FieldType::PaymentRef => values::PaymentRef::mask_canonical(canonical),
            FieldType::Reference => values::Reference::mask_canonical(canonical),
        }
    }
}

impl std::fmt::Display for FieldType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
