//! Who may do what, decided in one place.
//!
//! A signed-in person is an [`Actor`]. Privileged use cases take a *capability* (such as
//! [`RegistryManager`]) as an argument, and the only way to obtain one is the matching check on
//! the actor (`actor.manage_registry()`), which returns `None` when the role may not. The
//! capability types have private fields, so a handler that forgot the check does not compile.
//! Reading is scoped with [`EaScope`], which every listing query takes.

use uuid::Uuid;

use crate::role::Role;

/// A signed-in person, with what their role is bound to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// The account.
    pub user_id: Uuid,
    /// The account's e-mail, for audit records.
    pub email: String,
    /// The account's role.
    pub role: Role,
    /// For `ea_official` and `ea_it`: their election authority.
    pub election_authority_id: Option<Uuid>,
    /// For navigators: the election authorities assigned to them.
    pub assigned_authorities: Vec<Uuid>,
    /// For partners: their organisation.
    pub partner_org_id: Option<Uuid>,
}

impl Actor {
    /// The account to record as having made a change: `None` for the system actor, which has
    /// no account row (see [`system_actor`]).
    pub fn account_id(&self) -> Option<Uuid> {
        (!self.user_id.is_nil()).then_some(self.user_id)
    }
}

/// How a refusal is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The actor may know the thing exists but may not do this (HTTP 403).
    Forbidden,
    /// The actor may not know the thing exists: answered as if it did not (HTTP 404).
    NotFound,
}

/// Which election authorities an actor may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EaScope {
    /// Every authority (Board, Program Manager, auditor).
    All,
    /// Only these (navigators: assigned; county users: their own).
    Only(Vec<Uuid>),
}

impl EaScope {
    /// True when `id` is inside the scope.
    pub fn contains(&self, id: Uuid) -> bool {
        match self {
            EaScope::All => true,
            EaScope::Only(ids) => ids.contains(&id),
        }
    }
}

macro_rules! capability {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'a> {
            actor: &'a Actor,
        }

        impl<'a> $name<'a> {
            /// The actor who holds this capability.
            pub fn actor(&self) -> &'a Actor {
                self.actor
            }
        }
    };
}

/// A capability bound to one election authority: what the actor may do there, and where.
macro_rules! ea_capability {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $name<'a> {
            actor: &'a Actor,
            ea: Uuid,
        }

        impl<'a> $name<'a> {
            /// The actor who holds this capability.
            pub fn actor(&self) -> &'a Actor {
                self.actor
            }

            /// The election authority it is for.
            pub fn election_authority(&self) -> Uuid {
                self.ea
            }
        }
    };
}

capability!(
    /// May create and edit election authorities, zones, navigator assignments and partners,
    /// and import the registry.
    RegistryManager
);
capability!(
    /// May read the registry's election authorities within a scope, with their contacts.
    RegistryReader
);
capability!(
    /// May add, edit, verify and remove the contacts of one election authority.
    ContactEditor
);
capability!(
    /// May invite people, change roles and disable accounts (within [`PeopleManager::may_grant`]).
    PeopleManager
);
capability!(
    /// May list people and their roles.
    PeopleReader
);
capability!(
    /// May browse and verify the audit log.
    AuditReader
);
capability!(
    /// May create grant cycles and load requirement sets, and record a certification of
    /// participation the Board received on paper.
    GrantManager
);

capability!(
    /// May read every figure of grant money: allocations, expenditures, awards, claims and the
    /// ledger.
    GrantReader
);

ea_capability!(
    /// May submit reimbursement claims against the award of one election authority (its own
    /// official).
    Claimant
);

capability!(
    /// May turn the Board's ICN settings (private addressing only, 213.20(a)(2)) on and off.
    IcnSettingsManager
);
capability!(
    /// May read every authority's ICN circuits and the combined allowlist (for firewalls and
    /// scanners).
    AllowlistReader
);

ea_capability!(
    /// May create and change the ICN circuits of one election authority, their allowlist entries
    /// and protections (Part 213.20).
    IcnManager
);

