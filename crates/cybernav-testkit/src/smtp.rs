//! A real SMTP server on loopback for e-mail tests: `scripts/smtp-sink` (aiosmtpd, installed by
//! `scripts/setup`), which writes each message it receives to a `.eml` file.

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

/// A running `scripts/smtp-sink`, stopped when dropped.
pub struct SmtpSink {
    child: Child,
    /// The loopback port it listens on.
    pub port: u16,
    dir: tempfile::TempDir,
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub fn start() -> SmtpSink {
        SmtpSink::start_on(free_port())
    }

    /// Starts a sink on `port` (a test of retries picks the port before the server is up).
    pub fn start_on(port: u16) -> SmtpSink {
        let dir = tempfile::tempdir().expect("a scratch directory for the sink");
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../scripts/smtp-sink");
        let mut child = Command::new("python3")
            .arg(script)
            .args(["--port", &port.to_string(), "--dir"])
            .arg(dir.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("python3 and aiosmtpd are installed by scripts/setup");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("the sink's stdout"))
            .read_line(&mut line)
            .expect("the sink's first line");
        assert!(
            line.contains("listening"),
            "smtp-sink did not start: {line}"
        );
        SmtpSink { child, port, dir }
    }

    /// The SMTP URL that reaches it.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, raw, in the order the files were named.
    pub fn messages(&self) -> Vec<String> {
        let mut files: Vec<_> = std::fs::read_dir(self.dir.path())
            .expect("the sink's directory")
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| e.path())
            .collect();
        files.sort();
        files
            .iter()
            .map(|p| std::fs::read_to_string(p).expect("a received message"))
            .collect()
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nothing listens on right now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
