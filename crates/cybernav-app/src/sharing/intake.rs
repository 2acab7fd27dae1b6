//! Taking in threat information (Part 213.30(a)(4)): STIX bundles, MISP feeds and indicator
//! lists, each import one transaction with its provenance (source, when received, the
//! markings as sent).
//!
//! Every import answers the same summary: indicators new to the store, indicators already
//! known (in the store or earlier in the same file), and every object refused with its id and
//! reason. A refused object never blocks the others; a file that cannot be read at all (not
//! JSON, not a bundle) stores nothing.
//!
//! A STIX bundle is read on a blocking thread while this task writes what it has read, in
//! batches of hundreds of rows per statement: the file is held once in memory and the rows in
//! flight are a few thousand, whatever its size. Marking definitions may come after the
//! objects that use them, so an object whose references are not yet known waits until the
//! whole bundle is read, and is refused only if they are still unknown then.

use std::collections::HashSet;
use std::sync::Arc;

use cybernav_core::authz::{Actor, IntakeWriter};
use cybernav_core::sharing::Indicator;
use cybernav_core::sharing::marking::{Marking, Tlp};
use cybernav_formats::stix::markings::{MarkingTable, ResolvedMarking};
use cybernav_formats::stix::{BundleError, PatternOutcome, Rejected, StixObject, read_bundle_raw};
use cybernav_store::intake::{
    INDICATOR_BATCH, NewIndicator, NewReport, NewStixObject, Provenance, REPORT_BATCH, RunRow,
    SourceRow,
};
use cybernav_store::{Tx, now};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The namespace of indicator ids: an indicator's id is the UUID v5 of `kind:value` in it, so
/// the same indicator has the same id in every database.
pub const INDICATOR_NAMESPACE: Uuid = Uuid::from_u128(0x6f1c_2b0e_8f0a_4d5e_9a31_7c54_2e1b_9d07);

/// Refusals kept in a run's record (all of them are in the summary returned).
pub const RUN_REJECTED_KEPT: usize = 1_000;

/// Objects read before a batch goes to the writer. Large, because the writer sorts each batch
/// by key: rows that arrive in key order land on neighbouring pages of the indexes.
const OBJECTS_PER_BATCH: usize = 20_000;

/// The id of an indicator.
pub fn indicator_id(i: &Indicator) -> Uuid {
    let (kind, value) = i.dedupe_key();
    let mut name = String::with_capacity(kind.as_str().len() + 1 + value.len());
    name.push_str(kind.as_str());
    name.push(':');
    name.push_str(value);
    Uuid::new_v5(&INDICATOR_NAMESPACE, name.as_bytes())
}

/// One refused object or line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedItem {
    /// Its id (a STIX id, a MISP UUID), or where it is when it has none (`objects[3] (line
    /// 41)`, `line 7`).
    pub id: String,
    /// Why.
    pub reason: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntakeSummary {
    /// The run's id.
    pub run_id: Uuid,
    /// Indicators new to the store.
    pub imported: u64,
    /// Indicators already known (from the store, or earlier in the same file).
    pub duplicates: u64,
    /// STIX objects kept as received (new versions only).
    pub objects: u64,
    /// Indicator objects whose pattern is kept intact, not turned into indicators.
    pub patterns_kept: u64,
    /// Every refusal, in file order.
    pub rejected: Vec<RejectedItem>,
}

/// Where the information comes from. A source is registered on its first import, with the
/// default marking given then; later imports use the stored default.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    /// Its name ("CISA AIS", "MS-ISAC").
    pub name: String,
    /// How it arrives (`stix`, `misp_feed`, `list`, `taxii`, `report`).
    pub kind: String,
    /// The marking of what it sends unmarked: its TLP level when an object names none, and
    /// caveats added to everything from it.
    pub default_marking: Marking,
}

/// A source's default marking from what a person gave: a TLP level (`AMBER` when none) and
/// an optional caveat. Problems are added to `errors` under `tlp` and `caveat`.
pub fn default_marking(
    tlp: Option<&str>,
    caveat: Option<&str>,
    errors: &mut cybernav_core::FieldErrors,
) -> Marking {
    let level = match Tlp::parse(tlp.unwrap_or("AMBER")) {
        Ok(t) => t,
        Err(e) => {
            errors.add("tlp", e);
            Tlp::Amber
        }
    };
    let marking = Marking::tlp(level);
    match caveat.map(cybernav_core::sharing::marking::Caveat::parse) {
        Some(Ok(c)) => marking.with_caveat(c),
        Some(Err(e)) => {
            errors.add("caveat", e);
            marking
        }
        None => marking,
    }
}

