//! Rights requests: each request a data subject makes (access, correction, erasure,
//! restriction, portability, withdrawal of consent, objection) with when it arrived, its
//! deadline, and how it ended.
//!
//! UU PDP gives the business 3 x 24 hours to answer access, correction, restriction and
//! withdrawal of consent; the deadline is configurable per regulation. A request past its
//! deadline and still open is flagged once with a `request.overdue` audit event, which
//! the monitor turns into an alert. Requests hold the subject id, never contact details:
//! how to reach the requester stays in the business's own channel.

use std::collections::BTreeMap;

use gembok_store::Mutation;
use gembok_types::RecordId;
use serde::{Deserialize, Serialize};

use super::{check_code, RIGHTS_REQUEST_DOC};
use crate::audit::{Actor, AuditEvent};
use crate::time::now_ms;
use crate::{CoreError, Vault};

/// What the subject asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    Access,
    Correction,
    Erasure,
    Restriction,
    Portability,
    WithdrawConsent,
    Objection,
}

impl RequestKind {
    /// Every kind, in the order the law lists the rights.
    pub const ALL: [RequestKind; 7] = [
        RequestKind::Access,
        RequestKind::Correction,
        RequestKind::Erasure,
        RequestKind::Restriction,
        RequestKind::Portability,
        RequestKind::WithdrawConsent,
        RequestKind::Objection,
    ];

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::Access => "access",
            RequestKind::Correction => "correction",
            RequestKind::Erasure => "erasure",
            RequestKind::Restriction => "restriction",
            RequestKind::Portability => "portability",
            RequestKind::WithdrawConsent => "withdraw_consent",
            RequestKind::Objection => "objection",
        }
    }

    /// Parse the wire spelling.
    pub fn parse(s: &str) -> Result<Self, CoreError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| {
                CoreError::InvalidInput(
                    "request kind must be access, correction, erasure, restriction, portability, \
                 withdraw_consent or objection"
                        .into(),
                )
            })
    }
}

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStatus {
    Open,
    Completed,
    Rejected,
}

/// One request.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RightsRequest {
    pub id: String,
    pub kind: RequestKind,
    /// The subject's record id, once known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<RecordId>,
    /// Which law's deadline applies (`uu_pdp`, `gdpr`, ...).
    pub regulation: String,
    /// Unix ms.
    pub received_at: i64,
    /// Unix ms.
    pub deadline_at: i64,
    pub status: RequestStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<i64>,
    /// A short code saying how it ended (`done`, `identity_not_verified`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Set once the overdue alert was raised, so it is raised once.
    #[serde(default)]
    pub overdue_flagged: bool,
}

impl RightsRequest {
    /// Open and past its deadline at `now`.
    pub fn overdue(&self, now: i64) -> bool {
        self.status == RequestStatus::Open && now > self.deadline_at
    }
}

/// Deadlines per regulation, in hours.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RightsConfig {
    /// For regulations not named in `deadlines`.
    pub default_hours: u32,
    pub deadlines: BTreeMap<String, u32>,
}

impl Default for RightsConfig {
    fn default() -> Self {
        RightsConfig {
            default_hours: 72,
            deadlines: BTreeMap::from([("uu_pdp".into(), 72), ("gdpr".into(), 720)]),
        }
    }
}

impl RightsConfig {
    /// The deadline in hours for `regulation`.
    pub fn hours(&self, regulation: &str) -> u32 {
        self.deadlines
            .get(regulation)
            .copied()
            .unwrap_or(self.default_hours)
    }
}

