//! Words that are people's names in Indonesia, and words that mark a street address.
//!
//! A name column cannot be recognised from the shape of its values alone: product
//! names, shop names and cities are also a few capitalised words. So a column without
//! a name header is taken for names only when many of its values contain a common
//! given name, family name or naming particle. The list was written for this detector
//! from common Indonesian naming (Javanese, Sundanese, Batak, Balinese, Chinese-
//! Indonesian and Arabic-derived names); it is not the test-data generator's list.

/// Common name words, lower case, sorted for binary search.
#[rustfmt::skip]
const NAME_WORDS: &[&str] = &[
    "abdul", "adi", "aditya", "agus", "agustina", "ahmad", "aisyah", "amelia", "ana", "andi",
    "andriani", "anggraini", "ani", "anisa", "annisa", "anton", "arief", "arif", "ayu", "bagus",
    "bambang", "batubara", "bayu", "bima", "budi", "cahya", "chandra", "citra", "damanik",
    "dani", "darmawan", "daulay", "dedi", "deni", "dewanti", "dewi", "dian", "dimas", "dina",
    "dinda", "dodi", "doni", "dwi", "edi", "effendi", "eka", "eko", "elsa", "endang", "erna",
    "evi", "fadli", "fajar", "fatimah", "fauzan", "fauzi", "febriani", "ferry", "fikri",
    "firmansyah", "fitri", "fitria", "gede", "gilang", "ginting", "gultom", "gunadi", "gunawan",
    "gusti", "hadi", "hafiz", "hakim", "halim", "hamzah", "handayani", "handoko", "hani",
    "harahap", "haris", "hartono", "hasan", "hendra", "hermawan", "heru", "hidayat",
    "hutagalung", "hutapea", "ida", "ika", "ikhsan", "ilham", "imam", "indah", "indra", "intan",
    "irawan", "irfan", "irma", "iskandar", "iwan", "joko", "kadek", "kartika", "ketut", "kiki",
    "komang", "krisna", "kurnia", "kurniasih", "kurniawan", "kusuma", "kusumawati", "lestari",
    "lia", "lilis", "lim", "lina", "lubis", "lukman", "made", "maharani", "manurung", "marlina",
    "maulana", "maya", "mega", "mira", "mohammad", "muhamad", "muhammad", "nadia", "nanda",
    "napitupulu", "nasution", "ngurah", "nia", "nina", "nita", "novi", "novita", "nugroho",
    "nur", "nuraini", "nurhayati", "nurul", "nyoman", "oktaviani", "panjaitan", "pardede",
    "permana", "permatasari", "pertiwi", "prasetyo", "pratama", "purba", "purnamasari",
    "purnomo", "puspita", "putra", "putri", "putu", "rahayu", "rahman", "rahmat", "rahmawati",
    "rama", "ramadhan", "ramadhani", "rangga", "rani", "rasyid", "ratih", "ratna", "rendy",
    "reni", "reza", "rian", "rika", "rina", "rini", "rizal", "rizki", "rizky", "rosa", "rudi",
    "ryan", "safitri", "saputra", "saragih", "sari", "satria", "sembiring", "septiani",
    "setiawan", "setiawati", "sianturi", "sihombing", "silalahi", "simanjuntak", "simatupang",
    "sinaga", "sinta", "siregar", "siswanto", "siti", "situmorang", "slamet", "sri", "subagyo",
    "sugeng", "sugianto", "suharto", "sulistyo", "supriyadi", "surya", "suryadi", "suryanto",
    "susanti", "susanto", "susi", "sutrisno", "syahputra", "tambunan", "tan", "tanjung",
    "tarigan", "taufik", "teguh", "tika", "tobing", "toni", "tri", "umi", "utami", "utomo",
    "vina", "wahyu", "wahyuni", "wati", "wawan", "wayan", "wibowo", "widodo", "widya", "wijaya",
    "wong", "wulan", "wulandari", "yanti", "yeni", "yogi", "yudi", "yulia", "yuliana",
    "yulianto", "yuni", "yusuf", "zahra", "zainal", "zulkifli",
];

