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

use std::sync::Arc;

use cybernav_core::authz::{Actor, IntakeWriter};
use cybernav_core::sharing::Indicator;
use cybernav_core::sharing::marking::{Marking, Tlp};
use cybernav_formats::stix::markings::{MarkingTable, ResolvedMarking};
use cybernav_formats::stix::{
    BundleError, Lines, PatternOutcome, Rejected, SpecVersion, StixObject, read_bundle_object,
    split_bundle,
};
use cybernav_store::intake::{
    NewIndicator, NewReport, NewStixObject, Provenance, REPORT_BATCH, RunRow, SourceRow,
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

/// Distinct lists of marking references a reader remembers the resolution of (a feed uses a
/// handful; a bundle with more is read all the same, resolving the rest each time).
const SETS_KEPT: usize = 256;

/// Refusals kept in a run's record (all of them are in the summary returned).
pub const RUN_REJECTED_KEPT: usize = 1_000;

/// The id of an indicator.
pub fn indicator_id(i: &Indicator) -> Uuid {
    let (kind, value) = i.dedupe_key();
    // `Uuid::new_v5(&INDICATOR_NAMESPACE, "kind:value")`, with a SHA-1 that uses the CPU's
    // SHA instructions where it has them (a million imported indicators spent 0.4 s here).
    use sha1::Digest;
    let mut h = sha1::Sha1::new();
    h.update(INDICATOR_NAMESPACE.as_bytes());
    h.update(kind.as_str().as_bytes());
    h.update(b":");
    h.update(value.as_bytes());
    let digest = h.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    uuid::Builder::from_sha1_bytes(first).into_uuid()
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

/// Indicators, reports and objects read, owned, on their way to the writer. The texts of
/// the rows (values and references) are kept end to end in one string, so a million rows
/// are not two million small allocations.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// Values and references of `rows`.
    text: String,
    /// The last reference added, so the indicators of one object share its text.
    last_reference: Option<Span>,
    /// One per indicator read: the indicator and the source's report of it.
    pub rows: Vec<Row>,
    pub objects: Vec<OwnedObject>,
    pub rejected: Vec<RejectedItem>,
    pub patterns_kept: u64,
    /// An indicator object in this batch has an id seen earlier in the same file, so its
    /// reports may already be stored by this import.
    pub repeats: bool,
}

/// Where a row's text is in its batch's string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    at: usize,
    len: usize,
}

/// An indicator and one source's report of it.
#[derive(Debug)]
pub(crate) struct Row {
    pub indicator_id: Uuid,
    pub kind: &'static str,
    value: Span,
    reference: Span,
    pub marking: Arc<str>,
    pub original_markings: Arc<str>,
    pub valid_until: Option<OffsetDateTime>,
    pub confidence: Option<i64>,
    pub revoked: bool,
}

/// A source's report of an indicator, as it is added to a batch.
#[derive(Debug)]
pub(crate) struct SourceReport<'r> {
    /// What in the source it came from: a STIX id, a MISP attribute UUID, `line N`.
    pub reference: &'r str,
    pub marking: Arc<str>,
    pub original_markings: Arc<str>,
    pub valid_until: Option<OffsetDateTime>,
    pub confidence: Option<i64>,
    pub revoked: bool,
}

impl Batch {
    fn text_of(&self, s: Span) -> &str {
        let text = self.text.get(s.at..s.at + s.len);
        debug_assert!(text.is_some(), "a span outside its batch's text");
        text.unwrap_or_default()
    }

    fn keep(&mut self, s: &str) -> Span {
        let at = self.text.len();
        self.text.push_str(s);
        Span { at, len: s.len() }
    }

    /// Adds an indicator with one source's report of it.
    pub(crate) fn add(&mut self, indicator: &Indicator, report: SourceReport<'_>) {
        let indicator_id = indicator_id(indicator);
        let value = self.keep(indicator.value());
        let reference = match self.last_reference {
            Some(last) if self.text_of(last) == report.reference => last,
            _ => {
                let span = self.keep(report.reference);
                self.last_reference = Some(span);
                span
            }
        };
        self.rows.push(Row {
            indicator_id,
            kind: indicator.kind().as_str(),
            value,
            reference,
            marking: report.marking,
            original_markings: report.original_markings,
            valid_until: report.valid_until,
            confidence: report.confidence,
            revoked: report.revoked,
        });
    }

