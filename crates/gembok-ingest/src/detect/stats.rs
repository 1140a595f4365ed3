//! Per-column counters gathered while rows stream past.
//!
//! Only a sample of each column (its first non-empty values) is classified, so a scan of
//! a million rows costs the same as one of a few thousand; every non-empty cell is still
//! counted. The one value kept per type, to show as a masked example, is wiped on drop.

use std::collections::HashSet;
use std::hash::{BuildHasher, RandomState};

use zeroize::Zeroizing;

use super::value::{self, FLAGS};
use super::PiiType;

/// Non-empty values classified per column.
pub(crate) const SAMPLE: u32 = 2_000;

pub(crate) struct ColumnStats {
    pub non_empty: u64,
    pub sampled: u32,
    pub counts: [u32; FLAGS],
    pub min_year: i32,
    pub max_year: i32,
    pub words: u32,
    pub sequential: u32,
    prev_number: Option<u64>,
    distinct: HashSet<u64>,
    hasher: RandomState,
    examples: [Option<Zeroizing<String>>; 9],
}

impl Default for ColumnStats {
    fn default() -> Self {
        Self {
            non_empty: 0,
            sampled: 0,
            counts: [0; FLAGS],
            min_year: i32::MAX,
            max_year: i32::MIN,
            words: 0,
            sequential: 0,
            prev_number: None,
            distinct: HashSet::new(),
            hasher: RandomState::new(),
            examples: Default::default(),
        }
    }
}

/// The flag whose first value is kept as each type's example.
fn example_flag(t: PiiType) -> u32 {
    match t {
        PiiType::Email => value::EMAIL,
        PiiType::Phone => value::PHONE,
        PiiType::Nik => value::NIK,
        PiiType::Npwp => value::NPWP,
        PiiType::CardNumber => value::CARD,
        PiiType::Name => value::NAME_SHAPE,
        PiiType::Address => value::ADDRESS_LOOSE,
        PiiType::BirthDate => value::DATE,
        PiiType::PostalCode => value::POSTAL,
    }
}

impl ColumnStats {
    /// Count one cell (empty cells and placeholders are not counted).
    pub fn add(&mut self, raw: &str, birth_year_max: i32) {
        if value::is_empty_value(raw) {
            return;
        }
        self.non_empty += 1;
        if self.sampled >= SAMPLE {
            return;
        }
        self.sampled += 1;
        let v = raw.trim();
        let (flags, year) = value::classify(v, birth_year_max);
        for (i, c) in self.counts.iter_mut().enumerate() {
            if flags & (1 << i) != 0 {
                *c += 1;
            }
        }
        if let Some(y) = year.filter(|_| flags & value::BIRTHLIKE != 0) {
            self.min_year = self.min_year.min(y);
            self.max_year = self.max_year.max(y);
        }
        if flags & value::NAME_SHAPE != 0 {
            self.words += v.split_whitespace().count() as u32;
        }
        let number = (flags & value::DIGITS != 0 && v.len() <= 18)
            .then(|| v.parse::<u64>().ok())
            .flatten();
        if let (Some(n), Some(p)) = (number, self.prev_number) {
            if n == p + 1 {
                self.sequential += 1;
            }
        }
        self.prev_number = number;
        self.distinct.insert(self.hasher.hash_one(v));
        for (slot, t) in self.examples.iter_mut().zip(PiiType::ALL) {
            if slot.is_none() && flags & example_flag(t) != 0 {
                *slot = Some(Zeroizing::new(v.to_owned()));
            }
        }
    }

    /// Share of sampled values carrying `flag`.
    pub fn rate(&self, flag: u32) -> f64 {
        if self.sampled == 0 {
            return 0.0;
        }
        f64::from(self.counts[flag.trailing_zeros() as usize]) / f64::from(self.sampled)
    }

    /// Share of sampled values that are distinct.
    pub fn distinct_rate(&self) -> f64 {
        if self.sampled == 0 {
            return 0.0;
        }
        self.distinct.len() as f64 / f64::from(self.sampled)
    }

    /// The first value seen that fits type `t`.
    pub fn example(&self, t: PiiType) -> Option<&str> {
        let i = PiiType::ALL.iter().position(|&x| x == t)?;
        self.examples[i].as_deref().map(String::as_str)
    }
}
