//! The privacy notice page, from a real vault and the default schema: every class,
//! purpose and retention period the schema declares, the processors, and the seven
//! rights under UU PDP in both languages. Expectations are read from the schema, not
//! written out, so a schema change cannot leave the test checking an old list.

mod common;

use common::{all_text, assert_self_contained, fixture, parse, select, text};
use gembok_core::lifecycle::RequestKind;
use gembok_render::privacy_notice_html;
use gembok_types::DataClass;

fn class_words(c: DataClass) -> (&'static str, &'static str) {
    match c {
        DataClass::Identity => ("Identitas", "Identity"),
        DataClass::Contact => ("Kontak", "Contact"),
        DataClass::Transaction => ("Transaksi", "Transactions"),
        DataClass::Account => ("Akun", "Account"),
        DataClass::Behavior => ("Perilaku", "Behaviour"),
        DataClass::Sensitive => ("Data pribadi spesifik", "Specific personal data"),
    }
}

/// `5y` -> ("5 tahun", "5 years"), independently of the crate's own wording code.
fn retention_words(code: &str) -> (String, String) {
    let (n, unit) = code.split_at(code.len() - 1);
    let (id, en) = match unit {
        "d" => ("hari", "day"),
        "m" => ("bulan", "month"),
        "y" => ("tahun", "year"),
        _ => panic!("unexpected retention {code}"),
    };
    let s = if n == "1" { "" } else { "s" };
    (format!("{n} {id}"), format!("{n} {en}{s}"))
}

#[test]
fn notice_covers_every_class_purpose_and_retention_of_the_schema() {
    let f = fixture();
    let notice = f.notice();
    let html = privacy_notice_html(&notice);
    let doc = parse(&html);
    assert_self_contained(&doc);
    let all = all_text(&doc);
    let schema = f.vault.schema();

    let data = text(&select(&doc, "#data")[0]);
    let retention = select(&doc, "#retention tbody tr");
    let mut classes = std::collections::BTreeSet::new();
    for c in schema.collections() {
        for field in c.fields.values() {
            classes.insert(field.class);
            let (id, en) = class_words(field.class);
            assert!(
                data.contains(id) && data.contains(en),
                "class {}",
                field.class
            );
            let period = field
                .retention
                .or(c.retention)
                .expect("default schema retains all");
            let (rid, ren) = retention_words(&period.to_string());
            let row = retention
                .iter()
                .map(text)
                .find(|t| t.starts_with(&format!("{id} / {en}")))
                .unwrap_or_else(|| panic!("no retention row for {}", field.class));
            assert!(
                row.contains(&rid) && row.contains(&ren),
                "{row} lacks {rid}/{ren}"
            );
        }
    }
    assert_eq!(
        retention.len(),
        classes.len(),
        "one retention row per class"
    );

    let why = select(&doc, "#why tbody tr");
    assert_eq!(why.len(), schema.purposes().count());
    for p in schema.purposes() {
        let row = why
            .iter()
            .map(text)
            .find(|t| t.starts_with(&p.name))
            .unwrap();
        assert!(row.contains(&p.id) && row.contains(&p.en), "{row}");
    }
    let marketing = why
        .iter()
        .map(text)
        .find(|t| t.starts_with("marketing"))
        .unwrap();
    assert!(marketing.contains("Persetujuan / Consent"), "{marketing}");

    for (id, en) in [
        ("Siapa kami", "Who we are"),
        ("Data yang kami simpan", "What data we hold"),
        ("Berapa lama kami menyimpannya", "How long we keep it"),
        ("Siapa yang menerimanya", "Who receives it"),
        ("Hak Anda", "Your rights"),
    ] {
        assert!(all.contains(&format!("{id} / {en}")), "heading {en}");
    }
    assert!(
        all.contains("Tanggal lahir (Pelanggan) / Date of birth (Customers)"),
        "plain field words"
    );
    let footer = text(&select(&doc, "footer")[0]);
    assert!(footer.contains(&format!("{}", notice.version)));
    let published = jiff::Timestamp::from_millisecond(notice.published_at).unwrap();
    assert!(
        footer.contains(&published.strftime("%Y-%m-%d %H:%M UTC").to_string()),
        "{footer}"
    );
}

#[test]
fn notice_names_the_business_processors_and_rights() {
    let f = fixture();
    let notice = f.notice();
    let html = privacy_notice_html(&notice);
    assert!(!html.contains("<img"), "a processor name became markup");
    let doc = parse(&html);
    let all = all_text(&doc);

    let who = text(&select(&doc, "#who")[0]);
    assert!(
        who.contains(&f.profile.name) && who.contains(&f.profile.contact),
        "{who}"
    );
    assert!(who.contains(f.profile.dpo.as_deref().unwrap()), "{who}");

    let rows = select(&doc, "#recipients tbody tr");
    assert_eq!(rows.len(), f.profile.processors.len());
    for (p, row) in f.profile.processors.iter().zip(&rows) {
        let t = text(row);
        for part in [&p.name, &p.service_id, &p.service_en, &p.country] {
            assert!(t.contains(part.as_str()), "{t} lacks {part}");
        }
    }

    let rights = select(&doc, "#rights tbody tr");
    assert_eq!(rights.len(), RequestKind::ALL.len());
    assert_eq!(rights.len(), 7);
    for (id, en) in [
        ("Hak akses", "Right of access"),
        ("Hak pembetulan", "Right to correction"),
        ("Hak penghapusan", "Right to erasure"),
        (
            "Hak pembatasan pemrosesan",
            "Right to restriction of processing",
        ),
        ("Hak portabilitas data", "Right to data portability"),
        ("Hak menarik persetujuan", "Right to withdraw consent"),
        ("Hak keberatan", "Right to object"),
    ] {
        let row = rights
            .iter()
            .map(text)
            .find(|t| t.starts_with(&format!("{id} / {en}")));
        assert!(row.is_some(), "right {en}");
    }
    assert!(all.contains("UU PDP"));
    let hours = notice.response_hours.to_string();
    assert!(
        all.contains(&format!("dalam waktu {hours} jam")),
        "Indonesian deadline"
    );
    assert!(
        all.contains(&format!("within {hours} hours")),
        "English deadline"
    );
}

#[test]
fn notice_without_dpo_or_processors_says_so() {
    let f = fixture();
    let mut notice = f.notice();
    notice.business.dpo = None;
    notice.business.processors.clear();
    let doc = parse(&privacy_notice_html(&notice));
    let who = text(&select(&doc, "#who")[0]);
    assert!(
        who.contains("Belum ditunjuk") && who.contains("None appointed"),
        "{who}"
    );
    let rec = text(&select(&doc, "#recipients")[0]);
    assert!(
        rec.contains("tidak membagikan") && rec.contains("do not share"),
        "{rec}"
    );
}