ea_capability!(
    /// May read the ICN circuits of one election authority.
    IcnReader
);

ea_capability!(
    /// May record the participation facts (ICN, ISAC, data sharing, training, assessment) of one
    /// election authority.
    FactRecorder
);

ea_capability!(
    /// May add notes and evidence to one election authority's checklist: the Board, the Program
    /// Manager, its navigators, and its own official and IT person (the county answers first).
    ChecklistWriter
);

ea_capability!(
    /// May submit the Certification of Participation of one election authority (its own
    /// official).
    Certifier
);

ea_capability!(
    /// May sign a navigator's written verification of 213.50(a)(3) for one election authority
    /// assigned to them (213.50(b)(2)).
    NavigatorAttester
);

ea_capability!(
    /// May sign the Program Manager's written verification of 213.50(a) for one election authority
    /// (213.50(b)(1)).
    ProgramManagerAttester
);

// Capabilities of later parts of the program live in their own files; each adds its own
// `impl Actor` block with the checks.
mod assessments;
mod digest;
pub use digest::*;
mod directory;
pub use directory::*;
mod field_ops;
pub use field_ops::*;
mod findings;
pub use findings::*;
mod intake;
pub use intake::*;
mod need_to_know;
pub use need_to_know::*;
mod products;
pub use products::*;
mod taxii;
pub use taxii::*;

pub use assessments::*;

impl Actor {
    /// The election authorities this actor may read. Partners see none.
    pub fn ea_scope(&self) -> EaScope {
        match self.role {
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor => EaScope::All,
            Role::Navigator => EaScope::Only(self.assigned_authorities.clone()),
            Role::EaOfficial | Role::EaIt => {
                EaScope::Only(self.election_authority_id.into_iter().collect())
            }
            Role::Partner => EaScope::Only(Vec::new()),
        }
    }

