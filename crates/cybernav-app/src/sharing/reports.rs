//! Two-way sharing (Part 213.50(a)(2)(B)): authorities report what they observe, and the
//! Program Manager validates reports and turns them into intake, sightings and notes.
//!
//! * **The county's form.** A one-person office says what it saw, when, in its own words,
//!   with indicators pasted as they came (defanged is fine) and who may see it. The form's
//!   input is checked whole (every problem named by field, every line not understood named by
//!   its number), turned into STIX 2.1 objects by `cybernav_formats::stix::report_form` and
//!   stored by the same path as a TAXII POST ([`App::submit_report_in`]), so both channels
//!   give one kind of report.
//! * **The queue.** Board staff list every report, pending first, and open one to read its
//!   objects as the access decision allows; the people of an authority list their own
//!   office's reports with the status and the Program Manager's note.
//! * **The decision**, taken once (a second decision is a conflict): *validate* records each
//!   indicator the report names as a report of the source "Community reports" under the
//!   marking the report gave it, and as a sighting by the authority, and may start a draft
//!   intelligence note from the report; *reject* records the reason. Both are audited
//!   (counts, markings and states, never what was reported) and the sender is told by e-mail,
//!   which names the reference number and the decision only.

use std::collections::BTreeMap;
use std::sync::Arc;

use cybernav_core::FieldErrors;
use cybernav_core::authz::{ReportReader, ReportSubmitter, ReportValidator};
use cybernav_core::sharing::Indicator;
use cybernav_core::sharing::IndicatorKind;
use cybernav_core::sharing::community_report::{
    self as cr, ObservationKind, ReportStatus, form_level,
};
use cybernav_core::sharing::marking::{Caveat, Marking, OrgKind, Organisation, Tlp};
use cybernav_core::sharing::product::{self, parse_portion_mark};
use cybernav_core::validation::{optional_multiline_text, optional_text};
use cybernav_formats::freetext::{detect, read_free_text, refang};
use cybernav_formats::stix::report_form::{FormReport, form_report_objects, report_object_id};
use cybernav_formats::stix::{PatternOutcome, StixObject, read_bundle};
use cybernav_store::Tx;
use cybernav_store::community_reports::{NewSighting, ReportFilter, ReportListing, SightingRow};
use cybernav_store::intake::Provenance;
use cybernav_store::taxii::TaxiiObjectRow;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use uuid::Uuid;

use super::BOARD;
use super::intake::{
    Batch, IntakeSummary, SourceReport, SourceSpec, Written, finish_run, indicator_id,
    marking_json, parse_marking, sha256_hex, source_in, start_run, write_batch,
};
use super::products::{LinkInput, ProductInput};
use super::reader::reader_in;
use super::taxii::{NewReport, ReportChannel};
use crate::store::now;
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The intake source validated reports are recorded under.
pub const COMMUNITY_SOURCE: &str = "Community reports";

/// The most reports one list holds.
pub const PAGE_MAX: i64 = 200;

/// The outbox kind of the e-mail that tells a sender of the decision.
pub const DECISION_MAIL: &str = "report_decision";

/// What the county's form (or `POST /api/v1/reports`) sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
pub struct FormReportInput {
    /// What was seen: `phishing`, `suspicious_address`, `malware`, `account_misuse`, `other`.
    #[serde(default)]
    pub kind: String,
    /// The day it was seen (`YYYY-MM-DD`, the Board's calendar).
    #[serde(default)]
    pub seen_on: String,
    /// About what time (`HH:MM`, the Board's clock), if known.
    #[serde(default)]
    pub seen_time: String,
    /// What happened, in the person's own words.
    #[serde(default)]
    pub description: String,
    /// Indicators, one a line, defanged or not.
    #[serde(default)]
    pub indicators: String,
    /// For an e-mail: the sender's address.
    #[serde(default)]
    pub sender: String,
    /// For an e-mail: its subject.
    #[serde(default)]
    pub subject: String,
    /// Who may see it: `CLEAR`, `GREEN`, `AMBER` (when empty) or `AMBER+STRICT`.
    #[serde(default)]
    pub tlp: String,
    /// For Official Use Only.
    #[serde(default)]
    pub fouo: bool,
}

/// A checked form.
#[derive(Debug)]
struct CheckedForm {
    kind: ObservationKind,
    seen_at: OffsetDateTime,
    seen_label: String,
    description: String,
    indicators: Vec<Indicator>,
    sender: Option<String>,
    subject: Option<String>,
    marking: Marking,
}

/// The lines of a pasted list that were not understood, at most this many named.
const LINES_NAMED: usize = 20;

/// Reads the sender of an e-mail as people copy it: `name@example.org`, `<name@example.org>`,
/// `Pat Smith <name@example.org>`, defanged or not.
fn read_sender(raw: &str) -> Result<Option<Indicator>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let inner = match (t.rfind('<'), t.rfind('>')) {
        (Some(a), Some(b)) if a < b => &t[a + 1..b],
        _ => t,
    };
    let value = refang(inner.trim());
    match detect(&value) {
        Ok(i) if i.kind() == IndicatorKind::Email => Ok(Some(i)),
        _ => Err(format!(
            "'{}' is not an e-mail address; copy the address after From, such as payroll@example.org",
            t.chars().take(200).collect::<String>()
        )),
    }
}

