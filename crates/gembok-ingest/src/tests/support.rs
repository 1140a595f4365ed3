//! Shared helpers for import tests: a vault in a temporary folder and generated
//! customer files with known good and bad rows.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use gembok_core::{Vault, DEFAULT_SCHEMA};
use gembok_crypto::MasterKey;
use gembok_store_sqlite::SqliteStore;
use gembok_testdata::Generator;

use crate::fixtures::files::{write_csv, write_ods, write_xlsx, CsvStyle};
use crate::fixtures::xls::write_xls;

pub(crate) fn vault(dir: &Path) -> Vault {
    let store = Arc::new(SqliteStore::open(&dir.join("gembok.db")).unwrap());
    Vault::initialize(store, MasterKey::generate().unwrap(), DEFAULT_SCHEMA).unwrap()
}

/// A customer sheet: a header and `n` rows; every seventh row has a NIK with an
/// unknown province and every eleventh an e-mail with two `@`. Returns the rows and how
/// many are bad.
pub(crate) fn customer_rows(n: usize, seed: u64) -> (Vec<Vec<String>>, usize) {
    let mut gen = Generator::new(seed);
    let mut rows = vec![[
        "Nama Pelanggan",
        "Email",
        "No HP",
        "NIK",
        "Tgl Lahir",
        "Alamat",
        "Kode Pos",
        "NPWP",
        "Kartu Kredit",
        "Catatan",
    ]
    .map(String::from)
    .to_vec()];
    let mut bad = 0;
    for i in 1..=n {
        let c = gen.customer();
        let mut nik = c.nik.clone();
        let mut email = c.email.clone();
        if i % 7 == 0 {
            nik.replace_range(..2, "10");
        }
        if i % 11 == 0 {
            email = email.replace('@', "@@");
        }
        if i % 7 == 0 || i % 11 == 0 {
            bad += 1;
        }
        rows.push(vec![
            c.name.clone(),
            email,
            c.phone.clone(),
            nik,
            c.birth_date.clone(),
            c.address.clone(),
            c.postal_code.clone(),
            c.npwp.clone(),
            "4111 1111 1111 1111".to_owned(),
            "kirim sore".to_owned(),
        ]);
    }
    (rows, bad)
}

/// Write `rows` in the format its extension names.
pub(crate) fn write(dir: &Path, name: &str, rows: &[Vec<String>]) -> PathBuf {
    let path = dir.join(name);
    match name.rsplit('.').next() {
        Some("xlsx") => write_xlsx(&path, rows).unwrap(),
        Some("ods") => write_ods(&path, rows).unwrap(),
        Some("xls") => write_xls(&path, rows).unwrap(),
        Some("tsv") => write_csv(
            &path,
            rows,
            CsvStyle {
                delimiter: b'\t',
                ..CsvStyle::default()
            },
        )
        .unwrap(),
        _ => write_csv(
            &path,
            rows,
            CsvStyle {
                delimiter: b';',
                bom: true,
                crlf: true,
                ..CsvStyle::default()
            },
        )
        .unwrap(),
    }
    path
}