/// A source as the import uses it.
#[derive(Debug, Clone)]
pub(crate) struct Source {
    pub id: Uuid,
    pub name: String,
    pub default_marking: Marking,
    /// Registered by this import.
    pub registered: bool,
}

/// The longest source name accepted, in characters.
pub const SOURCE_NAME_MAX: usize = 200;

/// A marking as stored: its label (`TLP:AMBER FOUO`), short for a million rows, or JSON of
/// [`Marking`] when the label would not read back the same (named recipients, a caveat with
/// spaces in it).
pub(crate) fn marking_json(m: &Marking) -> String {
    let label = m.label();
    if Marking::parse_label(&label).as_ref() == Ok(m) {
        return label;
    }
    serde_json::to_string(m).unwrap_or_else(|_| "{\"tlp\":\"TLP:RED\"}".to_string())
}

/// A stored marking; a value that does not parse is corrupt data.
pub(crate) fn parse_marking(raw: &str, what: &str) -> AppResult<Marking> {
    let parsed = if raw.starts_with('{') {
        serde_json::from_str(raw).map_err(|e| e.to_string())
    } else {
        Marking::parse_label(raw)
    };
    parsed.map_err(|e| {
        AppError::Store(cybernav_store::StoreError::Corrupt(format!(
            "{what}: marking '{raw}': {e}"
        )))
    })
}

/// Combines what an object's references say with the source's default.
fn apply_default(resolved: ResolvedMarking, default: &Marking) -> Marking {
    let mut m = resolved.into_marking(default.tlp);
    m.caveats.extend(default.caveats.iter().cloned());
    m
}

/// The source `spec` names, registered now if it is new. Its name must be 1 to
/// [`SOURCE_NAME_MAX`] characters of printable text.
pub(crate) async fn source_in(tx: &mut Tx, spec: &SourceSpec) -> AppResult<Source> {
    let name = spec.name.trim();
    if name.is_empty()
        || name.chars().count() > SOURCE_NAME_MAX
        || name.chars().any(char::is_control)
    {
        return Err(AppError::invalid(
            "source",
            format!(
                "the source's name must be 1 to {SOURCE_NAME_MAX} characters of text, such as \"CISA AIS\""
            ),
        ));
    }
    if let Some(row) = tx.intel_source_named(name).await? {
        let default_marking = parse_marking(&row.default_marking, "intel_sources")?;
        return Ok(Source {
            id: row.id,
            name: row.name,
            default_marking,
            registered: false,
        });
    }
    let at = now();
    let row = SourceRow {
        id: Uuid::new_v4(),
        name: name.to_string(),
        kind: spec.kind.clone(),
        default_marking: marking_json(&spec.default_marking),
        created_at: at,
        updated_at: at,
    };
    tx.insert_intel_source(&row).await?;
    Ok(Source {
        id: row.id,
        name: row.name,
        default_marking: spec.default_marking.clone(),
        registered: true,
    })
}

/// Indicators, reports and objects read, owned, on their way to the writer.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    pub indicators: Vec<(Uuid, String, String)>,
    pub reports: Vec<OwnedReport>,
    pub objects: Vec<OwnedObject>,
    pub rejected: Vec<RejectedItem>,
    pub patterns_kept: u64,
    /// An indicator object in this batch has an id seen earlier in the same file, so its
    /// reports may already be stored by this import.
    pub repeats: bool,
}

impl Batch {
    fn len(&self) -> usize {
        self.reports.len() + self.objects.len()
    }
}

#[derive(Debug)]
pub(crate) struct OwnedReport {
    pub indicator_id: Uuid,
    pub reference: String,
    pub marking: Arc<str>,
    pub original_markings: Arc<str>,
    pub valid_until: Option<OffsetDateTime>,
    pub confidence: Option<i64>,
    pub revoked: bool,
}

