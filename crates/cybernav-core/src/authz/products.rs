//! Capabilities for the intelligence products of the sharing desk (213.30(a)(4), (6), (7)) and
//! the information needs authorities state.
//!
//! The Board and the Program Manager write, review, approve, publish and withdraw; navigators
//! draft and submit their own; everyone signed in reads published products, paragraph by
//! paragraph as `may_see` allows (partners included); auditors also read every product's
//! metadata (title, state, marking, who and when), never an unpublished body. An authority's
//! information needs are edited by its own official, its navigators and the Board and Program
//! Manager; read by whoever may read that authority in the registry.

use super::*;

capability!(
    /// May read products: everyone signed in. What of a product they see is decided by
    /// `may_see` per paragraph; unpublished products only as [`ProductReader::sees_unpublished`]
    /// says.
    ProductReader
);

capability!(
    /// May create drafts, edit drafts ([`ProductWriter::may_edit`]) and submit them for review:
    /// the Board, the Program Manager and navigators.
    ProductWriter
);

capability!(
    /// May send back, approve (never their own, a rule of `sharing::product`), publish and
    /// withdraw products: the Board and the Program Manager.
    ProductApprover
);

ea_capability!(
    /// May set one election authority's information needs: its own official, the navigators
    /// assigned to it, the Board and the Program Manager.
    NeedsEditor
);

ea_capability!(
    /// May read one election authority's information needs: whoever reads it in the registry.
    NeedsReader
);

/// Which unpublished products a reader sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unpublished {
    /// None (county users, partners).
    None,
    /// Their own (navigators).
    Own,
    /// Every one, with its body (the Board, the Program Manager).
    All,
    /// Every one, without its body (auditors).
    MetadataOnly,
}

impl ProductReader<'_> {
    /// Which unpublished products (drafts, in review, approved) this reader sees.
    pub fn sees_unpublished(&self) -> Unpublished {
        match self.actor.role {
            Role::BoardAdmin | Role::ProgramManager => Unpublished::All,
            Role::Navigator => Unpublished::Own,
            Role::Auditor => Unpublished::MetadataOnly,
            Role::EaOfficial | Role::EaIt | Role::Partner => Unpublished::None,
        }
    }

    /// True when this reader sees an unpublished product written by `author` at all.
    pub fn sees_unpublished_by(&self, author: Option<Uuid>) -> bool {
        match self.sees_unpublished() {
            Unpublished::All | Unpublished::MetadataOnly => true,
            Unpublished::Own => author == Some(self.actor.user_id),
            Unpublished::None => false,
        }
    }

    /// True when this reader sees the body of an unpublished product written by `author`.
    pub fn sees_unpublished_body_by(&self, author: Option<Uuid>) -> bool {
        match self.sees_unpublished() {
            Unpublished::All => true,
            Unpublished::Own => author == Some(self.actor.user_id),
            Unpublished::MetadataOnly | Unpublished::None => false,
        }
    }
}

impl ProductWriter<'_> {
    /// Managers edit any draft; navigators their own.
    pub fn may_edit(&self, author: Option<Uuid>) -> bool {
        matches!(self.actor.role, Role::BoardAdmin | Role::ProgramManager)
            || author == Some(self.actor.user_id)
    }
}

impl Actor {
    /// Everyone signed in reads products.
    pub fn read_products(&self) -> ProductReader<'_> {
        ProductReader { actor: self }
    }

    /// The Board, the Program Manager and navigators write drafts.
    pub fn write_products(&self) -> Option<ProductWriter<'_>> {
        matches!(
            self.role,
            Role::BoardAdmin | Role::ProgramManager | Role::Navigator
        )
        .then_some(ProductWriter { actor: self })
    }

    /// The Board and the Program Manager review, approve, publish and withdraw.
    pub fn approve_products(&self) -> Option<ProductApprover<'_>> {
        matches!(self.role, Role::BoardAdmin | Role::ProgramManager)
            .then_some(ProductApprover { actor: self })
    }

    /// Whoever reads `ea` in the registry reads its information needs.
    pub fn read_information_needs_of(&self, ea: Uuid) -> Result<NeedsReader<'_>, Refusal> {
        if self.read_registry().is_some() && self.ea_scope().contains(ea) {
            Ok(NeedsReader { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
    }

    /// Its own official, its navigators, the Board and the Program Manager set the information
    /// needs of `ea`.
    pub fn edit_information_needs_of(&self, ea: Uuid) -> Result<NeedsEditor<'_>, Refusal> {
        let allowed = match self.role {
            Role::BoardAdmin | Role::ProgramManager => true,
            Role::Navigator => self.assigned_authorities.contains(&ea),
            Role::EaOfficial => self.election_authority_id == Some(ea),
            _ => false,
        };
        if allowed {
            Ok(NeedsEditor { actor: self, ea })
        } else {
            Err(self.refusal_for(ea))
        }
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
    fn product_rights_follow_the_role() {
        let someone = Some(Uuid::new_v4());
        for role in Role::ALL {
            let a = actor(role, None, vec![]);
            let manager = matches!(role, Role::BoardAdmin | Role::ProgramManager);
            assert_eq!(a.approve_products().is_some(), manager, "{role}");
            assert_eq!(
                a.write_products().is_some(),
                manager || role == Role::Navigator,
                "{role}"
            );
            if let Some(w) = a.write_products() {
                assert!(w.may_edit(Some(a.user_id)), "{role}: own");
                assert_eq!(w.may_edit(someone), manager, "{role}: another's");
            }
            let r = a.read_products();
            assert_eq!(
                r.sees_unpublished_by(someone),
                manager || role == Role::Auditor,
                "{role}"
            );
            assert_eq!(r.sees_unpublished_body_by(someone), manager, "{role}");
            assert_eq!(
                r.sees_unpublished_body_by(Some(a.user_id)),
                manager || role == Role::Navigator,
                "{role}"
            );
        }
    }

    #[test]
    fn information_needs_are_set_where_the_authority_is_known() {
        let (adams, cook) = (Uuid::new_v4(), Uuid::new_v4());
        let official = actor(Role::EaOfficial, Some(adams), vec![]);
        assert!(official.edit_information_needs_of(adams).is_ok());
        assert_eq!(
            official.edit_information_needs_of(cook).err(),
            Some(Refusal::NotFound)
        );
        let it = actor(Role::EaIt, Some(adams), vec![]);
        assert_eq!(
            it.edit_information_needs_of(adams).err(),
            Some(Refusal::Forbidden)
        );
        assert!(it.read_information_needs_of(adams).is_ok());
        let nav = actor(Role::Navigator, None, vec![adams]);
        assert!(nav.edit_information_needs_of(adams).is_ok());
        assert_eq!(
            nav.edit_information_needs_of(cook).err(),
            Some(Refusal::NotFound)
        );
        let pm = actor(Role::ProgramManager, None, vec![]);
        assert!(pm.edit_information_needs_of(cook).is_ok());
        let auditor = actor(Role::Auditor, None, vec![]);
        assert!(auditor.read_information_needs_of(cook).is_ok());
        assert_eq!(
            auditor.edit_information_needs_of(cook).err(),
            Some(Refusal::Forbidden)
        );
        let partner = actor(Role::Partner, None, vec![]);
        assert_eq!(
            partner.read_information_needs_of(adams).err(),
            Some(Refusal::Forbidden)
        );
    }
}
