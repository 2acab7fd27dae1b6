//! People: invitations by e-mail, roles and their scope, disabling accounts.

use cybernav_core::FieldErrors;
use cybernav_core::authz::{EaScope, PeopleManager, PeopleReader};
use cybernav_core::email::EmailAddress;
use cybernav_core::role::Role;
use cybernav_core::validation::clean_text;
use cybernav_store::rows::UserRow;
use cybernav_store::users::{NewUser, UserQuery};
use cybernav_store::{Tx, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::{LinkMail, link, status, stored_role};
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// A person as the people pages and API show them.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    /// Id.
    pub id: Uuid,
    /// E-mail.
    pub email: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Own authority's id.
    pub election_authority_id: Option<Uuid>,
    /// Own authority's name.
    pub election_authority: Option<String>,
    /// Partner organisation's id.
    pub partner_org_id: Option<Uuid>,
    /// `invited`, `active` or `disabled`.
    pub status: String,
    /// Whether a second factor is set up.
    pub mfa_enabled: bool,
    /// Last sign-in.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_login_at: Option<OffsetDateTime>,
}

/// Election authorities and partner organisations, `(id, name)` ordered by name, for
/// filters and pickers.
#[derive(Debug, Clone, Default)]
pub struct PeopleChoices {
    /// Every election authority.
    pub authorities: Vec<(Uuid, String)>,
    /// Every partner organisation.
    pub partner_orgs: Vec<(Uuid, String)>,
}

impl PeopleChoices {
    /// The partner organisation's name, for showing a person's organisation.
    pub fn partner_org_name(&self, id: Option<Uuid>) -> Option<&str> {
        let id = id?;
        self.partner_orgs
            .iter()
            .find(|(p, _)| *p == id)
            .map(|(_, n)| n.as_str())
    }
}

/// What a people manager may do to one person, so pages offer only actions the use cases
/// accept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PersonActions {
    /// Send the invitation again (the person has not accepted yet).
    pub resend_invitation: bool,
    /// Disable the account.
    pub disable: bool,
    /// Re-enable a disabled account.
    pub enable: bool,
    /// Change the role and its scope.
    pub change_role: bool,
}

impl PersonActions {
    /// True when at least one action is open.
    pub fn any(&self) -> bool {
        self.resend_invitation || self.disable || self.enable || self.change_role
    }
}

/// The actions `cap` may take on `person`: only on people whose role the manager may grant
/// (a Program Manager does not act on Board administrators), never on oneself (no one
/// disables or demotes their own account), and each only in the state it applies to.
pub fn person_actions(cap: &PeopleManager<'_>, person: &Person) -> PersonActions {
    if !cap.may_grant(person.role) || person.id == cap.actor().user_id {
        return PersonActions::default();
    }
    PersonActions {
        resend_invitation: person.status == status::INVITED,
        disable: person.status != status::DISABLED,
        enable: person.status == status::DISABLED,
        change_role: true,
    }
}

/// The stored role of someone `cap` acts on; forbidden when the manager may not give that
/// role (a Program Manager does not act on Board administrators).
fn managed_role(cap: &PeopleManager<'_>, stored: &str) -> AppResult<Role> {
    let role = stored_role(stored)?;
    if !cap.may_grant(role) {
        return Err(AppError::Forbidden);
    }
    Ok(role)
}

/// A person from their account row, looking up their authority's name (in `names` first).
async fn person_from_row(
    tx: &mut Tx,
    u: UserRow,
    names: &mut std::collections::HashMap<Uuid, String>,
) -> AppResult<Person> {
    let election_authority = match u.election_authority_id {
        Some(id) => match names.get(&id) {
            Some(name) => Some(name.clone()),
            None => {
                let name = tx.get_election_authority(id).await?.authority.name;
                names.insert(id, name.clone());
                Some(name)
            }
        },
        None => None,
    };
    let role = stored_role(&u.role)?;
    Ok(Person {
        id: u.id,
        email: u.email,
        name: u.name,
        role,
        election_authority_id: u.election_authority_id,
        election_authority,
        partner_org_id: u.partner_org_id,
        mfa_enabled: u.totp_secret.is_some(),
        status: u.status,
        last_login_at: u.last_login_at,
    })
}

/// An invitation as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvitationInput {
    /// E-mail.
    pub email: String,
    /// Full name.
    pub name: String,
    /// Role identifier.
    pub role: String,
    /// Own authority (county roles).
    #[serde(default)]
    pub election_authority_id: Option<String>,
    /// Partner organisation (partner role).
    #[serde(default)]
    pub partner_org_id: Option<String>,
}