    /// The indicator's normalised value.
    pub(crate) fn value(&self, row: &Row) -> &str {
        self.text_of(row.value)
    }

    /// The report's reference.
    pub(crate) fn reference(&self, row: &Row) -> &str {
        self.text_of(row.reference)
    }

    /// Adds `later`, read after this batch's rows.
    fn append(&mut self, mut later: Batch) {
        let shift = self.text.len();
        self.text.push_str(&later.text);
        self.rows.extend(later.rows.drain(..).map(|mut r| {
            r.value.at += shift;
            r.reference.at += shift;
            r
        }));
        self.last_reference = None;
        self.objects.append(&mut later.objects);
        self.rejected.append(&mut later.rejected);
        self.patterns_kept += later.patterns_kept;
        self.repeats |= later.repeats;
    }
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

/// The batch's indicators, each once, and its reports, the last read of each indicator and
/// reference, both in key order: rows in key order land on neighbouring index pages, where
/// rows in file order would each touch a page of their own. The sorts order (id, position)
/// pairs, which compare without following pointers, on two threads; the rows, in file order,
/// are then visited in key order (a cache miss each), also on two threads.
fn in_key_order(batch: &Batch) -> (Vec<NewIndicator<'_>>, Vec<NewReport<'_>>) {
    let rows = &batch.rows;
    let mut order: Vec<(Uuid, usize)> = rows
        .iter()
        .enumerate()
        .map(|(n, r)| (r.indicator_id, n))
        .collect();
    let (front, back) = order.split_at_mut(rows.len() / 2);
    std::thread::scope(|scope| {
        scope.spawn(|| front.sort_unstable());
        back.sort_unstable();
    });
    let mut order = merge_sorted(&order[..rows.len() / 2], &order[rows.len() / 2..]);
    // The last report of an indicator under one reference wins, as it would row by row (and
    // one statement may not change the same row twice): position breaks ties, so the last of
    // each run of equal keys is the one read last. The order is already by indicator and
    // position, so only an indicator's own reports (rarely more than one) need sorting.
    for same in order.chunk_by_mut(|a, b| a.0 == b.0) {
        if same.len() > 1 {
            same.sort_by(|a, b| {
                batch
                    .reference(&rows[a.1])
                    .cmp(batch.reference(&rows[b.1]))
                    .then(a.1.cmp(&b.1))
            });
        }
    }
    let mut first: Vec<usize> = Vec::with_capacity(order.len());
    let mut last: Vec<usize> = Vec::with_capacity(order.len());
    let mut previous: Option<(Uuid, usize)> = None;
    for &(id, n) in &order {
        match previous {
            Some((p, at)) if p == id && batch.reference(&rows[at]) == batch.reference(&rows[n]) => {
                if let Some(l) = last.last_mut() {
                    *l = n;
                }
            }
            Some((p, _)) if p == id => last.push(n),
            _ => {
                first.push(n);
                last.push(n);
            }
        }
        previous = Some((id, n));
    }
    drop(order);
    let indicators = gather(batch, &first, |r| NewIndicator {
        id: r.indicator_id,
        kind: r.kind,
        value: batch.value(r),
    });
    let reports = gather(batch, &last, |r| NewReport {
        indicator_id: r.indicator_id,
        reference: batch.reference(r),
        marking: &r.marking,
        original_markings: &r.original_markings,
        valid_until: r.valid_until,
        confidence: r.confidence,
        revoked: r.revoked,
    });
    (indicators, reports)
}

/// `a` and `b`, each sorted, as one sorted list.
fn merge_sorted<T: Ord + Copy>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() && j < b.len() {
        if b[j] < a[i] {
            out.push(b[j]);
            j += 1;
        } else {
            out.push(a[i]);
            i += 1;
        }
    }
    out.extend_from_slice(&a[i..]);
    out.extend_from_slice(&b[j..]);
    out
}

