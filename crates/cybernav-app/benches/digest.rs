//! The daily digest for 2,000 recipients, rendered and queued: goal under 10 s.
//!
//! Seeds 102 election authorities, 2,000 active people (1,836 county users, 60 navigators,
//! 4 Board staff, 100 vetted partners; 300 with a need-to-know approval), 12 products with
//! FOUO and AMBER+STRICT paragraphs, and 3,000 indicator reports at four markings in the
//! window; then times one `send_digest` (every person's reader, the access decision per item,
//! the tear-lines, the rendering, and one transaction per person with the outbox message, the
//! send row and the receipts).
//!
//! `cargo bench -p cybernav-app --bench digest`
//! (PostgreSQL too when `CYBERNAV_TEST_POSTGRES_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use cybernav_app::store::products::ProductRow;
use cybernav_app::store::users::NewUser;
use cybernav_app::{App, Config, RequestMeta};
use cybernav_core::authz::system_actor;
use cybernav_core::sharing::marking::{Marking, Tlp};
use time::Duration;
use uuid::Uuid;

const PEOPLE: usize = 2_000;
const CLEARED: usize = 300;

async fn seed(app: &App) {
    let system = system_actor();
    let reg = system.manage_registry().unwrap();
    let mut csv = String::from("name,kind,county,fips_code,population,zone,navigators\n");
    for i in 0..102 {
        csv.push_str(&format!(
            "County {i} Clerk,county_clerk,County {i},17{:03},10000,,\n",
            i * 2 + 1
        ));
    }
    app.import_authorities_csv(&reg, csv.as_bytes(), &RequestMeta::default())
        .await
        .unwrap();
    let authorities: Vec<Uuid> = {
        let mut tx = app.store.read().await.unwrap();
        tx.all_election_authorities(&cybernav_core::authz::EaScope::All)
            .await
            .unwrap()
            .into_iter()
            .map(|l| l.authority.id)
            .collect()
    };
    let now = cybernav_app::store::now();
    let partner_org = Uuid::new_v4();
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_partner_org(
        partner_org,
        "Fusion center",
        cybernav_core::partner::PartnerKind::FusionCenter,
        None,
        now,
    )
    .await
    .unwrap();
    let mut ids = Vec::new();
    for i in 0..PEOPLE {
        let (role, ea, partner) = match i {
            0..4 => (
                [
                    "board_admin",
                    "program_manager",
                    "auditor",
                    "program_manager",
                ][i],
                None,
                None,
            ),
            4..64 => ("navigator", None, None),
            64..164 => ("partner", None, Some(partner_org)),
            _ => (
                if i % 2 == 0 { "ea_official" } else { "ea_it" },
                Some(authorities[i % authorities.len()]),
                None,
            ),
        };
        let id = Uuid::new_v4();
        tx.insert_user(
            &NewUser {
                id,
                email: &format!("person{i}@county.example"),
                name: &format!("Person {i}"),
                role,
                election_authority_id: ea,
                partner_org_id: partner,
                status: "active",
                password_hash: None,
            },
            now,
        )
        .await
        .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();
    // Need-to-know approvals: every partner (their vetting) and 200 others.
    let meta = RequestMeta::default();
    for &id in ids.iter().skip(64).take(CLEARED) {
        let u = {
            let mut tx = app.store.read().await.unwrap();
            let u = tx.get_user(id).await.unwrap();
            cybernav_app::accounts::actor_for(&mut tx, &u)
                .await
                .unwrap()
        };
        let app_id = app
            .apply_need_to_know(
                &u.apply_need_to_know(),
                &cybernav_app::need_to_know::ApplyInput {
                    organisation: "Bench".into(),
                    title: "Clerk".into(),
                    justification: "Reads FOUO".into(),
                    sponsor_name: "Pat".into(),
                    sponsor_email: "pat@sponsor.example".into(),
                },
                &meta,
            )
            .await
            .unwrap();
        app.decide_need_to_know(
            &system.decide_need_to_know(id).unwrap(),
            app_id,
            cybernav_core::need_to_know::Decision::Approve,
            None,
            &meta,
        )
        .await
        .unwrap();
        app.accept_need_to_know_agreement(
            &u,
            app_id,
            cybernav_core::need_to_know::AGREEMENT_VERSION,
            &meta,
        )
        .await
        .unwrap();
    }
    // Products published now.
    let mut tx = app.store.begin().await.unwrap();
    for i in 0..12 {
        let id = Uuid::new_v4();
        tx.insert_product(&ProductRow {
            id,
            kind: ["note", "bulletin", "alert"][i % 3].into(),
            title: format!("Product {i}"),
            summary: "What happened and what to do, in two sentences.".into(),
            tags: serde_json::to_string(&["phishing", "ransomware", "poll books"][..=(i % 3)])
                .unwrap(),
            base_marking: "TLP:GREEN".into(),
            marking: "TLP:AMBER+STRICT FOUO".into(),
            state: "published".into(),
            author_id: None,
            reviewer_id: None,
            approver_id: None,
            created_at: now,
            updated_at: now,
            submitted_at: Some(now),
            approved_at: Some(now),
            published_at: Some(now),
            withdrawn_at: None,
            supersedes: None,
            superseded_by: None,
        })
        .await
        .unwrap();
        // `insert_product` writes a draft; publish it as the workflow would.
        let sql = "UPDATE products SET published_at = $1 WHERE id = $2";
        match &mut tx.conn {
            cybernav_app::store::Conn::Sqlite(c) => {
                sqlx::query(sql)
                    .bind(cybernav_app::store::utc(now))
                    .bind(id)
                    .execute(&mut **c)
                    .await
                    .unwrap();
            }
            cybernav_app::store::Conn::Postgres(c) => {
                sqlx::query(sql)
                    .bind(now)
                    .bind(id)
                    .execute(&mut **c)
                    .await
                    .unwrap();
            }
        }
        let p = |m: &str, t: &str| (m.to_string(), t.repeat(6));
        tx.replace_product_paragraphs(
            id,
            &[
                p("TLP:GREEN", "Counties saw messages posing as the Board. "),
                p("TLP:AMBER FOUO", "The sender used a look-alike domain. "),
                p(
                    "TLP:AMBER+STRICT",
                    "The fusion center is watching the actor. ",
                ),
                p(
                    "TLP:CLEAR",
                    "Never type a password into a link from an e-mail. ",
                ),
            ],
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    // Indicators at four markings.
    let intake = system.import_intel().unwrap();
    for (n, (name, label)) in [
        ("Green feed", "TLP:GREEN"),
        ("Amber feed", "TLP:AMBER"),
        ("FOUO feed", "TLP:AMBER FOUO"),
        ("Strict feed", "TLP:AMBER+STRICT"),
    ]
    .into_iter()
    .enumerate()
    {
        let lines: String = (0..750)
            .map(|i| format!("10.{n}.{}.{}\n", i / 250, i % 250 + 1))
            .collect();
        app.import_indicator_list(
            &intake,
            &cybernav_app::sharing::intake::SourceSpec {
                name: name.into(),
                kind: "list".into(),
                default_marking: Marking::parse_label(label).unwrap_or(Marking::tlp(Tlp::Red)),
            },
            "bench.txt",
            cybernav_app::sharing::intake_feeds::ListFormat::FreeText,
            lines.as_bytes(),
            &meta,
        )
        .await
        .unwrap();
    }
}

async fn measure(label: &str, mut config: Config, url: Option<String>) {
    config.database_url = url;
    let app = App::open(config).await.unwrap();
    let started = Instant::now();
    seed(&app).await;
    eprintln!(
        "{label}: seeded in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let system = system_actor();
    let at = cybernav_app::store::now() + Duration::days(1);
    let started = Instant::now();
    let s = app
        .send_digest(&system.send_digest().unwrap(), None, at, None)
        .await
        .unwrap();
    let took = started.elapsed().as_secs_f64();
    println!(
        "{label}: digest for {} recipients: {} queued, {} skipped, {} receipts, {} products and {} indicator reports in the window: {took:.2} s (goal < 10 s)",
        s.recipients,
        s.sent,
        s.skipped,
        s.items,
        s.products_in_window,
        s.indicator_reports_in_window
    );
    // Everyone is in the community (the partners are vetted) and sees the GREEN items.
    assert_eq!(s.sent, PEOPLE);
    app.store.close().await;
}

fn main() {
    // `cargo test --benches` runs bench targets with `--bench`-less arguments; only measure
    // under `cargo bench`.
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let config = Config::new(dir.path().to_path_buf());
        measure("SQLite", config.clone(), None).await;
        if let Some(pg) = cybernav_testkit::ScratchPostgres::create("digest_bench").await {
            measure("PostgreSQL", config, Some(pg.url.clone())).await;
            pg.drop_database().await;
        }
    });
}
