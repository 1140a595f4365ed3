//! Word lists for places: the NIK province codes with population weights, a sample of
//! cities and regencies tied to their province code (so a customer's NIK can agree with
//! their address), and street, village and district names that addresses combine freely.

/// A NIK province code, its name, and a weight roughly proportional to its population
/// in millions, floored at 2 so the small provinces (Kalimantan Utara, the 2022 Papua
/// provinces) still show up in a few thousand samples.
pub(crate) const PROVINCES: &[(u8, &str, u32)] = &[
    (11, "Aceh", 5),
    (12, "Sumatera Utara", 15),
    (13, "Sumatera Barat", 6),
    (14, "Riau", 7),
    (15, "Jambi", 4),
    (16, "Sumatera Selatan", 9),
    (17, "Bengkulu", 2),
    (18, "Lampung", 9),
    (19, "Kepulauan Bangka Belitung", 2),
    (21, "Kepulauan Riau", 2),
    (31, "DKI Jakarta", 11),
    (32, "Jawa Barat", 49),
    (33, "Jawa Tengah", 37),
    (34, "DI Yogyakarta", 4),
    (35, "Jawa Timur", 41),
    (36, "Banten", 12),
    (51, "Bali", 4),
    (52, "Nusa Tenggara Barat", 6),
    (53, "Nusa Tenggara Timur", 6),
    (61, "Kalimantan Barat", 6),
    (62, "Kalimantan Tengah", 3),
    (63, "Kalimantan Selatan", 4),
    (64, "Kalimantan Timur", 4),
    (65, "Kalimantan Utara", 2),
    (71, "Sulawesi Utara", 3),
    (72, "Sulawesi Tengah", 3),
    (73, "Sulawesi Selatan", 9),
    (74, "Sulawesi Tenggara", 3),
    (75, "Gorontalo", 2),
    (76, "Sulawesi Barat", 2),
    (81, "Maluku", 2),
    (82, "Maluku Utara", 2),
    (91, "Papua", 2),
    (92, "Papua Barat", 2),
    (93, "Papua Selatan", 2),
    (94, "Papua Tengah", 2),
    (95, "Papua Pegunungan", 2),
    (96, "Papua Barat Daya", 2),
];

/// Whether a place is a city (`Kota`, NIK regency codes 71-99) or a regency
/// (`Kabupaten`, codes 01-69).
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Kota,
    Kab,
}

/// Cities and regencies with the NIK province code they belong to.
pub(crate) const PLACES: &[(Kind, &str, u8)] = &[
    (Kind::Kota, "Banda Aceh", 11),
    (Kind::Kota, "Medan", 12),
    (Kind::Kab, "Deli Serdang", 12),
    (Kind::Kota, "Padang", 13),
    (Kind::Kota, "Pekanbaru", 14),
    (Kind::Kota, "Jambi", 15),
    (Kind::Kota, "Palembang", 16),
    (Kind::Kota, "Bengkulu", 17),
    (Kind::Kota, "Bandar Lampung", 18),
    (Kind::Kota, "Pangkal Pinang", 19),
    (Kind::Kota, "Batam", 21),
    (Kind::Kota, "Jakarta Selatan", 31),
    (Kind::Kota, "Jakarta Timur", 31),
    (Kind::Kota, "Jakarta Barat", 31),
    (Kind::Kota, "Jakarta Utara", 31),
    (Kind::Kota, "Jakarta Pusat", 31),
    (Kind::Kota, "Bandung", 32),
    (Kind::Kota, "Bekasi", 32),
    (Kind::Kota, "Depok", 32),
    (Kind::Kota, "Bogor", 32),
    (Kind::Kab, "Bogor", 32),
    (Kind::Kab, "Bandung", 32),
    (Kind::Kab, "Garut", 32),
    (Kind::Kab, "Cirebon", 32),
    (Kind::Kota, "Semarang", 33),
    (Kind::Kota, "Surakarta", 33),
    (Kind::Kab, "Banyumas", 33),
    (Kind::Kab, "Klaten", 33),
    (Kind::Kota, "Yogyakarta", 34),
    (Kind::Kab, "Sleman", 34),
    (Kind::Kab, "Bantul", 34),
    (Kind::Kota, "Surabaya", 35),
    (Kind::Kota, "Malang", 35),
    (Kind::Kab, "Sidoarjo", 35),
    (Kind::Kab, "Gresik", 35),
    (Kind::Kota, "Tangerang", 36),
    (Kind::Kota, "Tangerang Selatan", 36),
    (Kind::Kota, "Denpasar", 51),
    (Kind::Kab, "Gianyar", 51),
    (Kind::Kab, "Badung", 51),
    (Kind::Kota, "Mataram", 52),
    (Kind::Kab, "Lombok Barat", 52),
    (Kind::Kota, "Kupang", 53),
    (Kind::Kab, "Sumba Timur", 53),
    (Kind::Kota, "Pontianak", 61),
    (Kind::Kota, "Palangka Raya", 62),
    (Kind::Kota, "Banjarmasin", 63),
    (Kind::Kota, "Samarinda", 64),
    (Kind::Kota, "Balikpapan", 64),
    (Kind::Kota, "Tarakan", 65),
    (Kind::Kab, "Bulungan", 65),
    (Kind::Kota, "Manado", 71),
    (Kind::Kota, "Palu", 72),
    (Kind::Kota, "Makassar", 73),
    (Kind::Kota, "Kendari", 74),
    (Kind::Kota, "Gorontalo", 75),
    (Kind::Kab, "Mamuju", 76),
    (Kind::Kota, "Ambon", 81),
    (Kind::Kota, "Ternate", 82),
    (Kind::Kota, "Jayapura", 91),
    (Kind::Kab, "Manokwari", 92),
    (Kind::Kab, "Merauke", 93),
    (Kind::Kab, "Nabire", 94),
    (Kind::Kab, "Jayawijaya", 95),
    (Kind::Kota, "Sorong", 96),
];

