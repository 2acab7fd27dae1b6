//! `cybernav scan`: indicators and the ICN allowlist against sensor and firewall logs.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use clap::{Args, ValueEnum};
use cybernav_app::scan::{IndicatorFile, read_indicator_file};
use cybernav_scan::engine::Event;
use cybernav_scan::hit::write_json;
use cybernav_scan::{
    Allowlist, Audit, CsvMapping, FileStats, IndexBuilder, LogFormat, Scanner, Service,
};
use indicatif::{ProgressBar, ProgressStyle};

/// The kinds of log read.
#[derive(Clone, Copy, ValueEnum)]
pub enum ScanFormat {
    /// Suricata EVE JSON.
    Eve,
    /// Zeek logs (conn, dns, ssl, http, files), TSV with the #fields header or JSON.
    Zeek,
    /// Firewall or flow CSV (see --columns).
    Csv,
}

/// `cybernav scan`'s arguments.
#[derive(Args)]
pub struct ScanArgs {
    /// Indicator files: plain lists (one value a line, defanged or not, # comments), CSV with a
    /// header (.csv), STIX bundles (.json). Give several after one --indicators, or repeat it.
    #[arg(long, num_args = 1.., value_name = "FILE")]
    indicators: Vec<PathBuf>,
    /// The ICN allowlist: `cybernav allowlist export` (text or JSON) or a list of networks with
    /// `# authority` comment lines. Attributes hits to authorities; with --service, audits.
    #[arg(long, value_name = "FILE")]
    allowlist: Option<PathBuf>,
    /// The service to protect, CIDR[:PORT] (IPv6 as [CIDR]:PORT); repeat for several.
    #[arg(long, value_name = "CIDR:PORT")]
    service: Vec<String>,
    /// Private addressing only (213.20(a)(2)): a public source reaching the service is a
    /// violation even when allowlisted.
    #[arg(long)]
    private_only: bool,
    /// The kind of log.
    #[arg(long, value_enum)]
    format: ScanFormat,
    /// CSV only: which column is which, ROLE=COLUMN,… with roles src, dst, dport, domain, url,
    /// hash and columns by header name or by number from 1 (then the file has no header).
    /// Without it the header's usual names are recognised.
    #[arg(long, value_name = "MAPPING")]
    columns: Option<String>,
    /// CSV only: the delimiter (default ',').
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<char>,
    /// Worker threads (default: every core).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Also write the figures as JSON to this file.
    #[arg(long, value_name = "FILE")]
    stats: Option<PathBuf>,
    /// Log files: plain, gzip or zstd (told by their first bytes).
    #[arg(required = true, value_name = "LOG")]
    logs: Vec<PathBuf>,
}

#[derive(serde::Serialize, Default)]
struct Stats {
    files: usize,
    files_failed: usize,
    #[serde(flatten)]
    totals: FileStats,
    hits: u64,
    indicators: usize,
    threads: usize,
    load_seconds: f64,
    scan_seconds: f64,
    mb_per_second: f64,
    index: cybernav_scan::index::IndexCounts,
}

