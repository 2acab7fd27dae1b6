//! The need-to-know roster (Part 213.30(a)(5)): a person applies for For Official Use Only
//! information; the Program Manager (or a Board administrator) approves or denies; the person
//! accepts the handling agreement; the approval expires after `CYBERNAV_NEED_TO_KNOW_DAYS` and is
//! renewed or revoked; expiry warnings go by e-mail; the roster is exported as CSV.
//!
//! [`App::has_current_need_to_know`] is the one question the sharing desk (digest, API, pages,
//! TAXII) asks before FOUO goes to a person. Every decision is audited with what was decided,
//! never with the applicant's justification or the notes typed with a decision: those may
//! themselves be sensitive. The rules are in `cybernav_core::need_to_know`.

use cybernav_core::FieldErrors;
use cybernav_core::authz::{Actor, NtkApplicant, NtkDecider, NtkRosterReader};
use cybernav_core::email::EmailAddress;
use cybernav_core::need_to_know::{
    AGREEMENT_VERSION, Application, Decision, NtkError, Standing, State, WARNING_DAYS, days_left,
    warning_due,
};
use cybernav_core::validation::{clean_text, optional_multiline_text};
use cybernav_formats::spreadsheet::guard;
use cybernav_store::need_to_know::{NtkListing, NtkRow};
use cybernav_store::{StoreError, Tx, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The longest justification, decision note or revocation reason accepted, in characters.
pub const TEXT_MAX_CHARS: usize = 4_000;

/// What a person fills in to apply.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ApplyInput {
    /// Their organisation.
    pub organisation: String,
    /// Their role or title there.
    pub title: String,
    /// Why their work needs FOUO information.
    pub justification: String,
    /// Who vouches for them (a supervisor or the head of their office).
    pub sponsor_name: String,
    /// The sponsor's e-mail.
    pub sponsor_email: String,
}

/// An application as the roster shows it at an instant.
#[derive(Debug, Clone, Serialize)]
pub struct NtkEntry {
    /// As stored, with names.
    pub listing: NtkListing,
    /// Where it stands at the instant it was read (expired is derived).
    pub standing: Standing,
    /// Whole days until it expires, for approvals not yet expired.
    pub days_left: Option<i64>,
    /// The expiry warning due now (30 or 7 days), for the roster's "expires soon" flag.
    pub expires_soon: Option<u32>,
}

impl NtkEntry {
    fn at(listing: NtkListing, at: OffsetDateTime) -> AppResult<NtkEntry> {
        let app = application(&listing.row)?;
        let standing = app.standing(at);
        let live = matches!(standing, Standing::Approved | Standing::Active);
        let (days, soon) = match (live, listing.row.expires_at) {
            (true, Some(e)) => (Some(days_left(e, at)), warning_due(e, at, &WARNING_DAYS)),
            _ => (None, None),
        };
        Ok(NtkEntry {
            listing,
            standing,
            days_left: days,
            expires_soon: soon,
        })
    }

    /// The application's id.
    pub fn id(&self) -> Uuid {
        self.listing.row.id
    }
}

/// The roster's filter: one derived standing, or all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RosterFilter {
    /// `pending`, `approved`, `active`, `expired`, `denied` or `revoked`; `None` for all.
    pub standing: Option<Standing>,
}

impl RosterFilter {
    /// Parses the filter's identifier (blank for all); the error lists the accepted ones.
    pub fn parse(raw: Option<&str>) -> Result<RosterFilter, AppError> {
        let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
            return Ok(RosterFilter::default());
        };
        let standing = if raw == "expired" {
            Standing::Expired
        } else {
            match State::parse(raw) {
                Ok(State::Pending) => Standing::Pending,
                Ok(State::Approved) => Standing::Approved,
                Ok(State::Active) => Standing::Active,
                Ok(State::Denied) => Standing::Denied,
                Ok(State::Revoked) => Standing::Revoked,
                Err(_) => {
                    return Err(AppError::invalid(
                        "state",
                        format!(
                            "unknown state '{raw}'; expected one of: pending, approved, active, expired, denied, revoked"
                        ),
                    ));
                }
            }
        };
        Ok(RosterFilter {
            standing: Some(standing),
        })
    }
}

/// What an expiry-warning run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WarningRun {
    /// Approvals warned.
    pub warned: usize,
    /// Messages queued.
    pub messages: usize,
}

