//! Participation in the program (Part 213.50): grant cycles with their requirement set and
//! deadline, certifications of participation, the facts recorded for each authority, and the
//! eligibility that follows from them.

use std::collections::BTreeMap;

use cybernav_core::FieldErrors;
use cybernav_core::authz::{Certifier, FactRecorder, GrantManager, RegistryReader};
use cybernav_core::deadline::{BoardTimeZone, Deadline};
use cybernav_core::eligibility::{Eligibility, FactValue, Facts, evaluate, long_date};
use cybernav_core::requirements::{FactKey, RequirementSet};
use cybernav_core::validation::clean_text;
use cybernav_formats::requirement_set::{
    ILLINOIS_PART_213, illinois_part_213, parse_requirement_set,
};
use cybernav_store::participation::{
    CertificationRow, CheckedRow, FactRow, GrantCycleRow, StoredSet,
};
use cybernav_store::{StoreError, Tx, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

/// What a Board administrator or the Program Manager fills in to open a grant cycle.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GrantCycleInput {
    /// Name, e.g. "2018 HAVA Election Security".
    pub name: String,
    /// The grant program, e.g. "HAVA Election Security Grant (EAC)".
    pub grant_program: String,
    /// Funds in dollars and cents, e.g. "13,903,208.00".
    pub funds: String,
    /// Requirement set id; empty for the shipped Illinois set.
    pub set_id: String,
    /// Requirement set version; empty for the only or shipped one.
    pub set_version: String,
    /// The certification deadline, `YYYY-MM-DD` (the last day that counts).
    pub deadline: String,
    /// The Board's time zone, e.g. `America/Chicago`.
    pub time_zone: String,
}

/// A grant cycle with its parsed deadline.
#[derive(Debug, Clone, Serialize)]
pub struct GrantCycle {
    /// As stored.
    #[serde(flatten)]
    pub row: GrantCycleRow,
}

impl GrantCycle {
    /// The certification deadline on the Board's clock.
    pub fn deadline(&self) -> AppResult<Deadline> {
        let time_zone = BoardTimeZone::parse(&self.row.time_zone).map_err(|e| {
            AppError::Store(StoreError::Corrupt(format!(
                "grant_cycles {}: field time_zone: {e}",
                self.row.id
            )))
        })?;
        Ok(Deadline {
            date: self.row.deadline,
            time_zone,
        })
    }
}

/// An authority's standing in a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct Participation {
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its name.
    pub election_authority_name: String,
    /// The cycle.
    pub cycle: GrantCycle,
    /// The requirement set the cycle uses.
    pub set: RequirementSet,
    /// The certification, if one was received.
    pub certification: Option<CertificationRow>,
    /// Requirement by requirement, with reasons.
    pub eligibility: Eligibility,
    /// Days left to the certification deadline on the Board's clock (negative after it).
    pub days_left: i64,
}

impl Participation {
    /// The authority's id.
    pub fn election_authority_id(&self) -> Uuid {
        self.election_authority_id
    }

    /// The authority's name.
    pub fn authority_name(&self) -> &str {
        &self.election_authority_name
    }
}

/// A fact to record for an authority.
#[derive(Debug, Clone, Deserialize)]
pub struct FactInput {
    /// Whether it holds.
    pub holds: bool,
    /// Since when (`YYYY-MM-DD`), where it matters: training and assessment dates.
    pub on: Option<Date>,
    /// A note: the ISAC's name, the waiver's reason, the agreement's reference.
    pub note: Option<String>,
}

/// Parses "13,903,208.00" or "$1,000" into cents.
pub fn parse_dollars(s: &str) -> Result<i64, String> {
    let t: String = s
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',' && *c != ' ')
        .collect();
    let (whole, cents) = match t.split_once('.') {
        Some((w, c)) if c.len() <= 2 && !c.is_empty() => (w, format!("{c:0<2}")),
        Some(_) => return Err("write the amount in dollars and cents, such as 1,250.00".into()),
        None => (t.as_str(), "00".to_string()),
    };
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) {
        return Err("write the amount in dollars and cents, such as 1,250.00".into());
    }
    let whole: i64 = whole
        .parse()
        .map_err(|_| "the amount is too large".to_string())?;
    let cents: i64 = cents
        .parse()
        .map_err(|_| "write the amount in dollars and cents, such as 1,250.00".to_string())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .ok_or_else(|| "the amount is too large".into())
}

