//! The outbound HTTP client (`cybernav_app::http`) against a real HTTP server on loopback: a
//! chunked body arrives whole, the user agent and extra headers are sent, a redirect is
//! followed, a redirect loop and a non-2xx answer are refused with what happened, a body over
//! the limit is refused whether or not its length is announced, and other schemes are refused
//! before anything is sent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::{Arc, Mutex};

use cybernav_app::http::{HttpClient, HttpError};

/// What the server saw: the head of every request.
type Seen = Arc<Mutex<Vec<String>>>;

/// A small HTTP/1.1 server on loopback, one request per connection, answering by path. It
/// runs on a thread of its own until the test process ends.
fn server() -> (SocketAddr, Seen) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let seen: Seen = Arc::default();
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut head = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                head.push_str(&line);
            }
            log.lock().unwrap().push(head.clone());
            let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
            let answer = answer(&path);
            let _ = stream.write_all(&answer);
            let _ = stream.flush();
        }
    });
    (addr, seen)
}

fn answer(path: &str) -> Vec<u8> {
    let close = "Connection: close\r\n";
    match path {
        "/feed.json" => {
            let (a, b) = ("{\"hello\":", "\"world\"}");
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n{close}\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
                a.len(),
                b.len()
            )
            .into_bytes()
        }
        "/moved" => format!(
            "HTTP/1.1 302 Found\r\nLocation: /feed.json\r\nContent-Length: 0\r\n{close}\r\n"
        )
        .into_bytes(),
        "/loop" => {
            format!("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n{close}\r\n")
                .into_bytes()
        }
        "/big-chunked" => {
            // 8 chunks of 1,000 bytes, no length announced: refused while streaming.
            let mut out = format!("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n{close}\r\n");
            for _ in 0..8 {
                out.push_str(&format!("3e8\r\n{}\r\n", "x".repeat(1000)));
            }
            out.push_str("0\r\n\r\n");
            out.into_bytes()
        }
        "/big-announced" => {
            let body = "y".repeat(5000);
            format!("HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n{close}\r\n{body}").into_bytes()
        }
        _ => format!("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n{close}\r\n").into_bytes(),
    }
}

#[tokio::test]
async fn a_chunked_body_arrives_whole_with_the_user_agent_and_extra_headers() {
    let (addr, seen) = server();
    let client = HttpClient::shared().unwrap();
    let got = client
        .get(
            &format!("http://{addr}/feed.json"),
            &[
                ("Accept", "application/taxii+json;version=2.1"),
                ("Authorization", "Basic dGVzdDp0ZXN0"),
            ],
            1000,
        )
        .await
        .unwrap();
    assert_eq!(got.status, 200);
    assert_eq!(got.body, b"{\"hello\":\"world\"}");
    assert_eq!(got.content_type.as_deref(), Some("application/json"));
    let head = seen.lock().unwrap().last().cloned().unwrap().to_lowercase();
    assert!(
        head.contains(&format!(
            "user-agent: cybernav/{}",
            env!("CARGO_PKG_VERSION")
        )),
        "{head}"
    );
    assert!(
        head.contains("accept: application/taxii+json;version=2.1"),
        "{head}"
    );
    assert!(head.contains("authorization: basic dgvzddp0zxn0"), "{head}");
}

#[tokio::test]
async fn a_redirect_is_followed_and_a_loop_is_refused() {
    let (addr, seen) = server();
    let client = HttpClient::shared().unwrap();
    let got = client
        .get(&format!("http://{addr}/moved"), &[], 1000)
        .await
        .unwrap();
    assert_eq!(got.body, b"{\"hello\":\"world\"}");
    assert_eq!(got.final_url, format!("http://{addr}/feed.json"));
    let paths: Vec<String> = seen
        .lock()
        .unwrap()
        .iter()
        .map(|h| h.split_whitespace().nth(1).unwrap().to_string())
        .collect();
    assert_eq!(paths, vec!["/moved", "/feed.json"], "followed once");

    let e = client
        .get_limited(&format!("http://{addr}/loop"), 1000)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("redirects"), "{e}");
    assert!(
        e.to_string().contains(&format!("http://{addr}/loop")),
        "{e}"
    );
}

#[tokio::test]
async fn an_answer_other_than_2xx_is_refused_with_its_status() {
    let (addr, _) = server();
    let url = format!("http://{addr}/missing?token=secret");
    let e = HttpClient::shared()
        .unwrap()
        .get_limited(&url, 1000)
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(404));
    assert_eq!(
        e.to_string(),
        format!("http://{addr}/missing: the server answered 404")
    );
    assert!(!e.to_string().contains("secret"), "no query in messages");
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_naming_the_url_and_the_limit() {
    let (addr, _) = server();
    let client = HttpClient::shared().unwrap();
    for path in ["/big-chunked", "/big-announced"] {
        let url = format!("http://{addr}{path}");
        let e = client.get_limited(&url, 2500).await.unwrap_err();
        assert!(
            matches!(&e, HttpError::TooLarge { limit: 2500, .. }),
            "{path}: {e:?}"
        );
        assert!(e.to_string().contains(&url), "{e}");
        assert!(e.to_string().contains("2500 bytes"), "{e}");
    }
    // Within the limit the same body arrives.
    let body = client
        .get_limited(&format!("http://{addr}/big-announced"), 5000)
        .await
        .unwrap();
    assert_eq!(body.len(), 5000);
}

#[tokio::test]
async fn other_schemes_and_closed_ports_are_refused_clearly() {
    let client = HttpClient::shared().unwrap();
    let e = client
        .get_limited("file:///etc/passwd", 1000)
        .await
        .unwrap_err();
    assert!(matches!(e, HttpError::BadUrl { .. }), "{e:?}");
    assert!(e.to_string().contains("only http:// and https://"), "{e}");
    // A port nobody listens on: told it cannot connect.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = closed.local_addr().unwrap();
    drop(closed);
    let e = client
        .get_limited(&format!("http://{addr}/x"), 1000)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("cannot connect"), "{e}");
}