#[derive(Debug)]
pub(crate) struct OwnedObject {
    pub stix_id: String,
    pub modified: String,
    pub object_type: String,
    pub spec_version: &'static str,
    pub marking: Arc<str>,
    pub raw: String,
}

/// Counts the writer keeps.
#[derive(Debug, Default)]
pub(crate) struct Written {
    pub indicators_seen: u64,
    pub imported: u64,
    pub objects: u64,
}

/// Writes one batch inside the import's transaction: indicators first (reports refer to
/// them), then reports, then objects.
pub(crate) async fn write_batch(
    tx: &mut Tx,
    batch: &Batch,
    from: Provenance,
    written: &mut Written,
) -> AppResult<()> {
    let from = Provenance {
        known_source: from.known_source || batch.repeats,
        ..from
    };
    // In key order, each once: sorted rows land on neighbouring index pages, so a batch
    // touches a few pages per statement instead of one page per row.
    let mut indicators: Vec<&(Uuid, String, String)> = batch.indicators.iter().collect();
    indicators.sort_unstable_by_key(|(id, _, _)| *id);
    written.indicators_seen += indicators.len() as u64;
    indicators.dedup_by_key(|(id, _, _)| *id);
    for chunk in indicators.chunks(INDICATOR_BATCH) {
        let rows: Vec<NewIndicator<'_>> = chunk
            .iter()
            .map(|(id, kind, value)| NewIndicator {
                id: *id,
                kind,
                value,
            })
            .collect();
        written.imported += tx.insert_indicators(&rows, from.received_at).await?;
    }
    // The last report of an indicator under one reference wins, as it would row by row (and
    // one statement may not change the same row twice): a stable sort keeps file order among
    // equal keys, and the last of each run is kept.
    let mut reports: Vec<&OwnedReport> = batch.reports.iter().collect();
    reports.sort_by(|a, b| {
        (a.indicator_id, a.reference.as_str()).cmp(&(b.indicator_id, b.reference.as_str()))
    });
    let mut last: Vec<&OwnedReport> = Vec::with_capacity(reports.len());
    for r in reports {
        match last.last_mut() {
            Some(prev) if prev.indicator_id == r.indicator_id && prev.reference == r.reference => {
                *prev = r;
            }
            _ => last.push(r),
        }
    }
    for chunk in last.chunks(REPORT_BATCH) {
        let rows: Vec<NewReport<'_>> = chunk
            .iter()
            .map(|r| NewReport {
                indicator_id: r.indicator_id,
                reference: &r.reference,
                marking: &r.marking,
                original_markings: &r.original_markings,
                valid_until: r.valid_until,
                confidence: r.confidence,
                revoked: r.revoked,
            })
            .collect();
        tx.upsert_reports(&rows, from).await?;
    }
    for chunk in batch.objects.chunks(REPORT_BATCH) {
        let rows: Vec<NewStixObject<'_>> = chunk
            .iter()
            .map(|o| NewStixObject {
                stix_id: &o.stix_id,
                modified: &o.modified,
                object_type: &o.object_type,
                spec_version: o.spec_version,
                marking: &o.marking,
                raw: &o.raw,
            })
            .collect();
        written.objects += tx.insert_stix_objects(&rows, from).await?;
    }
    Ok(())
}

/// The hex SHA-256 of what an import read, for its run record.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn rfc3339(t: Option<OffsetDateTime>) -> String {
    t.map(cybernav_core::instant::rfc3339_utc)
        .unwrap_or_default()
}

fn rejected_item(r: Rejected) -> RejectedItem {
    RejectedItem {
        id: r
            .id
            .unwrap_or_else(|| format!("objects[{}] (line {})", r.index, r.line)),
        reason: r.reason,
    }
}

/// Turns STIX objects into rows, resolving markings against the bundle's table.
struct StixReader {
    table: MarkingTable,
    default: Marking,
    /// Interned marking JSON, so a million rows share a handful of strings.
    markings: Vec<(Marking, Arc<str>)>,
    originals: Vec<(Vec<String>, Arc<str>)>,
    /// Hashes of the indicator object ids read so far (8 bytes each, not the ids): a repeat
    /// marks its batch, whose reports may then update ones this import stored.
    seen: HashSet<u64>,
    hasher: std::collections::hash_map::RandomState,
}

