//! The credential operations on a real vault over SQLite: RFC 6238 codes, replay
//! refusal, enrolment, refusal of caller-chosen secrets, and the throttle sequence.

use std::sync::Arc;

use gembok_crypto::MasterKey;
use gembok_store::{Mutation, Store};
use gembok_store_sqlite::SqliteStore;
use serde_json::json;

use super::*;
use crate::input::FieldInput;
use crate::vault::seal::seal_fields;
use crate::{ErrorKind, View, DEFAULT_SCHEMA};
use gembok_types::values::Totp;

/// RFC 6238's SHA-1 test secret, "12345678901234567890", in base32.
const RFC_SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const T0: i64 = 1_796_094_000_000;

struct Fixture {
    vault: Vault,
    id: RecordId,
    _dir: tempfile::TempDir,
}

fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&dir.path().join("v.db")).unwrap());
    let schema = format!(
        "{DEFAULT_SCHEMA}\n[collections.customers.fields.totp]\ntype = \"totp\"\n\
         class = \"account\"\npurposes = [\"authentication\"]\n"
    );
    let vault = Vault::initialize(store, MasterKey::generate().unwrap(), &schema).unwrap();
    let id = vault
        .create(
            &Actor::system(),
            "customers",
            &json!({"name": "Dewi Lestari", "password": "kopi-gayo-pagi-hari"}),
        )
        .unwrap();
    Fixture {
        vault,
        id,
        _dir: dir,
    }
}

impl Fixture {
    /// Seal a known secret into the record, as enrolment would.
    fn put_secret(&self, base32: &str) {
        let state = self.vault.snapshot();
        let spec = state
            .schema
            .collection("customers")
            .unwrap()
            .field("totp")
            .unwrap();
        let input = [FieldInput {
            spec,
            value: Some(FieldType::Totp.normalize(base32).unwrap()),
        }];
        let sealed = seal_fields(&state, "customers", self.id, &input).unwrap();
        self.vault
            .store
            .apply(&[Mutation::UpdateFields {
                collection: "customers".into(),
                id: self.id,
                set: sealed.fields,
                remove: Vec::new(),
                updated_at: T0,
            }])
            .unwrap();
    }

    fn totp(&self, code: &str, now: i64) -> Result<bool, CoreError> {
        let a = Actor::system();
        self.vault
            .verify_totp(&a, "customers", self.id, "totp", code, now)
    }

    fn password(&self, candidate: &str, now: i64) -> Result<bool, CoreError> {
        let a = Actor::system();
        self.vault
            .verify_password_at(&a, "customers", self.id, "password", candidate, now)
    }

    fn actions(&self) -> Vec<(String, Option<String>)> {
        self.vault
            .audit()
            .events_after(0, 10_000)
            .unwrap()
            .into_iter()
            .map(|s| (s.event.action, s.event.code))
            .collect()
    }
}

/// The code of `secret` (raw bytes) at `unix_ms`, computed independently with totp-rs.
fn code_at(secret: &[u8], unix_ms: i64) -> String {
    let t = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, secret.to_vec());
    t.generate(u64::try_from(unix_ms / 1000).unwrap())
}

#[test]
fn rfc6238_codes_are_accepted_once() {
    let f = fixture();
    f.put_secret(RFC_SECRET);
    // RFC 6238 appendix B (SHA-1), last six digits of each eight-digit value.
    assert!(f.totp("287082", 59_000).unwrap());
    assert!(!f.totp("287082", 59_000).unwrap(), "a replay is refused");
    assert!(f.totp("081804", 1_111_111_109_000).unwrap());
    assert!(f.totp("050471", 1_111_111_111_000).unwrap());
    assert!(f.totp("005924", 1_234_567_890_000).unwrap());
    assert!(f.totp("279037", 2_000_000_000_000).unwrap());
    assert!(!f.totp("279037", 2_000_000_000_000).unwrap());
    assert!(!f.totp("000000", 2_000_000_060_000).unwrap());
    let codes: Vec<_> = f
        .actions()
        .into_iter()
        .filter(|(a, _)| a == "record.verify_totp")
        .collect();
    assert_eq!(codes.len(), 8);
    assert_eq!(codes[1].1.as_deref(), Some("replayed"));
    assert_eq!(codes[7].1.as_deref(), Some("mismatch"));
}

