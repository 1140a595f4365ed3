//! Realistic Indonesian test data for Gembok's demo, tests and benchmarks, reproducible
//! from a seed.
//!
//! [`Generator`] owns a seeded random number generator and produces names, e-mail
//! addresses, mobile numbers, NIK, NPWP, birth dates, addresses, postal codes, gateway
//! payment references, order lines and whole customer, order and event records. Every
//! value it produces is valid under the rules in the project's reference notes; the
//! [`invalid`] module holds labelled invalid values (and card numbers) for rejection tests.
//!
//! No real person's data is used: names and addresses are fresh combinations of common
//! words, and identifiers are random within their formats.
#![forbid(unsafe_code)]

mod address;
mod commerce;
mod ids;
pub mod invalid;
mod names;
mod places;
mod records;

pub use commerce::IDR_MINOR_PER_RUPIAH;
pub use records::Customer;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// E-mail domains with rough weights: Gmail dominates in Indonesia, Yahoo keeps a long
/// tail of older accounts.
const EMAIL_DOMAINS: &[(&str, u32)] = &[
    ("gmail.com", 55),
    ("yahoo.com", 10),
    ("yahoo.co.id", 8),
    ("outlook.com", 6),
    ("hotmail.com", 5),
    ("icloud.com", 4),
    ("ymail.com", 3),
    ("rocketmail.com", 2),
    ("proton.me", 2),
    ("mail.com", 2),
    ("outlook.co.id", 1),
];

/// A deterministic source of test data: the same seed always yields the same sequence.
pub struct Generator {
    rng: StdRng,
}

impl std::fmt::Debug for Generator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Generator { .. }")
    }
}

impl Generator {
    /// A generator whose whole output is fixed by `seed`.
    pub fn new(seed: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// A person's full name of two or three words, e.g. "Siti Rahmawati".
    pub fn full_name(&mut self) -> String {
        self.person().0
    }

    /// An e-mail address derived from `name` (its letters, lowercased), often followed by
    /// a few digits, at a common Indonesian or international domain. Lowercase ASCII.
    pub fn email_for(&mut self, name: &str) -> String {
        let mut parts: Vec<String> = name
            .split_whitespace()
            .map(|w| {
                w.chars()
                    .filter(char::is_ascii_alphabetic)
                    .map(|c| c.to_ascii_lowercase())
                    .collect::<String>()
            })
            .filter(|w| !w.is_empty())
            .collect();
        // "I Made Suarta": the one-letter particle makes a poor mailbox name.
        if parts.len() > 2 && parts[0].len() <= 2 {
            parts.remove(0);
        }
        if parts.is_empty() {
            parts.push("pelanggan".to_owned());
        }
        let first = parts[0].clone();
        let last = parts[parts.len() - 1].clone();
        let initial = &first[..1];
        let mut local = match self.below(6) {
            0 => format!("{first}.{last}"),
            1 => format!("{first}{last}"),
            2 => format!("{first}_{last}"),
            3 => format!("{initial}{last}"),
            4 => format!("{first}.{}", &last[..1]),
            _ => first.clone(),
        };
        if first == last {
            local = first;
        }
        match self.below(10) {
            0..=3 => local.push_str(&format!("{:02}", self.below(100))),
            4..=5 => local.push_str(&self.between(1970, 2007).to_string()),
            6..=7 => local.push_str(&self.between(1, 999).to_string()),
            _ => {}
        }
        let domain = self.weighted(EMAIL_DOMAINS);
        format!("{local}@{domain}")
    }

    /// An e-mail address for a freshly invented name.
    pub fn email(&mut self) -> String {
        let name = self.full_name();
        self.email_for(&name)
    }

    /// A real calendar date from 1950-01-01 to 2007-12-31, as (year, month, day).
    pub fn birth_date(&mut self) -> (i32, u8, u8) {
        let year = self.between(1950, 2007) as i32;
        let month = self.between(1, 12) as u8;
        let day = self.between(1, u32::from(days_in_month(year, month))) as u8;
        (year, month, day)
    }

    /// A birth date in ISO 8601 form, `YYYY-MM-DD`.
    pub fn birth_date_iso(&mut self) -> String {
        let (y, m, d) = self.birth_date();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// A name and whether it is a woman's name, so a NIK can agree with it.
    pub(crate) fn person(&mut self) -> (String, bool) {
        let female = self.chance(0.5);
        let (given, second) = if female {
            (names::FEMALE_GIVEN, names::FEMALE_SECOND)
        } else {
            (names::MALE_GIVEN, names::MALE_SECOND)
        };
        let roll = self.below(100);
        let words: Vec<&str> = if roll < 5 {
            let particle = if female { "Ni" } else { "I" };
            let order = self.pick(names::BALINESE_ORDER);
            vec![particle, order, self.pick(names::BALINESE_PERSONAL)]
        } else {
            let first = self.pick(given);
            let surname = if self.chance(0.5) {
                self.pick(names::FAMILY)
            } else {
                self.pick(second)
            };
            if roll < 25 {
                let middle = if self.chance(0.5) {
                    self.pick(names::MIDDLE)
                } else {
                    self.pick(given)
                };
                vec![first, middle, surname]
            } else {
                vec![first, surname]
            }
        };
        let mut unique: Vec<&str> = Vec::with_capacity(words.len());
        for w in words {
            if !unique.contains(&w) {
                unique.push(w);
            }
        }
        if unique.len() == 1 {
            unique.push(self.pick(names::FAMILY));
        }
        (unique.join(" "), female)
    }

    /// A uniform integer in `0..n` (`n > 0`).
    pub(crate) fn below(&mut self, n: u32) -> u32 {
        self.rng.random_range(0..n)
    }

    /// A uniform integer in `lo..=hi`.
    pub(crate) fn between(&mut self, lo: u32, hi: u32) -> u32 {
        self.rng.random_range(lo..=hi)
    }

    /// True with probability `p`.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// One element of a non-empty list, uniformly.
    pub(crate) fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    /// One value of a non-empty weighted list.
    pub(crate) fn weighted<T: Copy>(&mut self, items: &[(T, u32)]) -> T {
        let total: u32 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.below(total);
        for (item, w) in items {
            if roll < *w {
                return *item;
            }
            roll -= w;
        }
        items[items.len() - 1].0
    }

    /// `n` random decimal digits as text.
    pub(crate) fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + self.below(10) as u8))
            .collect()
    }
}

/// Days in a month of the proleptic Gregorian calendar.
pub(crate) fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests;
