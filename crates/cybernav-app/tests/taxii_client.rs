//! The TAXII 2.1 client against an independent server: medallion (the OASIS TAXII 2.1
//! server, `scripts/taxii-peer`) on loopback, on SQLite and on PostgreSQL when
//! `CYBERNAV_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cybernav_app::sharing::intake::SourceSpec;
use cybernav_app::sharing::taxii_feeds::{FeedAuth, FeedSpec, SecretRef};
use cybernav_app::{App, AppError, Config, RequestMeta};
use cybernav_core::authz::system_actor;
use cybernav_core::sharing::marking::{Marking, Tlp};
use cybernav_testkit::{ScratchPostgres, TAXII_PEER_COLLECTION, TaxiiPeer};
use serde_json::{Value, json};
use time::Duration;
use uuid::Uuid;

const MEDIA: &str = "application/taxii+json;version=2.1";

async fn apps() -> Vec<(App, tempfile::TempDir, Option<ScratchPostgres>)> {
    let mut out = Vec::new();
    let dir = tempfile::tempdir().unwrap();
    out.push((
        App::open(Config::new(dir.path().to_path_buf()))
            .await
            .unwrap(),
        dir,
        None,
    ));
    if let Some(pg) = ScratchPostgres::create("taxii_client").await {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::new(dir.path().to_path_buf());
        config.database_url = Some(pg.url.clone());
        out.push((App::open(config).await.unwrap(), dir, Some(pg)));
    }
    out
}

async fn cleanup(app: App, pg: Option<ScratchPostgres>) {
    app.store.close().await;
    if let Some(pg) = pg {
        pg.drop_database().await;
    }
}

fn meta() -> RequestMeta {
    RequestMeta {
        ip: Some("test".into()),
        user_agent: None,
    }
}

/// `n` indicator objects for IPv4 addresses 198.51.{block}.{i}, plus a TLP:GREEN-marked one.
fn indicators(block: u8, n: u8) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "type": "indicator",
                "spec_version": "2.1",
                "id": format!("indicator--{}", Uuid::new_v4()),
                "created": "2026-11-01T00:00:00.000Z",
                "modified": "2026-11-01T00:00:00.000Z",
                "pattern": format!("[ipv4-addr:value = '198.51.{block}.{i}']"),
                "pattern_type": "stix",
                "valid_from": "2026-11-01T00:00:00Z",
                "object_marking_refs": ["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"]
            })
        })
        .collect()
}

/// Adds objects to the peer's collection as a partner's own tools would: a TAXII POST.
async fn publish(peer: &TaxiiPeer, objects: Vec<Value>) {
    let body = reqwest::Client::new()
        .post(peer.objects_url())
        .basic_auth(&peer.user, Some(&peer.password))
        .header("Accept", MEDIA)
        .header("Content-Type", MEDIA)
        .body(json!({ "objects": objects }).to_string())
        .send()
        .await
        .unwrap()
        .error_for_status()
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let status: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(status["failure_count"], 0, "{status}");
}

/// The TAXII secrets folder of the app whose data folder is `dir` (the default).
fn secrets_dir(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let secrets = dir.path().join("taxii-secrets");
    std::fs::create_dir_all(&secrets).unwrap();
    secrets
}

fn secret_file(dir: &tempfile::TempDir, secret: &str) -> SecretRef {
    let path = secrets_dir(dir).join("partner.secret");
    std::fs::write(&path, format!("{secret}\n")).unwrap();
    SecretRef::File(path)
}

fn spec(peer: &TaxiiPeer, password: SecretRef, page_size: i64) -> FeedSpec {
    FeedSpec {
        source: SourceSpec {
            name: "Partner TAXII".into(),
            kind: "taxii".into(),
            default_marking: Marking::tlp(Tlp::Amber),
        },
        api_root: peer.api_root(),
        collection_id: TAXII_PEER_COLLECTION.into(),
        auth: FeedAuth::Basic {
            username: peer.user.clone(),
            password,
        },
        poll_minutes: 60,
        page_size,
        added_after: None,
    }
}

