//! The demo: Illinois' 108 election authorities, navigators in pairs by zone, the Program
//! Manager, a Board administrator, an auditor, an official and an IT contact for each
//! authority, and the partner organisations. Loaded once into an empty database.

use cybernav_core::authz::system_actor;
use cybernav_core::contact::{ContactFields, ContactRole};
use cybernav_core::election_authority::{ElectionAuthorityFields, FipsCode};
use cybernav_core::email::EmailAddress;
use cybernav_core::illinois::{DEMO_PARTNERS, ZONES, demo_authorities, demo_person_name};
use cybernav_core::role::Role;
use cybernav_core::secret;
use cybernav_store::users::NewUser;
use cybernav_store::{Tx, now};
use serde_json::json;
use time::{Duration, OffsetDateTime};
use uuid::Uuid;

use crate::accounts::status;
use crate::registry::zone_id_for;
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// One login worth printing.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    /// Role.
    pub role: Role,
    /// E-mail.
    pub email: String,
    /// The authority the account is bound to, when it is.
    pub authority: Option<String>,
}

/// What the demo created.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    /// The password of every demo account (random per demo).
    pub password: String,
    /// A selection of logins, one or two per role.
    pub logins: Vec<DemoLogin>,
    /// Election authorities created.
    pub authorities: usize,
    /// Accounts created.
    pub people: usize,
}

/// The domain part of demo e-mail addresses (`.example` is reserved and never delivers).
const STATE_DOMAIN: &str = "sbe.illinois.example";

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

/// A short mail domain for a partner: the acronym in parentheses when there is one
/// ("… (STIC)" → `stic`), else the name's slug.
fn partner_domain(name: &str) -> String {
    match name.rsplit_once('(') {
        Some((_, rest)) => slug(rest.trim_end_matches(')')),
        None => slug(name),
    }
}

struct Seeder<'a> {
    tx: &'a mut Tx,
    hash: String,
    now: OffsetDateTime,
    people: usize,
    seed: usize,
}

impl Seeder<'_> {
    fn next_name(&mut self) -> String {
        let (first, last) = demo_person_name(self.seed);
        self.seed += 1;
        format!("{first} {last}")
    }

    async fn person(
        &mut self,
        email: &str,
        name: &str,
        role: Role,
        ea: Option<Uuid>,
        partner: Option<Uuid>,
    ) -> AppResult<Uuid> {
        let id = Uuid::new_v4();
        let email = EmailAddress::parse(email).map_err(|e| AppError::invalid("email", e))?;
        self.tx
            .insert_user(
                &NewUser {
                    id,
                    email: email.as_str(),
                    name,
                    role: role.as_str(),
                    election_authority_id: ea,
                    partner_org_id: partner,
                    status: status::ACTIVE,
                    password_hash: Some(&self.hash),
                },
                self.now,
            )
            .await?;
        let changes = json!({"email": {"from": null, "to": email.as_str()}, "role": {"from": null, "to": role.as_str()}});
        audit::Entry::new("user.create", "user", id)
            .changes(changes)
            .record(self.tx, &system_actor(), &RequestMeta::default(), self.now)
            .await?;
        self.people += 1;
        Ok(id)
    }
}

impl App {
    /// True when the database has no accounts yet.
    pub async fn is_empty(&self) -> AppResult<bool> {
        let mut tx = self.store.read().await?;
        Ok(tx.list_users(&Default::default()).await?.is_empty())
    }

