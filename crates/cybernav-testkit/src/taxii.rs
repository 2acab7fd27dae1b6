//! A partner's TAXII 2.1 server on loopback for the TAXII client's tests: `scripts/taxii-peer`
//! (medallion, the OASIS TAXII 2.1 server, installed by `scripts/setup`) with one readable,
//! writable collection behind HTTP Basic authentication.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use crate::free_port;

/// The id of the peer's one collection.
pub const TAXII_PEER_COLLECTION: &str = "365fed99-08fa-fdcd-a1b3-fb247eb41d01";

/// A running `scripts/taxii-peer`, stopped when dropped.
pub struct TaxiiPeer {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
    /// The user name it accepts.
    pub user: String,
    /// The password it accepts.
    pub password: String,
}

impl TaxiiPeer {
    /// Starts a peer on a free port whose largest page is `page_size` objects.
    pub fn start(password: &str, page_size: usize) -> TaxiiPeer {
        let port = free_port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/taxii-peer");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", &port.to_string(), "--user", "partner"])
            .args(["--password", password])
            .args(["--page-size", &page_size.to_string()])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 and medallion are installed by scripts/setup");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("the peer's stdout"))
            .read_line(&mut line)
            .expect("the peer's first line");
        assert!(
            line.contains("listening"),
            "taxii-peer did not start (is medallion installed? run scripts/setup): {line}"
        );
        TaxiiPeer {
            child,
            port,
            user: "partner".into(),
            password: password.into(),
        }
    }

    /// The API root's URL.
    pub fn api_root(&self) -> String {
        format!("http://127.0.0.1:{}/api1/", self.port)
    }

    /// The URL of the collection's objects.
    pub fn objects_url(&self) -> String {
        format!(
            "{}collections/{TAXII_PEER_COLLECTION}/objects/",
            self.api_root()
        )
    }
}

impl Drop for TaxiiPeer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