/// Rows read ahead of the one being turned into a value, so that the memory of the next few
/// is already on its way (their loads do not wait for each other): without it each row and
/// its texts cost a wait for memory, one after the other.
const READ_AHEAD: usize = 16;

/// `make` of the rows at positions `at`, in that order, on two threads.
fn gather<'b, T: Send>(
    batch: &'b Batch,
    at: &[usize],
    make: impl Fn(&'b Row) -> T + Sync,
) -> Vec<T> {
    let part = |at: &[usize]| -> Vec<T> {
        let mut out = Vec::with_capacity(at.len());
        for (k, &n) in at.iter().enumerate() {
            // Loads whose values are kept, so they are made, and not waited for: the row
            // READ_AHEAD places on, and the texts of the one half as far on, whose row is by
            // now at hand.
            if let Some(&ahead) = at.get(k + READ_AHEAD) {
                std::hint::black_box(batch.rows[ahead].value.at);
            }
            if let Some(&ahead) = at.get(k + READ_AHEAD / 2) {
                let r = &batch.rows[ahead];
                let text = batch.text.as_bytes();
                std::hint::black_box((text.get(r.value.at), text.get(r.reference.at)));
            }
            out.push(make(&batch.rows[n]));
        }
        out
    };
    let (front, back) = at.split_at(at.len() / 2);
    let (mut out, rest) = std::thread::scope(|scope| {
        let front = scope.spawn(|| part(front));
        let rest = part(back);
        (
            front
                .join()
                .unwrap_or_else(|e| std::panic::resume_unwind(e)),
            rest,
        )
    });
    out.extend(rest);
    out
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
    let started = std::time::Instant::now();
    let (new, reports) = in_key_order(batch);
    written.indicators_seen += batch.rows.len() as u64;
    // Times only: what a batch holds never goes to the log.
    tracing::debug!(
        rows = batch.rows.len(),
        ordered_ms = started.elapsed().as_millis(),
        "batch put in key order"
    );
    written.imported += tx.add_indicator_reports(&new, &reports, from).await?;
    drop((new, reports));
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
    /// Per list of marking references met (up to [`SETS_KEPT`]): the references as sent
    /// (JSON) and the resolved marking. Emptied when a definition is added.
    resolved: Vec<(Vec<String>, Arc<str>, Arc<str>)>,
    /// Hashes of the indicator object ids read (8 bytes each, not the ids); a repeat among
    /// them, found once every part is read, marks the batch, whose reports may then update
    /// ones this import stored. A sorted list finds repeats faster than a set filled as
    /// objects are read.
    seen: Vec<u64>,
    hasher: std::collections::hash_map::RandomState,
}

impl StixReader {
    fn new(default: Marking, hasher: std::collections::hash_map::RandomState) -> StixReader {
        StixReader {
            table: MarkingTable::new(),
            default,
            markings: Vec::new(),
            resolved: Vec::new(),
            seen: Vec::new(),
            hasher,
        }
    }

    fn intern(&mut self, m: Marking) -> Arc<str> {
        if let Some((_, s)) = self.markings.iter().find(|(k, _)| *k == m) {
            return s.clone();
        }
        let s: Arc<str> = marking_json(&m).into();
        self.markings.push((m, s.clone()));
        s
    }

