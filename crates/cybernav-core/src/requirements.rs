//! Requirement sets: what a program asks of each election authority, as data.
//!
//! A set (Illinois Part 213.50 ships as the default; a state may load its own) lists
//! requirements, each with its clause, plain-language text, owner, the facts that satisfy it
//! and when it is due. The facts are a closed vocabulary the platform records ([`FactKey`]),
//! plus "checked": a person ticks the item off, with evidence, for checklists whose items the
//! platform has no fact for. Whether an authority meets a set is [`crate::eligibility`].

use serde::{Deserialize, Serialize};
use time::Date;

/// A fact the platform records about an election authority, which requirements refer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum FactKey {
    /// The Certification of Participation was received by the cycle's deadline.
    CertificationOnTime,
    /// Connected to the statewide database over the state network (ICN in Illinois).
    IcnConnected,
    /// An agreement to connect over the state network is signed.
    IcnAgreementSigned,
    /// Registered with an ISAC (EI-ISAC, MS-ISAC, a state ISAC).
    IsacRegistered,
    /// The Board waived ISAC registration, with a reason.
    IsacWaived,
    /// Two-way data sharing with the Program Manager is established.
    DataSharingEstablished,
    /// At least one designee completed security-awareness training (dated).
    DesigneeTrained,
    /// The authority allows the navigators' risk assessment and CIS analysis.
    AssessmentAllowed,
    /// The navigators' risk assessment is done (dated).
    RiskAssessmentDone,
    /// The analysis against the CIS recommended procedures is done (dated).
    CisAnalysisDone,
    /// A person ticked this requirement off, with evidence (for checklist items).
    Checked,
}

impl FactKey {
    /// Every fact, in the order forms list them.
    pub const ALL: [FactKey; 11] = [
        FactKey::CertificationOnTime,
        FactKey::IcnConnected,
        FactKey::IcnAgreementSigned,
        FactKey::IsacRegistered,
        FactKey::IsacWaived,
        FactKey::DataSharingEstablished,
        FactKey::DesigneeTrained,
        FactKey::AssessmentAllowed,
        FactKey::RiskAssessmentDone,
        FactKey::CisAnalysisDone,
        FactKey::Checked,
    ];

    /// The name requirement-set files use.
    pub fn as_str(self) -> &'static str {
        match self {
            FactKey::CertificationOnTime => "certification.on_time",
            FactKey::IcnConnected => "icn.connected",
            FactKey::IcnAgreementSigned => "icn.agreement_signed",
            FactKey::IsacRegistered => "isac.registered",
            FactKey::IsacWaived => "isac.waived",
            FactKey::DataSharingEstablished => "data_sharing.established",
            FactKey::DesigneeTrained => "training.designee_trained",
            FactKey::AssessmentAllowed => "assessment.allowed",
            FactKey::RiskAssessmentDone => "assessment.risk_assessment_done",
            FactKey::CisAnalysisDone => "assessment.cis_analysis_done",
            FactKey::Checked => "checked",
        }
    }

    /// The fact named `s` in a requirement-set file.
    pub fn parse(s: &str) -> Option<FactKey> {
        FactKey::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// What the fact says when it holds, in words a clerk reads.
    pub fn label(self) -> &'static str {
        match self {
            FactKey::CertificationOnTime => "Certification of Participation received on time",
            FactKey::IcnConnected => "connected to the statewide database over the ICN",
            FactKey::IcnAgreementSigned => "agreement to connect over the ICN signed",
            FactKey::IsacRegistered => "registered with an ISAC",
            FactKey::IsacWaived => "ISAC registration waived by the Board",
            FactKey::DataSharingEstablished => "two-way data sharing with the Program Manager",
            FactKey::DesigneeTrained => "a designee trained in security awareness",
            FactKey::AssessmentAllowed => "risk assessment and CIS analysis allowed",
            FactKey::RiskAssessmentDone => "risk assessment done by the navigators",
            FactKey::CisAnalysisDone => "CIS analysis done by the navigators",
            FactKey::Checked => "marked done, with evidence",
        }
    }
}

/// Who must act for a requirement to be met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Owner {
    /// The election office (county clerk or board of election commissioners).
    ElectionOffice,
    /// The county's IT staff (or the commissioners' IT person).
    CountyIt,
    /// A vendor working for the authority.
    Vendor,
    /// The state Board of Elections (its Program Manager and navigators).
    Board,
}

impl Owner {
    /// Every owner.
    pub const ALL: [Owner; 4] = [
        Owner::ElectionOffice,
        Owner::CountyIt,
        Owner::Vendor,
        Owner::Board,
    ];

    /// The name files use.
    pub fn as_str(self) -> &'static str {
        match self {
            Owner::ElectionOffice => "election_office",
            Owner::CountyIt => "county_it",
            Owner::Vendor => "vendor",
            Owner::Board => "board",
        }
    }

    /// The owner named `s`.
    pub fn parse(s: &str) -> Option<Owner> {
        Owner::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The owner in words.
    pub fn label(self) -> &'static str {
        match self {
            Owner::ElectionOffice => "Election office",
            Owner::CountyIt => "County IT",
            Owner::Vendor => "Vendor",
            Owner::Board => "State Board",
        }
    }
}

/// Which facts satisfy a requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Condition {
    /// Every one of these facts.
    All(Vec<FactKey>),
    /// At least one of these facts.
    Any(Vec<FactKey>),
}

impl Condition {
    /// The facts the condition names.
    pub fn facts(&self) -> &[FactKey] {
        match self {
            Condition::All(f) | Condition::Any(f) => f,
        }
    }
}

/// When a requirement must be met, and how long a dated fact counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DueRule {
    /// By the grant cycle's certification deadline; once met, it stays met.
    CertificationDeadline,
    /// Within the current calendar year (dated facts from an earlier year do not count), and
    /// by the certification deadline.
    CalendarYear,
    /// Every year by this month and day (e.g. New York's 1 August certification); a dated
    /// fact counts for the twelve months after it.
    Annual {
        /// Month, 1–12.
        month: u8,
        /// Day of the month.
        day: u8,
    },
    /// By a fixed date.
    Date(Date),
}

/// One requirement of a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Requirement {
    /// Stable id within the set, e.g. `icn`.
    pub id: String,
    /// The clause it comes from, e.g. `213.50(a)(1)`.
    pub clause: String,
    /// A short title.
    pub title: String,
    /// What is asked, in plain language.
    pub text: String,
    /// Who must act.
    pub owner: Owner,
    /// The facts that satisfy it.
    pub condition: Condition,
    /// When it is due.
    pub due: DueRule,
}

/// A program's requirements, versioned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementSet {
    /// Stable id, e.g. `il-part-213`.
    pub id: String,
    /// The version of the set (a date or a number); cycles name the version they use.
    pub version: String,
    /// Title shown to people.
    pub title: String,
    /// The state or program it belongs to.
    pub jurisdiction: String,
    /// The requirements, in the order checklists show them.
    pub requirements: Vec<Requirement>,
}

impl RequirementSet {
    /// The requirement with id `id`.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }
}
