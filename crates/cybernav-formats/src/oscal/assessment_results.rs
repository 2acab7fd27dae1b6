//! OSCAL assessment-results for one assessment of one election authority.

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::{
    OSCAL_VERSION, datetime, or_dash, oscal_control_id, prop, set_list, set_text, uuid_v5,
};

/// The outcome of one item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemStatus {
    /// Validated answer at or above the threshold.
    Satisfied,
    /// Validated answer below the threshold.
    NotSatisfied,
    /// Not applicable, with a justification; excluded from every score.
    NotApplicable,
}

impl ItemStatus {
    fn word(self) -> &'static str {
        match self {
            ItemStatus::Satisfied => "satisfied",
            ItemStatus::NotSatisfied => "not-satisfied",
            ItemStatus::NotApplicable => "not-applicable",
        }
    }
}

/// An evidence file, named by its SHA-256 (contents never leave the store).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRef {
    /// The file's name as uploaded.
    pub file_name: String,
    /// Lower-case hex SHA-256 of the contents.
    pub sha256: String,
    /// Media type, where known.
    pub media_type: Option<String>,
}

/// One assessed item of the catalog.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessedItem {
    /// Our item id (`4.7`, `PR.AA-01`).
    pub id: String,
    /// Its title.
    pub title: String,
    /// Outcome.
    pub status: ItemStatus,
    /// Score in percent (0–100), `None` when not applicable or unanswered.
    pub score_percent: Option<f64>,
    /// The navigator's comments, and for a not-applicable item its justification.
    pub comments: String,
    /// Evidence files.
    pub evidence: Vec<EvidenceRef>,
}

/// A finding raised from this assessment (its fix is tracked in the POA&M).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RaisedFinding {
    /// Our finding id.
    pub id: String,
    /// The item it was raised from, if any.
    pub item_id: Option<String>,
    /// Short title.
    pub title: String,
    /// What was found.
    pub description: String,
    /// Informational, Low, Medium, High or Critical.
    pub severity: String,
}

/// Everything the assessment-results document says.
#[derive(Debug, Clone, PartialEq)]
pub struct AssessmentResultsInput {
    /// Election authority id.
    pub authority_id: String,
    /// Election authority name.
    pub authority_name: String,
    /// Our assessment id.
    pub assessment_id: String,
    /// Catalog id and version assessed against.
    pub catalog_id: String,
    /// Catalog version.
    pub catalog_version: String,
    /// Catalog title.
    pub catalog_title: String,
    /// Scope (`IG1`, `IG2`, `IG3`, or `all items`).
    pub scope: String,
    /// Assessment method and scoring method version (`CSAT four dimensions, scoring v1`).
    pub method: String,
    /// Names of the navigators who assessed.
    pub assessors: Vec<String>,
    /// When the assessment started.
    pub started: OffsetDateTime,
    /// When it was completed, if it was.
    pub ended: Option<OffsetDateTime>,
    /// When the data exported last changed (the document's `last-modified`).
    pub last_modified: OffsetDateTime,
    /// Overall score in percent, if any.
    pub overall_score_percent: Option<f64>,
    /// The items in scope, in catalog order.
    pub items: Vec<AssessedItem>,
    /// Findings raised from the assessment.
    pub findings: Vec<RaisedFinding>,
}

fn percent(p: f64) -> String {
    format!("{:.1}", p.clamp(0.0, 100.0))
}