impl StixReader {
    fn intern(&mut self, m: Marking) -> Arc<str> {
        if let Some((_, s)) = self.markings.iter().find(|(k, _)| *k == m) {
            return s.clone();
        }
        let s: Arc<str> = marking_json(&m).into();
        self.markings.push((m, s.clone()));
        s
    }

    fn original(&mut self, refs: Vec<String>) -> Arc<str> {
        if let Some((_, s)) = self.originals.iter().find(|(k, _)| *k == refs) {
            return s.clone();
        }
        let s: Arc<str> = serde_json::to_string(&refs)
            .unwrap_or_else(|_| "[]".to_string())
            .into();
        if self.originals.len() < 256 {
            self.originals.push((refs, s.clone()));
        }
        s
    }

    /// The references of an object not yet resolvable, if any.
    fn unknown_refs<'o>(&self, o: &'o StixObject<'_>) -> Vec<&'o str> {
        let refs: Vec<&str> = match o {
            StixObject::Indicator(i) => i.marking_refs().collect(),
            StixObject::Identity(_) | StixObject::MarkingDefinition(_) => Vec::new(),
            StixObject::Other(x) => x.object_marking_refs.iter().map(String::as_str).collect(),
        };
        let unknown = self.table.resolve(refs.iter().copied()).unknown_refs;
        refs.into_iter()
            .filter(|r| unknown.iter().any(|u| u == r))
            .collect()
    }

    /// Adds one object (already known to resolve) to the batch.
    fn take(&mut self, raw: &str, o: StixObject<'_>, batch: &mut Batch) {
        match o {
            StixObject::MarkingDefinition(m) => {
                self.table.add(&m.id, m.meaning.clone());
                let marking = self.intern(Marking::tlp(Tlp::Clear));
                batch.objects.push(OwnedObject {
                    stix_id: m.id,
                    modified: rfc3339(m.created),
                    object_type: "marking-definition".into(),
                    spec_version: "2.1",
                    marking,
                    raw: raw.to_string(),
                });
            }
            StixObject::Identity(i) => {
                let marking = self.intern(self.default.clone());
                batch.objects.push(OwnedObject {
                    stix_id: i.id,
                    modified: rfc3339(i.modified),
                    object_type: "identity".into(),
                    spec_version: i.spec_version.as_str(),
                    marking,
                    raw: raw.to_string(),
                });
            }
            StixObject::Other(x) => {
                let resolved = self
                    .table
                    .resolve(x.object_marking_refs.iter().map(String::as_str));
                let marking = apply_default(resolved, &self.default);
                let marking = self.intern(marking);
                batch.objects.push(OwnedObject {
                    stix_id: x.id,
                    modified: rfc3339(x.modified),
                    object_type: x.object_type,
                    spec_version: x.spec_version.as_str(),
                    marking,
                    raw: raw.to_string(),
                });
            }
            StixObject::Indicator(i) => {
                let resolved = self.table.resolve(i.marking_refs());
                let marking = apply_default(resolved, &self.default);
                let marking = self.intern(marking);
                let refs: Vec<String> = i.marking_refs().map(str::to_string).collect();
                let original = self.original(refs);
                match &i.outcome {
                    PatternOutcome::Indicators(found) => {
                        let key = std::hash::BuildHasher::hash_one(&self.hasher, i.id.as_str());
                        if !self.seen.insert(key) {
                            batch.repeats = true;
                        }
                        for ind in found {
                            let id = indicator_id(ind);
                            batch.indicators.push((
                                id,
                                ind.kind().as_str().to_string(),
                                ind.value().to_string(),
                            ));
                            batch.reports.push(OwnedReport {
                                indicator_id: id,
                                reference: i.id.clone(),
                                marking: marking.clone(),
                                original_markings: original.clone(),
                                valid_until: i.valid_until,
                                confidence: i.confidence.map(i64::from),
                                revoked: i.revoked,
                            });
                        }
                    }
                    PatternOutcome::PatternOnly { .. } => {
                        // Kept intact, as the object it came in.
                        batch.patterns_kept += 1;
                        batch.objects.push(OwnedObject {
                            modified: rfc3339(i.modified.or(i.created)),
                            stix_id: i.id,
                            object_type: "indicator".into(),
                            spec_version: i.spec_version.as_str(),
                            marking,
                            raw: raw.to_string(),
                        });
                    }
                }
            }
        }
    }
}

