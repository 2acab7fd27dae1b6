//! ICN connectivity (Part 213.20): each authority's circuits, the protections DoIT provides on
//! them, the allowlist of networks that may reach the Board's database, the Board's switch to
//! private addressing only, and the combined allowlist for firewalls and scanners.
//!
//! The allowlist's rules: an entry is one address or network with no host bits set; no two
//! entries overlap (across authorities the other authority is named, within one it is a
//! duplicate); loopback, link-local and the like are never entries; public addressing is
//! allowed but flagged while the switch is off and refused once it is on (213.20(a)(2)); the
//! switch is refused while public entries remain. Circuits keep the participation facts
//! `icn.connected` and `icn.agreement_signed` in step, so eligibility (213.50(a)(1)) follows.

use cybernav_core::FieldErrors;
use cybernav_core::authz::{
    Actor, AllowlistReader, IcnManager, IcnReader, IcnSettingsManager, RegistryReader,
};
use cybernav_core::icn::{CircuitStatus, Protection};
use cybernav_core::network::{AddressClass, Network};
use cybernav_core::requirements::FactKey;
use cybernav_core::validation::{clean_text, optional_multiline_text, optional_text};
use cybernav_store::icn::{AllowlistListing, AllowlistRow, CircuitRow, ProtectionRow};
use cybernav_store::participation::FactRow;
use cybernav_store::{StoreError, Tx, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The key of the Board's switch in `program_settings`.
pub const PRIVATE_ADDRESSING_ONLY: &str = "private_addressing_only";

/// How many public entries a refusal of the switch lists by name.
const LISTED: usize = 5;

/// What is filled in to record or change a circuit.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CircuitInput {
    /// DoIT's circuit id or the Board's reference, e.g. "ICN-ADAMS-01".
    pub reference: String,
    /// `planned`, `ordered`, `installed`, `connected` or `disconnected`.
    pub status: String,
    /// When the agreement to connect was signed, `YYYY-MM-DD`.
    pub agreement_signed_on: Option<String>,
    /// When it was connected, `YYYY-MM-DD` (today when the status is `connected` and this is
    /// left out).
    pub connected_on: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

/// What is filled in to record one protection of a circuit.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ProtectionInput {
    /// Whether it is in place.
    pub in_place: bool,
    /// Since when, `YYYY-MM-DD`.
    pub since: Option<String>,
    /// For the intrusion-detection sensor: its kind, e.g. "Albert".
    pub kind: Option<String>,
    /// For the intrusion-detection sensor: its id.
    pub sensor_id: Option<String>,
}

/// One protection of a circuit: what is recorded, or nothing yet.
#[derive(Debug, Clone, Serialize)]
pub struct ProtectionState {
    /// Which.
    pub protection: Protection,
    /// As recorded, if it was.
    pub recorded: Option<ProtectionRow>,
}

/// An allowlist entry, parsed and classified.
#[derive(Debug, Clone, Serialize)]
pub struct AllowlistEntry {
    /// Id.
    pub id: Uuid,
    /// The circuit.
    pub circuit_id: Uuid,
    /// The network.
    pub network: Network,
    /// What it is.
    pub description: Option<String>,
    /// Public addressing (flagged; refused once the Board requires private addressing).
    pub public: bool,
}

/// A circuit with its protections and allowlist entries.
#[derive(Debug, Clone, Serialize)]
pub struct Circuit {
    /// As stored.
    pub row: CircuitRow,
    /// Its status.
    pub status: CircuitStatus,
    /// Every protection, in [`Protection::ALL`] order.
    pub protections: Vec<ProtectionState>,
    /// Its entries, in address order.
    pub entries: Vec<AllowlistEntry>,
}

/// An entry just added, and the warning to show with it.
#[derive(Debug, Clone, Serialize)]
pub struct AddedEntry {
    /// The entry.
    pub entry: AllowlistEntry,
    /// Set for public addressing, which the Board will stop accepting (213.20(a)(2)).
    pub warning: Option<String>,
}

/// The Board's ICN settings.
#[derive(Debug, Clone, Serialize)]
pub struct IcnSettings {
    /// Only private addressing may be allowlisted (213.20(a)(2)).
    pub private_addressing_only: bool,
    /// When it was last changed (never: `None`).
    pub updated_at: Option<OffsetDateTime>,
}

