//! Unit tests of `lifecycle_settings`: the defaults when the sections are absent, every
//! key reaching the server's configuration, the README's example, and refusals that
//! name the offending key without echoing a secret.

use std::path::Path;

use gembok_types::DataClass;

use crate::config::Settings;

use super::*;

fn parse(text: &str) -> Result<LifecycleSettings> {
    Settings::parse(text, Path::new("/v")).map(|s| s.lifecycle)
}

#[test]
fn absent_sections_give_the_safe_defaults() {
    let l = parse("").unwrap();
    assert_eq!(l, LifecycleSettings::default());
    assert_eq!(l.rights, RightsConfig::default());
    assert_eq!(l.rights.hours("uu_pdp"), 72);
    assert_eq!(l.retention_every, Some(Duration::from_secs(24 * 3600)));
    assert_eq!(l.inactive_after, None);
    assert_eq!(l.overdue_check_every, Duration::from_secs(15 * 60));
    assert!(!l.has_erasure_hooks());
    assert_eq!(l.to_server(), LifecycleConfig::default());
}

#[test]
fn every_section_is_read_and_reaches_the_server_config() {
    let text = r#"
[business]
name = "Toko Sinar"
contact = "privasi@sinar.co.id"
dpo = "DPO, dpo@sinar.co.id"
[[business.processors]]
name = "Kurir Kilat"
service_en = "parcel delivery"
service_id = "pengiriman paket"
classes = ["identity", "contact"]
country = "ID"
[rights]
default_hours = 48
[rights.deadlines]
gdpr = 720
uu_pdp = 24
[retention]
every_hours = 0
inactive_years = 5
overdue_check_minutes = 5
[[erasure.webhook]]
url = "https://crm.example.co.id/hooks/erased"
secret_env = "GEMBOK_ERASURE_SECRET"
max_attempts = 3
"#;
    let l = parse(text).unwrap();
    assert_eq!(l.profile.name, "Toko Sinar");
    assert_eq!(l.profile.dpo.as_deref(), Some("DPO, dpo@sinar.co.id"));
    assert_eq!(l.profile.processors.len(), 1);
    assert_eq!(
        l.profile.processors[0].classes,
        vec![DataClass::Identity, DataClass::Contact]
    );
    assert_eq!(l.rights.default_hours, 48);
    assert_eq!(l.rights.hours("uu_pdp"), 24);
    assert_eq!(l.rights.hours("gdpr"), 720);
    assert_eq!(l.rights.hours("other"), 48);
    assert_eq!(l.retention_every, None);
    assert_eq!(l.inactive_after, Some(Retention::Years(5)));
    assert_eq!(l.overdue_check_every, Duration::from_secs(300));
    assert!(l.has_erasure_hooks());
    assert_eq!(l.erasure_hooks.webhook[0].max_attempts, Some(3));
    let server = l.to_server();
    assert_eq!(server.profile, l.profile);
    assert_eq!(server.inactive_after, Some(Retention::Years(5)));
}

#[test]
fn the_readme_example_parses() {
    let readme = include_str!("../../../../README.md");
    let start = readme
        .find("```toml\n[business]")
        .expect("README shows the lifecycle settings");
    let body = &readme[start + "```toml\n".len()..];
    let l = parse(&body[..body.find("```").expect("closed block")]).unwrap();
    assert_eq!(l.profile.name, "Toko Contoh");
    assert_eq!(l.rights.hours("gdpr"), 720);
    assert!(l.has_erasure_hooks());
}

#[test]
fn misspelt_keys_and_unsafe_values_are_refused_by_name() {
    for (bad, named) in [
        ("[business]\nnmae = \"x\"\n", "nmae"),
        ("[rights]\ndefault_hour = 1\n", "default_hour"),
        ("[retention]\nevery_hour = 1\n", "every_hour"),
        ("[erasure]\nurl = \"https://x\"\n", "url"),
        (
            "[[erasure.webhook]]\nurl = \"https://x\"\nsecret_env = \"X\"\nsecret = \"hunter22\"\n",
            "secret",
        ),
        ("[rights.deadlines]\nuu_pdp = 100\n", "uu_pdp"),
        ("[rights]\ndefault_hours = 0\n", "default_hours"),
        ("[retention]\ninactive_years = 0\n", "inactive_years"),
        (
            "[retention]\noverdue_check_minutes = 0\n",
            "overdue_check_minutes",
        ),
        (
            "[[business.processors]]\nname = \"\"\nservice_en = \"x\"\nservice_id = \"x\"\n",
            "processors",
        ),
    ] {
        let e = format!("{:#}", parse(bad).unwrap_err());
        assert!(e.contains(named), "{bad}: {e}");
        assert!(!e.contains("hunter22"), "{e}");
    }
}