/// Reads `bytes` as a STIX bundle on the calling (blocking) thread, sending batches to
/// `out`. Returns the bundle error if the file is not a readable bundle.
fn read_stix(
    bytes: &[u8],
    default: Marking,
    out: &tokio::sync::mpsc::Sender<Batch>,
) -> Result<(), BundleError> {
    let mut reader = StixReader {
        table: MarkingTable::new(),
        default,
        markings: Vec::new(),
        originals: Vec::new(),
        seen: HashSet::new(),
        hasher: std::collections::hash_map::RandomState::new(),
    };
    let mut batch = Batch::default();
    let mut waiting: Vec<(&str, StixObject<'_>)> = Vec::new();
    let mut closed = false;
    read_bundle_raw(bytes, |raw, object| {
        if closed {
            return;
        }
        match object {
            Err(r) => batch.rejected.push(rejected_item(r)),
            Ok(o) => {
                if reader.unknown_refs(&o).is_empty() {
                    reader.take(raw, o, &mut batch);
                } else {
                    waiting.push((raw, o));
                }
            }
        }
        if batch.len() >= OBJECTS_PER_BATCH {
            closed = out.blocking_send(std::mem::take(&mut batch)).is_err();
        }
    })?;
    for (raw, o) in waiting {
        let unknown = reader.unknown_refs(&o);
        if unknown.is_empty() {
            reader.take(raw, o, &mut batch);
        } else {
            let id = match &o {
                StixObject::Indicator(i) => i.id.clone(),
                StixObject::Other(x) => x.id.clone(),
                StixObject::Identity(i) => i.id.clone(),
                StixObject::MarkingDefinition(m) => m.id.clone(),
            };
            batch.rejected.push(RejectedItem {
                id,
                reason: format!(
                    "marking {} is not defined in the bundle and is not a TLP marking; the object is held back rather than shared under a guessed marking",
                    unknown.join(", ")
                ),
            });
        }
    }
    let _ = out.blocking_send(batch);
    Ok(())
}

/// Where an import came from, for its run record and the audit log.
#[derive(Debug, Clone)]
pub struct IntakeFile<'a> {
    /// The file name (or feed address) as the person gave it.
    pub name: &'a str,
    /// `stix`, `misp`, `list`.
    pub format: &'a str,
}

impl App {
    /// Imports a STIX 2.0 or 2.1 bundle from `source`. See the module documentation.
    pub async fn import_stix(
        &self,
        cap: &IntakeWriter<'_>,
        source: &SourceSpec,
        file_name: &str,
        bytes: Vec<u8>,
        meta: &RequestMeta,
    ) -> AppResult<IntakeSummary> {
        let mut tx = self.store.begin().await?;
        tx.begin_bulk().await?;
        let result = stix_in(&mut tx, cap, source, file_name, bytes, meta).await;
        // The connection goes back to the pool with its usual cache, committed or not.
        tx.end_bulk().await?;
        let summary = result?;
        tx.commit().await?;
        Ok(summary)
    }
}

/// The body of [`App::import_stix`], inside its transaction.
pub(crate) async fn stix_in(
    tx: &mut Tx,
    cap: &IntakeWriter<'_>,
    source: &SourceSpec,
    file_name: &str,
    bytes: Vec<u8>,
    meta: &RequestMeta,
) -> AppResult<IntakeSummary> {
    let sha = sha256_hex(&bytes);
    let src = source_in(tx, source).await?;
    let run = start_run(tx, cap.actor(), &src, file_name, "stix", sha).await?;
    let from = Provenance {
        source_id: src.id,
        run_id: run.id,
        received_at: run.received_at,
        // A source registered by this import has no reports yet: SQLite then only inserts.
        known_source: !src.registered,
    };

    let (send, mut receive) = tokio::sync::mpsc::channel::<Batch>(4);
    let default = src.default_marking.clone();
    let reading = tokio::task::spawn_blocking(move || read_stix(&bytes, default, &send));

    let mut written = Written::default();
    let mut summary = IntakeSummary {
        run_id: run.id,
        ..IntakeSummary::default()
    };
    let mut failed = None;
    while let Some(batch) = receive.recv().await {
        if failed.is_some() {
            continue;
        }
        summary.patterns_kept += batch.patterns_kept;
        summary.rejected.extend(batch.rejected.iter().cloned());
        if let Err(e) = write_batch(tx, &batch, from, &mut written).await {
            failed = Some(e);
            // Dropping the receiver stops the reader at its next batch.
            receive.close();
        }
    }
    if let Some(e) = failed {
        return Err(e);
    }
    match reading.await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => {
            return Err(AppError::invalid(
                "file",
                format!(
                    "{file_name}: line {}, column {}: {}; nothing was imported",
                    e.line, e.column, e.message
                ),
            ));
        }
        // The reader panicked: a bug, not bad input; nothing was committed.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    }
    summary.imported = written.imported;
    summary.duplicates = written.indicators_seen - written.imported;
    summary.objects = written.objects;
    finish_run(tx, cap.actor(), meta, &src, run, &summary, file_name).await?;
    Ok(summary)
}

