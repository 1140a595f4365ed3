//! The words the documents use: Bahasa Indonesia and English labels for data classes,
//! legal bases, rights (UU PDP No. 27/2022), audit actions, retention periods and the
//! shipped schema's collection and field names.
//!
//! Names without an entry are shown as they are in both languages: a custom schema must
//! still render, and showing the raw name is more honest than guessing a translation.

use gembok_core::lifecycle::RequestKind;
use gembok_types::DataClass;

/// One text in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Bi {
    pub id: String,
    pub en: String,
}

impl Bi {
    pub fn new(id: &str, en: &str) -> Self {
        Bi {
            id: id.to_owned(),
            en: en.to_owned(),
        }
    }

    /// The same text in both languages (an untranslated name).
    pub fn same(text: &str) -> Self {
        Bi::new(text, text)
    }
}

fn lookup(table: &[(&str, &str, &str)], key: &str) -> Bi {
    table
        .iter()
        .find(|(k, ..)| *k == key)
        .map_or_else(|| Bi::same(key), |(_, id, en)| Bi::new(id, en))
}

pub(crate) fn class(c: DataClass) -> Bi {
    match c {
        DataClass::Identity => Bi::new("Identitas", "Identity"),
        DataClass::Contact => Bi::new("Kontak", "Contact"),
        DataClass::Transaction => Bi::new("Transaksi", "Transactions"),
        DataClass::Account => Bi::new("Akun", "Account"),
        DataClass::Behavior => Bi::new("Perilaku", "Behaviour"),
        DataClass::Sensitive => Bi::new("Data pribadi spesifik", "Specific personal data"),
    }
}

/// What a class covers, in plain words.
pub(crate) fn class_about(c: DataClass) -> Bi {
    match c {
        DataClass::Identity => Bi::new(
            "Siapa Anda: nama, alamat, tanggal lahir.",
            "Who you are: name, address, date of birth.",
        ),
        DataClass::Contact => Bi::new(
            "Cara menghubungi Anda: email, nomor telepon.",
            "How to reach you: e-mail, phone number.",
        ),
        DataClass::Transaction => Bi::new(
            "Apa yang Anda beli dan cara Anda membayar.",
            "What you bought and how you paid.",
        ),
        DataClass::Account => Bi::new(
            "Login Anda di toko kami: nama pengguna, kata sandi.",
            "Your login with us: username, password.",
        ),
        DataClass::Behavior => Bi::new(
            "Apa yang Anda lakukan di toko: aktivitas dan preferensi.",
            "What you did in the shop: activity and preferences.",
        ),
        DataClass::Sensitive => Bi::new(
            "Data yang dilindungi khusus (UU PDP Pasal 4): NIK, NPWP, data keuangan.",
            "Data with special protection (UU PDP Art. 4): ID number (NIK), tax number (NPWP), financial data.",
        ),
    }
}

pub(crate) fn basis(name: &str) -> Bi {
    lookup(
        &[
            ("consent", "Persetujuan", "Consent"),
            (
                "contract",
                "Pemenuhan perjanjian",
                "Performance of a contract",
            ),
            ("legal_obligation", "Kewajiban hukum", "Legal obligation"),
            ("vital_interest", "Kepentingan vital", "Vital interests"),
            ("public_task", "Kepentingan umum", "Public task"),
            (
                "legitimate_interest",
                "Kepentingan yang sah",
                "Legitimate interest",
            ),
        ],
        name,
    )
}

/// A right under UU PDP: its name, what it lets the customer do, and its article.
pub(crate) fn right(kind: RequestKind) -> (Bi, Bi, &'static str) {
    let (name, about, article) = match kind {
        RequestKind::Access => (
            ("Hak akses", "Right of access"),
            ("Mendapatkan akses dan salinan data pribadi Anda.",
             "Get access to and a copy of your personal data."),
            "7",
        ),
        RequestKind::Correction => (
            ("Hak pembetulan", "Right to correction"),
            ("Melengkapi, memperbarui, dan memperbaiki data pribadi Anda yang salah.",
             "Complete, update and correct your personal data when it is wrong."),
            "6",
        ),
        RequestKind::Erasure => (
            ("Hak penghapusan", "Right to erasure"),
            ("Mengakhiri pemrosesan dan menghapus data pribadi Anda.",
             "End the processing and erase your personal data."),
            "8",
        ),
        RequestKind::Restriction => (
            ("Hak pembatasan pemrosesan", "Right to restriction of processing"),
            ("Menunda atau membatasi pemrosesan data pribadi Anda.",
             "Suspend or restrict the processing of your personal data."),
            "11",
        ),
        RequestKind::Portability => (
            ("Hak portabilitas data", "Right to data portability"),
            ("Menerima data Anda dalam format umum yang dapat dibaca mesin dan mengirimkannya ke pihak lain.",
             "Receive your data in a common machine-readable format and pass it to another business."),
            "13",
        ),
        RequestKind::WithdrawConsent => (
            ("Hak menarik persetujuan", "Right to withdraw consent"),
            ("Menarik kembali persetujuan Anda kapan saja; pemrosesan sebelumnya tetap sah.",
             "Withdraw your consent at any time; processing before then stays lawful."),
            "9",
        ),
        RequestKind::Objection => (
            ("Hak keberatan", "Right to object"),
            ("Menolak keputusan yang hanya didasarkan pada pemrosesan otomatis, termasuk profiling.",
             "Object to decisions based only on automated processing, including profiling."),
            "10",
        ),
    };
    (Bi::new(name.0, name.1), Bi::new(about.0, about.1), article)
}

