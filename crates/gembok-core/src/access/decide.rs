//! The decisions themselves, as pure functions of a role and a request, so that they can
//! be checked as tables: [`field_visibility`] for one field under one purpose, and
//! [`action_allowed`] for one action on one collection.
//!
//! Key-level restrictions (a key narrowed to some collections or purposes) are applied
//! by the gate before these run; they can only take rights away.

use gembok_types::Purpose;

use super::role::{CollectionRights, ReadRight, Role};
use super::{Action, Denied};
use crate::Visibility;

/// How `role` may see `field` of `collection` when reading for `purpose`.
///
/// Hidden unless the role may read the field at all, and either the purpose is one of
/// the role's oversight purposes, or the role allows the purpose *and* the schema lists
/// it among the field's purposes. Otherwise the role's read right (masked or plain).
pub fn field_visibility(
    role: &Role,
    collection: &str,
    field: &str,
    field_purposes: &[Purpose],
    purpose: &str,
) -> Visibility {
    let right = role.read_right(collection, field);
    if right == ReadRight::None {
        return Visibility::Hidden;
    }
    let oversight = role.oversight_purposes.contains(purpose);
    let declared = field_purposes.iter().any(|p| p.as_str() == purpose);
    if oversight || (role.purposes.allows(purpose) && declared) {
        right.into()
    } else {
        Visibility::Hidden
    }
}

/// Whether `role` may take `action` on `collection`. Record actions without a
/// collection ask whether the role may take them on some collection.
pub fn action_allowed(role: &Role, action: Action, collection: Option<&str>) -> Result<(), Denied> {
    let allowed = match action {
        Action::SchemaRead => role.schema_read,
        Action::SchemaWrite => role.schema_write,
        Action::ManageKeys => role.manage_keys,
        Action::AuditRead => role.audit_read,
        Action::SubjectRights => role.subject_rights,
        Action::ConsentWrite => role.consent_write || role.subject_rights,
        Action::Retention => role.retention,
        record_action => {
            let test = |r: &CollectionRights| match record_action {
                Action::Read | Action::Search | Action::List => r.reads_anything(),
                Action::Create | Action::Update => r.write,
                Action::Delete => r.delete,
                Action::Export => r.export && r.reads_anything(),
                _ => false,
            };
            match collection {
                Some(c) => role.rights(c).is_some_and(test),
                None => role.collections.values().any(test),
            }
        }
    };
    if allowed {
        return Ok(());
    }
    let place = match (action, collection) {
        (
            Action::SchemaRead
            | Action::SchemaWrite
            | Action::ManageKeys
            | Action::AuditRead
            | Action::SubjectRights
            | Action::ConsentWrite
            | Action::Retention,
            _,
        ) => String::new(),
        (_, Some(c)) => format!(" in `{}`", crate::schema::sanitize_name(c)),
        (_, None) => " in any collection".to_owned(),
    };
    Err(Denied::forbidden(format!(
        "role `{}` may not {}{place}",
        role.name,
        action.verb()
    )))
}