fn check_form(
    input: &FormReportInput,
    zone: &cybernav_core::deadline::BoardTimeZone,
    at: OffsetDateTime,
) -> Result<CheckedForm, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = errors.check("kind", ObservationKind::parse(&input.kind));
    let day = match input.seen_on.trim() {
        "" => {
            errors.add(
                "seen_on",
                "is required: the day you saw it (an estimate is fine)",
            );
            None
        }
        d => match time::Date::parse(d, format_description!("[year]-[month]-[day]")) {
            Ok(d) if d > zone.local_date(at) => {
                errors.add("seen_on", "is in the future: give the day you saw it");
                None
            }
            Ok(d) if d.year() < 2000 => {
                errors.add("seen_on", "is before 2000: check the year");
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.add(
                    "seen_on",
                    format!("'{d}' is not a date; write it as YYYY-MM-DD, such as 2026-02-10"),
                );
                None
            }
        },
    };
    let time_of_day = match input.seen_time.trim() {
        "" => None,
        t => {
            match time::Time::parse(t, format_description!("[hour]:[minute]")) {
                Ok(t) => Some(t),
                Err(_) => {
                    errors.add(
                    "seen_time",
                    format!("'{t}' is not a time; write it as HH:MM on a 24-hour clock, such as 14:30"),
                );
                    None
                }
            }
        }
    };
    let mut seen = None;
    if let Some(d) = day {
        match zone.instant_at(d, time_of_day.unwrap_or(time::Time::MIDNIGHT)) {
            Ok(i) if i > at + time::Duration::minutes(5) => {
                errors.add("seen_time", "is later than now: give the time you saw it")
            }
            Ok(i) => {
                let label = match time_of_day {
                    Some(t) => format!(
                        "{} at {:02}:{:02} ({})",
                        d,
                        t.hour(),
                        t.minute(),
                        zone.as_str()
                    ),
                    None => d.to_string(),
                };
                seen = Some((i, label));
            }
            Err(e) => errors.add("seen_time", e),
        }
    }
    let description = errors
        .check(
            "description",
            optional_multiline_text(Some(&input.description), cr::DESCRIPTION_MAX),
        )
        .flatten();
    if description.is_none() && !errors.0.iter().any(|e| e.field == "description") {
        errors.add(
            "description",
            "is required: say in your own words what you saw and what you did about it",
        );
    }
    let mut indicators = Vec::new();
    if input.indicators.chars().count() > cr::INDICATORS_TEXT_MAX {
        errors.add(
            "indicators",
            format!(
                "must be at most {} characters; send a longer list to your navigator",
                cr::INDICATORS_TEXT_MAX
            ),
        );
    } else {
        let read = read_free_text(&input.indicators);
        if !read.rejected.is_empty() {
            let named: Vec<String> = read
                .rejected
                .iter()
                .take(LINES_NAMED)
                .map(|r| format!("line {} '{}': {}", r.line, r.value, r.reason))
                .collect();
            let more = read.rejected.len().saturating_sub(LINES_NAMED);
            errors.add(
                "indicators",
                format!(
                    "{} line(s) were not understood: {}{}. Correct or remove them: one web \
                     address, IP address, e-mail address, domain or file hash a line; anything \
                     else belongs in the description",
                    read.rejected.len(),
                    named.join("; "),
                    if more > 0 {
                        format!("; and {more} more")
                    } else {
                        String::new()
                    }
                ),
            );
        }
        indicators = read.entries.into_iter().map(|e| e.indicator).collect();
    }
    let sender = errors.check("sender", read_sender(&input.sender)).flatten();
    if let Some(s) = &sender {
        indicators.push(s.clone());
    }
    if indicators.len() > cr::INDICATORS_MAX {
        errors.add(
            "indicators",
            format!(
                "names {} indicators; at most {} in one report",
                indicators.len(),
                cr::INDICATORS_MAX
            ),
        );
    }
    let subject = errors
        .check(
            "subject",
            optional_text(Some(&input.subject), cr::SUBJECT_MAX),
        )
        .flatten();
    let level = match input.tlp.trim() {
        "" => Some(cr::FORM_DEFAULT_LEVEL),
        t => errors.check("tlp", form_level(t)),
    };
    match (kind, seen, description, level) {
        (Some(kind), Some((seen_at, seen_label)), Some(description), Some(level))
            if errors.is_empty() =>
        {
            let mut marking = Marking::tlp(level);
            if input.fouo {
                marking = marking.with_caveat(Caveat::Fouo);
            }
            Ok(CheckedForm {
                kind,
                seen_at,
                seen_label,
                description,
                indicators,
                sender: sender.map(|s| s.value().to_string()),
                subject,
                marking,
            })
        }
        _ => Err(errors),
    }
}

/// What the sender is told after sending.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormReportReceipt {
    /// The report's id.
    pub report_id: Uuid,
    /// The reference number to quote.
    pub reference: String,
    /// Indicators it names.
    pub indicators: usize,
}

