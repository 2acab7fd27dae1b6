//! Capabilities for the incident-response directory (213.30(a)(9)) and outreach (213.30(a)(3),
//! (10)).
//!
//! Directory: the Board and the Program Manager edit; they and navigators mark entries
//! verified; everyone signed in reads the entries that apply to them (partners the statewide
//! ones, county users statewide + their zone + their authority, navigators those of their
//! authorities). Outreach: the Board, the Program Manager and an authority's navigators log
//! contacts and attendance; the program reads everything in its scope, the county its own
//! authority's contacts without internal notes; partners see no outreach.

use super::*;

capability!(
    /// May add, change and remove directory entries: the Board and the Program Manager.
    DirectoryEditor
);

capability!(
    /// May mark a directory entry verified (the details were confirmed today): the Board, the
    /// Program Manager and navigators.
    DirectoryVerifier
);

capability!(
    /// May read the directory entries that apply to them: everyone signed in
    /// ([`DirectoryReader::view`] says which).
    DirectoryReader
);

ea_capability!(
    /// May read one election authority's incident card: whoever reads that authority in the
    /// registry.
    IncidentCardReader
);

capability!(
    /// May read outreach (contacts, events, attendance, last contact) within the actor's
    /// [`EaScope`]: everyone but partners. County users do not see internal notes.
    OutreachReader
);

ea_capability!(
    /// May log contacts with one authority's officials and record its people's attendance at
    /// events: the Board, the Program Manager and its navigators.
    OutreachRecorder
);

capability!(
    /// May create events (webinars, conferences, trainings, tabletops): the Board, the Program
    /// Manager and navigators.
    EventManager
);

/// Which directory entries a reader sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirectoryView {
    /// Every entry (Board, Program Manager, auditors).
    All,
    /// Statewide entries only (partners).
    StatewideOnly,
    /// Statewide entries and those of these authorities and of their zones.
    Authorities(Vec<Uuid>),
}

impl DirectoryReader<'_> {
    /// Which entries this reader sees.
    pub fn view(&self) -> DirectoryView {
        match self.actor.ea_scope() {
            _ if self.actor.role == Role::Partner => DirectoryView::StatewideOnly,
            EaScope::All => DirectoryView::All,
            EaScope::Only(ids) => DirectoryView::Authorities(ids),
        }
    }

    /// Whether this reader may edit entries (for showing the forms).
    pub fn may_edit(&self) -> bool {
        self.actor.edit_directory().is_some()
    }

    /// Whether this reader may mark entries verified.
    pub fn may_verify(&self) -> bool {
        self.actor.verify_directory().is_some()
    }
}

impl OutreachReader<'_> {
    /// Internal notes are for the program, not the county.
    pub fn sees_internal_notes(&self) -> bool {
        !matches!(self.actor.role, Role::EaOfficial | Role::EaIt)
    }

    /// Whether `ea` is within the reader's scope.
    pub fn covers(&self, ea: Uuid) -> bool {
        self.actor.ea_scope().contains(ea)
    }
}

impl Actor {
    /// The Board and the Program Manager edit the directory.
    pub fn edit_directory(&self) -> Option<DirectoryEditor<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(DirectoryEditor { actor: self })
    }

    /// The Board, the Program Manager and navigators mark entries verified.
    pub fn verify_directory(&self) -> Option<DirectoryVerifier<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Navigator
        )
        .then_some(DirectoryVerifier { actor: self })
    }

    /// Everyone signed in reads the entries that apply to them.
    pub fn read_directory(&self) -> DirectoryReader<'_> {
        DirectoryReader { actor: self }
    }

    /// Whoever reads `ea` in the registry reads its incident card; refused as the registry
    /// refuses otherwise.
    pub fn read_incident_card(&self, ea: Uuid) -> Result<IncidentCardReader<'_>, Refusal> {
        if self.read_registry().is_some() && self.ea_scope().contains(ea) {
            Ok(IncidentCardReader { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Everyone but partners reads outreach within their scope.
    pub fn read_outreach(&self) -> Option<OutreachReader<'_>> {
        (self.role != Role::Partner).then_some(OutreachReader { actor: self })
    }

    /// The Board, the Program Manager and the navigators assigned to `ea` log its outreach.
    pub fn record_outreach_of(&self, ea: Uuid) -> Result<OutreachRecorder<'_>, Refusal> {
        let allowed = match self.role {
            Role::BoardAdmin | Role::ProgramManager => true,
            Role::Navigator => self.assigned_authorities.contains(&ea),
            _ => false,
        };
        if allowed {
            Ok(OutreachRecorder { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// The Board, the Program Manager and navigators create events.
    pub fn manage_events(&self) -> Option<EventManager<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Navigator
        )
        .then_some(EventManager { actor: self })
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
    fn directory_rights_follow_the_role() {
        let ea = Uuid::new_v4();
        for role in Role::ALL {
            let a = actor(role, Some(ea), vec![ea]);
            let manager = matches!(role, Role::BoardAdmin | Role::ProgramManager);
            assert_eq!(a.edit_directory().is_some(), manager, "{role}");
            assert_eq!(
                a.verify_directory().is_some(),
                manager || role == Role::Navigator,
                "{role}"
            );
            let view = a.read_directory().view();
            match role {
                Role::Partner => assert_eq!(view, DirectoryView::StatewideOnly),
                Role::BoardAdmin | Role::ProgramManager | Role::Auditor => {
                    assert_eq!(view, DirectoryView::All)
                }
                _ => assert_eq!(view, DirectoryView::Authorities(vec![ea])),
            }
            assert_eq!(a.read_incident_card(ea).is_ok(), role != Role::Partner);
        }
    }

    #[test]
    fn outreach_rights_follow_the_role() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        let nav = actor(Role::Navigator, None, vec![ea]);
        assert!(nav.record_outreach_of(ea).is_ok());
        assert_eq!(nav.record_outreach_of(other).err(), Some(Refusal::NotFound));
        assert!(nav.manage_events().is_some());
        let clerk = actor(Role::EaOfficial, Some(ea), vec![]);
        assert_eq!(clerk.record_outreach_of(ea).err(), Some(Refusal::Forbidden));
        assert_eq!(
            clerk.record_outreach_of(other).err(),
            Some(Refusal::NotFound)
        );
        let reader = clerk.read_outreach().unwrap();
        assert!(!reader.sees_internal_notes() && reader.covers(ea) && !reader.covers(other));
        assert!(clerk.manage_events().is_none());
        let partner = actor(Role::Partner, None, vec![]);
        assert!(partner.read_outreach().is_none());
        assert_eq!(
            partner.read_incident_card(ea).err(),
            Some(Refusal::Forbidden)
        );
        let auditor = actor(Role::Auditor, None, vec![]);
        assert!(auditor.read_outreach().unwrap().sees_internal_notes());
        assert_eq!(
            auditor.record_outreach_of(ea).err(),
            Some(Refusal::Forbidden)
        );
        assert!(
            actor(Role::ProgramManager, None, vec![])
                .record_outreach_of(other)
                .is_ok()
        );
    }
}
