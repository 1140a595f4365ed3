//! The column rules: from a column's counters and its header to one type or none.
//!
//! The rules lean towards precision. Values alone decide only when nearly all of them
//! fit one type and the column is not about something else by its header (`no
//! pesanan`); a matching header lowers the bar to half the values. Overlaps are settled
//! here: a card column is Luhn-valid with a card scheme's prefix throughout, while a NIK
//! column passes Luhn about one time in ten; a NPWP column holds legacy 15-digit
//! numbers among the NIK-shaped ones; birth dates span decades while order dates are
//! recent; postal codes are rarely round and never consecutive, and without a header
//! they count only in a table that holds other customer data; names need common name
//! words.

use super::header::HeaderHint;
use super::stats::ColumnStats;
use super::value::*;
use super::PiiType;

/// The outcome for one column.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Verdict {
    Found(PiiType, f64),
    /// Five-digit values without a header: postal codes only if the table also holds
    /// other customer data.
    PostalInContext(f64),
    Nothing,
}

fn with_header(rate: f64) -> f64 {
    (0.6 + 0.4 * rate).min(1.0)
}

fn from_values(rate: f64, weight: f64) -> f64 {
    (weight * rate).min(0.95)
}

/// Decide a column.
pub(crate) fn decide(s: &ColumnStats, h: HeaderHint) -> Verdict {
    use PiiType::*;
    use Verdict::{Found, Nothing};
    if s.sampled == 0 {
        return Nothing;
    }
    let r = |flag: u32| s.rate(flag);
    let named = h.pii;
    let free = named.is_none() && !h.negative;
    let found = |t: PiiType, rate: f64| {
        if named == Some(t) || (h.contact && matches!(t, Email | Phone)) {
            Found(t, with_header(rate))
        } else {
            Found(
                t,
                from_values(rate, if t.is_structured() { 0.95 } else { 0.85 }),
            )
        }
    };

    let (email, phone, mobile) = (r(EMAIL), r(PHONE), r(MOBILE));
    if email >= 0.8 || (email >= 0.5 && (named == Some(Email) || h.contact)) {
        return found(Email, email);
    }
    let contactish = h.contact || free || matches!(named, Some(Email | Phone));
    if contactish && email.min(phone) >= 0.1 && email + phone >= 0.9 {
        return if email > phone {
            found(Email, email)
        } else {
            found(Phone, phone)
        };
    }

    let card = r(CARD);
    if card >= 0.8 || (named == Some(CardNumber) && r(LUHN_DIGITS) >= 0.5) {
        return found(CardNumber, card.max(r(LUHN_DIGITS)));
    }

    let (nik, npwp, legacy) = (r(NIK), r(NPWP), r(NPWP_LEGACY));
    if named == Some(Npwp) && npwp >= 0.5 {
        return found(Npwp, npwp);
    }
    if named == Some(Nik) && nik >= 0.5 {
        return found(Nik, nik);
    }
    // Among twenty people or more, some are women; twenty family-card numbers never
    // carry a woman's day (41-71).
    let family_cards = s.sampled >= 20 && r(NIK_FEMALE) < 0.05 * nik;
    if free && nik >= 0.85 && legacy < 0.05 && !family_cards {
        return found(Nik, nik);
    }
    if free && npwp >= 0.85 && legacy >= 0.2 {
        return found(Npwp, npwp);
    }

    if (named == Some(Phone) || h.contact) && phone >= 0.5 {
        return found(Phone, phone);
    }
    if free && mobile >= 0.8 {
        return found(Phone, mobile);
    }

    let (date, birth) = (r(DATE), r(BIRTHLIKE));
    if named == Some(BirthDate) && date >= 0.5 {
        return found(BirthDate, date);
    }
    let spread = s.max_year.saturating_sub(s.min_year);
    let wide = if s.sampled >= 20 {
        spread >= 15
    } else {
        spread >= 5
    };
    if free && date >= 0.8 && birth >= 0.9 * date && wide {
        return found(BirthDate, birth);
    }

    let postal = r(POSTAL);
    if named == Some(PostalCode) && postal >= 0.5 {
        return found(PostalCode, postal);
    }
    let consecutive = f64::from(s.sequential) / f64::from(s.sampled);
    if free && postal >= 0.9 && r(ROUND) < 0.3 && consecutive < 0.5 && r(DIGITS) >= 0.9 {
        return Verdict::PostalInContext(from_values(postal, 0.8));
    }

    if named == Some(Address) && r(ADDRESS_LOOSE) >= 0.5 {
        return found(Address, r(ADDRESS_LOOSE));
    }
    if free && r(ADDRESS) >= 0.6 {
        return found(Address, r(ADDRESS));
    }

    let (shape, word) = (r(NAME_SHAPE), r(NAME_WORD));
    if named == Some(Name) && shape >= 0.5 {
        return found(Name, shape);
    }
    let shaped = f64::from(s.counts[NAME_SHAPE.trailing_zeros() as usize]).max(1.0);
    let avg_words = f64::from(s.words) / shaped;
    let varied = s.sampled < 20 || s.distinct_rate() >= 0.5;
    if free && shape >= 0.8 && word >= 0.5 && (1.5..=4.5).contains(&avg_words) && varied {
        return found(Name, word.max(shape * 0.9));
    }
    // Names from outside the word list: fewer known words are enough when nearly every
    // value is a distinct two-to-four-word name (product and city lists repeat).
    let distinct_names = s.sampled >= 20 && s.distinct_rate() >= 0.8;
    if free && shape >= 0.9 && word >= 0.2 && (2.0..=4.0).contains(&avg_words) && distinct_names {
        return found(Name, shape * 0.8);
    }
    Nothing
}
