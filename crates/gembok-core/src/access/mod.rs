//! Access control: who may do what to which collection, and see which field for which
//! purpose. [`Gate`] is the one decision point; everything a front end does to the
//! vault goes through it.
//!
//! A caller is a [`Principal`] (an API key resolved to a role, perhaps narrowed to some
//! collections and purposes). Every read of personal data states a purpose. For each
//! field the answer is [`decide::field_visibility`]: hidden unless the role may read the
//! field, the role (and the key) allow the purpose, and the schema lists that purpose
//! for the field; otherwise masked or plain as the role says. A read that would return
//! no field at all is refused rather than answered with an empty record.
//!
//! ## Built-in roles
//!
//! Audit log and alerts: `owner`, `admin` and `dpo` may read them (`audit_read` in a
//! policy file). Data-subject rights (erase, subject report, restriction, legal hold,
//! the rights-request queue): `owner`, `admin` and `dpo` (`subject_rights`), never with
//! a key narrowed to some collections. Recording consent: those three and `app`, since
//! the shop's own sign-up form records it (`consent_write`). Running retention by hand:
//! `owner`, `admin` and `dpo` (`retention`).
//!
//! | role | collections | read | purposes | create/update | delete | export | schema | API keys |
//! |---|---|---|---|---|---|---|---|---|
//! | `owner` | all | plain | any | yes | yes | yes | read, write | yes, any role |
//! | `admin` | all | plain | any | yes | yes | yes | read, write | yes, any role but `owner` |
//! | `dpo` | all | plain | any; `dpo` and `legal` reach every field | no | yes | yes | read | no |
//! | `support` | `customers` (update), `orders` | masked; `customers.name` plain | `service`, `shipping`, `billing` | `customers` | no | no | read | no |
//! | `analyst` | `events`, `orders` | masked | `analytics` | no | no | no | read | no |
//! | `app` | all | plain | any (narrow it with the key's purposes) | yes | yes | no | read | no |
//!
//! "Any" purpose still means: only for the purposes each field's schema declares. The
//! `dpo` role's oversight purposes are the one exception, for answering data-subject
//! requests, which must cover everything held. Passwords are never shown, whatever the
//! role. Listing returns record ids and times only, so it needs read rights on the
//! collection but no purpose.
//!
//! ## Custom roles
//!
//! A policy file adds roles (built-in ones cannot be redefined); unknown keys are errors:
//!
//! ```toml
//! [roles.courier]
//! purposes = ["shipping"]          # or ["*"] for any purpose; default none
//! oversight_purposes = []          # purposes that reach every readable field
//! schema_read = false              # also schema_write, manage_keys, audit_read,
//!                                  # subject_rights, consent_write, retention (default false)
//! [roles.courier.collections.customers]     # or collections."*" for every other one
//! read = { default = "none", name = "plain", address = "plain", phone = "masked" }
//! write = false                    # create and update
//! delete = false
//! export = false
//! ```

mod audit_reads;
mod audited;
mod credentials;
pub mod decide;
mod gate;
mod lifecycle;
mod policy;
mod policy_file;
mod principal;
mod reads;
mod role;

pub use gate::Gate;
pub use policy::{Policy, BUILTIN_ROLES};
pub use principal::{AccessError, Action, Denied, Origin, Principal, RoleName};
pub use role::{CollectionRights, Purposes, ReadRight, Role, ANY_COLLECTION};