fn parse_optional_id(field: &str, raw: Option<&str>, errors: &mut FieldErrors) -> Option<Uuid> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match Uuid::parse_str(s) {
            Ok(id) => Some(id),
            Err(_) => {
                errors.add(field, format!("'{s}' is not an id"));
                None
            }
        },
    }
}

/// One kind of scope a role may need (an election authority, a partner organisation).
struct Scope {
    /// The form field that names it.
    field: &'static str,
    /// Whether the role needs it.
    needed: bool,
    /// The problem when it is needed and not given.
    missing: &'static str,
    /// The problem when it is given and the role does not have one.
    unwanted: String,
}

impl Scope {
    /// The id to look up when the role needs this scope and one is given; otherwise `None`,
    /// with an error when it is needed and missing or given and not wanted.
    fn to_check(&self, id: Option<Uuid>, errors: &mut FieldErrors) -> Option<Uuid> {
        match (self.needed, id) {
            (true, None) => errors.add(self.field, self.missing),
            (false, Some(_)) => errors.add(self.field, self.unwanted.clone()),
            _ => {}
        }
        id.filter(|_| self.needed)
    }
}

/// Whether a lookup found nothing (other failures are not this check's concern).
fn is_missing<T>(found: Result<T, cybernav_store::StoreError>) -> bool {
    matches!(found, Err(cybernav_store::StoreError::NotFound))
}

/// Checks that a role has the scope it needs, and nothing else.
async fn check_scope(
    tx: &mut Tx,
    role: Role,
    ea: Option<Uuid>,
    partner: Option<Uuid>,
    errors: &mut FieldErrors,
) -> AppResult<()> {
    let scope = Scope {
        field: "election_authority_id",
        needed: role.is_ea_scoped(),
        missing: "choose the election authority this person works for",
        unwanted: format!(
            "only election officials and election authority IT belong to one authority, not a {}",
            role.label()
        ),
    };
    if let Some(id) = scope.to_check(ea, errors)
        && is_missing(tx.get_election_authority(id).await)
    {
        errors.add(scope.field, "no such election authority");
    }
    let scope = Scope {
        field: "partner_org_id",
        needed: role.needs_partner_org(),
        missing: "choose the partner organisation this person belongs to",
        unwanted: "only vetted partners belong to a partner organisation".into(),
    };
    if let Some(id) = scope.to_check(partner, errors)
        && is_missing(tx.get_partner_org(id).await)
    {
        errors.add(scope.field, "no such partner organisation");
    }
    Ok(())
}

impl App {
    /// Everyone, or those matching the filter.
    pub async fn list_people(
        &self,
        _cap: &PeopleReader<'_>,
        q: &UserQuery,
    ) -> AppResult<Vec<Person>> {
        let mut tx = self.store.read().await?;
        let users = tx.list_users(q).await?;
        let mut names = std::collections::HashMap::new();
        let mut out = Vec::with_capacity(users.len());
        for u in users {
            out.push(person_from_row(&mut tx, u, &mut names).await?);
        }
        Ok(out)
    }

    /// One person, as the person page shows them.
    pub async fn person(&self, _cap: &PeopleReader<'_>, id: Uuid) -> AppResult<Person> {
        let mut tx = self.store.read().await?;
        let user = tx.get_user(id).await?;
        person_from_row(&mut tx, user, &mut std::collections::HashMap::new()).await
    }

    /// The election authorities and partner organisations people can belong to, by name, for
    /// the filters and pickers of the people pages.
    pub async fn people_choices(&self, _cap: &PeopleReader<'_>) -> AppResult<PeopleChoices> {
        let mut tx = self.store.read().await?;
        let authorities = tx
            .all_election_authorities(&EaScope::All)
            .await?
            .into_iter()
            .map(|ea| (ea.authority.id, ea.authority.name))
            .collect();
        let partner_orgs = tx
            .list_partner_orgs()
            .await?
            .into_iter()
            .map(|p| (p.id, p.name))
            .collect();
        Ok(PeopleChoices {
            authorities,
            partner_orgs,
        })
    }

