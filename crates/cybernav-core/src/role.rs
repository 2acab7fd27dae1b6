//! The roles people hold in the program, and what each role is scoped to.

use serde::{Deserialize, Serialize};

/// A person's role. Every account has exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// State Board of Elections administrator: everything, including people and roles.
    BoardAdmin,
    /// The Program Manager (213.30(a)): the registry, partners, sharing; not role grants to admins.
    ProgramManager,
    /// A Cyber Navigator (213.40): the election authorities assigned to them.
    Navigator,
    /// An election authority's election official: their own authority.
    EaOfficial,
    /// An election authority's person in charge of IT: their own authority, read-mostly.
    EaIt,
    /// A vetted partner organisation's member (fusion center, FBI, CISA, ISAC).
    Partner,
    /// Read-only access to everything, for oversight.
    Auditor,
}

impl Role {
    /// Every role, in the order the UI lists them.
    pub const ALL: [Role; 7] = [
        Role::BoardAdmin,
        Role::ProgramManager,
        Role::Navigator,
        Role::EaOfficial,
        Role::EaIt,
        Role::Partner,
        Role::Auditor,
    ];

    /// The stable identifier stored in the database and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::BoardAdmin => "board_admin",
            Role::ProgramManager => "program_manager",
            Role::Navigator => "navigator",
            Role::EaOfficial => "ea_official",
            Role::EaIt => "ea_it",
            Role::Partner => "partner",
            Role::Auditor => "auditor",
        }
    }

    /// The name a person reads.
    pub fn label(self) -> &'static str {
        match self {
            Role::BoardAdmin => "Board administrator",
            Role::ProgramManager => "Program Manager",
            Role::Navigator => "Cyber Navigator",
            Role::EaOfficial => "Election official",
            Role::EaIt => "Election authority IT",
            Role::Partner => "Vetted partner",
            Role::Auditor => "Auditor",
        }
    }

    /// Parses the stable identifier.
    pub fn parse(s: &str) -> Result<Role, String> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown role '{}'; expected one of {}",
                    s.trim(),
                    Role::ALL.map(Role::as_str).join(", ")
                )
            })
    }

    /// True for roles bound to one election authority (`ea_official`, `ea_it`).
    pub fn is_ea_scoped(self) -> bool {
        matches!(self, Role::EaOfficial | Role::EaIt)
    }

    /// True for roles that need a partner organisation.
    pub fn needs_partner_org(self) -> bool {
        matches!(self, Role::Partner)
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()).unwrap(), r);
        }
        assert!(Role::parse("admin").unwrap_err().contains("board_admin"));
    }
}
