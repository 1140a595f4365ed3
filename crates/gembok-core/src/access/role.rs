//! One role's rights: which collections, which fields at which level, which purposes,
//! and the administrative rights. Plain data; the decisions are in `decide.rs`.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use super::RoleName;
use crate::Visibility;

/// The key under `collections` that gives rights on every collection not named.
pub const ANY_COLLECTION: &str = "*";

/// How much of a field a role may read. Ordered: `None < Masked < Plain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadRight {
    None,
    Masked,
    Plain,
}

impl From<ReadRight> for Visibility {
    fn from(r: ReadRight) -> Self {
        match r {
            ReadRight::None => Visibility::Hidden,
            ReadRight::Masked => Visibility::Masked,
            ReadRight::Plain => Visibility::Plain,
        }
    }
}

/// A role's rights on one collection.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CollectionRights {
    /// Read right of every field not named in `read_fields`.
    pub read_default: ReadRight,
    /// Read rights of named fields.
    pub read_fields: BTreeMap<String, ReadRight>,
    /// Create and update records.
    pub write: bool,
    pub delete: bool,
    pub export: bool,
}

impl CollectionRights {
    /// Every field at `read`, with the given record rights.
    pub(crate) fn uniform(read: ReadRight, write: bool, delete: bool, export: bool) -> Self {
        CollectionRights {
            read_default: read,
            read_fields: BTreeMap::new(),
            write,
            delete,
            export,
        }
    }

    /// The read right of one field.
    pub fn read(&self, field: &str) -> ReadRight {
        self.read_fields
            .get(field)
            .copied()
            .unwrap_or(self.read_default)
    }

    /// Whether any field may be read at all.
    pub fn reads_anything(&self) -> bool {
        self.read_default != ReadRight::None
            || self.read_fields.values().any(|r| *r != ReadRight::None)
    }
}

/// The purposes a role may read for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Purposes {
    /// Any purpose (each field still only for the purposes its schema declares).
    Any,
    /// Only these.
    Only(BTreeSet<String>),
}

impl Purposes {
    pub(crate) fn only(list: &[&str]) -> Self {
        Purposes::Only(list.iter().map(|s| (*s).to_owned()).collect())
    }

    /// Whether `purpose` is one of them.
    pub fn allows(&self, purpose: &str) -> bool {
        match self {
            Purposes::Any => true,
            Purposes::Only(set) => set.contains(purpose),
        }
    }
}

/// One role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    pub name: RoleName,
    /// Purposes this role may read for.
    pub purposes: Purposes,
    /// Purposes that reach every field the role may read, whatever the field's declared
    /// purposes: a data-protection officer answering a subject's access request must see
    /// everything held. Keep this set small; every read under it is audited as such.
    pub oversight_purposes: BTreeSet<String>,
    /// Rights per collection; [`ANY_COLLECTION`] covers collections not named.
    pub collections: BTreeMap<String, CollectionRights>,
    pub schema_read: bool,
    pub schema_write: bool,
    pub manage_keys: bool,
    /// Read the audit log and monitoring alerts.
    pub audit_read: bool,
    /// Answer data-subject rights: erase, report, restrict, hold, the request queue.
    pub subject_rights: bool,
    /// Record a subject's consent or its withdrawal (the shop's sign-up form does this).
    pub consent_write: bool,
    /// Run retention by hand.
    pub retention: bool,
}

impl Role {
    /// The rights on `collection`: its own entry, else the wildcard, else none.
    pub fn rights(&self, collection: &str) -> Option<&CollectionRights> {
        self.collections
            .get(collection)
            .or_else(|| self.collections.get(ANY_COLLECTION))
    }

    /// The read right on one field of one collection.
    pub fn read_right(&self, collection: &str, field: &str) -> ReadRight {
        self.rights(collection)
            .map_or(ReadRight::None, |r| r.read(field))
    }

    /// Whether the role may read for `purpose` on some field.
    pub fn allows_purpose(&self, purpose: &str) -> bool {
        self.purposes.allows(purpose) || self.oversight_purposes.contains(purpose)
    }
}
