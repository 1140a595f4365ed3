//! Parsing `gembok.toml`: the README example, defaults, refused keys, and rewriting
//! the key line without losing other settings.

use super::*;

#[test]
fn the_readme_example_settings_parse() {
    let readme = include_str!("../../../../README.md");
    let start = readme
        .find("```toml\n[audit]")
        .expect("README shows the audit settings");
    let body = &readme[start + "```toml\n".len()..];
    let example = &body[..body.find("```").expect("closed block")];
    let s = Settings::parse(example, Path::new("/v")).unwrap();
    assert_eq!(s.audit.checkpoint_every, 1000);
    assert_eq!(s.monitor.bulk_read.records, 200);
    assert_eq!(s.monitor.denials.count, 10);
    assert!(s.has_notify_channels());
    assert!(s.audit.checkpoint_webhook);
}

#[test]
fn accounts_settings_map_to_the_core_config() {
    let s = Settings::parse("", Path::new("/v")).unwrap();
    let c = s.accounts.to_config();
    assert_eq!(c.session.idle_ms, 30 * 60_000);
    assert_eq!(c.session.absolute_ms, 12 * 3_600_000);
    assert_eq!(c.issuer, AccountsConfig::default().issuer);
    assert_eq!(c.business_name, None);

    let text = "[accounts]\nbusiness_name = \"Toko Sinar\"\nsession_idle_minutes = 15\nsession_absolute_hours = 8\n";
    let c = Settings::parse(text, Path::new("/v"))
        .unwrap()
        .accounts
        .to_config();
    assert_eq!(c.business_name.as_deref(), Some("Toko Sinar"));
    assert_eq!(c.issuer, "Toko Sinar");
    assert_eq!(c.session.idle_ms, 15 * 60_000);
    assert_eq!(c.session.absolute_ms, 8 * 3_600_000);
    let c = Settings::parse(
        "[accounts]\nbusiness_name = \"Toko Sinar\"\nissuer = \"Sinar Admin\"\n",
        Path::new("/v"),
    )
    .unwrap()
    .accounts
    .to_config();
    assert_eq!(c.issuer, "Sinar Admin");

    for bad in [
        "[accounts]\nsession_idle_minute = 5\n",
        "[accounts]\nsession_idle_minutes = 0\n",
        "[accounts]\nsession_absolute_hours = 0\n",
        "[accounts]\nsession_idle_minutes = 120\nsession_absolute_hours = 1\n",
        "[accounts]\nbusiness_name = \" \"\n",
    ] {
        let e = format!("{:#}", Settings::parse(bad, Path::new("/v")).unwrap_err());
        assert!(
            e.contains("session_idle_minute") || e.contains("[accounts]"),
            "{bad}: {e}"
        );
    }
}

#[test]
fn checkpoint_webhook_needs_a_channel() {
    let err = Settings::parse("[audit]\ncheckpoint_webhook = true\n", Path::new("/v"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("checkpoint_webhook"), "{err}");
}

#[test]
fn defaults_apply_when_sections_are_absent() {
    let s = Settings::parse("key_file = \"k\"\n", Path::new("/v")).unwrap();
    assert_eq!(s.key_file, Some(PathBuf::from("/v/k")));
    assert_eq!(s.audit.checkpoint_every, 1000);
    assert_eq!(s.audit.checkpoint_interval_secs, 60);
    assert_eq!(s.audit.retention_days, 730);
    assert_eq!(s.audit.checkpoint_file, None);
    assert_eq!(s.monitor, MonitorConfig::default());
    assert!(!s.has_notify_channels());
    let c = s.audit.to_config();
    assert_eq!(c.checkpoint_interval_ms, 60_000);
    assert!(c.sink.is_none());
}

#[test]
fn audit_monitor_and_notify_sections_are_read() {
    let text = r#"
key_file = "/keys/m.key"
[audit]
checkpoint_every = 2
checkpoint_interval_secs = 5
retention_days = 30
checkpoint_file = "cp.jsonl"
[monitor]
dedup_minutes = 5
[monitor.bulk_read]
records = 3
minutes = 1
[[notify.webhook]]
url = "https://hooks.example.co.id/x"
secret_env = "X"
"#;
    let s = Settings::parse(text, Path::new("/v")).unwrap();
    assert_eq!(s.key_file, Some(PathBuf::from("/keys/m.key")));
    assert_eq!(s.audit.checkpoint_every, 2);
    assert_eq!(s.audit.retention_days, 30);
    assert_eq!(s.audit.checkpoint_file, Some(PathBuf::from("/v/cp.jsonl")));
    assert_eq!(s.audit.to_config().checkpoint_interval_ms, 5000);
    assert!(s.audit.to_config().sink.is_some());
    assert_eq!(s.monitor.dedup_minutes, 5);
    assert_eq!(s.monitor.bulk_read.records, 3);
    assert!(s.has_notify_channels());
}

#[test]
fn unknown_and_zero_audit_keys_are_refused_by_name() {
    let e = Settings::parse("[audit]\ncheckpoint_evry = 5\n", Path::new("/v")).unwrap_err();
    let msg = format!("{e:#}");
    assert!(msg.contains("checkpoint_evry"), "{msg}");
    assert!(msg.contains("line 2"), "{msg}");
    let e = Settings::parse("[audit]\nretention_days = 0\n", Path::new("/v")).unwrap_err();
    assert!(format!("{e}").contains("retention_days"));
    let e = Settings::parse("[monitor]\nbulk_reed = 1\n", Path::new("/v")).unwrap_err();
    assert!(format!("{e}").contains("[monitor]"));
    let e = Settings::parse(
        "[[notify.webhook]]\nurl = \"https://h\"\nsecret_env = \"X\"\nsecret = \"hunter22\"\n",
        Path::new("/v"),
    )
    .unwrap_err();
    assert!(!format!("{e:#}").contains("hunter22"));
}

#[test]
fn replacing_the_key_line_keeps_every_other_setting() {
    let old = "# c\nkey_file = \"/a\"\n\n[audit]\ncheckpoint_every = 2\n";
    let new = replace_key_line(old, "key_file = \"/b\"");
    assert_eq!(
        new,
        "# c\nkey_file = \"/b\"\n\n[audit]\ncheckpoint_every = 2\n"
    );
    let s = Settings::parse(&new, Path::new("/v")).unwrap();
    assert_eq!(s.audit.checkpoint_every, 2);
    let added = replace_key_line("[audit]\n", "key_file = \"/b\"");
    assert!(added.starts_with("key_file = \"/b\"\n[audit]"));
    let t = template("key_file = \"/k\"");
    let s = Settings::parse(&t, Path::new("/v")).unwrap();
    assert_eq!(s.key_file, Some(PathBuf::from("/k")));
}
