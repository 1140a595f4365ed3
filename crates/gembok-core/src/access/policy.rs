//! The [`Policy`]: the built-in roles, plus custom roles read from a policy file.
//!
//! Built-in roles are defined here in code so that every installation starts from the
//! same, tested rights (the table is in the module doc of `access`). A policy file may
//! add roles but never redefine a built-in one.

use std::collections::BTreeMap;

use super::role::{CollectionRights, Purposes, ReadRight, Role, ANY_COLLECTION};
use super::RoleName;
use crate::CoreError;

pub(crate) const OWNER: &str = "owner";
pub(crate) const ADMIN: &str = "admin";
pub(crate) const DPO: &str = "dpo";
pub(crate) const SUPPORT: &str = "support";
pub(crate) const ANALYST: &str = "analyst";
pub(crate) const APP: &str = "app";

/// Names of the built-in roles.
pub const BUILTIN_ROLES: [&str; 6] = [OWNER, ADMIN, DPO, SUPPORT, ANALYST, APP];

/// Every role known to this installation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    roles: BTreeMap<String, Role>,
}

impl Policy {
    /// Only the built-in roles.
    pub fn builtin() -> Self {
        let roles = [
            full_control(OWNER),
            full_control(ADMIN),
            dpo(),
            support(),
            analyst(),
            app(),
        ]
        .into_iter()
        .map(|r| (r.name.as_str().to_owned(), r))
        .collect();
        Policy { roles }
    }

    /// The built-in roles plus the custom roles of a policy file (format in the module
    /// doc of `access`). Unknown keys, bad names and redefined built-ins are refused.
    pub fn from_toml(text: &str) -> Result<Self, CoreError> {
        let mut policy = Self::builtin();
        for role in super::policy_file::parse_roles(text)? {
            if policy.roles.contains_key(role.name.as_str()) {
                return Err(CoreError::InvalidInput(format!(
                    "policy: role `{}` is built in and cannot be redefined",
                    role.name
                )));
            }
            policy.roles.insert(role.name.as_str().to_owned(), role);
        }
        Ok(policy)
    }

    /// Whether a role of that name exists.
    pub fn has_role(&self, role: &str) -> bool {
        self.roles.contains_key(role)
    }

    /// A role by name.
    pub fn role(&self, role: &str) -> Option<&Role> {
        self.roles.get(role)
    }

    /// Every role, by name.
    pub fn roles(&self) -> impl Iterator<Item = &Role> {
        self.roles.values()
    }

    /// Whether a holder of `granter` may issue (or rotate, or revoke) keys of `target`.
    /// Only the owner grants owner; an admin grants the rest; a custom key-managing role
    /// grants only roles that themselves cannot manage keys or change the schema, so
    /// nobody can hand out more power than the owner meant them to.
    pub fn may_grant(&self, granter: &str, target: &str) -> bool {
        let (Some(g), Some(t)) = (self.role(granter), self.role(target)) else {
            return false;
        };
        if !g.manage_keys {
            return false;
        }
        match g.name.as_str() {
            OWNER => true,
            _ if t.name.as_str() == OWNER => false,
            ADMIN => true,
            _ => !t.manage_keys && !t.schema_write,
        }
    }
}

fn role(name: &'static str, purposes: Purposes) -> Role {
    Role {
        name: RoleName::builtin(name),
        purposes,
        oversight_purposes: Default::default(),
        collections: BTreeMap::new(),
        schema_read: true,
        schema_write: false,
        manage_keys: false,
        audit_read: false,
        subject_rights: false,
        consent_write: false,
        retention: false,
    }
}

fn everything(mut r: Role, read: ReadRight, write: bool, delete: bool, export: bool) -> Role {
    r.collections.insert(
        ANY_COLLECTION.to_owned(),
        CollectionRights::uniform(read, write, delete, export),
    );
    r
}

/// Owner and admin hold the same rights; they differ only in which roles they may
/// grant (see [`Policy::may_grant`]).
fn full_control(name: &'static str) -> Role {
    let mut r = everything(
        role(name, Purposes::Any),
        ReadRight::Plain,
        true,
        true,
        true,
    );
    r.schema_write = true;
    r.manage_keys = true;
    r.audit_read = true;
    r.subject_rights = true;
    r.consent_write = true;
    r.retention = true;
    r
}

fn dpo() -> Role {
    let mut r = everything(
        role(DPO, Purposes::Any),
        ReadRight::Plain,
        false,
        true,
        true,
    );
    r.oversight_purposes = ["dpo", "legal"].iter().map(|s| (*s).to_owned()).collect();
    r.audit_read = true;
    r.subject_rights = true;
    r.consent_write = true;
    r.retention = true;
    r
}

fn support() -> Role {
    let mut r = role(SUPPORT, Purposes::only(&["service", "shipping", "billing"]));
    let mut customers = CollectionRights::uniform(ReadRight::Masked, true, false, false);
    customers
        .read_fields
        .insert("name".to_owned(), ReadRight::Plain);
    r.collections.insert("customers".to_owned(), customers);
    r.collections.insert(
        "orders".to_owned(),
        CollectionRights::uniform(ReadRight::Masked, false, false, false),
    );
    r
}

fn analyst() -> Role {
    let mut r = role(ANALYST, Purposes::only(&["analytics"]));
    for c in ["events", "orders"] {
        r.collections.insert(
            c.to_owned(),
            CollectionRights::uniform(ReadRight::Masked, false, false, false),
        );
    }
    r
}

fn app() -> Role {
    let mut r = everything(
        role(APP, Purposes::Any),
        ReadRight::Plain,
        true,
        true,
        false,
    );
    r.consent_write = true;
    r
}