    /// The markings as sent and the resolved marking of an object referring to `refs`, all
    /// of them known.
    fn markings_of<'r>(
        &mut self,
        refs: impl Iterator<Item = &'r str> + Clone,
    ) -> (Arc<str>, Arc<str>) {
        if let Some((_, original, marking)) = self
            .resolved
            .iter()
            .find(|(k, _, _)| k.iter().map(String::as_str).eq(refs.clone()))
        {
            return (original.clone(), marking.clone());
        }
        let marking = apply_default(self.table.resolve(refs.clone()), &self.default);
        let marking = self.intern(marking);
        let refs: Vec<String> = refs.map(str::to_string).collect();
        let original: Arc<str> = serde_json::to_string(&refs)
            .unwrap_or_else(|_| "[]".to_string())
            .into();
        if self.resolved.len() < SETS_KEPT {
            self.resolved
                .push((refs, original.clone(), marking.clone()));
        }
        (original, marking)
    }

    /// The references of an object not yet resolvable, if any.
    fn unknown_refs<'o>(&self, o: &'o StixObject<'_>) -> Vec<&'o str> {
        if let StixObject::Indicator(i) = o
            && self
                .resolved
                .iter()
                .any(|(k, _, _)| k.iter().map(String::as_str).eq(i.marking_refs()))
        {
            return Vec::new();
        }
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
                // Known already when the bundle's definitions were gathered first.
                if !self.table.contains(&m.id) {
                    self.table.add(&m.id, m.meaning.clone());
                    self.resolved.clear();
                }
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
                let (original, marking) = self.markings_of(i.marking_refs());
                let i = *i;
                match i.outcome {
                    PatternOutcome::Indicators(found) => {
                        self.seen
                            .push(std::hash::BuildHasher::hash_one(&self.hasher, &*i.id));
                        for ind in &found {
                            batch.add(
                                ind,
                                SourceReport {
                                    reference: &i.id,
                                    marking: marking.clone(),
                                    original_markings: original.clone(),
                                    valid_until: i.valid_until,
                                    confidence: i.confidence.map(i64::from),
                                    revoked: i.revoked,
                                },
                            );
                        }
                    }
                    PatternOutcome::PatternOnly { .. } => {
                        // Kept intact, as the object it came in.
                        batch.patterns_kept += 1;
                        batch.objects.push(OwnedObject {
                            modified: rfc3339(i.modified.or(i.created)),
                            stix_id: i.id.into_owned(),
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

/// What one thread read of a part of a bundle.
struct Part<'a> {
    reader: StixReader,
    batch: Batch,
    /// Objects whose marking references were not defined in the part, to resolve once every
    /// part's definitions are known.
    waiting: Vec<(&'a str, StixObject<'a>)>,
}

/// Reads `objects` (texts of the bundle `bytes`, the first being `objects[first]`).
fn read_part<'a>(
    bytes: &'a [u8],
    objects: &[&'a str],
    first: usize,
    spec_version: Option<SpecVersion>,
    mut reader: StixReader,
) -> Part<'a> {
    let mut batch = Batch::default();
    let mut waiting = Vec::new();
    let mut lines = Lines::new(bytes);
    for (n, raw) in objects.iter().enumerate() {
        match read_bundle_object(raw, first + n, spec_version, &mut lines) {
            Err(r) => batch.rejected.push(rejected_item(r)),
            Ok(o) => {
                if reader.unknown_refs(&o).is_empty() {
                    reader.take(raw, o, &mut batch);
                } else {
                    waiting.push((*raw, o));
                }
            }
        }
    }
    Part {
        reader,
        batch,
        waiting,
    }
}

/// Threads that read a bundle's objects.
const READ_THREADS: usize = 2;

/// The marking definitions among `objects` (texts of the bundle `bytes`). Only a text holding
/// the JSON string `"marking-definition"` (a definition's type; a reference has `--` and an
/// id after the name) is read; a definition written some other way is still found, later, by
/// the reader of its part.
fn definitions_in(
    bytes: &[u8],
    objects: &[&str],
    spec_version: Option<SpecVersion>,
) -> MarkingTable {
    let needle = memchr::memmem::Finder::new("\"marking-definition\"");
    let mut table = MarkingTable::new();
    let mut lines = Lines::new(bytes);
    for raw in objects {
        if needle.find(raw.as_bytes()).is_none() {
            continue;
        }
        if let Ok(StixObject::MarkingDefinition(m)) =
            read_bundle_object(raw, 0, spec_version, &mut lines)
        {
            table.add(&m.id, m.meaning);
        }
    }
    table
}

/// Reads `bytes` as a STIX bundle into one batch: the bundle is split into its objects' texts,
/// and the objects are read by [`READ_THREADS`] threads, each a contiguous part, so rows stay
/// in file order. The parts first find their marking definitions, so that every object is
/// read with all of the bundle's definitions known, in its place (a definition given twice
/// means what it says last). Returns the bundle error if the file is not a readable bundle.
fn read_stix(bytes: &[u8], default: Marking) -> Result<Batch, BundleError> {
    let mut clock = std::time::Instant::now();
    let mut lap = move || {
        let took = clock.elapsed();
        clock = std::time::Instant::now();
        took.as_millis()
    };
    let split = split_bundle(bytes)?;
    let split_ms = lap();
    let spec_version = split.spec_version;
    let per_part = split.objects.len().div_ceil(READ_THREADS).max(1);
    let tables: Vec<MarkingTable> = std::thread::scope(|scope| {
        let handles: Vec<_> = split
            .objects
            .chunks(per_part)
            .map(|objects| scope.spawn(move || definitions_in(bytes, objects, spec_version)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let mut definitions = MarkingTable::new();
    for t in tables {
        definitions.merge(t);
    }
    let definitions_ms = lap();
    // One hasher for every part, so the hashes of their object ids can be compared.
    let hasher = std::collections::hash_map::RandomState::new();
    let parts: Vec<Part<'_>> = std::thread::scope(|scope| {
        let handles: Vec<_> = split
            .objects
            .chunks(per_part)
            .enumerate()
            .map(|(n, objects)| {
                let mut reader = StixReader::new(default.clone(), hasher.clone());
                reader.table = definitions.clone();
                scope.spawn(move || read_part(bytes, objects, n * per_part, spec_version, reader))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    let objects_ms = lap();
    let mut parts = parts.into_iter();
    let Some(first) = parts.next() else {
        return Ok(Batch::default());
    };
    let (mut reader, mut batch, mut waiting) = (first.reader, first.batch, first.waiting);
    for part in parts {
        reader.seen.extend(&part.reader.seen);
        reader.table.merge(part.reader.table);
        reader.resolved.clear();
        batch.append(part.batch);
        waiting.extend(part.waiting);
    }
    for (raw, o) in waiting {
        let unknown = reader.unknown_refs(&o);
        if unknown.is_empty() {
            reader.take(raw, o, &mut batch);
        } else {
            let id = match &o {
                StixObject::Indicator(i) => i.id.to_string(),
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
    reader.seen.sort_unstable();
    batch.repeats |= reader.seen.windows(2).any(|w| w[0] == w[1]);
    // Times only: what a bundle holds never goes to the log.
    tracing::debug!(
        split_ms,
        definitions_ms,
        objects_ms,
        merge_ms = lap(),
        "STIX bundle read"
    );
    Ok(batch)
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
        bytes: impl AsRef<[u8]> + Send + Sync + 'static,
        meta: &RequestMeta,
    ) -> AppResult<IntakeSummary> {
        let mut tx = self.store.begin().await?;
        tx.begin_bulk().await?;
        let result = stix_in(&mut tx, cap, source, file_name, bytes, meta).await;
        // The connection goes back to the pool with its usual cache, committed or not.
        tx.end_bulk().await?;
        let summary = result?;
        let committing = std::time::Instant::now();
        tx.commit().await?;
        // Times only.
        tracing::debug!(
            committed_ms = committing.elapsed().as_millis(),
            "STIX import committed"
        );
        Ok(summary)
    }
}

/// The body of [`App::import_stix`], inside its transaction.
pub(crate) async fn stix_in(
    tx: &mut Tx,
    cap: &IntakeWriter<'_>,
    source: &SourceSpec,
    file_name: &str,
    bytes: impl AsRef<[u8]> + Send + Sync + 'static,
    meta: &RequestMeta,
) -> AppResult<IntakeSummary> {
    let src = source_in(tx, source).await?;
    // The digest is filled in once taken, below.
    let mut run = start_run(tx, cap.actor(), &src, file_name, "stix", String::new()).await?;
    let from = Provenance {
        source_id: src.id,
        run_id: run.id,
        received_at: run.received_at,
        // A source registered by this import has no reports yet: SQLite then only inserts.
        known_source: !src.registered,
    };

    // The file's digest is taken on one thread while the bundle is read on others.
    let started = std::time::Instant::now();
    let bytes = Arc::new(bytes);
    let digest = {
        let bytes = bytes.clone();
        tokio::task::spawn_blocking(move || sha256_hex((*bytes).as_ref()))
    };
    let default = src.default_marking.clone();
    let reading = tokio::task::spawn_blocking(move || read_stix((*bytes).as_ref(), default));
    let batch = match reading.await {
        Ok(Ok(batch)) => batch,
        Ok(Err(e)) => {
            return Err(AppError::invalid(
                "file",
                format!(
                    "{file_name}: line {}, column {}: {}; nothing was imported",
                    e.line, e.column, e.message
                ),
            ));
        }
        // A reader panicked: a bug, not bad input; nothing was committed.
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    run.sha256 = match digest.await {
        Ok(sha) => sha,
        Err(e) => std::panic::resume_unwind(e.into_panic()),
    };
    let mut written = Written::default();
    let mut summary = IntakeSummary {
        run_id: run.id,
        patterns_kept: batch.patterns_kept,
        ..IntakeSummary::default()
    };
    summary.rejected.extend(batch.rejected.iter().cloned());
    let read = started.elapsed();
    write_batch(tx, &batch, from, &mut written).await?;
    // Counts and times only: what an import held never goes to the log.
    tracing::debug!(
        indicators = batch.rows.len(),
        read_ms = read.as_millis(),
        written_ms = (started.elapsed() - read).as_millis(),
        "STIX bundle read and written"
    );
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

    fn indicator(n: u32, id: &str, pattern: &str, refs: &[&str]) -> serde_json::Value {
        json!({"type": "indicator", "spec_version": "2.1", "id": id,
               "created": format!("2026-10-01T12:00:{:02}Z", n % 60),
               "modified": format!("2026-10-01T12:00:{:02}Z", n % 60),
               "pattern": pattern, "valid_from": "2026-10-01T12:00:00Z",
               "object_marking_refs": refs})
    }

    /// The parts read on separate threads make one batch in file order, as one thread would.
    #[test]
    fn a_bundle_read_in_parts_is_one_batch_in_file_order() {
        let green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
        let same = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
        let mut objects: Vec<serde_json::Value> = (0..9u32)
            .map(|n| {
                indicator(
                    n,
                    &format!("indicator--00000000-0000-4000-8000-{n:012}"),
                    &format!("[domain-name:value = 'host{n}.example']"),
                    &[green],
                )
            })
            .collect();
        // The same object in the first part and in the last: its batch is marked as
        // repeating, so the writer looks for the report the first one stored.
        objects[0] = indicator(0, same, "[domain-name:value = 'first.example']", &[green]);
        objects.push(indicator(
            9,
            same,
            "[domain-name:value = 'last.example']",
            &[green],
        ));
        objects.push(json!(42));
        let bundle = json!({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
                            "objects": objects});
        let bytes = serde_json::to_vec_pretty(&bundle).unwrap();
        let batch = read_stix(&bytes, Marking::tlp(Tlp::Amber)).unwrap();
        assert!(batch.repeats);
        let values: Vec<&str> = batch.rows.iter().map(|r| batch.value(r)).collect();
        let mut expected = vec!["first.example".to_string()];
        expected.extend((1..9).map(|n| format!("host{n}.example")));
        expected.push("last.example".to_string());
        assert_eq!(values, expected);
        assert_eq!(batch.rows.len(), 10);
        assert!(
            batch
                .rows
                .iter()
                .all(|r| *r.marking == marking_json(&Marking::tlp(Tlp::Green)))
        );
        // Each row keeps its own object's reference across the parts' joined texts.
        assert_eq!(batch.reference(&batch.rows[0]), same);
        assert_eq!(
            batch.reference(&batch.rows[5]),
            "indicator--00000000-0000-4000-8000-000000000005"
        );
        assert_eq!(batch.reference(&batch.rows[9]), same);
        assert_eq!(batch.rejected.len(), 1);
        assert_eq!(
            batch.rejected[0].id,
            format!("objects[10] (line {})", {
                let text = String::from_utf8(bytes.clone()).unwrap();
                let at = text.rfind("42").unwrap();
                text[..at].matches('\n').count() + 1
            })
        );
        let empty = read_stix(
            br#"{"type": "bundle", "objects": []}"#,
            Marking::tlp(Tlp::Amber),
        )
        .unwrap();
        assert!(empty.rows.is_empty() && !empty.repeats);
    }

    /// A marking defined in the first part applies in the second in place: the rows keep
    /// file order, so the later version of an object still wins.
    #[test]
    fn a_marking_defined_in_one_part_applies_in_place_in_another() {
        let green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb";
        let fouo = "marking-definition--0c9f8e7d-6b5a-4c3d-8e2f-1a0b9c8d7e6f";
        let same = "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f";
        let mut objects = vec![
            json!({"type": "marking-definition", "spec_version": "2.1", "id": fouo,
            "created": "2026-01-01T00:00:00Z", "name": "FOUO", "definition_type": "statement",
            "definition": {"statement": "For Official Use Only"},
            "extensions": {"extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce": {
                "extension_type": "property-extension", "further_sharing": [],
                "formal_determination": ["FOUO"]}}}),
        ];
        objects.extend((1..4u32).map(|n| {
            indicator(
                n,
                &format!("indicator--00000000-0000-4000-8000-{n:012}"),
                &format!("[domain-name:value = 'host{n}.example']"),
                &[green],
            )
        }));
        // The second part: the object first under the defined marking, then withdrawn.
        objects.push(indicator(
            4,
            same,
            "[domain-name:value = 'x.example']",
            &[fouo],
        ));
        let mut withdrawn = indicator(5, same, "[domain-name:value = 'x.example']", &[green]);
        withdrawn["revoked"] = json!(true);
        objects.push(withdrawn);
        let bundle = json!({"type": "bundle", "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
                            "objects": objects});
        let bytes = serde_json::to_vec(&bundle).unwrap();
        let batch = read_stix(&bytes, Marking::tlp(Tlp::Amber)).unwrap();
        assert!(batch.rejected.is_empty(), "{:?}", batch.rejected);
        let x: Vec<&Row> = batch
            .rows
            .iter()
            .filter(|r| batch.value(r) == "x.example")
            .collect();
        assert_eq!(x.len(), 2);
        assert_eq!(&*x[0].marking, "TLP:AMBER FOUO");
        assert!(!x[0].revoked && x[1].revoked, "file order kept");
    }

    #[test]
    fn indicator_ids_are_stable_and_distinct() {
        let a = Indicator::parse(IndicatorKind::Domain, "Example.COM").unwrap();
        let b = Indicator::parse(IndicatorKind::Domain, "example.com").unwrap();
        let c = Indicator::parse(IndicatorKind::Domain, "example.org").unwrap();
        assert_eq!(indicator_id(&a), indicator_id(&b));
        assert_ne!(indicator_id(&a), indicator_id(&c));
        // The ids stored so far are version 5 UUIDs of "kind:value"; they must not change.
        for (kind, value) in [
            (IndicatorKind::Domain, "example.com"),
            (IndicatorKind::Ipv4, "198.51.100.7"),
            (IndicatorKind::Url, "http://bad.example.org/päth?q=1"),
        ] {
            let i = Indicator::parse(kind, value).unwrap();
            let (kind, value) = i.dedupe_key();
            let name = format!("{}:{value}", kind.as_str());
            assert_eq!(
                indicator_id(&i),
                Uuid::new_v5(&INDICATOR_NAMESPACE, name.as_bytes()),
                "{name}"
            );
        }
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
