//! Whole records for the default schema's collections: a [`Customer`] whose fields agree
//! with each other (the NIK carries the birth date, the sex of the name and usually the
//! province of the address; the e-mail is built from the name), and the JSON bodies of
//! customers, orders and behaviour events as an application would send them.

use serde_json::{json, Value};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::commerce::{IDR_MINOR_PER_RUPIAH, PRODUCTS};
use crate::Generator;

/// A customer with every field valid, in the raw written forms an application would send
/// (the vault normalises them).
///
/// It is invented data, but it has the shape of personal data, so it follows the house
/// rule: `Debug` prints no value and the fields are wiped on drop.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Customer {
    pub name: String,
    pub email: String,
    pub phone: String,
    /// ISO 8601, `YYYY-MM-DD`.
    pub birth_date: String,
    pub address: String,
    pub postal_code: String,
    pub nik: String,
    pub npwp: String,
}

impl std::fmt::Debug for Customer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Customer { <redacted> }")
    }
}

/// Behaviour events an online shop records.
const ACTIONS: &[&str] = &[
    "viewed_product",
    "added_to_cart",
    "removed_from_cart",
    "searched",
    "logged_in",
    "applied_voucher",
    "checked_out",
    "wrote_review",
    "opened_promo_email",
];

const DEVICES: &[&str] = &[
    "aplikasi Android",
    "aplikasi iOS",
    "browser Chrome di Windows",
    "browser Safari di iPhone",
    "browser Firefox di Linux",
];
const VOUCHERS: &[&str] = &[
    "HEMAT10",
    "GRATISONGKIR",
    "RAMADAN25",
    "PAYDAY",
    "MERDEKA17",
];
const PAYMENT_METHODS: &[&str] = &[
    "QRIS",
    "transfer BCA",
    "virtual account Mandiri",
    "GoPay",
    "OVO",
    "DANA",
    "ShopeePay",
    "kartu kredit",
];
const REVIEWS: &[&str] = &[
    "barang bagus, pengiriman cepat",
    "sesuai deskripsi",
    "kemasan rapi, penjual ramah",
    "agak lama sampainya tapi oke",
    "rasanya enak, bakal beli lagi",
];
const PROMOS: &[&str] = &[
    "Harbolnas 12.12",
    "Ramadan",
    "Akhir Tahun",
    "Gajian",
    "Kemerdekaan",
];
const PASSWORD_WORDS: &[&str] = &[
    "kopi", "melati", "sungai", "pagi", "hujan", "gunung", "pantai", "sawah", "angin", "bulan",
    "bintang", "pelangi", "kelapa", "rambutan", "ombak", "senja", "jendela", "layang", "wayang",
    "gamelan", "perahu", "cendana", "kenari", "merapi", "rinjani", "bromo", "toba", "komodo",
];

impl Generator {
    /// A customer whose fields are valid and consistent with each other.
    pub fn customer(&mut self) -> Customer {
        let (name, female) = self.person();
        let email = self.email_for(&name);
        let phone = self.phone();
        let birth = self.birth_date();
        let (address, province, kind) = self.place_address();
        let postal_code = self.postal_code();
        // Most people live where their NIK was first issued; some have moved.
        let nik = if self.chance(0.75) {
            self.nik_in(province, kind, birth, female)
        } else {
            self.nik_for(birth, female)
        };
        let npwp = self.npwp_with_nik(&nik);
        let (y, m, d) = birth;
        Customer {
            name,
            email,
            phone,
            birth_date: format!("{y:04}-{m:02}-{d:02}"),
            address,
            postal_code,
            nik,
            npwp,
        }
    }

    /// A customer as the JSON body of a create request: `name`, `email`, `phone`,
    /// `birth_date`, `address`, `postal_code`, `nik`, `npwp` (no password).
    pub fn customer_json(&mut self) -> Value {
        let mut c = self.customer();
        json!({
            "name": std::mem::take(&mut c.name),
            "email": std::mem::take(&mut c.email),
            "phone": std::mem::take(&mut c.phone),
            "birth_date": std::mem::take(&mut c.birth_date),
            "address": std::mem::take(&mut c.address),
            "postal_code": std::mem::take(&mut c.postal_code),
            "nik": std::mem::take(&mut c.nik),
            "npwp": std::mem::take(&mut c.npwp),
        })
    }

    /// An order of `customer_id`: amount (items plus shipping, in IDR minor units), the
    /// order lines and a gateway payment reference.
    pub fn order_json(&mut self, customer_id: &str) -> Value {
        let (items, rupiah) = self.order_lines();
        let amount = (rupiah + self.shipping()) * IDR_MINOR_PER_RUPIAH;
        let payment_ref = self.payment_ref();
        json!({
            "customer": customer_id,
            "amount": {"amount": amount, "currency": "IDR"},
            "items": items,
            "payment_ref": payment_ref,
        })
    }

    /// A behaviour event of `customer_id`: an action such as `viewed_product` and a
    /// short detail in Indonesian.
    pub fn event_json(&mut self, customer_id: &str) -> Value {
        let action = self.pick(ACTIONS);
        let detail = self.event_detail(action);
        json!({"customer": customer_id, "action": action, "detail": detail})
    }

    /// A passphrase of four different common words, e.g. `kopi-senja-toba-pelangi` (at least 19
    /// characters, so above the 15-character minimum for a password-only login).
    pub fn password(&mut self) -> String {
        let mut words: Vec<&str> = Vec::with_capacity(4);
        while words.len() < 4 {
            let w = self.pick(PASSWORD_WORDS);
            if !words.contains(&w) {
                words.push(w);
            }
        }
        words.join("-")
    }

    fn event_detail(&mut self, action: &str) -> String {
        let product = self.pick(PRODUCTS).0;
        match action {
            "viewed_product" => product.to_owned(),
            "added_to_cart" | "removed_from_cart" => {
                format!("{}x {product}", self.between(1, 3))
            }
            "searched" => {
                let words: Vec<&str> = product.split(' ').take(2).collect();
                format!("cari: {}", words.join(" ").to_lowercase())
            }
            "logged_in" => format!("dari {}", self.pick(DEVICES)),
            "applied_voucher" => format!("voucher {}", self.pick(VOUCHERS)),
            "checked_out" => format!(
                "{} barang, bayar via {}",
                self.between(1, 6),
                self.pick(PAYMENT_METHODS)
            ),
            "wrote_review" => format!("bintang {}: {}", self.between(3, 5), self.pick(REVIEWS)),
            _ => format!("promo {}", self.pick(PROMOS)),
        }
    }
}