pub(crate) fn collection(name: &str) -> Bi {
    lookup(
        &[
            ("customers", "Pelanggan", "Customers"),
            ("orders", "Pesanan", "Orders"),
            ("events", "Aktivitas", "Activity"),
        ],
        name,
    )
}

pub(crate) fn field(name: &str) -> Bi {
    lookup(
        &[
            ("name", "Nama", "Name"),
            ("email", "Alamat email", "E-mail address"),
            ("phone", "Nomor telepon", "Phone number"),
            ("birth_date", "Tanggal lahir", "Date of birth"),
            ("address", "Alamat", "Address"),
            ("postal_code", "Kode pos", "Postal code"),
            ("nik", "NIK (nomor KTP)", "NIK (ID card number)"),
            ("npwp", "NPWP (nomor pajak)", "NPWP (tax number)"),
            ("password", "Kata sandi", "Password"),
            ("totp", "Kode login dua langkah", "Two-step login code"),
            ("username", "Nama pengguna", "Username"),
            ("customer", "Pelanggan", "Customer"),
            ("amount", "Jumlah", "Amount"),
            ("items", "Barang", "Items"),
            ("payment_ref", "Referensi pembayaran", "Payment reference"),
            ("action", "Aktivitas", "Activity"),
            ("detail", "Rincian", "Details"),
        ],
        name,
    )
}

pub(crate) fn action(name: &str) -> Bi {
    lookup(
        &[
            ("record.read", "Membaca data", "Read data"),
            ("record.create", "Membuat data", "Created data"),
            ("record.update", "Mengubah data", "Changed data"),
            ("record.delete", "Menghapus data", "Deleted data"),
            ("record.search", "Mencari data", "Searched data"),
            ("record.list", "Menampilkan daftar data", "Listed data"),
            ("record.export", "Mengekspor data", "Exported data"),
            (
                "record.verify_password",
                "Memeriksa kata sandi",
                "Checked the password",
            ),
            (
                "record.verify_totp",
                "Memeriksa kode dua langkah",
                "Checked a two-step code",
            ),
            (
                "record.enrol_totp",
                "Mendaftarkan login dua langkah",
                "Set up two-step login",
            ),
            (
                "subject.report",
                "Membuat laporan data pribadi",
                "Produced a personal data report",
            ),
            (
                "subject.restrict",
                "Membatasi pemrosesan",
                "Restricted processing",
            ),
            (
                "subject.unrestrict",
                "Mencabut pembatasan",
                "Lifted the restriction",
            ),
            (
                "subject.hold",
                "Menetapkan penahanan hukum",
                "Placed a legal hold",
            ),
            (
                "subject.release",
                "Mencabut penahanan hukum",
                "Released the legal hold",
            ),
            ("subject.erase", "Menghapus semua data", "Erased all data"),
            ("consent.grant", "Mencatat persetujuan", "Recorded consent"),
            (
                "consent.withdraw",
                "Mencatat penarikan persetujuan",
                "Recorded a withdrawal of consent",
            ),
            ("request.open", "Menerima permintaan", "Received a request"),
            (
                "request.close",
                "Menyelesaikan permintaan",
                "Closed a request",
            ),
            (
                "retention.purge",
                "Menghapus: masa simpan berakhir",
                "Removed: retention ended",
            ),
            (
                "retention.purge_field",
                "Menghapus: masa simpan berakhir",
                "Removed: retention ended",
            ),
        ],
        name,
    )
}

pub(crate) fn outcome(o: gembok_core::Outcome) -> Bi {
    match o {
        gembok_core::Outcome::Ok => Bi::new("Berhasil", "Done"),
        gembok_core::Outcome::Denied => Bi::new("Ditolak", "Refused"),
        gembok_core::Outcome::Failed => Bi::new("Gagal", "Failed"),
    }
}

/// A retention period as the core writes it (`90d`, `6m`, `10y`, `until erased`).
pub(crate) fn retention(text: &str) -> Bi {
    if text == "until erased" {
        return Bi::new("Sampai dihapus", "Until erased");
    }
    let (num, unit) = text.split_at(text.len().saturating_sub(1));
    let Ok(n) = num.parse::<u32>() else {
        return Bi::same(text);
    };
    let plural = if n == 1 { "" } else { "s" };
    match unit {
        "d" => Bi {
            id: format!("{n} hari"),
            en: format!("{n} day{plural}"),
        },
        "m" => Bi {
            id: format!("{n} bulan"),
            en: format!("{n} month{plural}"),
        },
        "y" => Bi {
            id: format!("{n} tahun"),
            en: format!("{n} year{plural}"),
        },
        _ => Bi::same(text),
    }
}
