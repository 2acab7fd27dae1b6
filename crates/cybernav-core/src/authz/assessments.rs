//! Capabilities for assessments (Part 213.40).
//!
//! * Catalogs: the Board and the Program Manager load them; everyone in the program but
//!   partners reads them (a CIS catalog is the state's licensed copy, not for partners).
//! * Creating and assigning an assessment: the Board and the Program Manager.
//! * Answering, saving and marking complete: the navigators assigned to the authority, and the
//!   Board and the Program Manager (who stand in when a navigator is away).
//! * Validating or sending back: the Program Manager and Board administrators, never the
//!   person who marked the assessment complete (checked in the use case, which knows who).
//! * Reading: the Board, the Program Manager and auditors every authority's, navigators their
//!   assigned authorities', county users (official and IT) their own authority's once it is
//!   complete or validated (drafts are the navigators' working notes). Partners nothing.
//! * The statewide roll-up with names: the Board, the Program Manager and auditors. Peer
//!   comparison (no names) goes with reading the authority's assessments.

use super::*;

capability!(
    /// May load catalogs and mappings.
    CatalogManager
);
capability!(
    /// May read catalogs.
    CatalogReader
);
capability!(
    /// May create assessments and assign navigators to them.
    AssessmentManager
);
capability!(
    /// May validate complete assessments or send them back.
    AssessmentValidator
);
capability!(
    /// May read every authority's validated scores by name (the statewide roll-up).
    StatewideScoresReader
);
ea_capability!(
    /// May answer the assessments of one election authority and mark them complete.
    AssessmentAnswerer
);
ea_capability!(
    /// May read the assessments of one election authority (see [`AssessmentReader::sees_drafts`]).
    AssessmentReader
);

impl AssessmentReader<'_> {
    /// Whether assessments that are assigned or in progress are visible: not to county users,
    /// who see theirs once the navigators mark it complete.
    pub fn sees_drafts(&self) -> bool {
        !matches!(self.actor.role, Role::EaOfficial | Role::EaIt)
    }
}

impl Actor {
    /// The Board and the Program Manager load catalogs.
    pub fn manage_catalogs(&self) -> Option<CatalogManager<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(CatalogManager { actor: self })
    }

    /// Everyone but partners reads catalogs.
    pub fn read_catalogs(&self) -> Option<CatalogReader<'_>> {
        (self.role != Role::Partner).then_some(CatalogReader { actor: self })
    }

    /// The Board and the Program Manager create and assign assessments.
    pub fn manage_assessments(&self) -> Option<AssessmentManager<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(AssessmentManager { actor: self })
    }

    /// The Program Manager and Board administrators review complete assessments.
    pub fn validate_assessments(&self) -> Option<AssessmentValidator<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(AssessmentValidator { actor: self })
    }

    /// The Board, the Program Manager and auditors read the statewide roll-up by name.
    pub fn read_statewide_scores(&self) -> Option<StatewideScoresReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor
        )
        .then_some(StatewideScoresReader { actor: self })
    }

    /// The navigators assigned to `ea`, the Board and the Program Manager answer its
    /// assessments.
    pub fn answer_assessments_of(&self, ea: Uuid) -> Result<AssessmentAnswerer<'_>, Refusal> {
        let allowed = match self.role {
            Role::BoardAdmin | Role::ProgramManager => true,
            Role::Navigator => self.assigned_authorities.contains(&ea),
            _ => false,
        };
        if allowed {
            Ok(AssessmentAnswerer { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Everyone who may see `ea` except partners reads its assessments (county users only
    /// complete and validated ones).
    pub fn read_assessments_of(&self, ea: Uuid) -> Result<AssessmentReader<'_>, Refusal> {
        if self.role != Role::Partner && self.ea_scope().contains(ea) {
            Ok(AssessmentReader { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, ea: Option<Uuid>) -> Actor {
        Actor {
            user_id: Uuid::new_v4(),
            email: "x@example.gov".into(),
            role,
            election_authority_id: if matches!(role, Role::EaOfficial | Role::EaIt) {
                ea
            } else {
                None
            },
            assigned_authorities: if role == Role::Navigator {
                ea.into_iter().collect()
            } else {
                Vec::new()
            },
            partner_org_id: None,
        }
    }

    #[test]
    fn who_may_do_what_with_assessments() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        for role in Role::ALL {
            let a = actor(role, Some(ea));
            let board = matches!(role, Role::BoardAdmin | Role::ProgramManager);
            assert_eq!(a.manage_catalogs().is_some(), board, "{role}");
            assert_eq!(a.manage_assessments().is_some(), board, "{role}");
            assert_eq!(a.validate_assessments().is_some(), board, "{role}");
            assert_eq!(a.read_catalogs().is_some(), role != Role::Partner, "{role}");
            assert_eq!(
                a.answer_assessments_of(ea).is_ok(),
                board || role == Role::Navigator,
                "{role}"
            );
            assert_eq!(
                a.read_assessments_of(ea).is_ok(),
                role != Role::Partner,
                "{role}"
            );
            assert_eq!(
                a.read_statewide_scores().is_some(),
                board || role == Role::Auditor,
                "{role}"
            );
        }
        let nav = actor(Role::Navigator, Some(ea));
        assert_eq!(
            nav.answer_assessments_of(other).err(),
            Some(Refusal::NotFound)
        );
        let clerk = actor(Role::EaOfficial, Some(ea));
        assert_eq!(
            clerk.read_assessments_of(other).err(),
            Some(Refusal::NotFound)
        );
        assert!(!clerk.read_assessments_of(ea).unwrap().sees_drafts());
        assert!(nav.read_assessments_of(ea).unwrap().sees_drafts());
        assert_eq!(
            actor(Role::Auditor, None).answer_assessments_of(ea).err(),
            Some(Refusal::Forbidden)
        );
        assert_eq!(
            actor(Role::Partner, None).read_assessments_of(ea).err(),
            Some(Refusal::Forbidden)
        );
    }
}
