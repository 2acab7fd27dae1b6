//! Capabilities for the TAXII 2.1 server and two-way sharing (Part 213.30(a), 213.50(a)(2)(B)).
//!
//! * Reading the shared collections (the Board's indicators, what the Board received): every
//!   signed-in person; each object is released only when the one access decision
//!   (`sharing::marking::may_see`) allows it, so what a person may not see is absent.
//! * Reporting what an authority observes (the writable `reports` collection, later the web
//!   form): the people of an election authority, for their own authority.
//! * Reading the community reports: the Board administrator, the Program Manager and the
//!   navigators, who validate and analyse them (213.30(a)(2)); each object still passes the
//!   access decision. The people of an authority read their own authority's reports (status
//!   and the Program Manager's decision) in the county's "Reports from my office" list.
//! * Deciding on a report (validate, turning it into intake and sightings, or reject with a
//!   reason): the Program Manager and the Board administrator. Navigators read only.

use uuid::Uuid;

use super::{Actor, Role};

capability!(
    /// May read the TAXII collections of shared information, object by object as the access
    /// decision allows.
    TaxiiReader
);

capability!(
    /// May read what election authorities reported to the Board.
    CommunityReportReader
);

/// May report observations to the Board for one election authority.
#[derive(Debug, Clone, Copy)]
pub struct ReportSubmitter<'a> {
    actor: &'a Actor,
    election_authority: Uuid,
}

impl<'a> ReportSubmitter<'a> {
    /// The actor who holds this capability.
    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    /// The authority the report is for.
    pub fn election_authority(&self) -> Uuid {
        self.election_authority
    }
}

capability!(
    /// May validate a community report (its indicators become intake and sightings, and a
    /// draft intelligence note may start from it) or reject it with a reason.
    ReportValidator
);

/// Which community reports a person lists and opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportScope {
    /// Every authority's (Board staff).
    All,
    /// One authority's own (its people).
    Authority(Uuid),
}

/// May list and open community reports within a scope.
#[derive(Debug, Clone, Copy)]
pub struct ReportReader<'a> {
    actor: &'a Actor,
    scope: ReportScope,
}

impl<'a> ReportReader<'a> {
    /// The actor who holds this capability.
    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    /// Whose reports.
    pub fn scope(&self) -> ReportScope {
        self.scope
    }

    /// True when the report of `election_authority` is within the scope.
    pub fn covers(&self, election_authority: Uuid) -> bool {
        match self.scope {
            ReportScope::All => true,
            ReportScope::Authority(ea) => ea == election_authority,
        }
    }

    /// True for Board staff, who see which authority sent a report and every authority's.
    pub fn is_board_staff(&self) -> bool {
        self.scope == ReportScope::All
    }
}

impl Actor {
    /// Everyone signed in reads the shared collections, object by object.
    pub fn read_taxii(&self) -> TaxiiReader<'_> {
        TaxiiReader { actor: self }
    }

    /// The people of an election authority report for it.
    pub fn submit_report(&self) -> Option<ReportSubmitter<'_>> {
        match (self.role, self.election_authority_id) {
            (Role::EaOfficial | Role::EaIt, Some(ea)) => Some(ReportSubmitter {
                actor: self,
                election_authority: ea,
            }),
            _ => None,
        }
    }

    /// The Board, the Program Manager and the navigators read community reports.
    pub fn read_community_reports(&self) -> Option<CommunityReportReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Navigator
        )
        .then_some(CommunityReportReader { actor: self })
    }

    /// Board staff list every authority's reports; the people of an authority their own.
    pub fn read_reports(&self) -> Option<ReportReader<'_>> {
        if self.read_community_reports().is_some() {
            return Some(ReportReader {
                actor: self,
                scope: ReportScope::All,
            });
        }
        self.submit_report().map(|s| ReportReader {
            actor: self,
            scope: ReportScope::Authority(s.election_authority()),
        })
    }

    /// The Program Manager and the Board administrator decide on reports.
    pub fn validate_reports(&self) -> Option<ReportValidator<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(ReportValidator { actor: self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_authority_people_report_and_only_board_staff_read_reports() {
        for role in Role::ALL {
            let ea = matches!(role, Role::EaOfficial | Role::EaIt).then(Uuid::new_v4);
            let a = Actor {
                user_id: Uuid::new_v4(),
                email: "x@example.org".into(),
                role,
                election_authority_id: ea,
                assigned_authorities: Vec::new(),
                partner_org_id: None,
            };
            assert_eq!(
                a.submit_report().map(|c| c.election_authority()),
                ea,
                "{role:?}"
            );
            assert_eq!(
                a.read_community_reports().is_some(),
                matches!(
                    role,
                    Role::BoardAdmin | Role::ProgramManager | Role::Navigator
                ),
                "{role:?}"
            );
            assert_eq!(
                a.validate_reports().is_some(),
                matches!(role, Role::BoardAdmin | Role::ProgramManager),
                "{role:?}"
            );
            let scope = a.read_reports().map(|r| r.scope());
            let expected = match role {
                Role::BoardAdmin | Role::ProgramManager | Role::Navigator => Some(ReportScope::All),
                Role::EaOfficial | Role::EaIt => ea.map(ReportScope::Authority),
                Role::Partner | Role::Auditor => None,
            };
            assert_eq!(scope, expected, "{role:?}");
            if let (Some(r), Some(ea)) = (a.read_reports(), ea) {
                assert!(r.covers(ea) && !r.covers(Uuid::new_v4()), "{role:?}");
            }
        }
    }
}