#[test]
fn enrolment_returns_a_working_uri_and_reads_show_only_a_mask() {
    let f = fixture();
    let a = Actor::system();
    let e = f
        .vault
        .enrol_totp(
            &a,
            "customers",
            f.id,
            "totp",
            "Toko Kopi",
            "dewi@example.id",
            T0,
        )
        .unwrap();
    assert_eq!(format!("{e:?}"), "TotpEnrolment([redacted])");
    let uri = e.expose_uri();
    assert!(
        uri.starts_with("otpauth://totp/Toko%20Kopi:dewi%40example.id?secret="),
        "{uri}"
    );
    assert!(e.expose_qr_svg().starts_with("<?xml"));
    let base32 = uri
        .split("secret=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let secret = Totp::parse(base32).unwrap().secret_bytes();
    assert_eq!(secret.len(), 20, "160-bit secret");
    assert!(f.totp(&code_at(&secret, T0), T0).unwrap());

    let rec = f
        .vault
        .get(&a, "customers", f.id, None, View::Plain)
        .unwrap();
    assert_eq!(rec.fields["totp"].as_str(), "********");
    assert_eq!(rec.fields["password"].as_str(), "********");
    let all = rec.to_json().to_string();
    assert!(!all.contains(base32) && !all.contains("argon2"), "{all}");

    // A second enrolment replaces the secret: the old one no longer verifies.
    let again = f
        .vault
        .enrol_totp(
            &a,
            "customers",
            f.id,
            "totp",
            "Toko Kopi",
            "dewi",
            T0 + 60_000,
        )
        .unwrap();
    assert_ne!(again.expose_uri(), uri);
    assert!(!f.totp(&code_at(&secret, T0 + 60_000), T0 + 60_000).unwrap());
    assert!(f.actions().iter().any(|(a, _)| a == "record.enrol_totp"));
}

#[test]
fn writes_cannot_choose_a_secret() {
    let f = fixture();
    let a = Actor::system();
    let create = f.vault.create(
        &a,
        "customers",
        &json!({"name": "Budi", "totp": RFC_SECRET}),
    );
    let update = f
        .vault
        .update(&a, "customers", f.id, &json!({"totp": RFC_SECRET}));
    for err in [create.unwrap_err(), update.unwrap_err()] {
        assert!(
            matches!(
                &err,
                CoreError::InvalidField {
                    rule: "totp.enrol_only",
                    ..
                }
            ),
            "{err}"
        );
        assert!(!err.to_string().contains(RFC_SECRET));
    }
    // Removing the secret (turning 2FA off) is an ordinary update.
    f.put_secret(RFC_SECRET);
    f.vault
        .update(&a, "customers", f.id, &json!({"totp": null}))
        .unwrap();
    assert!(
        !f.totp("287082", 59_000).unwrap(),
        "nothing enrolled verifies as false"
    );
    let wrong_type = f
        .vault
        .verify_totp(&a, "customers", f.id, "password", "1", T0);
    assert_eq!(wrong_type.unwrap_err().kind(), ErrorKind::Invalid);
}

#[test]
fn default_policy_allows_five_failures_then_waits_a_second() {
    let f = fixture();
    f.put_secret(RFC_SECRET);
    for _ in 0..6 {
        assert!(!f.password("wrong", T0).unwrap());
    }
    let err = f.password("kopi-gayo-pagi-hari", T0 + 10).unwrap_err();
    assert!(
        matches!(
            err,
            CoreError::Throttled {
                retry_after_ms: 990
            }
        ),
        "{err}"
    );
    assert_eq!(err.kind(), ErrorKind::Conflict);
    // TOTP has its own count.
    assert!(f.totp("287082", 59_000).unwrap());
    assert!(f.password("kopi-gayo-pagi-hari", T0 + 1_000).unwrap());
    assert!(
        !f.password("wrong", T0 + 1_001).unwrap(),
        "the count started over"
    );
}

#[test]
fn throttle_sequence_ends_in_a_lock_only_an_unlock_lifts() {
    let f = fixture();
    f.put_secret(RFC_SECRET);
    f.vault.set_credential_throttle(ThrottlePolicy {
        free_failures: 2,
        first_delay_ms: 1_000,
        max_delay_ms: 3_000,
        lock_after: 6,
    });
    let mut now = T0;
    let (mut failures, mut waits) = (0, Vec::new());
    loop {
        match f.totp("000000", now) {
            Ok(false) => failures += 1,
            Err(CoreError::Throttled { retry_after_ms }) => {
                waits.push(retry_after_ms);
                now += retry_after_ms;
            }
            Err(CoreError::CredentialLocked) => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(failures, 6);
    assert_eq!(waits, [1_000, 2_000, 3_000]);
    // Locked: even the right code, a day later, is refused before it is checked.
    assert!(matches!(
        f.totp("279037", 2_000_000_000_000),
        Err(CoreError::CredentialLocked)
    ));
    let a = Actor::system();
    f.vault
        .unlock_credential(&a, "customers", f.id, "totp", now)
        .unwrap();
    assert!(f.totp("279037", 2_000_000_000_000).unwrap());

    let actions = f.actions();
    let has = |name: &str, code: Option<&str>| {
        actions
            .iter()
            .any(|(a, c)| a == name && c.as_deref() == code)
    };
    assert!(has("credential.lock", Some("consecutive_failures")));
    assert!(has("credential.unlock", Some("was_locked")));
    assert!(has("record.verify_totp", Some("throttled")));
    assert!(has("record.verify_totp", Some("locked")));
}

#[test]
fn throttle_state_lives_in_a_store_document() {
    let f = fixture();
    assert!(!f.password("wrong", T0).unwrap());
    let id = format!("customers/{}/password", f.id);
    let body = f
        .vault
        .store
        .doc(CREDENTIAL_THROTTLE_DOC, &id)
        .unwrap()
        .unwrap();
    let doc: ThrottleDoc = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc.failures.consecutive, 1);
    assert_eq!(doc.failures.last_failure, T0);
    assert!(f.password("kopi-gayo-pagi-hari", T0).unwrap());
    let body = f
        .vault
        .store
        .doc(CREDENTIAL_THROTTLE_DOC, &id)
        .unwrap()
        .unwrap();
    let doc: ThrottleDoc = serde_json::from_slice(&body).unwrap();
    assert_eq!(doc, ThrottleDoc::default());
}
