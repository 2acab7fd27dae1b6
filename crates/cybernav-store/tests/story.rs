//! The conformance story: every store operation, run on SQLite always and on PostgreSQL when
//! `CYBERNAV_TEST_POSTGRES_URL` is set. The two backends must answer alike.
#![allow(clippy::unwrap_used)]

use cybernav_core::audit::{AuditEvent, GENESIS_HASH, first_broken};
use cybernav_core::authz::EaScope;
use cybernav_core::contact::{ContactFields, ContactRole};
use cybernav_core::election_authority::{EaKind, ElectionAuthorityFields, FipsCode, Zone};
use cybernav_core::email::EmailAddress;
use cybernav_core::partner::PartnerKind;
use cybernav_store::audit::AuditQuery;
use cybernav_store::participation::{
    CertificationRow, CheckedRow, FactRow, GrantCycleRow, StoredSet,
};
use cybernav_store::users::{NewUser, UserQuery};
use cybernav_store::{Store, StoreError, now};
use cybernav_testkit::ScratchPostgres;
use serde_json::json;
use time::Duration;
use uuid::Uuid;

async fn stores() -> Vec<(String, Store, Option<ScratchPostgres>, tempfile::TempDir)> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    let s = Store::open_data_dir(dir.path()).await.unwrap();
    s.migrate().await.unwrap();
    out.push(("sqlite".to_string(), s, None, dir));
    if let Some(pg) = ScratchPostgres::create("story").await {
        let s = Store::connect(&pg.url).await.unwrap();
        s.migrate().await.unwrap();
        out.push((
            "postgres".to_string(),
            s,
            Some(pg),
            tempfile::tempdir().unwrap(),
        ));
    }
    out
}

async fn drop_pg(pg: Option<ScratchPostgres>) {
    if let Some(pg) = pg {
        pg.drop_database().await;
    }
}

fn ea(name: &str, fips: &str) -> ElectionAuthorityFields {
    ElectionAuthorityFields {
        name: name.into(),
        kind: EaKind::CountyClerk,
        county: name.split(' ').next().unwrap().into(),
        fips_code: FipsCode::parse(fips).unwrap(),
        population: Some(1234),
        zone: None,
    }
}

