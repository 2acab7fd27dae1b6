//! The use cases behind the TAXII 2.1 server and two-way sharing: the collections, pages of
//! objects in `(date added, key)` order with TAXII's filters, and reports sent by election
//! authorities (Part 213.50(a)(2)(B)).
//!
//! Collections:
//!
//! * **Board indicators**: the indicators intake stored, published as STIX 2.1 `indicator`
//!   objects under the Board's identity (`cybernav_formats::stix::write`), plus the Board's
//!   identity and its FOUO and CUI marking definitions. A reader sees an indicator when the
//!   access decision lets them see at least one report of it. The object carries one
//!   marking, the least restrictive among those reports (a withdrawn report wins: a revoked
//!   indicator stays revoked), and everything in it (confidence, validity, withdrawal,
//!   `created` and `modified`) comes from the reports with that marking only; its date added
//!   is the time of the latest report the reader may see.
//!   With each indicator election authorities reported seeing, the Board's `sighting` of it:
//!   the sightings the reader may see summed, under the highest of their markings, naming no
//!   authority.
//! * **Shared with the program**: every STIX object intake kept as received (reports,
//!   malware, sightings, identities, marking definitions, indicators kept as patterns).
//! * **Reports to the Board**: what authorities send; writable by the people of an
//!   authority, readable by the Board staff who validate it.
//!
//! Every object passes [`App::may_see`] through its stored marking (held by the Board): the
//! distinct markings of a table are few, so each is decided once per request and the query
//! returns only rows with an allowed one. What a reader may not see is absent, never an error.
//!
//! Paging: a page ends at a position (date added, key); `next` is that position, encoded, so
//! it survives restarts and works on any replica. Rows added together share a date added, and
//! the key (indicator id, or the order of addition) breaks the tie. A row's date added is when
//! its import started, so a page never goes past the start of an import still open
//! ([`cybernav_store::Tx::visible_until`]): a long import committed after a faster one cannot
//! land behind a client's `added_after`. Rows are read [`BATCH_ROWS`] or more at a time
//! ([`Pager`]), whatever the `limit`.

use std::collections::{BTreeSet, HashMap};

use cybernav_core::authz::{Actor, ReportSubmitter, TaxiiReader};
use cybernav_core::sharing::IndicatorKind;
use cybernav_core::sharing::community_report::ObservationKind;
use cybernav_core::sharing::marking::{Marking, Reader, Tlp};
use cybernav_formats::stix::markings::MarkingTable;
use cybernav_formats::stix::write::{
    self, BOARD_OBJECTS_CREATED, BoardIndicator, BoardSighting, CUI_MARKING_ID, FOUO_MARKING_ID,
};
use cybernav_formats::stix::{StixObject, read_bundle_raw};
use cybernav_store::community_reports::SightingAfter;
use cybernav_store::taxii::{
    After, CommunityReportRow, NewReportObject, ObjectFilter, ObjectTable, TaxiiObjectRow,
    TaxiiReportFacts, TaxiiStatusRow,
};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::BOARD;
use super::intake::{marking_json, parse_marking};
use crate::store::now;
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// How STIX objects and TAXII headers write an instant (RFC 3339 UTC, microseconds).
pub use cybernav_formats::stix::write::timestamp as stix_timestamp;

/// The name of the Board's STIX identity.
pub const BOARD_NAME: &str = "State Board of Elections (Cyber Navigator Program)";

/// The most objects one page holds; a larger `limit` is lowered to it (TAXII lets the
/// server do so).
pub const PAGE_MAX: usize = 1000;

/// The page size when the client gives no `limit`.
pub const PAGE_DEFAULT: usize = 100;

/// What follows an indicator's id in the paging key of its sighting in the Board's collection.
const SIGHTING_KEY: &str = "/s";

/// The most objects one POST may carry.
pub const POST_MAX_OBJECTS: usize = 1000;

/// The marking of a reported object that names no TLP level: the Board's own organisation
/// only, until the Program Manager validates it and decides how to share.
pub const REPORT_DEFAULT_TLP: Tlp = Tlp::AmberStrict;

/// One of the API root's collections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collection {
    /// The Board's indicators, as STIX indicators under the Board's identity.
    Indicators,
    /// Objects the Board received and kept, as received.
    Shared,
    /// What election authorities report to the Board.
    Reports,
}

impl Collection {
    /// Every collection, in the order listed.
    pub const ALL: [Collection; 3] = [
        Collection::Indicators,
        Collection::Shared,
        Collection::Reports,
    ];

    /// Its TAXII id (fixed).
    pub fn id(self) -> &'static str {
        match self {
            Collection::Indicators => "9b1f3c52-7e4d-4a8b-9c21-5d0e6f7a8b01",
            Collection::Shared => "3e7a9d10-2c5b-4f68-a1d4-8b6c0e2f4a02",
            Collection::Reports => "c4d2e8f6-1a3b-4c5d-8e7f-0a9b1c2d3e03",
        }
    }

    /// The collection with TAXII id `id`.
    pub fn from_id(id: &str) -> Option<Collection> {
        Collection::ALL.into_iter().find(|c| c.id() == id)
    }

    /// Its title.
    pub fn title(self) -> &'static str {
        match self {
            Collection::Indicators => "Board indicators",
            Collection::Shared => "Shared with the program",
            Collection::Reports => "Reports to the Board",
        }
    }

    /// What it holds, in plain words.
    pub fn description(self) -> &'static str {
        match self {
            Collection::Indicators => {
                "Indicators the State Board of Elections publishes under its own identity, \
                 each with its TLP 2.0 marking and any FOUO or CUI caveat, and sightings of \
                 them by Illinois election authorities (counts and dates, naming no \
                 authority). You receive those your organisation and need-to-know approval \
                 allow."
            }
            Collection::Shared => {
                "STIX objects the Board received from its partners (reports, malware, \
                 sightings, identities, marking definitions) as they were received, each \
                 released only as its marking allows."
            }
            Collection::Reports => {
                "Send what your election authority observes: the Program Manager validates \
                 each report. Objects that name no TLP level are treated as TLP:AMBER+STRICT \
                 (the Board's staff only)."
            }
        }
    }
}

/// What a caller may do with a collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CollectionAccess {
    /// The collection.
    pub collection: Collection,
    /// May read its objects.
    pub can_read: bool,
    /// May add objects.
    pub can_write: bool,
}

