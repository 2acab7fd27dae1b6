//! The command line as operators and other tools use it, on a real data folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

use cybernav_app::{App, Config};

fn cybernav(dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cybernav"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[tokio::test]
async fn demo_users_tokens_and_a_tampered_audit_chain() {
    let dir = tempfile::tempdir().unwrap();
    let migrate = cybernav(dir.path(), &["migrate"]);
    assert!(migrate.status.success(), "{}", text(&migrate.stderr));

    let app = App::open(Config::new(dir.path().to_path_buf()))
        .await
        .unwrap();
    let summary = app.seed_demo().await.unwrap();
    assert_eq!(summary.authorities, 108);
    app.store.close().await;

    let list = cybernav(dir.path(), &["user", "list", "--json"]);
    assert!(list.status.success(), "{}", text(&list.stderr));
    let users: serde_json::Value = serde_json::from_slice(&list.stdout).unwrap();
    let users = users.as_array().unwrap();
    assert_eq!(users.len(), summary.people);
    let clerk = users
        .iter()
        .find(|u| u["email"] == "clerk@adams-county.illinois.example")
        .unwrap();
    assert_eq!(clerk["role"], "ea_official");
    assert_eq!(clerk["election_authority"], "Adams County Clerk");
    let admin = users.iter().find(|u| u["role"] == "board_admin").unwrap();
    assert!(admin["election_authority"].is_null());
    assert_eq!(
        admin.as_object().unwrap().len(),
        3,
        "exactly email, role, election_authority"
    );

    let token = cybernav(
        dir.path(),
        &[
            "token",
            "create",
            "--user",
            "clerk@adams-county.illinois.example",
        ],
    );
    assert!(token.status.success(), "{}", text(&token.stderr));
    let token = text(&token.stdout);
    assert!(
        token.trim().starts_with("cnv_") && token.lines().count() == 1,
        "one token on stdout: {token}"
    );
    let app = App::open(Config::new(dir.path().to_path_buf()))
        .await
        .unwrap();
    let actor = app
        .authenticate_api_token(token.trim())
        .await
        .unwrap()
        .expect("the printed token works");
    assert_eq!(actor.email, "clerk@adams-county.illinois.example");
    app.store.close().await;

    let unknown = cybernav(
        dir.path(),
        &["token", "create", "--user", "nobody@example.gov"],
    );
    assert!(!unknown.status.success());
    assert!(text(&unknown.stderr).contains("no account has the e-mail address nobody@example.gov"));

    let ok = cybernav(dir.path(), &["audit", "verify"]);
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    assert!(
        text(&ok.stdout).contains("audit chain intact"),
        "{}",
        text(&ok.stdout)
    );

    // Change one record's contents behind cybernav's back.
    let app = App::open(Config::new(dir.path().to_path_buf()))
        .await
        .unwrap();
    let mut tx = app.store.begin().await.unwrap();
    tx.tamper_audit_changes(57, r#"{"name":{"from":null,"to":"Someone Else"}}"#)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.store.close().await;
    let broken = cybernav(dir.path(), &["audit", "verify"]);
    assert_eq!(broken.status.code(), Some(2));
    assert!(
        text(&broken.stderr).contains("BROKEN at record 57"),
        "{}",
        text(&broken.stderr)
    );
}

#[test]
fn a_bad_database_url_fails_clearly_and_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cybernav"))
        .arg("--data-dir")
        .arg(dir.path())
        .arg("migrate")
        .env("DATABASE_URL", "mysql://nope")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("postgres://"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn backup_writes_a_usable_copy() {
    let dir = tempfile::tempdir().unwrap();
    assert!(cybernav(dir.path(), &["migrate"]).status.success());
    let out = dir.path().join("copy.db");
    let b = cybernav(dir.path(), &["backup", "--out", out.to_str().unwrap()]);
    assert!(b.status.success(), "{}", text(&b.stderr));
    assert!(out.exists());
    let again = cybernav(dir.path(), &["backup", "--out", out.to_str().unwrap()]);
    assert!(
        !again.status.success(),
        "an existing file is never overwritten"
    );
}

#[tokio::test]
async fn a_failed_migration_stops_and_leaves_the_database_as_it_was() {
    use sqlx::Connection;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cybernav.db");
    let mut conn =
        sqlx::SqliteConnection::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .unwrap();
    // A table in the way of the first migration.
    sqlx::query("CREATE TABLE zones (something_else TEXT)")
        .execute(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    let out = cybernav(dir.path(), &["serve", "--bind", "127.0.0.1:0"]);
    assert!(!out.status.success());
    let err = text(&out.stderr);
    assert!(
        err.contains("migration failed") && err.contains("nothing was changed"),
        "{err}"
    );
    let mut conn = sqlx::SqliteConnection::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();
    let tables: Vec<String> = sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '_sqlx%' ORDER BY name")
        .fetch_all(&mut conn)
        .await
        .unwrap();
    assert_eq!(
        tables,
        vec!["zones".to_string()],
        "no table of the failed migration remains"
    );
}

#[test]
fn registry_import_and_export_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = |name: &str, body: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, body).unwrap();
        p.to_str().unwrap().to_string()
    };
    let good = file(
        "authorities.csv",
        "name,kind,county,fips_code,population,zone,navigators\n\
         Adams County Clerk,county_clerk,Adams,17001,65737,West,\n\
         Brown County Clerk,county_clerk,Brown,17009,6244,West,\n",
    );
    let r = cybernav(dir.path(), &["import", "authorities", &good]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(text(&r.stdout).contains("2 created, 0 updated, 0 unchanged"));

    let contacts = file(
        "contacts.csv",
        "authority,role,name,organisation,phone,email,last_verified_on\n\
         Adams County Clerk,election_official,Pat Clerk,Adams County,217-555-0100,pat@adams.example,2026-11-01\n",
    );
    let r = cybernav(dir.path(), &["import", "contacts", &contacts]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(text(&r.stdout).contains("1 created"));

    // The export reads back as it is: nothing to change.
    let exported = dir.path().join("export.csv");
    let r = cybernav(
        dir.path(),
        &["export", "authorities", "--out", exported.to_str().unwrap()],
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let r = cybernav(
        dir.path(),
        &["import", "authorities", exported.to_str().unwrap()],
    );
    assert!(
        text(&r.stdout).contains("0 created, 0 updated, 2 unchanged"),
        "{}",
        text(&r.stdout)
    );
    let before = cybernav(dir.path(), &["export", "contacts"]).stdout;
    assert!(text(&before).contains("Pat Clerk"));

    // A bad file: every problem by file, line and column; nothing stored; exit 1.
    let bad = file(
        "bad.csv",
        "name,kind,county,fips_code,population,zone,navigators\n\
         Adams County Clerk,county_clerk,Adams,17001,99999,West,\n\
         Brown County Clerk,county_clerk,Brown,1700X,6244,West,\n\
         Cass County Clerk,sheriff,Cass,17017,12000,West,\n",
    );
    let r = cybernav(dir.path(), &["import", "authorities", &bad]);
    assert_eq!(r.status.code(), Some(1));
    let err = text(&r.stderr);
    assert!(err.contains("bad.csv: line 3, column fips_code:"), "{err}");
    assert!(err.contains("bad.csv: line 4, column kind:"), "{err}");
    assert!(err.contains("nothing was imported"), "{err}");
    let after = cybernav(dir.path(), &["export", "authorities"]);
    assert!(
        text(&after.stdout).contains("65737") && !text(&after.stdout).contains("Cass"),
        "the good row of the bad file was not stored either"
    );
    assert_eq!(cybernav(dir.path(), &["export", "contacts"]).stdout, before);

    let r = cybernav(dir.path(), &["import", "contacts", "/nonexistent.csv"]);
    assert!(!r.status.success());
    assert!(text(&r.stderr).contains("cannot read /nonexistent.csv"));
}

#[test]
fn a_state_loads_its_own_requirement_set_and_a_bad_one_is_refused_by_line() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cybernav-formats/tests/fixtures/checklist-31.toml");
    let load = cybernav(
        dir.path(),
        &["requirement-set", "load", fixture.to_str().unwrap()],
    );
    assert!(load.status.success(), "{}", text(&load.stderr));
    assert!(
        text(&load.stdout).contains("(31 requirements)"),
        "{}",
        text(&load.stdout)
    );
    // The same id and version again: refused, since cycles may rest on it.
    let again = cybernav(
        dir.path(),
        &["requirement-set", "load", fixture.to_str().unwrap()],
    );
    assert!(!again.status.success());
    assert!(
        text(&again.stderr).contains("is loaded already"),
        "{}",
        text(&again.stderr)
    );

    let bad = dir.path().join("bad-set.toml");
    let source = std::fs::read_to_string(&fixture)
        .unwrap()
        .replacen("version = ", "version = \"9\"\n# was: ", 1)
        .replacen("checked", "icn.teleported", 1);
    std::fs::write(&bad, &source).unwrap();
    let refused = cybernav(
        dir.path(),
        &["requirement-set", "load", bad.to_str().unwrap()],
    );
    assert!(!refused.status.success());
    let err = text(&refused.stderr);
    let line = source
        .lines()
        .position(|l| l.contains("icn.teleported"))
        .unwrap()
        + 1;
    assert!(err.contains(&format!("bad-set.toml, line {line}")), "{err}");
    assert!(err.contains("icn.teleported"), "{err}");
    assert!(err.contains("nothing was loaded"), "{err}");

    let list = cybernav(dir.path(), &["requirement-set", "list"]);
    assert!(list.status.success());
    assert_eq!(
        text(&list.stdout).lines().count(),
        1,
        "{}",
        text(&list.stdout)
    );
}

#[tokio::test]
async fn attestation_verify_accepts_the_signed_file_and_refuses_any_change() {
    use cybernav_app::RequestMeta;
    use cybernav_app::participation::{FactInput, GrantCycleInput};
    use cybernav_app::store::users::NewUser;
    use cybernav_core::authz::system_actor;
    use cybernav_core::election_authority::ElectionAuthorityInput;

    let dir = tempfile::tempdir().unwrap();
    let app = App::open(Config::new(dir.path().to_path_buf()))
        .await
        .unwrap();
    let meta = RequestMeta::default();
    let system = system_actor();
    let ea = app
        .create_election_authority(
            &system.manage_registry().unwrap(),
            &ElectionAuthorityInput {
                name: "Adams County Clerk".into(),
                kind: "county_clerk".into(),
                county: "Adams".into(),
                fips_code: "17001".into(),
                population: Some("65000".into()),
                zone: None,
            },
            &meta,
        )
        .await
        .unwrap();
    let cycle = app
        .create_grant_cycle(
            &system.manage_grants().unwrap(),
            &GrantCycleInput {
                name: "2027 HAVA Election Security".into(),
                grant_program: "HAVA".into(),
                funds: "1000.00".into(),
                deadline: "2099-03-15".into(),
                time_zone: "America/Chicago".into(),
                ..Default::default()
            },
            &meta,
        )
        .await
        .unwrap();
    let pm_id = uuid::Uuid::new_v4();
    let mut tx = app.store.begin().await.unwrap();
    tx.insert_user(
        &NewUser {
            id: pm_id,
            email: "pm@elections.il.example",
            name: "Pat Manager",
            role: "program_manager",
            election_authority_id: None,
            partner_org_id: None,
            status: "active",
            password_hash: None,
        },
        cybernav_app::store::now(),
    )
    .await
    .unwrap();
    let user = tx.get_user(pm_id).await.unwrap();
    let pm = cybernav_app::accounts::actor_for(&mut tx, &user)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let recorder = pm.record_facts_of(ea).unwrap();
    let today = time::OffsetDateTime::now_utc().date();
    for fact in [
        "icn.connected",
        "isac.registered",
        "data_sharing.established",
        "training.designee_trained",
        "assessment.allowed",
        "assessment.risk_assessment_done",
        "assessment.cis_analysis_done",
    ] {
        let input = FactInput {
            holds: true,
            on: Some(today),
            note: None,
        };
        app.record_fact(&recorder, fact, &input, &meta)
            .await
            .unwrap();
    }
    let signed = app
        .attest_program_manager(&pm.attest_as_program_manager(ea).unwrap(), cycle, &meta)
        .await
        .unwrap();
    let key = app.attestation_public_key().await.unwrap().public_key;
    app.store.close().await;

    let file = dir.path().join("attestation.json");
    std::fs::write(&file, &signed.row.file).unwrap();
    let path = file.to_str().unwrap();
    let ok = cybernav(
        dir.path(),
        &["attestation", "verify", path, "--public-key", &key],
    );
    assert!(ok.status.success(), "{}", text(&ok.stderr));
    let out = text(&ok.stdout);
    assert!(out.starts_with("VALID"), "{out}");
    assert!(
        out.contains("Pat Manager") && out.contains("Adams County Clerk"),
        "{out}"
    );
    assert!(out.contains("213.50(a)") && out.contains(&signed.file.document.signed_at));

    // One character of a fact changed.
    let tampered =
        signed
            .row
            .file
            .replacen("data_sharing.established", "data_sharing.establishes", 1);
    assert_ne!(tampered, signed.row.file);
    std::fs::write(&file, &tampered).unwrap();
    let bad = cybernav(
        dir.path(),
        &["attestation", "verify", path, "--public-key", &key],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("the signature does not match the content"),
        "{}",
        text(&bad.stderr)
    );

    // The untouched file, checked against another key.
    std::fs::write(&file, &signed.row.file).unwrap();
    let other = cybernav_core::attestation::PlatformKey::generate().public_base64();
    let wrong = cybernav(
        dir.path(),
        &["attestation", "verify", path, "--public-key", &other],
    );
    assert_eq!(wrong.status.code(), Some(2));
    assert!(
        text(&wrong.stderr).contains("not with the expected key"),
        "{}",
        text(&wrong.stderr)
    );
}

#[tokio::test]
async fn allowlist_export_for_firewalls_and_scanners() {
    let dir = tempfile::tempdir().unwrap();
    let authorities = dir.path().join("authorities.csv");
    std::fs::write(
        &authorities,
        "name,kind,county,fips_code,population,zone,navigators\n\
         Adams County Clerk,county_clerk,Adams,17001,65737,West,\n\
         Brown County Clerk,county_clerk,Brown,17009,6244,West,\n",
    )
    .unwrap();
    let r = cybernav(
        dir.path(),
        &["import", "authorities", authorities.to_str().unwrap()],
    );
    assert!(r.status.success(), "{}", text(&r.stderr));

    // An empty allowlist is a comment line and nothing else.
    let r = cybernav(dir.path(), &["allowlist", "export", "--format", "text"]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(
        text(&r.stdout)
            .lines()
            .all(|l| l.starts_with("# ICN allowlist")),
        "{}",
        text(&r.stdout)
    );

    let app = App::open(Config::new(dir.path().to_path_buf()))
        .await
        .unwrap();
    let system = cybernav_core::authz::system_actor();
    let meta = cybernav_app::RequestMeta::default();
    let reader = system.read_registry().unwrap();
    let (listed, _) = app
        .list_election_authorities(&reader, &Default::default())
        .await
        .unwrap();
    for (name, reference, networks) in [
        ("Brown County Clerk", "ICN-BROWN-01", &["10.9.0.0/16"][..]),
        (
            "Adams County Clerk",
            "ICN-ADAMS-01",
            &["192.168.10.0/24", "10.1.0.0/24", "2001:db8:1::/48"][..],
        ),
    ] {
        let ea = listed.iter().find(|a| a.authority.name == name).unwrap();
        let cap = system.manage_icn_of(ea.authority.id).unwrap();
        let circuit = app
            .create_circuit(
                &cap,
                &cybernav_app::icn::CircuitInput {
                    reference: reference.into(),
                    status: "connected".into(),
                    ..Default::default()
                },
                &meta,
            )
            .await
            .unwrap();
        for n in networks {
            app.add_allowlist_entry(&cap, circuit, n, None, &meta)
                .await
                .unwrap();
        }
    }
    app.store.close().await;

    let r = cybernav(dir.path(), &["allowlist", "export", "--format", "text"]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let out = text(&r.stdout);
    let lines: Vec<&str> = out.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "# Adams County Clerk — ICN-ADAMS-01",
            "10.1.0.0/24",
            "192.168.10.0/24",
            "2001:db8:1::/48",
            "# Brown County Clerk — ICN-BROWN-01",
            "10.9.0.0/16",
        ],
        "{out}"
    );

    let r = cybernav(dir.path(), &["allowlist", "export", "--format", "json"]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let list = doc["allowlist"].as_array().unwrap();
    assert_eq!(list.len(), 4);
    assert_eq!(
        list[2],
        serde_json::json!({
            "network": "2001:db8:1::/48",
            "election_authority": "Adams County Clerk",
            "circuit": "ICN-ADAMS-01",
            "public": true,
        })
    );
    assert_eq!(list[0]["public"], false);
    assert!(doc["generated_at"].as_str().unwrap().ends_with('Z'));

    // Both exports feed the scanner as they are: connections to the database are checked
    // against them and attributed to the authority.
    std::fs::write(dir.path().join("allow.txt"), r_text(dir.path())).unwrap();
    std::fs::write(dir.path().join("allow.json"), &r.stdout).unwrap();
    let conn = dir.path().join("conn.log");
    std::fs::write(
        &conn,
        "#separator \\x09\n#fields\tuid\tid.orig_h\tid.resp_h\tid.resp_p\n\
         C1\t10.1.0.5\t10.50.0.5\t5432\n\
         C2\t10.77.0.1\t10.50.0.5\t5432\n\
         C3\t2001:db8:1::9\t10.50.0.5\t5432\n",
    )
    .unwrap();
    for (allow, private_only) in [("allow.txt", false), ("allow.json", true)] {
        let allow = dir.path().join(allow);
        let mut args = vec![
            "scan",
            "--allowlist",
            allow.to_str().unwrap(),
            "--service",
            "10.50.0.0/24:5432",
            "--format",
            "zeek",
            conn.to_str().unwrap(),
        ];
        if private_only {
            args.push("--private-only");
        }
        let r = cybernav(dir.path(), &args);
        assert!(r.status.success(), "{}", text(&r.stderr));
        let hits: Vec<serde_json::Value> = text(&r.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        let brief: Vec<(&str, &str)> = hits
            .iter()
            .map(|h| (h["value"].as_str().unwrap(), h["reason"].as_str().unwrap()))
            .collect();
        if private_only {
            assert_eq!(
                brief,
                [
                    ("10.77.0.1", "not_allowlisted"),
                    ("2001:db8:1::9", "public_address")
                ]
            );
            assert_eq!(hits[1]["authority"], "Adams County Clerk");
        } else {
            assert_eq!(brief, [("10.77.0.1", "not_allowlisted")]);
        }
    }
}

fn r_text(dir: &std::path::Path) -> Vec<u8> {
    let r = cybernav(dir, &["allowlist", "export", "--format", "text"]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    r.stdout
}

const FIXTURES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../cybernav-formats/tests/fixtures"
);

#[tokio::test]
async fn cyhy_and_kev_imports_match_flag_and_refuse_bad_files_whole() {
    let dir = tempfile::tempdir().unwrap();
    let authorities = dir.path().join("authorities.csv");
    std::fs::write(
        &authorities,
        "name,kind,county,fips_code,population,zone,navigators\n\
         Adams County Clerk,county_clerk,Adams,17001,65737,West,\n",
    )
    .unwrap();
    let r = cybernav(
        dir.path(),
        &["import", "authorities", authorities.to_str().unwrap()],
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let findings = format!("{FIXTURES}/cyhy/findings.csv");
    let mitigated = format!("{FIXTURES}/cyhy/mitigated-vulnerabilities.csv");
    let risky = format!("{FIXTURES}/cyhy/potentially-risky-services.csv");
    let kev = format!("{FIXTURES}/kev/known_exploited_vulnerabilities.json");

    // KEV first: new findings are flagged as they are created.
    let r = cybernav(dir.path(), &["import", "kev", &kev]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    assert!(
        text(&r.stdout)
            .contains("KEV catalog 2026.02.16 stored (3 vulnerabilities); 0 finding(s) flagged"),
        "{}",
        text(&r.stdout)
    );

    let r = cybernav(
        dir.path(),
        &[
            "import",
            "cyhy",
            "--election-authority",
            "adams county clerk",
            &findings,
            &risky,
        ],
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let out = text(&r.stdout);
    assert!(
        out.contains("(findings): 4 rows; 4 created, 0 updated, 0 closed, 0 unchanged"),
        "{out}"
    );
    assert!(out.contains("(risky_services): 2 rows; 2 created"), "{out}");

    // A re-import of the same scan creates nothing; the mitigated file closes BlueKeep.
    let r = cybernav(
        dir.path(),
        &[
            "import",
            "cyhy",
            "--election-authority",
            "Adams County Clerk",
            &findings,
            &mitigated,
        ],
    );
    assert!(r.status.success(), "{}", text(&r.stderr));
    let out = text(&r.stdout);
    assert!(
        out.contains("(findings): 4 rows; 0 created, 0 updated, 0 closed, 4 unchanged"),
        "{out}"
    );
    assert!(
        out.contains("(mitigated): 1 rows; 0 created, 0 updated, 1 closed, 0 unchanged"),
        "{out}"
    );

    // A bad file among good ones: every problem by file, line and column; nothing stored.
    let bad = dir.path().join("findings.csv");
    let text_bad = std::fs::read_to_string(&findings)
        .unwrap()
        .replace("198.51.100.21", "198.51.100.999");
    std::fs::write(&bad, text_bad).unwrap();
    let r = cybernav(
        dir.path(),
        &[
            "import",
            "cyhy",
            "--election-authority",
            "Adams County Clerk",
            &risky,
            bad.to_str().unwrap(),
        ],
    );
    assert!(!r.status.success());
    let err = text(&r.stderr);
    assert!(
        err.contains("findings.csv: line 5, column ip: '198.51.100.999' is not an IP address"),
        "{err}"
    );
    assert!(err.contains("nothing was imported"), "{err}");
    let r = cybernav(
        dir.path(),
        &[
            "import",
            "cyhy",
            "--election-authority",
            "Nowhere",
            &findings,
        ],
    );
    assert!(!r.status.success());
    assert!(
        text(&r.stderr).contains("no election authority"),
        "{}",
        text(&r.stderr)
    );

    let bad_kev = dir.path().join("kev.json");
    std::fs::write(
        &bad_kev,
        std::fs::read_to_string(&kev)
            .unwrap()
            .replace("\"2022-05-03\"", "\"soon\""),
    )
    .unwrap();
    let r = cybernav(dir.path(), &["import", "kev", bad_kev.to_str().unwrap()]);
    assert!(!r.status.success());
    let err = text(&r.stderr);
    assert!(
        err.contains("vulnerabilities[1] (CVE-2019-0708), field dueDate"),
        "{err}"
    );

    let app = App::open(Config::new(dir.path().to_path_buf()))
        .await
        .unwrap();
    let system = cybernav_core::authz::system_actor();
    let mut tx = app.store.read().await.unwrap();
    let all = tx.list_findings(None).await.unwrap();
    assert_eq!(all.len(), 6, "the refused run stored nothing");
    let log4j = all
        .iter()
        .find(|f| f.cve.as_deref() == Some("CVE-2021-44228"))
        .unwrap();
    assert!(log4j.kev && log4j.ransomware);
    assert_eq!(
        log4j.kev_due_date.map(|d| d.to_string()).as_deref(),
        Some("2021-12-24")
    );
    assert_eq!(
        log4j.target_date.map(|d| d.to_string()).as_deref(),
        Some("2026-01-20"),
        "critical: 15 days"
    );
    let bluekeep = all
        .iter()
        .find(|f| f.cve.as_deref() == Some("CVE-2019-0708"))
        .unwrap();
    assert_eq!(bluekeep.status, "mitigated");
    assert_eq!(
        bluekeep.closed_on.map(|d| d.to_string()).as_deref(),
        Some("2026-02-20")
    );
    let runs = tx.list_scan_imports(None).await.unwrap();
    assert_eq!(runs.len(), 5, "one KEV and four CyHy files");
    assert!(runs.iter().all(|r| r.sha256.len() == 64));
    drop(tx);
    let reader = system
        .read_findings_of(log4j.election_authority_id)
        .unwrap();
    let overdue = app
        .findings(
            &reader,
            &cybernav_app::findings::FindingFilter {
                overdue: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(
        overdue.iter().any(|f| f.row.id == log4j.id),
        "past its KEV and window dates"
    );
}

#[test]
fn a_refused_catalog_file_names_its_problems_exits_non_zero_and_loads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken-catalog.json");
    std::fs::write(&bad, "{ not a catalog").unwrap();
    let r = cybernav(dir.path(), &["import", "catalog", bad.to_str().unwrap()]);
    assert!(!r.status.success());
    let err = text(&r.stderr);
    assert!(err.contains("broken-catalog.json"), "{err}");
    assert!(err.contains("nothing was loaded"), "{err}");
    let list = cybernav(dir.path(), &["catalog", "list"]);
    assert!(list.status.success(), "{}", text(&list.stderr));
    assert_eq!(
        text(&list.stdout).lines().count(),
        0,
        "{}",
        text(&list.stdout)
    );
}

/// The synthetic CIS-shaped catalog the formats tests use (written for the tests, no CIS text).
fn synthetic_catalog(kind: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cybernav-formats/tests/fixtures/catalogs")
        .join(format!("synthetic-cis.{kind}"))
}

#[test]
fn a_state_imports_its_licensed_catalog_once_as_oscal_or_csat_csv() {
    let dir = tempfile::tempdir().unwrap();
    let json = synthetic_catalog("json");
    let r = cybernav(dir.path(), &["import", "catalog", json.to_str().unwrap()]);
    assert!(r.status.success(), "{}", text(&r.stderr));
    let out = text(&r.stdout);
    assert!(
        out.starts_with("Loaded ") && out.contains("(153 items)"),
        "{out}"
    );

    // The same file again changes nothing, and says so.
    let again = cybernav(dir.path(), &["import", "catalog", json.to_str().unwrap()]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert!(
        text(&again.stdout).starts_with("Already loaded"),
        "{}",
        text(&again.stdout)
    );

    let list = cybernav(dir.path(), &["catalog", "list"]);
    assert!(list.status.success(), "{}", text(&list.stderr));
    let listed = text(&list.stdout);
    assert_eq!(listed.lines().count(), 1, "{listed}");
    assert!(listed.contains("153"), "{listed}");

    // A CSAT export whose safeguard a spreadsheet turned from 1.10 into 1.1 is refused by line.
    let csv = std::fs::read_to_string(synthetic_catalog("csv")).unwrap();
    let broken = dir.path().join("csat-export.csv");
    let mut lines: Vec<String> = csv.lines().map(str::to_string).collect();
    let second = lines[2].clone();
    lines[2] = second.replacen(",1.2,", ",2.2,", 1);
    assert_ne!(
        lines[2], second,
        "the fixture's third line is safeguard 1.2"
    );
    std::fs::write(&broken, lines.join("\n")).unwrap();
    let r = cybernav(dir.path(), &["import", "catalog", broken.to_str().unwrap()]);
    assert!(!r.status.success());
    let err = text(&r.stderr);
    assert!(err.contains("line 3"), "{err}");
    assert!(err.contains("nothing was loaded"), "{err}");
}

/// A STIX bundle of `n` domain indicators, all TLP:GREEN.
fn stix_bundle(dir: &std::path::Path, n: usize) -> std::path::PathBuf {
    let objects: Vec<serde_json::Value> = (0..n)
        .map(|k| {
            serde_json::json!({
                "type": "indicator", "spec_version": "2.1",
                "id": format!("indicator--{:08x}-0000-4000-8000-000000000000", k),
                "created": "2026-03-01T12:00:00.000Z", "modified": "2026-03-01T12:00:00.000Z",
                "pattern": format!("[domain-name:value = 'host{k}.bad.example']"),
                "pattern_type": "stix", "valid_from": "2026-03-01T12:00:00Z",
                "object_marking_refs": ["marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"]
            })
        })
        .collect();
    let path = dir.join(format!("bundle-{n}.json"));
    let bundle = serde_json::json!({"type": "bundle", "id": "bundle--6b4e2a4c-7c1d-4f3e-9a55-2b1f8e6d0c11", "objects": objects});
    std::fs::write(&path, serde_json::to_vec(&bundle).unwrap()).unwrap();
    path
}

/// Runs `cybernav import stix FILE --source SOURCE`, which must succeed; its JSON summary.
fn import_stix(data: &std::path::Path, file: &std::path::Path, source: &str) -> serde_json::Value {
    let out = cybernav(
        data,
        &["import", "stix", file.to_str().unwrap(), "--source", source],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `cybernav import stix` alone with the database writes with a rollback journal and leaves
/// the database in WAL mode; with a server's connections open it imports in WAL mode as
/// usual. Either way every indicator is stored once.
#[tokio::test]
async fn a_stix_import_alone_or_beside_a_server_stores_everything_and_leaves_wal() {
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let data = dir.path();
    let summary = import_stix(data, &stix_bundle(files.path(), 300), "Feed A");
    assert_eq!(summary["imported"], 300, "{summary}");

    let server = App::open(Config::new(data.to_path_buf())).await.unwrap();
    assert_eq!(
        server.store.journal_mode().await.unwrap().as_deref(),
        Some("wal"),
        "back in WAL mode after the import"
    );
    // The same indicators and 100 more, from another source, with the "server" open.
    let summary = import_stix(data, &stix_bundle(files.path(), 400), "Feed B");
    assert_eq!(summary["imported"], 100, "{summary}");
    assert_eq!(summary["duplicates"], 300, "{summary}");
    let mut tx = server.store.read().await.unwrap();
    let (indicators, reports, _) = tx.intake_counts().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!((indicators, reports), (400, 700));
    assert_eq!(
        server.store.journal_mode().await.unwrap().as_deref(),
        Some("wal")
    );
    server.store.close().await;

    // While an import alone writes with a rollback journal, another command cannot open the
    // database; it says why and what to do, and works once the import has ended.
    let importing = cybernav_store::Store::open_data_dir_limited(data, Some(1))
        .await
        .unwrap();
    assert!(importing.rollback_journal_if_alone().await.unwrap());
    let writing = importing.begin().await.unwrap();
    let refused = cybernav(data, &["user", "list", "--json"]);
    assert!(!refused.status.success());
    let said = text(&refused.stderr);
    assert!(
        said.contains("another cybernav command (an import) is writing it")
            && said.contains("run this again"),
        "{said}"
    );
    writing.commit().await.unwrap();
    importing.write_ahead_log_again().await.unwrap();
    importing.close().await;
    let listed = cybernav(data, &["user", "list", "--json"]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
}

/// On PostgreSQL (`DATABASE_URL`), `cybernav import stix` keeps its usual pool: an import
/// stores a new list of markings as sent on a connection of its own, and there is no journal
/// to switch. Skipped without `CYBERNAV_TEST_POSTGRES_URL`.
#[tokio::test]
async fn a_stix_import_into_postgres_from_the_command_line() {
    let Some(pg) = cybernav_testkit::ScratchPostgres::create("cli_stix").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let files = tempfile::tempdir().unwrap();
    let bundle = stix_bundle(files.path(), 50);
    let out = Command::new(env!("CARGO_BIN_EXE_cybernav"))
        .arg("--data-dir")
        .arg(dir.path())
        .args([
            "import",
            "stix",
            bundle.to_str().unwrap(),
            "--source",
            "Feed P",
        ])
        .env("DATABASE_URL", &pg.url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["imported"], 50, "{summary}");
    pg.drop_database().await;
}

const SCAN_DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../cybernav-scan/tests/data");

fn scan_hits(out: &Output) -> Vec<serde_json::Value> {
    text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

#[test]
fn scan_logs_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let d = |f: &str| format!("{SCAN_DATA}/{f}");
    // A STIX bundle beside the plain list: a live indicator, a revoked one, an expired one.
    let bundle = dir.path().join("feed.json");
    let indicator = |n: u32, domain: &str, extra: &str| {
        format!(
            r#"{{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-00000000000{n}","created":"2026-01-01T00:00:00Z","modified":"2026-01-01T00:00:00Z","pattern":"[domain-name:value = '{domain}']","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z"{extra}}}"#
        )
    };
    std::fs::write(
        &bundle,
        format!(
            r#"{{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000","objects":[{},{},{}]}}"#,
            indicator(1, "downloads.example.net", ""),
            indicator(2, "example.net", r#","revoked":true"#),
            indicator(3, "portal.evil-updates.example", r#","valid_until":"2026-02-01T00:00:00Z""#),
        ),
    )
    .unwrap();
    let stats = dir.path().join("stats.json");
    let mut outputs = Vec::new();
    for threads in ["1", "2"] {
        let r = cybernav(
            dir.path(),
            &[
                "scan",
                "--indicators",
                &d("indicators.txt"),
                bundle.to_str().unwrap(),
                "--format",
                "eve",
                "--threads",
                threads,
                "--stats",
                stats.to_str().unwrap(),
                &d("eve.json"),
            ],
        );
        assert!(r.status.success(), "{}", text(&r.stderr));
        let err = text(&r.stderr);
        assert!(
            err.contains("eve.json:10: not valid JSON at byte 181"),
            "{err}"
        );
        assert!(
            err.contains("2 STIX indicators left out (revoked, expired"),
            "{err}"
        );
        assert!(
            err.contains(&format!(
                "on {threads} threads); 16 hits (16 indicator, 0 allowlist); 1 bad lines"
            )),
            "{err}"
        );
        outputs.push(r.stdout);
    }
    assert_eq!(
        outputs[0], outputs[1],
        "the output does not depend on the thread count"
    );
    let hits = scan_hits(&Output {
        status: std::process::ExitStatus::default(),
        stdout: outputs[0].clone(),
        stderr: vec![],
    });
    // The live STIX indicator is found; the revoked and the expired ones are not (the SNI
    // still matches the plain list's parent domain).
    let stix: Vec<(u64, &str)> = hits
        .iter()
        .filter(|h| h["match"] == "downloads.example.net")
        .map(|h| (h["line"].as_u64().unwrap(), h["field"].as_str().unwrap()))
        .collect();
    assert_eq!(stix, [(5, "http.hostname"), (6, "http.hostname")]);
    assert!(hits.iter().all(|h| h["match"] != "example.net"));
    let sni = hits.iter().find(|h| h["field"] == "tls.sni").unwrap();
    assert_eq!(sni["match"], "evil-updates.example");
    assert_eq!(hits[0]["file"], d("eve.json"));
    assert_eq!(hits.len(), 16);
    let figures: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&stats).unwrap()).unwrap();
    assert_eq!(figures["records"], 11);
    assert_eq!(figures["bad_lines"], 1);
    assert_eq!(figures["hits"], 16);
    assert_eq!(figures["threads"], 2);
    assert_eq!(figures["index"]["domains"], 2);

    // A missing log is reported, the others scanned, and the exit status says so.
    let r = cybernav(
        dir.path(),
        &[
            "scan",
            "--indicators",
            &d("indicators.txt"),
            "--format",
            "zeek",
            "/nonexistent/conn.log",
            &d("dns.log"),
        ],
    );
    assert_eq!(r.status.code(), Some(3), "{}", text(&r.stderr));
    assert!(
        text(&r.stderr).contains("/nonexistent/conn.log: opening the file: No such file"),
        "{}",
        text(&r.stderr)
    );
    assert_eq!(scan_hits(&r).len(), 3);

    // Mistakes in the command say what to do.
    for (args, says) in [
        (
            vec!["scan", "--format", "eve", "x.json"],
            "nothing to look for",
        ),
        (
            vec![
                "scan",
                "--indicators",
                &d("indicators.txt"),
                "--service",
                "10.0.0.0/8:5432",
                "--format",
                "eve",
                "x",
            ],
            "--service needs --allowlist",
        ),
        (
            vec![
                "scan",
                "--indicators",
                &d("indicators.txt"),
                "--format",
                "csv",
                "--columns",
                "from=3",
                "x",
            ],
            "--columns: 'from' is not a column role",
        ),
        (
            vec![
                "scan",
                "--indicators",
                &d("indicators.txt"),
                "--format",
                "eve",
                "--columns",
                "src=3",
                "x",
            ],
            "--columns and --delimiter are for --format csv",
        ),
        (
            vec![
                "scan",
                "--indicators",
                &d("conn.log"),
                "--format",
                "eve",
                "x",
            ],
            "no indicators in it (read as list)",
        ),
        (
            vec![
                "scan",
                "--indicators",
                &d("eve.json"),
                "--format",
                "eve",
                "x",
            ],
            "eve.json: read as a STIX bundle (it starts with '{'): line 2, column 1",
        ),
        (
            vec![
                "scan",
                "--indicators",
                &d("indicators.txt"),
                "--allowlist",
                &d("indicators.txt"),
                "--service",
                "10.0.0.0/8:5432",
                "--format",
                "eve",
                "x",
            ],
            "line 1: 'evil-updates.example'",
        ),
        (
            vec![
                "scan",
                "--indicators",
                &d("indicators.txt"),
                "--allowlist",
                &d("allowlist.txt"),
                "--service",
                "10.0.0.0/8:99999",
                "--format",
                "eve",
                "x",
            ],
            "is not a port",
        ),
        (
            vec![
                "scan",
                "--indicators",
                &d("indicators.txt"),
                "--format",
                "csv",
                "--columns",
                "src=Nope",
                &d("firewall.csv"),
            ],
            "the header has no column 'Nope'",
        ),
    ] {
        let r = cybernav(dir.path(), &args);
        assert!(!r.status.success(), "{args:?}");
        assert!(
            text(&r.stderr).contains(says),
            "{args:?}: {}",
            text(&r.stderr)
        );
    }
}
