//! The scan of one file on every core: a reader thread cuts the (decompressed) file into
//! chunks of whole lines, worker threads read and match the chunks, and the calling thread
//! puts the results back in file order, so the output is the same whatever the thread count.
//!
//! Line numbers are counted per chunk and added up in order. Buffers go back to the reader
//! once their results are out, and the reader waits for one when `4 × threads` are in use: a
//! scan holds a few chunks, not one per chunk, however slowly its output is taken.

use std::collections::{BTreeMap, HashSet};
use std::fs::File;
use std::io::{self, BufReader, Read};
use std::path::Path;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, channel, sync_channel};

use crate::allowlist::Audit;
use crate::hit::{Hit, HitWhat};
use crate::index::{Index, parse_ip};
use crate::read::{FileState, LineReader, LogFormat};
use crate::record::{Record, Value};

/// Bytes of a chunk (lines are not cut).
pub const CHUNK: usize = 2 << 20;

/// A line longer than this is not a log line: it is counted bad and skipped.
pub const MAX_LINE: usize = 64 << 20;

/// How many bad lines of a file are reported one by one (all are counted).
pub const BAD_LINES_SHOWN: usize = 20;

/// A scan's settings and tables.
#[derive(Debug, Clone, Copy)]
pub struct Scanner<'a> {
    /// The indicators.
    pub index: &'a Index,
    /// The allowlist audit, if asked for.
    pub audit: Option<&'a Audit>,
    /// Worker threads (1: all on the calling thread).
    pub threads: usize,
}

/// What happened in a file, in file order.
#[derive(Debug)]
pub enum Event<'h> {
    /// A hit.
    Hit(&'h Hit),
    /// A line that could not be read (the first [`BAD_LINES_SHOWN`] of a file).
    BadLine {
        /// The line, from 1.
        line: u64,
        /// What is wrong.
        reason: &'h str,
    },
}

/// Figures of one file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileStats {
    /// Lines, blank ones included.
    pub lines: u64,
    /// Records read.
    pub records: u64,
    /// Bytes scanned (uncompressed).
    pub bytes: u64,
    /// Lines that could not be read.
    pub bad_lines: u64,
    /// Indicator hits.
    pub indicator_hits: u64,
    /// Allowlist violations (one per connection).
    pub allowlist_hits: u64,
}

impl FileStats {
    /// Adds another file's figures.
    pub fn add(&mut self, o: &FileStats) {
        self.lines += o.lines;
        self.records += o.records;
        self.bytes += o.bytes;
        self.bad_lines += o.bad_lines;
        self.indicator_hits += o.indicator_hits;
        self.allowlist_hits += o.allowlist_hits;
    }
}

/// Why a file could not be scanned (to the end).
#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    /// Opening or reading (or decompressing) failed; what was read before is reported.
    #[error("{what}: {source}")]
    Read {
        /// What was being done.
        what: String,
        /// The cause.
        source: io::Error,
    },
    /// The file's header cannot be used.
    #[error("line 1: {0}")]
    Header(String),
    /// Writing the results failed (stdout closed).
    #[error("writing the results: {0}")]
    Output(io::Error),
}

enum Piece {
    Lines(Vec<u8>),
    /// A line over `MAX_LINE`, skipped; the buffer comes back for reuse.
    LongLine(Vec<u8>),
}

/// What a piece is, for the reader's state.
pub(crate) enum PieceRef<'a> {
    Lines(&'a [u8]),
    LongLine,
}

impl Piece {
    fn as_ref(&self) -> PieceRef<'_> {
        match self {
            Piece::Lines(b) => PieceRef::Lines(b),
            Piece::LongLine(_) => PieceRef::LongLine,
        }
    }
}

struct Work {
    seq: u64,
    piece: Piece,
    state: FileState,
}

struct Done {
    seq: u64,
    stats: FileStats,
    hits: Vec<Hit>,
    bad: Vec<(u64, String)>,
    buf: Vec<u8>,
}

