//! Vetted partner organisations (213.30(a)(7), (9)).

use serde::{Deserialize, Serialize};

/// What a partner organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartnerKind {
    /// State fusion center (in Illinois, STIC).
    FusionCenter,
    /// An FBI field office.
    FbiFieldOffice,
    /// CISA (regional office or election security advisor).
    Cisa,
    /// An information sharing and analysis center (MS-ISAC, EI-ISAC, a state ISAC).
    Isac,
    /// The state IT department (in Illinois, DoIT).
    StateIt,
    /// The state's National Guard cyber unit.
    NationalGuard,
    /// An election or IT vendor.
    Vendor,
    /// Any other vetted organisation.
    Other,
}

impl PartnerKind {
    /// Every kind.
    pub const ALL: [PartnerKind; 8] = [
        PartnerKind::FusionCenter,
        PartnerKind::FbiFieldOffice,
        PartnerKind::Cisa,
        PartnerKind::Isac,
        PartnerKind::StateIt,
        PartnerKind::NationalGuard,
        PartnerKind::Vendor,
        PartnerKind::Other,
    ];

    /// The stable identifier.
    pub fn as_str(self) -> &'static str {
        match self {
            PartnerKind::FusionCenter => "fusion_center",
            PartnerKind::FbiFieldOffice => "fbi_field_office",
            PartnerKind::Cisa => "cisa",
            PartnerKind::Isac => "isac",
            PartnerKind::StateIt => "state_it",
            PartnerKind::NationalGuard => "national_guard",
            PartnerKind::Vendor => "vendor",
            PartnerKind::Other => "other",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            PartnerKind::FusionCenter => "Fusion center",
            PartnerKind::FbiFieldOffice => "FBI field office",
            PartnerKind::Cisa => "CISA",
            PartnerKind::Isac => "ISAC",
            PartnerKind::StateIt => "State IT department",
            PartnerKind::NationalGuard => "National Guard",
            PartnerKind::Vendor => "Vendor",
            PartnerKind::Other => "Other",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Self, String> {
        PartnerKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown partner kind '{}'; expected one of {}",
                    s.trim(),
                    PartnerKind::ALL.map(PartnerKind::as_str).join(", ")
                )
            })
    }
}
