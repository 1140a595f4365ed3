//! Commerce data of a small Indonesian online shop: products with prices, order lines,
//! amounts in minor units, and payment-gateway references (Midtrans, Xendit, DOKU,
//! Stripe), sometimes with a masked card (first six and last four digits).
//!
//! Gateway ids are random, so they are drawn again whenever one would hold a long run of
//! digits: a run of 12 or more (spaces and dashes allowed) could be Luhn-valid and be
//! refused as a card number, which would make the data flaky instead of valid.

use crate::Generator;

/// Minor units per rupiah. ISO 4217 gives IDR two decimals (as Stripe and Xendit's
/// multi-currency APIs count them), even though prices are quoted in whole rupiah.
pub const IDR_MINOR_PER_RUPIAH: i64 = 100;

/// Longest run of digits allowed in generated free text or gateway ids.
pub(crate) const MAX_DIGIT_RUN: usize = 8;

/// Products of local businesses with a typical price in rupiah.
pub(crate) const PRODUCTS: &[(&str, i64)] = &[
    ("Kopi Gayo 250g", 85_000),
    ("Kopi Toraja 200g", 78_000),
    ("Batik Tulis Pekalongan", 450_000),
    ("Batik Cap Solo", 175_000),
    ("Keripik Tempe 200g", 18_000),
    ("Sambal Bawang 150ml", 25_000),
    ("Kain Tenun Ikat Sumba", 850_000),
    ("Madu Hutan 500ml", 120_000),
    ("Rendang Kemasan 250g", 95_000),
    ("Kue Lapis Legit", 165_000),
    ("Dodol Garut", 30_000),
    ("Sepatu Kulit Cibaduyut", 325_000),
    ("Tas Anyaman Rotan", 210_000),
    ("Minyak Kayu Putih 60ml", 27_500),
    ("Teh Melati 100g", 22_000),
    ("Kerupuk Udang 500g", 45_000),
    ("Bakpia Pathok isi 20", 40_000),
    ("Sarung Tenun Samarinda", 275_000),
    ("Gula Aren 1kg", 38_000),
    ("Songket Palembang", 1_250_000),
    ("Abon Sapi 100g", 42_000),
    ("Kaos Oblong Katun", 89_000),
    ("Kemeja Batik Pria", 235_000),
    ("Mukena Katun Jepang", 185_000),
    ("Sabun Sereh Wangi", 15_000),
    ("Cokelat Bali 100g", 55_000),
];

/// Length of the longest run of digits in `s`, where spaces and dashes between digits
/// join the run (as they do for a card number written `4111 1111 ...`).
pub(crate) fn longest_digit_run(s: &str) -> usize {
    // Any number of separators joins, which is stricter than a detector needs to be.
    let (mut best, mut run) = (0, 0);
    for c in s.chars() {
        if c.is_ascii_digit() {
            run += 1;
            best = best.max(run);
        } else if c != ' ' && c != '-' {
            run = 0;
        }
    }
    best
}

impl Generator {
    /// Order lines such as `2x Kopi Gayo 250g; 1x Batik Tulis Pekalongan`.
    pub fn order_items(&mut self) -> String {
        self.order_lines().0
    }

    /// A realistic order amount in IDR minor units (see [`IDR_MINOR_PER_RUPIAH`]).
    pub fn amount_idr(&mut self) -> i64 {
        let (_, rupiah) = self.order_lines();
        (rupiah + self.shipping()) * IDR_MINOR_PER_RUPIAH
    }

    /// A gateway reference: `midtrans:<uuid>`, `xendit:<24 hex>`, `doku:INV-...` or
    /// `stripe:pi_...`, in about a third of cases followed by ` card=411111******1111`.
    pub fn payment_ref(&mut self) -> String {
        let mut out = loop {
            let candidate = match self.below(4) {
                0 => format!("midtrans:{}", self.uuid()),
                1 => format!("xendit:{}", self.hex(24)),
                2 => format!(
                    "doku:INV-{}{:02}{:02}-{}",
                    self.between(2022, 2025),
                    self.between(1, 12),
                    self.between(1, 28),
                    self.alnum(6, true)
                ),
                _ => format!("stripe:pi_{}", self.alnum(24, false)),
            };
            if longest_digit_run(&candidate) <= MAX_DIGIT_RUN {
                break candidate;
            }
        };
        if self.chance(0.33) {
            let bin = if self.chance(0.6) {
                format!("4{}", self.digits(5))
            } else {
                format!("5{}{}", self.between(1, 5), self.digits(4))
            };
            out.push_str(&format!(" card={bin}******{}", self.digits(4)));
        }
        out
    }

    /// Order lines and their total in whole rupiah.
    pub(crate) fn order_lines(&mut self) -> (String, i64) {
        let count = self.weighted(&[(1usize, 50), (2, 30), (3, 15), (4, 5)]);
        let mut chosen: Vec<(&str, i64)> = Vec::with_capacity(count);
        while chosen.len() < count {
            let p = self.pick(PRODUCTS);
            if !chosen.iter().any(|c| c.0 == p.0) {
                chosen.push(p);
            }
        }
        let mut total = 0;
        let mut lines = Vec::with_capacity(count);
        for (name, price) in chosen {
            let qty = self.weighted(&[(1i64, 60), (2, 25), (3, 10), (5, 5)]);
            total += qty * price;
            lines.push(format!("{qty}x {name}"));
        }
        (lines.join("; "), total)
    }

    /// A shipping fee in rupiah, a multiple of 1,000.
    pub(crate) fn shipping(&mut self) -> i64 {
        i64::from(self.between(9, 45)) * 1_000
    }

    /// A random version-4 UUID in lowercase hyphenated form.
    fn uuid(&mut self) -> String {
        let mut h = self.hex(32).into_bytes();
        h[12] = b'4';
        h[16] = b"89ab"[self.below(4) as usize];
        let h = String::from_utf8(h).unwrap_or_default();
        format!(
            "{}-{}-{}-{}-{}",
            &h[0..8],
            &h[8..12],
            &h[12..16],
            &h[16..20],
            &h[20..32]
        )
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b"0123456789abcdef"[self.below(16) as usize]))
            .collect()
    }

    /// `n` characters of `[A-Za-z0-9]` (or `[A-Z0-9]` when `upper`), starting with a letter.
    pub(crate) fn alnum(&mut self, n: usize, upper: bool) -> String {
        const LOWER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        let set = if upper { UPPER } else { LOWER };
        (0..n)
            .map(|i| {
                let limit = if i == 0 { 26 } else { set.len() as u32 };
                char::from(set[self.below(limit) as usize])
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_runs_join_across_spaces_and_dashes() {
        let cases = [
            ("", 0),
            ("abc", 0),
            ("No. 12, RT 003/RW 005", 3),
            ("4111 1111 1111 1111", 16),
            ("4111-1111-1111-1111", 16),
            ("12  34", 4),
            ("12 -34", 4),
            ("7 - x 8", 1),
            ("411111******1111", 6),
            ("ab-12-34-cd", 4),
        ];
        for (text, want) in cases {
            assert_eq!(longest_digit_run(text), want, "{text}");
        }
    }

    #[test]
    fn products_have_positive_prices_and_short_digit_runs() {
        for (name, price) in PRODUCTS {
            assert!(*price > 0);
            assert!(longest_digit_run(name) <= 4, "{name}");
        }
    }
}