/// A report as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSummary {
    /// Id.
    pub id: Uuid,
    /// The reference number (`CR-3F2A-9B1C`).
    pub reference: String,
    /// `taxii` or `form`.
    pub channel: String,
    /// What the form says was seen (none for a TAXII POST).
    pub kind: Option<String>,
    /// As people read it (`Suspicious e-mail or phishing`; `Sent by a tool (TAXII)`).
    pub kind_label: String,
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its name.
    pub authority_name: String,
    /// Who sent it.
    pub submitted_by: String,
    /// When it arrived.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// How many STIX objects it holds.
    pub object_count: i64,
    /// The combined marking of its objects.
    pub marking: String,
    /// `pending`, `validated`, `rejected`.
    pub status: String,
    /// As people read it.
    pub status_label: String,
    /// Who decided.
    pub decided_by: Option<String>,
    /// When.
    #[serde(with = "time::serde::rfc3339::option")]
    pub decided_at: Option<OffsetDateTime>,
    /// The Program Manager's note or reason.
    pub decision_note: Option<String>,
    /// The draft intelligence note started from it (Board staff only).
    pub note_id: Option<Uuid>,
}

/// One object of a report, readable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectView {
    /// STIX id.
    pub stix_id: String,
    /// STIX type.
    pub object_type: String,
    /// The type as people read it.
    pub type_label: String,
    /// Its marking.
    pub marking: String,
    /// Its name or heading.
    pub title: Option<String>,
    /// Its description or content.
    pub text: Option<String>,
    /// Other facts worth reading (label, value).
    pub facts: Vec<(String, String)>,
    /// The indicators its pattern names (`Domain: evil.example`).
    pub indicators: Vec<String>,
    /// The object as received, indented.
    pub raw: String,
}

/// A sighting a validated report recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportSighting {
    /// The indicator.
    pub indicator_id: Uuid,
    /// Its marking.
    pub marking: String,
    /// First seen.
    #[serde(with = "time::serde::rfc3339")]
    pub first_seen: OffsetDateTime,
    /// How many times the report names it.
    pub count: i64,
}

/// One report as a reader may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportDetail {
    /// What the list shows.
    #[serde(flatten)]
    pub summary: ReportSummary,
    /// The objects the reader may see, in the order they came.
    pub objects: Vec<ObjectView>,
    /// How many objects were withheld from this reader by their markings.
    pub withheld: usize,
    /// The sightings it recorded (Board staff only).
    pub sightings: Vec<ReportSighting>,
}

/// Which reports to list.
#[derive(Debug, Clone, Default)]
pub struct ReportQuery {
    /// Only this status.
    pub status: Option<ReportStatus>,
    /// Only this authority's (Board staff; an authority's people always see only their own).
    pub election_authority: Option<Uuid>,
    /// Only those that came this way.
    pub channel: Option<ReportChannel>,
    /// How many, at most [`PAGE_MAX`].
    pub limit: Option<i64>,
    /// How many to skip.
    pub offset: Option<i64>,
}

/// What a validation did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Validation {
    /// Indicators the report names (each a sighting).
    pub indicators: usize,
    /// Of them, new to intake.
    pub new_indicators: u64,
    /// The intake run that recorded them (none when the report names none).
    pub run_id: Option<Uuid>,
    /// The draft note started from it.
    pub note_id: Option<Uuid>,
}

fn kind_label(row: &ReportListing) -> String {
    match row.row.kind.as_deref().map(ObservationKind::parse) {
        Some(Ok(k)) => k.label().to_string(),
        _ if row.row.channel == "taxii" => "Sent by a tool (TAXII)".to_string(),
        _ => "Report".to_string(),
    }
}

fn summary_of(l: &ReportListing, board_staff: bool) -> AppResult<ReportSummary> {
    let status = ReportStatus::parse(&l.row.status).map_err(|e| {
        AppError::Store(cybernav_store::StoreError::Corrupt(format!(
            "community_reports {}: {e}",
            l.row.id
        )))
    })?;
    let marking = parse_marking(&l.row.marking, "community_reports")?;
    Ok(ReportSummary {
        id: l.row.id,
        reference: cr::reference(l.row.id),
        channel: l.row.channel.clone(),
        kind: l.row.kind.clone(),
        kind_label: kind_label(l),
        election_authority_id: l.row.election_authority_id,
        authority_name: l.authority_name.clone(),
        submitted_by: l.submitter_name.clone(),
        received_at: l.row.received_at,
        object_count: l.row.object_count,
        marking: marking.label(),
        status: status.as_str().to_string(),
        status_label: status.label().to_string(),
        decided_by: l.decider_name.clone(),
        decided_at: l.row.decided_at,
        decision_note: l.row.decision_note.clone(),
        note_id: if board_staff { l.row.note_id } else { None },
    })
}

/// The organisation that holds a report's objects for `reader`: the Board for its staff (what
/// authorities send is information the Board received); the authority itself for its own
/// people (what an office wrote stays visible to it, as its marking allows).
fn holder_for(cap: &ReportReader<'_>, election_authority: Uuid) -> Organisation {
    if cap.is_board_staff() {
        BOARD
    } else {
        Organisation {
            id: election_authority,
            kind: OrgKind::ElectionAuthority,
        }
    }
}