/// One line of the combined allowlist.
#[derive(Debug, Clone, Serialize)]
pub struct AllowlistItem {
    /// The network.
    pub network: Network,
    /// The authority's name.
    pub election_authority: String,
    /// The circuit's reference.
    pub circuit: String,
    /// Public addressing.
    pub public: bool,
}

/// The combined allowlist of every authority, for firewalls and scanners.
#[derive(Debug, Clone, Serialize)]
pub struct Allowlist {
    /// By authority name, circuit reference, then address.
    pub allowlist: Vec<AllowlistItem>,
    /// When it was read.
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
}

impl Allowlist {
    /// Plain text: a `# authority — circuit` comment line before each group, then one network
    /// per line, as firewall and scanner configurations take them.
    pub fn to_text(&self) -> String {
        let generated = self
            .generated_at
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let mut out = format!(
            "# ICN allowlist (26 Ill. Adm. Code 213.20), {} entries, generated {generated}\n",
            self.allowlist.len()
        );
        let mut group: Option<(&str, &str)> = None;
        for item in &self.allowlist {
            let this = (item.election_authority.as_str(), item.circuit.as_str());
            if group != Some(this) {
                out.push_str(&format!("# {} — {}\n", this.0, this.1));
                group = Some(this);
            }
            out.push_str(&format!("{}\n", item.network));
        }
        out
    }
}

fn parse_date(errors: &mut FieldErrors, field: &str, raw: Option<&str>) -> Option<Date> {
    let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
    match Date::parse(
        raw,
        time::macros::format_description!("[year]-[month]-[day]"),
    ) {
        Ok(d) if d > now().date() => {
            errors.add(field, "the date is in the future; give the day it happened");
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.add(field, "write the date as YYYY-MM-DD, such as 2026-03-02");
            None
        }
    }
}

fn stored_network(e: &AllowlistListing) -> AppResult<Network> {
    Network::parse(&e.network).map_err(|err| {
        AppError::Store(StoreError::Corrupt(format!(
            "icn_allowlist {}: field network: {err}",
            e.id
        )))
    })
}

fn stored_status(row: &CircuitRow) -> AppResult<CircuitStatus> {
    CircuitStatus::parse(&row.status).map_err(|err| {
        AppError::Store(StoreError::Corrupt(format!(
            "icn_circuits {}: field status: {err}",
            row.id
        )))
    })
}

/// The ICN facts the circuits of one authority imply: the circuit that is connected (with
/// its date), and the earliest signed agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ImpliedFacts {
    connected: Option<(String, Option<Date>)>,
    agreement: Option<(String, Date)>,
}

fn implied_facts(circuits: &[CircuitRow]) -> ImpliedFacts {
    let connected = circuits
        .iter()
        .filter(|c| c.status == CircuitStatus::Connected.as_str())
        .min_by_key(|c| (c.connected_on, c.reference.clone()))
        .map(|c| (c.reference.clone(), c.connected_on));
    let agreement = circuits
        .iter()
        .filter_map(|c| c.agreement_signed_on.map(|d| (c.reference.clone(), d)))
        .min_by_key(|(r, d)| (*d, r.clone()));
    ImpliedFacts {
        connected,
        agreement,
    }
}