/// Which versions `match[version]` asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionMatch {
    /// The first version.
    pub first: bool,
    /// The last version.
    pub last: bool,
    /// Every version.
    pub all: bool,
    /// Versions with exactly these `modified` times.
    pub at: Vec<OffsetDateTime>,
}

impl Default for VersionMatch {
    /// The last version (TAXII's default).
    fn default() -> Self {
        VersionMatch {
            first: false,
            last: true,
            all: false,
            at: Vec::new(),
        }
    }
}

impl VersionMatch {
    /// Reads `match[version]`: a comma-separated list of `last`, `first`, `all` and
    /// timestamps.
    pub fn parse(s: &str) -> Result<VersionMatch, String> {
        let mut m = VersionMatch {
            first: false,
            last: false,
            all: false,
            at: Vec::new(),
        };
        for part in s.split(',').map(str::trim) {
            match part {
                "first" => m.first = true,
                "last" => m.last = true,
                "all" => m.all = true,
                t => m.at.push(OffsetDateTime::parse(t, &Rfc3339).map_err(|_| {
                    format!(
                        "'{t}' is not 'first', 'last', 'all' or an RFC 3339 timestamp \
                         (2026-02-10T14:30:00.000Z)"
                    )
                })?),
            }
        }
        Ok(m)
    }

    fn accepts(
        &self,
        version: OffsetDateTime,
        first: OffsetDateTime,
        last: OffsetDateTime,
    ) -> bool {
        self.all
            || (self.first && version == first)
            || (self.last && version == last)
            || self.at.contains(&version)
    }
}

/// A request for objects of a collection.
#[derive(Debug, Clone, Default)]
pub struct TaxiiQuery {
    /// Only objects added after this instant.
    pub added_after: Option<OffsetDateTime>,
    /// Continue after the page that gave this token.
    pub next: Option<String>,
    /// At most this many (lowered to [`PAGE_MAX`]).
    pub limit: Option<usize>,
    /// Only these ids.
    pub ids: Option<Vec<String>>,
    /// Only these types.
    pub types: Option<Vec<String>>,
    /// Which versions.
    pub versions: VersionMatch,
    /// Only these spec versions.
    pub spec_versions: Option<Vec<String>>,
}

/// One object of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxiiEntry {
    /// STIX id.
    pub id: String,
    /// Its version (`modified`, or the date added when it has none).
    pub version: OffsetDateTime,
    /// When it was added to the collection.
    pub date_added: OffsetDateTime,
    /// `2.0` or `2.1`.
    pub spec_version: String,
    /// The object.
    pub object: Value,
}

/// One page of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct TaxiiPage {
    /// The objects.
    pub entries: Vec<TaxiiEntry>,
    /// More objects follow.
    pub more: bool,
    /// The token for the next page, when more follow.
    pub next: Option<String>,
}

/// A TAXII status detail.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StatusDetail {
    /// The object's id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Why it was refused, or what became of it.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub message: Option<String>,
}

/// The status of a POST.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaxiiStatus {
    /// Id.
    pub id: Uuid,
    /// `complete` (reports are stored while the request is answered).
    pub status: String,
    /// When the request came.
    pub request_timestamp: OffsetDateTime,
    /// Objects sent.
    pub total_count: i64,
    /// Objects accepted.
    pub successes: Vec<StatusDetail>,
    /// Objects refused, with the reason.
    pub failures: Vec<StatusDetail>,
    /// Objects not yet decided.
    pub pendings: Vec<StatusDetail>,
}

/// How a report arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportChannel {
    /// A TAXII POST.
    Taxii,
    /// The county's web form.
    Form,
}

impl ReportChannel {
    /// The stored identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            ReportChannel::Taxii => "taxii",
            ReportChannel::Form => "form",
        }
    }

    /// Reads the stored identifier.
    pub fn parse(s: &str) -> Result<ReportChannel, String> {
        match s.trim() {
            "taxii" => Ok(ReportChannel::Taxii),
            "form" => Ok(ReportChannel::Form),
            other => Err(format!(
                "'{other}' is not a channel; expected taxii or form"
            )),
        }
    }
}

/// A report about to be stored.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewReport {
    /// Its id (the form names its STIX objects under it).
    pub id: Uuid,
    /// How it came.
    pub channel: ReportChannel,
    /// What the form says was seen.
    pub kind: Option<ObservationKind>,
}

/// What became of a submitted report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportOutcome {
    /// The stored report (none when every object was refused).
    pub report_id: Option<Uuid>,
    /// Objects kept.
    pub accepted: Vec<StatusDetail>,
    /// Objects refused, with the reason.
    pub refused: Vec<StatusDetail>,
}

/// A position in a collection, as `next` encodes it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Position {
    at: OffsetDateTime,
    key: Option<String>,
}

fn encode_next(c: Collection, p: &Position) -> String {
    let raw = format!(
        "{}|{}|{}",
        c.id(),
        p.at.unix_timestamp_nanos() / 1000,
        p.key.as_deref().unwrap_or("")
    );
    raw.bytes().map(|b| format!("{b:02x}")).collect()
}

/// The refusal of a `next` that this server did not give for this collection.
fn bad_next() -> AppError {
    AppError::invalid(
        "next",
        "is not a token this server gave for this collection",
    )
}

fn decode_next(c: Collection, token: &str) -> AppResult<Position> {
    let bad = bad_next;
    if !token.len().is_multiple_of(2) || token.len() > 400 {
        return Err(bad());
    }
    let bytes: Vec<u8> = (0..token.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(token.get(i..i + 2).unwrap_or("zz"), 16))
        .collect::<Result<_, _>>()
        .map_err(|_| bad())?;
    let raw = String::from_utf8(bytes).map_err(|_| bad())?;
    let mut parts = raw.splitn(3, '|');
    let (Some(id), Some(micros), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad());
    };
    if id != c.id() {
        return Err(bad());
    }
    let micros: i128 = micros.parse().map_err(|_| bad())?;
    let at = OffsetDateTime::from_unix_timestamp_nanos(micros * 1000).map_err(|_| bad())?;
    Ok(Position {
        at,
        key: (!key.is_empty()).then(|| key.to_string()),
    })
}