async fn indicator_count(app: &App) -> i64 {
    let mut tx = app.store.read().await.unwrap();
    let (n, _, _) = tx.intake_counts().await.unwrap();
    drop(tx);
    n
}

#[tokio::test]
async fn a_feed_is_read_page_by_page_and_then_only_what_is_new() {
    for (app, dir, pg) in apps().await {
        let peer = TaxiiPeer::start("s3cret-partner-pw", 100);
        publish(&peer, indicators(100, 25)).await;
        let system = system_actor();
        let cap = system.import_intel().unwrap();

        let collections = app
            .discover_taxii_collections(
                &cap,
                &peer.api_root(),
                &FeedAuth::Basic {
                    username: peer.user.clone(),
                    password: secret_file(&dir, &peer.password),
                },
            )
            .await
            .unwrap();
        assert_eq!(collections.len(), 1);
        assert_eq!(collections[0].id, TAXII_PEER_COLLECTION);

        let feed = app
            .add_taxii_feed(
                &cap,
                &spec(&peer, secret_file(&dir, &peer.password), 10),
                &meta(),
            )
            .await
            .unwrap();
        // Due at once: the scheduled round polls it, three pages of at most 10.
        let polled = app.poll_due_taxii_feeds(&meta()).await.unwrap();
        assert_eq!(polled.len(), 1);
        let first = &polled[0];
        assert_eq!(first.error, None);
        assert_eq!((first.pages, first.objects, first.imported), (3, 25, 25));
        assert_eq!(first.runs.len(), 3, "one intake run per page");
        assert!(first.added_after.is_some());
        assert_eq!(indicator_count(&app).await, 25);

        // Nothing is due until the interval has passed.
        assert!(app.poll_due_taxii_feeds(&meta()).await.unwrap().is_empty());

        // The partner publishes more; a poll asked for now reads only those.
        publish(&peer, indicators(101, 4)).await;
        let second = app.poll_taxii_feed(&cap, feed.id, &meta()).await.unwrap();
        assert_eq!(second.error, None);
        assert_eq!(
            (second.objects, second.imported, second.duplicates),
            (4, 4, 0)
        );
        assert_eq!(indicator_count(&app).await, 29);

        // Nothing new: one empty page, nothing imported, the position stays.
        let third = app.poll_taxii_feed(&cap, feed.id, &meta()).await.unwrap();
        assert_eq!((third.pages, third.objects), (1, 0));
        assert_eq!(third.added_after, second.added_after);

        let reader = system.read_intake_history().unwrap();
        let feeds = app.taxii_feeds(&reader).await.unwrap();
        assert_eq!(feeds[0].failures, 0);
        assert!(feeds[0].last_success_at.is_some());
        assert_eq!(feeds[0].added_after, third.added_after);
        // Objects keep the marking their source sent (TLP:GREEN), not the feed's default.
        let mut tx = app.store.read().await.unwrap();
        let ids: Vec<Uuid> = tx
            .indicators_page(None, None, 1000, 0)
            .await
            .unwrap()
            .iter()
            .map(|i| i.id)
            .collect();
        let mut markings: Vec<String> = tx
            .reports_of(&ids)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.marking)
            .collect();
        drop(tx);
        markings.sort();
        markings.dedup();
        assert_eq!(markings, vec!["TLP:GREEN".to_string()]);
        cleanup(app, pg).await;
    }
}

