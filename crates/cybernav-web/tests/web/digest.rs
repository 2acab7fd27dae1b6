//! The daily digest (213.30(a)(8)) on SQLite and PostgreSQL: a real SMTP sink receives the
//! digests and the test reads every mailbox to prove who got what (FOUO only to people with a
//! current need-to-know, TLP:RED only to the named person, AMBER+STRICT only inside the Board,
//! the subject's label the highest inside); two application instances on one database send
//! one e-mail per person; a re-run the same day sends nothing; receipts match the mail; the
//! opt-out; the history API.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::common;

use std::collections::HashMap;

use axum::http::StatusCode;
use common::{TestApp, databases, ok};
use cybernav_app::mail::{Mailer, deliver_due};
use cybernav_app::sharing::digest::DigestSummary;
use cybernav_app::sharing::intake::SourceSpec;
use cybernav_app::sharing::intake_feeds::ListFormat;
use cybernav_app::{App, RequestMeta};
use cybernav_core::authz::system_actor;
use cybernav_core::sharing::marking::{Marking, Tlp};
use cybernav_testkit::SmtpSink;
use serde_json::json;
use time::{Duration, OffsetDateTime};

const FOUO_TEXT: &str = "The sender used a look-alike of the Board's domain";
const STRICT_TEXT: &str = "Board-only: the fusion center is watching the actor";
const CLEAR_TEXT: &str = "Never type your password into a link from an e-mail";
const FOUO_IP: &str = "198.51.100.7";
const STRICT_IP: &str = "192.0.2.99";
const RED_IP: &str = "203.0.113.66";
const GREEN_DOMAIN: &str = "poll-book-update.example";

/// A received message, decoded.
#[derive(Debug)]
struct Mail {
    to: String,
    subject: String,
    body: String,
}

