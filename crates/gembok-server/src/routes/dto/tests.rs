//! The response and request shapes keep secrets and searched values out of `Debug`.

use super::*;

#[test]
fn debug_redacts_secrets_and_searched_values() {
    let issued = IssuedKeyOut {
        id: "key_1".into(),
        key: "gembok_SECRETSECRET".into(),
        expires_at: 1,
    };
    let shown = format!("{issued:?}");
    assert!(
        shown.contains("key_1") && !shown.contains("SECRET"),
        "{shown}"
    );
    let search: SearchBody =
        serde_json::from_str(r#"{"field": "nik", "value": "3171094101900003"}"#).unwrap();
    let shown = format!("{search:?}");
    assert!(shown.contains("nik") && !shown.contains("3171"), "{shown}");
}
