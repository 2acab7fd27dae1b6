//! The statewide view of a cycle (Part 213.50): every authority's standing, counted by status
//! and by zone, with the deadline countdown; the report card the Board publishes on purpose
//! once the counties have seen their own status; and the e-mail reminders to authorities with
//! open items before the deadline.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use cybernav_core::attestation::{AttestationKind, attested_requirements, facts_digest};
use cybernav_core::authz::{GrantManager, RegistryReader};
use cybernav_core::eligibility::{Eligibility, Status, evaluate, long_date};
use cybernav_core::requirements::RequirementSet;
use cybernav_store::attestation::AttestationRow;
use cybernav_store::checklist::ReportCardRow;
use cybernav_store::participation::{CertificationRow, CheckedRow, FactRow};
use cybernav_store::users::UserQuery;
use cybernav_store::{Tx, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::participation::{GrantCycle, cycle_set, facts_of};
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// Where an authority stands in a cycle, as the statewide view counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Every requirement met.
    Eligible,
    /// Items open, none past due.
    InProgress,
    /// At least one item past its due date.
    Overdue,
}

impl Standing {
    /// Every standing, in the order the dashboard shows them.
    pub const ALL: [Standing; 3] = [Standing::Eligible, Standing::InProgress, Standing::Overdue];

    /// Of an authority's eligibility.
    pub fn of(e: &Eligibility) -> Standing {
        if e.eligible {
            Standing::Eligible
        } else if e.requirements.iter().any(|r| r.status == Status::Overdue) {
            Standing::Overdue
        } else {
            Standing::InProgress
        }
    }

    /// The identifier APIs use.
    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Eligible => "eligible",
            Standing::InProgress => "in_progress",
            Standing::Overdue => "overdue",
        }
    }

    /// In words.
    pub fn label(self) -> &'static str {
        match self {
            Standing::Eligible => "Eligible",
            Standing::InProgress => "Working on it",
            Standing::Overdue => "Overdue",
        }
    }
}

/// One authority's row of the statewide view.
#[derive(Debug, Clone, Serialize)]
pub struct StatewideRow {
    /// The authority.
    pub id: Uuid,
    /// Its name.
    pub name: String,
    /// Its zone.
    pub zone: Option<String>,
    /// Its navigators' names.
    pub navigators: Vec<String>,
    /// When its certification arrived and whether on time.
    pub certification: Option<CertificationRow>,
    /// Where it stands.
    pub standing: Standing,
    /// Requirements not met.
    pub unmet: usize,
    /// Requirement by requirement.
    pub eligibility: Eligibility,
    /// The Program Manager's latest written verification of 213.50(a) to the Board for this
    /// cycle (213.50(b)(1)), if one was signed.
    pub program_manager_verification: Option<VerificationMark>,
}

/// Whether a written verification exists and still describes what is recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerificationMark {
    /// The attestation's id.
    pub id: Uuid,
    /// When it was signed.
    #[serde(with = "time::serde::rfc3339")]
    pub signed_at: OffsetDateTime,
    /// The facts changed since signing: a new verification is needed.
    pub stale: bool,
}

/// Counts of authorities by standing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Every requirement met.
    pub eligible: usize,
    /// Items open, none past due.
    pub in_progress: usize,
    /// Something past due.
    pub overdue: usize,
    /// Certifications received (on time or not).
    pub certified: usize,
    /// Authorities counted.
    pub total: usize,
}

impl Counts {
    fn add(&mut self, standing: Standing, certified: bool) {
        match standing {
            Standing::Eligible => self.eligible += 1,
            Standing::InProgress => self.in_progress += 1,
            Standing::Overdue => self.overdue += 1,
        }
        self.certified += usize::from(certified);
        self.total += 1;
    }

    /// The share eligible, as a whole percentage.
    pub fn eligible_percent(&self) -> usize {
        self.percent(self.eligible)
    }

    /// `part` as a whole percentage of the total (0 when there are none).
    pub fn percent(&self, part: usize) -> usize {
        (part * 100).checked_div(self.total).unwrap_or(0)
    }
}

/// A zone's counts.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ZoneCounts {
    /// The zone ("No zone" for authorities without one).
    pub zone: String,
    /// Its counts.
    pub counts: Counts,
}

/// The statewide standing of a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct Statewide {
    /// The cycle.
    pub cycle: GrantCycle,
    /// Its requirement set.
    pub set: RequirementSet,
    /// The Board's date today.
    pub today: Date,
    /// Days to the certification deadline (negative after).
    pub days_left: i64,
    /// One row per authority in the reader's scope, by name.
    pub rows: Vec<StatewideRow>,
    /// Counts over the rows.
    pub counts: Counts,
    /// Counts per zone, by zone name.
    pub zones: Vec<ZoneCounts>,
    /// Requirements by how many authorities have not met them, most first.
    pub unmet_by_requirement: Vec<(String, String, usize)>,
}