/// The stored set a cycle refers to, storing the shipped Illinois set on first use.
async fn stored_set(tx: &mut Tx, id: &str, version: &str) -> AppResult<Option<StoredSet>> {
    if let Some(s) = tx.get_requirement_set(id, version).await? {
        return Ok(Some(s));
    }
    let shipped = illinois_part_213();
    if shipped.id == id && shipped.version == version {
        let s = StoredSet {
            id: shipped.id,
            version: shipped.version,
            title: shipped.title,
            source: ILLINOIS_PART_213.to_string(),
        };
        tx.insert_requirement_set(&s, now()).await?;
        return Ok(Some(s));
    }
    Ok(None)
}

fn parse_stored(s: &StoredSet) -> AppResult<RequirementSet> {
    parse_requirement_set(&s.source).map_err(|e| {
        AppError::Store(StoreError::Corrupt(format!(
            "requirement_sets {} {}: {e}",
            s.id, s.version
        )))
    })
}

impl App {
    /// Opens a grant cycle. Everything is checked before anything is stored: the name is new,
    /// the funds are an amount, the requirement set exists, the deadline is a date and the time
    /// zone is one the Board could be in.
    pub async fn create_grant_cycle(
        &self,
        cap: &GrantManager<'_>,
        input: &GrantCycleInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let mut errors = FieldErrors::new();
        let name = clean_text(&input.name, 120)
            .map_err(|e| errors.add("name", e))
            .ok();
        let program = clean_text(&input.grant_program, 200)
            .map_err(|e| errors.add("grant_program", e))
            .ok();
        let funds = parse_dollars(&input.funds)
            .map_err(|e| errors.add("funds", e))
            .ok();
        let deadline = Date::parse(
            input.deadline.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| {
            errors.add(
                "deadline",
                "write the date as YYYY-MM-DD, such as 2027-03-15",
            )
        })
        .ok();
        let zone = BoardTimeZone::parse(&input.time_zone)
            .map_err(|e| errors.add("time_zone", e))
            .ok();
        let shipped = illinois_part_213();
        let set_id = match input.set_id.trim() {
            "" => shipped.id.clone(),
            s => s.to_string(),
        };
        let set_version = match input.set_version.trim() {
            "" if set_id == shipped.id => shipped.version.clone(),
            s => s.to_string(),
        };
        let mut tx = self.store.begin().await?;
        if stored_set(&mut tx, &set_id, &set_version).await?.is_none() {
            errors.add(
                "set_id",
                format!(
                    "there is no requirement set {set_id} version {set_version}; load it first"
                ),
            );
        }
        let (Some(name), Some(program), Some(funds), Some(deadline), Some(zone)) =
            (name, program, funds, deadline, zone)
        else {
            return Err(AppError::Invalid(errors));
        };
        if !errors.0.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        let row = GrantCycleRow {
            id: Uuid::new_v4(),
            name,
            grant_program: program,
            funds_cents: funds,
            set_id,
            set_version,
            deadline,
            time_zone: zone.as_str().to_string(),
        };
        tx.insert_grant_cycle(&row, now())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::invalid(
                    "name",
                    "a grant cycle with this name exists; choose another name",
                ),
                other => other.into(),
            })?;
        audit::Entry::new("grant_cycle.create", "grant_cycle", row.id)
            .changes(json!({
                "name": {"from": null, "to": row.name},
                "grant_program": {"from": null, "to": row.grant_program},
                "funds_cents": {"from": null, "to": row.funds_cents},
                "requirement_set": {"from": null, "to": format!("{} {}", row.set_id, row.set_version)},
                "deadline": {"from": null, "to": row.deadline.to_string()},
                "time_zone": {"from": null, "to": row.time_zone},
            }))
            .commit(tx, cap.actor(), meta, now())
            .await?;
        Ok(row.id)
    }

    /// Loads a state's own requirement set (TOML, the format of `docs/REQUIREMENT-SETS.md`).
    /// A set that does not parse, or names unknown facts or owners, is refused with every
    /// problem by line (`file` names the file in messages); a set whose id and version are
    /// stored already is refused, since cycles refer to it: give the new text a new version.
    pub async fn load_requirement_set(
        &self,
        cap: &GrantManager<'_>,
        file: &str,
        source: &str,
        meta: &RequestMeta,
    ) -> AppResult<RequirementSet> {
        let set = parse_requirement_set(source).map_err(|errors| {
            let mut fields = FieldErrors::new();
            for e in errors.0 {
                let place = if e.line == 0 {
                    file.to_string()
                } else {
                    format!("{file}, line {}", e.line)
                };
                fields.add("source", format!("{place}: {}", e.message));
            }
            AppError::Invalid(fields)
        })?;
        let mut tx = self.store.begin().await?;
        if stored_set(&mut tx, &set.id, &set.version).await?.is_some() {
            return Err(AppError::invalid(
                "source",
                format!(
                    "{file}: requirement set {} version {} is loaded already; grant cycles may use it, so it cannot change. Give the changed set a new version",
                    set.id, set.version
                ),
            ));
        }
        let at = now();
        tx.insert_requirement_set(
            &StoredSet {
                id: set.id.clone(),
                version: set.version.clone(),
                title: set.title.clone(),
                source: source.to_string(),
            },
            at,
        )
        .await?;
        audit::Entry::new(
            "requirement_set.load",
            "requirement_set",
            format!("{} {}", set.id, set.version),
        )
        .changes(json!({
            "title": {"from": null, "to": set.title},
            "requirements": {"from": null, "to": set.requirements.len()},
        }))
        .commit(tx, cap.actor(), meta, at)
        .await?;
        Ok(set)
    }

    /// The requirement sets stored (the shipped Illinois set once a cycle used it).
    pub async fn requirement_sets(&self) -> AppResult<Vec<RequirementSet>> {
        let mut tx = self.store.read().await?;
        tx.list_requirement_sets()
            .await?
            .iter()
            .map(parse_stored)
            .collect()
    }

    /// Every grant cycle, latest deadline first (anyone signed in may see them).
    pub async fn grant_cycles(&self) -> AppResult<Vec<GrantCycle>> {
        let mut tx = self.store.read().await?;
        Ok(tx
            .list_grant_cycles()
            .await?
            .into_iter()
            .map(|row| GrantCycle { row })
            .collect())
    }

    /// The Certification of Participation, submitted online by the authority's official now.
    /// After the deadline (on the Board's clock) it is refused: a late certification is a
    /// matter for the Program Manager, who records a paper one with the time it arrived.
    pub async fn submit_certification(
        &self,
        cap: &Certifier<'_>,
        cycle: Uuid,
        signer_name: &str,
        meta: &RequestMeta,
    ) -> AppResult<CertificationRow> {
        let signer =
            clean_text(signer_name, 200).map_err(|e| AppError::invalid("signer_name", e))?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let c = GrantCycle {
            row: tx.get_grant_cycle(cycle).await?,
        };
        let deadline = c.deadline()?;
        if !deadline.is_met_by(at) {
            return Err(AppError::invalid(
                "cycle",
                format!(
                    "the deadline for {} was {} ({} time); it is past. Ask the Program Manager, who can record a late certification with the date it was received",
                    c.row.name,
                    long_date(deadline.date),
                    deadline.time_zone.as_str()
                ),
            ));
        }
        let row = CertificationRow {
            cycle_id: cycle,
            election_authority_id: cap.election_authority(),
            received_at: at,
            on_time: true,
            signer_name: signer,
            recorded_by: cap.actor().account_id(),
        };
        put_certification(tx, &row, cap.actor(), meta).await?;
        Ok(row)
    }

    /// Records a certification the Board received another way (paper, e-mail), with the time
    /// it arrived; on time or late is decided on the Board's clock.
    pub async fn record_certification(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
        ea: Uuid,
        signer_name: &str,
        received_at: OffsetDateTime,
        meta: &RequestMeta,
    ) -> AppResult<CertificationRow> {
        let signer =
            clean_text(signer_name, 200).map_err(|e| AppError::invalid("signer_name", e))?;
        if received_at > now() {
            return Err(AppError::invalid(
                "received_at",
                "the time received is in the future; give the time the Board received it",
            ));
        }
        let mut tx = self.store.begin().await?;
        let c = GrantCycle {
            row: tx.get_grant_cycle(cycle).await?,
        };
        tx.get_election_authority(ea).await?;
        let row = CertificationRow {
            cycle_id: cycle,
            election_authority_id: ea,
            received_at: cybernav_core::audit::to_storage_precision(received_at),
            on_time: c.deadline()?.is_met_by(received_at),
            signer_name: signer,
            recorded_by: cap.actor().account_id(),
        };
        put_certification(tx, &row, cap.actor(), meta).await?;
        Ok(row)
    }

    /// Records a paper certification from the date and time stamped on it, as typed
    /// (`YYYY-MM-DD` and `HH:MM` on a 24-hour clock), read on the Board's clock (the cycle's
    /// time zone): what the Board's mail room writes, not UTC. Every problem is listed.
    #[allow(clippy::too_many_arguments)]
    pub async fn record_certification_stamped(
        &self,
        cap: &GrantManager<'_>,
        cycle: Uuid,
        ea: Uuid,
        signer_name: &str,
        received_on: &str,
        received_time: &str,
        meta: &RequestMeta,
    ) -> AppResult<CertificationRow> {
        let mut errors = FieldErrors::new();
        let on = Date::parse(
            received_on.trim(),
            &time::format_description::well_known::Iso8601::DATE,
        )
        .map_err(|_| {
            errors.add(
                "received_on",
                "give the date as YYYY-MM-DD, as the date field does",
            )
        })
        .ok();
        let at = time::Time::parse(
            received_time.trim(),
            time::macros::format_description!("[hour]:[minute]"),
        )
        .map_err(|_| {
            errors.add(
                "received_time",
                "give the time as HH:MM on a 24-hour clock, such as 16:30",
            )
        })
        .ok();
        if let Err(e) = clean_text(signer_name, 200) {
            errors.add("signer_name", e);
        }
        let (Some(on), Some(at)) = (on, at) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let row = self.store.read().await?.get_grant_cycle(cycle).await?;
        let zone = GrantCycle { row }.deadline()?.time_zone;
        let received_at = zone
            .instant_at(on, at)
            .map_err(|e| AppError::invalid("received_time", e))?;
        self.record_certification(cap, cycle, ea, signer_name, received_at, meta)
            .await
    }

    /// Records one fact for the authority the recorder is for.
    pub async fn record_fact(
        &self,
        cap: &FactRecorder<'_>,
        fact: &str,
        input: &FactInput,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let Some(key) = FactKey::parse(fact)
            .filter(|k| *k != FactKey::CertificationOnTime && *k != FactKey::Checked)
        else {
            let known: Vec<&str> = FactKey::ALL
                .iter()
                .filter(|k| **k != FactKey::CertificationOnTime && **k != FactKey::Checked)
                .map(|k| k.as_str())
                .collect();
            return Err(AppError::invalid(
                "fact",
                format!(
                    "unknown fact \"{fact}\"; record one of: {}",
                    known.join(", ")
                ),
            ));
        };
        let note = match input
            .note
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(n) => Some(clean_text(n, 500).map_err(|e| AppError::invalid("note", e))?),
            None => None,
        };
        let today = now().date();
        if input.on.is_some_and(|d| d > today) {
            return Err(AppError::invalid("on", "the date is in the future"));
        }
        if key == FactKey::IsacWaived && input.holds && note.is_none() {
            return Err(AppError::invalid(
                "note",
                "a waiver needs its reason in the note (for example: EI-ISAC membership no longer funded; county joined the state ISAC instead)",
            ));
        }
        let ea = cap.election_authority();
        let mut tx = self.store.begin().await?;
        tx.get_election_authority(ea).await?;
        let before = tx
            .list_facts(Some(ea))
            .await?
            .into_iter()
            .find(|f| f.fact == key.as_str());
        let row = FactRow {
            election_authority_id: ea,
            fact: key.as_str().to_string(),
            holds: input.holds,
            on_date: input.on,
            note,
            updated_by: cap.actor().account_id(),
            updated_at: now(),
        };
        tx.put_fact(&row).await?;
        audit::Entry::new("participation.fact", "election_authority", ea)
            .changes(json!({
                key.as_str(): {
                    "from": before.map(|b| json!({"holds": b.holds, "on": b.on_date.map(|d| d.to_string()), "note": b.note})),
                    "to": {"holds": row.holds, "on": row.on_date.map(|d| d.to_string()), "note": row.note},
                }
            }))
            .commit(tx, cap.actor(), meta, row.updated_at)
            .await?;
        Ok(())
    }

    /// Ticks a checklist requirement (one whose fact is `checked`) off for the recorder's
    /// authority.
    pub async fn check_requirement(
        &self,
        cap: &FactRecorder<'_>,
        cycle: Uuid,
        requirement: &str,
        on: Option<Date>,
        note: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let ea = cap.election_authority();
        let mut tx = self.store.begin().await?;
        let c = tx.get_grant_cycle(cycle).await?;
        let stored = stored_set(&mut tx, &c.set_id, &c.set_version)
            .await?
            .ok_or(AppError::NotFound)?;
        let set = parse_stored(&stored)?;
        let takes_check = set
            .requirement(requirement)
            .is_some_and(|r| r.condition.facts().contains(&FactKey::Checked));
        if !takes_check {
            return Err(AppError::invalid(
                "requirement",
                format!(
                    "requirement \"{requirement}\" of {} is not one a person ticks off; record its facts instead",
                    set.title
                ),
            ));
        }
        let row = CheckedRow {
            election_authority_id: ea,
            set_id: set.id.clone(),
            requirement_id: requirement.to_string(),
            on_date: on,
            note: note.map(str::to_string),
            updated_by: cap.actor().account_id(),
            updated_at: now(),
        };
        tx.put_checked(&row).await?;
        audit::Entry::new("participation.check", "election_authority", ea)
            .changes(
                json!({"requirement": {"from": null, "to": format!("{} {}", set.id, requirement)}}),
            )
            .commit(tx, cap.actor(), meta, row.updated_at)
            .await?;
        Ok(())
    }

    /// The facts recorded for an authority, with who recorded them and when.
    pub async fn recorded_facts(
        &self,
        reader: &RegistryReader<'_>,
        ea: Uuid,
    ) -> AppResult<Vec<FactRow>> {
        if !reader.actor().ea_scope().contains(ea) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.read().await?;
        Ok(tx.list_facts(Some(ea)).await?)
    }

    /// An authority's standing in a cycle, for anyone who may read it.
    pub async fn participation(
        &self,
        reader: &RegistryReader<'_>,
        ea: Uuid,
        cycle: Uuid,
    ) -> AppResult<Participation> {
        if !reader.actor().ea_scope().contains(ea) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.read().await?;
        let s = standing(&mut tx, ea, cycle).await?;
        Ok(Participation {
            election_authority_id: ea,
            election_authority_name: s.authority_name,
            days_left: s.days_left,
            cycle: s.cycle,
            set: s.set,
            certification: s.certification,
            eligibility: s.eligibility,
        })
    }
}

