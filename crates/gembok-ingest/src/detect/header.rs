//! What a column header says, in Indonesian or English.
//!
//! Headers are normalised (lower case, punctuation to spaces) and matched as whole
//! words or word sequences, so `No. HP`, `no_hp` and `NO HP` agree while `nik` does not
//! match inside `teknik`. Each type has its own words; modifiers turn a match off when
//! the column is about something else (`nama produk`, `NIK karyawan` is an employee
//! number, `no kartu keluarga` a family-card number, `alamat IP` no address). Email is
//! checked first because `alamat email` also contains `alamat`.

use super::PiiType;

/// What a header tells about its column.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct HeaderHint {
    /// The personal-data type the header names.
    pub pii: Option<PiiType>,
    /// A generic contact header (`kontak`): phone or e-mail.
    pub contact: bool,
    /// The header names something that is not customer data (`no pesanan`, `harga`).
    pub negative: bool,
}

impl HeaderHint {
    /// Whether the header is a label this module knows, of any kind.
    pub fn known(&self) -> bool {
        self.pii.is_some() || self.contact || self.negative
    }
}

#[rustfmt::skip]
const EMAIL: &[&str] = &[
    "email", "e mail", "surel", "surat elektronik", "mail", "emailnya",
];
#[rustfmt::skip]
const CARD: &[&str] = &[
    "kartu kredit", "credit card", "card number", "card no", "kartu debit", "debit card", "cc",
    "pan", "no kartu", "nomor kartu", "card", "creditcard",
];
#[rustfmt::skip]
const CARD_NOT: &[&str] = &[
    "keluarga", "identitas", "ktp", "member", "anggota", "bpjs", "kk", "nik", "pelajar",
    "mahasiswa", "gift", "voucher",
];
#[rustfmt::skip]
const NIK: &[&str] = &[
    "nik", "ktp", "no ktp", "noktp", "nomor ktp", "kependudukan", "identitas", "id card",
    "national id", "identity number", "nomor induk kependudukan", "niknya",
];
#[rustfmt::skip]
const NIK_NOT: &[&str] = &[
    "karyawan", "pegawai", "employee", "kk", "keluarga", "staf", "staff",
];
#[rustfmt::skip]
const NPWP: &[&str] = &[
    "npwp", "nonpwp", "tax id", "tax number", "taxpayer", "wajib pajak",
    "nomor pokok wajib pajak",
];
#[rustfmt::skip]
const PHONE: &[&str] = &[
    "hp", "no hp", "nohp", "handphone", "telepon", "telp", "tlp", "telpon", "phone", "mobile",
    "whatsapp", "wa", "nowa", "ponsel", "tel", "seluler", "cell", "cellphone", "notelp",
    "nomor hp", "msisdn", "telephone", "hape",
];
#[rustfmt::skip]
const PHONE_NOT: &[&str] = &[
    "rekening", "bank", "pesanan", "order", "resi", "invoice", "faktur", "fax", "faks",
];
const CONTACT: &[&str] = &[
    "kontak",
    "contact",
    "no kontak",
    "nomor kontak",
    "kontak pelanggan",
];
#[rustfmt::skip]
const BIRTH: &[&str] = &[
    "tanggal lahir", "tgl lahir", "tgllahir", "tgl lhr", "tanggallahir", "lahir", "birth",
    "dob", "date of birth", "birthday", "birthdate", "ulang tahun", "ttl",
];
#[rustfmt::skip]
const POSTAL: &[&str] = &[
    "kode pos", "kodepos", "kd pos", "postal", "postal code", "zip", "zip code", "postcode",
    "zipcode", "kdpos",
];
#[rustfmt::skip]
const ADDRESS: &[&str] = &[
    "alamat", "address", "domisili", "alamat lengkap", "alamat pengiriman", "alamat rumah",
    "shipping address", "street", "alamat kirim", "addr", "alamatnya",
];
#[rustfmt::skip]
const NAME: &[&str] = &[
    "nama", "name", "nama lengkap", "full name", "fullname", "namalengkap", "pelanggan",
    "customer", "penerima", "recipient", "pembeli", "buyer", "konsumen", "nama depan",
    "first name", "nama belakang", "last name", "surname", "atas nama", "ibu kandung",
    "pemesan", "nasabah", "firstname", "lastname", "contact person",
];
/// Words that make a header about something other than a person's data.
#[rustfmt::skip]
const NOT_PERSONAL: &[&str] = &[
    "produk", "product", "barang", "item", "toko", "shop", "store", "bank", "rekening", "kurir",
    "courier", "ekspedisi", "pesanan", "order", "invoice", "faktur", "transaksi", "transaction",
    "pengguna", "username", "user", "akun", "account", "kategori", "category", "brand", "merek",
    "varian", "variant", "perusahaan", "company", "kota", "city", "provinsi", "province",
    "kecamatan", "kelurahan", "kabupaten", "desa", "kk", "keluarga", "voucher", "promo", "sku",
    "kode", "code", "id", "status", "harga", "price", "total", "jumlah", "qty", "kuantitas",
    "resi", "tracking", "awb", "karyawan", "pegawai", "employee", "sales", "created", "updated",
    "dibuat", "waktu", "time", "ip", "catatan", "notes", "note", "keterangan", "diskon",
    "discount", "ongkir", "berat", "weight", "pembayaran", "payment", "metode", "tanggal",
    "tgl", "date", "nomor", "no", "number", "jenis", "tipe", "type", "rating", "ulasan",
    "review", "gudang", "warehouse", "stok", "stock", "paket", "layanan", "service",
];
/// Of [`NOT_PERSONAL`], the words that only serve as a header's head noun (`tanggal`,
/// `no`): they do not turn off a type named in the same header (`tanggal lahir`,
/// `no hp`, `kode pos`).
#[rustfmt::skip]
const NEUTRAL_HEADS: &[&str] = &[
    "tanggal", "tgl", "date", "nomor", "no", "number", "kode", "code",
];

