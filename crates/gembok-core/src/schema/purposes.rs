//! Purposes as the schema declares them: the legal basis of each and a short description
//! in Bahasa Indonesia and English for the privacy notice.
//!
//! Fields name purposes; a `[purposes.NAME]` table says on what ground the business
//! processes data for it (UU PDP Art. 20, GDPR Art. 6). A purpose with basis `consent`
//! may only be used for a subject who has granted consent and not withdrawn it. Purposes
//! a field names without a table get the built-in entry for well-known names, else the
//! basis `legitimate_interest` and the name as description: the schema author should
//! declare them, and the minimisation report and privacy notice make that visible.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The ground on which data is processed for a purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LegalBasis {
    /// The subject agreed, and may withdraw at any time.
    Consent,
    /// Needed to carry out a contract with the subject (an order, an account).
    Contract,
    /// Required by law (tax records, court orders).
    LegalObligation,
    /// To protect someone's vital interests.
    VitalInterest,
    /// A task in the public interest or official authority.
    PublicTask,
    /// The business's legitimate interest, balanced against the subject's rights.
    LegitimateInterest,
}

impl LegalBasis {
    /// The schema spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            LegalBasis::Consent => "consent",
            LegalBasis::Contract => "contract",
            LegalBasis::LegalObligation => "legal_obligation",
            LegalBasis::VitalInterest => "vital_interest",
            LegalBasis::PublicTask => "public_task",
            LegalBasis::LegitimateInterest => "legitimate_interest",
        }
    }
}

/// One purpose with its basis and descriptions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PurposeSpec {
    pub name: String,
    pub basis: LegalBasis,
    /// What the purpose is, in English.
    pub en: String,
    /// What the purpose is, in Bahasa Indonesia.
    pub id: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPurpose {
    basis: LegalBasis,
    en: Option<String>,
    id: Option<String>,
}

/// Well-known purposes: (name, basis, English, Indonesian).
const BUILT_IN: &[(&str, LegalBasis, &str, &str)] = &[
    (
        "service",
        LegalBasis::Contract,
        "Providing the products and services you ordered",
        "Menyediakan produk dan layanan yang Anda pesan",
    ),
    (
        "shipping",
        LegalBasis::Contract,
        "Delivering your orders",
        "Mengirimkan pesanan Anda",
    ),
    (
        "billing",
        LegalBasis::Contract,
        "Invoicing and taking payment",
        "Penagihan dan penerimaan pembayaran",
    ),
    (
        "account",
        LegalBasis::Contract,
        "Running your customer account",
        "Mengelola akun pelanggan Anda",
    ),
    (
        "authentication",
        LegalBasis::Contract,
        "Checking that it is you when you log in",
        "Memastikan bahwa Anda yang masuk ke akun",
    ),
    (
        "marketing",
        LegalBasis::Consent,
        "Sending offers and news you agreed to receive",
        "Mengirim penawaran dan kabar yang Anda setujui untuk diterima",
    ),
    (
        "analytics",
        LegalBasis::LegitimateInterest,
        "Understanding how the shop is used, to improve it",
        "Memahami cara toko digunakan, untuk memperbaikinya",
    ),
    (
        "identity_verification",
        LegalBasis::LegalObligation,
        "Verifying your identity where the law requires it",
        "Memverifikasi identitas Anda bila diwajibkan hukum",
    ),
    (
        "tax",
        LegalBasis::LegalObligation,
        "Keeping tax records the law requires",
        "Menyimpan catatan pajak yang diwajibkan hukum",
    ),
    (
        "legal",
        LegalBasis::LegalObligation,
        "Meeting legal duties and answering lawful requests",
        "Memenuhi kewajiban hukum dan permintaan yang sah",
    ),
    (
        "dpo",
        LegalBasis::LegalObligation,
        "Answering your requests about your data",
        "Menanggapi permintaan Anda tentang data Anda",
    ),
];

/// The purposes every schema has: those fields name, plus the oversight purposes
/// `legal` and `dpo`, each from its table, the built-in list, or the fallback.
pub(super) fn resolve(
    declared: BTreeMap<String, RawPurpose>,
    used: impl IntoIterator<Item = String>,
) -> Result<BTreeMap<String, PurposeSpec>, String> {
    let mut out = BTreeMap::new();
    for (name, raw) in declared {
        gembok_types::Purpose::parse(&name).map_err(|e| format!("purposes.{name}: {e}"))?;
        let fallback = built_in(&name);
        let en = raw.en.or_else(|| fallback.as_ref().map(|b| b.en.clone()));
        let id = raw.id.or_else(|| fallback.as_ref().map(|b| b.id.clone()));
        let (Some(en), Some(id)) = (en, id) else {
            return Err(format!(
                "purposes.{name}: needs `en` and `id` descriptions (it is not a built-in purpose)"
            ));
        };
        for text in [&en, &id] {
            if text.trim().is_empty() || text.chars().count() > 300 {
                return Err(format!(
                    "purposes.{name}: descriptions must be 1 to 300 characters"
                ));
            }
        }
        out.insert(
            name.clone(),
            PurposeSpec {
                name,
                basis: raw.basis,
                en,
                id,
            },
        );
    }
    for name in used.into_iter().chain(["legal".into(), "dpo".into()]) {
        out.entry(name.clone()).or_insert_with(|| {
            built_in(&name).unwrap_or_else(|| PurposeSpec {
                name: name.clone(),
                basis: LegalBasis::LegitimateInterest,
                en: name.replace('_', " "),
                id: name.replace('_', " "),
            })
        });
    }
    Ok(out)
}

fn built_in(name: &str) -> Option<PurposeSpec> {
    BUILT_IN
        .iter()
        .find(|(n, ..)| *n == name)
        .map(|(n, basis, en, id)| PurposeSpec {
            name: (*n).to_owned(),
            basis: *basis,
            en: (*en).to_owned(),
            id: (*id).to_owned(),
        })
}
