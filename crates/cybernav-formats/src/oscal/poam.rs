//! OSCAL plan-of-action-and-milestones for one election authority: its open and closed
//! findings, each with its risk, target date and, when accepted, who accepted it until when.

use serde_json::{Value, json};
use time::{Date, OffsetDateTime};

use super::{
    OSCAL_VERSION, date_as_datetime, datetime, or_dash, prop, set_list, set_text, uuid_v5,
};

/// Where a finding is in its lifecycle, in OSCAL's risk-status words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoamStatus {
    /// Identified, not yet confirmed (`open`).
    Identified,
    /// Confirmed (`investigating`).
    Confirmed,
    /// Assigned or in progress (`remediating`).
    InProgress,
    /// Fixed, waiting for a re-test (`remediating`, with a remark).
    Mitigated,
    /// Fixed and verified by a re-test (`closed`).
    Verified,
    /// Risk accepted by a named approver until a date (`deviation-approved`).
    RiskAccepted,
}

impl PoamStatus {
    fn oscal(self) -> &'static str {
        match self {
            PoamStatus::Identified => "open",
            PoamStatus::Confirmed => "investigating",
            PoamStatus::InProgress | PoamStatus::Mitigated => "remediating",
            PoamStatus::Verified => "closed",
            PoamStatus::RiskAccepted => "deviation-approved",
        }
    }

    fn word(self) -> &'static str {
        match self {
            PoamStatus::Identified => "identified",
            PoamStatus::Confirmed => "confirmed",
            PoamStatus::InProgress => "in-progress",
            PoamStatus::Mitigated => "mitigated",
            PoamStatus::Verified => "verified",
            PoamStatus::RiskAccepted => "risk-accepted",
        }
    }
}

/// Who accepted a risk, until when and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskAcceptance {
    /// The approver's name.
    pub approver: String,
    /// The acceptance ends on this date.
    pub until: Date,
    /// Why.
    pub reason: String,
}

/// One finding of the authority.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoamFinding {
    /// Our finding id.
    pub id: String,
    /// Short title.
    pub title: String,
    /// What was found.
    pub description: String,
    /// Informational, Low, Medium, High or Critical.
    pub severity: String,
    /// Where it came from (navigator assessment, vulnerability scan, ...).
    pub source: String,
    /// Lifecycle state.
    pub status: PoamStatus,
    /// When it was identified.
    pub identified: OffsetDateTime,
    /// Target date for the fix.
    pub target_date: Option<Date>,
    /// Risk acceptance, when the status is [`PoamStatus::RiskAccepted`].
    pub risk_accepted: Option<RiskAcceptance>,
    /// CVE id, if any (`CVE-2024-1234`).
    pub cve: Option<String>,
    /// On CISA's Known Exploited Vulnerabilities list.
    pub known_exploited: bool,
    /// Host (address or name), if any.
    pub host: Option<String>,
    /// Port, if any.
    pub port: Option<u16>,
    /// Who owns the fix (election office, county IT, vendor).
    pub owner: Option<String>,
    /// Recommended fix.
    pub remediation: Option<String>,
    /// Remarks.
    pub remarks: String,
}

/// Everything the POA&M says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoamInput {
    /// Election authority id.
    pub authority_id: String,
    /// Election authority name.
    pub authority_name: String,
    /// When the data exported last changed (`last-modified`).
    pub last_modified: OffsetDateTime,
    /// Document version (for example the number of changes to the findings).
    pub version: String,
    /// The findings, oldest first.
    pub findings: Vec<PoamFinding>,
}

