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
}
