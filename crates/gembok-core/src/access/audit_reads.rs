//! Reading the audit log and the alerts through the gate: only roles with
//! `audit_read` may, and every such read is itself an audit event.

use gembok_store::AuditQuery;

use super::{AccessError, Action, Gate, Principal};
use crate::audit::{AuditEvent, AuditPage, Outcome};
use crate::monitor::Alert;
use crate::time::now_ms;

impl Gate {
    /// A page of audit events matching `query`, newest first, below position `before`.
    pub fn audit_query(
        &self,
        p: &Principal,
        query: &AuditQuery,
        before: Option<u64>,
        limit: usize,
    ) -> Result<AuditPage, AccessError> {
        self.check(p, Action::AuditRead, None)?;
        let page = self.audit().query(query, before, limit)?;
        let mut event = AuditEvent::new(&p.actor(None), "audit.read", now_ms())
            .code(&format!("count:{}", page.events.len()));
        if let Some(r) = query.record {
            event = event.records([r]);
        }
        self.audit().record(event)?;
        Ok(page)
    }

    /// The newest `limit` monitoring alerts.
    pub fn alerts(&self, p: &Principal, limit: usize) -> Result<Vec<Alert>, AccessError> {
        self.check(p, Action::AuditRead, None)?;
        let alerts = crate::monitor::list_alerts(self.vault().store().as_ref(), limit)?;
        let event = AuditEvent::new(&p.actor(None), "alert.read", now_ms())
            .code(&format!("count:{}", alerts.len()));
        self.audit().record(event)?;
        Ok(alerts)
    }

    /// Note a refused credential (unknown, expired or revoked key; failed login) from
    /// `client`. `code` is the stable refusal code; no part of the credential is kept.
    pub fn note_auth_failure(&self, client: &str, code: &str, request_id: Option<&str>) {
        let actor = crate::audit::Actor {
            principal: "anonymous".into(),
            role: "none".into(),
            purpose: None,
            client: Some(client.to_owned()),
            request_id: request_id.map(str::to_owned),
        };
        let event =
            AuditEvent::new(&actor, "auth.failed", now_ms()).outcome(Outcome::Failed, Some(code));
        // The caller is refused either way; observers hear if this cannot be written.
        let _ = self.audit().record(event);
    }
}
