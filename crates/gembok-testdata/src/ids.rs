//! Indonesian identifiers: NIK (population number), NPWP (tax number, legacy 15-digit
//! with its Luhn check digit, the 16-digit form, and a NIK used as NPWP) and mobile phone
//! numbers in the forms people actually type. Also the Luhn arithmetic they share with
//! card numbers.

use crate::places::{Kind, PROVINCES};
use crate::Generator;

/// Operator prefixes after the trunk `0` (Telkomsel, Indosat, XL, Axis, Tri, Smartfren):
/// all of the `8[1-35-9]` shape the reference notes require.
const MOBILE_PREFIXES: &[&str] = &[
    "811", "812", "813", "821", "822", "823", "851", "852", "853", "814", "815", "816", "855",
    "856", "857", "858", "817", "818", "819", "859", "877", "878", "831", "832", "833", "838",
    "895", "896", "897", "898", "899", "881", "882", "883", "884", "885", "886", "887", "888",
    "889",
];

/// Subscriber digits after the three-digit prefix, weighted towards today's usual
/// 11-12 digit `08...` numbers (national significant number of 9 to 12 digits).
const SUBSCRIBER_LENGTHS: &[(usize, u32)] = &[(6, 10), (7, 30), (8, 50), (9, 10)];

/// The Luhn check digit to append to `payload` (digits 0-9).
pub(crate) fn luhn_check_digit(payload: &[u8]) -> u8 {
    let sum: u32 = payload
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| luhn_term(d, i % 2 == 0))
        .sum();
    ((10 - sum % 10) % 10) as u8
}

/// Whether `digits` (check digit last) pass the Luhn test.
#[cfg(test)]
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| luhn_term(d, i % 2 == 1))
        .sum();
    sum.is_multiple_of(10)
}

fn luhn_term(d: u8, doubled: bool) -> u32 {
    let d = u32::from(d);
    match (doubled, d * 2) {
        (false, _) => d,
        (true, x) if x > 9 => x - 9,
        (true, x) => x,
    }
}

/// Digit values of an all-digit string.
pub(crate) fn digit_values(s: &str) -> Vec<u8> {
    s.bytes().map(|b| b - b'0').collect()
}

/// Text of digit values.
pub(crate) fn digit_text(d: &[u8]) -> String {
    d.iter().map(|&x| char::from(b'0' + x)).collect()
}

/// `AA.BBB.BBB.C-DDD.EEE`, the way a legacy NPWP is printed on the card.
pub(crate) fn format_legacy_npwp(d: &str) -> String {
    format!(
        "{}.{}.{}.{}-{}.{}",
        &d[0..2],
        &d[2..5],
        &d[5..8],
        &d[8..9],
        &d[9..12],
        &d[12..15]
    )
}

impl Generator {
    /// A valid NIK for a random person: random province (weighted by population, all 38
    /// codes possible), birth date, and sex (women have 40 added to the day).
    pub fn nik(&mut self) -> String {
        let birth = self.birth_date();
        let female = self.chance(0.5);
        self.nik_for(birth, female)
    }

    /// A valid NIK for someone born on `birth` (year, month, day), in a random province.
    /// `birth` must be a real date; the NIK encodes it as given.
    pub fn nik_for(&mut self, birth: (i32, u8, u8), female: bool) -> String {
        let province = self.weighted(&PROVINCES.iter().map(|p| (p.0, p.2)).collect::<Vec<_>>());
        let kind = if self.chance(0.3) {
            Kind::Kota
        } else {
            Kind::Kab
        };
        self.nik_in(province, kind, birth, female)
    }

    /// A NIK registered in `province`, in a city or a regency.
    pub(crate) fn nik_in(
        &mut self,
        province: u8,
        kind: Kind,
        birth: (i32, u8, u8),
        female: bool,
    ) -> String {
        let regency = match kind {
            Kind::Kota => self.between(71, 79),
            Kind::Kab => self.between(1, 29),
        };
        let district = self.between(1, 32);
        let (year, month, day) = birth;
        let day = u32::from(day) + if female { 40 } else { 0 };
        let yy = year.rem_euclid(100);
        // Serials count registrations in the district for that date: mostly small.
        let serial = if self.chance(0.9) {
            self.between(1, 2999)
        } else {
            self.between(3000, 9999)
        };
        format!("{province:02}{regency:02}{district:02}{day:02}{month:02}{yy:02}{serial:04}")
    }

