//! The subject report page, from a real vault: a valid HTML5 document in both languages
//! holding every value of the subject and every access-history row, with customer input
//! escaped rather than turned into markup.

mod common;

use common::{all_text, assert_self_contained, fixture, parse, select, text, HOSTILE};
use gembok_render::subject_report_html;

fn format_ms(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .unwrap()
        .strftime("%Y-%m-%d %H:%M UTC")
        .to_string()
}

#[test]
fn report_is_a_valid_bilingual_document() {
    let f = fixture();
    let html = subject_report_html(&f.report(), &f.notice());
    let doc = parse(&html);
    assert_self_contained(&doc);
    assert!(html.starts_with("<!DOCTYPE html>"), "{}", &html[..40]);

    let h1 = select(&doc, "h1");
    assert_eq!(h1.len(), 1);
    assert_eq!(
        text(&select(&doc, "h1 [lang=id]")[0]),
        "Laporan Data Pribadi Anda"
    );
    assert_eq!(
        text(&select(&doc, "h1 [lang=en]")[0]),
        "Your Personal Data Report"
    );
    // Every section heading and every table header carries both languages.
    let heads = select(&doc, "h2, h3, th");
    assert!(heads.len() > 15, "{}", heads.len());
    for h in heads {
        let id = h
            .select(&scraper::Selector::parse("[lang=id]").unwrap())
            .count();
        let en = h
            .select(&scraper::Selector::parse("[lang=en]").unwrap())
            .count();
        assert!(id >= 1 && en >= 1, "heading not bilingual: {}", text(&h));
    }
    let all = all_text(&doc);
    for label in [
        "Riwayat akses",
        "Access history",
        "Persetujuan Anda",
        "Your consent",
        "Disimpan sampai",
        "Kept until",
        "Pembatasan pemrosesan",
        "Restriction of processing",
    ] {
        assert!(all.contains(label), "missing `{label}`");
    }
    // The business at the top, its markup-looking name shown as text.
    let header = text(&select(&doc, "header")[0]);
    assert!(header.contains("Toko <i>Maju</i> & \"Jaya\""), "{header}");
    assert!(header.contains("privasi@tokomaju.example"), "{header}");
    assert!(select(&doc, "i").is_empty());
}

#[test]
fn report_holds_every_value_with_class_purposes_and_retention() {
    let f = fixture();
    let report = f.report();
    let notice = f.notice();
    let doc = parse(&subject_report_html(&report, &notice));

    let want: Vec<&str> = report
        .records
        .iter()
        .flat_map(|r| r.fields.iter().map(|f| f.value.as_str()))
        .collect();
    assert!(want.len() >= 10, "{want:?}");
    let got: Vec<String> = select(&doc, "td.value")
        .iter()
        .map(|e| e.text().collect())
        .collect();
    assert_eq!(got, want, "every value, exactly, in record order");
    assert!(want.contains(&HOSTILE) && want.contains(&"Siti Rahmawati"));
    assert_eq!(select(&doc, "article.record").len(), report.records.len());

    let all = all_text(&doc);
    for r in &report.records {
        assert!(all.contains(r.description.as_str()), "{}", r.description);
        assert!(all.contains(&r.id.to_string()));
        for field in &r.fields {
            for p in &field.purposes {
                let spec = notice.purposes.iter().find(|s| &s.name == p).unwrap();
                assert!(all.contains(&spec.id) && all.contains(&spec.en), "{p}");
            }
            let until = field
                .retention_until
                .expect("the default schema retains all");
            assert!(all.contains(&format_ms(until)));
        }
    }
    for label in [
        "Nama",
        "Name",
        "Identitas",
        "Kontak",
        "Transaksi",
        "Perilaku",
        "Data pribadi spesifik",
    ] {
        assert!(all.contains(label), "missing `{label}`");
    }
}

#[test]
fn hostile_values_stay_text() {
    let f = fixture();
    let html = subject_report_html(&f.report(), &f.notice());
    assert!(!html.contains(HOSTILE), "raw markup in the page");
    assert!(!html.to_ascii_lowercase().contains("<script"), "escaped");
    let doc = parse(&html);
    assert!(select(&doc, "script").is_empty());
    assert!(all_text(&doc).contains(HOSTILE), "shown as text");
    assert!(all_text(&doc).contains("a & b \"quoted\""));
}

#[test]
fn report_shows_consent_restriction_and_history() {
    let f = fixture();
    let report = f.report();
    let doc = parse(&subject_report_html(&report, &f.notice()));

    let consent = select(&doc, "#consent tbody tr");
    assert_eq!(consent.len(), report.consent_purposes.len());
    let row = consent
        .iter()
        .map(text)
        .find(|t| t.contains("marketing"))
        .unwrap();
    assert!(
        row.contains("Diberikan") && row.contains("Given") && row.contains("web_form"),
        "{row}"
    );
    let restriction = text(&select(&doc, "#restriction")[0]);
    assert!(
        restriction.contains("Tidak ada") && restriction.contains("None"),
        "{restriction}"
    );

    let rows = select(&doc, "#history tbody tr");
    assert!(report.history.len() >= 5, "{}", report.history.len());
    assert_eq!(rows.len(), report.history.len());
    for (h, row) in report.history.iter().zip(&rows) {
        let t = text(row);
        assert!(t.contains(&format_ms(h.time)), "{t}");
        assert!(t.contains(&h.principal) && t.contains(&h.role), "{t}");
        if let Some(p) = &h.purpose {
            assert!(t.contains(p.as_str()), "{t}");
        }
    }
    let all: Vec<String> = rows.iter().map(text).collect();
    assert!(all
        .iter()
        .any(|t| t.contains("Membaca data") && t.contains("Read data")));
    assert!(all
        .iter()
        .any(|t| t.contains("Mencatat persetujuan") && t.contains("Recorded consent")));
    assert!(all
        .iter()
        .any(|t| t.contains("Alamat email") && t.contains("E-mail address")));
}

#[test]
fn restriction_and_hold_show_their_dates() {
    let f = fixture();
    let actor = gembok_core::Actor::local_operator();
    let state = f.vault.set_restriction(&actor, f.customer, true).unwrap();
    f.vault
        .set_legal_hold(&actor, f.customer, Some("case-17"))
        .unwrap();
    let doc = parse(&subject_report_html(&f.report(), &f.notice()));
    let t = text(&select(&doc, "#restriction")[0]);
    let since = format_ms(state.restricted_since.unwrap());
    assert!(
        t.contains("Berlaku sejak") && t.contains("In force since") && t.contains(&since),
        "{t}"
    );
    assert!(!t.contains("Tidak ada"), "{t}");
}