    /// Invites a person: creates the account without a password and e-mails a link to
    /// choose one. Returns the new account's id.
    pub async fn invite(
        &self,
        cap: &PeopleManager<'_>,
        input: &InvitationInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let mut errors = FieldErrors::new();
        let email = errors.check("email", EmailAddress::parse(&input.email));
        let name = errors.check("name", clean_text(&input.name, 200));
        let role = errors.check("role", Role::parse(&input.role));
        let ea = parse_optional_id(
            "election_authority_id",
            input.election_authority_id.as_deref(),
            &mut errors,
        );
        let partner = parse_optional_id(
            "partner_org_id",
            input.partner_org_id.as_deref(),
            &mut errors,
        );
        if let Some(r) = role
            && !cap.may_grant(r)
        {
            errors.add(
                "role",
                format!("only a Board administrator may give the {} role", r.label()),
            );
        }
        let now = now();
        let mut tx = self.store.begin().await?;
        if let Some(r) = role {
            check_scope(&mut tx, r, ea, partner, &mut errors).await?;
        }
        let (Some(email), Some(name), Some(role)) = (email, name, role) else {
            return Err(AppError::Invalid(errors));
        };
        if !errors.is_empty() {
            return Err(AppError::Invalid(errors));
        }
        if tx.find_user_by_email(email.as_str()).await?.is_some() {
            return Err(AppError::invalid(
                "email",
                "someone with this e-mail already has an account",
            ));
        }
        let id = Uuid::new_v4();
        tx.insert_user(
            &NewUser {
                id,
                email: email.as_str(),
                name: &name,
                role: role.as_str(),
                election_authority_id: ea,
                partner_org_id: partner,
                status: status::INVITED,
                password_hash: None,
            },
            now,
        )
        .await?;
        self.send_invitation(
            &mut tx,
            id,
            email.as_str(),
            &name,
            role,
            &cap.actor().email,
            now,
        )
        .await?;
        let changes = json!({
            "email": {"from": null, "to": email.as_str()},
            "name": {"from": null, "to": name},
            "role": {"from": null, "to": role.as_str()},
            "election_authority_id": {"from": null, "to": ea},
            "partner_org_id": {"from": null, "to": partner},
        });
        audit::Entry::new("user.invite", "user", id)
            .changes(changes)
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(id)
    }

    async fn send_invitation(
        &self,
        tx: &mut Tx,
        id: Uuid,
        email: &str,
        name: &str,
        role: Role,
        inviter: &str,
        now: OffsetDateTime,
    ) -> AppResult<()> {
        let hours = self.config.invitation_hours;
        let mail = LinkMail {
            kind: link::INVITATION,
            path: "/invitations",
            user: id,
            to: email,
            subject: "You're invited to cybernav",
            valid_for: Duration::hours(hours),
        };
        self.send_link(tx, mail, now, |url| {
            format!(
                "Hello {name},\n\n{inviter} has invited you to cybernav, the Cyber Navigator Program's workspace, \
                 as {role}.\n\nTo accept, open this link within {hours} hours and choose a password:\n\n{url}\n\n\
                 If you did not expect this invitation, ignore this message or tell your Board of Elections.\n",
                role = role.label()
            )
        })
        .await
    }