/// Records the facts whose implied value changed between `before` and `after`, with their
/// audit records, inside the circuit change's transaction. A fact the circuits do not change
/// (one a navigator recorded by hand, say) is left as it is.
async fn keep_facts_in_step(
    tx: &mut Tx,
    actor: &Actor,
    meta: &RequestMeta,
    ea: Uuid,
    before: &ImpliedFacts,
    after: &ImpliedFacts,
    at: OffsetDateTime,
) -> AppResult<()> {
    let mut changed = Vec::new();
    let on = |c: &Option<(String, Option<Date>)>| c.as_ref().map(|(_, d)| *d);
    if on(&before.connected) != on(&after.connected) {
        let (holds, on_date, note) = match &after.connected {
            Some((r, d)) => (true, *d, format!("ICN circuit {r} connected")),
            None => (false, None, "no ICN circuit is connected".to_string()),
        };
        changed.push((FactKey::IcnConnected, holds, on_date, note));
    }
    let signed = |a: &Option<(String, Date)>| a.as_ref().map(|(_, d)| *d);
    if signed(&before.agreement) != signed(&after.agreement) {
        let (holds, on_date, note) = match &after.agreement {
            Some((r, d)) => (true, Some(*d), format!("ICN agreement for circuit {r}")),
            None => (
                false,
                None,
                "no ICN circuit has a signed agreement".to_string(),
            ),
        };
        changed.push((FactKey::IcnAgreementSigned, holds, on_date, note));
    }
    if changed.is_empty() {
        return Ok(());
    }
    let existing = tx.list_facts(Some(ea)).await?;
    for (key, holds, on_date, note) in changed {
        let prior = existing.iter().find(|f| f.fact == key.as_str());
        let row = FactRow {
            election_authority_id: ea,
            fact: key.as_str().to_string(),
            holds,
            on_date,
            note: Some(note),
            updated_by: actor.account_id(),
            updated_at: at,
        };
        tx.put_fact(&row).await?;
        audit::Entry::new("participation.fact", "election_authority", ea)
            .changes(json!({
                key.as_str(): {
                    "from": prior.map(|b| json!({"holds": b.holds, "on": b.on_date.map(|d| d.to_string()), "note": b.note})),
                    "to": {"holds": row.holds, "on": row.on_date.map(|d| d.to_string()), "note": row.note},
                },
                "source": "icn circuit",
            }))
            .record(tx, actor, meta, at)
            .await?;
    }
    Ok(())
}

/// The circuit's fields from the input, every problem listed.
fn circuit_fields(input: &CircuitInput) -> Result<CircuitFields, FieldErrors> {
    let mut errors = FieldErrors::new();
    let reference = errors.check("reference", clean_text(&input.reference, 80));
    let status = errors.check("status", CircuitStatus::parse(&input.status));
    let agreement = parse_date(
        &mut errors,
        "agreement_signed_on",
        input.agreement_signed_on.as_deref(),
    );
    let connected = parse_date(&mut errors, "connected_on", input.connected_on.as_deref());
    let notes = errors.check(
        "notes",
        optional_multiline_text(input.notes.as_deref(), 2000),
    );
    match (reference, status, notes) {
        (Some(reference), Some(status), Some(notes)) if errors.is_empty() => Ok(CircuitFields {
            reference,
            status,
            agreement_signed_on: agreement,
            connected_on: connected,
            notes,
        }),
        _ => Err(errors),
    }
}

struct CircuitFields {
    reference: String,
    status: CircuitStatus,
    agreement_signed_on: Option<Date>,
    connected_on: Option<Date>,
    notes: Option<String>,
}

impl CircuitFields {
    /// The connection date to store: as given; for a connected circuit given none, the date
    /// it already had, else today (so an edit that leaves the date out does not move it).
    fn connected_on(&self, had: Option<Date>) -> Option<Date> {
        match (self.status, self.connected_on) {
            (CircuitStatus::Connected, None) => had.or_else(|| Some(now().date())),
            (_, given) => given,
        }
    }
}

fn reference_taken(e: StoreError, reference: &str) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::invalid(
            "reference",
            format!(
                "circuit {reference} is already recorded; each circuit is recorded once, under its election authority"
            ),
        ),
        other => other.into(),
    }
}

/// The circuit `id` of the manager's authority, or not found (a circuit of another
/// authority looks as if it did not exist).
async fn own_circuit(tx: &mut Tx, ea: Uuid, id: Uuid) -> AppResult<CircuitRow> {
    let row = tx.get_circuit(id).await?;
    if row.election_authority_id != ea {
        return Err(AppError::NotFound);
    }
    Ok(row)
}

fn public_warning(n: &Network) -> String {
    format!(
        "{n} is public addressing. It is allowed for now, but once every authority is on the ICN the Board requires private addressing only (213.20(a)(2)); plan to replace it with the authority's private addresses"
    )
}

