//! Detector tests on small hand-made tables.

use super::*;

fn table(rows: &[&[&str]]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
        .collect()
}

fn types(report: &TableReport) -> Vec<Option<&'static str>> {
    report
        .columns
        .iter()
        .map(|c| c.pii.map(PiiType::as_str))
        .collect()
}

#[test]
fn a_customer_sheet_with_indonesian_headers() {
    let rows = table(&[
        &[
            "Nama Pelanggan",
            "No. HP",
            "Email",
            "NIK",
            "Tgl Lahir",
            "Kode Pos",
            "Alamat",
            "No Pesanan",
        ],
        &[
            "Budi Santoso",
            "0812-3456-7890",
            "budi@gmail.com",
            "3174091705900002",
            "17/05/1990",
            "10220",
            "Jl. Melati No. 3, Jakarta",
            "INV/2024/0001",
        ],
        &[
            "Siti Rahmawati",
            "+62 813 1111 2222",
            "siti.r@yahoo.co.id",
            "3273015203950004",
            "12/03/1995",
            "40115",
            "Jl. Dago No. 10, Bandung",
            "INV/2024/0002",
        ],
        &[
            "Agus Wijaya",
            "081298765432",
            "agus.w@gmail.com",
            "3578062011880003",
            "20/11/1988",
            "60241",
            "Gg. Mawar 5, Surabaya",
            "INV/2024/0003",
        ],
    ]);
    let r = classify_rows(&rows);
    assert!(r.has_header);
    assert_eq!(r.rows, 3);
    assert_eq!(
        types(&r),
        vec![
            Some("name"),
            Some("phone"),
            Some("email"),
            Some("nik"),
            Some("birth_date"),
            Some("postal_code"),
            Some("address"),
            None
        ]
    );
    let nik = &r.columns[3];
    assert_eq!(nik.header.as_deref(), Some("NIK"));
    assert_eq!(nik.count, 3);
    assert_eq!(nik.example.as_deref(), Some("3174********0002"));
    assert!(nik.confidence > 0.9 && nik.confidence <= 1.0);
    assert_eq!(r.columns[7].confidence, 0.0);
}

#[test]
fn headerless_values_are_recognised() {
    let rows = table(&[
        &["budi@gmail.com", "081234567890", "4111 1111 1111 1111"],
        &["siti@yahoo.com", "085712345678", "5555 5555 5555 4444"],
        &["agus@outlook.com", "089512345678", "4012 8888 8888 1881"],
        &["dewi@gmail.com", "081398765432", "2223 0031 2200 3222"],
    ]);
    let r = classify_rows(&rows);
    assert!(!r.has_header);
    assert_eq!(r.rows, 4);
    assert_eq!(
        types(&r),
        vec![Some("email"), Some("phone"), Some("card_number")]
    );
    assert_eq!(r.columns[2].example.as_deref(), Some("**** **** **** 1111"));
    assert!(r.columns.iter().all(|c| c.header.is_none()));
}

#[test]
fn decoys_stay_unclassified() {
    let rows = table(&[
        &[
            "No Pesanan",
            "Tanggal Pesanan",
            "Produk",
            "Harga",
            "Qty",
            "Kota",
        ],
        &[
            "2024051700012345",
            "2024-05-17",
            "Kopi Arabika Gayo",
            "125000",
            "2",
            "Kota Bandung",
        ],
        &[
            "2024051700012346",
            "2024-05-18",
            "Teh Hijau Melati",
            "45000",
            "1",
            "Kab. Sleman",
        ],
        &[
            "2024051700012347",
            "2024-06-01",
            "Gula Aren Cair",
            "30000",
            "3",
            "Kota Medan",
        ],
    ]);
    let r = classify_rows(&rows);
    assert!(r.has_header);
    assert_eq!(types(&r), vec![None; 6]);
}

#[test]
fn nik_npwp_and_family_card_columns_are_told_apart() {
    let rows = table(&[
        &["KTP", "NPWP", "No KK"],
        &[
            "3174091705900002",
            "09.254.294.3-407.000",
            "3174091705900011",
        ],
        &["3273015203950004", "3273015203950004", "3273010101950001"],
        &["3578062011880003", "0012345674012000", "3578060101880002"],
    ]);
    assert_eq!(
        types(&classify_rows(&rows)),
        vec![Some("nik"), Some("npwp"), None]
    );
}

#[test]
fn excel_numbers_without_leading_zero_are_phones() {
    let rows = table(&[
        &["HP"],
        &["81234567890"],
        &["85712345678"],
        &["89612345678"],
    ]);
    let r = classify_rows(&rows);
    assert_eq!(types(&r), vec![Some("phone")]);
    assert_eq!(r.columns[0].example.as_deref(), Some("+62********890"));
}

#[test]
fn empty_and_placeholder_cells_are_not_counted() {
    let rows = table(&[
        &["Email", "Catatan"],
        &["budi@gmail.com", "-"],
        &["-", ""],
        &["siti@gmail.com", "tolong cepat"],
    ]);
    let r = classify_rows(&rows);
    assert_eq!(r.columns[0].count, 2);
    assert_eq!(r.columns[1].count, 1);
    assert_eq!(types(&r), vec![Some("email"), None]);
}

#[test]
fn an_empty_table_reports_nothing() {
    let r = classify_rows(&[]);
    assert_eq!(r, TableReport::default());
}
