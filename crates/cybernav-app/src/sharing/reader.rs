//! The reader of a marked item: a person's organisation, community standing and need-to-know
//! approval at one instant, built once per page, API call, digest recipient or TAXII request.
//!
//! Community (the `TLP:GREEN` audience): Board staff (administrators, the Program Manager,
//! navigators, auditors); the people of every registered election authority (the program
//! serves all of them, whether or not they take grant money this cycle); and partner members
//! whose vetting is current, which for a person is a current need-to-know approval
//! (213.30(a)(5)). A disabled account is nobody's reader.

use cybernav_core::authz::Actor;
use cybernav_core::role::Role;
use cybernav_core::sharing::marking::{
    Decision, ItemAccess, Marking, NeedToKnowApproval, OrgKind, Organisation, Reader, may_see,
};
use cybernav_store::Tx;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{App, AppResult};

/// The State Board of Elections as an organisation: the holder of everything received from
/// outside and of everything its staff write. It has no row; its id is the nil UUID.
pub const BOARD: Organisation = Organisation {
    id: Uuid::nil(),
    kind: OrgKind::Board,
};

/// The organisation an account belongs to, from its role and links.
pub fn organisation_of(actor: &Actor) -> Option<Organisation> {
    match actor.role {
        Role::BoardAdmin | Role::ProgramManager | Role::Navigator | Role::Auditor => Some(BOARD),
        Role::EaOfficial | Role::EaIt => actor.election_authority_id.map(|id| Organisation {
            id,
            kind: OrgKind::ElectionAuthority,
        }),
        Role::Partner => actor.partner_org_id.map(|id| Organisation {
            id,
            kind: OrgKind::Partner,
        }),
    }
}

/// The person's need-to-know approval, when the roster holds an accepted one (current or
/// not: [`Reader::has_current_need_to_know`] decides at the reader's instant).
pub async fn approvals_of(tx: &mut Tx, user: Uuid) -> AppResult<Vec<NeedToKnowApproval>> {
    let Some(row) = tx.open_ntk_of(user).await? else {
        return Ok(Vec::new());
    };
    let (Some(accepted), Some(expires_at)) = (row.agreement_accepted_at, row.expires_at) else {
        return Ok(Vec::new());
    };
    if row.state != "active" {
        return Ok(Vec::new());
    }
    Ok(vec![NeedToKnowApproval {
        approved_at: accepted,
        expires_at,
        revoked_at: row.revoked_at,
    }])
}

/// Builds the reader for `actor` at `at`, inside an open transaction (the digest builds
/// thousands in one).
pub async fn reader_in(tx: &mut Tx, actor: &Actor, at: OffsetDateTime) -> AppResult<Reader> {
    let need_to_know = approvals_of(tx, actor.user_id).await?;
    let organisation = organisation_of(actor);
    let in_community = match actor.role {
        Role::Partner => need_to_know.iter().any(|a| a.holds_at(at)),
        _ => organisation.is_some(),
    };
    Ok(Reader {
        person_id: actor.user_id,
        organisation,
        in_community,
        need_to_know,
        as_of: at,
    })
}

impl App {
    /// The reader `actor` is at `at`, for one access decision or many.
    pub async fn reader_for(&self, actor: &Actor, at: OffsetDateTime) -> AppResult<Reader> {
        let mut tx = self.store.read().await?;
        reader_in(&mut tx, actor, at).await
    }

    /// The one access decision, with the Board's settings: may `reader` see an item marked
    /// `marking` that `holder` holds?
    pub fn may_see(&self, reader: &Reader, marking: &Marking, holder: Organisation) -> Decision {
        may_see(
            reader,
            &ItemAccess {
                marking,
                organisation: holder,
            },
            &self.config.sharing,
        )
    }
}