impl Vault {
    /// Record a new request received at `received_at` (now when `None`).
    pub fn open_request(
        &self,
        actor: &Actor,
        kind: RequestKind,
        subject: Option<RecordId>,
        regulation: &str,
        received_at: Option<i64>,
        config: &RightsConfig,
    ) -> Result<RightsRequest, CoreError> {
        let regulation = check_code("a regulation", regulation)?;
        let now = now_ms();
        let received_at = received_at.unwrap_or(now);
        if received_at > now + 60_000 || received_at < 0 {
            return Err(CoreError::InvalidInput(
                "received_at may not be in the future".into(),
            ));
        }
        let hours = i64::from(config.hours(&regulation));
        let id = format!("rq_{}", hex::encode(gembok_crypto::random_bytes::<8>()?));
        let req = RightsRequest {
            id,
            kind,
            subject,
            regulation,
            received_at,
            deadline_at: received_at + hours * 3_600_000,
            status: RequestStatus::Open,
            completed_at: None,
            resolution: None,
            overdue_flagged: false,
        };
        self.save_request(actor, &req, "request.open")?;
        Ok(req)
    }

    /// Every request, oldest first; only open ones when `open_only`.
    pub fn requests(&self, open_only: bool) -> Result<Vec<RightsRequest>, CoreError> {
        let mut all = self
            .store
            .docs(RIGHTS_REQUEST_DOC)?
            .iter()
            .map(|(_, b)| decode(b))
            .collect::<Result<Vec<_>, _>>()?;
        all.retain(|r| !open_only || r.status == RequestStatus::Open);
        all.sort_by(|a, b| (a.received_at, &a.id).cmp(&(b.received_at, &b.id)));
        Ok(all)
    }

    /// Close a request as completed or rejected, with a short resolution code.
    pub fn close_request(
        &self,
        actor: &Actor,
        id: &str,
        status: RequestStatus,
        resolution: &str,
    ) -> Result<RightsRequest, CoreError> {
        if status == RequestStatus::Open {
            return Err(CoreError::InvalidInput(
                "a request is closed as completed or rejected".into(),
            ));
        }
        let resolution = check_code("a resolution", resolution)?;
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let mut req = self.request(id)?;
        if req.status != RequestStatus::Open {
            return Err(CoreError::Store(gembok_store::StoreError::Conflict(
                "request already closed",
            )));
        }
        req.status = status;
        req.completed_at = Some(now_ms());
        req.resolution = Some(resolution);
        self.save_request(actor, &req, "request.close")?;
        Ok(req)
    }

    /// One request by id.
    pub fn request(&self, id: &str) -> Result<RightsRequest, CoreError> {
        let id = check_code("a request id", id).map_err(|_| CoreError::NotFound)?;
        let body = self
            .store
            .doc(RIGHTS_REQUEST_DOC, &id)?
            .ok_or(CoreError::NotFound)?;
        decode(&body)
    }

    /// Flag every open request past its deadline at `now` that was not flagged yet; each
    /// gets a `request.overdue` audit event (the monitor's alert). Returns those flagged.
    pub fn flag_overdue_requests(
        &self,
        actor: &Actor,
        now: i64,
    ) -> Result<Vec<RightsRequest>, CoreError> {
        let _admin = self.admin.lock().unwrap_or_else(|p| p.into_inner());
        let mut flagged = Vec::new();
        for mut req in self.requests(true)? {
            if req.overdue(now) && !req.overdue_flagged {
                req.overdue_flagged = true;
                self.save_request(actor, &req, "request.overdue")?;
                flagged.push(req);
            }
        }
        Ok(flagged)
    }

    fn save_request(
        &self,
        actor: &Actor,
        req: &RightsRequest,
        action: &str,
    ) -> Result<(), CoreError> {
        let body = serde_json::to_vec(req)
            .map_err(|_| CoreError::Integrity("cannot encode a rights request".into()))?;
        let mut event = AuditEvent::new(actor, action, now_ms()).code(&format!(
            "request:{} kind:{}",
            req.id,
            req.kind.as_str()
        ));
        if let Some(s) = req.subject {
            event = event.subjects([s]);
        }
        let m = Mutation::PutDoc {
            kind: RIGHTS_REQUEST_DOC.into(),
            id: req.id.clone(),
            body,
        };
        self.audit.commit(vec![m], vec![event])
    }
}

fn decode(body: &[u8]) -> Result<RightsRequest, CoreError> {
    serde_json::from_slice(body)
        .map_err(|_| CoreError::Integrity("a rights request document is unreadable".into()))
}
