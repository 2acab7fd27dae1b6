//! Navigator risk assessments (Part 213.40): catalogs loaded as data, assessments per authority
//! per cycle, answers checked whole, the workflow (assigned → in progress → complete →
//! validated, or sent back), scores by the method stored with the assessment, the statewide
//! roll-up, trends across cycles and the anonymised peer comparison. Validating an assessment
//! records the participation facts 213.50(a)(3) rests on, so the checklist follows it.
//! See docs/ASSESSMENTS.md.

use std::collections::{BTreeMap, HashMap};

use cybernav_core::assessment::{self, State, Transition};
use cybernav_core::authz::{
    Actor, AssessmentAnswerer, AssessmentManager, AssessmentReader, CatalogManager, CatalogReader,
    StatewideScoresReader, system_actor,
};
use cybernav_core::catalog::{Catalog, Mapping};
use cybernav_core::evidence::check_evidence;
use cybernav_core::requirements::FactKey;
use cybernav_core::role::Role;
use cybernav_core::scoring::{self, Answer, Distribution, Method, PeerComparison, Scope, Scores};
use cybernav_core::validation::optional_multiline_text;
use cybernav_core::{FieldError, FieldErrors};
use cybernav_store::assessments::{
    AnswerHistoryRow, AnswerRow, AssessmentRow, CatalogRow, EventRow, MappingRow,
};
use cybernav_store::checklist::EvidenceMeta;
use cybernav_store::participation::FactRow;
use cybernav_store::{StoreError, Tx, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use uuid::Uuid;

use crate::{App, AppError, AppResult, RequestMeta, audit};

/// Where a catalog came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// Ships with the product (public domain).
    Shipped,
    /// Imported from a file (the state's licensed copy, a state checklist).
    Imported,
}

impl Origin {
    fn as_str(self) -> &'static str {
        match self {
            Origin::Shipped => "shipped",
            Origin::Imported => "imported",
        }
    }
}

/// What loading a catalog did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadOutcome {
    /// Stored.
    Loaded,
    /// The same id, version and content was stored already; nothing changed.
    AlreadyLoaded,
}

/// The longest comment or justification, in characters.
pub const COMMENT_MAX_CHARS: usize = 4000;

/// What is filled in to create an assessment.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AssessmentInput {
    /// The authority.
    pub election_authority_id: Uuid,
    /// The grant cycle.
    pub cycle_id: Uuid,
    /// The catalog's id.
    pub catalog_id: String,
    /// The catalog's version.
    pub catalog_version: String,
    /// `ig1`, `ig2`, `ig3` or `all` (catalogs without Implementation Groups: `all`).
    pub scope: String,
    /// `csat-4d-v1` or `simple-5-v1`.
    pub method: String,
    /// The navigators who answer it (accounts with the navigator role); empty: the
    /// authority's own navigators.
    #[serde(default)]
    pub navigators: Vec<Uuid>,
}

/// One item's answer as filled in. All empty (no levels, no score, not n/a) clears the item.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnswerInput {
    /// The item id.
    pub item: String,
    /// Policy defined, 0–4 (method `csat-4d-v1`).
    pub policy_defined: Option<u8>,
    /// Control implemented, 0–4.
    pub control_implemented: Option<u8>,
    /// Control automated, 0–4.
    pub control_automated: Option<u8>,
    /// Control reported, 0–4.
    pub control_reported: Option<u8>,
    /// The simple score, 1–5 (method `simple-5-v1`).
    pub score: Option<u8>,
    /// Not applicable.
    #[serde(default)]
    pub not_applicable: bool,
    /// Why not applicable.
    pub justification: Option<String>,
    /// Comment.
    pub comment: Option<String>,
}

/// A set of answers saved together (a group of the form, or the whole assessment).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct AnswersInput {
    /// The answers.
    pub answers: Vec<AnswerInput>,
}

/// One stored answer, parsed.
#[derive(Debug, Clone, Serialize)]
pub struct ItemAnswer {
    /// The item.
    pub item: String,
    /// The answer.
    pub answer: Answer,
    /// Comment.
    pub comment: Option<String>,
    /// Who answered last.
    pub updated_by: Option<Uuid>,
    /// When.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: time::OffsetDateTime,
}

/// An assessment with everything its pages show.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentView {
    /// As stored.
    pub row: AssessmentRow,
    /// The authority's name.
    pub authority_name: String,
    /// The cycle's name.
    pub cycle_name: String,
    /// Its state.
    pub state: State,
    /// Its scope.
    pub scope: Scope,
    /// Its method.
    pub method: Method,
    /// The catalog.
    pub catalog: Catalog,
    /// Answers by item.
    pub answers: BTreeMap<String, ItemAnswer>,
    /// Scores computed from the answers by the assessment's method.
    pub scores: Scores,
    /// Whether the scores count (the assessment is validated).
    pub scores_count: bool,
    /// The navigators assigned.
    pub navigators: Vec<Uuid>,
    /// The workflow steps taken.
    pub events: Vec<EventRow>,
    /// Evidence files, by item.
    pub evidence: BTreeMap<String, Vec<EvidenceMeta>>,
}

/// One line of an authority's assessments list.
#[derive(Debug, Clone, Serialize)]
pub struct AssessmentSummary {
    /// As stored.
    pub row: AssessmentRow,
    /// The cycle's name.
    pub cycle_name: String,
    /// The catalog's title.
    pub catalog_title: String,
    /// Overall score.
    pub overall: Option<f64>,
}

/// One point of an authority's trend: its validated overall score in a cycle.
#[derive(Debug, Clone, Serialize)]
pub struct TrendPoint {
    /// The cycle.
    pub cycle_id: Uuid,
    /// Its name.
    pub cycle_name: String,
    /// The assessment.
    pub assessment_id: Uuid,
    /// Overall percent.
    pub overall: Option<f64>,
}