/// Builds the OSCAL assessment-results document (`{"assessment-results": {...}}`).
pub fn assessment_results(input: &AssessmentResultsInput) -> Value {
    let base = format!("assessment:{}", input.assessment_id);
    let u = |what: &str| uuid_v5(&format!("{base}:{what}"));
    let authority_party = uuid_v5(&format!("authority:{}", input.authority_id));
    let plan_resource = u("plan");

    let mut party = json!({
        "uuid": authority_party,
        "type": "organization",
        "name": or_dash(&input.authority_name),
    });
    set_list(
        &mut party,
        "props",
        prop("election-authority-id", &input.authority_id)
            .into_iter()
            .collect(),
    );
    let mut parties = vec![party];
    let mut assessor_uuids = Vec::new();
    let mut seen_people = std::collections::BTreeSet::new();
    for name in &input.assessors {
        if !seen_people.insert(name.as_str()) {
            continue;
        }
        let id = uuid_v5(&format!("person:{name}"));
        assessor_uuids.push(Value::String(id.clone()));
        parties.push(json!({"uuid": id, "type": "person", "name": or_dash(name)}));
    }
    let mut metadata = json!({
        "title": format!(
            "Assessment results: {} against {} {}",
            input.authority_name, input.catalog_title, input.catalog_version
        ),
        "last-modified": datetime(input.last_modified),
        "version": input.assessment_id,
        "oscal-version": OSCAL_VERSION,
        "roles": [
            {"id": "assessor", "title": "Assessor (cyber navigator)"},
            {"id": "assessment-subject", "title": "Election authority assessed"}
        ],
        "parties": parties,
    });
    let mut responsible =
        vec![json!({"role-id": "assessment-subject", "party-uuids": [authority_party]})];
    if !assessor_uuids.is_empty() {
        responsible.push(json!({"role-id": "assessor", "party-uuids": assessor_uuids}));
    }
    set_list(&mut metadata, "responsible-parties", responsible);

    let mut resources = vec![json!({
        "uuid": plan_resource,
        "title": "Assessment plan",
        "description": format!(
            "Catalog {} {} ({}), scope {}, method: {}.",
            input.catalog_id, input.catalog_version, input.catalog_title, input.scope, input.method
        ),
    })];

    let mut observations = Vec::new();
    let mut findings = Vec::new();
    let mut risks = Vec::new();
    let collected = datetime(input.ended.unwrap_or(input.started));
    for item in &input.items {
        let control_id = oscal_control_id(&input.catalog_id, &item.id);
        let obs_uuid = u(&format!("observation:{}", item.id));
        let mut evidence = Vec::new();
        let mut seen_files = std::collections::BTreeSet::new();
        for e in &item.evidence {
            if !seen_files.insert(e.sha256.as_str()) {
                continue;
            }
            let res = u(&format!("evidence:{}:{}", item.id, e.sha256));
            let mut rlink = json!({
                "href": format!("evidence/sha256/{}", e.sha256),
                "hashes": [{"algorithm": "SHA-256", "value": e.sha256}],
            });
            if let Some(mt) = &e.media_type {
                set_text(&mut rlink, "media-type", mt);
            }
            resources.push(json!({
                "uuid": res,
                "title": or_dash(&e.file_name),
                "rlinks": [rlink],
            }));
            evidence.push(json!({
                "href": format!("#{res}"),
                "description": format!("Evidence file {}", or_dash(&e.file_name)),
            }));
        }
        let mut props: Vec<Value> = vec![prop("status", item.status.word())]
            .into_iter()
            .flatten()
            .collect();
        if let Some(p) = item.score_percent {
            props.extend(prop("score-percent", &percent(p)));
        }
        let mut obs = json!({
            "uuid": obs_uuid,
            "title": format!("{} {}", item.id, item.title),
            "description": format!("Answers recorded for item {} ({}).", item.id, item.status.word()),
            "props": props,
            "methods": ["EXAMINE", "INTERVIEW"],
            "collected": collected,
        });
        set_list(&mut obs, "relevant-evidence", evidence);
        set_text(&mut obs, "remarks", &item.comments);
        observations.push(obs);

        let raised: Vec<&RaisedFinding> = input
            .findings
            .iter()
            .filter(|f| f.item_id.as_deref() == Some(item.id.as_str()))
            .collect();
        let state = match item.status {
            ItemStatus::Satisfied => "satisfied",
            ItemStatus::NotSatisfied => "not-satisfied",
            // OSCAL's objective status knows only satisfied / not-satisfied: a
            // not-applicable item is told by its observation alone.
            ItemStatus::NotApplicable => continue,
        };
        let mut finding = json!({
            "uuid": u(&format!("finding:{}", item.id)),
            "title": format!("{} {}", item.id, item.title),
            "description": format!("Item {} is {}.", item.id, state),
            "target": {
                "type": "objective-id",
                "target-id": control_id,
                "status": {"state": state},
            },
            "related-observations": [{"observation-uuid": obs_uuid}],
        });
        set_list(
            &mut finding,
            "related-risks",
            raised
                .iter()
                .map(|f| json!({"risk-uuid": uuid_v5(&format!("finding:{}", f.id))}))
                .collect(),
        );
        findings.push(finding);
    }
    for f in &input.findings {
        let risk_props: Vec<Value> = [prop("finding-id", &f.id), prop("severity", &f.severity)]
            .into_iter()
            .flatten()
            .collect();
        let mut risk = json!({
            "uuid": uuid_v5(&format!("finding:{}", f.id)),
            "title": or_dash(&f.title),
            "description": or_dash(&f.description),
            "statement": format!("Severity {}.", or_dash(&f.severity)),
            "status": "open",
        });
        set_list(&mut risk, "props", risk_props);
        risks.push(risk);
    }

    let include: Value = if input.items.is_empty() {
        json!({"include-all": {}})
    } else {
        json!({"include-controls": input.items.iter()
            .map(|i| json!({"control-id": oscal_control_id(&input.catalog_id, &i.id)}))
            .collect::<Vec<Value>>()})
    };
    let mut selection = json!({"description": format!("Items in scope {}.", input.scope)});
    if let (Some(o), Some(inc)) = (selection.as_object_mut(), include.as_object()) {
        for (k, v) in inc {
            o.insert(k.clone(), v.clone());
        }
    }
    let mut result_props: Vec<Value> = [
        prop("catalog-id", &input.catalog_id),
        prop("catalog-version", &input.catalog_version),
        prop("scope", &input.scope),
        prop("method", &input.method),
    ]
    .into_iter()
    .flatten()
    .collect();
    if let Some(p) = input.overall_score_percent {
        result_props.extend(prop("overall-score-percent", &percent(p)));
    }
    let mut result = json!({
        "uuid": u("result"),
        "title": format!("Assessment {} of {}", input.assessment_id, input.authority_name),
        "description": format!(
            "Assessment of {} against {} {}, scope {}. Only validated answers are reported; not-applicable items are excluded from every score.",
            input.authority_name, input.catalog_title, input.catalog_version, input.scope
        ),
        "start": datetime(input.started),
        "props": result_props,
        "reviewed-controls": {"control-selections": [selection]},
    });
    if let (Some(end), Some(o)) = (input.ended, result.as_object_mut()) {
        o.insert("end".into(), Value::String(datetime(end)));
    }
    set_list(&mut result, "observations", observations);
    set_list(&mut result, "risks", risks);
    set_list(&mut result, "findings", findings);

    json!({
        "assessment-results": {
            "uuid": u("document"),
            "metadata": metadata,
            "import-ap": {"href": format!("#{plan_resource}")},
            "results": [result],
            "back-matter": {"resources": resources},
        }
    })
}