#[tokio::test]
async fn a_failing_feed_backs_off_keeps_its_error_and_loses_nothing() {
    for (app, dir, pg) in apps().await {
        let peer = TaxiiPeer::start("right-password", 100);
        publish(&peer, indicators(102, 3)).await;
        let system = system_actor();
        let cap = system.import_intel().unwrap();
        let secret = secret_file(&dir, "wrong-password");
        let feed = app
            .add_taxii_feed(&cap, &spec(&peer, secret, 100), &meta())
            .await
            .unwrap();

        let before = cybernav_app::store::now();
        let out = app.poll_taxii_feed(&cap, feed.id, &meta()).await.unwrap();
        let error = out.error.unwrap();
        assert!(error.contains("401"), "{error}");
        assert!(
            !error.contains("wrong-password"),
            "the secret is never shown: {error}"
        );
        let reader = system.read_intake_history().unwrap();
        let row = app.taxii_feeds(&reader).await.unwrap().remove(0);
        assert_eq!(row.failures, 1);
        assert_eq!(row.added_after, None, "the position does not move");
        let wait = row.next_poll_at - before;
        assert!(
            wait > Duration::minutes(4) && wait <= Duration::minutes(6),
            "first retry in 5 minutes: {wait}"
        );
        assert_eq!(indicator_count(&app).await, 0);

        // The secret file disappears: the error names the file, the second failure waits 10 min.
        std::fs::remove_file(secrets_dir(&dir).join("partner.secret")).unwrap();
        let out = app.poll_taxii_feed(&cap, feed.id, &meta()).await.unwrap();
        assert!(
            out.error.as_deref().unwrap().contains("partner.secret"),
            "{:?}",
            out.error
        );
        let row = app.taxii_feeds(&reader).await.unwrap().remove(0);
        assert_eq!(row.failures, 2);
        assert!(row.next_poll_at - cybernav_app::store::now() > Duration::minutes(9));

        // Put right, the next poll reads everything and the failures are forgotten.
        std::fs::write(secrets_dir(&dir).join("partner.secret"), "right-password").unwrap();
        let out = app.poll_taxii_feed(&cap, feed.id, &meta()).await.unwrap();
        assert_eq!((out.error, out.imported), (None, 3));
        let row = app.taxii_feeds(&reader).await.unwrap().remove(0);
        assert_eq!((row.failures, row.last_error), (0, None));

        // A server that has gone away.
        drop(peer);
        let out = app.poll_taxii_feed(&cap, feed.id, &meta()).await.unwrap();
        assert!(out.error.unwrap().contains("cannot connect"));
        assert_eq!(indicator_count(&app).await, 3);
        cleanup(app, pg).await;
    }
}

#[tokio::test]
async fn two_replicas_poll_a_feed_once() {
    for (app, dir, pg) in apps().await {
        let peer = TaxiiPeer::start("pw", 100);
        publish(&peer, indicators(103, 30)).await;
        let system = system_actor();
        let cap = system.import_intel().unwrap();
        app.add_taxii_feed(&cap, &spec(&peer, secret_file(&dir, "pw"), 10), &meta())
            .await
            .unwrap();
        let other = app.clone();
        let m = meta();
        let (a, b) = tokio::join!(app.poll_due_taxii_feeds(&m), other.poll_due_taxii_feeds(&m));
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a.len() + b.len(), 1, "one replica polls the feed");
        let mut tx = app.store.read().await.unwrap();
        let runs = tx.intake_runs(100).await.unwrap();
        drop(tx);
        assert_eq!(runs.len(), 3, "each page imported once");
        cleanup(app, pg).await;
    }
}

#[tokio::test]
async fn bad_feed_settings_are_refused_with_the_field() {
    for (app, dir, pg) in apps().await {
        let system = system_actor();
        let cap = system.import_intel().unwrap();
        let peer_root = "https://taxii.example.gov/api1/";
        let mut s = FeedSpec {
            source: SourceSpec {
                name: "Partner".into(),
                kind: "taxii".into(),
                default_marking: Marking::tlp(Tlp::Amber),
            },
            api_root: "not a url".into(),
            collection_id: "c1".into(),
            auth: FeedAuth::Bearer(secret_file(&dir, "t")),
            poll_minutes: 60,
            page_size: 100,
            added_after: None,
        };
        let field = |e: AppError| match e {
            AppError::Invalid(f) => f.0[0].field.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(app.add_taxii_feed(&cap, &s, &meta()).await.unwrap_err()),
            "api_root"
        );
        s.api_root = peer_root.into();
        s.poll_minutes = 1;
        assert_eq!(
            field(app.add_taxii_feed(&cap, &s, &meta()).await.unwrap_err()),
            "poll_minutes"
        );
        s.poll_minutes = 60;
        s.collection_id = "a/b".into();
        assert_eq!(
            field(app.add_taxii_feed(&cap, &s, &meta()).await.unwrap_err()),
            "collection_id"
        );
        s.collection_id = "c1".into();
        app.add_taxii_feed(&cap, &s, &meta()).await.unwrap();
        assert!(matches!(
            app.add_taxii_feed(&cap, &s, &meta()).await.unwrap_err(),
            AppError::Conflict(_)
        ));
        // Nothing half-written: the refused attempts registered no source.
        let mut tx = app.store.read().await.unwrap();
        assert_eq!(tx.intel_sources().await.unwrap().len(), 1);
        drop(tx);
        cleanup(app, pg).await;
    }
}