impl App {
    /// Records a new circuit for the manager's authority.
    pub async fn create_circuit(
        &self,
        cap: &IcnManager<'_>,
        input: &CircuitInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let f = circuit_fields(input)?;
        let ea = cap.election_authority();
        let at = now();
        let mut tx = self.store.begin().await?;
        tx.get_election_authority(ea).await?;
        let mut circuits = tx.list_circuits(ea).await?;
        let before = implied_facts(&circuits);
        let row = CircuitRow {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            connected_on: f.connected_on(None),
            reference: f.reference,
            status: f.status.as_str().to_string(),
            agreement_signed_on: f.agreement_signed_on,
            notes: f.notes,
            created_at: at,
            updated_at: at,
        };
        tx.insert_circuit(&row)
            .await
            .map_err(|e| reference_taken(e, &row.reference))?;
        circuits.push(row.clone());
        let after = implied_facts(&circuits);
        keep_facts_in_step(&mut tx, cap.actor(), meta, ea, &before, &after, at).await?;
        audit::Entry::new("icn_circuit.create", "icn_circuit", row.id)
            .changes(json!({
                "election_authority": {"from": null, "to": ea.to_string()},
                "reference": {"from": null, "to": row.reference},
                "status": {"from": null, "to": row.status},
                "agreement_signed_on": {"from": null, "to": row.agreement_signed_on.map(|d| d.to_string())},
                "connected_on": {"from": null, "to": row.connected_on.map(|d| d.to_string())},
                "notes": {"from": null, "to": row.notes},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Changes a circuit of the manager's authority.
    pub async fn update_circuit(
        &self,
        cap: &IcnManager<'_>,
        id: Uuid,
        input: &CircuitInput,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let f = circuit_fields(input)?;
        let ea = cap.election_authority();
        let at = now();
        let mut tx = self.store.begin().await?;
        let old = own_circuit(&mut tx, ea, id).await?;
        let before = implied_facts(&tx.list_circuits(ea).await?);
        let row = CircuitRow {
            connected_on: f.connected_on(old.connected_on),
            reference: f.reference,
            status: f.status.as_str().to_string(),
            agreement_signed_on: f.agreement_signed_on,
            notes: f.notes,
            updated_at: at,
            ..old.clone()
        };
        tx.update_circuit(&row)
            .await
            .map_err(|e| reference_taken(e, &row.reference))?;
        let after = implied_facts(&tx.list_circuits(ea).await?);
        keep_facts_in_step(&mut tx, cap.actor(), meta, ea, &before, &after, at).await?;
        let mut changes = serde_json::Map::new();
        let date = |d: Option<Date>| d.map(|d| d.to_string());
        for (field, from, to) in [
            ("reference", json!(old.reference), json!(row.reference)),
            ("status", json!(old.status), json!(row.status)),
            (
                "agreement_signed_on",
                json!(date(old.agreement_signed_on)),
                json!(date(row.agreement_signed_on)),
            ),
            (
                "connected_on",
                json!(date(old.connected_on)),
                json!(date(row.connected_on)),
            ),
            ("notes", json!(old.notes), json!(row.notes)),
        ] {
            if from != to {
                changes.insert(field.into(), json!({"from": from, "to": to}));
            }
        }
        audit::Entry::new("icn_circuit.update", "icn_circuit", id)
            .changes(changes.into())
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// The circuits of the reader's authority, with protections and allowlist entries.
    pub async fn icn_circuits(&self, reader: &IcnReader<'_>) -> AppResult<Vec<Circuit>> {
        let ea = reader.election_authority();
        let mut tx = self.store.read().await?;
        tx.get_election_authority(ea).await?;
        let rows = tx.list_circuits(ea).await?;
        let protections = tx.list_protections(ea).await?;
        let entries = tx.list_allowlist(Some(ea)).await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let status = stored_status(&row)?;
            let mut mine = Vec::new();
            for e in entries.iter().filter(|e| e.circuit_id == row.id) {
                let network = stored_network(e)?;
                mine.push(AllowlistEntry {
                    id: e.id,
                    circuit_id: e.circuit_id,
                    public: network.class().is_public(),
                    network,
                    description: e.description.clone(),
                });
            }
            mine.sort_by_key(|a| a.network);
            let protections = Protection::ALL
                .into_iter()
                .map(|p| ProtectionState {
                    protection: p,
                    recorded: protections
                        .iter()
                        .find(|r| r.circuit_id == row.id && r.protection == p.as_str())
                        .cloned(),
                })
                .collect();
            out.push(Circuit {
                row,
                status,
                protections,
                entries: mine,
            });
        }
        Ok(out)
    }

    /// Records one protection (`firewall`, `ddos`, `soc`, `intrusion_detection`) of a circuit
    /// of the manager's authority.
    pub async fn set_protection(
        &self,
        cap: &IcnManager<'_>,
        circuit: Uuid,
        protection: &str,
        input: &ProtectionInput,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let Some(which) = Protection::ALL
            .into_iter()
            .find(|p| p.as_str() == protection.trim())
        else {
            return Err(AppError::invalid(
                "protection",
                format!(
                    "unknown protection \"{protection}\"; expected one of firewall, ddos, soc, intrusion_detection"
                ),
            ));
        };
        let mut errors = FieldErrors::new();
        let since = parse_date(&mut errors, "since", input.since.as_deref());
        let kind = errors.check("kind", optional_text(input.kind.as_deref(), 100));
        let sensor_id = errors.check("sensor_id", optional_text(input.sensor_id.as_deref(), 100));
        if which != Protection::IntrusionDetection {
            for (field, value) in [("kind", &kind), ("sensor_id", &sensor_id)] {
                if value.as_ref().is_some_and(Option::is_some) {
                    errors.add(
                        field,
                        "only the intrusion-detection sensor has a kind and a sensor id; leave it empty",
                    );
                }
            }
        }
        let (Some(kind), Some(sensor_id)) = (kind, sensor_id) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let ea = cap.election_authority();
        let at = now();
        let mut tx = self.store.begin().await?;
        own_circuit(&mut tx, ea, circuit).await?;
        let prior = tx
            .list_protections(ea)
            .await?
            .into_iter()
            .find(|p| p.circuit_id == circuit && p.protection == which.as_str());
        let row = ProtectionRow {
            circuit_id: circuit,
            protection: which.as_str().to_string(),
            in_place: input.in_place,
            since,
            kind,
            sensor_id,
            updated_by: cap.actor().account_id(),
            updated_at: at,
        };
        tx.put_protection(&row).await?;
        let show = |p: &ProtectionRow| json!({"in_place": p.in_place, "since": p.since.map(|d| d.to_string()), "kind": p.kind, "sensor_id": p.sensor_id});
        audit::Entry::new("icn_protection.set", "icn_circuit", circuit)
            .changes(json!({which.as_str(): {"from": prior.as_ref().map(show), "to": show(&row)}}))
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// Adds a network to the allowlist of a circuit of the manager's authority. Refused: a
    /// network that is not one, has host bits set, is loopback or link-local and the like,
    /// overlaps another entry (of another authority, named; or of this one, a duplicate), or
    /// is public while the Board requires private addressing only. A public network otherwise
    /// comes back with a warning.
    pub async fn add_allowlist_entry(
        &self,
        cap: &IcnManager<'_>,
        circuit: Uuid,
        network: &str,
        description: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<AddedEntry> {
        let mut errors = FieldErrors::new();
        let parsed = errors.check("network", Network::parse(network));
        if let Some(n) = &parsed
            && let AddressClass::Unusable(why) = n.class()
        {
            errors.add("network", why);
        }
        let description = errors.check("description", optional_text(description, 200));
        let (Some(n), Some(description)) = (parsed, description) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let public = n.class().is_public();
        let ea = cap.election_authority();
        let at = now();
        let mut tx = self.store.begin().await?;
        tx.lock_allowlist().await?;
        let c = own_circuit(&mut tx, ea, circuit).await?;
        if public && private_addressing_only(&mut tx).await? {
            return Err(AppError::invalid(
                "network",
                format!(
                    "{n} is public addressing, and the Board requires private addressing only on the ICN (213.20(a)(2)); allowlist the authority's private addresses (10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10 or fc00::/7)"
                ),
            ));
        }
        for e in tx.list_allowlist(None).await? {
            let other = stored_network(&e)?;
            if !other.overlaps(&n) {
                continue;
            }
            let how = if other == n { "is" } else { "overlaps" };
            let message = if e.election_authority_id == ea {
                format!(
                    "{n} duplicates this authority's entry {other} (circuit {}), which it {}; remove that entry first if the range has changed",
                    e.circuit_reference,
                    if other == n {
                        "repeats"
                    } else if other.contains(&n) {
                        "already covers"
                    } else {
                        "lies inside"
                    }
                )
            } else {
                format!(
                    "{n} {how} the entry {other} of {} (circuit {}); a network belongs to one election authority: check the addresses with DoIT, or ask the Board to correct the other entry",
                    e.authority_name, e.circuit_reference
                )
            };
            return Err(AppError::invalid("network", message));
        }
        let row = AllowlistRow {
            id: Uuid::new_v4(),
            circuit_id: circuit,
            network: n.to_string(),
            description,
            added_by: cap.actor().account_id(),
            added_at: at,
        };
        tx.insert_allowlist_entry(&row).await?;
        audit::Entry::new("icn_allowlist.add", "icn_circuit", circuit)
            .changes(json!({
                "circuit": c.reference,
                "network": {"from": null, "to": row.network},
                "description": {"from": null, "to": row.description},
                "public": public,
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(AddedEntry {
            warning: public.then(|| public_warning(&n)),
            entry: AllowlistEntry {
                id: row.id,
                circuit_id: circuit,
                network: n,
                description: row.description,
                public,
            },
        })
    }

    /// Removes an entry from the allowlist of a circuit of the manager's authority.
    pub async fn remove_allowlist_entry(
        &self,
        cap: &IcnManager<'_>,
        circuit: Uuid,
        entry: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let ea = cap.election_authority();
        let at = now();
        let mut tx = self.store.begin().await?;
        tx.lock_allowlist().await?;
        let c = own_circuit(&mut tx, ea, circuit).await?;
        let row = tx.get_allowlist_entry(entry).await?;
        if row.circuit_id != circuit {
            return Err(AppError::NotFound);
        }
        tx.delete_allowlist_entry(entry).await?;
        audit::Entry::new("icn_allowlist.remove", "icn_circuit", circuit)
            .changes(json!({
                "circuit": c.reference,
                "network": {"from": row.network, "to": null},
                "description": {"from": row.description, "to": null},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// The Board's ICN settings (anyone who reads the registry).
    pub async fn icn_settings(&self, _reader: &RegistryReader<'_>) -> AppResult<IcnSettings> {
        let mut tx = self.store.read().await?;
        settings(&mut tx).await
    }

    /// Turns private addressing only (213.20(a)(2)) on or off. Turning it on is refused while
    /// public entries remain: the refusal counts them and names the first few, so the Board
    /// knows what to fix.
    pub async fn set_private_addressing_only(
        &self,
        cap: &IcnSettingsManager<'_>,
        on: bool,
        meta: &RequestMeta,
    ) -> AppResult<IcnSettings> {
        let at = now();
        let mut tx = self.store.begin().await?;
        tx.lock_allowlist().await?;
        let was = private_addressing_only(&mut tx).await?;
        if on && !was {
            let mut public = Vec::new();
            for e in tx.list_allowlist(None).await? {
                let n = stored_network(&e)?;
                if n.class().is_public() {
                    public.push((n, e));
                }
            }
            if !public.is_empty() {
                public.sort_by_key(|a| a.0);
                let named: Vec<String> = public
                    .iter()
                    .take(LISTED)
                    .map(|(n, e)| {
                        format!(
                            "{n} ({}, circuit {})",
                            e.authority_name, e.circuit_reference
                        )
                    })
                    .collect();
                let more = public.len().saturating_sub(LISTED);
                let count = match public.len() {
                    1 => "1 allowlist entry uses".to_string(),
                    n => format!("{n} allowlist entries use"),
                };
                return Err(AppError::invalid(
                    "private_addressing_only",
                    format!(
                        "{count} public addressing: {}{}; replace them with private addresses or remove them, then turn this on",
                        named.join(", "),
                        if more > 0 {
                            format!(" and {more} more")
                        } else {
                            String::new()
                        }
                    ),
                ));
            }
        }
        if on != was {
            tx.put_setting(
                PRIVATE_ADDRESSING_ONLY,
                if on { "true" } else { "false" },
                cap.actor().account_id(),
                at,
            )
            .await?;
            audit::Entry::new(
                "icn_settings.update",
                "program_settings",
                PRIVATE_ADDRESSING_ONLY,
            )
            .changes(json!({PRIVATE_ADDRESSING_ONLY: {"from": was, "to": on}}))
            .record(&mut tx, cap.actor(), meta, at)
            .await?;
        }
        let s = settings(&mut tx).await?;
        tx.commit().await?;
        Ok(s)
    }

    /// The combined allowlist of every authority, sorted by authority, circuit and address.
    /// The API and the command line both serve it.
    pub async fn allowlist(&self, _reader: &AllowlistReader<'_>) -> AppResult<Allowlist> {
        let mut tx = self.store.read().await?;
        let mut items = Vec::new();
        for e in tx.list_allowlist(None).await? {
            let network = stored_network(&e)?;
            items.push(AllowlistItem {
                public: network.class().is_public(),
                network,
                election_authority: e.authority_name,
                circuit: e.circuit_reference,
            });
        }
        items.sort_by(|a, b| {
            (&a.election_authority, &a.circuit, a.network).cmp(&(
                &b.election_authority,
                &b.circuit,
                b.network,
            ))
        });
        Ok(Allowlist {
            allowlist: items,
            generated_at: now(),
        })
    }
}

async fn private_addressing_only(tx: &mut Tx) -> AppResult<bool> {
    Ok(settings(tx).await?.private_addressing_only)
}

async fn settings(tx: &mut Tx) -> AppResult<IcnSettings> {
    let row = tx.get_setting(PRIVATE_ADDRESSING_ONLY).await?;
    let on = match row.as_ref().map(|r| r.value.as_str()) {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => {
            return Err(AppError::Store(StoreError::Corrupt(format!(
                "program_settings {PRIVATE_ADDRESSING_ONLY}: field value: \"{other}\" is not true or false"
            ))));
        }
    };
    Ok(IcnSettings {
        private_addressing_only: on,
        updated_at: row.and_then(|r| r.updated_at),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn circuit(reference: &str, status: &str, agreement: Option<Date>) -> CircuitRow {
        CircuitRow {
            id: Uuid::new_v4(),
            election_authority_id: Uuid::nil(),
            reference: reference.into(),
            status: status.into(),
            agreement_signed_on: agreement,
            connected_on: None,
            notes: None,
            created_at: now(),
            updated_at: now(),
        }
    }

    #[test]
    fn facts_follow_the_circuits() {
        let d = time::macros::date!(2026 - 01 - 05);
        assert_eq!(
            implied_facts(&[circuit("A", "planned", None)]),
            ImpliedFacts {
                connected: None,
                agreement: None
            }
        );
        let f = implied_facts(&[
            circuit("A", "planned", None),
            circuit("B", "connected", Some(d)),
        ]);
        assert_eq!(f.connected.map(|c| c.0), Some("B".to_string()));
        assert_eq!(f.agreement, Some(("B".to_string(), d)));
    }

    #[test]
    fn the_text_export_groups_by_circuit() {
        let item = |ea: &str, c: &str, n: &str| AllowlistItem {
            network: Network::parse(n).unwrap_or_else(|e| panic!("{e}")),
            election_authority: ea.into(),
            circuit: c.into(),
            public: false,
        };
        let list = Allowlist {
            allowlist: vec![
                item("Adams County Clerk", "ICN-1", "10.1.0.0/24"),
                item("Adams County Clerk", "ICN-1", "10.1.1.0/24"),
                item("Cook County Clerk", "ICN-7", "10.7.0.0/16"),
            ],
            generated_at: time::macros::datetime!(2026-11-30 10:00 UTC),
        };
        assert_eq!(
            list.to_text(),
            "# ICN allowlist (26 Ill. Adm. Code 213.20), 3 entries, generated 2026-11-30T10:00:00Z\n\
             # Adams County Clerk — ICN-1\n10.1.0.0/24\n10.1.1.0/24\n\
             # Cook County Clerk — ICN-7\n10.7.0.0/16\n"
        );
    }
}