/// Lower case, every run of non-alphanumeric characters a single space.
pub(crate) fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with(' ') && !out.is_empty() {
            out.push(' ');
        }
    }
    out.trim_end().to_owned()
}

fn has(words: &[&str], phrases: &[&str]) -> bool {
    phrases.iter().any(|p| {
        let want: Vec<&str> = p.split(' ').collect();
        words.windows(want.len()).any(|w| w == want.as_slice())
    })
}

/// Read a header cell.
pub(crate) fn read(text: &str) -> HeaderHint {
    let norm = normalise(text);
    let words: Vec<&str> = norm.split(' ').filter(|w| !w.is_empty()).collect();
    if words.is_empty() || words.len() > 8 {
        return HeaderHint::default();
    }
    let modifiers: Vec<&str> = words
        .iter()
        .copied()
        .filter(|w| NOT_PERSONAL.contains(w) && !NEUTRAL_HEADS.contains(w))
        .collect();
    let negative_word = !modifiers.is_empty();
    let mut hint = HeaderHint {
        negative: has(&words, NOT_PERSONAL),
        ..HeaderHint::default()
    };
    let pii = if has(&words, EMAIL) {
        Some(PiiType::Email)
    } else if has(&words, NPWP) {
        Some(PiiType::Npwp)
    } else if has(&words, CARD) && !has(&words, CARD_NOT) {
        Some(PiiType::CardNumber)
    } else if has(&words, NIK) && !has(&words, NIK_NOT) {
        Some(PiiType::Nik)
    } else if has(&words, PHONE) && !has(&words, PHONE_NOT) {
        Some(PiiType::Phone)
    } else if has(&words, CONTACT) {
        hint.contact = !negative_word;
        None
    } else if has(&words, BIRTH) {
        Some(PiiType::BirthDate)
    } else if has(&words, POSTAL) {
        Some(PiiType::PostalCode)
    } else if has(&words, ADDRESS) && !negative_word {
        Some(PiiType::Address)
    } else if has(&words, NAME) && !negative_word {
        Some(PiiType::Name)
    } else {
        None
    };
    if let Some(t) = pii {
        hint.pii = Some(t);
        // A named type wins over the generic head nouns around it.
        hint.negative = negative_word && !t.is_structured();
        if hint.negative {
            hint.pii = None;
        }
    }
    hint
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_table() {
        use PiiType::*;
        for (text, want) in [
            ("Nama", Some(Name)),
            ("Nama Lengkap", Some(Name)),
            ("CUSTOMER NAME", Some(Name)),
            ("nama_penerima", Some(Name)),
            ("Nama Ibu Kandung", Some(Name)),
            ("Nama Produk", None),
            ("Nama Toko", None),
            ("ID Pelanggan", None),
            ("Alamat", Some(Address)),
            ("Alamat Pengiriman", Some(Address)),
            ("Alamat Email", Some(Email)),
            ("E-mail", Some(Email)),
            ("surel", Some(Email)),
            ("Alamat IP", None),
            ("No. HP", Some(Phone)),
            ("no_hp", Some(Phone)),
            ("Telepon", Some(Phone)),
            ("WhatsApp", Some(Phone)),
            ("No Rekening", None),
            ("Tgl Lahir", Some(BirthDate)),
            ("Tanggal Lahir", Some(BirthDate)),
            ("Date of Birth", Some(BirthDate)),
            ("Tanggal Pesanan", None),
            ("KTP", Some(Nik)),
            ("NIK", Some(Nik)),
            ("No. KTP", Some(Nik)),
            ("ID KTP", Some(Nik)),
            ("NIK Karyawan", None),
            ("No KK", None),
            ("Teknik", None),
            ("NPWP", Some(Npwp)),
            ("Kode Pos", Some(PostalCode)),
            ("kodepos", Some(PostalCode)),
            ("ZIP", Some(PostalCode)),
            ("Kota", None),
            ("No. Kartu Kredit", Some(CardNumber)),
            ("Credit Card", Some(CardNumber)),
            ("No Kartu Keluarga", None),
            ("No Kartu Member", None),
            ("No Pesanan", None),
            ("", None),
        ] {
            assert_eq!(read(text).pii, want, "{text:?}");
        }
    }

    #[test]
    fn contact_and_negative_flags() {
        assert!(read("Kontak").contact);
        assert!(read("No. Kontak").contact);
        assert!(!read("Kontak Toko").contact);
        for neg in [
            "No Pesanan",
            "Harga",
            "Nama Produk",
            "Status",
            "Tanggal Pesanan",
            "Kota",
        ] {
            let h = read(neg);
            assert!(h.negative && h.known(), "{neg}");
        }
        for pos in ["Tgl Lahir", "No HP", "Kode Pos", "NIK", "Nama"] {
            assert!(!read(pos).negative, "{pos}");
        }
        assert!(!read("Budi Santoso").known());
    }

    #[test]
    fn normalise_table() {
        for (input, want) in [
            ("No. HP", "no hp"),
            ("  TGL__Lahir ", "tgl lahir"),
            ("E-mail", "e mail"),
            ("Kode Pos (5 digit)", "kode pos 5 digit"),
        ] {
            assert_eq!(normalise(input), want);
        }
    }
}
