//! Who is calling and what they ask to do: [`RoleName`], [`Principal`], [`Action`], and
//! the refusal a caller gets back, [`Denied`].
//!
//! A principal carries no secret: it is what an API key *resolved to*, so it may be
//! logged and printed freely.

use std::fmt;

use crate::CoreError;

/// The name of a role: the spelling rule of every Gembok name, `[a-z][a-z0-9_]{0,62}`,
/// so it can appear in messages, audit events and URLs without escaping.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoleName(String);

impl RoleName {
    /// Check the spelling rule. The error never repeats the rejected text.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        let bytes = s.as_bytes();
        let ok = matches!(bytes.first(), Some(b'a'..=b'z'))
            && bytes.len() <= 63
            && bytes
                .iter()
                .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'_'));
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(CoreError::InvalidInput(
                "invalid role name: must start with a-z, then use only a-z, 0-9 and _, at most 63 characters".into(),
            ))
        }
    }

    /// The name as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// For the built-in roles, whose names are known to be valid.
    pub(crate) fn builtin(name: &'static str) -> Self {
        Self(name.to_owned())
    }
}

impl fmt::Display for RoleName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The caller of one request, as resolved from its credential.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Principal {
    /// Non-secret id of the API key (`key_...`), or `local` for the operator's CLI.
    pub key_id: String,
    /// The role whose rights apply.
    pub role: RoleName,
    /// Collections the key is restricted to; `None` leaves the role's own.
    pub collections: Option<Vec<String>>,
    /// Purposes the key is restricted to; `None` leaves the role's own.
    pub purposes: Option<Vec<String>>,
    /// Where this request came from; the front end fills it in per request.
    pub origin: Origin,
}

/// The network origin of one request, for the audit log.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Origin {
    pub client: Option<String>,
    pub request_id: Option<String>,
}

impl Principal {
    /// The operator at the machine (the CLI): the owner role, no restriction. The CLI
    /// already needs the master key file, which reads everything anyway.
    pub fn local_operator() -> Self {
        Principal {
            key_id: "local".into(),
            role: RoleName::builtin(super::policy::OWNER),
            collections: None,
            purposes: None,
            origin: Origin::default(),
        }
    }

    /// The audit actor of this principal reading for `purpose`. The local operator is
    /// named by the operating-system user.
    pub fn actor(&self, purpose: Option<&str>) -> crate::audit::Actor {
        let base = if self.key_id == "local" {
            crate::audit::Actor::local_operator()
        } else {
            crate::audit::Actor {
                principal: self.key_id.clone(),
                role: self.role.to_string(),
                ..Default::default()
            }
        };
        crate::audit::Actor {
            client: self.origin.client.clone(),
            request_id: self.origin.request_id.clone(),
            ..base
        }
        .with_purpose(purpose)
    }

    /// Whether the key's own restriction (if any) lets it reach `collection`.
    pub(crate) fn key_allows_collection(&self, collection: &str) -> bool {
        self.collections
            .as_ref()
            .is_none_or(|cs| cs.iter().any(|c| c == collection))
    }

    /// Whether the key's own restriction (if any) lets it use `purpose`.
    pub(crate) fn key_allows_purpose(&self, purpose: &str) -> bool {
        self.purposes
            .as_ref()
            .is_none_or(|ps| ps.iter().any(|p| p == purpose))
    }
}

/// What a request asks to do. Record actions name a collection; the others do not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Read,
    Search,
    List,
    Create,
    Update,
    Delete,
    Export,
    SchemaRead,
    SchemaWrite,
    ManageKeys,
    /// Read the audit log and the monitoring alerts.
    AuditRead,
    /// Erase, report on, restrict or hold a data subject; handle rights requests.
    SubjectRights,
    /// Record consent or its withdrawal.
    ConsentWrite,
    /// Run retention.
    Retention,
}

impl Action {
    /// A short verb for messages.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Read => "read records",
            Action::Search => "search records",
            Action::List => "list records",
            Action::Create => "create records",
            Action::Update => "update records",
            Action::Delete => "delete records",
            Action::Export => "export records",
            Action::SchemaRead => "read the schema",
            Action::SchemaWrite => "change the schema",
            Action::ManageKeys => "manage API keys",
            Action::AuditRead => "read the audit log",
            Action::SubjectRights => "handle data-subject rights",
            Action::ConsentWrite => "record consent",
            Action::Retention => "run retention",
        }
    }

    /// The action's name in audit events.
    pub fn audit_name(self) -> &'static str {
        match self {
            Action::Read => "record.read",
            Action::Search => "record.search",
            Action::List => "record.list",
            Action::Create => "record.create",
            Action::Update => "record.update",
            Action::Delete => "record.delete",
            Action::Export => "record.export",
            Action::SchemaRead => "schema.read",
            Action::SchemaWrite => "schema.apply",
            Action::ManageKeys => "apikey.manage",
            Action::AuditRead => "audit.read",
            Action::SubjectRights => "subject.rights",
            Action::ConsentWrite => "consent.write",
            Action::Retention => "retention.run",
        }
    }
}

/// A refusal. `reason` says what rule refused the request in words a caller can act
/// on; it names roles, collections, fields and purposes, never a stored value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Denied {
    /// Stable code: `forbidden` (403), `purpose_required` (400) or
    /// `purpose_not_allowed` (403).
    pub code: &'static str,
    pub reason: String,
}

impl Denied {
    pub(crate) fn forbidden(reason: impl Into<String>) -> Self {
        Denied {
            code: "forbidden",
            reason: reason.into(),
        }
    }

    pub(crate) fn purpose_required() -> Self {
        Denied {
            code: "purpose_required",
            reason: "reading personal data needs a stated purpose".into(),
        }
    }

    pub(crate) fn purpose_not_allowed(reason: impl Into<String>) -> Self {
        Denied {
            code: "purpose_not_allowed",
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Denied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Denied {}

/// What the gate refused or the vault failed to do.
#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    /// The policy refused the request.
    #[error("denied: {0}")]
    Denied(Denied),
    /// The request was allowed and the vault refused or failed it.
    #[error(transparent)]
    Core(#[from] CoreError),
}

impl From<Denied> for AccessError {
    fn from(d: Denied) -> Self {
        AccessError::Denied(d)
    }
}
