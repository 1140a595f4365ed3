//! The JSON shapes of requests and answers, with their OpenAPI schemas. Request
//! wrappers refuse unknown fields; a record body itself is checked by the vault's
//! schema instead.

use std::fmt;

use gembok_core::apikeys::ApiKeyInfo;
use gembok_core::Record;
use gembok_store::RecordMeta;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::{IntoParams, ToSchema};
use zeroize::Zeroize;

/// A record's fields: each declared field name with its value (text, or
/// `{"amount", "currency"}` for money). Undeclared fields are refused.
#[derive(Deserialize, ToSchema)]
#[serde(transparent)]
#[schema(value_type = Object, example = json!({"name": "Siti Rahayu", "email": "siti@example.co.id", "phone": "0812-3456-7890"}))]
pub(crate) struct RecordFields(pub Map<String, Value>);

/// `POST .../records/batch`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BatchCreateBody {
    /// The records to create, all or none.
    #[schema(value_type = Vec<Object>)]
    pub records: Vec<Value>,
}

/// `POST .../records/batch-get`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct BatchGetBody {
    /// Record ids (UUIDs); ids that do not exist are left out of the answer.
    pub ids: Vec<String>,
    /// Only these fields (default: every field the caller may see).
    pub fields: Option<Vec<String>>,
}

/// `POST .../search`: equality on a searchable field. The value travels in the body,
/// never in a URL.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SearchBody {
    pub field: String,
    pub value: String,
    pub fields: Option<Vec<String>>,
}

impl Drop for SearchBody {
    fn drop(&mut self) {
        self.value.zeroize();
    }
}

impl fmt::Debug for SearchBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SearchBody")
            .field("field", &self.field)
            .field("value", &"[redacted]")
            .finish()
    }
}

/// `?fields=a,b` on a read.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct FieldsQuery {
    /// Comma-separated field names.
    pub fields: Option<String>,
}

/// `?after=ID&limit=N` on a listing.
#[derive(Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// The `next` cursor of the previous page.
    pub after: Option<String>,
    /// Page size (default 100, at most the server's page limit).
    pub limit: Option<usize>,
}

/// The id of a new record.
#[derive(Serialize, ToSchema)]
pub(crate) struct CreatedId {
    pub id: String,
}

/// The ids of new records, in input order.
#[derive(Serialize, ToSchema)]
pub(crate) struct CreatedIds {
    pub ids: Vec<String>,
}

/// A record as the caller may see it: fields hidden, masked or plain per policy.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecordOut {
    pub id: String,
    /// The data subject (customer) the record belongs to.
    pub subject: String,
    pub collection: String,
    /// Unix milliseconds.
    pub created_at: i64,
    pub updated_at: i64,
    #[schema(value_type = Object)]
    pub fields: Map<String, Value>,
}

impl From<&Record> for RecordOut {
    fn from(r: &Record) -> Self {
        RecordOut {
            id: r.id.to_string(),
            subject: r.subject.to_string(),
            collection: r.collection.clone(),
            created_at: r.created_at,
            updated_at: r.updated_at,
            fields: r
                .fields
                .iter()
                .map(|(k, v)| (k.clone(), v.to_json()))
                .collect(),
        }
    }
}

/// Several records.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecordsOut {
    pub records: Vec<RecordOut>,
}

/// What a listing shows of a record: no personal data.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecordMetaOut {
    pub id: String,
    pub subject: String,
    pub created_at: i64,
    pub updated_at: i64,
}

impl From<&RecordMeta> for RecordMetaOut {
    fn from(m: &RecordMeta) -> Self {
        RecordMetaOut {
            id: m.id.to_string(),
            subject: m.subject.to_string(),
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

/// A page of a listing.
#[derive(Serialize, ToSchema)]
pub(crate) struct ListOut {
    pub records: Vec<RecordMetaOut>,
    /// Pass as `after` for the next page; `null` on the last page.
    pub next: Option<String>,
}

/// The schema in force.
#[derive(Serialize, ToSchema)]
pub(crate) struct SchemaOut {
    pub version: u32,
    /// The schema as TOML.
    pub document: String,
}

/// `PUT /v1/schema`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchemaPutBody {
    /// The new schema as TOML.
    pub document: String,
    /// Confirm that dropped fields are purged.
    #[serde(default)]
    pub allow_drop: bool,
}

/// The result of applying a schema.
#[derive(Serialize, ToSchema)]
pub(crate) struct SchemaApplied {
    pub version: u32,
    pub changes: Vec<String>,
}

/// `POST /v1/api-keys`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CreateKeyBody {
    pub role: String,
    pub collections: Option<Vec<String>>,
    pub purposes: Option<Vec<String>>,
    /// 1 to 365.
    pub expires_in_days: u32,
    /// CIDRs or addresses; empty allows any.
    #[serde(default)]
    pub allow_ips: Vec<String>,
    pub note: Option<String>,
}

/// `POST /v1/api-keys/{id}/rotate`.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RotateBody {
    /// How long the old key keeps working, 0 to 168 hours.
    pub grace_hours: u32,
}

/// A new key. `key` is shown this once and cannot be recovered.
#[derive(Serialize, ToSchema)]
pub(crate) struct IssuedKeyOut {
    pub id: String,
    pub key: String,
    /// Unix milliseconds.
    pub expires_at: i64,
}

impl Drop for IssuedKeyOut {
    fn drop(&mut self) {
        self.key.zeroize();
    }
}

impl fmt::Debug for IssuedKeyOut {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedKeyOut")
            .field("id", &self.id)
            .field("key", &"[redacted]")
            .field("expires_at", &self.expires_at)
            .finish()
    }
}

/// What may be shown about a key; never the key.
#[derive(Serialize, ToSchema)]
pub(crate) struct ApiKeyOut {
    pub id: String,
    pub role: String,
    pub collections: Option<Vec<String>>,
    pub purposes: Option<Vec<String>>,
    pub allow_ips: Vec<String>,
    pub note: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<i64>,
    pub grace_until: Option<i64>,
    pub replaced_by: Option<String>,
    pub replaces: Option<String>,
}

impl From<ApiKeyInfo> for ApiKeyOut {
    fn from(i: ApiKeyInfo) -> Self {
        ApiKeyOut {
            id: i.id,
            role: i.role,
            collections: i.collections,
            purposes: i.purposes,
            allow_ips: i.allow_ips,
            note: i.note,
            created_at: i.created_at,
            expires_at: i.expires_at,
            last_used_at: i.last_used_at,
            last_used_ip: i.last_used_ip,
            revoked_at: i.revoked_at,
            grace_until: i.grace_until,
            replaced_by: i.replaced_by,
            replaces: i.replaces,
        }
    }
}

/// Every key.
#[derive(Serialize, ToSchema)]
pub(crate) struct KeyListOut {
    pub keys: Vec<ApiKeyOut>,
}

/// How many keys the emergency switch revoked.
#[derive(Serialize, ToSchema)]
pub(crate) struct RevokedOut {
    pub revoked: usize,
}

/// Liveness only; no details.
#[derive(Serialize, ToSchema)]
pub(crate) struct HealthOut {
    pub status: &'static str,
}

#[cfg(test)]
mod tests;
