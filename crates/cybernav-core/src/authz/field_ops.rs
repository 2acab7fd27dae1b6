//! Capabilities for field operations (Part 213.40): documentation review, field visits, the
//! navigators' workload and the balance of need-weighted workload across navigator pairs.

use super::*;

ea_capability!(
    /// May read one election authority's documents on file, their reviews and its field
    /// visits. County users read their own authority's, without navigator-internal notes
    /// ([`FieldReader::sees_internal_notes`]).
    FieldReader
);

ea_capability!(
    /// May record one election authority's documents, review them for accuracy, and record
    /// field visits and follow-ups there: the Board, the Program Manager and the navigators
    /// assigned to it.
    FieldRecorder
);

capability!(
    /// May read the workload of every navigator and the need-weighted balance across navigator
    /// pairs, with the suggested assignment: the Board, the Program Manager and auditors.
    WorkloadReader
);

impl FieldReader<'_> {
    /// Navigator-internal notes of a visit are for the program (Board, Program Manager,
    /// navigators, auditors), not for the county.
    pub fn sees_internal_notes(&self) -> bool {
        !matches!(
            self.actor.role,
            Role::EaOfficial | Role::EaIt | Role::Partner
        )
    }
}

impl Actor {
    /// Everyone who may read `ea` in the registry reads its documents and visits: the Board,
    /// the Program Manager and auditors all, navigators their assigned, county users their own.
    /// Partners none.
    pub fn read_field_of(&self, ea: Uuid) -> Result<FieldReader<'_>, Refusal> {
        if self.read_registry().is_some() && self.ea_scope().contains(ea) {
            Ok(FieldReader { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// The Board, the Program Manager and the navigators assigned to `ea` record its documents,
    /// reviews, visits and follow-ups.
    pub fn record_field_of(&self, ea: Uuid) -> Result<FieldRecorder<'_>, Refusal> {
        let allowed = match self.role {
            Role::BoardAdmin | Role::ProgramManager => true,
            Role::Navigator => self.assigned_authorities.contains(&ea),
            _ => false,
        };
        if allowed {
            Ok(FieldRecorder { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// The Board, the Program Manager and auditors read every navigator's workload and the
    /// balance across pairs (navigators see their own on "My work").
    pub fn read_workload(&self) -> Option<WorkloadReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor
        )
        .then_some(WorkloadReader { actor: self })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, ea: Option<Uuid>, assigned: Vec<Uuid>) -> Actor {
        Actor {
            user_id: Uuid::new_v4(),
            email: "x@example.gov".into(),
            role,
            election_authority_id: ea,
            assigned_authorities: assigned,
            partner_org_id: None,
        }
    }

    #[test]
    fn field_rights_follow_the_assignment() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        let nav = actor(Role::Navigator, None, vec![ea]);
        assert!(nav.record_field_of(ea).is_ok());
        assert_eq!(nav.record_field_of(other).err(), Some(Refusal::NotFound));
        assert_eq!(nav.read_field_of(other).err(), Some(Refusal::NotFound));
        assert!(nav.read_workload().is_none());
        let clerk = actor(Role::EaOfficial, Some(ea), vec![]);
        let reader = clerk.read_field_of(ea).unwrap();
        assert!(!reader.sees_internal_notes());
        assert_eq!(clerk.record_field_of(ea).err(), Some(Refusal::Forbidden));
        assert_eq!(clerk.read_field_of(other).err(), Some(Refusal::NotFound));
        let auditor = actor(Role::Auditor, None, vec![]);
        assert!(auditor.read_field_of(other).unwrap().sees_internal_notes());
        assert_eq!(auditor.record_field_of(ea).err(), Some(Refusal::Forbidden));
        assert!(auditor.read_workload().is_some());
        let partner = actor(Role::Partner, None, vec![]);
        assert_eq!(partner.read_field_of(ea).err(), Some(Refusal::Forbidden));
        assert!(partner.read_workload().is_none());
        assert!(
            actor(Role::ProgramManager, None, vec![])
                .record_field_of(other)
                .is_ok()
        );
    }
}
