//! Capabilities for the need-to-know roster (Part 213.30(a)(5)): everyone signed in applies
//! for themselves and reads their own applications; the Board and the Program Manager decide,
//! renew and revoke; the Board, the Program Manager and auditors read and export the roster.
//! Nobody else learns that someone else's entry exists.

use super::*;

capability!(
    /// May apply for need-to-know approval for oneself and read one's own applications:
    /// everyone signed in.
    NtkApplicant
);

capability!(
    /// May approve or deny applications, renew and revoke approvals: the Board and the
    /// Program Manager (never on their own application, a rule of `need_to_know`).
    NtkDecider
);

capability!(
    /// May read the whole roster and export it: the Board, the Program Manager and auditors.
    NtkRosterReader
);

impl Actor {
    /// Everyone signed in applies for themselves.
    pub fn apply_need_to_know(&self) -> NtkApplicant<'_> {
        NtkApplicant { actor: self }
    }

    /// The Board and the Program Manager read the roster; auditors too.
    pub fn read_need_to_know_roster(&self) -> Option<NtkRosterReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor
        )
        .then_some(NtkRosterReader { actor: self })
    }

    /// The Board and the Program Manager decide on the application of `applicant`, renew and
    /// revoke it. Anyone else is refused as forbidden when they may see the entry (their own,
    /// or an auditor reading the roster) and as not found otherwise.
    pub fn decide_need_to_know(&self, applicant: Uuid) -> Result<NtkDecider<'_>, Refusal> {
        if matches!(self.role, Role::BoardAdmin | Role::ProgramManager) {
            Ok(NtkDecider { actor: self })
        } else {
            Err(self.need_to_know_refusal(applicant))
        }
    }

    /// Only the applicant accepts the handling agreement of an application; others are refused
    /// as [`Actor::decide_need_to_know`] refuses.
    pub fn accept_need_to_know(&self, applicant: Uuid) -> Result<NtkApplicant<'_>, Refusal> {
        if applicant == self.user_id {
            Ok(NtkApplicant { actor: self })
        } else {
            Err(self.need_to_know_refusal(applicant))
        }
    }

    /// Forbidden when the actor may see the entry of `applicant`, not found otherwise.
    fn need_to_know_refusal(&self, applicant: Uuid) -> Refusal {
        if applicant == self.user_id || self.read_need_to_know_roster().is_some() {
            Refusal::Forbidden
        } else {
            Refusal::NotFound
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: Uuid::new_v4(),
            email: "x@example.gov".into(),
            role,
            election_authority_id: None,
            assigned_authorities: Vec::new(),
            partner_org_id: None,
        }
    }

    #[test]
    fn roster_rights_follow_the_role() {
        let someone = Uuid::new_v4();
        for role in Role::ALL {
            let a = actor(role);
            let manager = matches!(role, Role::BoardAdmin | Role::ProgramManager);
            assert_eq!(a.decide_need_to_know(someone).is_ok(), manager, "{role}");
            assert_eq!(
                a.read_need_to_know_roster().is_some(),
                manager || role == Role::Auditor,
                "{role}"
            );
            assert!(a.accept_need_to_know(a.user_id).is_ok(), "{role}: own");
            let other = a.accept_need_to_know(someone).err();
            if manager || role == Role::Auditor {
                assert_eq!(other, Some(Refusal::Forbidden), "{role}");
            } else {
                assert_eq!(other, Some(Refusal::NotFound), "{role}: hidden");
                assert_eq!(
                    a.decide_need_to_know(someone).err(),
                    Some(Refusal::NotFound),
                    "{role}"
                );
                assert_eq!(
                    a.decide_need_to_know(a.user_id).err(),
                    Some(Refusal::Forbidden),
                    "{role}: own entry"
                );
            }
            assert_eq!(a.apply_need_to_know().actor().user_id, a.user_id);
        }
    }
}