    /// Sends a fresh invitation to someone who has not accepted yet.
    pub async fn resend_invitation(
        &self,
        cap: &PeopleManager<'_>,
        id: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = now();
        let mut tx = self.store.begin().await?;
        let user = tx.get_user(id).await?;
        if user.status != status::INVITED {
            return Err(AppError::Conflict(
                "this person has already accepted their invitation".into(),
            ));
        }
        let role = managed_role(cap, &user.role)?;
        self.send_invitation(
            &mut tx,
            id,
            &user.email,
            &user.name,
            role,
            &cap.actor().email,
            now,
        )
        .await?;
        audit::Entry::new("user.invite_resent", "user", id)
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(())
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    pub async fn set_person_enabled(
        &self,
        cap: &PeopleManager<'_>,
        id: Uuid,
        enabled: bool,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = now();
        let mut tx = self.store.begin().await?;
        let user = tx.get_user(id).await?;
        managed_role(cap, &user.role)?;
        if id == cap.actor().user_id {
            return Err(AppError::Conflict(
                "you cannot disable your own account".into(),
            ));
        }
        let new_status = if enabled {
            if user.password_hash.is_some() {
                status::ACTIVE
            } else {
                status::INVITED
            }
        } else {
            status::DISABLED
        };
        tx.update_user_profile(
            id,
            &user.name,
            &user.role,
            user.election_authority_id,
            user.partner_org_id,
            new_status,
            now,
        )
        .await?;
        if !enabled {
            tx.delete_sessions_of(id).await?;
        }
        let action = if enabled {
            "user.enable"
        } else {
            "user.disable"
        };
        audit::Entry::new(action, "user", id)
            .changes(json!({"status": {"from": user.status, "to": new_status}}))
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(())
    }

    /// Changes a person's role and its scope.
    pub async fn change_role(
        &self,
        cap: &PeopleManager<'_>,
        id: Uuid,
        role: &str,
        ea: Option<&str>,
        partner: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let mut errors = FieldErrors::new();
        let role = errors.check("role", Role::parse(role));
        let ea = parse_optional_id("election_authority_id", ea, &mut errors);
        let partner = parse_optional_id("partner_org_id", partner, &mut errors);
        let now = now();
        let mut tx = self.store.begin().await?;
        let user = tx.get_user(id).await?;
        let old_role = managed_role(cap, &user.role)?;
        if id == cap.actor().user_id {
            // A Board administrator demoting themselves could leave nobody to manage people.
            errors.add(
                "role",
                "you cannot change your own role; ask another Board administrator",
            );
        }
        if let Some(r) = role {
            if !cap.may_grant(r) {
                errors.add(
                    "role",
                    format!("only a Board administrator may give the {} role", r.label()),
                );
            }
            check_scope(&mut tx, r, ea, partner, &mut errors).await?;
        }
        let Some(role) = role.filter(|_| errors.is_empty()) else {
            return Err(AppError::Invalid(errors));
        };
        tx.update_user_profile(
            id,
            &user.name,
            role.as_str(),
            ea,
            partner,
            &user.status,
            now,
        )
        .await?;
        if old_role == Role::Navigator && role != Role::Navigator {
            for ea_id in tx.assignments_of(id).await? {
                let keep: Vec<Uuid> = tx
                    .navigators_of(ea_id)
                    .await?
                    .into_iter()
                    .map(|n| n.0)
                    .filter(|n| *n != id)
                    .collect();
                tx.set_navigators(ea_id, &keep).await?;
            }
        }
        tx.delete_sessions_of(id).await?;
        let changes = cybernav_core::audit::diff(
            &json!({"role": user.role, "election_authority_id": user.election_authority_id, "partner_org_id": user.partner_org_id}),
            &json!({"role": role.as_str(), "election_authority_id": ea, "partner_org_id": partner}),
        );
        audit::Entry::new("user.role_change", "user", id)
            .changes(changes)
            .commit(tx, cap.actor(), meta, now)
            .await?;
        Ok(())
    }
}

impl App {
    /// The acting person's own account, as the people listing shows it ("who am I"). Needs no
    /// capability: everyone may read their own account.
    pub async fn own_account(&self, actor: &cybernav_core::authz::Actor) -> AppResult<Person> {
        let mut tx = self.store.read().await?;
        let u = tx.get_user(actor.user_id).await?;
        person_from_row(&mut tx, u, &mut std::collections::HashMap::new()).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cybernav_core::authz::Actor;

    fn actor(role: Role) -> Actor {
        Actor {
            user_id: Uuid::new_v4(),
            email: "m@sbe.example.gov".into(),
            role,
            election_authority_id: None,
            assigned_authorities: Vec::new(),
            partner_org_id: None,
        }
    }

    fn person(role: Role, status: &str) -> Person {
        Person {
            id: Uuid::new_v4(),
            email: "p@adams.example.gov".into(),
            name: "P".into(),
            role,
            election_authority_id: None,
            election_authority: None,
            partner_org_id: None,
            status: status.into(),
            mfa_enabled: false,
            last_login_at: None,
        }
    }

    #[test]
    fn actions_follow_status() {
        let board = actor(Role::BoardAdmin);
        let cap = board.manage_people().unwrap();
        let invited = person_actions(&cap, &person(Role::Navigator, status::INVITED));
        assert_eq!(
            invited,
            PersonActions {
                resend_invitation: true,
                disable: true,
                enable: false,
                change_role: true
            }
        );
        let active = person_actions(&cap, &person(Role::Navigator, status::ACTIVE));
        assert_eq!(
            active,
            PersonActions {
                resend_invitation: false,
                disable: true,
                enable: false,
                change_role: true
            }
        );
        let disabled = person_actions(&cap, &person(Role::Navigator, status::DISABLED));
        assert_eq!(
            disabled,
            PersonActions {
                resend_invitation: false,
                disable: false,
                enable: true,
                change_role: true
            }
        );
    }

    #[test]
    fn program_manager_does_not_act_on_board_or_self() {
        let pm = actor(Role::ProgramManager);
        let cap = pm.manage_people().unwrap();
        assert!(!person_actions(&cap, &person(Role::BoardAdmin, status::ACTIVE)).any());
        assert!(!person_actions(&cap, &person(Role::Auditor, status::INVITED)).any());
        assert!(person_actions(&cap, &person(Role::EaOfficial, status::ACTIVE)).any());
        let board = actor(Role::BoardAdmin);
        let mut me = person(Role::BoardAdmin, status::ACTIVE);
        me.id = board.user_id;
        assert!(
            !person_actions(&board.manage_people().unwrap(), &me).any(),
            "nobody disables or demotes themselves"
        );
    }
}