/// What the Board published: the figures, not the reasons (those stay between the county and
/// the program).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportCard {
    /// The cycle's name.
    pub cycle_name: String,
    /// The deadline.
    pub deadline: Date,
    /// When it was published.
    #[serde(with = "time::serde::rfc3339")]
    pub published_at: OffsetDateTime,
    /// Counts statewide.
    pub counts: Counts,
    /// Counts per zone.
    pub zones: Vec<ZoneCounts>,
    /// Each authority's standing.
    pub authorities: Vec<ReportCardEntry>,
}

/// One authority on the published report card.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportCardEntry {
    /// Its name.
    pub name: String,
    /// Its zone.
    pub zone: Option<String>,
    /// Its standing.
    pub standing: Standing,
    /// Requirements met, of how many.
    pub met: usize,
    /// Requirements in the set.
    pub of: usize,
}

/// What a cycle's statewide view is computed from.
#[derive(Debug)]
pub struct CycleInputs {
    cycle: GrantCycle,
    set: RequirementSet,
    facts: Vec<FactRow>,
    certs: Vec<CertificationRow>,
    checked: Vec<CheckedRow>,
    verifications: Vec<AttestationRow>,
}

/// What a reminder run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReminderRun {
    /// Authorities reminded.
    pub authorities: usize,
    /// Messages queued.
    pub messages: usize,
}

impl App {
    /// The rows a cycle's statewide view is computed from: read in one transaction (four
    /// queries), then served from memory while the store has not changed (see [`crate::cache`]),
    /// so the dashboard's several cycles and a busy statewide page cost no queries.
    async fn cycle_inputs(&self, cycle: Uuid) -> AppResult<Arc<CycleInputs>> {
        let epoch = self.store.write_epoch();
        if let Some(hit) = self.cycle_inputs.get(&cycle, epoch) {
            return Ok(hit);
        }
        let mut tx = self.store.read().await?;
        let c = GrantCycle {
            row: tx.get_grant_cycle(cycle).await?,
        };
        let set = cycle_set(&mut tx, &c.row).await?;
        let inputs = Arc::new(CycleInputs {
            facts: tx.list_facts(None).await?,
            certs: tx.list_certifications(cycle).await?,
            checked: tx.list_checked_all(&set.id).await?,
            // One query for the whole cycle, not one per authority.
            verifications: tx
                .list_cycle_attestations(cycle, AttestationKind::ProgramManagerA.as_str())
                .await?,
            cycle: c,
            set,
        });
        self.cycle_inputs.put(cycle, epoch, inputs.clone());
        Ok(inputs)
    }