/// The columns of the roster export, in order.
pub const CSV_COLUMNS: [&str; 16] = [
    "id",
    "name",
    "email",
    "role",
    "organisation",
    "title",
    "sponsor_name",
    "sponsor_email",
    "state",
    "applied_at",
    "decided_at",
    "decided_by",
    "agreement_version",
    "agreement_accepted_at",
    "expires_at",
    "revoked_at",
];

fn application(row: &NtkRow) -> AppResult<Application> {
    let state = State::parse(&row.state).map_err(|e| {
        AppError::Store(StoreError::Corrupt(format!(
            "need_to_know_applications {}: {e}",
            row.id
        )))
    })?;
    Ok(Application {
        applicant: row.user_id,
        state,
        expires_at: row.expires_at,
    })
}

fn rule(e: NtkError) -> AppError {
    AppError::Conflict(e.to_string())
}

const OPEN_EXISTS: &str = "you already have an open need-to-know application (waiting for a decision, approved or active); see it on your Need-to-know page. An expired approval is renewed by the Program Manager, not applied for again";

fn apply_fields(input: &ApplyInput) -> Result<ApplyInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let organisation = errors.check("organisation", clean_text(&input.organisation, 200));
    let title = errors.check("title", clean_text(&input.title, 200));
    let justification = errors
        .check(
            "justification",
            optional_multiline_text(Some(&input.justification), TEXT_MAX_CHARS),
        )
        .flatten();
    if justification.is_none() && !errors.0.iter().any(|e| e.field == "justification") {
        errors.add(
            "justification",
            "is required: say what in your work needs FOUO information",
        );
    }
    let sponsor_name = errors.check("sponsor_name", clean_text(&input.sponsor_name, 200));
    let sponsor_email = errors.check("sponsor_email", EmailAddress::parse(&input.sponsor_email));
    match (
        organisation,
        title,
        justification,
        sponsor_name,
        sponsor_email,
    ) {
        (Some(organisation), Some(title), Some(justification), Some(sponsor_name), Some(email))
            if errors.is_empty() =>
        {
            Ok(ApplyInput {
                organisation,
                title,
                justification,
                sponsor_name,
                sponsor_email: email.as_str().to_string(),
            })
        }
        _ => Err(errors),
    }
}

/// An optional free-text note (decision note, revocation reason).
fn note(field: &str, raw: Option<&str>) -> AppResult<Option<String>> {
    optional_multiline_text(raw, TEXT_MAX_CHARS).map_err(|e| AppError::invalid(field, e))
}

fn long_date(t: OffsetDateTime) -> String {
    let d = t.date();
    format!("{} {} {}", d.day(), d.month(), d.year())
}