/// Records the start of a run (its counts are filled in by [`finish_run`]).
pub(crate) async fn start_run(
    tx: &mut Tx,
    actor: &Actor,
    src: &Source,
    file_name: &str,
    format: &str,
    sha256: String,
) -> AppResult<RunRow> {
    let run = RunRow {
        id: Uuid::new_v4(),
        source_id: src.id,
        source_name: String::new(),
        format: format.to_string(),
        file_name: file_name.to_string(),
        sha256,
        received_at: now(),
        imported: 0,
        duplicates: 0,
        objects: 0,
        rejected: 0,
        rejected_detail: "[]".to_string(),
        run_by: actor.account_id(),
    };
    tx.insert_intake_run(&run).await?;
    Ok(run)
}

/// Records a run's counts and audits the import (counts and file, never content).
pub(crate) async fn finish_run(
    tx: &mut Tx,
    actor: &Actor,
    meta: &RequestMeta,
    src: &Source,
    mut run: RunRow,
    summary: &IntakeSummary,
    file_name: &str,
) -> AppResult<()> {
    run.imported = summary.imported as i64;
    run.duplicates = summary.duplicates as i64;
    run.objects = summary.objects as i64;
    run.rejected = summary.rejected.len() as i64;
    let kept: Vec<&RejectedItem> = summary.rejected.iter().take(RUN_REJECTED_KEPT).collect();
    run.rejected_detail = serde_json::to_string(&kept).unwrap_or_else(|_| "[]".to_string());
    tx.finish_intake_run(&run).await?;
    audit::Entry::new("intake.import", "intake_run", run.id)
        .changes(json!({
            "file": file_name,
            "source": src.name,
            "source_registered": src.registered,
            "default_marking": src.default_marking.label(),
            "format": run.format,
            "sha256": run.sha256,
            "imported": run.imported,
            "duplicates": run.duplicates,
            "objects": run.objects,
            "rejected": run.rejected,
        }))
        .record(tx, actor, meta, run.received_at)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use cybernav_core::sharing::IndicatorKind;
    use cybernav_core::sharing::marking::Caveats;

    #[test]
    fn indicator_ids_are_stable_and_distinct() {
        let a = Indicator::parse(IndicatorKind::Domain, "Example.COM").unwrap();
        let b = Indicator::parse(IndicatorKind::Domain, "example.com").unwrap();
        let c = Indicator::parse(IndicatorKind::Domain, "example.org").unwrap();
        assert_eq!(indicator_id(&a), indicator_id(&b));
        assert_ne!(indicator_id(&a), indicator_id(&c));
    }

    #[test]
    fn default_marking_fills_tlp_and_adds_caveats() {
        let default =
            Marking::tlp(Tlp::Amber).with_caveat(cybernav_core::sharing::marking::Caveat::Fouo);
        let m = apply_default(ResolvedMarking::default(), &default);
        assert_eq!(m.label(), "TLP:AMBER FOUO");
        let named = ResolvedMarking {
            tlp: Some(Tlp::Green),
            caveats: Caveats::new(),
            ..ResolvedMarking::default()
        };
        assert_eq!(apply_default(named, &default).label(), "TLP:GREEN FOUO");
    }
}
