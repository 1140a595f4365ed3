//! The gate's data-subject operations: erasure, the subject report, restriction, legal
//! hold, consent, rights requests, retention and the minimisation report.
//!
//! Subject rights reach every collection, so a key narrowed to some collections may not
//! use them; consent needs only `consent_write` (the shop's own sign-up form records
//! it). Erasure and the report state a purpose, which the audit event keeps.

use gembok_types::{Purpose, RecordId};

use super::{AccessError, Action, Denied, Gate, Principal};
use crate::lifecycle::{
    BusinessProfile, ErasureReport, MinimisationReport, PrivacyNotice, ProcessingRecord,
    RequestKind, RequestStatus, RetentionOptions, RetentionReport, RightsConfig, RightsRequest,
    SubjectReport, SubjectState,
};

impl Gate {
    fn subject_rights(&self, p: &Principal, action: Action) -> Result<(), AccessError> {
        self.check(p, action, None)?;
        if p.collections.is_some() && action != Action::ConsentWrite {
            let d = Denied::forbidden(
                "an API key restricted to some collections may not act on whole data subjects",
            );
            self.note_denied(p, None, action, None, &d);
            return Err(d.into());
        }
        Ok(())
    }

    /// Erase every record of a subject, for `purpose` (why: usually `dpo` or `legal`).
    pub fn erase_subject(
        &self,
        p: &Principal,
        subject: RecordId,
        purpose: &str,
    ) -> Result<ErasureReport, AccessError> {
        self.subject_rights(p, Action::SubjectRights)?;
        let purpose = stated(purpose)?;
        self.audited(p, Some(&purpose), Action::SubjectRights, None, || {
            Ok(self
                .vault()
                .erase_subject(&p.actor(Some(&purpose)), subject)?)
        })
    }

    /// Everything held about a subject, with its access history.
    pub fn subject_report(
        &self,
        p: &Principal,
        subject: RecordId,
    ) -> Result<SubjectReport, AccessError> {
        self.subject_rights(p, Action::SubjectRights)?;
        self.audited(p, Some("dpo"), Action::SubjectRights, None, || {
            Ok(self
                .vault()
                .subject_report(&p.actor(Some("dpo")), subject)?)
        })
    }

    /// A subject's restriction, hold and consent state.
    pub fn subject_state(
        &self,
        p: &Principal,
        subject: RecordId,
    ) -> Result<SubjectState, AccessError> {
        self.subject_rights(p, Action::ConsentWrite)?;
        Ok(self.vault().subject_state(subject)?)
    }

    /// Restrict processing of a subject, or lift it.
    pub fn set_restriction(
        &self,
        p: &Principal,
        subject: RecordId,
        restricted: bool,
    ) -> Result<SubjectState, AccessError> {
        self.subject_rights(p, Action::SubjectRights)?;
        self.audited(p, None, Action::SubjectRights, None, || {
            Ok(self
                .vault()
                .set_restriction(&p.actor(None), subject, restricted)?)
        })
    }

    /// Put a subject under a legal hold (with a case code), or release it.
    pub fn set_legal_hold(
        &self,
        p: &Principal,
        subject: RecordId,
        hold: Option<&str>,
    ) -> Result<SubjectState, AccessError> {
        self.subject_rights(p, Action::SubjectRights)?;
        self.audited(p, None, Action::SubjectRights, None, || {
            Ok(self.vault().set_legal_hold(&p.actor(None), subject, hold)?)
        })
    }

    /// Record consent for `purpose`, or its withdrawal.
    pub fn record_consent(
        &self,
        p: &Principal,
        subject: RecordId,
        purpose: &str,
        granted: bool,
        source: &str,
        notice_version: Option<u32>,
    ) -> Result<SubjectState, AccessError> {
        self.subject_rights(p, Action::ConsentWrite)?;
        self.audited(p, None, Action::ConsentWrite, None, || {
            Ok(self.vault().record_consent(
                &p.actor(None),
                subject,
                purpose,
                granted,
                source,
                notice_version,
            )?)
        })
    }

    /// Record a rights request.
    pub fn open_request(
        &self,
        p: &Principal,
        kind: RequestKind,
        subject: Option<RecordId>,
        regulation: &str,
        received_at: Option<i64>,
        config: &RightsConfig,
    ) -> Result<RightsRequest, AccessError> {
        self.subject_rights(p, Action::SubjectRights)?;
        self.audited(p, None, Action::SubjectRights, None, || {
            Ok(self.vault().open_request(
                &p.actor(None),
                kind,
                subject,
                regulation,
                received_at,
                config,
            )?)
        })
    }

    /// The request queue; only open requests when `open_only`.
    pub fn requests(
        &self,
        p: &Principal,
        open_only: bool,
    ) -> Result<Vec<RightsRequest>, AccessError> {
        self.subject_rights(p, Action::SubjectRights)?;
        Ok(self.vault().requests(open_only)?)
    }

    /// Close a request as completed or rejected.
    pub fn close_request(
        &self,
        p: &Principal,
        id: &str,
        status: RequestStatus,
        resolution: &str,
    ) -> Result<RightsRequest, AccessError> {
        self.subject_rights(p, Action::SubjectRights)?;
        self.audited(p, None, Action::SubjectRights, None, || {
            Ok(self
                .vault()
                .close_request(&p.actor(None), id, status, resolution)?)
        })
    }

    /// Enforce retention now (or count, with `dry_run`).
    pub fn run_retention(
        &self,
        p: &Principal,
        opts: RetentionOptions,
    ) -> Result<RetentionReport, AccessError> {
        self.subject_rights(p, Action::Retention)?;
        self.audited(p, None, Action::Retention, None, || {
            Ok(self.vault().run_retention(&p.actor(None), opts)?)
        })
    }

    /// Fields never read and purposes never used in the last `days` days.
    pub fn minimisation_report(
        &self,
        p: &Principal,
        now: i64,
        days: u32,
    ) -> Result<MinimisationReport, AccessError> {
        self.check(p, Action::AuditRead, None)?;
        Ok(self.vault().minimisation_report(now, days)?)
    }
}

fn stated(purpose: &str) -> Result<String, Denied> {
    Purpose::parse(purpose)
        .map(|p| p.as_str().to_owned())
        .map_err(|_| Denied::purpose_not_allowed("an erasure must state a valid purpose"))
}

/// Work the vault does on its own schedule and public documents: no caller principal.
impl Gate {
    /// Enforce retention as the vault itself (the server's scheduler).
    pub fn scheduled_retention(
        &self,
        opts: RetentionOptions,
    ) -> Result<RetentionReport, AccessError> {
        Ok(self.vault().run_retention(&crate::Actor::system(), opts)?)
    }

    /// Flag open requests past their deadline at `now` (each raises one alert).
    pub fn flag_overdue_requests(&self, now: i64) -> Result<Vec<RightsRequest>, AccessError> {
        Ok(self
            .vault()
            .flag_overdue_requests(&crate::Actor::system(), now)?)
    }

    /// The privacy notice in force: public, it holds no personal data.
    pub fn privacy_notice(&self, profile: &BusinessProfile) -> Result<PrivacyNotice, AccessError> {
        Ok(self.vault().privacy_notice(profile)?)
    }

    /// The records of processing (needs schema read).
    pub fn processing_records(
        &self,
        p: &Principal,
        profile: &BusinessProfile,
    ) -> Result<Vec<ProcessingRecord>, AccessError> {
        self.check(p, Action::SchemaRead, None)?;
        Ok(crate::lifecycle::notice::processing_records(
            &self.vault().schema(),
            profile,
        ))
    }
}