/// S1: a feed cannot make the server send any of its own settings or files as credentials,
/// nor send credentials in clear text to another machine; a secret that cannot be read is
/// named, never shown.
#[tokio::test]
async fn only_taxii_secrets_are_sent_and_only_over_https() {
    for (app, dir, pg) in apps().await {
        let system = system_actor();
        let cap = system.import_intel().unwrap();
        let peer = TaxiiPeer::start("partner-pw", 100);
        publish(&peer, indicators(104, 2)).await;
        std::fs::write(dir.path().join("elsewhere.secret"), "partner-pw\n").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            dir.path().join("elsewhere.secret"),
            secrets_dir(&dir).join("link.secret"),
        )
        .unwrap();
        let refused_field = |e: AppError| match e {
            AppError::Invalid(f) => f.0[0].field.clone(),
            other => panic!("{other:?}"),
        };
        let mut refused: Vec<(SecretRef, &str)> = vec![
            (SecretRef::Env("DATABASE_URL".into()), "env"),
            (SecretRef::File("/etc/passwd".into()), "a file elsewhere"),
            (
                SecretRef::File(dir.path().join("elsewhere.secret")),
                "the data folder",
            ),
        ];
        #[cfg(unix)]
        refused.push((SecretRef::File("link.secret".into()), "a link out"));
        for (secret, why) in refused {
            let e = app
                .add_taxii_feed(&cap, &spec(&peer, secret.clone(), 10), &meta())
                .await
                .unwrap_err();
            assert_eq!(refused_field(e), "secret", "{why}");
            let e = app
                .discover_taxii_collections(&cap, &peer.api_root(), &FeedAuth::Bearer(secret))
                .await
                .unwrap_err();
            assert_eq!(refused_field(e), "secret", "{why}");
        }
        // Credentials to another machine over plain http.
        let mut s = spec(&peer, secret_file(&dir, "partner-pw"), 10);
        s.api_root = "http://taxii.example.gov/api1/".into();
        let e = app.add_taxii_feed(&cap, &s, &meta()).await.unwrap_err();
        assert_eq!(refused_field(e), "api_root");
        // Without credentials, or to this machine, http is fine.
        s.auth = FeedAuth::None;
        app.add_taxii_feed(&cap, &s, &meta()).await.unwrap();
        let feed = app
            .add_taxii_feed(
                &cap,
                &spec(&peer, SecretRef::File("partner.secret".into()), 10),
                &meta(),
            )
            .await
            .unwrap();

        // A reference changed in the database behind the app's back is refused at the poll.
        let mut tx = app.store.begin().await.unwrap();
        let sql = "UPDATE taxii_feeds SET secret_ref = $1 WHERE id = $2";
        match &mut tx.conn {
            cybernav_app::store::Conn::Sqlite(c) => {
                sqlx::query(sql)
                    .bind("file:/etc/passwd")
                    .bind(feed.id)
                    .execute(&mut **c)
                    .await
                    .unwrap();
            }
            cybernav_app::store::Conn::Postgres(c) => {
                sqlx::query(sql)
                    .bind("file:/etc/passwd")
                    .bind(feed.id)
                    .execute(&mut **c)
                    .await
                    .unwrap();
            }
        }
        tx.commit().await.unwrap();
        let out = app.poll_taxii_feed(&cap, feed.id, &meta()).await.unwrap();
        let error = out.error.unwrap();
        assert!(error.contains("not in the TAXII secrets folder"), "{error}");
        assert!(!error.contains("root:"), "{error}");
        assert_eq!(indicator_count(&app).await, 0);
        cleanup(app, pg).await;
    }
}