impl<'a> Scanner<'a> {
    /// Scans the file at `path`, plain, gzip or zstd (told by its first bytes); `progress`
    /// counts the file's bytes read (compressed, as on disk).
    pub fn scan_path(
        &self,
        path: &Path,
        format: &LogFormat,
        progress: &AtomicU64,
        on: impl FnMut(Event<'_>) -> io::Result<()>,
    ) -> Result<FileStats, ScanError> {
        let open = |e| ScanError::Read {
            what: "opening the file".to_string(),
            source: e,
        };
        let mut file = File::open(path).map_err(open)?;
        let mut magic = [0u8; 4];
        let n = read_up_to(&mut file, &mut magic).map_err(open)?;
        let head = io::Cursor::new(magic[..n].to_vec());
        let counted = Counted {
            inner: head.chain(file),
            progress,
        };
        if magic[..n].starts_with(&[0x1f, 0x8b]) {
            let d = flate2::read::MultiGzDecoder::new(BufReader::with_capacity(1 << 16, counted));
            self.scan_reader(d, format, on)
        } else if magic[..n] == [0x28, 0xb5, 0x2f, 0xfd] {
            let d = zstd::stream::read::Decoder::new(counted).map_err(|e| ScanError::Read {
                what: "starting to decompress (zstd)".to_string(),
                source: e,
            })?;
            self.scan_reader(d, format, on)
        } else {
            self.scan_reader(counted, format, on)
        }
    }

    /// Scans what `input` gives.
    pub fn scan_reader(
        &self,
        input: impl Read + Send,
        format: &LogFormat,
        mut on: impl FnMut(Event<'_>) -> io::Result<()>,
    ) -> Result<FileStats, ScanError> {
        let mut feed = Feed {
            chunker: Chunker::new(input),
            state: FileState::start(format),
            seq: 0,
        };
        let mut out = Collector::default();
        if self.threads <= 1 {
            let mut buf = Vec::new();
            while let Some(w) = feed.next(buf)? {
                buf = out.take(self.work(w), &mut on).map_err(ScanError::Output)?;
            }
            return Ok(out.stats);
        }
        let stop = AtomicBool::new(false);
        let (work_tx, work_rx) = sync_channel::<Work>(self.threads * 2);
        let work_rx = Mutex::new(Some(work_rx));
        let workers_left = AtomicUsize::new(self.threads);
        let (done_tx, done_rx) = channel::<Done>();
        let (spare_tx, spare_rx) = channel::<Vec<u8>>();
        std::thread::scope(|s| {
            let (stop, feed) = (&stop, &mut feed);
            let pool = self.threads * 4;
            let reader = s.spawn(move || -> Result<(), ScanError> {
                let mut buffers = 0;
                loop {
                    if stop.load(Ordering::Relaxed) {
                        return Ok(());
                    }
                    let buf = if buffers < pool {
                        spare_rx.try_recv().unwrap_or_else(|_| {
                            buffers += 1;
                            Vec::new()
                        })
                    } else {
                        // Every buffer is in use: wait for the output to take one.
                        match spare_rx.recv() {
                            Ok(b) => b,
                            Err(_) => return Ok(()),
                        }
                    };
                    let Some(w) = feed.next(buf)? else {
                        return Ok(());
                    };
                    if work_tx.send(w).is_err() {
                        return Ok(());
                    }
                }
            });
            for _ in 0..self.threads {
                let done_tx = done_tx.clone();
                let (work_rx, workers_left) = (&work_rx, &workers_left);
                s.spawn(move || {
                    // However this worker ends (a panic included), the last one out drops the
                    // queue, so the reader's next send fails instead of waiting for ever.
                    let _last_out = LastOut {
                        left: workers_left,
                        queue: work_rx,
                    };
                    loop {
                        let next = match work_rx.lock() {
                            Ok(rx) => match rx.as_ref() {
                                Some(rx) => rx.recv(),
                                None => return,
                            },
                            Err(_) => return,
                        };
                        let Ok(w) = next else { return };
                        if done_tx.send(self.work(w)).is_err() {
                            return;
                        }
                    }
                });
            }
            drop(done_tx);
            let mut pending = BTreeMap::new();
            let mut failed = None;
            for d in done_rx {
                pending.insert(d.seq, d);
                while let Some(d) = pending.remove(&out.next_seq) {
                    if failed.is_some() {
                        out.next_seq += 1;
                        let _ = spare_tx.send(d.buf);
                        continue;
                    }
                    match out.take(d, &mut on) {
                        Ok(buf) => {
                            let _ = spare_tx.send(buf);
                        }
                        Err(e) => {
                            failed = Some(e);
                            stop.store(true, Ordering::Relaxed);
                            out.next_seq += 1;
                        }
                    }
                }
            }
            let read = reader.join().unwrap_or_else(|_| {
                Err(ScanError::Read {
                    what: "reading".to_string(),
                    source: io::Error::other("the reader thread stopped"),
                })
            });
            if let Some(e) = failed {
                return Err(ScanError::Output(e));
            }
            read.map(|()| out.stats)
        })
    }

    fn work(&self, w: Work) -> Done {
        let mut done = Done {
            seq: w.seq,
            stats: FileStats::default(),
            hits: Vec::new(),
            bad: Vec::new(),
            buf: Vec::new(),
        };
        let buf = match w.piece {
            Piece::LongLine(b) => {
                done.stats.lines = 1;
                done.stats.bad_lines = 1;
                done.bad.push((
                    1,
                    format!(
                        "longer than {} MiB: not a log line; skipped",
                        MAX_LINE >> 20
                    ),
                ));
                done.buf = b;
                return done;
            }
            Piece::Lines(b) => b,
        };
        done.stats.bytes = buf.len() as u64;
        match LineReader::new(&w.state, w.seq == 0) {
            Ok(mut reader) => self.read_lines(&buf, &mut reader, &mut done),
            Err(e) => {
                done.stats.bad_lines = 1;
                done.bad.push((1, e));
            }
        }
        done.buf = buf;
        done
    }

    fn read_lines(&self, buf: &[u8], reader: &mut LineReader<'_>, done: &mut Done) {
        let mut rec = Record {
            index: Some(self.index),
            ..Record::default()
        };
        let mut url_scratch = String::new();
        let mut start = 0;
        let mut n: u64 = 0;
        while start < buf.len() {
            let end = memchr::memchr(b'\n', &buf[start..]).map_or(buf.len(), |i| start + i);
            let raw = &buf[start..end];
            start = end + 1;
            n += 1;
            let line = raw.strip_suffix(b"\r").unwrap_or(raw);
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            rec.clear();
            match reader.read(n, line, &mut rec) {
                Ok(true) => {
                    done.stats.records += 1;
                    self.match_record(&rec, n, &mut done.hits, &mut url_scratch);
                }
                Ok(false) => {}
                Err(reason) => {
                    done.stats.bad_lines += 1;
                    if done.bad.len() < BAD_LINES_SHOWN {
                        done.bad.push((n, reason));
                    }
                }
            }
        }
        done.stats.lines = n;
    }

    #[inline]
    fn match_record(&self, rec: &Record<'_>, line: u64, hits: &mut Vec<Hit>, scratch: &mut String) {
        let first = hits.len();
        for (field, value) in &rec.values {
            let (id, text) = match value {
                Value::Ip(ip, text) => (self.index.ip(*ip), text.as_ref()),
                Value::Domain(d) => (self.index.domain(d), d.as_ref()),
                Value::Name(n) => match parse_ip(n) {
                    Some(ip) => (self.index.ip(ip), n.as_ref()),
                    None => (self.index.domain(n), n.as_ref()),
                },
                Value::Hash(h) => (self.index.hash(h), h.as_ref()),
                Value::Url(host, path) => {
                    if let Some(id) = self.index.url(host, path, scratch) {
                        let mut v = String::from_utf8_lossy(host).into_owned();
                        v.push_str(&String::from_utf8_lossy(path));
                        push_once(
                            hits,
                            first,
                            hit(line, field, v, HitWhat::Indicator(id), rec),
                        );
                    }
                    continue;
                }
            };
            if let Some(id) = id {
                let v = String::from_utf8_lossy(text).into_owned();
                push_once(
                    hits,
                    first,
                    hit(line, field, v, HitWhat::Indicator(id), rec),
                );
            }
        }
        if let Some(audit) = self.audit {
            if let (Some((src, src_field)), Some(dst)) = (rec.src, rec.dst)
                && let Some((service, violation)) = audit.check(src, dst, rec.dst_port)
            {
                let dest = match (rec.dst_port, dst) {
                    (Some(p), std::net::IpAddr::V6(a)) => format!("[{a}]:{p}"),
                    (Some(p), a) => format!("{a}:{p}"),
                    (None, a) => a.to_string(),
                };
                let what = HitWhat::Allowlist {
                    service,
                    violation,
                    dest: dest.into_boxed_str(),
                };
                hits.push(hit(line, src_field, src.to_string(), what, rec));
            }
            if hits.len() > first {
                let authority = audit.authority_of(rec.src.map(|s| s.0), rec.dst);
                for h in &mut hits[first..] {
                    h.authority = authority;
                }
            }
        }
    }
}

/// Adds a hit unless the record already has the same one (a name in several DNS answers).
fn push_once(hits: &mut Vec<Hit>, first: usize, h: Hit) {
    if !hits[first..]
        .iter()
        .any(|o| o.field == h.field && o.value == h.value && o.what == h.what)
    {
        hits.push(h);
    }
}

/// Drops the work queue when the last worker ends.
struct LastOut<'a, T> {
    left: &'a AtomicUsize,
    queue: &'a Mutex<Option<Receiver<T>>>,
}

impl<T> Drop for LastOut<'_, T> {
    fn drop(&mut self) {
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            let mut q = match self.queue.lock() {
                Ok(q) => q,
                Err(poisoned) => poisoned.into_inner(),
            };
            q.take();
        }
    }
}