/// One authority in the statewide roll-up.
#[derive(Debug, Clone, Serialize)]
pub struct AuthorityScore {
    /// The authority.
    pub election_authority_id: Uuid,
    /// Its name.
    pub name: String,
    /// Its latest validated assessment.
    pub assessment_id: Uuid,
    /// That assessment's cycle.
    pub cycle_name: String,
    /// Overall percent.
    pub overall: Option<f64>,
}

/// The statewide roll-up of one catalog: every authority's latest validated overall score.
#[derive(Debug, Clone, Serialize)]
pub struct StatewideScores {
    /// The catalog id.
    pub catalog_id: String,
    /// Per authority, by name.
    pub authorities: Vec<AuthorityScore>,
    /// How many authorities have no validated assessment.
    pub not_assessed: usize,
    /// The distribution of the scores.
    pub distribution: Option<Distribution>,
}

/// What the peer comparison answers.
#[derive(Debug, Clone, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum PeerAnswer {
    /// The comparison.
    Compared {
        /// The figures.
        comparison: PeerComparison,
    },
    /// The authority has no validated assessment of this catalog.
    NotAssessed,
    /// Too few other authorities are assessed to compare without revealing one.
    TooFewPeers {
        /// How many there are.
        peers: usize,
        /// The fewest needed.
        needed: usize,
    },
}

fn corrupt(
    table: &str,
    id: impl std::fmt::Display,
    field: &str,
    err: impl std::fmt::Display,
) -> AppError {
    AppError::Store(StoreError::Corrupt(format!(
        "{table} {id}: field {field}: {err}"
    )))
}

pub(crate) fn parse_catalog(row: &CatalogRow) -> AppResult<Catalog> {
    serde_json::from_str(&row.body)
        .map_err(|e| corrupt("catalogs", format!("{}@{}", row.id, row.version), "body", e))
}

fn parse_answer(row: &AnswerRow) -> AppResult<Answer> {
    serde_json::from_str(&row.answer).map_err(|e| {
        corrupt(
            "assessment_answers",
            format!("{}/{}", row.assessment_id, row.item_id),
            "answer",
            e,
        )
    })
}

struct Parsed {
    state: State,
    scope: Scope,
    method: Method,
}

fn parsed(row: &AssessmentRow) -> AppResult<Parsed> {
    Ok(Parsed {
        state: State::parse(&row.state).map_err(|e| corrupt("assessments", row.id, "state", e))?,
        scope: Scope::parse(&row.scope).map_err(|e| corrupt("assessments", row.id, "scope", e))?,
        method: Method::parse(&row.method)
            .map_err(|e| corrupt("assessments", row.id, "method", e))?,
    })
}

async fn load_catalog_of(tx: &mut Tx, row: &AssessmentRow) -> AppResult<Catalog> {
    let c = tx
        .find_catalog(&row.catalog_id, &row.catalog_version)
        .await?
        .ok_or_else(|| corrupt("assessments", row.id, "catalog", "catalog is missing"))?;
    parse_catalog(&c)
}

async fn answers_of(tx: &mut Tx, id: Uuid) -> AppResult<BTreeMap<String, Answer>> {
    let mut out = BTreeMap::new();
    for r in tx.list_answers(id).await? {
        out.insert(r.item_id.clone(), parse_answer(&r)?);
    }
    Ok(out)
}

/// Turns the form's fields into an answer, or `None` for an item left blank.
fn answer_from(input: &AnswerInput, method: Method) -> Result<Option<Answer>, FieldError> {
    let at = |field: &str| format!("item {}, {field}", input.item);
    if input.not_applicable {
        let j = optional_multiline_text(input.justification.as_deref(), COMMENT_MAX_CHARS)
            .map_err(|e| FieldError::new(at("justification"), e))?
            .unwrap_or_default();
        return Ok(Some(Answer::NotApplicable { justification: j }));
    }
    let dims = [
        input.policy_defined,
        input.control_implemented,
        input.control_automated,
        input.control_reported,
    ];
    match method {
        Method::Csat4dV1 => {
            if input.score.is_some() {
                return Err(FieldError::new(
                    at("score"),
                    "this assessment uses the four dimensions, not the simple 1–5 scale",
                ));
            }
            if dims.iter().all(Option::is_none) {
                return Ok(None);
            }
            let mut levels = [0u8; 4];
            for ((d, v), slot) in scoring::Dimension::ALL.iter().zip(dims).zip(&mut levels) {
                match v {
                    Some(v) => *slot = v,
                    None => {
                        return Err(FieldError::new(
                            at(d.as_str()),
                            "answer all four dimensions, or none to leave the item for later",
                        ));
                    }
                }
            }
            Ok(Some(Answer::Dimensions { levels }))
        }
        Method::Simple5V1 => {
            if let Some((d, _)) = scoring::Dimension::ALL
                .iter()
                .zip(dims)
                .find(|(_, v)| v.is_some())
            {
                return Err(FieldError::new(
                    at(d.as_str()),
                    "this assessment uses the simple 1–5 scale, not the four dimensions",
                ));
            }
            Ok(input.score.map(|score| Answer::Simple { score }))
        }
    }
}

/// An item, its answer (`None`: cleared) and its comment, checked.
type CheckedAnswer = (String, Option<Answer>, Option<String>);

/// Checks a whole set of answers against the catalog, scope-independent; every problem listed.
fn check_answers(
    input: &AnswersInput,
    catalog: &Catalog,
    method: Method,
) -> Result<Vec<CheckedAnswer>, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut out = Vec::with_capacity(input.answers.len());
    let mut seen = std::collections::HashSet::new();
    if input.answers.is_empty() {
        errors.add("answers", "no answers were sent");
    }
    for a in &input.answers {
        if catalog.item(&a.item).is_none() {
            errors.add(
                format!("item {}", a.item),
                format!("{} has no item \"{}\"", catalog.title, a.item),
            );
            continue;
        }
        if !seen.insert(a.item.as_str()) {
            errors.add(format!("item {}", a.item), "the item is answered twice");
            continue;
        }
        let comment = match optional_multiline_text(a.comment.as_deref(), COMMENT_MAX_CHARS) {
            Ok(c) => c,
            Err(e) => {
                errors.add(format!("item {}, comment", a.item), e);
                continue;
            }
        };
        match answer_from(a, method) {
            Err(e) => errors.0.push(e),
            Ok(answer) => {
                if let Some(ans) = &answer
                    && let Err(p) = ans.check(method, &a.item)
                {
                    errors.add(format!("item {}, {}", p.item, p.field), p.message);
                    continue;
                }
                if answer.is_none() && comment.is_some() {
                    errors.add(
                        format!("item {}, comment", a.item),
                        "give an answer (or mark the item not applicable) with the comment",
                    );
                    continue;
                }
                out.push((a.item.clone(), answer, comment));
            }
        }
    }
    errors.into_result(|| out)
}

