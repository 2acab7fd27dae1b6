//! Capabilities for findings (Part 213.40).
//!
//! * Reading an authority's findings: everyone who may read the authority (the Board, the
//!   Program Manager and auditors all; navigators their assigned; county users their own).
//!   Partners none: findings are FOUO.
//! * Managing them (create, edit, every status change, risk acceptance, CyHy import): the
//!   Board, the Program Manager and the navigators assigned to the authority.
//! * Working on them: the authority's own official and IT person comment, file evidence of a
//!   fix, and move a finding they are fixing to in progress or mitigated (fixed, waiting for a
//!   re-test). Confirming, verifying (a re-test) and accepting a risk stay with the navigators
//!   and the Board, so the county never closes its own finding.
//! * The KEV catalog (import, scheduled download): the Board and the Program Manager.
//! * The statewide findings overview: the Board, the Program Manager and auditors (every
//!   authority), navigators (their assigned ones).

use super::*;
use crate::finding::Status;

ea_capability!(
    /// May read the findings of one election authority.
    FindingReader
);

ea_capability!(
    /// May create, edit and move the findings of one election authority through every status,
    /// accept risks and import scans for it.
    FindingManager
);

/// May comment on the findings of one election authority, file evidence of a fix and make the
/// status changes [`FindingWorker::may_move_to`] allows.
#[derive(Debug, Clone, Copy)]
pub struct FindingWorker<'a> {
    actor: &'a Actor,
    ea: Uuid,
    manager: bool,
}

impl<'a> FindingWorker<'a> {
    /// The actor who holds this capability.
    pub fn actor(&self) -> &'a Actor {
        self.actor
    }

    /// The election authority it is for.
    pub fn election_authority(&self) -> Uuid {
        self.ea
    }

    /// Managers make every change; county users only in progress and mitigated.
    pub fn may_move_to(&self, to: Status) -> bool {
        self.manager || matches!(to, Status::InProgress | Status::Mitigated)
    }
}

capability!(
    /// May import the CISA KEV catalog and run its download.
    KevManager
);

capability!(
    /// May read the statewide findings overview (within the actor's scope).
    FindingsOverviewReader
);

impl Actor {
    /// Everyone who may read `ea` reads its findings; partners none.
    pub fn read_findings_of(&self, ea: Uuid) -> Result<FindingReader<'_>, Refusal> {
        if self.read_registry().is_some() && self.ea_scope().contains(ea) {
            Ok(FindingReader { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// The Board, the Program Manager and the navigators assigned to `ea` manage its findings.
    pub fn manage_findings_of(&self, ea: Uuid) -> Result<FindingManager<'_>, Refusal> {
        let allowed = match self.role {
            Role::BoardAdmin | Role::ProgramManager => true,
            Role::Navigator => self.assigned_authorities.contains(&ea),
            _ => false,
        };
        if allowed {
            Ok(FindingManager { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Managers, and the authority's own official and IT person, work on its findings.
    pub fn work_on_findings_of(&self, ea: Uuid) -> Result<FindingWorker<'_>, Refusal> {
        if self.manage_findings_of(ea).is_ok() {
            return Ok(FindingWorker {
                actor: self,
                ea,
                manager: true,
            });
        }
        match self.role {
            Role::EaOfficial | Role::EaIt if self.election_authority_id == Some(ea) => {
                Ok(FindingWorker {
                    actor: self,
                    ea,
                    manager: false,
                })
            }
            _ => Err(self.refusal_for(ea)),
        }
    }

    /// The Board and the Program Manager keep the KEV catalog.
    pub fn manage_kev(&self) -> Option<KevManager<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(KevManager { actor: self })
    }

    /// The statewide findings overview: the Board, the Program Manager, auditors and
    /// navigators (who see their assigned authorities in it).
    pub fn read_findings_overview(&self) -> Option<FindingsOverviewReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor | Role::Navigator
        )
        .then_some(FindingsOverviewReader { actor: self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, ea: Option<Uuid>, assigned: Vec<Uuid>) -> Actor {
        Actor {
            user_id: Uuid::new_v4(),
            email: "a@example.gov".into(),
            role,
            election_authority_id: ea,
            assigned_authorities: assigned,
            partner_org_id: None,
        }
    }

    #[test]
    fn findings_rights_follow_the_rule() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        let nav = actor(Role::Navigator, None, vec![ea]);
        assert!(nav.manage_findings_of(ea).is_ok());
        assert_eq!(nav.manage_findings_of(other).err(), Some(Refusal::NotFound));
        assert_eq!(nav.read_findings_of(other).err(), Some(Refusal::NotFound));
        for role in [Role::EaOfficial, Role::EaIt] {
            let c = actor(role, Some(ea), vec![]);
            assert!(c.read_findings_of(ea).is_ok());
            assert_eq!(c.manage_findings_of(ea).err(), Some(Refusal::Forbidden));
            let w = c.work_on_findings_of(ea).unwrap();
            assert!(w.may_move_to(Status::Mitigated));
            assert!(w.may_move_to(Status::InProgress));
            assert!(!w.may_move_to(Status::Verified));
            assert!(!w.may_move_to(Status::RiskAccepted));
            assert_eq!(c.read_findings_of(other).err(), Some(Refusal::NotFound));
            assert!(c.read_findings_overview().is_none());
        }
        let auditor = actor(Role::Auditor, None, vec![]);
        assert!(auditor.read_findings_of(other).is_ok());
        assert_eq!(
            auditor.work_on_findings_of(ea).err(),
            Some(Refusal::Forbidden)
        );
        assert!(auditor.read_findings_overview().is_some());
        assert!(auditor.manage_kev().is_none());
        let partner = actor(Role::Partner, None, vec![]);
        assert_eq!(partner.read_findings_of(ea).err(), Some(Refusal::Forbidden));
        assert!(partner.read_findings_overview().is_none());
        let pm = actor(Role::ProgramManager, None, vec![]);
        assert!(
            pm.work_on_findings_of(other)
                .unwrap()
                .may_move_to(Status::Verified)
        );
        assert!(pm.manage_kev().is_some());
    }
}