impl App {
    /// The applicant applies for themselves. Refused with a clear message when they already
    /// have an open application (the database enforces it too, so two at once cannot both
    /// succeed).
    pub async fn apply_need_to_know(
        &self,
        cap: &NtkApplicant<'_>,
        input: &ApplyInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let fields = apply_fields(input)?;
        let Some(user) = cap.actor().account_id() else {
            return Err(AppError::Forbidden);
        };
        let at = now();
        let mut tx = self.store.begin().await?;
        if tx.open_ntk_of(user).await?.is_some() {
            return Err(AppError::Conflict(OPEN_EXISTS.into()));
        }
        let row = NtkRow {
            id: Uuid::new_v4(),
            user_id: user,
            organisation: fields.organisation,
            title: fields.title,
            justification: fields.justification,
            sponsor_name: fields.sponsor_name,
            sponsor_email: fields.sponsor_email,
            state: State::Pending.as_str().into(),
            applied_at: at,
            decided_at: None,
            decided_by: None,
            decision_note: None,
            agreement_version: None,
            agreement_accepted_at: None,
            approved_from: None,
            expires_at: None,
            renewed_at: None,
            renewed_by: None,
            revoked_at: None,
            revoked_by: None,
            revoke_reason: None,
            updated_at: at,
        };
        match tx.insert_ntk(&row).await {
            Err(StoreError::Conflict(_)) => return Err(AppError::Conflict(OPEN_EXISTS.into())),
            other => other?,
        }
        // The justification is the applicant's own words and may be sensitive: not audited.
        audit::Entry::new("need_to_know.apply", "need_to_know_application", row.id)
            .changes(json!({
                "user": {"from": null, "to": user.to_string()},
                "organisation": {"from": null, "to": row.organisation},
                "title": {"from": null, "to": row.title},
                "sponsor_name": {"from": null, "to": row.sponsor_name},
                "sponsor_email": {"from": null, "to": row.sponsor_email},
                "state": {"from": null, "to": row.state},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Reads one application for a change, refusing as the capability check says for someone
    /// who may not see it.
    async fn ntk_for_change(&self, tx: &mut Tx, id: Uuid) -> AppResult<(NtkRow, Application)> {
        let listing = tx.get_ntk(id).await?;
        let app = application(&listing.row)?;
        Ok((listing.row, app))
    }

    /// Approves or denies a pending application. Approval starts the period; the person then
    /// accepts the handling agreement. The note is kept with the application, not audited.
    pub async fn decide_need_to_know(
        &self,
        cap: &NtkDecider<'_>,
        id: Uuid,
        decision: Decision,
        decision_note: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let decision_note = note("note", decision_note)?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let (mut row, app) = self.ntk_for_change(&mut tx, id).await?;
        let (state, expires_at) = app
            .decide(
                cap.actor().user_id,
                decision,
                at,
                self.config.need_to_know_days,
            )
            .map_err(rule)?;
        let from = row.state.clone();
        row.state = state.as_str().into();
        row.decided_at = Some(at);
        row.decided_by = cap.actor().account_id();
        row.decision_note = decision_note;
        if decision == Decision::Approve {
            row.approved_from = Some(at);
            row.expires_at = expires_at;
        }
        row.updated_at = at;
        tx.update_ntk(&row, &from).await?;
        audit::Entry::new(
            match decision {
                Decision::Approve => "need_to_know.approve",
                Decision::Deny => "need_to_know.deny",
            },
            "need_to_know_application",
            id,
        )
        .changes(json!({
            "state": {"from": from, "to": row.state},
            "expires_at": {"from": null, "to": row.expires_at.map(rfc3339)},
            "note_written": {"from": null, "to": row.decision_note.is_some()},
        }))
        .commit(tx, cap.actor(), meta, at)
        .await
    }

    /// The applicant accepts the handling agreement of their approved application (quoting
    /// the version they read): the approval becomes active.
    pub async fn accept_need_to_know_agreement(
        &self,
        actor: &Actor,
        id: Uuid,
        version: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let at = now();
        let mut tx = self.store.begin().await?;
        let (mut row, app) = self.ntk_for_change(&mut tx, id).await?;
        let cap = actor.accept_need_to_know(row.user_id)?;
        let state = app
            .accept(cap.actor().user_id, version, at)
            .map_err(|e| match e {
                NtkError::AgreementVersion(_) => {
                    AppError::invalid("agreement_version", e.to_string())
                }
                other => rule(other),
            })?;
        let from = row.state.clone();
        row.state = state.as_str().into();
        row.agreement_version = Some(AGREEMENT_VERSION.into());
        row.agreement_accepted_at = Some(at);
        row.updated_at = at;
        tx.update_ntk(&row, &from).await?;
        audit::Entry::new("need_to_know.accept", "need_to_know_application", id)
            .changes(json!({
                "state": {"from": from, "to": row.state},
                "agreement_version": {"from": null, "to": AGREEMENT_VERSION},
            }))
            .commit(tx, actor, meta, at)
            .await
    }

    /// Renews an approval: the new expiry is the period after the later of now and the
    /// current expiry.
    pub async fn renew_need_to_know(
        &self,
        cap: &NtkDecider<'_>,
        id: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<OffsetDateTime> {
        let at = now();
        let mut tx = self.store.begin().await?;
        let (mut row, app) = self.ntk_for_change(&mut tx, id).await?;
        let expires = app
            .renew(cap.actor().user_id, at, self.config.need_to_know_days)
            .map_err(rule)?;
        let before = row.expires_at;
        row.expires_at = Some(expires);
        row.renewed_at = Some(at);
        row.renewed_by = cap.actor().account_id();
        row.updated_at = at;
        let state = row.state.clone();
        tx.update_ntk(&row, &state).await?;
        audit::Entry::new("need_to_know.renew", "need_to_know_application", id)
            .changes(json!({
                "expires_at": {"from": before.map(rfc3339), "to": rfc3339(expires)},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(expires)
    }

    /// Revokes an approval at once. A reason is required (kept with the application; the
    /// audit records that one was given).
    pub async fn revoke_need_to_know(
        &self,
        cap: &NtkDecider<'_>,
        id: Uuid,
        reason: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let Some(reason) = note("reason", Some(reason))? else {
            return Err(AppError::invalid(
                "reason",
                "is required: say why the approval is revoked",
            ));
        };
        let at = now();
        let mut tx = self.store.begin().await?;
        let (mut row, app) = self.ntk_for_change(&mut tx, id).await?;
        let state = app.revoke(cap.actor().user_id, at).map_err(rule)?;
        let from = row.state.clone();
        row.state = state.as_str().into();
        row.revoked_at = Some(at);
        row.revoked_by = cap.actor().account_id();
        row.revoke_reason = Some(reason);
        row.updated_at = at;
        tx.update_ntk(&row, &from).await?;
        audit::Entry::new("need_to_know.revoke", "need_to_know_application", id)
            .changes(json!({
                "state": {"from": from, "to": row.state},
                "reason_written": {"from": null, "to": true},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// The roster as it stands at `at`, newest application first, filtered by standing.
    pub async fn need_to_know_roster(
        &self,
        _reader: &NtkRosterReader<'_>,
        filter: RosterFilter,
        at: OffsetDateTime,
    ) -> AppResult<Vec<NtkEntry>> {
        let mut tx = self.store.read().await?;
        let rows = tx.list_ntk(None, None).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let e = NtkEntry::at(r, at)?;
            if filter.standing.is_none_or(|s| s == e.standing) {
                out.push(e);
            }
        }
        Ok(out)
    }

    /// The applicant's own applications, newest first.
    pub async fn my_need_to_know(
        &self,
        cap: &NtkApplicant<'_>,
        at: OffsetDateTime,
    ) -> AppResult<Vec<NtkEntry>> {
        let Some(user) = cap.actor().account_id() else {
            return Ok(Vec::new());
        };
        let mut tx = self.store.read().await?;
        tx.list_ntk(Some(user), None)
            .await?
            .into_iter()
            .map(|r| NtkEntry::at(r, at))
            .collect()
    }

    /// One application, for the applicant or a roster reader; anyone else is answered as if
    /// it did not exist.
    pub async fn need_to_know_entry(
        &self,
        actor: &Actor,
        id: Uuid,
        at: OffsetDateTime,
    ) -> AppResult<NtkEntry> {
        let mut tx = self.store.read().await?;
        let listing = tx.get_ntk(id).await?;
        if listing.row.user_id != actor.user_id && actor.read_need_to_know_roster().is_none() {
            return Err(AppError::NotFound);
        }
        NtkEntry::at(listing, at)
    }

    /// Whether `user` holds a current need-to-know approval at `at`: approved, the agreement
    /// accepted, not revoked and not expired. The question every FOUO release asks.
    pub async fn has_current_need_to_know(
        &self,
        user: Uuid,
        at: OffsetDateTime,
    ) -> AppResult<bool> {
        let mut tx = self.store.read().await?;
        match tx.open_ntk_of(user).await? {
            Some(row) => Ok(application(&row)?.is_current(at)),
            None => Ok(false),
        }
    }

    /// The roster as CSV (every application, with its standing at `at`); cells a
    /// spreadsheet would run as a formula are prefixed with `'`. Justifications and notes are
    /// left out: the export is for knowing who holds approval, not why.
    pub async fn need_to_know_csv(
        &self,
        reader: &NtkRosterReader<'_>,
        filter: RosterFilter,
        at: OffsetDateTime,
    ) -> AppResult<String> {
        let entries = self.need_to_know_roster(reader, filter, at).await?;
        let csv_err = |e: csv::Error| AppError::Store(StoreError::Corrupt(format!("csv: {e}")));
        let mut w = csv::Writer::from_writer(Vec::new());
        w.write_record(CSV_COLUMNS).map_err(csv_err)?;
        let t = |t: Option<OffsetDateTime>| t.map(rfc3339).unwrap_or_default();
        for e in &entries {
            let l = &e.listing;
            let r = &l.row;
            let cells = [
                r.id.to_string(),
                l.user_name.clone(),
                l.user_email.clone(),
                l.user_role.clone(),
                r.organisation.clone(),
                r.title.clone(),
                r.sponsor_name.clone(),
                r.sponsor_email.clone(),
                e.standing.as_str().to_string(),
                rfc3339(r.applied_at),
                t(r.decided_at),
                l.decided_by_name.clone().unwrap_or_default(),
                r.agreement_version.clone().unwrap_or_default(),
                t(r.agreement_accepted_at),
                t(r.expires_at),
                t(r.revoked_at),
            ];
            w.write_record(cells.iter().map(|c| guard(c).into_owned()))
                .map_err(csv_err)?;
        }
        let bytes = w
            .into_inner()
            .map_err(|e| AppError::Store(StoreError::Corrupt(format!("csv: {e}"))))?;
        String::from_utf8(bytes)
            .map_err(|e| AppError::Store(StoreError::Corrupt(format!("csv: {e}"))))
    }

    /// Queues the expiry warnings due at `at`: for each active or approved application whose
    /// expiry is within a threshold (30 or 7 days), one e-mail to the person. Each warning is
    /// noted in the same transaction as its message, so it goes once however often this runs
    /// and on however many replicas; a renewal moves the expiry, so the new one is warned
    /// about afresh.
    pub async fn send_expiry_warnings(&self, at: OffsetDateTime) -> AppResult<WarningRun> {
        let mut run = WarningRun::default();
        let system = Actor {
            user_id: Uuid::nil(),
            email: "system (need-to-know warnings)".into(),
            role: cybernav_core::role::Role::Auditor,
            election_authority_id: None,
            assigned_authorities: Vec::new(),
            partner_org_id: None,
        };
        let rows = {
            let mut tx = self.store.read().await?;
            let mut rows = tx.list_ntk(None, Some(State::Active.as_str())).await?;
            rows.extend(tx.list_ntk(None, Some(State::Approved.as_str())).await?);
            rows
        };
        for l in rows {
            let Some(expires) = l.row.expires_at else {
                continue;
            };
            let Some(threshold) = warning_due(expires, at, &WARNING_DAYS) else {
                continue;
            };
            // The decision is taken at `at`; the records are stamped with the real time, so a
            // run for an instant ahead (tests, a catch-up) leaves the mail due now and the audit
            // chain in order.
            let stamp = now();
            let mut tx = self.store.begin().await?;
            if !tx
                .note_ntk_warning(l.row.id, expires, threshold as i32, stamp)
                .await?
            {
                continue;
            }
            let left = days_left(expires, at);
            let subject = format!(
                "Your need-to-know approval expires in {left} day(s), on {}",
                long_date(expires)
            );
            let pending_agreement = if l.row.state == State::Approved.as_str() {
                "\nYou have not yet accepted the handling agreement; until you do, FOUO information is not sent to you.\n"
            } else {
                ""
            };
            let body = format!(
                "Hello {name},\n\nYour approval to receive For Official Use Only (FOUO) information from the Cyber Navigator Program expires on {date} (UTC), {left} day(s) from today.\n{pending_agreement}\nAfter that date FOUO information is no longer sent to you. If your work still needs it, ask the Program Manager to renew your approval before then.\n\nYour need-to-know page: {base}/need-to-know\n",
                name = l.user_name,
                date = long_date(expires),
                base = self.config.base_url,
            );
            tx.enqueue_email("need_to_know_expiry", &l.user_email, &subject, &body, stamp)
                .await?;
            audit::Entry::new("need_to_know.warn", "need_to_know_application", l.row.id)
                .changes(json!({
                    "days_before": {"from": null, "to": threshold},
                    "expires_at": {"from": null, "to": rfc3339(expires)},
                }))
                .commit(tx, &system, &RequestMeta::default(), stamp)
                .await?;
            run.warned += 1;
            run.messages += 1;
        }
        Ok(run)
    }
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|_| t.to_string())
}

/// Queues due expiry warnings every `every` until `shutdown` changes; each round is safe to
/// run on every replica at once (see [`App::send_expiry_warnings`]).
pub async fn run_expiry_warnings(
    app: App,
    every: std::time::Duration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut shutdown = shutdown;
    loop {
        match app.send_expiry_warnings(now()).await {
            Ok(run) if run.messages > 0 => tracing::info!(
                need_to_know.warned = run.warned,
                need_to_know.messages = run.messages,
                "need-to-know expiry warnings queued"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "need-to-know expiry warnings failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_guarded() {
        assert_eq!(guard("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(guard("-1"), "'-1");
        assert_eq!(guard("Adams County"), "Adams County");
    }

    #[test]
    fn the_period_is_validated() {
        use crate::config::parse_need_to_know_days;
        assert_eq!(parse_need_to_know_days(" 180 "), Ok(180));
        for bad in ["0", "29", "1096", "a year", "-5"] {
            let e = parse_need_to_know_days(bad).unwrap_err();
            assert!(e.contains("CYBERNAV_NEED_TO_KNOW_DAYS"), "{e}");
        }
    }

    #[test]
    fn application_fields_name_each_problem() {
        let e = apply_fields(&ApplyInput {
            organisation: "Adams County".into(),
            title: "".into(),
            justification: "  ".into(),
            sponsor_name: "Pat Clerk".into(),
            sponsor_email: "not an address".into(),
        })
        .unwrap_err();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "justification", "sponsor_email"]);
    }
}