/// Street names: flowers, birds, fruit and national heroes, as on most Indonesian maps.
pub(crate) const STREETS: &[&str] = &[
    "Melati",
    "Mawar",
    "Anggrek",
    "Kenanga",
    "Flamboyan",
    "Cempaka",
    "Merdeka",
    "Sudirman",
    "Diponegoro",
    "Gatot Subroto",
    "Ahmad Yani",
    "Pahlawan",
    "Veteran",
    "Gajah Mada",
    "Hayam Wuruk",
    "Pemuda",
    "Kebon Jeruk",
    "Cendrawasih",
    "Rajawali",
    "Merpati",
    "Kutilang",
    "Nangka",
    "Mangga",
    "Durian",
    "Pramuka",
    "Siliwangi",
    "Asia Afrika",
    "Imam Bonjol",
    "Teuku Umar",
    "Kartini",
    "Dewi Sartika",
    "Pattimura",
    "Hasanuddin",
    "Sam Ratulangi",
    "Cut Nyak Dien",
    "Kaliurang",
    "Malioboro",
    "Dahlia",
    "Teratai",
    "Sakura",
    "Nusantara",
    "Bhayangkara",
    "Raya Pasar Minggu",
    "Pelita",
];

/// Village (kelurahan or desa) names.
pub(crate) const VILLAGES: &[&str] = &[
    "Sukajadi",
    "Sukamaju",
    "Sukasari",
    "Karanganyar",
    "Kebonsari",
    "Sidomulyo",
    "Sumbersari",
    "Tegalsari",
    "Mekarsari",
    "Margahayu",
    "Cibeunying",
    "Tanjungsari",
    "Pasirjati",
    "Rawamangun",
    "Cempaka Putih",
    "Pondok Labu",
    "Banjarsari",
    "Purwodadi",
    "Jatimulyo",
    "Sindangsari",
    "Harjamukti",
    "Wonorejo",
    "Kedungsari",
    "Ngestiharjo",
    "Caturtunggal",
    "Dauh Puri",
    "Panjer",
    "Mangga Dua",
    "Kampung Baru",
    "Tanah Merah",
];

/// District (kecamatan) names.
pub(crate) const DISTRICTS: &[&str] = &[
    "Sukasari",
    "Coblong",
    "Cicendo",
    "Lowokwaru",
    "Klojen",
    "Gubeng",
    "Sukolilo",
    "Tembalang",
    "Banyumanik",
    "Depok",
    "Mlati",
    "Kebayoran Baru",
    "Tebet",
    "Cilandak",
    "Kemayoran",
    "Ciputat",
    "Serpong",
    "Denpasar Selatan",
    "Ubud",
    "Medan Baru",
    "Tamalanrea",
    "Panakkukang",
    "Wenang",
    "Bukit Raya",
    "Ilir Barat",
    "Kota Baru",
    "Sungai Kunjang",
    "Abepura",
    "Sirimau",
    "Mandonga",
];

/// Housing estates, for addresses of the `Perum ... Blok ...` form.
pub(crate) const ESTATES: &[&str] = &[
    "Griya Asri",
    "Taman Sari Indah",
    "Bumi Permai",
    "Villa Mutiara",
    "Graha Harapan",
    "Puri Indah",
    "Citra Garden",
    "Pesona Alam",
    "Taman Kenari",
    "Bukit Hijau",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_place_has_a_known_province() {
        for (_, name, code) in PLACES {
            assert!(
                PROVINCES.iter().any(|(c, _, _)| c == code),
                "{name} has unknown province {code}"
            );
        }
    }

    #[test]
    fn provinces_match_the_reference_list() {
        let mut codes: Vec<u8> = PROVINCES.iter().map(|(c, _, _)| *c).collect();
        let mut expected: Vec<u8> = (11..=19).chain([21]).chain(31..=36).collect();
        expected.extend((51..=53).chain(61..=65).chain(71..=76).chain(81..=82));
        expected.extend(91..=96);
        codes.sort_unstable();
        assert_eq!(codes, expected);
        assert!(PROVINCES.iter().all(|(_, _, w)| *w >= 2));
    }

    #[test]
    fn words_carry_no_digits() {
        for list in [STREETS, VILLAGES, DISTRICTS, ESTATES] {
            for word in list {
                assert!(word.chars().all(|c| c.is_ascii_alphabetic() || c == ' '));
            }
        }
    }
}