/// An authority's standing in a cycle with the facts behind it, read inside a transaction
/// (participation and attestation read it the same way).
pub(crate) struct Standing {
    pub authority_name: String,
    pub cycle: GrantCycle,
    pub set: RequirementSet,
    pub certification: Option<CertificationRow>,
    pub facts: Facts,
    pub eligibility: Eligibility,
    pub days_left: i64,
}

/// Loads an authority's standing in a cycle (no permission check: callers make it).
pub(crate) async fn standing(tx: &mut Tx, ea: Uuid, cycle: Uuid) -> AppResult<Standing> {
    let listing = tx.get_election_authority(ea).await?;
    let c = GrantCycle {
        row: tx.get_grant_cycle(cycle).await?,
    };
    let set = cycle_set(tx, &c.row).await?;
    let certification = tx.get_certification(cycle, ea).await?;
    let checked = tx.list_checked(ea, &set.id).await?;
    let facts = facts_of(
        &tx.list_facts(Some(ea)).await?,
        certification.as_ref(),
        &checked,
    );
    let deadline = c.deadline()?;
    let now = now();
    let eligibility = evaluate(&set, &facts, deadline.date, deadline.today(now));
    Ok(Standing {
        authority_name: listing.authority.name,
        days_left: deadline.days_left(now),
        cycle: c,
        set,
        certification,
        facts,
        eligibility,
    })
}