/// A source of threat information and one import run of it, stored in their own
/// transaction, for the intake stories.
async fn stored_source_and_run(
    store: &Store,
    name: &str,
    default_marking: &str,
    file_name: &str,
) -> (
    cybernav_store::intake::SourceRow,
    cybernav_store::intake::RunRow,
) {
    use cybernav_store::intake::SourceRow;
    let at = now();
    let source = SourceRow {
        id: Uuid::new_v4(),
        name: name.into(),
        kind: "stix".into(),
        default_marking: default_marking.into(),
        created_at: at,
        updated_at: at,
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_intel_source(&source).await.unwrap();
    tx.commit().await.unwrap();
    let run = stored_run(store, source.id, file_name).await;
    (source, run)
}

/// Stores a run of `source` now, reading `file_name`.
async fn stored_run(
    store: &Store,
    source: Uuid,
    file_name: &str,
) -> cybernav_store::intake::RunRow {
    let run = cybernav_store::intake::RunRow {
        id: Uuid::new_v4(),
        source_id: source,
        source_name: String::new(),
        format: "stix".into(),
        file_name: file_name.into(),
        sha256: "0".repeat(64),
        received_at: now(),
        imported: 0,
        duplicates: 0,
        objects: 0,
        rejected: 0,
        rejected_detail: "[]".into(),
        run_by: None,
    };
    let mut tx = store.begin().await.unwrap();
    tx.insert_intake_run(&run).await.unwrap();
    tx.commit().await.unwrap();
    run
}

#[tokio::test]
async fn every_operation_on_every_backend() {
    for (label, store, pg, _dir) in stores().await {
        let now = now();
        store.ping().await.unwrap();
        // Migrations are idempotent.
        store.migrate().await.unwrap();

        // The write epoch moves on each committed write transaction, and only then.
        let e0 = store.write_epoch();
        drop(store.begin().await.unwrap());
        store.read().await.unwrap().commit().await.unwrap();
        assert_eq!(
            store.write_epoch(),
            e0,
            "{label}: rollbacks and reads leave it"
        );
        store.begin().await.unwrap().commit().await.unwrap();
        assert_eq!(store.write_epoch(), e0 + 1, "{label}: a commit moves it");
        assert_eq!(store.clone().write_epoch(), e0 + 1, "clones share it");

        // Zones and election authorities.
        let mut tx = store.begin().await.unwrap();
        let zone = Zone {
            id: Uuid::new_v4(),
            name: "Central".into(),
        };
        tx.insert_zone(&zone, now).await.unwrap();
        tx.commit().await.unwrap();
        // A failed statement spoils its transaction on PostgreSQL: conflicts get their own.
        let mut tx = store.begin().await.unwrap();
        assert!(
            matches!(
                tx.insert_zone(
                    &Zone {
                        id: Uuid::new_v4(),
                        name: "Central".into()
                    },
                    now
                )
                .await,
                Err(StoreError::Conflict(_))
            ),
            "{label}"
        );
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.find_zone("Central").await.unwrap().unwrap().id, zone.id);
        assert_eq!(tx.list_zones().await.unwrap().len(), 1);
        let adams = Uuid::new_v4();
        let brown = Uuid::new_v4();
        let evil = Uuid::new_v4();
        tx.insert_election_authority(
            adams,
            &ea("Adams County Clerk", "17001"),
            Some(zone.id),
            now,
        )
        .await
        .unwrap();
        tx.insert_election_authority(brown, &ea("Brown County Clerk", "17009"), None, now)
            .await
            .unwrap();
        tx.insert_election_authority(evil, &ea("O'Brien 100%_ <b>Clerk</b>", "17011"), None, now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let dup = tx
            .insert_election_authority(
                Uuid::new_v4(),
                &ea("Adams County Clerk", "17001"),
                None,
                now,
            )
            .await;
        assert!(
            matches!(dup, Err(StoreError::Conflict(_))),
            "{label}: names are unique"
        );
        drop(tx);

        let mut tx = store.read().await.unwrap();
        let all = tx.all_election_authorities(&EaScope::All).await.unwrap();
        let names: Vec<&str> = all.iter().map(|l| l.authority.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Adams County Clerk",
                "Brown County Clerk",
                "O'Brien 100%_ <b>Clerk</b>"
            ],
            "{label}: ordered by name"
        );
        assert_eq!(all[0].zone.as_deref(), Some("Central"));
        assert_eq!(all[1].zone, None);
        let scoped = tx
            .all_election_authorities(&EaScope::Only(vec![brown, Uuid::new_v4()]))
            .await
            .unwrap();
        assert_eq!(scoped.len(), 1, "{label}");
        assert_eq!(scoped[0].authority.id, brown);
        assert!(
            tx.all_election_authorities(&EaScope::Only(vec![]))
                .await
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            tx.get_election_authority(evil)
                .await
                .unwrap()
                .authority
                .name,
            "O'Brien 100%_ <b>Clerk</b>"
        );
        assert!(matches!(
            tx.get_election_authority(Uuid::new_v4()).await,
            Err(StoreError::NotFound)
        ));
        assert!(
            tx.find_election_authority_by_name("Brown County Clerk")
                .await
                .unwrap()
                .is_some()
        );
        drop(tx);

        let mut tx = store.begin().await.unwrap();
        let mut changed = ea("Adams County Clerk", "17001");
        changed.population = Some(65_000);
        tx.update_election_authority(adams, &changed, None, now)
            .await
            .unwrap();
        assert!(matches!(
            tx.update_election_authority(Uuid::new_v4(), &changed, None, now)
                .await,
            Err(StoreError::NotFound)
        ));

        // People, navigators.
        let nav = Uuid::new_v4();
        let clerk = Uuid::new_v4();
        let partner_org = Uuid::new_v4();
        tx.insert_partner_org(
            partner_org,
            "STIC",
            PartnerKind::FusionCenter,
            Some("24/7 desk"),
            now,
        )
        .await
        .unwrap();
        for (id, email, role, ea_id, status, hash) in [
            (
                nav,
                "nav@x.example",
                "navigator",
                None,
                "active",
                Some("h1"),
            ),
            (
                clerk,
                "clerk@x.example",
                "ea_official",
                Some(adams),
                "invited",
                None,
            ),
        ] {
            tx.insert_user(
                &NewUser {
                    id,
                    email,
                    name: email,
                    role,
                    election_authority_id: ea_id,
                    partner_org_id: None,
                    status,
                    password_hash: hash,
                },
                now,
            )
            .await
            .unwrap();
        }
        tx.set_navigators(adams, &[nav]).await.unwrap();
        tx.set_navigators(brown, &[nav]).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let again = NewUser {
            id: Uuid::new_v4(),
            email: "nav@x.example",
            name: "x",
            role: "navigator",
            election_authority_id: None,
            partner_org_id: None,
            status: "active",
            password_hash: None,
        };
        assert!(matches!(
            tx.insert_user(&again, now).await,
            Err(StoreError::Conflict(_))
        ));
        drop(tx);

        let mut tx = store.begin().await.unwrap();
        assert_eq!(tx.navigators_of(adams).await.unwrap()[0].0, nav);
        let mut assigned = tx.assignments_of(nav).await.unwrap();
        assigned.sort();
        let mut expected = vec![adams, brown];
        expected.sort();
        assert_eq!(assigned, expected);
        let with_navs = tx.all_election_authorities(&EaScope::All).await.unwrap();
        let navs_of = |id: Uuid| {
            with_navs
                .iter()
                .find(|l| l.authority.id == id)
                .unwrap()
                .navigators
                .clone()
        };
        assert_eq!(navs_of(adams)[0].id, nav);
        assert_eq!(navs_of(adams)[0].name, "nav@x.example");
        assert_eq!(navs_of(brown).len(), 1);
        assert!(navs_of(evil).is_empty());
        let only_brown = tx
            .all_election_authorities(&EaScope::Only(vec![brown]))
            .await
            .unwrap();
        assert_eq!(only_brown[0].navigators[0].id, nav, "{label}");
        assert_eq!(
            tx.get_election_authority(adams).await.unwrap().navigators[0].id,
            nav
        );
        assert_eq!(tx.list_users(&UserQuery::default()).await.unwrap().len(), 2);
        assert_eq!(
            tx.list_users(&UserQuery {
                role: Some("navigator".into()),
                election_authority_id: None
            })
            .await
            .unwrap()
            .len(),
            1
        );
        assert_eq!(
            tx.list_users(&UserQuery {
                role: None,
                election_authority_id: Some(adams)
            })
            .await
            .unwrap()
            .len(),
            1
        );
        assert_eq!(
            tx.find_user_by_email("clerk@x.example")
                .await
                .unwrap()
                .unwrap()
                .status,
            "invited"
        );
        tx.set_password(clerk, "h2", now).await.unwrap();
        let u = tx.get_user(clerk).await.unwrap();
        assert_eq!(
            (u.status.as_str(), u.password_hash.as_deref()),
            ("active", Some("h2"))
        );
        tx.update_user_profile(
            clerk,
            "Clerk Name",
            "ea_official",
            Some(brown),
            None,
            "active",
            now,
        )
        .await
        .unwrap();
        assert_eq!(
            tx.get_user(clerk).await.unwrap().election_authority_id,
            Some(brown)
        );
        tx.record_failed_login(clerk, None).await.unwrap();
        tx.record_failed_login(clerk, Some(now + Duration::minutes(15)))
            .await
            .unwrap();
        let u = tx.get_user(clerk).await.unwrap();
        assert_eq!(u.failed_logins, 2);
        assert!(u.locked_until.is_some());
        tx.record_login(clerk, now).await.unwrap();
        let u = tx.get_user(clerk).await.unwrap();
        assert_eq!(
            (u.failed_logins, u.locked_until, u.last_login_at),
            (0, None, Some(now)),
            "{label}: instants round-trip exactly"
        );

        // Second factor.
        tx.set_totp_pending(clerk, Some(b"pending-secret"))
            .await
            .unwrap();
        assert_eq!(
            tx.get_user(clerk)
                .await
                .unwrap()
                .totp_pending_secret
                .as_deref(),
            Some(&b"pending-secret"[..])
        );
        tx.set_totp(clerk, Some(b"secret"), Some(100), now)
            .await
            .unwrap();
        assert!(
            !tx.advance_totp_step(clerk, 100).await.unwrap(),
            "replayed step refused"
        );
        assert!(tx.advance_totp_step(clerk, 101).await.unwrap());
        tx.replace_recovery_codes(clerk, &["a".into(), "b".into()])
            .await
            .unwrap();
        assert!(tx.use_recovery_code(clerk, "a", now).await.unwrap());
        assert!(
            !tx.use_recovery_code(clerk, "a", now).await.unwrap(),
            "recovery codes work once"
        );
        assert_eq!(tx.unused_recovery_codes(clerk).await.unwrap(), 1);

        // Sessions.
        let sid = Uuid::new_v4();
        tx.insert_session(
            sid,
            "session-hash",
            clerk,
            false,
            now,
            now + Duration::hours(12),
            Some("10.0.0.1"),
            Some("test"),
        )
        .await
        .unwrap();
        let s = tx.find_session("session-hash").await.unwrap().unwrap();
        assert_eq!(
            (s.id, s.mfa_done, s.expires_at),
            (sid, false, now + Duration::hours(12))
        );
        tx.set_session_mfa_done(sid).await.unwrap();
        tx.touch_session(sid, now + Duration::minutes(5))
            .await
            .unwrap();
        let s = tx.find_session("session-hash").await.unwrap().unwrap();
        assert!(s.mfa_done);
        assert_eq!(s.last_seen_at, now + Duration::minutes(5));
        tx.insert_session(
            Uuid::new_v4(),
            "session-hash-2",
            clerk,
            true,
            now,
            now + Duration::hours(1),
            None,
            None,
        )
        .await
        .unwrap();
        tx.delete_session(sid).await.unwrap();
        assert!(tx.find_session("session-hash").await.unwrap().is_none());
        assert_eq!(tx.delete_sessions_of(clerk).await.unwrap(), 1);

        // API tokens.
        let tid = Uuid::new_v4();
        tx.insert_api_token(tid, clerk, "scanner", "token-hash", now)
            .await
            .unwrap();
        assert_eq!(
            tx.find_api_token("token-hash").await.unwrap().unwrap().id,
            tid
        );
        tx.touch_api_token(tid, now).await.unwrap();
        assert_eq!(
            tx.list_api_tokens(clerk).await.unwrap()[0].last_used_at,
            Some(now)
        );
        assert!(
            !tx.revoke_api_token(nav, tid, now).await.unwrap(),
            "only the owner revokes"
        );
        assert!(tx.revoke_api_token(clerk, tid, now).await.unwrap());
        assert!(tx.find_api_token("token-hash").await.unwrap().is_none());

        // E-mailed links.
        tx.insert_email_link("invitation", clerk, "link-1", now, now + Duration::hours(1))
            .await
            .unwrap();
        tx.insert_email_link("invitation", clerk, "link-2", now, now + Duration::hours(1))
            .await
            .unwrap();
        assert!(
            tx.find_email_link("invitation", "link-1", now)
                .await
                .unwrap()
                .is_none(),
            "a newer link replaces the older"
        );
        assert_eq!(
            tx.find_email_link("invitation", "link-2", now)
                .await
                .unwrap(),
            Some(clerk)
        );
        assert!(
            tx.find_email_link("password_reset", "link-2", now)
                .await
                .unwrap()
                .is_none(),
            "kinds do not mix"
        );
        assert!(
            tx.find_email_link("invitation", "link-2", now + Duration::hours(2))
                .await
                .unwrap()
                .is_none(),
            "expired"
        );
        assert!(
            tx.use_email_link("invitation", "link-2", now)
                .await
                .unwrap()
        );
        assert!(
            !tx.use_email_link("invitation", "link-2", now)
                .await
                .unwrap(),
            "used once"
        );

        // Contacts and partners.
        let cid = Uuid::new_v4();
        let contact = ContactFields {
            name: "Pat Doe".into(),
            role: ContactRole::ItLead,
            organisation: Some("Adams County IT".into()),
            phone: Some("217-555-0100".into()),
            email: Some(EmailAddress::parse("pat@adams.example").unwrap()),
            last_verified_on: Some(now.date() - Duration::days(400)),
        };
        tx.insert_contact(cid, adams, &contact, now).await.unwrap();
        assert_eq!(
            tx.get_contact(cid).await.unwrap().last_verified_on,
            contact.last_verified_on
        );
        let (total, stale) = tx
            .contact_counts(&EaScope::All, now.date() - Duration::days(180))
            .await
            .unwrap();
        assert_eq!((total, stale), (1, 1), "{label}");
        let fresh = ContactFields {
            last_verified_on: Some(now.date()),
            ..contact.clone()
        };
        tx.update_contact(cid, &fresh, now).await.unwrap();
        assert_eq!(
            tx.contact_counts(&EaScope::All, now.date() - Duration::days(180))
                .await
                .unwrap(),
            (1, 0)
        );
        assert_eq!(
            tx.contact_counts(&EaScope::Only(vec![brown]), now.date())
                .await
                .unwrap(),
            (0, 0)
        );
        assert_eq!(tx.list_contacts(adams).await.unwrap().len(), 1);
        tx.delete_contact(cid).await.unwrap();
        assert!(matches!(
            tx.delete_contact(cid).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            tx.get_contact(cid).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            tx.list_partner_orgs().await.unwrap()[0].notes.as_deref(),
            Some("24/7 desk")
        );
        assert_eq!(
            tx.get_partner_org(partner_org).await.unwrap().kind,
            PartnerKind::FusionCenter
        );
        tx.commit().await.unwrap();

        // Audit chain.
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.audit_head().await.unwrap(),
            (0, GENESIS_HASH.to_string())
        );
        for i in 0..3 {
            let ev = AuditEvent {
                actor_id: Some(nav),
                actor_label: "nav@x.example".into(),
                action: format!("thing.change{i}"),
                entity_type: "thing".into(),
                entity_id: Some(i.to_string()),
                ip: Some("127.0.0.1".into()),
                changes: json!({"field": {"from": i, "to": i + 1}, "text": "<b>'x'</b>"}),
            };
            tx.append_audit(&ev, now).await.unwrap();
        }
        tx.commit().await.unwrap();
        let mut tx = store.read().await.unwrap();
        let batch = tx.audit_batch(0, 100).await.unwrap();
        assert_eq!(batch.len(), 3);
        assert_eq!(
            first_broken(&batch),
            None,
            "{label}: the chain read back verifies"
        );
        assert_eq!(tx.audit_head().await.unwrap(), (3, batch[2].hash.clone()));
        let (page, total) = tx
            .list_audit(&AuditQuery {
                action: Some("thing.change1".into()),
                page: 1,
                per_page: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!((page.len(), total), (1, 1));
        let (page, _) = tx
            .list_audit(&AuditQuery {
                actor: Some("NAV@".into()),
                page: 1,
                per_page: 2,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(
            page.iter().map(|r| r.seq).collect::<Vec<_>>(),
            vec![3, 2],
            "newest first"
        );
        let (_, in_range) = tx
            .list_audit(&AuditQuery {
                from: Some(now),
                until: Some(now + Duration::seconds(1)),
                page: 1,
                per_page: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        assert_eq!(in_range, 3);
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        tx.tamper_audit_changes(2, "{}").await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.read().await.unwrap();
        assert_eq!(
            first_broken(&tx.audit_batch(0, 100).await.unwrap()).map(|b| b.0),
            Some(2)
        );
        drop(tx);

        // Outbox: claim is a lease; failures retry later; sent is final.
        let mut tx = store.begin().await.unwrap();
        let m1 = tx
            .enqueue_email("invitation", "a@x.example", "Hello", "Body", now)
            .await
            .unwrap();
        tx.enqueue_email(
            "invitation",
            "b@x.example",
            "Hello 2",
            "Body",
            now + Duration::seconds(1),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let claimed = tx
            .claim_email(now, Duration::minutes(2))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((claimed.id, claimed.attempts), (m1, 1));
        assert!(
            tx.claim_email(now, Duration::minutes(2))
                .await
                .unwrap()
                .is_none(),
            "the second is not due yet and the first is leased"
        );
        tx.mark_email_failed(
            m1,
            "connection refused",
            Some(now + Duration::seconds(30)),
            now,
        )
        .await
        .unwrap();
        let second = tx
            .claim_email(now + Duration::seconds(5), Duration::minutes(2))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(second.to_addr, "b@x.example");
        tx.mark_email_sent(second.id, now).await.unwrap();
        let retry = tx
            .claim_email(now + Duration::seconds(31), Duration::minutes(2))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((retry.id, retry.attempts), (m1, 2));
        tx.mark_email_failed(m1, "gave up", None, now)
            .await
            .unwrap();
        assert!(
            tx.claim_email(now + Duration::hours(5), Duration::minutes(2))
                .await
                .unwrap()
                .is_none()
        );
        let counts = tx.outbox_counts().await.unwrap();
        assert_eq!(
            (counts.pending, counts.sent, counts.failed),
            (0, 1, 1),
            "{label}"
        );
        tx.commit().await.unwrap();

        // A transaction dropped without commit leaves nothing behind.
        let mut tx = store.begin().await.unwrap();
        tx.insert_zone(
            &Zone {
                id: Uuid::new_v4(),
                name: "Rolled back".into(),
            },
            now,
        )
        .await
        .unwrap();
        drop(tx);
        let mut tx = store.read().await.unwrap();
        assert!(tx.find_zone("Rolled back").await.unwrap().is_none());
        drop(tx);

        // Participation: sets, cycles, certifications, facts, checked requirements.
        let mut tx = store.begin().await.unwrap();
        let set = StoredSet {
            id: "il-part-213".into(),
            version: "2019-05-21".into(),
            title: "Illinois".into(),
            source: "format = \"x\"".into(),
        };
        tx.insert_requirement_set(&set, now).await.unwrap();
        let cycle = GrantCycleRow {
            id: Uuid::new_v4(),
            name: "2018 HAVA".into(),
            grant_program: "HAVA".into(),
            funds_cents: 1_390_320_800,
            set_id: set.id.clone(),
            set_version: set.version.clone(),
            deadline: time::macros::date!(2019 - 03 - 15),
            time_zone: "America/Chicago".into(),
        };
        tx.insert_grant_cycle(&cycle, now).await.unwrap();
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        assert!(matches!(
            tx.insert_requirement_set(&set, now).await,
            Err(StoreError::Conflict(_))
        ));
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        assert!(
            matches!(
                tx.insert_grant_cycle(
                    &GrantCycleRow {
                        id: Uuid::new_v4(),
                        ..cycle.clone()
                    },
                    now
                )
                .await,
                Err(StoreError::Conflict(_))
            ),
            "{label}: cycle names are unique"
        );
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        let missing_set = GrantCycleRow {
            id: Uuid::new_v4(),
            name: "no set".into(),
            set_id: "nope".into(),
            ..cycle.clone()
        };
        assert!(
            tx.insert_grant_cycle(&missing_set, now).await.is_err(),
            "{label}: a cycle needs a stored set"
        );
        drop(tx);
        let mut tx = store.begin().await.unwrap();
        assert_eq!(
            tx.get_requirement_set("il-part-213", "2019-05-21")
                .await
                .unwrap(),
            Some(set.clone())
        );
        assert_eq!(
            tx.get_requirement_set("il-part-213", "1").await.unwrap(),
            None
        );
        assert_eq!(tx.list_requirement_sets().await.unwrap().len(), 1);
        assert_eq!(tx.get_grant_cycle(cycle.id).await.unwrap(), cycle);
        assert!(matches!(
            tx.get_grant_cycle(Uuid::new_v4()).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(tx.list_grant_cycles().await.unwrap(), vec![cycle.clone()]);
        let cert = CertificationRow {
            cycle_id: cycle.id,
            election_authority_id: adams,
            received_at: now,
            on_time: false,
            signer_name: "Pat".into(),
            recorded_by: None,
        };
        tx.put_certification(&cert).await.unwrap();
        let again = CertificationRow {
            on_time: true,
            ..cert.clone()
        };
        tx.put_certification(&again).await.unwrap();
        assert_eq!(
            tx.get_certification(cycle.id, adams).await.unwrap(),
            Some(again.clone())
        );
        assert_eq!(tx.get_certification(cycle.id, brown).await.unwrap(), None);
        assert_eq!(tx.list_certifications(cycle.id).await.unwrap(), vec![again]);
        let fact = FactRow {
            election_authority_id: adams,
            fact: "icn.connected".into(),
            holds: true,
            on_date: Some(time::macros::date!(2026 - 01 - 02)),
            note: Some("circuit 17-001".into()),
            updated_by: None,
            updated_at: now,
        };
        tx.put_fact(&fact).await.unwrap();
        tx.put_fact(&FactRow {
            holds: false,
            ..fact.clone()
        })
        .await
        .unwrap();
        tx.put_fact(&FactRow {
            election_authority_id: brown,
            ..fact.clone()
        })
        .await
        .unwrap();
        let adams_facts = tx.list_facts(Some(adams)).await.unwrap();
        assert_eq!(
            adams_facts,
            vec![FactRow {
                holds: false,
                ..fact.clone()
            }],
            "{label}"
        );
        assert_eq!(tx.list_facts(None).await.unwrap().len(), 2);
        let checked = CheckedRow {
            election_authority_id: adams,
            set_id: "checklist-31".into(),
            requirement_id: "mfa".into(),
            on_date: None,
            note: Some("screenshot in the evidence folder".into()),
            updated_by: None,
            updated_at: now,
        };
        tx.put_checked(&checked).await.unwrap();
        tx.put_checked(&checked).await.unwrap();
        assert_eq!(
            tx.list_checked(adams, "checklist-31").await.unwrap(),
            vec![checked]
        );
        assert!(
            tx.list_checked(adams, "il-part-213")
                .await
                .unwrap()
                .is_empty()
        );
        tx.commit().await.unwrap();

        if label == "sqlite" {
            let copy = _dir.path().join("backup.db");
            store.backup_to(&copy).await.unwrap();
            let restored = Store::connect(&format!("sqlite://{}", copy.display()))
                .await
                .unwrap();
            let mut tx = restored.read().await.unwrap();
            assert_eq!(
                tx.list_zones().await.unwrap().len(),
                1,
                "backup holds the data"
            );
        }
        store.close().await;
        drop_pg(pg).await;
    }
}

/// Instants written as text (SQLite) must compare and sort as instants: fractions of
/// different lengths ('…:05.1Z' against '…:05.12Z', which sort the wrong way round as text)
/// and offsets other than 'Z' ('…T12:00:05+02:00' is 10:00:05 UTC).
#[tokio::test]
async fn instants_compare_and_sort_in_time_order_on_every_backend() {
    use time::macros::{datetime, offset};
    for (label, store, pg, _dir) in stores().await {
        let base = datetime!(2026-11-30 10:00:05 UTC);
        let mut tx = store.begin().await.unwrap();
        // Written out of order: .12 s, .1 s, no fraction.
        let twelve = tx
            .enqueue_email(
                "test",
                "a@example.gov",
                "12",
                "b",
                base + Duration::milliseconds(120),
            )
            .await
            .unwrap();
        let one = tx
            .enqueue_email(
                "test",
                "a@example.gov",
                "1",
                "b",
                base + Duration::milliseconds(100),
            )
            .await
            .unwrap();
        let whole = tx
            .enqueue_email("test", "a@example.gov", "0", "b", base)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        // Each is claimed once due, earliest first.
        let mut claimed = Vec::new();
        for _ in 0..4 {
            let mut tx = store.begin().await.unwrap();
            let m = tx
                .claim_email(base + Duration::milliseconds(120), Duration::minutes(5))
                .await
                .unwrap();
            tx.commit().await.unwrap();
            claimed.extend(m.map(|m| m.id));
        }
        assert_eq!(claimed, vec![whole, one, twelve], "{label}: earliest first");

        // An instant given with another offset is the same instant: 11:00:05.5+01:00 is
        // before 10:00:06 UTC, so a message due then is not due yet.
        let mut tx = store.begin().await.unwrap();
        let later = tx
            .enqueue_email(
                "test",
                "a@example.gov",
                "later",
                "b",
                base + Duration::seconds(1),
            )
            .await
            .unwrap();
        let before = (base + Duration::milliseconds(500)).to_offset(offset!(+1));
        assert!(
            tx.claim_email(before, Duration::minutes(5))
                .await
                .unwrap()
                .is_none(),
            "{label}: not due at {before}"
        );
        let after = (base + Duration::seconds(2)).to_offset(offset!(-5));
        let m = tx.claim_email(after, Duration::minutes(5)).await.unwrap();
        assert_eq!(m.map(|m| m.id), Some(later), "{label}: due at {after}");
        drop(tx);

        // SQLite keeps the one fixed-width UTC form.
        if let cybernav_store::Pool::Sqlite(p) = store.pool() {
            let texts: Vec<String> =
                sqlx::query_scalar("SELECT next_attempt_at FROM outbox ORDER BY next_attempt_at")
                    .fetch_all(p)
                    .await
                    .unwrap();
            assert_eq!(
                texts,
                vec![
                    "2026-11-30T10:00:05.000000000Z",
                    "2026-11-30T10:00:05.100000000Z",
                    "2026-11-30T10:00:05.120000000Z",
                ]
            );
        }
        store.close().await;
        drop_pg(pg).await;
    }
}

/// A database written before instants had one form: migration 0018 rewrites what SQLite
/// stored (every instant column, and the versions of STIX objects) in the fixed-width UTC
/// form, so old and new rows compare alike.
#[tokio::test]
async fn instants_stored_before_are_rewritten_in_the_one_form() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open_data_dir(dir.path()).await.unwrap();
    store.migrate().await.unwrap();
    let cybernav_store::Pool::Sqlite(p) = store.pool() else {
        unreachable!("a data folder is SQLite")
    };
    // Rows as the earlier writer left them: no trailing zeros, offsets kept.
    for (id, at) in [
        (1, "2026-11-30T10:00:05Z"),
        (2, "2026-11-30T10:00:05.1Z"),
        (3, "2026-11-30T12:00:05.12+02:00"),
        (4, "2026-11-30T10:00:05.123456Z"),
    ] {
        sqlx::query(
            "INSERT INTO outbox (id, kind, to_addr, subject, body_text, created_at, \
             next_attempt_at, attempts) VALUES ($1, 'test', 'a@example.gov', $2, 'b', $3, $3, 0)",
        )
        .bind(Uuid::from_u128(id))
        .bind(at)
        .bind(at)
        .execute(p)
        .await
        .unwrap();
    }
    let migration = include_str!("../migrations/sqlite/0018_review_fixes.sql");
    for statement in migration.split(';') {
        let sql: String = statement
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        if sql.trim_start().starts_with("UPDATE ") {
            sqlx::query(&sql).execute(p).await.unwrap();
        }
    }
    let rows: Vec<(Vec<u8>, String, String)> = sqlx::query_as(
        "SELECT id, created_at, next_attempt_at FROM outbox ORDER BY next_attempt_at",
    )
    .fetch_all(p)
    .await
    .unwrap();
    let texts: Vec<&str> = rows.iter().map(|r| r.2.as_str()).collect();
    assert_eq!(
        texts,
        vec![
            "2026-11-30T10:00:05.000000000Z",
            "2026-11-30T10:00:05.100000000Z",
            "2026-11-30T10:00:05.120000000Z",
            "2026-11-30T10:00:05.123456000Z",
        ]
    );
    assert!(rows.iter().all(|r| r.1 == r.2));
    store.close().await;
}

/// C3: a TAXII feed's lease belongs to the poll that took it. A poll slower than its lease,
/// whose feed another replica has claimed since, can neither renew, nor move the position,
/// nor end the other's poll.
#[tokio::test]
async fn a_taxii_lease_is_kept_by_its_owner_only() {
    use cybernav_store::intake::SourceRow;
    use cybernav_store::taxii_feeds::FeedRow;
    for (label, store, pg, _dir) in stores().await {
        let t0 = now();
        let source = SourceRow {
            id: Uuid::new_v4(),
            name: "Partner".into(),
            kind: "taxii".into(),
            default_marking: "TLP:AMBER".into(),
            created_at: t0,
            updated_at: t0,
        };
        let feed = FeedRow {
            id: Uuid::new_v4(),
            source_id: source.id,
            source_name: source.name.clone(),
            api_root: "https://taxii.example.gov/api1/".into(),
            collection_id: "c1".into(),
            auth: "none".into(),
            username: None,
            secret_ref: None,
            poll_minutes: 60,
            page_size: 100,
            enabled: true,
            added_after: None,
            next_poll_at: t0,
            failures: 0,
            last_error: None,
            last_polled_at: None,
            last_success_at: None,
            created_at: t0,
            updated_at: t0,
        };
        let mut tx = store.begin().await.unwrap();
        tx.insert_intel_source(&source).await.unwrap();
        tx.insert_taxii_feed(&feed).await.unwrap();
        // Poll A claims the feed with a 30-minute lease.
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let lease = Duration::minutes(30);
        assert_eq!(
            tx.claim_taxii_feed(t0, lease, a).await.unwrap(),
            Some(feed.id)
        );
        assert!(tx.renew_taxii_lease(feed.id, a, t0, lease).await.unwrap());
        assert!(
            tx.set_taxii_position(feed.id, a, "2026-11-30T10:00:00Z", t0)
                .await
                .unwrap()
        );
        // Nobody else claims it while A's lease runs.
        assert_eq!(tx.claim_taxii_feed(t0, lease, b).await.unwrap(), None);
        // A is slower than its lease: 31 minutes on, B takes the feed over.
        let later = t0 + Duration::minutes(31);
        assert_eq!(
            tx.claim_taxii_feed(later, lease, b).await.unwrap(),
            Some(feed.id),
            "{label}"
        );
        // A's next page: no renewal, no position, no end.
        assert!(
            !tx.renew_taxii_lease(feed.id, a, later, lease)
                .await
                .unwrap()
        );
        assert!(
            !tx.set_taxii_position(feed.id, a, "2026-11-30T11:00:00Z", later)
                .await
                .unwrap()
        );
        assert!(
            !tx.finish_taxii_poll(feed.id, a, Some("late"), later, later, t0)
                .await
                .unwrap()
        );
        let row = tx.taxii_feed(feed.id).await.unwrap().unwrap();
        assert_eq!(
            row.added_after.as_deref(),
            Some("2026-11-30T10:00:00Z"),
            "{label}: A's late page did not move the position"
        );
        assert_eq!(row.last_error, None);
        // B's poll goes on and ends.
        assert!(
            tx.set_taxii_position(feed.id, b, "2026-11-30T12:00:00Z", later)
                .await
                .unwrap()
        );
        // A person asks for a poll while B's runs: B's end keeps the feed due.
        let asked = later + Duration::seconds(5);
        assert!(tx.make_taxii_feed_due(feed.id, asked).await.unwrap());
        assert!(
            tx.finish_taxii_poll(
                feed.id,
                b,
                None,
                later + Duration::minutes(60),
                later,
                later
            )
            .await
            .unwrap()
        );
        let row = tx.taxii_feed(feed.id).await.unwrap().unwrap();
        assert_eq!(
            row.next_poll_at.unix_timestamp(),
            asked.unix_timestamp(),
            "{label}: the request made during the poll was kept"
        );
        // The lease is free again: the due feed's poll takes it, and with no request meanwhile
        // its end sets the schedule.
        let polled = asked + Duration::seconds(1);
        assert!(
            tx.lease_taxii_feed(feed.id, polled, lease, a)
                .await
                .unwrap()
        );
        assert!(
            tx.finish_taxii_poll(
                feed.id,
                a,
                None,
                later + Duration::minutes(60),
                polled,
                polled
            )
            .await
            .unwrap()
        );
        let row = tx.taxii_feed(feed.id).await.unwrap().unwrap();
        assert_eq!(
            row.next_poll_at.unix_timestamp(),
            (later + Duration::minutes(60)).unix_timestamp(),
            "{label}"
        );
        drop(tx);
        store.close().await;
        drop_pg(pg).await;
    }
}

/// Migration 0018 rewrites stored STIX versions into the one UTC form. Two versions of one
/// object kept as different text for the same instant (a feed that wrote `…00Z`, another
/// `…00.000Z`) would both become `…00.000000000Z`: the first is rewritten, the later stays as
/// it was, and the statement does not stop on `UNIQUE (stix_id, modified)`. On every backend.
#[tokio::test]
async fn rewriting_stix_versions_never_meets_the_unique_version() {
    use cybernav_store::intake::{NewStixObject, Provenance};
    for (label, store, pg, _dir) in stores().await {
        let at = now();
        let (source, run) = stored_source_and_run(&store, "Two feeds", "TLP:GREEN", "b.json").await;
        let mut tx = store.begin().await.unwrap();
        let object = |modified: &'static str| NewStixObject {
            stix_id: "malware--0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0",
            modified,
            object_type: "malware",
            spec_version: "2.1",
            marking: "TLP:GREEN",
            raw: "{}",
        };
        let from = Provenance {
            source_id: source.id,
            run_id: run.id,
            received_at: at,
            known_source: true,
        };
        let kept = tx
            .insert_stix_objects(
                &[
                    object("2026-03-01T12:00:00.000Z"),
                    object("2026-03-01T12:00:00Z"),
                    object("2026-03-01T13:00:00.5Z"),
                ],
                from,
            )
            .await
            .unwrap();
        assert_eq!(kept, 3, "{label}: three texts, three rows");
        tx.commit().await.unwrap();

        let file = match store.backend() {
            cybernav_store::Backend::Sqlite => {
                include_str!("../migrations/sqlite/0018_review_fixes.sql")
            }
            cybernav_store::Backend::Postgres => {
                include_str!("../migrations/postgres/0018_review_fixes.sql")
            }
        };
        let sql: String = file
            .lines()
            .filter(|l| !l.trim_start().starts_with("--"))
            .collect::<Vec<_>>()
            .join("\n");
        let rewrite = sql
            .split(';')
            .find(|s| {
                let s = s.trim_start();
                s.starts_with("UPDATE stix_objects") && s.contains("SET modified")
            })
            .unwrap_or_else(|| panic!("{label}: the migration rewrites stix_objects"));
        let mut versions: Vec<String> = match store.pool() {
            cybernav_store::Pool::Sqlite(p) => {
                sqlx::query(rewrite).execute(p).await.unwrap();
                sqlx::query_scalar("SELECT modified FROM stix_objects ORDER BY seq")
                    .fetch_all(p)
                    .await
                    .unwrap()
            }
            cybernav_store::Pool::Postgres(p) => {
                sqlx::query(rewrite).execute(p).await.unwrap();
                sqlx::query_scalar("SELECT modified FROM stix_objects ORDER BY seq")
                    .fetch_all(p)
                    .await
                    .unwrap()
            }
        };
        versions.sort();
        assert_eq!(
            versions,
            vec![
                "2026-03-01T12:00:00.000000000Z",
                "2026-03-01T12:00:00Z",
                "2026-03-01T13:00:00.500000000Z",
            ],
            "{label}"
        );
        store.close().await;
        drop_pg(pg).await;
    }
}

/// Bulk writes of indicators and reports: more rows than one hold of the SQLite connection
/// and not a whole number of statements, repeats within the list and against the store, the
/// optional values both ways, two lists of markings as sent; the two backends store the same.
/// A later run that changes some reports updates just those. A report of a run that does not
/// exist, or of an indicator not written with it, is refused and nothing of it stays.
#[tokio::test]
async fn bulk_indicator_and_report_writes_agree_on_both_backends() {
    use cybernav_store::StoreError;
    use cybernav_store::intake::{NewIndicator, NewReport, Provenance};
    const N: usize = 50_130;
    const MARKED: &str = r#"["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]"#;
    let values: Vec<String> = (0..N).map(|n| format!("host{n}.example.net")).collect();
    let ids: Vec<Uuid> = (0..N).map(|n| Uuid::from_u128(n as u128 + 1)).collect();
    let mut answers = Vec::new();
    // One instant for both backends, so the stored validity times can be compared.
    let at = now();
    for (label, store, pg, _dir) in stores().await {
        let (source, run) = stored_source_and_run(
            &store,
            "Bulk feed",
            r#"{"tlp":"green","caveats":[]}"#,
            "bulk.json",
        )
        .await;
        let mut tx = store.begin().await.unwrap();
        // The first 100 rows twice, so the list repeats itself.
        let rows: Vec<NewIndicator<'_>> = (0..N)
            .chain(0..100)
            .map(|n| NewIndicator {
                id: ids[n],
                kind: "domain",
                value: &values[n],
            })
            .collect();
        assert_eq!(
            tx.insert_indicators(&rows, at).await.unwrap(),
            N as u64,
            "{label}"
        );
        assert_eq!(
            tx.insert_indicators(&rows[..500], at).await.unwrap(),
            0,
            "{label}"
        );
        let until = at + Duration::days(30);
        let reports: Vec<NewReport<'_>> = (0..N)
            .map(|n| NewReport {
                indicator_id: ids[n],
                reference: &values[n],
                marking: "TLP:GREEN",
                original_markings: if n % 7 == 0 { MARKED } else { "[]" },
                valid_until: (n % 2 == 0).then_some(until),
                confidence: (n % 3 == 0).then_some(n as i64 % 101),
                revoked: n % 5 == 0,
            })
            .collect();
        let from = Provenance {
            source_id: source.id,
            run_id: run.id,
            received_at: at,
            known_source: false,
        };
        assert_eq!(
            tx.add_indicator_reports(&rows[..N], &reports, from)
                .await
                .unwrap(),
            0,
            "{label}: the indicators were stored already"
        );
        let counts = tx.intake_counts().await.unwrap();
        assert_eq!((counts.0, counts.1), (N as i64, N as i64), "{label}");
        tx.commit().await.unwrap();

        // A later run of the same source: the reports of every 700th indicator now come
        // unmarked and the rest as before; only the changed ones move to the new run.
        let later = stored_run(&store, source.id, "bulk-2.json").await;
        let again: Vec<NewReport<'_>> = reports
            .iter()
            .enumerate()
            .map(|(n, r)| NewReport {
                original_markings: if n % 700 == 0 {
                    "[]"
                } else {
                    r.original_markings
                },
                ..r.clone()
            })
            .collect();
        let mut tx = store.begin().await.unwrap();
        let next = Provenance {
            run_id: later.id,
            known_source: true,
            ..from
        };
        tx.add_indicator_reports(&rows[..N], &again, next)
            .await
            .unwrap();
        let some: Vec<Uuid> = [0, 1, 3, 5, 7, 64, 700, N - 1]
            .iter()
            .map(|&n| ids[n])
            .collect();
        let stored: Vec<_> = tx
            .reports_of(&some)
            .await
            .unwrap()
            .into_iter()
            .map(|r| {
                (
                    r.indicator_id,
                    r.reference,
                    r.original_markings,
                    r.run_id == later.id,
                    r.valid_until.map(|t| t.unix_timestamp()),
                    r.confidence,
                    r.revoked,
                )
            })
            .collect();
        assert_eq!(stored.len(), some.len(), "{label}");
        for (id, _, markings, moved, ..) in &stored {
            let n = ids.iter().position(|i| i == id).unwrap();
            let expected = if n % 7 == 0 && n % 700 != 0 {
                MARKED
            } else {
                "[]"
            };
            assert_eq!(markings, expected, "{label}: indicator {n}");
            assert_eq!(*moved, n % 700 == 0 && n % 7 == 0, "{label}: indicator {n}");
        }
        tx.commit().await.unwrap();
        answers.push((label.clone(), stored));

        // A report of a run that was never stored: refused before anything is written.
        let mut tx = store.begin().await.unwrap();
        let extra = [NewIndicator {
            id: Uuid::from_u128(u128::MAX),
            kind: "domain",
            value: "extra.example.net",
        }];
        let orphan = Provenance {
            run_id: Uuid::new_v4(),
            ..from
        };
        let report = [NewReport {
            indicator_id: extra[0].id,
            reference: "extra",
            marking: "TLP:GREEN",
            original_markings: "[]",
            valid_until: None,
            confidence: None,
            revoked: false,
        }];
        match tx.add_indicator_reports(&extra, &report, orphan).await {
            Err(StoreError::Reference(e)) => assert!(e.contains("intake run"), "{label}: {e}"),
            other => panic!("{label}: a report of no run: {other:?}"),
        }
        // A report whose indicator is not written with it.
        match tx.add_indicator_reports(&[], &report, from).await {
            Err(StoreError::Reference(e)) => {
                assert!(e.contains(&extra[0].id.to_string()), "{label}: {e}")
            }
            other => panic!("{label}: a report of an unlisted indicator: {other:?}"),
        }
        tx.commit().await.unwrap();
        let mut tx = store.begin().await.unwrap();
        let counts = tx.intake_counts().await.unwrap();
        assert_eq!((counts.0, counts.1), (N as i64, N as i64), "{label}");
        tx.commit().await.unwrap();
        store.close().await;
        drop_pg(pg).await;
    }
    if let [(_, a), (_, b)] = &answers[..] {
        assert_eq!(a, b, "SQLite and PostgreSQL stored different reports");
    }
}

/// Migrations 0023 and 0025 keep every stored report: the markings as sent move to
/// `marking_lists`, one row per distinct list, source and run are named by number, and each
/// report reads back as it was. On every backend, from the table as 0021 left it.
#[tokio::test]
async fn reports_stored_before_keep_their_markings_as_sent() {
    use cybernav_store::intake::{NewIndicator, Provenance};
    for (label, store, pg, _dir) in stores().await {
        let (source, run) =
            stored_source_and_run(&store, "Older feed", "TLP:GREEN", "old.json").await;
        let ids: Vec<Uuid> = (1..=3).map(Uuid::from_u128).collect();
        let values = ["a.example.net", "b.example.net", "c.example.net"];
        let indicators: Vec<NewIndicator<'_>> = ids
            .iter()
            .zip(values)
            .map(|(&id, value)| NewIndicator {
                id,
                kind: "domain",
                value,
            })
            .collect();
        let mut tx = store.begin().await.unwrap();
        tx.add_indicator_reports(
            &indicators,
            &[],
            Provenance {
                source_id: source.id,
                run_id: run.id,
                received_at: now(),
                known_source: false,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let lists = [
            r#"["marking-definition--a"]"#,
            "[]",
            r#"["marking-definition--a"]"#,
        ];
        let (before, migration) = match store.backend() {
            cybernav_store::Backend::Sqlite => (
                "DROP TABLE indicator_reports; DROP TABLE marking_lists; \
                 CREATE TABLE indicator_reports (indicator_id BLOB NOT NULL, source_id BLOB NOT NULL, \
                 ref TEXT NOT NULL, run_id BLOB NOT NULL, marking TEXT NOT NULL, \
                 original_markings TEXT NOT NULL, valid_until TEXT, confidence INTEGER, \
                 revoked INTEGER NOT NULL, PRIMARY KEY (indicator_id, source_id, ref)) WITHOUT ROWID",
                [
                    include_str!("../migrations/sqlite/0023_lean_reports.sql"),
                    include_str!("../migrations/sqlite/0025_numbered_reports.sql"),
                ],
            ),
            cybernav_store::Backend::Postgres => (
                "DROP TABLE indicator_reports; DROP TABLE marking_lists; \
                 CREATE TABLE indicator_reports (indicator_id uuid NOT NULL REFERENCES indicators(id), \
                 source_id uuid NOT NULL REFERENCES intel_sources(id), ref text NOT NULL, \
                 run_id uuid NOT NULL REFERENCES intake_runs(id), marking text NOT NULL, \
                 original_markings text NOT NULL, valid_until timestamptz, confidence bigint, \
                 revoked boolean NOT NULL, PRIMARY KEY (indicator_id, source_id, ref))",
                [
                    include_str!("../migrations/postgres/0023_lean_reports.sql"),
                    include_str!("../migrations/postgres/0025_numbered_reports.sql"),
                ],
            ),
        };
        let insert = "INSERT INTO indicator_reports (indicator_id, source_id, ref, run_id, marking, \
             original_markings, valid_until, confidence, revoked) VALUES ($1, $2, $3, $4, 'TLP:GREEN', $5, NULL, $6, $7)";
        macro_rules! rewind_and_migrate {
            ($p:expr) => {{
                sqlx::raw_sql(before).execute($p).await.unwrap();
                for (n, id) in ids.iter().enumerate() {
                    sqlx::query(insert)
                        .bind(*id)
                        .bind(source.id)
                        .bind(format!("indicator--{n}"))
                        .bind(run.id)
                        .bind(lists[n])
                        .bind(n as i64 * 10)
                        .bind(n == 2)
                        .execute($p)
                        .await
                        .unwrap();
                }
                for m in migration {
                    sqlx::raw_sql(m).execute($p).await.unwrap();
                }
                let distinct: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM marking_lists")
                    .fetch_one($p)
                    .await
                    .unwrap();
                distinct
            }};
        }
        let distinct = match store.pool() {
            cybernav_store::Pool::Sqlite(p) => rewind_and_migrate!(p),
            cybernav_store::Pool::Postgres(p) => rewind_and_migrate!(p),
        };
        assert_eq!(distinct, 2, "{label}: one row per distinct list");
        let mut tx = store.begin().await.unwrap();
        let mut stored = tx.reports_of(&ids).await.unwrap();
        tx.commit().await.unwrap();
        stored.sort_by(|a, b| a.reference.cmp(&b.reference));
        let got: Vec<_> = stored
            .iter()
            .map(|r| {
                (
                    r.indicator_id,
                    r.original_markings.as_str(),
                    r.confidence,
                    r.revoked,
                    r.run_id,
                )
            })
            .collect();
        let expected: Vec<_> = ids
            .iter()
            .enumerate()
            .map(|(n, id)| (*id, lists[n], Some(n as i64 * 10), n == 2, run.id))
            .collect();
        assert_eq!(got, expected, "{label}");

        // A list longer than an index entry may be (a MISP attribute with many tags), twice:
        // stored once, read back whole.
        let long = format!(
            "[{}]",
            (0..400)
                .map(|n| format!("\"misp-galaxy:threat-actor=\\\"Actor number {n}\\\"\""))
                .collect::<Vec<_>>()
                .join(",")
        );
        let mut tx = store.begin().await.unwrap();
        let from = Provenance {
            source_id: source.id,
            run_id: run.id,
            received_at: now(),
            known_source: true,
        };
        for n in 0..2 {
            let report = cybernav_store::intake::NewReport {
                indicator_id: ids[n],
                reference: "tagged",
                marking: "TLP:GREEN",
                original_markings: &long,
                valid_until: None,
                confidence: None,
                revoked: false,
            };
            tx.add_indicator_reports(&indicators[n..=n], &[report], from)
                .await
                .unwrap();
        }
        let tagged: Vec<String> = tx
            .reports_of(&ids)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.reference == "tagged")
            .map(|r| r.original_markings)
            .collect();
        assert_eq!(tagged, vec![long.clone(), long.clone()], "{label}");
        tx.commit().await.unwrap();
        let lists = match store.pool() {
            cybernav_store::Pool::Sqlite(p) => {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM marking_lists")
                    .fetch_one(p)
                    .await
            }
            cybernav_store::Pool::Postgres(p) => {
                sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM marking_lists")
                    .fetch_one(p)
                    .await
            }
        };
        assert_eq!(lists.unwrap(), 3, "{label}: the long list is kept once");
        assert!(long.len() > 10_000);
        store.close().await;
        drop_pg(pg).await;
    }
}

/// Sources and runs are numbered in the order they are stored, by every way of inserting
/// them, and migration 0024 numbers those stored before it in the order they were created
/// (sources) or received (runs). On every backend.
#[tokio::test]
async fn sources_and_runs_are_numbered_in_the_order_stored() {
    for (label, store, _pg, _dir) in stores().await {
        let (first, first_run) =
            stored_source_and_run(&store, "First feed", "TLP:GREEN", "a.json").await;
        let (second, second_run) =
            stored_source_and_run(&store, "Second feed", "TLP:AMBER", "b.json").await;
        let third_run = stored_run(&store, first.id, "c.json").await;
        // A source inserted by plain SQL, naming no number, gets the next one too.
        let plain = Uuid::new_v4();
        let insert_plain = "INSERT INTO intel_sources (id, name, kind, default_marking, created_at, updated_at) \
             VALUES ($1, 'Plain', 'list', 'TLP:CLEAR', '2030-01-01T00:00:00.000000000Z', '2030-01-01T00:00:00.000000000Z')";
        let (rewind, migration) = match store.backend() {
            cybernav_store::Backend::Sqlite => (
                "DROP TRIGGER intel_sources_number; DROP INDEX intel_sources_by_no; \
                 ALTER TABLE intel_sources DROP COLUMN no; \
                 DROP TRIGGER intake_runs_number; DROP INDEX intake_runs_by_no; \
                 ALTER TABLE intake_runs DROP COLUMN no",
                include_str!("../migrations/sqlite/0024_numbered_sources.sql"),
            ),
            cybernav_store::Backend::Postgres => (
                "ALTER TABLE indicator_reports DROP CONSTRAINT indicator_reports_source_no_fkey, \
                 DROP CONSTRAINT indicator_reports_run_no_fkey; \
                 ALTER TABLE intel_sources DROP COLUMN no; ALTER TABLE intake_runs DROP COLUMN no",
                include_str!("../migrations/postgres/0024_numbered_sources.sql"),
            ),
        };
        let numbers = "SELECT id FROM intel_sources ORDER BY no";
        let run_numbers = "SELECT id FROM intake_runs ORDER BY no";
        macro_rules! check {
            ($p:expr) => {{
                let p = $p;
                sqlx::query(insert_plain)
                    .bind(plain)
                    .execute(p)
                    .await
                    .unwrap();
                let live: Vec<(Uuid,)> = sqlx::query_as(numbers).fetch_all(p).await.unwrap();
                let live_runs: Vec<(Uuid,)> =
                    sqlx::query_as(run_numbers).fetch_all(p).await.unwrap();
                let distinct: i64 = sqlx::query_scalar(
                    "SELECT COUNT(DISTINCT no) FROM intel_sources WHERE no IS NOT NULL",
                )
                .fetch_one(p)
                .await
                .unwrap();
                // Forget the numbers and let the migration give them again.
                // On one connection: another of the pool may still hold the schema as it was.
                let mut conn = p.acquire().await.unwrap();
                sqlx::raw_sql(rewind).execute(&mut *conn).await.unwrap();
                sqlx::raw_sql(migration).execute(&mut *conn).await.unwrap();
                let migrated: Vec<(Uuid,)> =
                    sqlx::query_as(numbers).fetch_all(&mut *conn).await.unwrap();
                let migrated_runs: Vec<(Uuid,)> = sqlx::query_as(run_numbers)
                    .fetch_all(&mut *conn)
                    .await
                    .unwrap();
                (live, live_runs, distinct, migrated, migrated_runs)
            }};
        }
        let (live, live_runs, distinct, migrated, migrated_runs) = match store.pool() {
            cybernav_store::Pool::Sqlite(p) => check!(p),
            cybernav_store::Pool::Postgres(p) => check!(p),
        };
        let ids = |rows: &[(Uuid,)]| rows.iter().map(|r| r.0).collect::<Vec<_>>();
        assert_eq!(
            ids(&live),
            [first.id, second.id, plain],
            "{label}: as stored"
        );
        assert_eq!(distinct, 3, "{label}: every source has its own number");
        assert_eq!(
            ids(&live_runs),
            [first_run.id, second_run.id, third_run.id],
            "{label}: runs as stored"
        );
        assert_eq!(ids(&migrated), ids(&live), "{label}: migrated by creation");
        assert_eq!(
            ids(&migrated_runs),
            ids(&live_runs),
            "{label}: migrated by receipt"
        );
        // After the migration, new rows go on numbering where the old ones stopped.
        let fourth = stored_run(&store, second.id, "d.json").await;
        let last: Option<(Uuid,)> = match store.pool() {
            cybernav_store::Pool::Sqlite(p) => {
                sqlx::query_as("SELECT id FROM intake_runs ORDER BY no DESC LIMIT 1")
                    .fetch_optional(p)
                    .await
                    .unwrap()
            }
            cybernav_store::Pool::Postgres(p) => {
                sqlx::query_as("SELECT id FROM intake_runs ORDER BY no DESC LIMIT 1")
                    .fetch_optional(p)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            last.map(|r| r.0),
            Some(fourth.id),
            "{label}: numbering goes on"
        );
    }
}

/// A store alone with its SQLite database switches it to a rollback journal for a bulk write
/// and back to WAL after; with another connection open it does not, without waiting for the
/// other to let go, and writes as usual; a database left in rollback mode (the process ended
/// before switching back) is put back in WAL mode by the next store to open it. PostgreSQL
/// never switches.
#[tokio::test]
async fn a_store_alone_writes_with_a_rollback_journal_and_goes_back_to_wal() {
    let dir = tempfile::tempdir().unwrap();
    let alone = Store::open_data_dir_limited(dir.path(), Some(1))
        .await
        .unwrap();
    alone.migrate().await.unwrap();
    assert_eq!(alone.journal_mode().await.unwrap().as_deref(), Some("wal"));
    assert_eq!(
        alone.synchronous().await.unwrap(),
        Some(1),
        "NORMAL in WAL mode"
    );
    assert!(alone.rollback_journal_if_alone().await.unwrap(), "alone");
    assert_eq!(
        alone.synchronous().await.unwrap(),
        Some(2),
        "FULL with a rollback journal"
    );
    assert_eq!(
        alone.journal_mode().await.unwrap().as_deref(),
        Some("delete")
    );
    let (source, _run) = stored_source_and_run(&alone, "Solo feed", "TLP:GREEN", "solo.json").await;
    alone.write_ahead_log_again().await.unwrap();
    assert_eq!(alone.journal_mode().await.unwrap().as_deref(), Some("wal"));
    assert_eq!(alone.synchronous().await.unwrap(), Some(1), "NORMAL again");

    // Another store (a server, another command) has the database open.
    let other = Store::open_data_dir(dir.path()).await.unwrap();
    let mut tx = other.read().await.unwrap();
    assert!(tx.intel_source_named("Solo feed").await.unwrap().is_some());
    tx.commit().await.unwrap();
    let tried = std::time::Instant::now();
    assert!(
        !alone.rollback_journal_if_alone().await.unwrap(),
        "not alone: stays in WAL mode"
    );
    assert!(
        tried.elapsed() < std::time::Duration::from_secs(5),
        "the attempt does not wait out the busy timeout ({:?})",
        tried.elapsed()
    );
    assert_eq!(alone.journal_mode().await.unwrap().as_deref(), Some("wal"));
    let run = stored_run(&alone, source.id, "with-a-neighbour.json").await;
    let mut tx = other.read().await.unwrap();
    assert!(
        tx.intake_runs(10)
            .await
            .unwrap()
            .iter()
            .any(|r| r.id == run.id),
        "written in WAL mode and seen by the other store"
    );
    tx.commit().await.unwrap();
    other.close().await;

    // Switched, then the process ends without switching back.
    assert!(alone.rollback_journal_if_alone().await.unwrap());
    alone.close().await;
    let reopened = Store::open_data_dir(dir.path()).await.unwrap();
    assert_eq!(
        reopened.journal_mode().await.unwrap().as_deref(),
        Some("wal")
    );
    let mut tx = reopened.read().await.unwrap();
    assert_eq!(tx.intake_runs(10).await.unwrap().len(), 2, "nothing lost");
    tx.commit().await.unwrap();
    reopened.close().await;

    if let Some(pg) = ScratchPostgres::create("solo").await {
        let store = Store::connect_limited(&pg.url, Some(1)).await.unwrap();
        assert!(!store.rollback_journal_if_alone().await.unwrap());
        assert_eq!(store.journal_mode().await.unwrap(), None);
        store.close().await;
        pg.drop_database().await;
    }
}
