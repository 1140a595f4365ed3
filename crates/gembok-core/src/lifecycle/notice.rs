//! The privacy notice (UU PDP Art. 5-6 and 21, GDPR Art. 13-14) and the records of
//! processing (GDPR Art. 30), both generated from the schema and the business profile so
//! they cannot drift from what the vault really holds.
//!
//! A notice is versioned by its content: the SHA-256 of its canonical JSON. When the
//! schema or the profile changes what the notice says, the next request for it publishes
//! a new version (a store document and a `privacy_notice.publish` audit event); consent
//! entries name the version the subject was shown.

use std::collections::{BTreeMap, BTreeSet};

use gembok_store::Mutation;
use gembok_types::DataClass;
use serde::{Deserialize, Serialize};

use super::PRIVACY_NOTICE_DOC;
use crate::audit::{Actor, AuditEvent};
use crate::schema::{PurposeSpec, Schema};
use crate::time::now_ms;
use crate::{CoreError, Vault};

/// Who receives data on the business's behalf.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Processor {
    pub name: String,
    /// What they do with it, in English and Indonesian.
    pub service_en: String,
    pub service_id: String,
    /// Classes of data they receive.
    #[serde(default)]
    pub classes: Vec<DataClass>,
    /// Country where they process it.
    #[serde(default)]
    pub country: String,
}

/// The business behind the vault, as its notice names it. Business facts, not a
/// customer's personal data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BusinessProfile {
    pub name: String,
    /// How customers reach the business about their data (an address or e-mail).
    pub contact: String,
    /// The data protection officer's name or role and contact, when one is appointed.
    #[serde(default)]
    pub dpo: Option<String>,
    #[serde(default)]
    pub processors: Vec<Processor>,
}

/// One class of data: which fields hold it, for which purposes, kept how long.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClassEntry {
    pub class: DataClass,
    /// `collection.field` names.
    pub fields: Vec<String>,
    pub purposes: Vec<String>,
    /// Distinct retention periods (`90d`, `10y`), or `until erased` when none applies.
    pub retention: Vec<String>,
    /// Processors receiving this class.
    pub recipients: Vec<String>,
}

/// The notice's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PrivacyNotice {
    pub version: u32,
    /// When this version was published (unix ms).
    pub published_at: i64,
    pub business: BusinessProfile,
    pub classes: Vec<ClassEntry>,
    pub purposes: Vec<PurposeSpec>,
    /// Deadline in hours for answering requests under UU PDP.
    pub response_hours: u32,
}

/// One row of the records of processing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ProcessingRecord {
    pub collection: String,
    pub field: String,
    pub class: DataClass,
    pub purposes: Vec<String>,
    pub legal_bases: Vec<String>,
    pub retention: String,
    pub recipients: Vec<String>,
    pub searchable: bool,
}

#[derive(Serialize, Deserialize)]
struct VersionDoc {
    version: u32,
    hash: String,
    published_at: i64,
}

/// The records of processing of `schema` with `profile`'s processors.
pub fn processing_records(schema: &Schema, profile: &BusinessProfile) -> Vec<ProcessingRecord> {
    let mut out = Vec::new();
    for c in schema.collections() {
        for f in c.fields.values() {
            let purposes: Vec<String> = f.purposes.iter().map(|p| p.as_str().to_owned()).collect();
            let bases: BTreeSet<String> = purposes
                .iter()
                .filter_map(|p| schema.purpose(p))
                .map(|p| p.basis.as_str().to_owned())
                .collect();
            out.push(ProcessingRecord {
                collection: c.name.to_string(),
                field: f.name.to_string(),
                class: f.class,
                purposes,
                legal_bases: bases.into_iter().collect(),
                retention: f
                    .retention
                    .or(c.retention)
                    .map_or_else(|| "until erased".into(), |r| r.to_string()),
                recipients: recipients(profile, f.class),
                searchable: f.searchable,
            });
        }
    }
    out
}

fn recipients(profile: &BusinessProfile, class: DataClass) -> Vec<String> {
    profile
        .processors
        .iter()
        .filter(|p| p.classes.contains(&class))
        .map(|p| p.name.clone())
        .collect()
}

/// The notice's content for `schema` and `profile`, without a version yet.
fn content(schema: &Schema, profile: &BusinessProfile) -> PrivacyNotice {
    let mut by_class: BTreeMap<DataClass, ClassEntry> = BTreeMap::new();
    for row in processing_records(schema, profile) {
        let e = by_class.entry(row.class).or_insert_with(|| ClassEntry {
            class: row.class,
            fields: Vec::new(),
            purposes: Vec::new(),
            retention: Vec::new(),
            recipients: recipients(profile, row.class),
        });
        e.fields.push(format!("{}.{}", row.collection, row.field));
        for p in row.purposes {
            if !e.purposes.contains(&p) {
                e.purposes.push(p);
            }
        }
        if !e.retention.contains(&row.retention) {
            e.retention.push(row.retention);
        }
    }
    PrivacyNotice {
        version: 0,
        published_at: 0,
        business: profile.clone(),
        classes: by_class.into_values().collect(),
        purposes: schema.purposes().cloned().collect(),
        response_hours: 72,
    }
}

impl Vault {
    /// The privacy notice in force for `profile`, publishing a new version when its
    /// content changed since the last one.
    pub fn privacy_notice(&self, profile: &BusinessProfile) -> Result<PrivacyNotice, CoreError> {
        let mut notice = content(&self.schema(), profile);
        let canonical = serde_json::to_vec(&notice)
            .map_err(|_| CoreError::Integrity("cannot encode the privacy notice".into()))?;
        let hash = hex::encode(gembok_crypto::sha256(&canonical));
        let latest = self.notice_versions()?.pop();
        if let Some(v) = latest.as_ref().filter(|v| v.hash == hash) {
            notice.version = v.version;
            notice.published_at = v.published_at;
            return Ok(notice);
        }
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let latest = self.notice_versions()?.pop();
        if let Some(v) = latest.as_ref().filter(|v| v.hash == hash) {
            notice.version = v.version;
            notice.published_at = v.published_at;
            return Ok(notice);
        }
        let version = latest.map_or(1, |v| v.version + 1);
        let now = now_ms();
        let doc = VersionDoc {
            version,
            hash,
            published_at: now,
        };
        let body = serde_json::to_vec(&doc)
            .map_err(|_| CoreError::Integrity("cannot encode a notice version".into()))?;
        let m = Mutation::PutDoc {
            kind: PRIVACY_NOTICE_DOC.into(),
            id: format!("{version:010}"),
            body,
        };
        let event = AuditEvent::new(&Actor::system(), "privacy_notice.publish", now)
            .code(&format!("version:{version}"));
        self.audit.commit(vec![m], vec![event])?;
        notice.version = version;
        notice.published_at = now;
        Ok(notice)
    }

    /// The latest published notice version, if any (consent records name it).
    pub fn privacy_notice_version(&self) -> Result<Option<u32>, CoreError> {
        Ok(self.notice_versions()?.pop().map(|v| v.version))
    }

    fn notice_versions(&self) -> Result<Vec<VersionDoc>, CoreError> {
        self.store
            .docs(PRIVACY_NOTICE_DOC)?
            .iter()
            .map(|(_, b)| {
                serde_json::from_slice(b)
                    .map_err(|_| CoreError::Integrity("a notice version is unreadable".into()))
            })
            .collect()
    }
}