/// The requirement set a cycle uses, parsed.
pub(crate) async fn cycle_set(tx: &mut Tx, cycle: &GrantCycleRow) -> AppResult<RequirementSet> {
    let stored = tx
        .get_requirement_set(&cycle.set_id, &cycle.set_version)
        .await?
        .ok_or_else(|| {
            AppError::Store(StoreError::Corrupt(format!(
                "grant_cycles {}: requirement set {} {} is missing",
                cycle.id, cycle.set_id, cycle.set_version
            )))
        })?;
    parse_stored(&stored)
}

/// One authority's facts from its recorded rows, its certification (which counts only when on
/// time) and the checklist items ticked off. Rows of other authorities are ignored.
pub(crate) fn facts_of<'a>(
    rows: impl IntoIterator<Item = &'a FactRow>,
    certification: Option<&CertificationRow>,
    checked: impl IntoIterator<Item = &'a CheckedRow>,
) -> Facts {
    let mut facts = Facts::default();
    for f in rows {
        if let Some(key) = FactKey::parse(&f.fact) {
            facts.facts.insert(
                key,
                FactValue {
                    holds: f.holds,
                    on: f.on_date,
                },
            );
        }
    }
    if let Some(cert) = certification.filter(|c| c.on_time) {
        facts.facts.insert(
            FactKey::CertificationOnTime,
            FactValue {
                holds: true,
                on: Some(cert.received_at.date()),
            },
        );
    }
    facts.checked = checked
        .into_iter()
        .map(|r| {
            (
                r.requirement_id.clone(),
                FactValue {
                    holds: true,
                    on: r.on_date,
                },
            )
        })
        .collect::<BTreeMap<_, _>>();
    facts
}

async fn put_certification(
    mut tx: Tx,
    row: &CertificationRow,
    actor: &cybernav_core::authz::Actor,
    meta: &RequestMeta,
) -> AppResult<()> {
    let before = tx
        .get_certification(row.cycle_id, row.election_authority_id)
        .await?;
    tx.put_certification(row).await?;
    audit::Entry::new("certification.receive", "election_authority", row.election_authority_id)
        .changes(json!({
            "cycle": {"from": null, "to": row.cycle_id.to_string()},
            "received_at": {"from": before.as_ref().map(|b| b.received_at.to_string()), "to": row.received_at.to_string()},
            "on_time": {"from": before.as_ref().map(|b| b.on_time), "to": row.on_time},
            "signer_name": {"from": before.map(|b| b.signer_name), "to": row.signer_name},
        }))
        .commit(tx, actor, meta, now())
        .await
}