/// Builds the OSCAL plan-of-action-and-milestones document
/// (`{"plan-of-action-and-milestones": {...}}`).
pub fn poam(input: &PoamInput) -> Value {
    let base = format!("poam:{}", input.authority_id);
    let authority_party = uuid_v5(&format!("authority:{}", input.authority_id));
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
    let metadata = json!({
        "title": format!("Plan of action and milestones: {}", or_dash(&input.authority_name)),
        "last-modified": datetime(input.last_modified),
        "version": or_dash(&input.version),
        "oscal-version": OSCAL_VERSION,
        "roles": [{"id": "system-owner", "title": "Election authority"}],
        "parties": [party],
        "responsible-parties": [{"role-id": "system-owner", "party-uuids": [authority_party]}],
    });

    let mut observations = Vec::new();
    let mut risks = Vec::new();
    let mut items = Vec::new();
    for f in &input.findings {
        let obs_uuid = uuid_v5(&format!("{base}:observation:{}", f.id));
        let risk_uuid = uuid_v5(&format!("finding:{}", f.id));
        let mut common: Vec<Value> = [
            prop("finding-id", &f.id),
            prop("severity", &f.severity),
            prop("source", &f.source),
            prop("lifecycle", f.status.word()),
        ]
        .into_iter()
        .flatten()
        .collect();
        if let Some(owner) = &f.owner {
            common.extend(prop("owner", owner));
        }

        let mut obs_props: Vec<Value> = Vec::new();
        if let Some(h) = &f.host {
            obs_props.extend(prop("host", h));
        }
        if let Some(p) = f.port {
            obs_props.extend(prop("port", &p.to_string()));
        }
        let methods = if f.source.to_ascii_lowercase().contains("scan")
            || f.source.to_ascii_lowercase().contains("test")
        {
            "TEST"
        } else {
            "EXAMINE"
        };
        let mut obs = json!({
            "uuid": obs_uuid,
            "title": or_dash(&f.title),
            "description": or_dash(&f.description),
            "methods": [methods],
            "collected": datetime(f.identified),
        });
        set_list(&mut obs, "props", obs_props);
        observations.push(obs);

        let mut risk_props = common.clone();
        if f.known_exploited {
            risk_props.extend(prop("known-exploited", "true"));
        }
        let mut risk = json!({
            "uuid": risk_uuid,
            "title": or_dash(&f.title),
            "description": or_dash(&f.description),
            "statement": format!("Severity {} finding from {}.", or_dash(&f.severity), or_dash(&f.source)),
            "props": risk_props,
            "status": f.status.oscal(),
            "related-observations": [{"observation-uuid": obs_uuid}],
        });
        if let Some(cve) = f.cve.as_deref().filter(|c| !c.trim().is_empty())
            && let Some(o) = risk.as_object_mut()
        {
            o.insert(
                "threat-ids".into(),
                json!([{
                    "system": "https://www.cve.org",
                    "id": format!("https://www.cve.org/CVERecord?id={}", cve.trim()),
                }]),
            );
            if let Some(props) = o.get_mut("props").and_then(Value::as_array_mut) {
                props.extend(prop("cve", cve));
            }
        }
        if let Some(d) = f.target_date
            && let Some(o) = risk.as_object_mut()
        {
            o.insert("deadline".into(), Value::String(date_as_datetime(d)));
        }
        if let Some(fix) = f.remediation.as_deref().filter(|r| !r.trim().is_empty())
            && let Some(o) = risk.as_object_mut()
        {
            o.insert(
                "remediations".into(),
                json!([{
                    "uuid": uuid_v5(&format!("{base}:remediation:{}", f.id)),
                    "lifecycle": "recommendation",
                    "title": "Recommended fix",
                    "description": fix.trim(),
                }]),
            );
        }
        let mut remarks = f.remarks.trim().to_string();
        if f.status == PoamStatus::Mitigated {
            remarks = join(&remarks, "Mitigated; waiting for a re-test to verify.");
        }
        if let Some(a) = &f.risk_accepted {
            let accepted = format!(
                "Risk accepted by {} until {}: {}",
                or_dash(&a.approver),
                a.until,
                or_dash(&a.reason)
            );
            remarks = join(&remarks, &accepted);
            if let Some(props) = risk.get_mut("props").and_then(Value::as_array_mut) {
                props.extend(prop("accepted-by", &a.approver));
                props.extend(prop("accepted-until", &a.until.to_string()));
            }
        }
        // OSCAL risks have no remarks; the POA&M item carries them.
        risks.push(risk);

        let mut item = json!({
            "uuid": uuid_v5(&format!("{base}:item:{}", f.id)),
            "title": or_dash(&f.title),
            "description": or_dash(&f.description),
            "props": common,
            "related-observations": [{"observation-uuid": obs_uuid}],
            "related-risks": [{"risk-uuid": risk_uuid}],
        });
        set_text(&mut item, "remarks", &remarks);
        items.push(item);
    }

    if items.is_empty() {
        // OSCAL requires at least one POA&M item; say plainly that there is nothing to do.
        items.push(json!({
            "uuid": uuid_v5(&format!("{base}:item:none")),
            "title": "No findings recorded",
            "description": format!("No findings are recorded for {}.", or_dash(&input.authority_name)),
        }));
    }
    let mut doc = json!({
        "uuid": uuid_v5(&format!("{base}:document")),
        "metadata": metadata,
        "system-id": {"identifier-type": "https://cybernav.example/ns/election-authority", "id": or_dash(&input.authority_id)},
        "poam-items": items,
    });
    set_list(&mut doc, "observations", observations);
    set_list(&mut doc, "risks", risks);
    json!({ "plan-of-action-and-milestones": doc })
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}\n\n{b}")
    }
}