fn board_created() -> OffsetDateTime {
    OffsetDateTime::parse(BOARD_OBJECTS_CREATED, &Rfc3339).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// The Board's own objects in the indicators collection, by id: its identity and its FOUO and
/// CUI marking definitions, all added at [`BOARD_OBJECTS_CREATED`].
fn board_objects() -> Vec<(String, Value)> {
    let mut v = vec![
        (
            write::BOARD_IDENTITY_ID.to_string(),
            write::board_identity(BOARD_NAME),
        ),
        (
            FOUO_MARKING_ID.to_string(),
            write::caveat_marking_definition(&cybernav_core::sharing::marking::Caveat::Fouo),
        ),
        (
            CUI_MARKING_ID.to_string(),
            write::caveat_marking_definition(&cybernav_core::sharing::marking::Caveat::Cui),
        ),
    ];
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

fn parse_version(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// The distinct markings of a table, as cached, with the watermark they were read at: every
/// row added before it carries one of them.
#[derive(Debug, Clone)]
pub struct StoredMarkings {
    values: std::sync::Arc<Vec<String>>,
    read_before: OffsetDateTime,
}

/// Rows read at a time from a collection's table: at least this many even for a small
/// `limit`, so a client asking one object at a time, or a page whose rows the filters
/// mostly drop, costs a few queries rather than one per row.
const BATCH_ROWS: usize = 500;

/// The one paging loop of the collections, as a state: which batch of rows to read next
/// (after the position the last batch ended at, [`BATCH_ROWS`] or more at a time), and when
/// to stop (the page holds `want` entries, or the rows ran out).
///
/// ```text
/// let mut pager = Pager::new(after, want);
/// while let Some((after, batch)) = pager.next_batch() {
///     let rows = …read `batch` rows after `after`…;
///     pager.take(rows.len(), last_position, entries_made_of_rows, out);
/// }
/// ```
struct Pager<K> {
    after: Option<After<K>>,
    batch: usize,
    want: usize,
}

impl<K: Clone> Pager<K> {
    fn new(after: After<K>, want: usize) -> Self {
        Pager {
            after: Some(after),
            batch: want.clamp(BATCH_ROWS, PAGE_MAX + 1),
            want,
        }
    }

    /// Where the next batch starts and how many rows it reads; `None` when the page is done.
    fn next_batch(&self) -> Option<(After<K>, i64)> {
        self.after.clone().map(|a| (a, self.batch as i64))
    }

    /// Takes a batch of `rows` rows ending at `last`: its entries go into `out` until it
    /// holds `want`.
    fn take(
        &mut self,
        rows: usize,
        last: Option<After<K>>,
        entries: Vec<(TaxiiEntry, Position)>,
        out: &mut Vec<(TaxiiEntry, Position)>,
    ) {
        for entry in entries {
            if out.len() >= self.want {
                break;
            }
            out.push(entry);
        }
        self.after = if out.len() >= self.want || rows < self.batch {
            None
        } else {
            last
        };
    }
}

/// A visible report of an indicator with its marking read.
struct SeenReport<'a> {
    facts: &'a TaxiiReportFacts,
    marking: Marking,
}

/// What the Board publishes of one indicator to one reader, from the reports that reader may
/// see (`seen`, not empty).
///
/// The object carries one marking, and everything in it comes from the reports with that
/// marking only: confidence, validity, withdrawal and times of a more restricted report
/// would otherwise travel under a less restrictive marking. The marking is the least
/// restrictive of the reports ([`Marking::least_restrictive`]: the same value released more
/// widely by one source is that widely releasable), except that a withdrawal is never
/// undone: when any report the reader may see was withdrawn (revoked), the object is
/// published from the withdrawn reports (the least restrictive of their markings) and stays
/// revoked, as STIX requires of every later version.
struct Published<'a> {
    marking: &'a Marking,
    created: OffsetDateTime,
    modified: OffsetDateTime,
    valid_until: Option<OffsetDateTime>,
    confidence: Option<i64>,
    revoked: bool,
}

fn published<'a>(seen: &'a [SeenReport<'a>]) -> Option<Published<'a>> {
    let any_revoked = seen.iter().any(|r| r.facts.revoked);
    let marking = Marking::least_restrictive(
        seen.iter()
            .filter(|r| r.facts.revoked || !any_revoked)
            .map(|r| &r.marking),
    )?;
    let chosen: Vec<&TaxiiReportFacts> = seen
        .iter()
        .filter(|r| &r.marking == marking)
        .map(|r| r.facts)
        .collect();
    let created = chosen.iter().map(|f| f.received_at).min()?;
    let modified = chosen.iter().map(|f| f.received_at).max()?;
    Some(Published {
        marking,
        created,
        modified,
        valid_until: if chosen.iter().any(|f| f.valid_until.is_none()) {
            None
        } else {
            chosen.iter().filter_map(|f| f.valid_until).max()
        },
        confidence: chosen.iter().filter_map(|f| f.confidence).max(),
        revoked: chosen.iter().any(|f| f.revoked),
    })
}

impl App {
    /// The collections `actor` is shown, with what they may do with each.
    pub fn taxii_collections(&self, cap: &TaxiiReader<'_>) -> Vec<CollectionAccess> {
        let actor = cap.actor();
        Collection::ALL
            .into_iter()
            .filter_map(|c| self.taxii_access(actor, c))
            .collect()
    }

    /// What `actor` may do with `collection`; `None` when it is not shown to them at all.
    pub fn taxii_access(&self, actor: &Actor, c: Collection) -> Option<CollectionAccess> {
        let (can_read, can_write) = match c {
            Collection::Indicators | Collection::Shared => (true, false),
            Collection::Reports => (
                actor.read_community_reports().is_some(),
                actor.submit_report().is_some(),
            ),
        };
        (can_read || can_write).then_some(CollectionAccess {
            collection: c,
            can_read,
            can_write,
        })
    }

    /// The stored markings among `stored` that `reader` may see (held by the Board).
    fn allowed_markings(
        &self,
        reader: &Reader,
        stored: &[String],
        what: &str,
    ) -> AppResult<Vec<String>> {
        let mut out = Vec::new();
        for raw in stored {
            let m = parse_marking(raw, what)?;
            if self.may_see(reader, &m, BOARD).is_allowed() {
                out.push(raw.clone());
            }
        }
        Ok(out)
    }

    /// The distinct markings stored in `table` (`indicator_reports`, `stix_objects`,
    /// `community_report_objects`), read once per table while the store has not changed
    /// ([`crate::cache`]) rather than on every request. A list read on another replica up to
    /// five seconds ago may miss a marking written since: it comes with the watermark it was
    /// read at, and pages stop there, so rows with a marking not yet in the list are shown
    /// late, never skipped.
    async fn stored_markings(
        &self,
        tx: &mut cybernav_store::Tx,
        table: &'static str,
        at: OffsetDateTime,
    ) -> AppResult<StoredMarkings> {
        let epoch = self.store.write_epoch();
        if let Some(hit) = self.stored_markings.get(&table, epoch) {
            return Ok(hit);
        }
        let read_before = tx.visible_until(at).await?;
        let values = match table {
            "indicator_reports" => tx.report_markings().await?,
            "indicator_sightings" => tx.sighting_markings().await?,
            "stix_objects" => tx.object_markings(ObjectTable::Received).await?,
            _ => tx.object_markings(ObjectTable::Community).await?,
        };
        let stored = StoredMarkings {
            values: std::sync::Arc::new(values),
            read_before,
        };
        self.stored_markings.put(table, epoch, stored.clone());
        Ok(stored)
    }

    /// A page of `collection` for the caller, as the access decision allows object by
    /// object. `Forbidden` when the caller may not read the collection.
    pub async fn taxii_objects(
        &self,
        cap: &TaxiiReader<'_>,
        collection: Collection,
        q: &TaxiiQuery,
    ) -> AppResult<TaxiiPage> {
        let actor = cap.actor();
        let access = self
            .taxii_access(actor, collection)
            .ok_or(AppError::NotFound)?;
        if !access.can_read {
            return Err(AppError::Forbidden);
        }
        let limit = q.limit.unwrap_or(PAGE_DEFAULT).clamp(1, PAGE_MAX);
        let start = match (&q.next, q.added_after) {
            (Some(token), _) => decode_next(collection, token)?,
            (None, Some(t)) => Position { at: t, key: None },
            (None, None) => Position {
                at: OffsetDateTime::UNIX_EPOCH,
                key: None,
            },
        };
        let at = now();
        let reader = self.reader_for(actor, at).await?;
        let mut found: Vec<(TaxiiEntry, Position)> = Vec::new();
        match collection {
            Collection::Indicators => {
                self.indicator_entries(&reader, q, start, at, limit + 1, &mut found)
                    .await?
            }
            Collection::Shared => {
                self.object_entries(
                    ObjectTable::Received,
                    &reader,
                    q,
                    start,
                    at,
                    limit + 1,
                    &mut found,
                )
                .await?
            }
            Collection::Reports => {
                self.object_entries(
                    ObjectTable::Community,
                    &reader,
                    q,
                    start,
                    at,
                    limit + 1,
                    &mut found,
                )
                .await?
            }
        }
        let more = found.len() > limit;
        found.truncate(limit);
        let next = if more {
            found.last().map(|(_, p)| encode_next(collection, p))
        } else {
            None
        };
        Ok(TaxiiPage {
            entries: found.into_iter().map(|(e, _)| e).collect(),
            more,
            next,
        })
    }

    async fn indicator_entries(
        &self,
        reader: &Reader,
        q: &TaxiiQuery,
        start: Position,
        at: OffsetDateTime,
        want: usize,
        out: &mut Vec<(TaxiiEntry, Position)>,
    ) -> AppResult<()> {
        let wants_type = |t: &str| q.types.as_ref().is_none_or(|ts| ts.iter().any(|x| x == t));
        let wants_id = |id: &str| q.ids.as_ref().is_none_or(|ids| ids.iter().any(|x| x == id));
        let wants_spec = q
            .spec_versions
            .as_ref()
            .is_none_or(|v| v.iter().any(|x| x == "2.1"));
        if !wants_spec {
            return Ok(());
        }
        // The Board's own objects come first, at their fixed date added; a single version each.
        let created = board_created();
        if start.at <= created {
            for (id, object) in board_objects() {
                let after =
                    start.at < created || start.key.as_deref().is_some_and(|k| id.as_str() > k);
                let ty = object["type"].as_str().unwrap_or_default().to_string();
                if after
                    && wants_type(&ty)
                    && wants_id(&id)
                    && q.versions.accepts(created, created, created)
                {
                    out.push((
                        TaxiiEntry {
                            id: id.clone(),
                            version: created,
                            date_added: created,
                            spec_version: "2.1".into(),
                            object,
                        },
                        Position {
                            at: created,
                            key: Some(id),
                        },
                    ));
                    if out.len() >= want {
                        return Ok(());
                    }
                }
            }
        }
        // Indicators and the Board's sightings of them, each stream in (date added, key)
        // order, merged: a sighting's key is its indicator's id with `/s` after it, so it
        // comes just after an indicator added at the same instant.
        // Both streams stop at one watermark: were the sightings read further than the
        // indicators, a sighting's position would pass an indicator recorded at the same
        // instant but not yet visible, and a client paging on would never receive it.
        let need = want - out.len();
        let before = {
            let mut tx = self.store.read().await?;
            let reports = self
                .stored_markings(&mut tx, "indicator_reports", at)
                .await?;
            let sightings = self
                .stored_markings(&mut tx, "indicator_sightings", at)
                .await?;
            tx.visible_until(at)
                .await?
                .min(reports.read_before)
                .min(sightings.read_before)
        };
        let mut indicators = if wants_type("indicator") {
            self.board_indicator_entries(reader, q, &start, at, before, need)
                .await?
        } else {
            Vec::new()
        };
        let sightings = if wants_type("sighting") {
            self.board_sighting_entries(reader, q, &start, at, before, need)
                .await?
        } else {
            Vec::new()
        };
        indicators.extend(sightings);
        indicators.sort_by(|a, b| (a.1.at, &a.1.key).cmp(&(b.1.at, &b.1.key)));
        indicators.truncate(need);
        out.extend(indicators);
        Ok(())
    }

    /// The Board's indicators after `start`, at most `want`.
    async fn board_indicator_entries(
        &self,
        reader: &Reader,
        q: &TaxiiQuery,
        start: &Position,
        at: OffsetDateTime,
        before: OffsetDateTime,
        want: usize,
    ) -> AppResult<Vec<(TaxiiEntry, Position)>> {
        let mut found: Vec<(TaxiiEntry, Position)> = Vec::new();
        let out = &mut found;
        let created = board_created();
        let ids: Option<Vec<Uuid>> = q.ids.as_ref().map(|ids| {
            ids.iter()
                .filter_map(|s| s.strip_prefix("indicator--"))
                .filter_map(|u| Uuid::parse_str(u).ok())
                .collect()
        });
        let after = if start.at <= created {
            After {
                at: created,
                key: None,
            }
        } else {
            After {
                at: start.at,
                key: match start.key.as_deref() {
                    Some(k) => Some(
                        Uuid::parse_str(k.trim_end_matches(SIGHTING_KEY))
                            .map_err(|_| bad_next())?,
                    ),
                    None => None,
                },
            }
        };
        let mut tx = self.store.read().await?;
        let stored = self
            .stored_markings(&mut tx, "indicator_reports", at)
            .await?;
        let allowed = self.allowed_markings(reader, &stored.values, "indicator_reports")?;
        if allowed.is_empty() {
            return Ok(found);
        }
        let mut pager = Pager::new(after, want);
        while let Some((after, batch)) = pager.next_batch() {
            let rows = tx
                .taxii_indicators(&allowed, &after, before, ids.as_deref(), batch)
                .await?;
            let count = rows.len();
            let last = rows.last().map(|r| After {
                at: r.modified,
                key: Some(r.id),
            });
            let mut entries = Vec::new();
            let row_ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
            let facts = tx.taxii_report_facts(&allowed, &row_ids, before).await?;
            for row in rows {
                let seen = facts
                    .iter()
                    .filter(|f| f.indicator_id == row.id)
                    .map(|f| {
                        Ok(SeenReport {
                            facts: f,
                            marking: parse_marking(&f.marking, "indicator_reports")?,
                        })
                    })
                    .collect::<AppResult<Vec<_>>>()?;
                let Some(shown) = published(&seen) else {
                    continue;
                };
                // The version is `modified` exactly as published (microseconds), so a
                // `match[version]` names one version and no two versions share one.
                let version = shown.modified;
                if !q.versions.accepts(version, version, version) {
                    continue;
                }
                let Ok(kind) = IndicatorKind::parse(&row.kind) else {
                    return Err(AppError::Store(cybernav_store::StoreError::Corrupt(
                        format!("indicators {}: kind '{}'", row.id, row.kind),
                    )));
                };
                // CVEs (the KEV catalog) are CISA's to publish; the Board's collection carries
                // the observables its sources reported.
                if kind == IndicatorKind::Cve {
                    continue;
                }
                let object = write::indicator_object(&BoardIndicator {
                    id: row.id,
                    kind,
                    value: &row.value,
                    first_seen: shown.created,
                    modified: shown.modified,
                    valid_until: shown.valid_until,
                    confidence: shown.confidence,
                    revoked: shown.revoked,
                    marking: shown.marking,
                });
                entries.push((
                    TaxiiEntry {
                        id: write::indicator_stix_id(row.id),
                        version,
                        date_added: row.modified,
                        spec_version: "2.1".into(),
                        object,
                    },
                    Position {
                        at: row.modified,
                        key: Some(row.id.to_string()),
                    },
                ));
            }
            pager.take(count, last, entries, out);
        }
        Ok(found)
    }

    /// The Board's sightings after `start`, at most `want`: per indicator, every sighting the
    /// reader may see, summed, under the highest of their markings (the count combines them
    /// all). No authority is named: the object has no `where_sighted_refs`.
    async fn board_sighting_entries(
        &self,
        reader: &Reader,
        q: &TaxiiQuery,
        start: &Position,
        at: OffsetDateTime,
        before: OffsetDateTime,
        want: usize,
    ) -> AppResult<Vec<(TaxiiEntry, Position)>> {
        let mut out: Vec<(TaxiiEntry, Position)> = Vec::new();
        // Sighting ids are derived from their indicator's: `match[id]` is checked on the
        // objects made.
        let wanted: Option<BTreeSet<&str>> = q.ids.as_ref().map(|ids| {
            ids.iter()
                .map(String::as_str)
                .filter(|s| s.starts_with("sighting--"))
                .collect()
        });
        if wanted.as_ref().is_some_and(BTreeSet::is_empty) {
            return Ok(out);
        }
        let created = board_created();
        let mut after = if start.at <= created {
            SightingAfter {
                at: created,
                key: None,
            }
        } else {
            let key = match start.key.as_deref() {
                Some(k) => {
                    let sighting = k.ends_with(SIGHTING_KEY);
                    let id = Uuid::parse_str(k.trim_end_matches(SIGHTING_KEY))
                        .map_err(|_| bad_next())?;
                    // After an indicator, its own sighting (same instant) is still to come.
                    Some((id, !sighting))
                }
                None => None,
            };
            SightingAfter { at: start.at, key }
        };
        let mut tx = self.store.read().await?;
        let stored = self
            .stored_markings(&mut tx, "indicator_sightings", at)
            .await?;
        let allowed = self.allowed_markings(reader, &stored.values, "indicator_sightings")?;
        if allowed.is_empty() {
            return Ok(out);
        }
        let batch = want.clamp(1, PAGE_MAX + 1) as i64;
        loop {
            let rows = tx.taxii_sightings(&allowed, &after, before, batch).await?;
            let Some(last) = rows.last() else {
                break;
            };
            after = SightingAfter {
                at: last.modified,
                key: Some((last.indicator_id, false)),
            };
            let full = rows.len() as i64 == batch;
            let ids: Vec<Uuid> = rows.iter().map(|r| r.indicator_id).collect();
            let markings = tx.taxii_sighting_markings(&allowed, &ids, before).await?;
            for row in rows {
                let id = write::sighting_stix_id(row.indicator_id);
                if wanted.as_ref().is_some_and(|w| !w.contains(id.as_str())) {
                    continue;
                }
                let version = row.modified;
                if !q.versions.accepts(version, version, version) {
                    continue;
                }
                let mine = markings
                    .iter()
                    .filter(|(i, _)| *i == row.indicator_id)
                    .map(|(_, m)| parse_marking(m, "indicator_sightings"))
                    .collect::<AppResult<Vec<_>>>()?;
                if mine.is_empty() {
                    // Only rows with an allowed marking come back; never publish unmarked.
                    continue;
                }
                let marking = Marking::highest(mine.iter());
                let object = write::sighting_object(&BoardSighting {
                    indicator_id: row.indicator_id,
                    created: row.created,
                    modified: row.modified,
                    first_seen: row.first_seen,
                    last_seen: row.last_seen,
                    count: row.seen_count,
                    authorities: row.authorities,
                    marking: &marking,
                });
                out.push((
                    TaxiiEntry {
                        id,
                        version,
                        date_added: row.modified,
                        spec_version: "2.1".into(),
                        object,
                    },
                    Position {
                        at: row.modified,
                        key: Some(format!("{}{SIGHTING_KEY}", row.indicator_id)),
                    },
                ));
                if out.len() >= want {
                    return Ok(out);
                }
            }
            if !full {
                break;
            }
        }
        Ok(out)
    }

    async fn object_entries(
        &self,
        table: ObjectTable,
        reader: &Reader,
        q: &TaxiiQuery,
        start: Position,
        at: OffsetDateTime,
        want: usize,
        out: &mut Vec<(TaxiiEntry, Position)>,
    ) -> AppResult<()> {
        let after = After {
            at: start.at,
            key: match start.key.as_deref() {
                Some(k) => Some(k.parse::<i64>().map_err(|_| bad_next())?),
                None => None,
            },
        };
        let filter = ObjectFilter {
            ids: q.ids.clone(),
            types: q.types.clone(),
            spec_versions: q.spec_versions.clone(),
        };
        let what = match table {
            ObjectTable::Received => "stix_objects",
            ObjectTable::Community => "community_report_objects",
        };
        let mut tx = self.store.read().await?;
        let stored = self.stored_markings(&mut tx, what, at).await?;
        let before = tx.visible_until(at).await?.min(stored.read_before);
        let allowed = self.allowed_markings(reader, &stored.values, what)?;
        if allowed.is_empty() {
            return Ok(());
        }
        let mut pager = Pager::new(after, want);
        while let Some((after, batch)) = pager.next_batch() {
            let rows: Vec<TaxiiObjectRow> = tx
                .taxii_objects(table, &allowed, &after, before, &filter, batch)
                .await?;
            let count = rows.len();
            let last = rows.last().map(|r| After {
                at: r.added_at,
                key: Some(r.seq),
            });
            let mut entries = Vec::new();
            // First and last visible version of each id on this batch.
            let ids: Vec<String> = rows
                .iter()
                .map(|r| r.stix_id.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let mut span: HashMap<String, (OffsetDateTime, OffsetDateTime)> = HashMap::new();
            if !q.versions.all {
                for (id, modified, added) in tx
                    .taxii_object_versions(table, &allowed, &ids, before)
                    .await?
                {
                    let v = parse_version(&modified).unwrap_or(added);
                    span.entry(id)
                        .and_modify(|(f, l)| {
                            *f = (*f).min(v);
                            *l = (*l).max(v);
                        })
                        .or_insert((v, v));
                }
            }
            for row in rows {
                let version = parse_version(&row.modified).unwrap_or(row.added_at);
                let (first, last) = span
                    .get(&row.stix_id)
                    .copied()
                    .unwrap_or((version, version));
                if !q.versions.accepts(version, first, last) {
                    continue;
                }
                let object: Value = serde_json::from_str(&row.raw).map_err(|e| {
                    AppError::Store(cybernav_store::StoreError::Corrupt(format!(
                        "{what} {}: {e}",
                        row.seq
                    )))
                })?;
                entries.push((
                    TaxiiEntry {
                        id: row.stix_id,
                        version,
                        date_added: row.added_at,
                        spec_version: row.spec_version,
                        object,
                    },
                    Position {
                        at: row.added_at,
                        key: Some(row.seq.to_string()),
                    },
                ));
            }
            pager.take(count, last, entries, out);
        }
        Ok(())
    }

    /// Takes a report from an election authority: `objects_json` is the JSON array of STIX
    /// 2.1 objects (a TAXII envelope's `objects`, or what the web form builds). Each object is
    /// checked on its own; refused objects are listed with their id and reason, the others
    /// are stored as one pending report, with its audit record, in one transaction.
    pub async fn submit_report(
        &self,
        cap: &ReportSubmitter<'_>,
        channel: ReportChannel,
        objects_json: &str,
        meta: &RequestMeta,
    ) -> AppResult<ReportOutcome> {
        let mut tx = self.store.begin().await?;
        let at = now();
        let report = NewReport {
            id: Uuid::new_v4(),
            channel,
            kind: None,
        };
        let outcome = self
            .submit_report_in(&mut tx, cap, &report, objects_json, at, meta)
            .await?;
        tx.commit().await?;
        Ok(outcome)
    }

    /// The body of [`App::submit_report`], inside the caller's transaction: the one path of
    /// both channels.
    pub(crate) async fn submit_report_in(
        &self,
        tx: &mut cybernav_store::Tx,
        cap: &ReportSubmitter<'_>,
        report: &NewReport,
        objects_json: &str,
        at: OffsetDateTime,
        meta: &RequestMeta,
    ) -> AppResult<ReportOutcome> {
        let checked = check_report_objects(objects_json)?;
        let mut accepted = Vec::new();
        let mut refused = Vec::new();
        let mut keep: Vec<(Marking, &CheckedObject)> = Vec::new();
        for o in &checked {
            match &o.verdict {
                Err(reason) => refused.push(StatusDetail {
                    id: o.id.clone(),
                    version: o.version.clone(),
                    message: Some(reason.clone()),
                }),
                Ok(marking) => {
                    keep.push((marking.clone(), o));
                    accepted.push(StatusDetail {
                        id: o.id.clone(),
                        version: o.version.clone(),
                        message: Some("received; pending the Program Manager's validation".into()),
                    });
                }
            }
        }
        let channel = report.channel;
        let mut report_id = None;
        if !keep.is_empty() {
            let id = report.id;
            let stored: Vec<String> = keep.iter().map(|(m, _)| marking_json(m)).collect();
            let combined = Marking::highest(keep.iter().map(|(m, _)| m));
            let row = CommunityReportRow {
                id,
                channel: channel.as_str().into(),
                submitted_by: cap.actor().user_id,
                election_authority_id: cap.election_authority(),
                received_at: at,
                object_count: keep.len() as i64,
                marking: marking_json(&combined),
                status: "pending".into(),
                decided_by: None,
                decided_at: None,
                decision_note: None,
                kind: report.kind.map(|k| k.as_str().to_string()),
                note_id: None,
            };
            let objects: Vec<NewReportObject<'_>> = keep
                .iter()
                .zip(&stored)
                .map(|((_, o), m)| NewReportObject {
                    stix_id: &o.id,
                    modified: &o.version,
                    object_type: &o.object_type,
                    spec_version: "2.1",
                    marking: m,
                    raw: &o.raw,
                })
                .collect();
            tx.insert_community_report(&row, &objects).await?;
            // Counts and markings only: what an authority observed may be sensitive.
            audit::Entry::new("community_report.submit", "community_report", id)
                .changes(json!({
                    "channel": {"from": null, "to": channel.as_str()},
                    "kind": {"from": null, "to": report.kind.map(ObservationKind::as_str)},
                    "election_authority": {"from": null, "to": cap.election_authority().to_string()},
                    "objects": {"from": null, "to": keep.len()},
                    "refused": {"from": null, "to": refused.len()},
                    "marking": {"from": null, "to": combined.label()},
                }))
                .record(tx, cap.actor(), meta, at)
                .await?;
            report_id = Some(id);
        }
        Ok(ReportOutcome {
            report_id,
            accepted,
            refused,
        })
    }

    /// Adds the objects of a TAXII envelope to `collection` (only the reports collection
    /// takes objects) and stores the status resource, in one transaction.
    pub async fn taxii_add_objects(
        &self,
        cap: &TaxiiReader<'_>,
        collection: Collection,
        objects_json: &str,
        meta: &RequestMeta,
    ) -> AppResult<TaxiiStatus> {
        let actor = cap.actor();
        let access = self
            .taxii_access(actor, collection)
            .ok_or(AppError::NotFound)?;
        let submitter = actor.submit_report().filter(|_| access.can_write);
        let Some(submitter) = submitter else {
            return Err(AppError::Forbidden);
        };
        let at = now();
        let mut tx = self.store.begin().await?;
        let report = NewReport {
            id: Uuid::new_v4(),
            channel: ReportChannel::Taxii,
            kind: None,
        };
        let outcome = self
            .submit_report_in(&mut tx, &submitter, &report, objects_json, at, meta)
            .await?;
        let status = TaxiiStatus {
            id: Uuid::new_v4(),
            status: "complete".into(),
            request_timestamp: at,
            total_count: (outcome.accepted.len() + outcome.refused.len()) as i64,
            successes: outcome.accepted,
            failures: outcome.refused,
            pendings: Vec::new(),
        };
        let to_json =
            |v: &Vec<StatusDetail>| serde_json::to_string(v).unwrap_or_else(|_| "[]".into());
        tx.insert_taxii_status(&TaxiiStatusRow {
            id: status.id,
            collection_id: collection.id().into(),
            requested_by: actor.user_id,
            request_timestamp: at,
            status: status.status.clone(),
            total_count: status.total_count,
            success_count: status.successes.len() as i64,
            failure_count: status.failures.len() as i64,
            pending_count: 0,
            successes: to_json(&status.successes),
            failures: to_json(&status.failures),
            pendings: "[]".into(),
            report_id: outcome.report_id,
        })
        .await?;
        tx.commit().await?;
        Ok(status)
    }

    /// A status resource: only the account that made the request sees it (others: not found).
    pub async fn taxii_status(&self, cap: &TaxiiReader<'_>, id: Uuid) -> AppResult<TaxiiStatus> {
        let mut tx = self.store.read().await?;
        let row = tx.taxii_status(id).await?.ok_or(AppError::NotFound)?;
        if row.requested_by != cap.actor().user_id {
            return Err(AppError::NotFound);
        }
        let details = |s: &str, what: &str| -> AppResult<Vec<StatusDetail>> {
            serde_json::from_str(s).map_err(|e| {
                AppError::Store(cybernav_store::StoreError::Corrupt(format!(
                    "taxii_status {id}: {what}: {e}"
                )))
            })
        };
        Ok(TaxiiStatus {
            id: row.id,
            status: row.status.clone(),
            request_timestamp: row.request_timestamp,
            total_count: row.total_count,
            successes: details(&row.successes, "successes")?,
            failures: details(&row.failures, "failures")?,
            pendings: details(&row.pendings, "pendings")?,
        })
    }
}

/// One submitted object, checked.
#[derive(Debug, Clone)]
pub(crate) struct CheckedObject {
    pub id: String,
    pub version: String,
    pub object_type: String,
    pub raw: String,
    /// Its marking, or why it is refused.
    pub verdict: Result<Marking, String>,
}

/// Checks every object of a submitted array with the STIX reader: well-formed, STIX 2.1,
/// markings it can interpret. A body that is not a JSON array of objects is refused whole.
pub(crate) fn check_report_objects(objects_json: &str) -> AppResult<Vec<CheckedObject>> {
    let trimmed = objects_json.trim();
    if !trimmed.starts_with('[') {
        return Err(AppError::invalid(
            "objects",
            "must be a JSON array of STIX 2.1 objects",
        ));
    }
    let bundle = format!("{{\"type\":\"bundle\",\"objects\":{trimmed}}}");
    let mut read: Vec<(String, Result<StixObject<'_>, String>)> = Vec::new();
    read_bundle_raw(bundle.as_bytes(), |raw, o| {
        read.push((raw.to_string(), o.map_err(|r| r.reason)));
    })
    .map_err(|e| AppError::invalid("objects", e.message))?;
    if read.len() > POST_MAX_OBJECTS {
        return Err(AppError::invalid(
            "objects",
            format!(
                "holds {} objects; at most {POST_MAX_OBJECTS} per request",
                read.len()
            ),
        ));
    }
    let mut table = MarkingTable::new();
    for (_, o) in &read {
        if let Ok(StixObject::MarkingDefinition(d)) = o {
            table.add(&d.id, d.meaning.clone());
        }
    }
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    let mut out = Vec::with_capacity(read.len());
    for (index, (raw, o)) in read.into_iter().enumerate() {
        let value: Value = serde_json::from_str(&raw).unwrap_or(Value::Null);
        let id = value["id"]
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| format!("objects[{index}]"));
        let version = value["modified"]
            .as_str()
            .or_else(|| value["created"].as_str())
            .unwrap_or_default()
            .to_string();
        let object_type = value["type"].as_str().unwrap_or_default().to_string();
        let verdict = match o {
            Err(reason) => Err(reason),
            Ok(parsed) => {
                let (spec, refs): (&str, Vec<String>) = match &parsed {
                    StixObject::Indicator(i) => (
                        i.spec_version.as_str(),
                        i.marking_refs().map(str::to_string).collect(),
                    ),
                    StixObject::Identity(i) => (i.spec_version.as_str(), Vec::new()),
                    StixObject::MarkingDefinition(_) => ("2.1", Vec::new()),
                    StixObject::Other(x) => {
                        (x.spec_version.as_str(), x.object_marking_refs.clone())
                    }
                };
                let is_definition = matches!(parsed, StixObject::MarkingDefinition(_));
                let resolved = table.resolve(refs.iter().map(String::as_str));
                if spec != "2.1" {
                    Err(format!(
                        "spec_version {spec}: this collection takes STIX 2.1 objects"
                    ))
                } else if value["spec_version"].as_str() != Some("2.1") {
                    Err("spec_version: is required and must be \"2.1\"".to_string())
                } else if let Some(unknown) = resolved.unknown_refs.first() {
                    Err(format!(
                        "marking {unknown} is not defined in this request and is not a TLP \
                         marking; send its definition with the object"
                    ))
                } else if !seen.insert((id.clone(), version.clone())) {
                    Err(format!("sent twice in this request (version {version})"))
                } else if is_definition {
                    // A marking definition says what a marking means, nothing observed: it
                    // is shared freely, as intake keeps it.
                    Ok(Marking::tlp(Tlp::Clear))
                } else {
                    Ok(resolved.into_marking(REPORT_DEFAULT_TLP))
                }
            }
        };
        out.push(CheckedObject {
            id,
            version,
            object_type,
            raw,
            verdict,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_read_in_batches_of_at_least_500_and_stop_when_full_or_empty() {
        let entry = |n: i64| {
            (
                TaxiiEntry {
                    id: format!("x--{n}"),
                    version: OffsetDateTime::UNIX_EPOCH,
                    date_added: OffsetDateTime::UNIX_EPOCH,
                    spec_version: "2.1".into(),
                    object: Value::Null,
                },
                Position {
                    at: OffsetDateTime::UNIX_EPOCH,
                    key: Some(n.to_string()),
                },
            )
        };
        let at = |k: i64| After {
            at: OffsetDateTime::UNIX_EPOCH,
            key: Some(k),
        };
        // A client asking for one object: 500 rows at a time, most dropped by filters.
        let mut out = Vec::new();
        let mut pager = Pager::new(at(0), 2);
        assert_eq!(pager.next_batch(), Some((at(0), 500)));
        pager.take(500, Some(at(500)), vec![entry(7)], &mut out);
        assert_eq!(
            pager.next_batch(),
            Some((at(500), 500)),
            "on after the batch"
        );
        pager.take(500, Some(at(1000)), vec![entry(600), entry(601)], &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(pager.next_batch(), None, "the page is full");
        // A short batch: the rows ran out.
        let mut out = Vec::new();
        let mut pager = Pager::new(at(0), 1001);
        assert_eq!(pager.next_batch(), Some((at(0), 1001)));
        pager.take(3, Some(at(3)), vec![entry(1)], &mut out);
        assert_eq!(pager.next_batch(), None);
    }

    #[test]
    fn next_tokens_round_trip_and_belong_to_their_collection() {
        let p = Position {
            at: OffsetDateTime::from_unix_timestamp_nanos(1_780_000_000_123_456_000).unwrap(),
            key: Some("42".into()),
        };
        let t = encode_next(Collection::Shared, &p);
        assert_eq!(decode_next(Collection::Shared, &t).unwrap(), p);
        assert!(decode_next(Collection::Indicators, &t).is_err());
        assert!(decode_next(Collection::Shared, "zz").is_err());
        assert!(decode_next(Collection::Shared, "").is_err());
    }

    #[test]
    fn version_match_reads_keywords_and_timestamps() {
        let m = VersionMatch::parse("first,2026-02-10T14:30:00.000Z").unwrap();
        assert!(m.first && !m.last && !m.all);
        assert_eq!(m.at.len(), 1);
        assert!(VersionMatch::parse("newest").is_err());
    }

    #[test]
    fn submitted_objects_are_checked_one_by_one() {
        let objs = r#"[
          {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
           "created":"2026-02-10T14:30:00.000Z","modified":"2026-02-10T14:30:00.000Z",
           "pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2026-02-10T14:30:00Z",
           "object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]},
          {"type":"indicator","spec_version":"2.1","id":"indicator--not-a-uuid",
           "created":"2026-02-10T14:30:00.000Z","modified":"2026-02-10T14:30:00.000Z",
           "pattern":"[ipv4-addr:value = '198.51.100.8']","pattern_type":"stix","valid_from":"2026-02-10T14:30:00Z"},
          {"type":"note","spec_version":"2.1","id":"note--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
           "created":"2026-02-10T14:30:00.000Z","modified":"2026-02-10T14:30:00.000Z","content":"x",
           "object_refs":["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"],
           "object_marking_refs":["marking-definition--0c7b5b88-8ff7-4a4d-aa9d-feb398cd0099"]},
          {"type":"note","spec_version":"2.1","id":"note--1c7b5b88-8ff7-4a4d-aa9d-feb398cd0061",
           "created":"2026-02-10T14:30:00.000Z","modified":"2026-02-10T14:30:00.000Z","content":"y",
           "object_refs":["indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"]}
        ]"#;
        let out = check_report_objects(objs).unwrap();
        assert_eq!(out.len(), 4);
        assert_eq!(out[0].verdict.as_ref().unwrap(), &Marking::tlp(Tlp::Green));
        assert!(out[1].verdict.is_err(), "{:?}", out[1].verdict);
        assert!(
            out[2].verdict.as_ref().unwrap_err().contains("not defined"),
            "{:?}",
            out[2].verdict
        );
        assert_eq!(
            out[3].verdict.as_ref().unwrap(),
            &Marking::tlp(REPORT_DEFAULT_TLP)
        );
        assert!(check_report_objects("{}").is_err());
        assert!(check_report_objects("[1,").is_err());
    }
}