    /// May this actor read the registry at all? Partners may not: the registry holds
    /// contacts, which are shared only inside the program.
    pub fn read_registry(&self) -> Option<RegistryReader<'_>> {
        (self.role != Role::Partner).then_some(RegistryReader { actor: self })
    }

    /// Board administrators and the Program Manager manage the registry.
    pub fn manage_registry(&self) -> Option<RegistryManager<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(RegistryManager { actor: self })
    }

    /// Contacts of `ea` may be edited by the Board and Program Manager, the navigators assigned
    /// to it, and its own election official (turnover is best fixed where it happens).
    pub fn edit_contacts_of(&self, ea: Uuid) -> Option<ContactEditor<'_>> {
        let allowed = match self.role {
            Role::BoardAdmin | Role::ProgramManager => true,
            Role::Navigator => self.assigned_authorities.contains(&ea),
            Role::EaOfficial => self.election_authority_id == Some(ea),
            Role::EaIt | Role::Partner | Role::Auditor => false,
        };
        allowed.then_some(ContactEditor { actor: self })
    }

    /// The contact editor for `ea`, or how to refuse so the answer reveals nothing: not found
    /// when the actor may not see `ea` at all (as if it did not exist), forbidden when they
    /// may see it but not edit its contacts, or may not read the registry at all (then every
    /// id gets the same answer).
    pub fn contact_editor_for(&self, ea: Uuid) -> Result<ContactEditor<'_>, Refusal> {
        self.edit_contacts_of(ea)
            .ok_or_else(|| self.refusal_for(ea))
    }

    /// Board administrators manage everyone; the Program Manager invites county users,
    /// navigators and partners.
    pub fn manage_people(&self) -> Option<PeopleManager<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(PeopleManager { actor: self })
    }

    /// Board administrators, the Program Manager and auditors may list people.
    pub fn read_people(&self) -> Option<PeopleReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor
        )
        .then_some(PeopleReader { actor: self })
    }

    /// How to refuse something about `ea` this actor may not do: not found outside their
    /// scope, forbidden inside it (or when they may not read the registry at all).
    fn refusal_for(&self, ea: Uuid) -> Refusal {
        if self.read_registry().is_none() || self.ea_scope().contains(ea) {
            Refusal::Forbidden
        } else {
            Refusal::NotFound
        }
    }

    /// Board administrators and the Program Manager run grant cycles.
    pub fn manage_grants(&self) -> Option<GrantManager<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(GrantManager { actor: self })
    }

    /// The Board, the Program Manager and the navigators assigned to `ea` record its
    /// participation facts (what the navigators verify in writing under 213.50(b)).
    pub fn record_facts_of(&self, ea: Uuid) -> Result<FactRecorder<'_>, Refusal> {
        let allowed = match self.role {
            Role::BoardAdmin | Role::ProgramManager => true,
            Role::Navigator => self.assigned_authorities.contains(&ea),
            _ => false,
        };
        if allowed {
            Ok(FactRecorder { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Notes and evidence on `ea`'s checklist: the Board, the Program Manager, its navigators,
    /// and its own official and IT person.
    pub fn write_checklist_of(&self, ea: Uuid) -> Result<ChecklistWriter<'_>, Refusal> {
        let allowed = match self.role {
            Role::BoardAdmin | Role::ProgramManager => true,
            Role::Navigator => self.assigned_authorities.contains(&ea),
            Role::EaOfficial | Role::EaIt => self.election_authority_id == Some(ea),
            Role::Partner | Role::Auditor => false,
        };
        if allowed {
            Ok(ChecklistWriter { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// The live statewide standing (every authority in a cycle) is the Board's, the Program
    /// Manager's and the auditors'; navigators see their own authorities' rows. County users
    /// and partners see only what the Board published.
    pub fn read_statewide(&self) -> Option<RegistryReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor | Role::Navigator
        )
        .then_some(RegistryReader { actor: self })
    }

    /// The Board, the Program Manager and the navigators assigned to `ea` manage its ICN
    /// circuits and allowlist entries.
    pub fn manage_icn_of(&self, ea: Uuid) -> Result<IcnManager<'_>, Refusal> {
        let allowed = match self.role {
            Role::BoardAdmin | Role::ProgramManager => true,
            Role::Navigator => self.assigned_authorities.contains(&ea),
            _ => false,
        };
        if allowed {
            Ok(IcnManager { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Everyone who may read `ea` in the registry reads its ICN circuits: the Board, the
    /// Program Manager and auditors all of them, navigators their assigned ones, county users
    /// their own. Partners none.
    pub fn read_icn_of(&self, ea: Uuid) -> Result<IcnReader<'_>, Refusal> {
        if self.read_registry().is_some() && self.ea_scope().contains(ea) {
            Ok(IcnReader { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Board administrators and the Program Manager set the Board's ICN settings.
    pub fn manage_icn_settings(&self) -> Option<IcnSettingsManager<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(IcnSettingsManager { actor: self })
    }

    /// The Board, the Program Manager and auditors read the combined allowlist of every
    /// authority.
    pub fn read_allowlist(&self) -> Option<AllowlistReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor
        )
        .then_some(AllowlistReader { actor: self })
    }

    /// Only the authority's own election official submits its Certification of Participation.
    pub fn certify_for(&self, ea: Uuid) -> Result<Certifier<'_>, Refusal> {
        if self.role == Role::EaOfficial && self.election_authority_id == Some(ea) {
            Ok(Certifier { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Board administrators, the Program Manager and auditors read grant money. Navigators,
    /// partners and county IT staff see no money pages: money is the Board's and the county
    /// official's business, and the navigators' work does not need it.
    pub fn read_grants(&self) -> Option<GrantReader<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Auditor
        )
        .then_some(GrantReader { actor: self })
    }

    /// A county official claims reimbursement against its own authority's award; its awards and
    /// claims are all the money it sees.
    pub fn claim_for(&self, ea: Uuid) -> Result<Claimant<'_>, Refusal> {
        if self.role == Role::EaOfficial && self.election_authority_id == Some(ea) {
            Ok(Claimant { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Only a navigator assigned to `ea` verifies its 213.50(a)(3) requirements in writing:
    /// the rule gives that duty to the navigator who reviewed it, not to the Board.
    pub fn attest_as_navigator(&self, ea: Uuid) -> Result<NavigatorAttester<'_>, Refusal> {
        if self.role == Role::Navigator && self.assigned_authorities.contains(&ea) {
            Ok(NavigatorAttester { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// The official's own claimant capability, for listing its awards and claims.
    pub fn own_claimant(&self) -> Option<Claimant<'_>> {
        self.election_authority_id
            .and_then(|ea| self.claim_for(ea).ok())
    }

    /// Only the Program Manager verifies 213.50(a) to the Board in writing (a Board
    /// administrator receives the verification; they do not give it).
    pub fn attest_as_program_manager(
        &self,
        ea: Uuid,
    ) -> Result<ProgramManagerAttester<'_>, Refusal> {
        if self.role == Role::ProgramManager {
            Ok(ProgramManagerAttester { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Board administrators and auditors read the audit log.
    pub fn read_audit(&self) -> Option<AuditReader<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::Auditor).then_some(AuditReader { actor: self })
    }
}

impl PeopleManager<'_> {
    /// Whether this manager may give `role` to someone. Only a Board administrator grants the
    /// Board, Program Manager and auditor roles.
    pub fn may_grant(&self, role: Role) -> bool {
        match self.actor.role {
            Role::BoardAdmin => true,
            Role::ProgramManager => matches!(
                role,
                Role::Navigator | Role::EaOfficial | Role::EaIt | Role::Partner
            ),
            _ => false,
        }
    }

    /// The roles this manager may give, in the order the UI lists them (for role pickers).
    pub fn grantable_roles(&self) -> Vec<Role> {
        Role::ALL
            .into_iter()
            .filter(|r| self.may_grant(*r))
            .collect()
    }
}

/// Builds capabilities for code that acts as the system itself (the demo loader, CLI
/// administration run by the machine's operator, jobs). The returned actor holds the
/// `board_admin` role; callers record it in the audit log as the system.
pub fn system_actor() -> Actor {
    Actor {
        user_id: Uuid::nil(),
        email: "system".into(),
        role: Role::BoardAdmin,
        election_authority_id: None,
        assigned_authorities: Vec::new(),
        partner_org_id: None,
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
    fn scopes() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        let mut clerk = actor(Role::EaOfficial);
        clerk.election_authority_id = Some(ea);
        assert!(clerk.ea_scope().contains(ea));
        assert!(!clerk.ea_scope().contains(other));
        let mut nav = actor(Role::Navigator);
        nav.assigned_authorities = vec![other];
        assert!(nav.ea_scope().contains(other));
        assert!(!nav.ea_scope().contains(ea));
        assert!(actor(Role::Auditor).ea_scope().contains(ea));
        assert!(!actor(Role::Partner).ea_scope().contains(ea));
        assert!(actor(Role::Partner).read_registry().is_none());
    }

    #[test]
    fn contact_editing() {
        let ea = Uuid::new_v4();
        let mut clerk = actor(Role::EaOfficial);
        clerk.election_authority_id = Some(ea);
        assert!(clerk.edit_contacts_of(ea).is_some());
        assert!(clerk.edit_contacts_of(Uuid::new_v4()).is_none());
        let mut it = actor(Role::EaIt);
        it.election_authority_id = Some(ea);
        assert!(it.edit_contacts_of(ea).is_none());
        assert!(actor(Role::Auditor).edit_contacts_of(ea).is_none());
    }

    #[test]
    fn contact_refusals_reveal_nothing_outside_the_scope() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        let refusal = |a: &Actor, id| a.contact_editor_for(id).err();
        let mut clerk = actor(Role::EaOfficial);
        clerk.election_authority_id = Some(ea);
        assert_eq!(refusal(&clerk, ea), None);
        assert_eq!(refusal(&clerk, other), Some(Refusal::NotFound));
        let mut it = actor(Role::EaIt);
        it.election_authority_id = Some(ea);
        assert_eq!(
            refusal(&it, ea),
            Some(Refusal::Forbidden),
            "sees it, may not edit"
        );
        assert_eq!(refusal(&it, other), Some(Refusal::NotFound));
        let mut nav = actor(Role::Navigator);
        nav.assigned_authorities = vec![ea];
        assert_eq!(refusal(&nav, ea), None);
        assert_eq!(refusal(&nav, other), Some(Refusal::NotFound));
        assert_eq!(
            refusal(&actor(Role::Auditor), other),
            Some(Refusal::Forbidden)
        );
        assert_eq!(
            refusal(&actor(Role::Partner), ea),
            Some(Refusal::Forbidden),
            "no registry at all: the same answer for every id"
        );
        assert_eq!(refusal(&actor(Role::ProgramManager), other), None);
    }

    #[test]
    fn participation_rights_follow_the_rule() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        let mut nav = actor(Role::Navigator);
        nav.assigned_authorities = vec![ea];
        assert!(nav.record_facts_of(ea).is_ok());
        assert_eq!(nav.record_facts_of(other).err(), Some(Refusal::NotFound));
        assert!(
            nav.certify_for(ea).is_err(),
            "navigators do not certify for the county"
        );
        let mut clerk = actor(Role::EaOfficial);
        clerk.election_authority_id = Some(ea);
        assert_eq!(
            clerk.certify_for(ea).map(|c| c.election_authority()),
            Ok(ea)
        );
        assert_eq!(clerk.certify_for(other).err(), Some(Refusal::NotFound));
        assert_eq!(clerk.record_facts_of(ea).err(), Some(Refusal::Forbidden));
        let mut it = actor(Role::EaIt);
        it.election_authority_id = Some(ea);
        assert_eq!(it.certify_for(ea).err(), Some(Refusal::Forbidden));
        assert!(actor(Role::ProgramManager).manage_grants().is_some());
        assert!(actor(Role::ProgramManager).record_facts_of(other).is_ok());
        assert!(actor(Role::Auditor).manage_grants().is_none());
        assert_eq!(
            actor(Role::Auditor).record_facts_of(ea).err(),
            Some(Refusal::Forbidden)
        );
        assert_eq!(
            actor(Role::Partner).certify_for(ea).err(),
            Some(Refusal::Forbidden)
        );
    }

    #[test]
    fn checklists_are_written_by_the_county_its_navigators_and_the_board() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        let mut nav = actor(Role::Navigator);
        nav.assigned_authorities = vec![ea];
        assert!(nav.write_checklist_of(ea).is_ok());
        assert_eq!(nav.write_checklist_of(other).err(), Some(Refusal::NotFound));
        for role in [Role::EaOfficial, Role::EaIt] {
            let mut county = actor(role);
            county.election_authority_id = Some(ea);
            assert!(county.write_checklist_of(ea).is_ok());
            assert_eq!(
                county.write_checklist_of(other).err(),
                Some(Refusal::NotFound)
            );
            assert!(county.read_statewide().is_none());
        }
        assert_eq!(
            actor(Role::Auditor).write_checklist_of(ea).err(),
            Some(Refusal::Forbidden)
        );
        assert_eq!(
            actor(Role::Partner).write_checklist_of(ea).err(),
            Some(Refusal::Forbidden)
        );
        assert!(actor(Role::Partner).read_statewide().is_none());
        assert!(actor(Role::Auditor).read_statewide().is_some());
    }

    #[test]
    fn money_is_for_the_board_auditors_and_the_county_official() {
        let ea = Uuid::new_v4();
        for role in Role::ALL {
            let mut a = actor(role);
            a.election_authority_id = Some(ea);
            assert_eq!(
                a.read_grants().is_some(),
                matches!(
                    role,
                    Role::BoardAdmin | Role::ProgramManager | Role::Auditor
                ),
                "{role}"
            );
            assert_eq!(
                a.own_claimant().is_some(),
                role == Role::EaOfficial,
                "{role}"
            );
        }
        let mut clerk = actor(Role::EaOfficial);
        clerk.election_authority_id = Some(ea);
        assert_eq!(
            clerk.claim_for(Uuid::new_v4()).err(),
            Some(Refusal::NotFound)
        );
        assert!(actor(Role::Auditor).manage_grants().is_none());
    }

    #[test]
    fn icn_rights_follow_the_rule() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        let mut nav = actor(Role::Navigator);
        nav.assigned_authorities = vec![ea];
        assert_eq!(
            nav.manage_icn_of(ea).map(|m| m.election_authority()),
            Ok(ea)
        );
        assert_eq!(nav.manage_icn_of(other).err(), Some(Refusal::NotFound));
        assert!(nav.manage_icn_settings().is_none());
        assert!(nav.read_allowlist().is_none());
        let mut clerk = actor(Role::EaOfficial);
        clerk.election_authority_id = Some(ea);
        assert!(clerk.read_icn_of(ea).is_ok());
        assert_eq!(clerk.read_icn_of(other).err(), Some(Refusal::NotFound));
        assert_eq!(clerk.manage_icn_of(ea).err(), Some(Refusal::Forbidden));
        let mut it = actor(Role::EaIt);
        it.election_authority_id = Some(ea);
        assert!(it.read_icn_of(ea).is_ok());
        assert!(actor(Role::Auditor).read_icn_of(other).is_ok());
        assert!(actor(Role::Auditor).read_allowlist().is_some());
        assert_eq!(
            actor(Role::Auditor).manage_icn_of(ea).err(),
            Some(Refusal::Forbidden)
        );
        assert_eq!(
            actor(Role::Partner).read_icn_of(ea).err(),
            Some(Refusal::Forbidden)
        );
        assert!(actor(Role::Partner).read_allowlist().is_none());
        assert!(actor(Role::ProgramManager).manage_icn_of(other).is_ok());
        assert!(actor(Role::ProgramManager).manage_icn_settings().is_some());
    }

    #[test]
    fn granting_roles() {
        let pm = actor(Role::ProgramManager);
        let m = pm.manage_people().unwrap();
        assert!(m.may_grant(Role::EaOfficial));
        assert!(!m.may_grant(Role::BoardAdmin));
        assert!(!m.may_grant(Role::Auditor));
        assert!(actor(Role::Navigator).manage_people().is_none());
        let board = actor(Role::BoardAdmin);
        assert!(board.manage_people().unwrap().may_grant(Role::BoardAdmin));
        assert_eq!(
            m.grantable_roles(),
            vec![Role::Navigator, Role::EaOfficial, Role::EaIt, Role::Partner]
        );
        assert_eq!(
            board.manage_people().unwrap().grantable_roles(),
            Role::ALL.to_vec()
        );
    }

    #[test]
    fn attestations_follow_213_50_b() {
        let ea = Uuid::new_v4();
        let other = Uuid::new_v4();
        let mut nav = actor(Role::Navigator);
        nav.assigned_authorities = vec![ea];
        assert!(nav.attest_as_navigator(ea).is_ok());
        assert_eq!(
            nav.attest_as_navigator(other).err(),
            Some(Refusal::NotFound)
        );
        assert_eq!(
            nav.attest_as_program_manager(ea).err(),
            Some(Refusal::Forbidden)
        );
        let pm = actor(Role::ProgramManager);
        assert!(pm.attest_as_program_manager(other).is_ok());
        assert_eq!(pm.attest_as_navigator(ea).err(), Some(Refusal::Forbidden));
        for role in [
            Role::BoardAdmin,
            Role::Auditor,
            Role::EaOfficial,
            Role::Partner,
        ] {
            let mut a = actor(role);
            a.election_authority_id = Some(ea);
            assert!(a.attest_as_navigator(ea).is_err(), "{role}");
            assert!(a.attest_as_program_manager(ea).is_err(), "{role}");
        }
    }

    #[test]
    fn audit_is_for_board_and_auditors() {
        for role in Role::ALL {
            let allowed = actor(role).read_audit().is_some();
            assert_eq!(
                allowed,
                matches!(role, Role::BoardAdmin | Role::Auditor),
                "{role}"
            );
        }
    }
}
