//! Tests of URL parsing, the TLS decision and the rustls configuration.

use super::*;

fn unavailable(url: &str) -> String {
    match Target::parse(url) {
        Err(StoreError::Unavailable(msg)) => msg,
        other => panic!("{url}: expected Unavailable, got {other:?}"),
    }
}

#[test]
fn tls_decision_by_host_and_sslmode() {
    let cases: &[(&str, TlsMode)] = &[
        ("postgres://u@127.0.0.1:5432/db", TlsMode::Plain),
        ("postgres://u@localhost/db?sslmode=disable", TlsMode::Plain),
        (
            "postgresql://u@[::1]:5432/db?sslmode=prefer",
            TlsMode::Plain,
        ),
        (
            "postgres://u@127.0.0.1/db?sslmode=require",
            TlsMode::Verified { root_cert: None },
        ),
        (
            "postgres://u@db.example.com/db",
            TlsMode::Verified { root_cert: None },
        ),
        (
            "postgres://u@10.1.2.3/db?sslmode=verify-full&sslrootcert=/etc/ca%20dir/ca.pem",
            TlsMode::Verified {
                root_cert: Some(PathBuf::from("/etc/ca dir/ca.pem")),
            },
        ),
        (
            "postgres://u@db.example.com/db?sslmode=require",
            TlsMode::Verified { root_cert: None },
        ),
    ];
    for (url, expected) in cases {
        let target = Target::parse(url).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!(target.tls(), expected, "{url}");
    }
}

#[test]
fn plain_to_a_remote_host_is_refused() {
    for url in [
        "postgres://u@db.example.com/db?sslmode=disable",
        "postgres://u@10.0.0.5:5432/db?sslmode=disable",
        "postgres://u@127.0.0.1,db.example.com/db?sslmode=disable",
    ] {
        let msg = unavailable(url);
        assert!(msg.contains("sslmode=disable is refused"), "{url}: {msg}");
    }
}

#[test]
fn bad_urls_are_refused_without_echoing_them() {
    for url in [
        "mysql://u@127.0.0.1/db",
        "host=127.0.0.1 user=u",
        "postgres://u@127.0.0.1/db?sslmode=sometimes",
        "postgres://u:hunter2secret@127.0.0.1/db?nonsense_option=1",
    ] {
        let msg = unavailable(url);
        assert!(!msg.contains("hunter2secret"), "{msg}");
    }
}

#[test]
fn defaults_are_filled_in_and_kept_options_pass_through() {
    let target = Target::parse("postgres://u:pw@127.0.0.1/db").unwrap();
    assert_eq!(target.application_name(), Some("gembok"));
    assert_eq!(target.config.get_connect_timeout(), Some(&CONNECT_TIMEOUT));
    let named =
        Target::parse("postgres://u@127.0.0.1/db?application_name=gembok-x&connect_timeout=3")
            .unwrap();
    assert_eq!(named.application_name(), Some("gembok-x"));
    assert_eq!(
        named.config.get_connect_timeout(),
        Some(&Duration::from_secs(3))
    );
}

#[test]
fn debug_shows_no_password_or_user() {
    let target = Target::parse("postgres://alice:hunter2secret@127.0.0.1/vault").unwrap();
    let text = format!("{target:?}");
    assert!(
        text.contains("127.0.0.1") && text.contains("vault"),
        "{text}"
    );
    assert!(
        !text.contains("hunter2secret") && !text.contains("alice"),
        "{text}"
    );
}

#[test]
fn rustls_config_uses_webpki_roots_or_the_named_file() {
    rustls_config(None).expect("webpki roots");
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.pem");
    assert!(matches!(
        rustls_config(Some(&missing)),
        Err(StoreError::Unavailable(_))
    ));
    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    assert!(matches!(
        rustls_config(Some(&empty)),
        Err(StoreError::Unavailable(_))
    ));
}