async fn record_event(
    tx: &mut Tx,
    id: Uuid,
    action: &str,
    from: State,
    to: State,
    note: Option<String>,
    actor: &Actor,
    at: time::OffsetDateTime,
) -> AppResult<()> {
    tx.insert_assessment_event(&EventRow {
        id: Uuid::new_v4(),
        assessment_id: id,
        action: action.into(),
        from_state: from.as_str().into(),
        to_state: to.as_str().into(),
        note,
        actor_id: actor.account_id(),
        at,
    })
    .await?;
    Ok(())
}

/// The navigators' answers may be changed by the authority's answerer; a navigator must also be
/// one the assessment is assigned to.
fn may_answer(actor: &Actor, navigators: &[Uuid]) -> bool {
    actor.role != Role::Navigator || navigators.contains(&actor.user_id)
}

/// The CSV of an assessment's answers: one line per item of the catalog.
pub fn answers_csv(view: &AssessmentView) -> String {
    fn cell(s: &str) -> String {
        // Cells a spreadsheet would run as a formula are quoted with a leading apostrophe.
        let s = cybernav_formats::spreadsheet::guard(s).into_owned();
        if s.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    }
    let mut out = String::from(
        "group,item,title,implementation_group,security_function,in_scope,policy_defined,control_implemented,control_automated,control_reported,score,not_applicable,justification,percent,comment,updated_at\r\n",
    );
    let scores: HashMap<&str, &scoring::ItemScore> = view
        .scores
        .items
        .iter()
        .map(|i| (i.item.as_str(), i))
        .collect();
    for (g, i) in view.catalog.items() {
        let a = view.answers.get(&i.id);
        let (dims, simple, na, just) = match a.map(|a| &a.answer) {
            Some(Answer::Dimensions { levels }) => (
                levels.map(|l| l.to_string()),
                String::new(),
                "no",
                String::new(),
            ),
            Some(Answer::Simple { score }) => {
                (Default::default(), score.to_string(), "no", String::new())
            }
            Some(Answer::NotApplicable { justification }) => (
                Default::default(),
                String::new(),
                "yes",
                justification.clone(),
            ),
            None => (Default::default(), String::new(), "", String::new()),
        };
        let s = scores.get(i.id.as_str());
        let fields = [
            g.id.clone(),
            i.id.clone(),
            i.title.clone(),
            i.implementation_group
                .map(|g| g.to_string())
                .unwrap_or_default(),
            i.security_function.clone().unwrap_or_default(),
            if s.is_some_and(|s| s.in_scope) {
                "yes"
            } else {
                "no"
            }
            .into(),
            dims[0].clone(),
            dims[1].clone(),
            dims[2].clone(),
            dims[3].clone(),
            simple,
            na.into(),
            just,
            s.and_then(|s| s.percent)
                .map(|p| format!("{p:.1}"))
                .unwrap_or_default(),
            a.and_then(|a| a.comment.clone()).unwrap_or_default(),
            a.map(|a| {
                a.updated_at
                    .format(&time::format_description::well_known::Rfc3339)
                    .unwrap_or_default()
            })
            .unwrap_or_default(),
        ];
        let line: Vec<String> = fields.iter().map(|f| cell(f)).collect();
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

/// Reads a catalog file (OSCAL catalog JSON or CSAT CSV) with `cybernav-formats`; a refused
/// file gives every problem as a field error naming file, line and place.
pub fn read_catalog_file(file_name: &str, bytes: &[u8]) -> AppResult<Catalog> {
    cybernav_formats::catalog::read_catalog(file_name, bytes).map_err(|e| {
        let mut errors = FieldErrors::new();
        for p in &e.problems {
            let field = match p.line {
                Some(line) => format!("{}, line {line}, {}", e.file, p.at),
                None => format!("{}, {}", e.file, p.at),
            };
            errors.add(field, p.message.clone());
        }
        if errors.is_empty() {
            errors.add(e.file.clone(), "the file was refused");
        }
        AppError::Invalid(errors)
    })
}

impl App {
    /// Loads a catalog. The same `(id, version)` loads once: loading the same content again
    /// changes nothing; a different content under the same id and version is refused (give it
    /// a new version). `source` is the file as given, fingerprinted with SHA-256.
    pub async fn load_catalog(
        &self,
        cap: &CatalogManager<'_>,
        catalog: &Catalog,
        origin: Origin,
        source: Option<&[u8]>,
        meta: &RequestMeta,
    ) -> AppResult<LoadOutcome> {
        self.load_catalog_as(cap.actor(), catalog, origin, source, meta)
            .await
    }

    async fn load_catalog_as(
        &self,
        actor: &Actor,
        catalog: &Catalog,
        origin: Origin,
        source: Option<&[u8]>,
        meta: &RequestMeta,
    ) -> AppResult<LoadOutcome> {
        if let Err(problems) = catalog.check() {
            let mut errors = FieldErrors::new();
            for p in problems {
                errors.add(p.at, p.message);
            }
            return Err(errors.into());
        }
        let body = serde_json::to_string(catalog)
            .map_err(|e| AppError::Store(StoreError::Corrupt(e.to_string())))?;
        let sha = assessment::source_sha256(source.unwrap_or(body.as_bytes()));
        let at = now();
        let mut tx = self.store.begin().await?;
        if let Some(existing) = tx.find_catalog(&catalog.id, &catalog.version).await? {
            if parse_catalog(&existing)? == *catalog {
                return Ok(LoadOutcome::AlreadyLoaded);
            }
            return Err(AppError::Conflict(format!(
                "catalog {} version {} is already loaded with different content; a changed catalog needs a new version",
                catalog.id, catalog.version
            )));
        }
        let row = CatalogRow {
            id: catalog.id.clone(),
            version: catalog.version.clone(),
            title: catalog.title.clone(),
            publisher: catalog.publisher.clone(),
            licence: catalog.licence.clone(),
            origin: origin.as_str().into(),
            source_sha256: sha,
            body,
            item_count: catalog.len() as i64,
            loaded_by: actor.account_id(),
            loaded_at: at,
        };
        tx.insert_catalog(&row).await?;
        audit::Entry::new(
            "catalog.load",
            "catalog",
            format!("{}@{}", row.id, row.version),
        )
        .changes(json!({
            "title": {"from": null, "to": row.title},
            "origin": {"from": null, "to": row.origin},
            "items": {"from": null, "to": row.item_count},
            "source_sha256": {"from": null, "to": row.source_sha256},
        }))
        .commit(tx, actor, meta, at)
        .await?;
        Ok(LoadOutcome::Loaded)
    }

    /// Loads mappings between catalogs; links already stored are skipped. Returns how many
    /// were new.
    pub async fn load_mappings(
        &self,
        cap: &CatalogManager<'_>,
        mappings: &[Mapping],
        meta: &RequestMeta,
    ) -> AppResult<usize> {
        let at = now();
        let mut tx = self.store.begin().await?;
        let mut added = 0;
        for m in mappings {
            let rel = serde_json::to_value(m.relationship)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            if tx
                .insert_mapping(&MappingRow {
                    from_catalog: m.from.catalog.clone(),
                    from_version: m.from.version.clone(),
                    from_item: m.from.item.clone(),
                    to_catalog: m.to.catalog.clone(),
                    to_version: m.to.version.clone(),
                    to_item: m.to.item.clone(),
                    relationship: rel,
                    loaded_at: at,
                })
                .await?
            {
                added += 1;
            }
        }
        audit::Entry::new("catalog_mapping.load", "catalog_mapping", "")
            .changes(json!({"added": {"from": null, "to": added}}))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(added)
    }

    /// Loads the catalogs and mappings that ship with the product, at start. Catalogs already
    /// loaded are left as they are. Returns how many catalogs were new.
    pub async fn load_shipped_catalogs(&self) -> AppResult<usize> {
        let system = system_actor();
        let meta = RequestMeta::default();
        let mut added = 0;
        for c in cybernav_formats::catalog::shipped_catalogs() {
            match self
                .load_catalog_as(&system, &c, Origin::Shipped, None, &meta)
                .await
            {
                Ok(LoadOutcome::Loaded) => added += 1,
                Ok(LoadOutcome::AlreadyLoaded) => {}
                // A state loaded its own copy under the same id and version before cybernav
                // shipped it (docs/CATALOGS.md once suggested so for CPG 2.0): theirs stays.
                Err(AppError::Conflict(_)) => tracing::warn!(
                    catalog = %c.id,
                    version = %c.version,
                    "a catalog with this id and version was loaded before it shipped; the loaded copy is kept"
                ),
                Err(e) => return Err(e),
            }
        }
        let mappings = cybernav_formats::catalog::shipped_mappings();
        if !mappings.is_empty()
            && let Some(cap) = system.manage_catalogs()
        {
            self.load_mappings(&cap, &mappings, &meta).await?;
        }
        Ok(added)
    }

    /// Every catalog loaded.
    pub async fn catalogs(&self, _reader: &CatalogReader<'_>) -> AppResult<Vec<CatalogRow>> {
        let mut tx = self.store.read().await?;
        Ok(tx.list_catalogs().await?)
    }

    /// One catalog with its items.
    pub async fn catalog(
        &self,
        _reader: &CatalogReader<'_>,
        id: &str,
        version: &str,
    ) -> AppResult<(CatalogRow, Catalog)> {
        let mut tx = self.store.read().await?;
        let row = tx
            .find_catalog(id, version)
            .await?
            .ok_or(AppError::NotFound)?;
        let c = parse_catalog(&row)?;
        Ok((row, c))
    }

    /// Creates an assessment of an authority in a cycle against a catalog, assigned to
    /// navigators: those named, or when none are named, the authority's own navigators.
    pub async fn create_assessment(
        &self,
        cap: &AssessmentManager<'_>,
        input: &AssessmentInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let mut errors = FieldErrors::new();
        let scope = errors.check("scope", Scope::parse(input.scope.trim()));
        let method = errors.check("method", Method::parse(input.method.trim()));
        let at = now();
        let mut tx = self.store.begin().await?;
        if tx
            .get_election_authority(input.election_authority_id)
            .await
            .is_err()
        {
            errors.add("election_authority_id", "no such election authority");
        }
        if tx.get_grant_cycle(input.cycle_id).await.is_err() {
            errors.add("cycle_id", "no such grant cycle");
        }
        let catalog = match tx
            .find_catalog(input.catalog_id.trim(), input.catalog_version.trim())
            .await?
        {
            Some(c) => Some(parse_catalog(&c)?),
            None => {
                errors.add(
                    "catalog_id",
                    format!(
                        "no catalog {} version {} is loaded",
                        input.catalog_id, input.catalog_version
                    ),
                );
                None
            }
        };
        if let (Some(c), Some(s)) = (&catalog, scope)
            && !c.has_implementation_groups()
            && s != Scope::All
        {
            errors.add(
                "scope",
                format!("{} has no Implementation Groups; choose all", c.title),
            );
        }
        // Left out, the authority's own navigators assess it (what the page's start form does).
        let mut navigators = if input.navigators.is_empty() && errors.is_empty() {
            tx.navigators_of(input.election_authority_id)
                .await?
                .into_iter()
                .map(|(id, _, _)| id)
                .collect()
        } else {
            input.navigators.clone()
        };
        navigators.sort();
        navigators.dedup();
        for n in &navigators {
            match tx.get_user(*n).await {
                Ok(u) if u.role == Role::Navigator.as_str() => {}
                _ => errors.add("navigators", format!("{n} is not a navigator's account")),
            }
        }
        let (Some(scope), Some(method)) = (scope, method) else {
            return Err(errors.into());
        };
        if !errors.is_empty() {
            return Err(errors.into());
        }
        let row = AssessmentRow {
            id: Uuid::new_v4(),
            election_authority_id: input.election_authority_id,
            cycle_id: input.cycle_id,
            catalog_id: input.catalog_id.trim().into(),
            catalog_version: input.catalog_version.trim().into(),
            scope: scope.as_str().into(),
            method: method.as_str().into(),
            state: State::Assigned.as_str().into(),
            created_by: cap.actor().account_id(),
            created_at: at,
            updated_at: at,
            completed_by: None,
            completed_at: None,
            validated_by: None,
            validated_at: None,
            overall_percent: None,
        };
        tx.insert_assessment(&row).await.map_err(|e| match e {
            StoreError::Conflict(_) => AppError::invalid(
                "catalog_id",
                "this authority already has an assessment against this catalog in this cycle",
            ),
            other => other.into(),
        })?;
        tx.set_assessment_navigators(row.id, &navigators).await?;
        record_event(
            &mut tx,
            row.id,
            "create",
            State::Assigned,
            State::Assigned,
            None,
            cap.actor(),
            at,
        )
        .await?;
        audit::Entry::new("assessment.create", "assessment", row.id)
            .changes(json!({
                "election_authority": {"from": null, "to": row.election_authority_id.to_string()},
                "cycle": {"from": null, "to": row.cycle_id.to_string()},
                "catalog": {"from": null, "to": format!("{}@{}", row.catalog_id, row.catalog_version)},
                "scope": {"from": null, "to": row.scope},
                "method": {"from": null, "to": row.method},
                "navigators": {"from": null, "to": navigators.iter().map(Uuid::to_string).collect::<Vec<_>>()},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Changes an assessment's scope (IG1–IG3) while it is open. Answers outside the new scope
    /// are kept; they only stop counting.
    pub async fn set_assessment_scope(
        &self,
        cap: &AssessmentManager<'_>,
        id: Uuid,
        scope: &str,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let scope = Scope::parse(scope.trim()).map_err(|e| AppError::invalid("scope", e))?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let row = tx.get_assessment(id).await?;
        let p = parsed(&row)?;
        if !p.state.open_for_answers() {
            return Err(AppError::invalid(
                "scope",
                "the scope of a complete or validated assessment stays as it was assessed",
            ));
        }
        let catalog = load_catalog_of(&mut tx, &row).await?;
        if !catalog.has_implementation_groups() && scope != Scope::All {
            return Err(AppError::invalid(
                "scope",
                format!("{} has no Implementation Groups; choose all", catalog.title),
            ));
        }
        let new = AssessmentRow {
            scope: scope.as_str().into(),
            updated_at: at,
            ..row.clone()
        };
        tx.update_assessment(&new).await?;
        audit::Entry::new("assessment.scope", "assessment", id)
            .changes(json!({"scope": {"from": row.scope, "to": new.scope}}))
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// The assessment `id` with its catalog, answers and scores, for whoever may read its
    /// authority's assessments (county users once it is complete; drafts look as if they did
    /// not exist to them).
    pub async fn assessment(&self, actor: &Actor, id: Uuid) -> AppResult<AssessmentView> {
        let mut tx = self.store.read().await?;
        let row = tx.get_assessment(id).await?;
        let reader = actor
            .read_assessments_of(row.election_authority_id)
            .map_err(|_| AppError::NotFound)?;
        let p = parsed(&row)?;
        if !reader.sees_drafts() && p.state.open_for_answers() {
            return Err(AppError::NotFound);
        }
        let catalog = load_catalog_of(&mut tx, &row).await?;
        let mut answers = BTreeMap::new();
        let mut plain = BTreeMap::new();
        for r in tx.list_answers(id).await? {
            let a = parse_answer(&r)?;
            plain.insert(r.item_id.clone(), a.clone());
            answers.insert(
                r.item_id.clone(),
                ItemAnswer {
                    item: r.item_id,
                    answer: a,
                    comment: r.comment,
                    updated_by: r.updated_by,
                    updated_at: r.updated_at,
                },
            );
        }
        let scores = scoring::score(&catalog, p.scope, p.method, &plain);
        let authority_name = tx
            .get_election_authority(row.election_authority_id)
            .await?
            .authority
            .name;
        let cycle_name = tx.get_grant_cycle(row.cycle_id).await?.name;
        let navigators = tx.assessment_navigators(id).await?;
        let events = tx.assessment_events(id).await?;
        let prefix = format!("assessment:{id}:");
        let mut evidence: BTreeMap<String, Vec<EvidenceMeta>> = BTreeMap::new();
        for e in tx.list_evidence(row.election_authority_id).await? {
            if let Some(item) = e.subject.strip_prefix(&prefix) {
                evidence.entry(item.to_string()).or_default().push(e);
            }
        }
        Ok(AssessmentView {
            authority_name,
            cycle_name,
            state: p.state,
            scope: p.scope,
            method: p.method,
            catalog,
            answers,
            scores,
            scores_count: p.state == State::Validated,
            navigators,
            events,
            evidence,
            row,
        })
    }

    /// The assessments of the reader's authority, newest first (county users: complete and
    /// validated ones only).
    pub async fn assessments_of(
        &self,
        reader: &AssessmentReader<'_>,
    ) -> AppResult<Vec<AssessmentSummary>> {
        let ea = reader.election_authority();
        let mut tx = self.store.read().await?;
        tx.get_election_authority(ea).await?;
        let mut out = Vec::new();
        let mut catalogs: HashMap<(String, String), Catalog> = HashMap::new();
        for row in tx.list_assessments(ea).await? {
            let p = parsed(&row)?;
            if !reader.sees_drafts() && p.state.open_for_answers() {
                continue;
            }
            let key = (row.catalog_id.clone(), row.catalog_version.clone());
            if !catalogs.contains_key(&key) {
                let c = load_catalog_of(&mut tx, &row).await?;
                catalogs.insert(key.clone(), c);
            }
            let catalog = &catalogs[&key];
            let answers = answers_of(&mut tx, row.id).await?;
            let overall = scoring::score(catalog, p.scope, p.method, &answers)
                .overall
                .percent;
            out.push(AssessmentSummary {
                cycle_name: tx.get_grant_cycle(row.cycle_id).await?.name,
                catalog_title: catalog.title.clone(),
                overall,
                row,
            });
        }
        Ok(out)
    }

    /// Saves answers of an open assessment: the whole set is checked first, and nothing is
    /// stored unless every answer is right. The first save starts an assigned assessment.
    pub async fn save_answers(
        &self,
        cap: &AssessmentAnswerer<'_>,
        id: Uuid,
        input: &AnswersInput,
        meta: &RequestMeta,
    ) -> AppResult<usize> {
        let at = now();
        let mut tx = self.store.begin().await?;
        let row = own_assessment(&mut tx, cap.election_authority(), id).await?;
        let navigators = tx.assessment_navigators(id).await?;
        if !may_answer(cap.actor(), &navigators) {
            return Err(AppError::Forbidden);
        }
        let p = parsed(&row)?;
        if !p.state.open_for_answers() {
            return Err(AppError::invalid(
                "answers",
                format!(
                    "the assessment is {}; answers change only while it is in progress (a reviewer may send it back)",
                    p.state.label().to_lowercase()
                ),
            ));
        }
        let catalog = load_catalog_of(&mut tx, &row).await?;
        let checked = check_answers(input, &catalog, p.method)?;
        let before: BTreeMap<String, AnswerRow> = tx
            .list_answers(id)
            .await?
            .into_iter()
            .map(|r| (r.item_id.clone(), r))
            .collect();
        let mut changes = serde_json::Map::new();
        for (item, answer, comment) in checked {
            let old = before.get(&item);
            match answer {
                Some(a) => {
                    let text = serde_json::to_string(&a)
                        .map_err(|e| AppError::Store(StoreError::Corrupt(e.to_string())))?;
                    if old.is_some_and(|o| o.answer == text && o.comment == comment) {
                        continue;
                    }
                    tx.put_answer(&AnswerRow {
                        assessment_id: id,
                        item_id: item.clone(),
                        answer: text,
                        comment: comment.clone(),
                        updated_by: cap.actor().account_id(),
                        updated_at: at,
                    })
                    .await?;
                    changes.insert(
                        item,
                        json!({
                            "from": old.map(|o| json!({"answer": serde_json::from_str::<serde_json::Value>(&o.answer).ok(), "comment": o.comment})),
                            "to": {"answer": a, "comment": comment},
                        }),
                    );
                }
                None => {
                    if let Some(o) = old {
                        tx.delete_answer(id, &item, cap.actor().account_id(), at)
                            .await?;
                        changes.insert(
                            item,
                            json!({"from": {"answer": serde_json::from_str::<serde_json::Value>(&o.answer).ok(), "comment": o.comment}, "to": null}),
                        );
                    }
                }
            }
        }
        let n = changes.len();
        if n == 0 {
            return Ok(0);
        }
        let mut updated = AssessmentRow {
            updated_at: at,
            ..row.clone()
        };
        if p.state == State::Assigned {
            updated.state = State::InProgress.as_str().into();
            record_event(
                &mut tx,
                id,
                "start",
                State::Assigned,
                State::InProgress,
                None,
                cap.actor(),
                at,
            )
            .await?;
        }
        tx.update_assessment(&updated).await?;
        audit::Entry::new("assessment.answer", "assessment", id)
            .changes(changes.into())
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(n)
    }

    /// The history of one item's answer, oldest first.
    pub async fn answer_history(
        &self,
        actor: &Actor,
        id: Uuid,
        item: &str,
    ) -> AppResult<Vec<AnswerHistoryRow>> {
        // Reading the assessment checks the reader may see it.
        self.assessment(actor, id).await?;
        let mut tx = self.store.read().await?;
        Ok(tx.answer_history(id, item).await?)
    }

    /// Takes a workflow step. Start and complete: whoever may answer. Complete needs every item
    /// in scope answered. Validate and send back: a reviewer (the Program Manager or a Board
    /// administrator) who is not the person who marked it complete; sending back needs a
    /// reason. Validating records the participation facts of 213.50(a)(3).
    pub async fn transition_assessment(
        &self,
        actor: &Actor,
        id: Uuid,
        step: Transition,
        note: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<State> {
        let note = optional_multiline_text(note, COMMENT_MAX_CHARS)
            .map_err(|e| AppError::invalid("note", e))?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let row = tx.get_assessment(id).await?;
        let ea = row.election_authority_id;
        // Who may not see the assessment is told it does not exist.
        let reader = actor
            .read_assessments_of(ea)
            .map_err(|_| AppError::NotFound)?;
        let p = parsed(&row)?;
        if !reader.sees_drafts() && p.state.open_for_answers() {
            return Err(AppError::NotFound);
        }
        if step.is_review() {
            if actor.validate_assessments().is_none() {
                return Err(AppError::Forbidden);
            }
            if row.completed_by.is_some() && row.completed_by == actor.account_id() {
                return Err(AppError::invalid(
                    "action",
                    "you marked this assessment complete; another reviewer validates it or sends it back",
                ));
            }
        } else {
            let cap = actor.answer_assessments_of(ea)?;
            let navigators = tx.assessment_navigators(id).await?;
            if !may_answer(cap.actor(), &navigators) {
                return Err(AppError::Forbidden);
            }
        }
        let to = step
            .apply(p.state)
            .map_err(|e| AppError::invalid("action", e))?;
        let catalog = load_catalog_of(&mut tx, &row).await?;
        if step == Transition::Complete {
            let answers = answers_of(&mut tx, id).await?;
            let scores = scoring::score(&catalog, p.scope, p.method, &answers);
            let missing: Vec<&str> = scores
                .items
                .iter()
                .filter(|i| i.in_scope && !i.answered)
                .map(|i| i.item.as_str())
                .collect();
            if !missing.is_empty() {
                let shown: Vec<&str> = missing.iter().take(10).copied().collect();
                return Err(AppError::invalid(
                    "action",
                    format!(
                        "{} item(s) in scope are not answered yet: {}{}",
                        missing.len(),
                        shown.join(", "),
                        if missing.len() > shown.len() {
                            ", …"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
        if step == Transition::SendBack && note.is_none() {
            return Err(AppError::invalid(
                "note",
                "say what needs another look, so the navigators know",
            ));
        }
        let mut new = AssessmentRow {
            state: to.as_str().into(),
            updated_at: at,
            ..row.clone()
        };
        match step {
            Transition::Complete => {
                new.completed_by = actor.account_id();
                new.completed_at = Some(at);
            }
            Transition::Validate => {
                new.validated_by = actor.account_id();
                new.validated_at = Some(at);
                let answers = answers_of(&mut tx, id).await?;
                new.overall_percent = scoring::score(&catalog, p.scope, p.method, &answers)
                    .overall
                    .percent;
            }
            _ => {}
        }
        tx.update_assessment(&new).await?;
        record_event(
            &mut tx,
            id,
            step.as_str(),
            p.state,
            to,
            note.clone(),
            actor,
            at,
        )
        .await?;
        if step == Transition::Validate {
            self.record_assessment_facts(&mut tx, actor, meta, &row, &catalog, at)
                .await?;
        }
        audit::Entry::new("assessment.transition", "assessment", id)
            .changes(json!({
                "state": {"from": p.state.as_str(), "to": to.as_str()},
                "action": step.as_str(),
                "note": note,
            }))
            .commit(tx, actor, meta, at)
            .await?;
        Ok(to)
    }

    /// 213.50(a)(3): a validated assessment is the navigators' risk assessment done; one
    /// against a CIS-shaped catalog (with Implementation Groups) is the CIS analysis done too.
    async fn record_assessment_facts(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        meta: &RequestMeta,
        row: &AssessmentRow,
        catalog: &Catalog,
        at: time::OffsetDateTime,
    ) -> AppResult<()> {
        let ea = row.election_authority_id;
        let cycle = tx.get_grant_cycle(row.cycle_id).await?.name;
        let mut keys = vec![FactKey::RiskAssessmentDone];
        if catalog.has_implementation_groups() {
            keys.push(FactKey::CisAnalysisDone);
        }
        let existing = tx.list_facts(Some(ea)).await?;
        for key in keys {
            let prior = existing.iter().find(|f| f.fact == key.as_str());
            let fact = FactRow {
                election_authority_id: ea,
                fact: key.as_str().into(),
                holds: true,
                on_date: Some(at.date()),
                note: Some(format!(
                    "{} assessment ({} {}) validated, cycle {cycle}",
                    catalog.title, catalog.id, catalog.version
                )),
                updated_by: actor.account_id(),
                updated_at: at,
            };
            tx.put_fact(&fact).await?;
            audit::Entry::new("participation.fact", "election_authority", ea)
                .changes(json!({
                    key.as_str(): {
                        "from": prior.map(|b| json!({"holds": b.holds, "on": b.on_date.map(|d| d.to_string()), "note": b.note})),
                        "to": {"holds": true, "on": fact.on_date.map(|d| d.to_string()), "note": fact.note},
                    },
                    "source": "assessment",
                    "assessment": row.id.to_string(),
                }))
                .record(tx, actor, meta, at)
                .await?;
        }
        Ok(())
    }

    /// Files an evidence file for one item of an open assessment (the checklist's evidence
    /// mechanism: size and type limits, SHA-256, who and when).
    pub async fn upload_assessment_evidence(
        &self,
        cap: &AssessmentAnswerer<'_>,
        id: Uuid,
        item: &str,
        file_name: &str,
        content: &[u8],
        meta: &RequestMeta,
    ) -> AppResult<EvidenceMeta> {
        let ea = cap.election_authority();
        let checked = check_evidence(file_name, content, self.config.evidence_max_bytes)
            .map_err(|e| AppError::invalid("file", e))?;
        let mut tx = self.store.begin().await?;
        let row = own_assessment(&mut tx, ea, id).await?;
        let navigators = tx.assessment_navigators(id).await?;
        if !may_answer(cap.actor(), &navigators) {
            return Err(AppError::Forbidden);
        }
        let catalog = load_catalog_of(&mut tx, &row).await?;
        if catalog.item(item).is_none() {
            return Err(AppError::invalid(
                "item",
                format!("{} has no item \"{item}\"", catalog.title),
            ));
        }
        let meta_row = EvidenceMeta {
            id: Uuid::new_v4(),
            election_authority_id: ea,
            subject: assessment::evidence_subject(id, item),
            file_name: checked.file_name,
            content_type: checked.content_type.to_string(),
            size_bytes: content.len() as i64,
            sha256: checked.sha256,
            uploaded_by: cap.actor().account_id(),
            uploaded_at: now(),
        };
        tx.insert_evidence(&meta_row, content).await?;
        audit::Entry::new("evidence.upload", "assessment", id)
            .changes(json!({
                "evidence_id": {"from": null, "to": meta_row.id.to_string()},
                "subject": {"from": null, "to": meta_row.subject},
                "file_name": {"from": null, "to": meta_row.file_name},
                "size_bytes": {"from": null, "to": meta_row.size_bytes},
                "sha256": {"from": null, "to": meta_row.sha256},
            }))
            .commit(tx, cap.actor(), meta, meta_row.uploaded_at)
            .await?;
        Ok(meta_row)
    }

    /// The evidence files of one item of assessment `id`, for whoever may read the assessment.
    pub async fn assessment_item_evidence(
        &self,
        actor: &Actor,
        id: Uuid,
        item: &str,
    ) -> AppResult<Vec<EvidenceMeta>> {
        let v = self.assessment(actor, id).await?;
        if v.catalog.item(item).is_none() {
            return Err(AppError::NotFound);
        }
        Ok(v.evidence.get(item).cloned().unwrap_or_default())
    }

    /// One evidence file of one item of assessment `id`, with its content, for whoever may
    /// read the assessment. A file filed under another item or assessment is not found.
    pub async fn assessment_evidence_file(
        &self,
        actor: &Actor,
        id: Uuid,
        item: &str,
        evidence: Uuid,
    ) -> AppResult<(EvidenceMeta, Vec<u8>)> {
        let v = self.assessment(actor, id).await?;
        let mut tx = self.store.read().await?;
        let (meta, content) = tx.get_evidence(evidence).await?;
        if meta.subject != assessment::evidence_subject(id, item)
            || meta.election_authority_id != v.row.election_authority_id
        {
            return Err(AppError::NotFound);
        }
        Ok((meta, content))
    }

    /// Every authority's overall score in its latest validated assessment of catalog
    /// `catalog_id`, with the distribution.
    pub async fn statewide_scores(
        &self,
        _cap: &StatewideScoresReader<'_>,
        catalog_id: &str,
    ) -> AppResult<StatewideScores> {
        let latest = self.latest_validated_scores(catalog_id).await?;
        let all = self.all_authorities().await?;
        let names: HashMap<Uuid, &str> = all
            .iter()
            .map(|e| (e.authority.id, e.authority.name.as_str()))
            .collect();
        let mut authorities: Vec<AuthorityScore> = latest
            .into_iter()
            .map(
                |(ea, (assessment_id, cycle_name, overall))| AuthorityScore {
                    election_authority_id: ea,
                    name: names.get(&ea).copied().unwrap_or_default().to_string(),
                    assessment_id,
                    cycle_name,
                    overall,
                },
            )
            .collect();
        authorities.sort_by(|a, b| a.name.cmp(&b.name));
        let values: Vec<f64> = authorities.iter().filter_map(|a| a.overall).collect();
        Ok(StatewideScores {
            catalog_id: catalog_id.to_string(),
            not_assessed: all.len().saturating_sub(authorities.len()),
            distribution: scoring::distribution(&values),
            authorities,
        })
    }

    /// The latest validated overall score per authority (by cycle deadline, then validation),
    /// as kept at validation (a validated assessment no longer changes).
    async fn latest_validated_scores(
        &self,
        catalog_id: &str,
    ) -> AppResult<HashMap<Uuid, (Uuid, String, Option<f64>)>> {
        let mut tx = self.store.read().await?;
        let mut latest: HashMap<Uuid, (Uuid, String, Option<f64>)> = HashMap::new();
        // Ordered oldest first, so a later one replaces an earlier one.
        for v in tx.list_validated(catalog_id).await? {
            latest.insert(
                v.election_authority_id,
                (v.id, v.cycle_name, v.overall_percent),
            );
        }
        Ok(latest)
    }

    /// The reader's authority's validated overall scores across cycles, oldest first.
    pub async fn assessment_trend(
        &self,
        reader: &AssessmentReader<'_>,
        catalog_id: &str,
    ) -> AppResult<Vec<TrendPoint>> {
        let ea = reader.election_authority();
        let mut tx = self.store.read().await?;
        tx.get_election_authority(ea).await?;
        let mut out = Vec::new();
        for v in tx.list_validated(catalog_id).await? {
            if v.election_authority_id != ea {
                continue;
            }
            out.push(TrendPoint {
                cycle_id: v.cycle_id,
                cycle_name: v.cycle_name,
                assessment_id: v.id,
                overall: v.overall_percent,
            });
        }
        Ok(out)
    }

    /// Where the reader's authority stands among the others (their latest validated scores of
    /// the same catalog), with no names; refused when fewer than
    /// [`scoring::MIN_PEERS`] others are assessed, so no one authority can be read out.
    pub async fn peer_comparison(
        &self,
        reader: &AssessmentReader<'_>,
        catalog_id: &str,
    ) -> AppResult<PeerAnswer> {
        let ea = reader.election_authority();
        let latest = self.latest_validated_scores(catalog_id).await?;
        let Some(own) = latest.get(&ea).and_then(|(_, _, s)| *s) else {
            return Ok(PeerAnswer::NotAssessed);
        };
        let others: Vec<f64> = latest
            .iter()
            .filter(|(k, _)| **k != ea)
            .filter_map(|(_, (_, _, s))| *s)
            .collect();
        Ok(match scoring::compare_with_peers(own, &others) {
            Some(comparison) => PeerAnswer::Compared { comparison },
            None => PeerAnswer::TooFewPeers {
                peers: others.len(),
                needed: scoring::MIN_PEERS,
            },
        })
    }

    /// The state of the assessments of an authority in a cycle, for the participation
    /// checklist (every state, to whoever may read the checklist).
    pub async fn assessment_states(
        &self,
        ea: Uuid,
        cycle: Uuid,
    ) -> AppResult<Vec<(AssessmentRow, State)>> {
        let mut tx = self.store.read().await?;
        let mut out = Vec::new();
        for row in tx.list_assessments(ea).await? {
            if row.cycle_id == cycle {
                let s = parsed(&row)?.state;
                out.push((row, s));
            }
        }
        Ok(out)
    }
}

/// The assessment `id` if it is of authority `ea`; otherwise not found.
async fn own_assessment(tx: &mut Tx, ea: Uuid, id: Uuid) -> AppResult<AssessmentRow> {
    let row = tx.get_assessment(id).await?;
    if row.election_authority_id != ea {
        return Err(AppError::NotFound);
    }
    Ok(row)
}