fn str_of(v: &Value, key: &str) -> Option<String> {
    v[key]
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn type_label(t: &str) -> String {
    match t {
        "report" => "Report".into(),
        "incident" => "Incident".into(),
        "indicator" => "Indicator".into(),
        "note" => "Note".into(),
        "observed-data" => "Observed data".into(),
        "sighting" => "Sighting".into(),
        "malware" => "Malware".into(),
        "marking-definition" => "Marking definition".into(),
        "identity" => "Identity".into(),
        "relationship" => "Relationship".into(),
        other => {
            let mut s = other.replace('-', " ");
            if let Some(c) = s.get_mut(0..1) {
                c.make_ascii_uppercase();
            }
            s
        }
    }
}

/// The indicators an indicator object's pattern names, and when it says they were seen.
fn indicator_facts(raw: &str) -> (Vec<Indicator>, Option<OffsetDateTime>, Option<String>) {
    let bundle = format!("{{\"type\":\"bundle\",\"objects\":[{raw}]}}");
    let mut out: (Vec<Indicator>, Option<OffsetDateTime>, Option<String>) =
        (Vec::new(), None, None);
    let _ = read_bundle(bundle.as_bytes(), |o| {
        if let Ok(StixObject::Indicator(i)) = o {
            out.1 = i.valid_from;
            match &i.outcome {
                PatternOutcome::Indicators(list) => out.0 = list.clone(),
                PatternOutcome::PatternOnly { .. } => out.2 = Some(i.pattern.to_string()),
            }
        }
    });
    out
}

fn object_view(row: &TaxiiObjectRow, marking: &Marking) -> ObjectView {
    let v: Value = serde_json::from_str(&row.raw).unwrap_or(Value::Null);
    let mut facts = Vec::new();
    let mut indicators = Vec::new();
    let title = str_of(&v, "name")
        .or_else(|| str_of(&v, "abstract"))
        .or_else(|| str_of(&v, "value"));
    let text = str_of(&v, "description")
        .or_else(|| str_of(&v, "content"))
        .or_else(|| v["definition"]["statement"].as_str().map(str::to_string));
    if row.object_type == "indicator" {
        let (found, valid_from, pattern_only) = indicator_facts(&row.raw);
        indicators = found
            .iter()
            .map(|i| format!("{}: {}", i.kind().label(), i.value()))
            .collect();
        if let Some(p) = pattern_only {
            facts.push(("Pattern (kept as written)".into(), p));
        }
        if let Some(t) = valid_from {
            facts.push(("Seen from".into(), t.format(&Rfc3339).unwrap_or_default()));
        }
    }
    for (key, label) in [
        ("published", "Published"),
        ("first_observed", "First observed"),
        ("last_observed", "Last observed"),
        ("first_seen", "First seen"),
        ("last_seen", "Last seen"),
    ] {
        if let Some(s) = str_of(&v, key) {
            facts.push((label.into(), s));
        }
    }
    ObjectView {
        stix_id: row.stix_id.clone(),
        object_type: row.object_type.clone(),
        type_label: type_label(&row.object_type),
        marking: marking.label(),
        title,
        text,
        facts,
        indicators,
        raw: serde_json::to_string_pretty(&v).unwrap_or_else(|_| row.raw.clone()),
    }
}

/// An indicator a report names, gathered over its indicator objects.
struct Named {
    indicator: Indicator,
    marking: Marking,
    first: OffsetDateTime,
    last: OffsetDateTime,
    count: i64,
}

impl App {
    /// Sends a report from the county's form: checked whole, turned into STIX objects and
    /// stored by the same path as a TAXII POST, with its audit record, in one transaction.
    pub async fn submit_form_report(
        &self,
        cap: &ReportSubmitter<'_>,
        input: &FormReportInput,
        meta: &RequestMeta,
    ) -> AppResult<FormReportReceipt> {
        let at = now();
        let f = check_form(input, &self.config.time_zone, at)?;
        let id = Uuid::new_v4();
        let objects = form_report_objects(&FormReport {
            report_id: id,
            kind: f.kind,
            description: &f.description,
            seen_at: f.seen_at,
            seen_label: &f.seen_label,
            sent_at: at,
            sender: f.sender.as_deref(),
            subject: f.subject.as_deref(),
            indicators: &f.indicators,
            marking: &f.marking,
        });
        let text = serde_json::to_string(&objects)
            .map_err(|e| AppError::invalid("description", e.to_string()))?;
        let mut tx = self.store.begin().await?;
        let report = NewReport {
            id,
            channel: ReportChannel::Form,
            kind: Some(f.kind),
        };
        let outcome = self
            .submit_report_in(&mut tx, cap, &report, &text, at, meta)
            .await?;
        // The form writes its own objects: one refused is a fault here, not the person's.
        if let Some(r) = outcome.refused.first() {
            return Err(AppError::Store(cybernav_store::StoreError::Corrupt(
                format!(
                    "the form wrote an object the report check refused: {}: {}",
                    r.id,
                    r.message.as_deref().unwrap_or_default()
                ),
            )));
        }
        tx.commit().await?;
        Ok(FormReportReceipt {
            report_id: id,
            reference: cr::reference(id),
            indicators: objects.iter().filter(|o| o["type"] == "indicator").count(),
        })
    }

    /// Reports within the reader's scope: pending first, then newest first.
    pub async fn list_reports(
        &self,
        cap: &ReportReader<'_>,
        q: &ReportQuery,
    ) -> AppResult<(Vec<ReportSummary>, i64)> {
        let scope_ea = match cap.scope() {
            cybernav_core::authz::ReportScope::All => q.election_authority,
            cybernav_core::authz::ReportScope::Authority(ea) => Some(ea),
        };
        // An authority's person asking for another authority's reports gets none.
        if let (Some(asked), false) = (q.election_authority, cap.is_board_staff())
            && Some(asked) != scope_ea
        {
            return Ok((Vec::new(), 0));
        }
        let filter = ReportFilter {
            status: q.status.map(|s| s.as_str().to_string()),
            election_authority: scope_ea,
            channel: q.channel.map(|c| c.as_str().to_string()),
        };
        let limit = q.limit.unwrap_or(100).clamp(1, PAGE_MAX);
        let offset = q.offset.unwrap_or(0).max(0);
        let mut tx = self.store.read().await?;
        let rows = tx.list_community_reports(&filter, limit, offset).await?;
        let total = tx.count_community_reports(&filter).await?;
        let out = rows
            .iter()
            .map(|l| summary_of(l, cap.is_board_staff()))
            .collect::<AppResult<Vec<_>>>()?;
        Ok((out, total))
    }

    /// The authorities a reader may filter reports by: every one for Board staff (by name),
    /// none for an authority's people (they see their own only).
    pub async fn report_authorities(
        &self,
        cap: &ReportReader<'_>,
    ) -> AppResult<Vec<(Uuid, String)>> {
        if !cap.is_board_staff() {
            return Ok(Vec::new());
        }
        let all = self.all_authorities().await?;
        let mut out: Vec<(Uuid, String)> = all
            .iter()
            .map(|l| (l.authority.id, l.authority.name.clone()))
            .collect();
        out.sort_by(|a, b| a.1.cmp(&b.1));
        Ok(out)
    }

    /// One report, its objects as the reader's markings allow. Not found outside the
    /// reader's scope.
    pub async fn read_report(&self, cap: &ReportReader<'_>, id: Uuid) -> AppResult<ReportDetail> {
        let mut tx = self.store.read().await?;
        let l = tx.community_report(id).await?.ok_or(AppError::NotFound)?;
        if !cap.covers(l.row.election_authority_id) {
            return Err(AppError::NotFound);
        }
        let summary = summary_of(&l, cap.is_board_staff())?;
        let reader = reader_in(&mut tx, cap.actor(), now()).await?;
        let holder = holder_for(cap, l.row.election_authority_id);
        let mut objects = Vec::new();
        let mut withheld = 0;
        for row in tx.community_report_objects(id).await? {
            let m = parse_marking(&row.marking, "community_report_objects")?;
            if self.may_see(&reader, &m, holder).is_allowed() {
                objects.push(object_view(&row, &m));
            } else {
                withheld += 1;
            }
        }
        let sightings = if cap.is_board_staff() {
            tx.sightings_of_report(id)
                .await?
                .into_iter()
                .map(|s: SightingRow| ReportSighting {
                    indicator_id: s.indicator_id,
                    marking: parse_marking(&s.marking, "indicator_sightings")
                        .map(|m| m.label())
                        .unwrap_or(s.marking),
                    first_seen: s.first_seen,
                    count: s.seen_count,
                })
                .collect()
        } else {
            Vec::new()
        };
        Ok(ReportDetail {
            summary,
            objects,
            withheld,
            sightings,
        })
    }

    /// Marks the report decided, or says why it cannot be: not found, or decided already.
    async fn decide(
        &self,
        tx: &mut Tx,
        cap: &ReportValidator<'_>,
        id: Uuid,
        status: ReportStatus,
        note: Option<&str>,
        at: OffsetDateTime,
    ) -> AppResult<ReportListing> {
        let decided = tx
            .decide_community_report(id, status.as_str(), cap.actor().account_id(), at, note)
            .await?;
        let l = tx.community_report(id).await?.ok_or(AppError::NotFound)?;
        if !decided {
            let current = ReportStatus::parse(&l.row.status).unwrap_or(ReportStatus::Pending);
            let mut message = current
                .check_decidable()
                .err()
                .unwrap_or_else(|| "this report changed while you decided; reload it".into());
            if let (Some(by), Some(when)) = (&l.decider_name, l.row.decided_at) {
                message.push_str(&format!(
                    " (by {by} on {})",
                    self.config.time_zone.local_date(when)
                ));
            }
            return Err(AppError::Conflict(message));
        }
        Ok(l)
    }

    /// Tells the sender of the decision: the reference number and the decision, nothing that
    /// was reported (the reason is read on the report's page, behind sign-in).
    async fn tell_sender(
        &self,
        tx: &mut Tx,
        l: &ReportListing,
        status: ReportStatus,
        at: OffsetDateTime,
    ) -> AppResult<bool> {
        if l.submitter_status != "active" {
            return Ok(false);
        }
        let reference = cr::reference(l.row.id);
        let sent = self.config.time_zone.local_date(l.row.received_at);
        let (subject, what) = match status {
            ReportStatus::Validated => (
                format!("Your report {reference} was validated"),
                "The Program Manager validated it: what you reported is now shared with the people its marking allows, and counted as seen by your office. Thank you.",
            ),
            _ => (
                format!("Your report {reference}: the Program Manager's decision"),
                "The Program Manager decided not to take it further. The reason is on the report's page.",
            ),
        };
        let body = format!(
            "Your report {reference}, sent on {sent}, has been reviewed.\n\n{what}\n\n\
             Read it and the Program Manager's note on the Cyber Navigator Program site:\n\
             {}/reports/{}\n",
            self.config.base_url, l.row.id
        );
        tx.enqueue_email(DECISION_MAIL, &l.submitter_email, &subject, &body, at)
            .await?;
        Ok(true)
    }

    /// Validates a pending report: its indicators become reports of the source "Community
    /// reports" (under the marking the report gave each) and sightings by its authority; with
    /// `start_note`, a draft intelligence note is started from it. One transaction with the
    /// audit records and the sender's e-mail. The validator must be able to see every object.
    pub async fn validate_report(
        &self,
        cap: &ReportValidator<'_>,
        id: Uuid,
        start_note: bool,
        note: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<Validation> {
        let note = optional_multiline_text(note, cr::DECISION_NOTE_MAX)
            .map_err(|e| AppError::invalid("note", e))?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let l = self
            .decide(
                &mut tx,
                cap,
                id,
                ReportStatus::Validated,
                note.as_deref(),
                at,
            )
            .await?;
        let rows = tx.community_report_objects(id).await?;
        let reader = reader_in(&mut tx, cap.actor(), at).await?;
        let mut named: BTreeMap<Uuid, Named> = BTreeMap::new();
        let mut markings = Vec::new();
        for row in &rows {
            let m = parse_marking(&row.marking, "community_report_objects")?;
            if !self.may_see(&reader, &m, BOARD).is_allowed() {
                return Err(AppError::Conflict(
                    "this report has objects your markings do not let you see, so you cannot \
                     validate it; ask someone who holds the need-to-know approval"
                        .into(),
                ));
            }
            markings.push(m.clone());
            if row.object_type != "indicator" {
                continue;
            }
            let (found, valid_from, _) = indicator_facts(&row.raw);
            let seen = valid_from.unwrap_or(l.row.received_at);
            for i in found {
                let key = indicator_id(&i);
                named
                    .entry(key)
                    .and_modify(|n| {
                        n.marking = Marking::highest([&n.marking, &m]);
                        n.first = n.first.min(seen);
                        n.last = n.last.max(seen);
                        n.count += 1;
                    })
                    .or_insert(Named {
                        indicator: i,
                        marking: m.clone(),
                        first: seen,
                        last: seen,
                        count: 1,
                    });
            }
        }
        let reference = cr::reference(id);
        let sha = sha256_hex(
            rows.iter()
                .map(|r| r.raw.as_str())
                .collect::<Vec<_>>()
                .join("\n")
                .as_bytes(),
        );
        let mut result = Validation {
            indicators: named.len(),
            ..Validation::default()
        };
        if !named.is_empty() {
            let (run_id, new, recorded) = self
                .record_community_intake(&mut tx, cap, &reference, &sha, &named, meta)
                .await?;
            result.run_id = Some(run_id);
            result.new_indicators = new;
            let stored: Vec<(Uuid, String)> = named
                .iter()
                .map(|(k, n)| (*k, marking_json(&n.marking)))
                .collect();
            let sightings: Vec<NewSighting<'_>> = named
                .iter()
                .zip(&stored)
                .map(|((k, n), (_, m))| NewSighting {
                    indicator_id: *k,
                    report_id: id,
                    election_authority_id: l.row.election_authority_id,
                    marking: m,
                    first_seen: n.first,
                    last_seen: n.last,
                    seen_count: n.count,
                })
                .collect();
            // Recorded at the instant of the intake run, so in the TAXII collection a sighting
            // comes right after the report of its indicator.
            tx.insert_sightings(&sightings, recorded).await?;
        }
        if start_note {
            let writer = cap.actor().write_products().ok_or(AppError::Forbidden)?;
            let input = self.note_from_report(&l, &rows, &named, &markings)?;
            let note_id = self
                .create_product_in(&mut tx, &writer, &input, at, meta)
                .await?;
            tx.set_community_report_note(id, note_id).await?;
            result.note_id = Some(note_id);
        }
        let told = self
            .tell_sender(&mut tx, &l, ReportStatus::Validated, at)
            .await?;
        audit::Entry::new("community_report.validate", "community_report", id)
            .changes(json!({
                "status": {"from": "pending", "to": "validated"},
                "marking": {"from": null, "to": parse_marking(&l.row.marking, "community_reports")?.label()},
                "indicators": {"from": null, "to": result.indicators},
                "new_indicators": {"from": null, "to": result.new_indicators},
                "note_started": {"from": null, "to": result.note_id.map(|n| n.to_string())},
                "decision_note_written": {"from": null, "to": note.is_some()},
                "sender_told": {"from": null, "to": told},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(result)
    }

    /// Rejects a pending report with the reason (shown to its sender on the report's page).
    pub async fn reject_report(
        &self,
        cap: &ReportValidator<'_>,
        id: Uuid,
        reason: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let reason = optional_multiline_text(Some(reason), cr::DECISION_NOTE_MAX)
            .map_err(|e| AppError::invalid("reason", e))?
            .ok_or_else(|| {
                AppError::invalid(
                    "reason",
                    "is required: say why, so the office knows what to send next time",
                )
            })?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let l = self
            .decide(&mut tx, cap, id, ReportStatus::Rejected, Some(&reason), at)
            .await?;
        let told = self
            .tell_sender(&mut tx, &l, ReportStatus::Rejected, at)
            .await?;
        audit::Entry::new("community_report.reject", "community_report", id)
            .changes(json!({
                "status": {"from": "pending", "to": "rejected"},
                "reason_written": {"from": null, "to": true},
                "sender_told": {"from": null, "to": told},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// Records the indicators a validated report names as one intake run of the source
    /// "Community reports", each under the marking the report gave it. Returns the run, how
    /// many indicators were new and when the run was recorded.
    async fn record_community_intake(
        &self,
        tx: &mut Tx,
        cap: &ReportValidator<'_>,
        reference: &str,
        sha256: &str,
        named: &BTreeMap<Uuid, Named>,
        meta: &RequestMeta,
    ) -> AppResult<(Uuid, u64, OffsetDateTime)> {
        let spec = SourceSpec {
            name: COMMUNITY_SOURCE.into(),
            kind: "report".into(),
            default_marking: Marking::tlp(Tlp::AmberStrict),
        };
        let src = source_in(tx, &spec).await?;
        let file = format!("community report {reference}");
        let run = start_run(tx, cap.actor(), &src, &file, "report", sha256.to_string()).await?;
        let from = Provenance {
            source_id: src.id,
            run_id: run.id,
            received_at: run.received_at,
            known_source: true,
        };
        let mut batch = Batch::default();
        for n in named.values() {
            batch.add(
                &n.indicator,
                SourceReport {
                    reference,
                    marking: Arc::from(marking_json(&n.marking)),
                    original_markings: Arc::from("[]"),
                    valid_until: None,
                    confidence: None,
                    revoked: false,
                },
            );
        }
        let mut written = Written::default();
        write_batch(tx, &batch, from, &mut written).await?;
        let summary = IntakeSummary {
            run_id: run.id,
            imported: written.imported,
            duplicates: written.indicators_seen - written.imported,
            ..IntakeSummary::default()
        };
        let (run_id, recorded) = (run.id, run.received_at);
        finish_run(tx, cap.actor(), meta, &src, run, &summary, &file).await?;
        Ok((run_id, summary.imported, recorded))
    }

    /// A draft intelligence note prefilled from a report: its text (each paragraph under the
    /// report's marking), the indicators it names, a source line that links back to the
    /// report and links to its STIX objects. The author edits it before review.
    fn note_from_report(
        &self,
        l: &ReportListing,
        rows: &[TaxiiObjectRow],
        named: &BTreeMap<Uuid, Named>,
        markings: &[Marking],
    ) -> AppResult<ProductInput> {
        let base = Marking::highest(markings.iter());
        product::check_base(&base).map_err(|_| {
            AppError::Conflict(
                "this report is TLP:RED (for named people only), so no note can start from it; \
                 validate it without a note and write to those people directly"
                    .into(),
            )
        })?;
        let reference = cr::reference(l.row.id);
        let kind = l
            .row
            .kind
            .as_deref()
            .and_then(|k| ObservationKind::parse(k).ok());
        let what = kind.map_or("Report from an election authority", ObservationKind::label);
        // A paragraph of the report's text that starts like a portion mark must not lower or
        // break its marking: it carries the base mark explicitly.
        let base_mark = format!("({}) ", base.label());
        let explicit = parse_portion_mark(&base_mark)
            .ok()
            .flatten()
            .is_some_and(|(m, _)| m.marking(&base) == base);
        let mut paragraphs: Vec<String> = Vec::new();
        for row in rows {
            let v: Value = serde_json::from_str(&row.raw).unwrap_or(Value::Null);
            if !matches!(
                row.object_type.as_str(),
                "report" | "note" | "incident" | "opinion" | "observed-data"
            ) {
                continue;
            }
            for key in ["description", "content", "explanation"] {
                if let Some(t) = str_of(&v, key) {
                    for p in t.replace("\r\n", "\n").split("\n\n") {
                        let p = p.trim();
                        if p.is_empty() {
                            continue;
                        }
                        paragraphs.push(if p.starts_with('(') {
                            if explicit {
                                format!("{base_mark}{p}")
                            } else {
                                format!("Reported: {p}")
                            }
                        } else {
                            p.to_string()
                        });
                    }
                }
            }
        }
        if paragraphs.is_empty() {
            paragraphs.push(format!(
                "{what}: the report came with no text of its own; see its objects."
            ));
        }
        if !named.is_empty() {
            let list: Vec<String> = named
                .values()
                .map(|n| format!("{}: {}", n.indicator.kind().label(), n.indicator.value()))
                .collect();
            paragraphs.push(format!(
                "Indicators named in the report:\n{}",
                list.join("\n")
            ));
        }
        let mut body = paragraphs.join("\n\n");
        if body.chars().count() > product::BODY_MAX {
            body = body.chars().take(product::BODY_MAX).collect();
        }
        let first = paragraphs.first().cloned().unwrap_or_default();
        let mut summary: String = format!("{what}, reported by an election authority. {first}")
            .chars()
            .take(product::SUMMARY_MAX - 1)
            .collect();
        if summary.chars().count() == product::SUMMARY_MAX - 1 {
            summary.push('…');
        }
        let mut links: Vec<LinkInput> = Vec::new();
        let report_stix = rows
            .iter()
            .find(|r| r.object_type == "report")
            .map(|r| r.stix_id.clone())
            .unwrap_or_else(|| report_object_id(l.row.id));
        links.push(LinkInput {
            kind: "stix".into(),
            reference: report_stix,
        });
        for id in named.keys() {
            links.push(LinkInput {
                kind: "indicator".into(),
                reference: id.to_string(),
            });
        }
        links.truncate(super::products::LINKS_MAX);
        Ok(ProductInput {
            kind: "note".into(),
            title: format!("Community report {reference}: {what}"),
            summary,
            base_marking: base.label(),
            body,
            tags: kind
                .and_then(ObservationKind::tag)
                .unwrap_or_default()
                .into(),
            sources: format!(
                "Community report {reference}: {}/reports/{}",
                self.config.base_url, l.row.id
            ),
            links,
            supersedes: None,
            recipients: Vec::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::taxii::check_report_objects;
    use super::*;
    use cybernav_core::deadline::BoardTimeZone;
    use time::macros::datetime;

    fn zone() -> BoardTimeZone {
        BoardTimeZone::parse("America/Chicago").unwrap()
    }

    fn input() -> FormReportInput {
        FormReportInput {
            kind: "phishing".into(),
            seen_on: "2026-02-10".into(),
            seen_time: "14:30".into(),
            description: "An e-mail asked for payroll details.".into(),
            indicators: "hxxp://evil[.]example/login\n198.51.100.7\n".into(),
            sender: "Payroll <payroll[at]evil[.]example>".into(),
            subject: "Urgent".into(),
            tlp: String::new(),
            fouo: true,
        }
    }

    #[test]
    fn a_good_form_is_read_with_its_defanged_indicators_and_the_sender() {
        let f = check_form(&input(), &zone(), datetime!(2026-02-11 12:00 UTC)).unwrap();
        assert_eq!(f.kind, ObservationKind::Phishing);
        assert_eq!(f.seen_at, datetime!(2026-02-10 20:30 UTC));
        let values: Vec<&str> = f.indicators.iter().map(Indicator::value).collect();
        assert_eq!(
            values,
            [
                "http://evil.example/login",
                "198.51.100.7",
                "payroll@evil.example"
            ]
        );
        assert_eq!(f.marking.label(), "TLP:AMBER FOUO");
        assert_eq!(f.sender.as_deref(), Some("payroll@evil.example"));
    }

    #[test]
    fn every_problem_is_named_by_its_field_and_lines_by_their_number() {
        let bad = FormReportInput {
            kind: "virus".into(),
            seen_on: "2026-03-01".into(),
            description: "  ".into(),
            indicators: "evil[.]example\nnot an indicator at all\ninvoice.pdf\n".into(),
            sender: "someone".into(),
            tlp: "RED".into(),
            ..FormReportInput::default()
        };
        let e = check_form(&bad, &zone(), datetime!(2026-02-11 12:00 UTC)).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "kind",
                "seen_on",
                "description",
                "indicators",
                "sender",
                "tlp"
            ]
        );
        let lines = &e.0[3].message;
        assert!(
            lines.starts_with("2 line(s) were not understood"),
            "{lines}"
        );
        assert!(lines.contains("line 2 'not'") && lines.contains("line 3 'invoice.pdf'"));
        let empty = check_form(
            &FormReportInput::default(),
            &zone(),
            datetime!(2026-02-11 12:00 UTC),
        )
        .unwrap_err();
        let fields: Vec<&str> = empty.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["kind", "seen_on", "description"]);
    }

    #[test]
    fn a_time_later_than_now_and_oversize_text_are_refused() {
        let mut i = input();
        i.seen_on = "2026-02-11".into();
        i.seen_time = "23:00".into();
        let e = check_form(&i, &zone(), datetime!(2026-02-11 12:00 UTC)).unwrap_err();
        assert_eq!(e.0[0].field, "seen_time");
        let mut i = input();
        i.description = "x".repeat(cr::DESCRIPTION_MAX + 1);
        i.indicators = "a".repeat(cr::INDICATORS_TEXT_MAX + 1);
        let e = check_form(&i, &zone(), datetime!(2026-02-11 12:00 UTC)).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|x| x.field.as_str()).collect();
        assert_eq!(fields, ["description", "indicators"]);
    }

    #[test]
    fn the_form_objects_pass_the_report_check() {
        let f = check_form(&input(), &zone(), datetime!(2026-02-11 12:00 UTC)).unwrap();
        let objects = form_report_objects(&FormReport {
            report_id: Uuid::new_v4(),
            kind: f.kind,
            description: &f.description,
            seen_at: f.seen_at,
            seen_label: &f.seen_label,
            sent_at: datetime!(2026-02-11 12:00 UTC),
            sender: f.sender.as_deref(),
            subject: f.subject.as_deref(),
            indicators: &f.indicators,
            marking: &f.marking,
        });
        let checked = check_report_objects(&serde_json::to_string(&objects).unwrap()).unwrap();
        assert_eq!(checked.len(), 6);
        for o in &checked {
            // The FOUO definition says what FOUO means and is shared freely.
            let expected = if o.object_type == "marking-definition" {
                "TLP:CLEAR"
            } else {
                "TLP:AMBER FOUO"
            };
            assert_eq!(o.verdict.as_ref().map(Marking::label), Ok(expected.into()));
        }
    }
}