    /// Every authority's standing in a cycle, within what `reader` may see (the Board, the
    /// Program Manager and auditors: all; navigators: their own).
    pub async fn statewide(
        &self,
        reader: &RegistryReader<'_>,
        cycle: Uuid,
    ) -> AppResult<Statewide> {
        let scope = reader.actor().ea_scope();
        let all = self.all_authorities().await?;
        let inputs = self.cycle_inputs(cycle).await?;
        let CycleInputs {
            cycle: c,
            set,
            facts,
            certs,
            checked,
            verifications,
        } = &*inputs;
        let deadline = c.deadline()?;
        let now = now();
        let today = deadline.today(now);
        let mut facts_by: HashMap<Uuid, Vec<_>> = HashMap::new();
        for f in facts {
            facts_by.entry(f.election_authority_id).or_default().push(f);
        }
        let mut checked_by: HashMap<Uuid, Vec<_>> = HashMap::new();
        for r in checked {
            checked_by
                .entry(r.election_authority_id)
                .or_default()
                .push(r);
        }
        let certs_by: HashMap<Uuid, &CertificationRow> =
            certs.iter().map(|c| (c.election_authority_id, c)).collect();
        // Latest first within each authority: the first row seen is the one that counts.
        let mut verification_by: HashMap<Uuid, &AttestationRow> = HashMap::new();
        for v in verifications {
            verification_by.entry(v.election_authority_id).or_insert(v);
        }
        let mut rows = Vec::with_capacity(all.len());
        let mut counts = Counts::default();
        let mut zones: BTreeMap<String, Counts> = BTreeMap::new();
        let mut unmet: Vec<usize> = vec![0; set.requirements.len()];
        for ea in all.iter().filter(|l| scope.contains(l.authority.id)) {
            let id = ea.authority.id;
            let cert = certs_by.get(&id).copied();
            let f = facts_of(
                facts_by.get(&id).into_iter().flatten().copied(),
                cert,
                checked_by.get(&id).into_iter().flatten().copied(),
            );
            let eligibility = evaluate(set, &f, deadline.date, today);
            for (i, r) in eligibility.requirements.iter().enumerate() {
                if r.status != Status::Met {
                    unmet[i] += 1;
                }
            }
            let program_manager_verification = verification_by.get(&id).map(|v| {
                let now_digest = facts_digest(&attested_requirements(
                    AttestationKind::ProgramManagerA,
                    set,
                    &f,
                    &eligibility,
                ));
                VerificationMark {
                    id: v.id,
                    signed_at: v.signed_at,
                    stale: now_digest != v.facts_digest,
                }
            });
            let standing = Standing::of(&eligibility);
            counts.add(standing, cert.is_some());
            zones
                .entry(ea.zone.clone().unwrap_or_else(|| "No zone".into()))
                .or_default()
                .add(standing, cert.is_some());
            rows.push(StatewideRow {
                id,
                name: ea.authority.name.clone(),
                zone: ea.zone.clone(),
                navigators: ea.navigator_names(),
                certification: cert.cloned(),
                standing,
                unmet: eligibility.unmet(),
                eligibility,
                program_manager_verification,
            });
        }
        let mut unmet_by_requirement: Vec<(String, String, usize)> = set
            .requirements
            .iter()
            .zip(unmet)
            .filter(|(_, n)| *n > 0)
            .map(|(r, n)| (r.id.clone(), r.title.clone(), n))
            .collect();
        unmet_by_requirement.sort_by_key(|r| std::cmp::Reverse(r.2));
        Ok(Statewide {
            days_left: deadline.days_left(now),
            today,
            cycle: c.clone(),
            set: set.clone(),
            rows,
            counts,
            zones: zones
                .into_iter()
                .map(|(zone, counts)| ZoneCounts { zone, counts })
                .collect(),
            unmet_by_requirement,
        })
    }