    /// Loads the demo into an empty database, in one transaction.
    pub async fn seed_demo(&self) -> AppResult<DemoSummary> {
        if !self.is_empty().await? {
            return Err(AppError::Conflict(
                "the database already has accounts; the demo loads only into an empty one".into(),
            ));
        }
        let password = format!("demo-{}", &secret::generate_token()[..16]);
        let now = now();
        let system = system_actor();
        let meta = RequestMeta::default();
        let mut tx = self.store.begin().await?;
        // One hash for every demo account: hashing 230 passwords would take many seconds.
        let mut s = Seeder {
            tx: &mut tx,
            hash: secret::hash_password(&password),
            now,
            people: 0,
            seed: 0,
        };
        let mut logins = Vec::new();

        for zone in ZONES {
            zone_id_for(s.tx, &system, &meta, Some(zone), now).await?;
        }
        let mut partner_ids = Vec::new();
        for p in DEMO_PARTNERS {
            let id = Uuid::new_v4();
            s.tx.insert_partner_org(id, p.name, p.kind, None, now)
                .await?;
            audit::Entry::new("partner_org.create", "partner_org", id)
                .changes(json!({"name": {"from": null, "to": p.name}}))
                .record(s.tx, &system, &meta, now)
                .await?;
            partner_ids.push((id, p.name));
        }

        let admin = s.next_name();
        s.person(
            &format!("admin@{STATE_DOMAIN}"),
            &admin,
            Role::BoardAdmin,
            None,
            None,
        )
        .await?;
        logins.push(DemoLogin {
            role: Role::BoardAdmin,
            email: format!("admin@{STATE_DOMAIN}"),
            authority: None,
        });
        let pm = s.next_name();
        s.person(
            &format!("program.manager@{STATE_DOMAIN}"),
            &pm,
            Role::ProgramManager,
            None,
            None,
        )
        .await?;
        logins.push(DemoLogin {
            role: Role::ProgramManager,
            email: format!("program.manager@{STATE_DOMAIN}"),
            authority: None,
        });
        let auditor = s.next_name();
        s.person(
            &format!("auditor@{STATE_DOMAIN}"),
            &auditor,
            Role::Auditor,
            None,
            None,
        )
        .await?;
        logins.push(DemoLogin {
            role: Role::Auditor,
            email: format!("auditor@{STATE_DOMAIN}"),
            authority: None,
        });

        // Two navigators per zone.
        let mut navigators_by_zone = Vec::new();
        for zone in ZONES {
            let mut pair = Vec::new();
            for _ in 0..2 {
                let name = s.next_name();
                let email = format!("{}@{STATE_DOMAIN}", slug(&name).replace('-', "."));
                let id = s.person(&email, &name, Role::Navigator, None, None).await?;
                pair.push((id, email));
            }
            navigators_by_zone.push((zone, pair));
        }

        let authorities = demo_authorities();
        let today = now.date();
        for (i, a) in authorities.iter().enumerate() {
            let fields = ElectionAuthorityFields {
                name: a.name.clone(),
                kind: a.kind,
                county: a.county.clone(),
                fips_code: FipsCode::parse(&a.fips_code)
                    .map_err(|e| AppError::invalid("fips_code", e))?,
                population: Some(a.population),
                zone: Some(a.zone.clone()),
            };
            let zone_id = zone_id_for(s.tx, &system, &meta, Some(&a.zone), now).await?;
            let ea = Uuid::new_v4();
            s.tx.insert_election_authority(ea, &fields, zone_id, now)
                .await?;
            audit::Entry::new("election_authority.create", "election_authority", ea)
                .changes(json!({"name": {"from": null, "to": a.name}}))
                .record(s.tx, &system, &meta, now)
                .await?;
            if let Some((_, pair)) = navigators_by_zone.iter().find(|(z, _)| *z == a.zone) {
                let ids: Vec<Uuid> = pair.iter().map(|(id, _)| *id).collect();
                s.tx.set_navigators(ea, &ids).await?;
                // The demo navigator login serves the demo county, so a visitor who signs in as
                // both sees the same authority from either side.
                if i == 0 {
                    logins.push(DemoLogin {
                        role: Role::Navigator,
                        email: pair[0].1.clone(),
                        authority: None,
                    });
                }
            }

            let domain = format!(
                "{}.illinois.example",
                slug(
                    &a.name
                        .replace(" Clerk", "")
                        .replace("Board of Election Commissioners", "elections")
                )
            );
            let official = s.next_name();
            let official_email = format!("clerk@{domain}");
            s.person(&official_email, &official, Role::EaOfficial, Some(ea), None)
                .await?;
            let it = s.next_name();
            let it_email = format!("it@{domain}");
            s.person(&it_email, &it, Role::EaIt, Some(ea), None).await?;
            if i == 0 || a.name.starts_with("Chicago") {
                logins.push(DemoLogin {
                    role: Role::EaOfficial,
                    email: official_email.clone(),
                    authority: Some(a.name.clone()),
                });
                logins.push(DemoLogin {
                    role: Role::EaIt,
                    email: it_email.clone(),
                    authority: Some(a.name.clone()),
                });
            }

            // Verification dates spread over 14 months, so some contacts are stale.
            let verified =
                |k: usize| Some(today - Duration::days(((i * 37 + k * 53) % 420) as i64));
            let it_org = if a.population < 20_000 {
                "Prairie Election Systems (vendor)".to_string()
            } else {
                format!("{} County IT", a.county)
            };
            let contacts = [
                (
                    ContactRole::ElectionOfficial,
                    official.clone(),
                    None,
                    official_email,
                    verified(0),
                ),
                (
                    ContactRole::ItLead,
                    it.clone(),
                    Some(it_org),
                    it_email,
                    verified(1),
                ),
            ];
            for (n, (role, name, org, email, when)) in contacts.into_iter().enumerate() {
                let cf = ContactFields {
                    name,
                    role,
                    organisation: org,
                    phone: Some(format!("217-555-{:04}", (i * 2 + n) % 10_000)),
                    email: EmailAddress::parse(&email).ok(),
                    last_verified_on: when,
                };
                let cid = Uuid::new_v4();
                s.tx.insert_contact(cid, ea, &cf, now).await?;
                audit::Entry::new("contact.create", "contact", cid)
                    .changes(json!({"name": {"from": null, "to": cf.name}}))
                    .record(s.tx, &system, &meta, now)
                    .await?;
            }
        }

        for (id, name) in &partner_ids {
            let person = s.next_name();
            let email = format!("analyst@{}.example", partner_domain(name));
            s.person(&email, &person, Role::Partner, None, Some(*id))
                .await?;
            if !logins.iter().any(|l| l.role == Role::Partner) {
                logins.push(DemoLogin {
                    role: Role::Partner,
                    email,
                    authority: None,
                });
            }
        }
        let people = s.people;
        tx.commit().await?;
        Ok(DemoSummary {
            password,
            logins,
            authorities: authorities.len(),
            people,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn slugs() {
        assert_eq!(slug("St. Clair County"), "st-clair-county");
        assert_eq!(
            slug("City of Bloomington elections"),
            "city-of-bloomington-elections"
        );
        assert_eq!(
            super::partner_domain("Statewide Terrorism and Intelligence Center (STIC)"),
            "stic"
        );
        assert_eq!(super::partner_domain("CISA Region 5"), "cisa-region-5");
    }
}