/// Words that mark a street address (not a bare city or district name).
#[rustfmt::skip]
const STREET_WORDS: &[&str] = &[
    "jl", "jln", "jalan", "gg", "gang", "rt", "rw", "no", "blok", "perum", "perumahan",
    "komplek", "kompleks", "dusun", "dsn", "lorong", "lr", "kav", "kavling", "ruko", "apt",
    "apartemen", "tower", "street", "st", "road", "rd", "avenue",
];

/// Words that name a business, not a person (`Toko Budi Jaya`, `CV Sari Makmur`).
#[rustfmt::skip]
const BUSINESS_WORDS: &[&str] = &[
    "toko", "warung", "cv", "ud", "pt", "tbk", "kedai", "grosir", "official", "store", "shop",
    "olshop", "collection", "mart", "makmur", "sentosa", "abadi", "agen", "distributor",
    "koperasi", "bengkel", "apotek", "salon", "laundry", "catering", "bakery", "cafe", "resto",
    "depot", "studio", "group", "indonesia",
];

/// Honorifics that may open a person's name (`Pak Budi`) but, after another word,
/// make a brand out of a name (`Bakso Pak Budi`, `Sambal Bu Siti`).
#[rustfmt::skip]
const HONORIFICS: &[&str] = &[
    "pak", "bu", "bapak", "ibu", "mbak", "mas", "mak", "bang", "kak", "cik", "koh",
];

/// Whether a value reads as a business or a brand rather than a person's name.
pub(crate) fn is_business(text: &str) -> bool {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    words.iter().any(|w| BUSINESS_WORDS.contains(&w.as_str()))
        || words
            .iter()
            .skip(1)
            .any(|w| HONORIFICS.contains(&w.as_str()))
}

/// Whether `word` (any case, punctuation allowed around it) is a common name word.
pub(crate) fn is_name_word(word: &str) -> bool {
    let w: String = word
        .chars()
        .filter(|c| c.is_alphabetic())
        .flat_map(char::to_lowercase)
        .collect();
    w.len() > 2 && NAME_WORDS.binary_search(&w.as_str()).is_ok()
}

/// Whether `text` contains a street-address word (`Jl.`, `RT`, `Gg.`, `Blok`, ...).
pub(crate) fn has_street_word(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .any(|w| STREET_WORDS.contains(&w.to_lowercase().as_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_list_is_sorted_and_lower_case() {
        assert!(NAME_WORDS.windows(2).all(|w| w[0] < w[1]));
        assert!(NAME_WORDS
            .iter()
            .all(|w| w.chars().all(|c| c.is_ascii_lowercase())));
    }

    #[test]
    fn businesses_table() {
        for (t, want) in [
            ("Toko Budi Jaya", true),
            ("CV Sari Makmur", true),
            ("Bakso Pak Budi", true),
            ("Pak Budi Santoso", false),
            ("Budi Santoso", false),
            ("Siti Rahmawati", false),
        ] {
            assert_eq!(is_business(t), want, "{t}");
        }
    }

    #[test]
    fn words_table() {
        for (w, want) in [
            ("Budi", true),
            ("SITI", true),
            ("Nasution,", true),
            ("Kopi", false),
            ("i", false),
        ] {
            assert_eq!(is_name_word(w), want, "{w}");
        }
        for (t, want) in [
            ("Jl. Melati No. 3, Bandung", true),
            ("Gg. Mawar 5", true),
            ("Perum Griya Asri Blok C2", true),
            ("Kota Bandung", false),
            ("Kec. Coblong", false),
            ("Jakarta Selatan", false),
        ] {
            assert_eq!(has_street_word(t), want, "{t}");
        }
    }
}