    /// Publishes the statewide report card of a cycle as it stands now. Counties have seen
    /// their own status all along; this is the deliberate step that shows everyone the
    /// statewide figures, recorded in the audit log.
    pub async fn publish_report_card(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<ReportCard> {
        let reader = cap.actor().read_registry().ok_or(AppError::Forbidden)?;
        let s = self.statewide(&reader, cycle).await?;
        let at = cybernav_core::audit::to_storage_precision(now());
        let card = ReportCard {
            cycle_name: s.cycle.row.name.clone(),
            deadline: s.cycle.row.deadline,
            published_at: at,
            counts: s.counts.clone(),
            zones: s.zones.clone(),
            authorities: s
                .rows
                .iter()
                .map(|r| ReportCardEntry {
                    name: r.name.clone(),
                    zone: r.zone.clone(),
                    standing: r.standing,
                    met: s.set.requirements.len() - r.unmet,
                    of: s.set.requirements.len(),
                })
                .collect(),
        };
        let row = ReportCardRow {
            id: Uuid::new_v4(),
            cycle_id: cycle,
            published_at: at,
            published_by: cap.actor().account_id(),
            snapshot: serde_json::to_string(&card).map_err(|e| {
                AppError::Store(cybernav_store::StoreError::Corrupt(format!(
                    "report card could not be encoded: {e}"
                )))
            })?,
        };
        let mut tx = self.store.begin().await?;
        tx.get_grant_cycle(cycle).await?;
        tx.insert_report_card(&row).await?;
        audit::Entry::new("report_card.publish", "grant_cycle", cycle)
            .changes(json!({
                "report_card": {"from": null, "to": row.id.to_string()},
                "eligible": {"from": null, "to": card.counts.eligible},
                "in_progress": {"from": null, "to": card.counts.in_progress},
                "overdue": {"from": null, "to": card.counts.overdue},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(card)
    }

    /// The report card the Board last published for a cycle, for anyone signed in; `None`
    /// before the first publication.
    pub async fn report_card(&self, cycle: Uuid) -> AppResult<Option<ReportCard>> {
        let mut tx = self.store.read().await?;
        tx.get_grant_cycle(cycle).await?;
        let Some(row) = tx.latest_report_card(cycle).await? else {
            return Ok(None);
        };
        serde_json::from_str(&row.snapshot).map(Some).map_err(|e| {
            AppError::Store(cybernav_store::StoreError::Corrupt(format!(
                "report_cards {}: field snapshot: {e}",
                row.id
            )))
        })
    }

    /// Queues the reminders due at `at`: for each cycle whose deadline is ahead, each
    /// configured number of days before it that has been reached, and each authority with
    /// open items, one e-mail to each of its active election officials and IT people. A
    /// reminder is noted in the same transaction as its messages, so each goes once however
    /// often this runs and on however many replicas.
    pub async fn send_reminders(&self, at: OffsetDateTime) -> AppResult<ReminderRun> {
        let mut run = ReminderRun::default();
        if self.config.reminder_days.is_empty() {
            return Ok(run);
        }
        let system = cybernav_core::authz::Actor {
            user_id: Uuid::nil(),
            email: "system (reminders)".into(),
            role: cybernav_core::role::Role::Auditor,
            election_authority_id: None,
            assigned_authorities: Vec::new(),
            partner_org_id: None,
        };
        let Some(reader) = system.read_registry() else {
            return Ok(run);
        };
        for cycle in self.grant_cycles().await? {
            let deadline = cycle.deadline()?;
            let days_left = deadline.days_left(at);
            if days_left < 0 {
                continue;
            }
            // The nearest threshold reached: with 30,14,7,1 and 10 days left, the 14-day one.
            let Some(&threshold) = self
                .config
                .reminder_days
                .iter()
                .filter(|d| i64::from(**d) >= days_left)
                .min()
            else {
                continue;
            };
            let s = self.statewide(&reader, cycle.row.id).await?;
            for row in s.rows.iter().filter(|r| r.standing != Standing::Eligible) {
                let mut tx = self.store.begin().await?;
                if !tx
                    .note_reminder(cycle.row.id, row.id, threshold, at)
                    .await?
                {
                    continue;
                }
                let sent = self.queue_reminder(&mut tx, &s, row, at).await?;
                audit::Entry::new("participation.remind", "election_authority", row.id)
                    .changes(json!({
                        "cycle": {"from": null, "to": cycle.row.id.to_string()},
                        "days_before": {"from": null, "to": threshold},
                        "messages": {"from": null, "to": sent},
                    }))
                    .commit(tx, &system, &RequestMeta::default(), at)
                    .await?;
                run.authorities += 1;
                run.messages += sent;
            }
        }
        Ok(run)
    }

    async fn queue_reminder(
        &self,
        tx: &mut Tx,
        s: &Statewide,
        row: &StatewideRow,
        at: OffsetDateTime,
    ) -> AppResult<usize> {
        let people = tx
            .list_users(&UserQuery {
                role: None,
                election_authority_id: Some(row.id),
            })
            .await?;
        let subject = format!(
            "{}: {} item(s) open for {} (deadline {})",
            s.cycle.row.name,
            row.unmet,
            row.name,
            long_date(s.cycle.row.deadline)
        );
        let mut body = format!(
            "{} has {} requirement(s) of {} still open. The Certification of Participation deadline is {} ({} time), {} day(s) from today.\n\nWhat is open:\n",
            row.name,
            row.unmet,
            s.cycle.row.name,
            long_date(s.cycle.row.deadline),
            s.cycle.row.time_zone,
            s.days_left
        );
        for (r, st) in s.set.requirements.iter().zip(&row.eligibility.requirements) {
            if st.status != Status::Met {
                body.push_str(&format!(
                    "- {} ({}), owner: {}\n",
                    r.title,
                    r.clause,
                    r.owner.label()
                ));
            }
        }
        body.push_str(&format!(
            "\nSee your checklist, add evidence or answer your navigator: {}/election-authorities/{}/participation?cycle={}\n",
            self.config.base_url, row.id, s.cycle.row.id
        ));
        let mut sent = 0;
        for p in people.iter().filter(|p| p.status == "active") {
            tx.enqueue_email("participation_reminder", &p.email, &subject, &body, at)
                .await?;
            sent += 1;
        }
        Ok(sent)
    }
}

/// Queues due reminders every `every` until `shutdown` changes; each round is safe to run on
/// every replica at once (see [`App::send_reminders`]).
pub async fn run_reminders(
    app: App,
    every: std::time::Duration,
    shutdown: tokio::sync::watch::Receiver<bool>,
) {
    let mut shutdown = shutdown;
    loop {
        match app.send_reminders(now()).await {
            Ok(run) if run.messages > 0 => tracing::info!(
                reminders.authorities = run.authorities,
                reminders.messages = run.messages,
                "participation reminders queued"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "participation reminders failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(every) => {}
            _ = shutdown.changed() => return,
        }
    }
}