/// Runs the scan; exit status 0 when every file was read, 3 when one could not be (clap uses 2
/// for a mistake in the arguments, and an error before the scan gives 1).
pub fn run(args: ScanArgs) -> Result<ExitCode> {
    let format = log_format(&args)?;
    if args.indicators.is_empty() && args.service.is_empty() {
        bail!(
            "nothing to look for: give --indicators FILE…, or --allowlist FILE with --service CIDR:PORT"
        );
    }
    if !args.service.is_empty() && args.allowlist.is_none() {
        bail!("--service needs --allowlist FILE (the networks each authority may connect from)");
    }
    if args.private_only && args.service.is_empty() {
        bail!("--private-only needs --service CIDR:PORT (the service whose sources are checked)");
    }
    let threads = match args.threads {
        Some(0) => bail!("--threads must be at least 1"),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(1, usize::from),
    };
    let load_start = Instant::now();
    let audit = match &args.allowlist {
        Some(path) => Some(load_audit(path, &args.service, args.private_only)?),
        None => None,
    };
    // Files are read on every core at once, then added in the order given.
    let files: Vec<Result<IndicatorFile>> = std::thread::scope(|s| {
        let handles: Vec<_> = args
            .indicators
            .iter()
            .map(|path| s.spawn(move || read_indicators(path)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| bail!("reading an indicator file failed"))
            })
            .collect()
    });
    let mut builder = IndexBuilder::new();
    for file in files {
        for i in &file?.indicators {
            builder.add(i);
        }
    }
    let index = builder.build();
    let load_seconds = load_start.elapsed().as_secs_f64();
    let counts = index.counts();
    if !args.indicators.is_empty() {
        eprintln!(
            "indicators: {} addresses, {} networks, {} domains, {} URLs, {} hashes ({} skipped: duplicates or kinds logs do not carry); {:.0} MB, loaded in {load_seconds:.2} s",
            thousands(counts.addresses as u64),
            thousands(counts.networks as u64),
            thousands(counts.domains as u64),
            thousands(counts.urls as u64),
            thousands(counts.hashes as u64),
            thousands(counts.skipped as u64),
            counts.bytes as f64 / 1e6,
        );
    }
    let scanner = Scanner {
        index: &index,
        audit: audit.as_ref(),
        threads,
    };
    let total_bytes: u64 = args
        .logs
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let progress = AtomicU64::new(0);
    let finished = AtomicBool::new(false);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
    let mut stats = Stats {
        threads,
        load_seconds,
        index: counts,
        indicators: counts.addresses
            + counts.networks
            + counts.domains
            + counts.urls
            + counts.hashes,
        ..Stats::default()
    };
    let scan_start = Instant::now();
    std::thread::scope(|s| -> Result<()> {
        if std::io::stderr().is_terminal() {
            s.spawn(|| show_progress(&progress, &finished, total_bytes));
        }
        let result = scan_all(
            &scanner, &args.logs, &format, &progress, &mut out, &mut stats,
        );
        finished.store(true, Ordering::Relaxed);
        result
    })?;
    out.flush().context("writing the results")?;
    stats.scan_seconds = scan_start.elapsed().as_secs_f64();
    stats.mb_per_second = stats.totals.bytes as f64 / 1e6 / stats.scan_seconds.max(1e-9);
    stats.hits = stats.totals.indicator_hits + stats.totals.allowlist_hits;
    let t = &stats.totals;
    eprintln!(
        "scanned {} of {} files: {} records, {:.1} MB in {:.2} s ({:.0} MB/s on {threads} threads); {} hits ({} indicator, {} allowlist); {} bad lines",
        stats.files - stats.files_failed,
        stats.files,
        thousands(t.records),
        t.bytes as f64 / 1e6,
        stats.scan_seconds,
        stats.mb_per_second,
        thousands(stats.hits),
        thousands(t.indicator_hits),
        thousands(t.allowlist_hits),
        thousands(t.bad_lines),
    );
    if let Some(path) = &args.stats {
        std::fs::write(path, serde_json::to_vec_pretty(&stats)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(if stats.files_failed > 0 {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

fn scan_all(
    scanner: &Scanner<'_>,
    logs: &[PathBuf],
    format: &LogFormat,
    progress: &AtomicU64,
    out: &mut impl Write,
    stats: &mut Stats,
) -> Result<()> {
    for path in logs {
        let name = path.display().to_string();
        stats.files += 1;
        let mut bad_shown = 0u64;
        // Hits written, counted here too: a file that fails part-way still reports them.
        let mut written = (0u64, 0u64);
        let result = scanner.scan_path(path, format, progress, |event| match event {
            Event::Hit(hit) => {
                match hit.what {
                    cybernav_scan::HitWhat::Indicator(_) => written.0 += 1,
                    cybernav_scan::HitWhat::Allowlist { .. } => written.1 += 1,
                }
                write_json(out, &name, hit, scanner.index, scanner.audit)
            }
            Event::BadLine { line, reason } => {
                bad_shown += 1;
                eprintln!("{name}:{line}: {reason}");
                Ok(())
            }
        });
        match result {
            Ok(file) => {
                if file.bad_lines > bad_shown {
                    eprintln!(
                        "{name}: {} bad lines in all (the first {bad_shown} shown); the rest of the file was scanned",
                        thousands(file.bad_lines)
                    );
                }
                stats.totals.add(&file);
            }
            Err(cybernav_scan::ScanError::Output(e)) => {
                return Err(e).context("writing the results");
            }
            Err(e) => {
                stats.files_failed += 1;
                stats.totals.indicator_hits += written.0;
                stats.totals.allowlist_hits += written.1;
                eprintln!("{name}: {e}; what was read before is reported");
            }
        }
    }
    Ok(())
}

fn show_progress(progress: &AtomicU64, finished: &AtomicBool, total: u64) {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "scanning {bar:30} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    while !finished.load(Ordering::Relaxed) {
        bar.set_position(progress.load(Ordering::Relaxed));
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}

fn log_format(args: &ScanArgs) -> Result<LogFormat> {
    match args.format {
        ScanFormat::Eve | ScanFormat::Zeek
            if args.columns.is_some() || args.delimiter.is_some() =>
        {
            bail!("--columns and --delimiter are for --format csv")
        }
        ScanFormat::Eve => Ok(LogFormat::Eve),
        ScanFormat::Zeek => Ok(LogFormat::Zeek),
        ScanFormat::Csv => {
            let mut m = match &args.columns {
                Some(spec) => {
                    CsvMapping::parse(spec).map_err(|e| anyhow::anyhow!("--columns: {e}"))?
                }
                None => CsvMapping::default(),
            };
            if let Some(d) = args.delimiter {
                if !d.is_ascii() {
                    bail!("--delimiter must be one ASCII character, such as ',' ';' or '|'");
                }
                m.delimiter = Some(d as u8);
            }
            Ok(LogFormat::Csv(m))
        }
    }
}

fn load_audit(path: &Path, services: &[String], private_only: bool) -> Result<Audit> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the allowlist {}", path.display()))?;
    let allowlist =
        Allowlist::parse(&text).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
    let services = services
        .iter()
        .map(|s| Service::parse(s).map_err(|e| anyhow::anyhow!("--service {e}")))
        .collect::<Result<Vec<_>>>()?;
    Ok(Audit {
        allowlist,
        services,
        private_only,
    })
}

fn read_indicators(path: &Path) -> Result<IndicatorFile> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("reading {name}"))?;
    let file = read_indicator_file(&name, &bytes, time::OffsetDateTime::now_utc())
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for r in file.rejected.iter().take(5) {
        eprintln!("{name}: {r}; skipped");
    }
    if file.rejected.len() > 5 {
        eprintln!(
            "{name}: {} entries refused in all; the rest were loaded",
            file.rejected.len()
        );
    }
    if file.indicators.is_empty() {
        bail!(
            "{name}: no indicators in it (read as {}); check the file",
            file.read_as
        );
    }
    if file.left_out > 0 {
        eprintln!(
            "{name}: {} STIX indicators left out (revoked, expired, or patterns that are not plain values)",
            file.left_out
        );
    }
    Ok(file)
}

fn thousands(n: u64) -> String {
    cybernav_core::numbers::thousands(i64::try_from(n).unwrap_or(i64::MAX))
}