    /// A valid NPWP: about 40 % legacy `AA.BBB.BBB.C-DDD.EEE`, 30 % the 16-digit `0` +
    /// legacy form, 30 % a NIK used as NPWP.
    pub fn npwp(&mut self) -> String {
        let nik = self.nik();
        self.npwp_with_nik(&nik)
    }

    /// An NPWP that, when it takes the NIK form, is the NIK given.
    pub(crate) fn npwp_with_nik(&mut self, nik: &str) -> String {
        match self.below(10) {
            0..=3 => format_legacy_npwp(&self.legacy_npwp_digits()),
            4..=6 => format!("0{}", self.legacy_npwp_digits()),
            _ => nik.to_owned(),
        }
    }

    /// The 15 digits of a legacy NPWP with a correct check digit.
    pub(crate) fn legacy_npwp_digits(&mut self) -> String {
        // 01-03 companies, 04-06 individuals with a business, 07-09 employees.
        let kind = self.weighted(&[
            (1, 3),
            (2, 2),
            (3, 1),
            (4, 2),
            (5, 1),
            (6, 1),
            (7, 4),
            (8, 3),
            (9, 3),
        ]);
        let mut d = vec![0, kind];
        d.extend(digit_values(&self.digits(6)));
        d.push(luhn_check_digit(&d));
        let office = self.between(1, 999);
        let status = if self.chance(0.85) {
            0
        } else {
            self.between(1, 3)
        };
        format!("{}{office:03}{status:03}", digit_text(&d))
    }

    /// A valid Indonesian mobile number written as people write it: `0812-3456-7890`,
    /// `0812 3456 7890`, `081234567890`, `+62 812-3456-7890`, `+6281234567890`,
    /// `6281234567890`.
    pub fn phone(&mut self) -> String {
        let prefix = self.pick(MOBILE_PREFIXES);
        let len = self.weighted(SUBSCRIBER_LENGTHS);
        let nsn = format!("{prefix}{}", self.digits(len));
        match self.below(8) {
            0 | 1 => format!("0{nsn}"),
            2 => group(&format!("0{nsn}"), 4, '-'),
            3 => group(&format!("0{nsn}"), 4, ' '),
            4 => format!("+62 {}", group(&nsn, 3, '-')),
            5 => format!("+62 {}", group(&nsn, 3, ' ')),
            6 => format!("+62{nsn}"),
            _ => format!("62{nsn}"),
        }
    }
}

/// `digits` split after `first` characters, then mostly in fours, joined by `sep`; the
/// tail is split the way people write it (`3456 78901`, `345 678`), never leaving one
/// or two digits alone.
fn group(digits: &str, first: usize, sep: char) -> String {
    let mut groups: Vec<&str> = vec![&digits[..first]];
    let mut at = first;
    while at < digits.len() {
        let end = match digits.len() - at {
            5 => digits.len(),
            6 => at + 3,
            left => at + left.min(4),
        };
        groups.push(&digits[at..end]);
        at = end;
    }
    groups.join(&sep.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_matches_known_numbers() {
        // Public test card numbers and a worked NPWP payload.
        for good in [
            "4111111111111111",
            "5555555555554444",
            "378282246310005",
            "79927398713",
        ] {
            assert!(luhn_valid(&digit_values(good)), "{good}");
        }
        for bad in ["4111111111111112", "79927398710"] {
            assert!(!luhn_valid(&digit_values(bad)), "{bad}");
        }
        assert_eq!(luhn_check_digit(&digit_values("7992739871")), 3);
        assert_eq!(luhn_check_digit(&digit_values("411111111111111")), 1);
    }

    #[test]
    fn grouping_and_npwp_layout() {
        assert_eq!(group("081234567890", 4, '-'), "0812-3456-7890");
        assert_eq!(group("81234567890", 3, ' '), "812 3456 7890");
        assert_eq!(group("0812345678", 4, ' '), "0812 345 678");
        assert_eq!(group("855665296394", 3, ' '), "855 6652 96394");
        assert_eq!(group("08112345678", 4, '-'), "0811-2345-678");
        assert_eq!(
            format_legacy_npwp("012345678901000"),
            "01.234.567.8-901.000"
        );
    }
}
