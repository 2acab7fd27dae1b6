//! E-mail delivery against a real SMTP server on loopback (`scripts/smtp-sink`, aiosmtpd),
//! on SQLite and on PostgreSQL when `CYBERNAV_TEST_POSTGRES_URL` is set.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use cybernav_app::mail::{Mailer, deliver_due};
use cybernav_app::{App, Config};
use cybernav_testkit::{ScratchPostgres, SmtpSink as Sink};
use time::Duration;

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
    if let Some(pg) = ScratchPostgres::create("mail").await {
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

#[tokio::test]
async fn two_workers_send_each_message_exactly_once() {
    for (app, _dir, pg) in apps().await {
        let sink = Sink::start();
        let now = cybernav_app::store::now();
        let mut tx = app.store.begin().await.unwrap();
        for i in 0..24 {
            tx.enqueue_email(
                "test",
                &format!("person{i}@example.gov"),
                &format!("Message {i:02}"),
                "Hello from the outbox.",
                now,
            )
            .await
            .unwrap();
        }
        tx.commit().await.unwrap();
        let url = format!("smtp://127.0.0.1:{}", sink.port);
        let a = Mailer::new(&url, "cybernav <no-reply@cybernav.test>").unwrap();
        let b = Mailer::new(&url, "cybernav <no-reply@cybernav.test>").unwrap();
        // Two "replicas" drain the same outbox at the same time.
        let (sa, sb) = tokio::join!(
            deliver_due(&app.store, &a, now),
            deliver_due(&app.store, &b, now)
        );
        assert_eq!(sa.unwrap() + sb.unwrap(), 24);
        let messages = sink.messages();
        assert_eq!(messages.len(), 24, "each message arrives once");
        let mut subjects: Vec<String> = messages
            .iter()
            .map(|m| {
                m.lines()
                    .find(|l| l.starts_with("Subject: "))
                    .unwrap()
                    .to_string()
            })
            .collect();
        subjects.sort();
        subjects.dedup();
        assert_eq!(subjects.len(), 24, "no duplicates");
        assert!(messages[0].contains("X-Envelope-To: person"));
        let mut tx = app.store.read().await.unwrap();
        let counts = tx.outbox_counts().await.unwrap();
        assert_eq!((counts.pending, counts.sent, counts.failed), (0, 24, 0));
        drop(tx);
        cleanup(app, pg).await;
    }
}

#[tokio::test]
async fn a_failed_send_is_retried_after_backoff() {
    for (app, _dir, pg) in apps().await {
        // The port stays ours until the sink takes it: a server that hangs up on the first
        // connection makes the first attempt fail, and no other test's sink can grab the port
        // in between (tests run in parallel processes).
        let refuser = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = refuser.local_addr().unwrap().port();
        let hang_up = std::thread::spawn(move || {
            let _ = refuser.accept();
        });
        let now = cybernav_app::store::now();
        let mut tx = app.store.begin().await.unwrap();
        tx.enqueue_email("test", "clerk@adams.example.gov", "Retry me", "Body", now)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let mailer = Mailer::new(
            &format!("smtp://127.0.0.1:{port}"),
            "no-reply@cybernav.test",
        )
        .unwrap();
        // The server hangs up: the attempt fails and the message waits.
        assert_eq!(deliver_due(&app.store, &mailer, now).await.unwrap(), 0);
        hang_up.join().unwrap();
        let sink = Sink::start_on(port);
        assert_eq!(
            deliver_due(&app.store, &mailer, now + Duration::seconds(10))
                .await
                .unwrap(),
            0,
            "not due before the backoff"
        );
        assert!(sink.messages().is_empty());
        assert_eq!(
            deliver_due(&app.store, &mailer, now + Duration::seconds(31))
                .await
                .unwrap(),
            1
        );
        let messages = sink.messages();
        assert_eq!(messages.len(), 1);
        assert!(messages[0].contains("Subject: Retry me"));
        cleanup(app, pg).await;
    }
}

#[tokio::test]
async fn an_invitation_reaches_the_mailbox_with_its_link() {
    for (app, _dir, pg) in apps().await {
        let sink = Sink::start();
        let system = cybernav_core::authz::system_actor();
        let cap = system.manage_people().unwrap();
        let input = cybernav_app::people::InvitationInput {
            email: "new.admin@sbe.example.gov".into(),
            name: "Robin O'Neil".into(),
            role: "board_admin".into(),
            election_authority_id: None,
            partner_org_id: None,
        };
        app.invite(&cap, &input, &Default::default()).await.unwrap();
        let mailer = Mailer::new(
            &format!("smtp://127.0.0.1:{}", sink.port),
            "no-reply@cybernav.test",
        )
        .unwrap();
        assert_eq!(
            deliver_due(&app.store, &mailer, cybernav_app::store::now())
                .await
                .unwrap(),
            1
        );
        let m = &sink.messages()[0];
        assert!(m.contains("Subject: You're invited to cybernav"), "{m}");
        let unfolded = m.replace("=\r\n", "").replace("=\n", "");
        let link = unfolded
            .split("/invitations/")
            .nth(1)
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap();
        let user = app.check_link("invitation", link).await.unwrap();
        assert_eq!(user.email, "new.admin@sbe.example.gov");
        cleanup(app, pg).await;
    }
}