/// Decodes quoted-printable (the encoding lettre picks for long lines).
fn unquote(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Ok(b) = u8::from_str_radix(&s[i + 1..(i + 3).min(s.len())], 16)
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

fn parse_mail(raw: &str) -> Mail {
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let head = head.replace("\r\n ", " ").replace("\r\n\t", " ");
    let header = |name: &str| {
        head.lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .unwrap_or_else(|| panic!("no {name} in {head}"))
            .to_string()
    };
    let body = match head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Transfer-Encoding: "))
    {
        Some("quoted-printable") => unquote(body),
        Some("7bit") | None => body.to_string(),
        Some(other) => panic!("unexpected encoding {other}"),
    };
    Mail {
        to: header("X-Envelope-To"),
        subject: header("Subject"),
        body: body.replace("\r\n", "\n"),
    }
}

/// Publishes a product through the API (navigator writes, Program Manager approves).
async fn publish(t: &TestApp, kind: &str, title: &str, tags: &[&str], body: &str) -> String {
    let nav = t.token("navigator").await;
    let pm = t.token("program_manager").await;
    let created = ok(
        &t.api_send(
            "POST",
            &nav,
            "/api/v1/products",
            &json!({
                "kind": kind, "title": title, "summary": format!("Summary of {title}."),
                "base_marking": "TLP:GREEN", "body": body, "tags": tags,
                "sources": ["MS-ISAC"], "links": [],
            })
            .to_string(),
        )
        .await,
        StatusCode::CREATED,
    );
    let id = created["product"]["id"].as_str().unwrap().to_string();
    for (token, action) in [(&nav, "submit"), (&pm, "approve"), (&pm, "publish")] {
        ok(
            &t.api_send(
                "POST",
                token,
                &format!("/api/v1/products/{id}/transitions"),
                &json!({ "action": action }).to_string(),
            )
            .await,
            StatusCode::OK,
        );
    }
    id
}

async fn import_list(t: &TestApp, source: &str, marking: Marking, lines: &str) {
    let system = system_actor();
    t.app
        .import_indicator_list(
            &system.import_intel().unwrap(),
            &SourceSpec {
                name: source.into(),
                kind: "list".into(),
                default_marking: marking,
            },
            "list.txt",
            ListFormat::FreeText,
            lines.as_bytes(),
            &RequestMeta::default(),
        )
        .await
        .unwrap();
}

/// Names `person` on every report from `source` (TLP:RED), as a partner's direct report would.
async fn name_red_recipient(t: &TestApp, source: &str, person: uuid::Uuid) {
    let mut m = Marking::tlp(Tlp::Red);
    m.named_recipients.insert(person);
    let json = serde_json::to_string(&m).unwrap();
    let mut tx = t.app.store.begin().await.unwrap();
    let sql = "UPDATE indicator_reports SET marking = $1 WHERE source_no = (SELECT no FROM intel_sources WHERE name = $2)";
    match &mut tx.conn {
        cybernav_store::Conn::Sqlite(c) => {
            sqlx::query(sql)
                .bind(&json)
                .bind(source)
                .execute(&mut **c)
                .await
                .unwrap();
        }
        cybernav_store::Conn::Postgres(c) => {
            sqlx::query(sql)
                .bind(&json)
                .bind(source)
                .execute(&mut **c)
                .await
                .unwrap();
        }
    }
    tx.commit().await.unwrap();
}

/// A run of the digest whose window holds everything done so far: decided a day ahead.
async fn run(app: &App, at: OffsetDateTime) -> DigestSummary {
    let system = system_actor();
    app.send_digest(&system.send_digest().unwrap(), None, at, None)
        .await
        .unwrap()
}

async fn deliver(t: &TestApp, sink: &SmtpSink) -> usize {
    let mailer = Mailer::new(&sink.url(), "cybernav <no-reply@cybernav.test>").unwrap();
    deliver_due(&t.app.store, &mailer, cybernav_app::store::now())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_mailbox_holds_only_what_its_owner_may_see() {
    for db in databases() {
        let sink = SmtpSink::start();
        let t = TestApp::new(db).await;
        let meta = RequestMeta::default();
        common::approve_need_to_know(&t, "program_manager").await;
        common::approve_need_to_know(&t, "ea_official").await;
        // Adams County says it cares about phishing: its people see that note first.
        let adams = t.actor("ea_official").await;
        t.app
            .set_information_needs(
                &adams
                    .edit_information_needs_of(t.authorities["adams"])
                    .unwrap(),
                "phishing",
                "",
                "",
                &meta,
            )
            .await
            .unwrap();
        let note = publish(
            &t,
            "note",
            "Phishing wave",
            &["phishing"],
            &format!(
                "Messages claiming to come from the Board reached three counties.\n\n\
                 (TLP:AMBER FOUO) {FOUO_TEXT}.\n\n\
                 (TLP:AMBER+STRICT) {STRICT_TEXT}.\n\n\
                 (TLP:CLEAR) {CLEAR_TEXT}."
            ),
        )
        .await;
        let bulletin = publish(
            &t,
            "bulletin",
            "Patch the poll-book laptops",
            &["patching"],
            "Apply the vendor's update before early voting.",
        )
        .await;
        import_list(&t, "Green feed", Marking::tlp(Tlp::Green), GREEN_DOMAIN).await;
        import_list(
            &t,
            "FOUO feed",
            Marking::parse_label("TLP:AMBER FOUO").unwrap(),
            FOUO_IP,
        )
        .await;
        import_list(&t, "Strict feed", Marking::tlp(Tlp::AmberStrict), STRICT_IP).await;
        import_list(&t, "Red feed", Marking::tlp(Tlp::Red), RED_IP).await;
        let clerk = t.people["ea_official"].id;
        name_red_recipient(&t, "Red feed", clerk).await;

        // The partner has no vetting; the auditor turns the digest off.
        let auditor = t.actor("auditor").await;
        t.app
            .set_receives_digest(&auditor, false, &meta)
            .await
            .unwrap();

        let at = cybernav_app::store::now() + Duration::days(1);
        // Two application instances on the same database at once: one e-mail per person.
        let second = App::open((*t.app.config).clone()).await.unwrap();
        let (a, b) = tokio::join!(run(&t.app, at), run(&second, at));
        let expected = [
            "board_admin",
            "program_manager",
            "navigator",
            "navigator_other",
            "ea_official",
            "ea_official_other",
            "ea_it",
        ];
        assert_eq!(a.sent + b.sent, expected.len(), "{a:?} {b:?}");
        assert_eq!(a.already_sent + b.already_sent, expected.len());
        assert_eq!(
            (a.recipients, a.opted_out),
            (8, 1),
            "partner is not a recipient; auditor opted out"
        );
        // A re-run the same day sends nothing new.
        let again = run(&t.app, at).await;
        assert_eq!((again.sent, again.already_sent), (0, expected.len()));

        assert_eq!(deliver(&t, &sink).await, expected.len());
        let mails: HashMap<String, Mail> = sink
            .messages()
            .iter()
            .map(|m| parse_mail(m))
            .map(|m| (m.to.clone(), m))
            .collect();
        assert_eq!(mails.len(), expected.len(), "one message per person");
        let mail = |key: &str| {
            mails
                .get(&t.people[key].email)
                .unwrap_or_else(|| panic!("no digest for {key}"))
        };
        for key in ["partner", "auditor"] {
            assert!(
                !mails.contains_key(&t.people[key].email),
                "{key} got a digest"
            );
        }
        let date = a.date.clone();
        for key in expected {
            let m = mail(key);
            assert!(
                m.subject
                    .ends_with(&format!("] Election security daily digest, {date}")),
                "{}",
                m.subject
            );
            let label = m.subject[1..m.subject.find(']').unwrap()].to_string();
            assert!(
                m.body.starts_with(&format!("{label}\n")),
                "{key}: {}",
                m.body
            );
            assert!(m.body.trim_end().ends_with(&label));
            // The subject's label is the highest of the labels before the items.
            let item_labels: Vec<Marking> = m
                .body
                .lines()
                .filter_map(|l| {
                    let rest = l
                        .split_once(". [")
                        .map(|(_, r)| r)
                        .or(l.strip_prefix('['))?;
                    Marking::parse_label(rest.split(']').next()?).ok()
                })
                .collect();
            assert!(!item_labels.is_empty());
            assert_eq!(Marking::highest(&item_labels).label(), label, "{key}");
            assert!(m.body.contains(CLEAR_TEXT), "{key}");
            assert!(m.body.contains("poll-book-update[.]example"), "{key}");
            assert!(
                m.body.contains("http://cybernav.test/account"),
                "how to stop"
            );
        }
        // FOUO: only the people with a current need-to-know.
        for key in expected {
            let m = mail(key);
            let cleared = matches!(key, "program_manager" | "ea_official");
            assert_eq!(m.body.contains(FOUO_TEXT), cleared, "{key}");
            assert_eq!(m.body.contains("198[.]51[.]100[.]7"), cleared, "{key}");
        }
        // AMBER+STRICT: the Board's own staff only.
        for key in expected {
            let board = matches!(
                key,
                "board_admin" | "program_manager" | "navigator" | "navigator_other"
            );
            assert_eq!(mail(key).body.contains(STRICT_TEXT), board, "{key}");
            assert_eq!(mail(key).body.contains("192[.]0[.]2[.]99"), board, "{key}");
        }
        // TLP:RED: the named person only.
        for key in expected {
            assert_eq!(
                mail(key).body.contains("203[.]0[.]113[.]66"),
                key == "ea_official",
                "{key}"
            );
        }
        assert!(
            mail("ea_official").subject.starts_with("[TLP:RED FOUO]"),
            "{}",
            mail("ea_official").subject
        );
        assert!(
            mail("program_manager")
                .subject
                .starts_with("[TLP:AMBER+STRICT FOUO]")
        );
        assert!(
            mail("ea_it").subject.starts_with("[TLP:GREEN]"),
            "{}",
            mail("ea_it").subject
        );
        assert!(mail("ea_it").body.contains("2 paragraphs withheld"));
        // Information needs: Adams' people see the phishing note first, Cook's the newer bulletin.
        let first = |key: &str| {
            let b = &mail(key).body;
            b.find("Phishing wave").unwrap() < b.find("Patch the poll-book laptops").unwrap()
        };
        assert!(first("ea_official") && first("ea_it"));
        assert!(!first("ea_official_other"));

        // Receipts match the mail: the history API for the Program Manager.
        let pm = t.token("program_manager").await;
        let runs = ok(&t.api_get(&pm, "/api/v1/digest/runs").await, StatusCode::OK);
        assert_eq!(runs["runs"].as_array().unwrap().len(), 3);
        for key in expected {
            let r = ok(
                &t.api_get(
                    &pm,
                    &format!("/api/v1/digest/people/{}/receipts", t.people[key].id),
                )
                .await,
                StatusCode::OK,
            );
            let digests = r["digests"].as_array().unwrap();
            assert_eq!(digests.len(), 1, "{key}");
            let m = mail(key);
            assert_eq!(digests[0]["send"]["to_addr"], t.people[key].email.as_str());
            assert!(m.subject.starts_with(&format!(
                "[{}]",
                digests[0]["send"]["subject_marking"].as_str().unwrap()
            )));
            let receipts = digests[0]["receipts"].as_array().unwrap();
            let products: Vec<&str> = receipts
                .iter()
                .filter(|r| r["item_kind"] == "product")
                .map(|r| r["item_id"].as_str().unwrap())
                .collect();
            assert_eq!(products.len(), 2, "{key}");
            for id in [&note, &bulletin] {
                assert!(products.contains(&id.as_str()));
                assert!(m.body.contains(&format!("/sharing/{id}")));
            }
            let indicators = receipts
                .iter()
                .filter(|r| r["item_kind"] == "indicator")
                .count();
            let lines = m.body.lines().filter(|l| l.contains(" (from ")).count();
            assert_eq!(indicators, lines, "{key}: one receipt per indicator line");
            for r in receipts {
                assert!(
                    m.body
                        .contains(&format!("[{}]", r["marking"].as_str().unwrap())),
                    "{key}"
                );
            }
        }
        // No content in the audit of a run, counts only.
        let audit = ok(
            &t.api_get(
                &t.token("board_admin").await,
                "/api/v1/audit-events?action=digest.run",
            )
            .await,
            StatusCode::OK,
        );
        let text = audit.to_string();
        assert!(text.contains("\"sent\""), "{text}");
        assert!(!text.contains(FOUO_TEXT) && !text.contains(FOUO_IP));
        // The county clerk may not read the history.
        let clerk_token = t.token("ea_official").await;
        assert_eq!(
            t.api_get(&clerk_token, "/api/v1/digest/runs").await.status,
            StatusCode::FORBIDDEN
        );
        // The clerk reads their own digests on their account page (date, items, highest
        // marking), and the desk reads the runs with how the e-mails fared; the clerk may not.
        let mut clerk = t.signed_in("ea_official").await;
        let account = clerk.get("/account").await;
        assert!(
            account.body.contains("Digests you received"),
            "{}",
            account.body
        );
        let history = account
            .body
            .split("Digests you received</h3>")
            .nth(1)
            .and_then(|rest| rest.split("</table>").next())
            .unwrap_or_default()
            .to_string();
        assert!(
            history.contains("<th scope=\"col\">Items</th>"),
            "{history}"
        );
        assert!(history.contains("cn-tlp cn-tlp--"), "{history}");
        assert!(
            history.contains(&t.people["ea_official"].email),
            "{history}"
        );
        assert!(
            !history.contains(FOUO_TEXT),
            "no content, only what each held"
        );
        assert_eq!(
            clerk.get("/sharing/digests").await.status,
            StatusCode::FORBIDDEN
        );
        let mut pm = t.signed_in("program_manager").await;
        let runs = pm.get("/sharing/digests").await;
        assert_eq!(runs.status, StatusCode::OK);
        assert!(runs.body.contains("Digests sent"), "{}", runs.body);
        assert!(runs.body.contains("The daily schedule"), "{}", runs.body);
        assert!(!runs.body.contains(&t.people["ea_official"].email));
        second.store.close().await;
        drop(sink);
        t.cleanup().await;
    }
}

#[tokio::test]
async fn preview_sends_nothing_and_a_quiet_day_sends_nothing() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let at = cybernav_app::store::now() + Duration::days(1);
        let system = system_actor();
        let cap = system.send_digest().unwrap();
        let meta = RequestMeta {
            ip: Some("command line".into()),
            user_agent: None,
        };
        let quiet = t
            .app
            .preview_digest(&cap, &t.people["ea_it"].email, None, at, &meta)
            .await
            .unwrap();
        assert!(quiet.unwrap_err().contains("nothing they may see"));
        publish(&t, "bulletin", "Patch now", &[], &format!("{CLEAR_TEXT}.")).await;
        let p = t
            .app
            .preview_digest(&cap, &t.people["ea_it"].email, None, at, &meta)
            .await
            .unwrap()
            .unwrap();
        assert!(
            p.subject
                .starts_with("[TLP:GREEN] Election security daily digest, ")
        );
        assert!(p.body.contains(CLEAR_TEXT));
        let partner = t
            .app
            .preview_digest(&cap, &t.people["partner"].email, None, at, &meta)
            .await
            .unwrap();
        assert!(partner.unwrap_err().contains("vetting"));
        let mut tx = t.app.store.read().await.unwrap();
        assert!(
            tx.list_outbox(100)
                .await
                .unwrap()
                .iter()
                .all(|m| m.kind != "daily_digest")
        );
        assert!(
            tx.digest_runs(10).await.unwrap().is_empty(),
            "a preview records no run"
        );
        drop(tx);
        // The preview that showed content is audited: who, whose digest, the date; never
        // the content. The previews that showed nothing are not.
        let mut tx = t.app.store.read().await.unwrap();
        let (previews, _) = tx
            .list_audit(&cybernav_app::store::audit::AuditQuery {
                action: Some("digest.preview".into()),
                page: 1,
                per_page: 10,
                ..Default::default()
            })
            .await
            .unwrap();
        drop(tx);
        assert_eq!(previews.len(), 1, "{previews:?}");
        let e = &previews[0].event;
        assert_eq!(e.actor_id, None, "the command line acts as the system");
        assert_eq!(e.ip.as_deref(), Some("command line"));
        assert_eq!(
            e.entity_id.as_deref(),
            Some(t.people["ea_it"].id.to_string().as_str())
        );
        let date = t.app.digest_schedule().latest_due(at).unwrap().to_string();
        assert_eq!(e.changes["date"], json!(date));
        assert!(!e.changes.to_string().contains(CLEAR_TEXT), "{}", e.changes);
        assert!(
            !e.changes.to_string().contains("Patch now"),
            "{}",
            e.changes
        );
        // A digest not yet due is refused, naming the date.
        let tomorrow = t.app.digest_schedule().latest_due(at).unwrap();
        let err = t
            .app
            .send_digest(&cap, Some(tomorrow), cybernav_app::store::now(), None)
            .await
            .unwrap_err();
        assert!(
            err.to_string().contains("date") || matches!(err, cybernav_app::AppError::Invalid(_))
        );
        // The opt-out on the account page.
        let mut c = t.signed_in("ea_it").await;
        assert!(
            c.get("/account")
                .await
                .body
                .contains("Send me the daily digest")
        );
        let r = c.post_form("/account/digest", &[("receive", "off")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER);
        assert!(
            !t.app
                .receives_digest(&t.actor("ea_it").await)
                .await
                .unwrap()
        );
        let r = c
            .post_form("/account/digest", &[("receive", "maybe")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        let s = run(&t.app, at).await;
        assert_eq!(s.opted_out, 1);
        t.cleanup().await;
    }
}

/// C1: an import stamps its reports when it starts. One still running when the digest runs,
/// begun inside the digest's window, is waited for: otherwise its reports would fall in
/// neither this day's digest (not committed yet) nor the next (received before its window).
#[tokio::test]
async fn the_digest_waits_for_an_import_begun_inside_its_window() {
    for db in databases() {
        let t = TestApp::new(db).await;
        let at = cybernav_app::store::now() + Duration::days(1);
        let long = common::open_import(&t, "Slow partner", "192.0.2.78").await;
        let app = t.app.clone();
        let digest = tokio::spawn(async move { run(&app, at).await });
        tokio::time::sleep(std::time::Duration::from_millis(600)).await;
        assert!(!digest.is_finished(), "the digest waits for the import");
        long.commit().await.unwrap();
        let s = digest.await.unwrap();
        assert_eq!(
            s.indicator_reports_in_window, 1,
            "the import's report is in the digest"
        );
        t.cleanup().await;
    }
}