fn hit(line: u64, field: &str, value: String, what: HitWhat, rec: &Record<'_>) -> Hit {
    Hit {
        line,
        field: field.into(),
        value: value.into_boxed_str(),
        what,
        authority: None,
        flow: rec.flow,
    }
}

/// Puts results out in order, counting lines and naming each connection's violation once.
#[derive(Default)]
struct Collector {
    next_seq: u64,
    stats: FileStats,
    reported_flows: HashSet<u64>,
    bad_shown: usize,
}

impl Collector {
    fn take(
        &mut self,
        d: Done,
        on: &mut impl FnMut(Event<'_>) -> io::Result<()>,
    ) -> io::Result<Vec<u8>> {
        let offset = self.stats.lines;
        let mut hits = d.hits.into_iter().peekable();
        let mut bad = d.bad.iter().peekable();
        // Hits and bad lines in line order.
        loop {
            let take_bad = match (hits.peek(), bad.peek()) {
                (None, None) => break,
                (Some(h), Some(b)) => b.0 < h.line,
                (None, Some(_)) => true,
                (Some(_), None) => false,
            };
            if take_bad {
                let (line, reason) = bad.next().expect("peeked");
                if self.bad_shown < BAD_LINES_SHOWN {
                    self.bad_shown += 1;
                    on(Event::BadLine {
                        line: offset + line,
                        reason,
                    })?;
                }
                continue;
            }
            let mut h = hits.next().expect("peeked");
            if let HitWhat::Allowlist { .. } = h.what {
                if let Some(flow) = h.flow
                    && !self.reported_flows.insert(flow)
                {
                    continue;
                }
                self.stats.allowlist_hits += 1;
            } else {
                self.stats.indicator_hits += 1;
            }
            h.line += offset;
            on(Event::Hit(&h))?;
        }
        let s = d.stats;
        self.stats.lines += s.lines;
        self.stats.records += s.records;
        self.stats.bytes += s.bytes;
        self.stats.bad_lines += s.bad_lines;
        self.next_seq += 1;
        Ok(d.buf)
    }
}

/// The chunks of one file in order, each with the reader state it starts with.
struct Feed<R> {
    chunker: Chunker<R>,
    state: FileState,
    seq: u64,
}

impl<R: Read> Feed<R> {
    /// The next chunk to read (in `buf`, reused), or `None` at the end.
    fn next(&mut self, buf: Vec<u8>) -> Result<Option<Work>, ScanError> {
        let Some(piece) = self.chunker.next(buf).map_err(read_error(&self.chunker))? else {
            return Ok(None);
        };
        self.state
            .prepare(&piece.as_ref())
            .map_err(ScanError::Header)?;
        let w = Work {
            seq: self.seq,
            piece,
            state: self.state.clone(),
        };
        if let Piece::Lines(b) = &w.piece {
            self.state.advance(b);
        }
        self.seq += 1;
        Ok(Some(w))
    }
}

/// Cuts a stream into chunks of whole lines.
struct Chunker<R> {
    input: R,
    carry: Vec<u8>,
    eof: bool,
    read: u64,
    /// A read error held back until the whole lines before it are handed on.
    error: Option<io::Error>,
    /// True once the first piece is out (a byte-order mark is dropped from it).
    started: bool,
}

impl<R: Read> Chunker<R> {
    fn new(input: R) -> Chunker<R> {
        Chunker {
            input,
            carry: Vec::new(),
            eof: false,
            read: 0,
            error: None,
            started: false,
        }
    }

    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> io::Result<()> {
        let mut filled = buf.len();
        buf.resize(want.max(filled), 0);
        while filled < buf.len() && !self.eof {
            match self.input.read(&mut buf[filled..]) {
                Ok(0) => self.eof = true,
                Ok(n) => {
                    filled += n;
                    self.read += n as u64;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    buf.truncate(filled);
                    return Err(e);
                }
            }
        }
        buf.truncate(filled);
        Ok(())
    }

