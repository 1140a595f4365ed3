//! Street addresses in the usual Indonesian layout (street and house number, RT/RW,
//! village, district, city or regency, sometimes the province) and postal codes.
//!
//! No part of an address is a long digit run: house numbers, blocks and RT/RW stay at
//! three digits or fewer and are separated by letters or punctuation, so an address can
//! never look like a card number to the free-text card detector.

use crate::places::{Kind, DISTRICTS, ESTATES, PLACES, PROVINCES, STREETS, VILLAGES};
use crate::Generator;

impl Generator {
    /// An address such as `Jl. Melati No. 12, RT 003/RW 005, Kel. Sukajadi,
    /// Kec. Coblong, Kota Bandung`.
    pub fn address(&mut self) -> String {
        self.place_address().0
    }

    /// A postal code: five digits, the first 1-9.
    pub fn postal_code(&mut self) -> String {
        format!("{}{}", self.between(1, 9), self.digits(4))
    }

    /// An address with the province code and kind of place it lies in, so the caller can
    /// issue a NIK that agrees with it.
    pub(crate) fn place_address(&mut self) -> (String, u8, Kind) {
        let (kind, city, province) = self.pick(PLACES);
        let mut out = match self.below(10) {
            0..=5 => format!("Jl. {} No. {}", self.pick(STREETS), self.house_number()),
            6 => format!(
                "Jl. {} Gg. {} No. {}",
                self.pick(STREETS),
                self.pick(STREETS),
                self.between(1, 60)
            ),
            7 | 8 => format!(
                "Perum {} Blok {}{} No. {}",
                self.pick(ESTATES),
                self.pick(&['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H']),
                self.between(1, 12),
                self.between(1, 40)
            ),
            _ => format!("Jalan {} {}", self.pick(STREETS), self.house_number()),
        };
        if self.chance(0.75) {
            out.push_str(&format!(
                ", RT {:03}/RW {:03}",
                self.between(1, 15),
                self.between(1, 12)
            ));
        }
        let village = self.pick(VILLAGES);
        let district = self.pick(DISTRICTS);
        match kind {
            Kind::Kota => out.push_str(&format!(", Kel. {village}, Kec. {district}, Kota {city}")),
            Kind::Kab => out.push_str(&format!(", Desa {village}, Kec. {district}, Kab. {city}")),
        }
        if self.chance(0.3) {
            if let Some((_, name, _)) = PROVINCES.iter().find(|p| p.0 == province) {
                out.push_str(", ");
                out.push_str(name);
            }
        }
        (out, province, kind)
    }

    /// A house number: usually small, sometimes with a letter suffix (`12A`).
    fn house_number(&mut self) -> String {
        let n = if self.chance(0.8) {
            self.between(1, 99)
        } else {
            self.between(100, 250)
        };
        if self.chance(0.1) {
            format!("{n}{}", self.pick(&['A', 'B', 'C']))
        } else {
            n.to_string()
        }
    }
}