    fn next(&mut self, buf: Vec<u8>) -> io::Result<Option<Piece>> {
        let mut piece = self.cut(buf)?;
        if !self.started {
            self.started = true;
            // Windows tools start UTF-8 files with a byte-order mark; it is not part of line 1.
            if let Some(Piece::Lines(b)) = &mut piece
                && b.starts_with(b"\xef\xbb\xbf")
            {
                b.drain(..3);
            }
        }
        Ok(piece)
    }

    fn cut(&mut self, mut buf: Vec<u8>) -> io::Result<Option<Piece>> {
        if let Some(e) = self.error.take() {
            return Err(e);
        }
        buf.clear();
        buf.append(&mut self.carry);
        let mut want = CHUNK;
        loop {
            if let Err(e) = self.fill(&mut buf, want) {
                // The whole lines read before the error are scanned; the error comes next.
                return match memchr::memrchr(b'\n', &buf) {
                    Some(i) => {
                        buf.truncate(i + 1);
                        self.error = Some(e);
                        Ok(Some(Piece::Lines(buf)))
                    }
                    None => Err(e),
                };
            }
            if self.eof {
                return Ok((!buf.is_empty()).then_some(Piece::Lines(buf)));
            }
            if let Some(i) = memchr::memrchr(b'\n', &buf) {
                self.carry.extend_from_slice(&buf[i + 1..]);
                buf.truncate(i + 1);
                return Ok(Some(Piece::Lines(buf)));
            }
            if buf.len() < MAX_LINE {
                want = (buf.len() * 2).min(MAX_LINE);
                continue;
            }
            // No newline in MAX_LINE bytes: skip to the next one.
            loop {
                buf.clear();
                self.fill(&mut buf, CHUNK)?;
                if let Some(i) = memchr::memchr(b'\n', &buf) {
                    self.carry.extend_from_slice(&buf[i + 1..]);
                    buf.clear();
                    return Ok(Some(Piece::LongLine(buf)));
                }
                if self.eof {
                    buf.clear();
                    return Ok(Some(Piece::LongLine(buf)));
                }
            }
        }
    }
}

fn read_error<R>(c: &Chunker<R>) -> impl Fn(io::Error) -> ScanError + '_ {
    move |e| ScanError::Read {
        what: format!("reading after {} bytes", c.read),
        source: e,
    }
}

/// Counts the bytes read from the file, for the progress bar.
struct Counted<'p, R> {
    inner: R,
    progress: &'p AtomicU64,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}
