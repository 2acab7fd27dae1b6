//! The `cybernav` command: serves the web UI and API, and runs administration from the shell.
//! Thin on purpose: it parses arguments, builds the configuration and calls `cybernav-app`.

mod mapped;
mod scan;
mod taxii;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand};
use cybernav_app::audit::{ChainCheck, verify_chain};
use cybernav_app::mail::{Mailer, run_worker};
use cybernav_app::store::users::UserQuery;
use cybernav_app::{App, Config, RequestMeta};
use cybernav_core::role::Role;
use indicatif::{ProgressBar, ProgressStyle};

#[derive(Parser)]
#[command(
    name = "cybernav",
    version,
    about = "The Cyber Navigator Program's workspace: election authorities, navigators, the Board."
)]
struct Cli {
    /// Folder for the embedded database (default ./data; also CYBERNAV_DATA_DIR).
    #[arg(long, global = true, env = "CYBERNAV_DATA_DIR", default_value = "data")]
    data_dir: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web UI and the API.
    Serve {
        /// Load the Illinois demo into an empty database and print demo logins.
        #[arg(long)]
        demo: bool,
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: SocketAddr,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Manage accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API tokens.
    Token {
        #[command(subcommand)]
        command: TokenCommand,
    },
    /// Load a registry CSV file (the format the Election authorities page exports). The file
    /// is checked whole first: with any bad row nothing is stored, and every error is listed
    /// by line and column.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Write the registry as CSV (to stdout, or to --out), in the format `import` reads.
    Export {
        /// Which file: election authorities or their contacts.
        #[arg(value_enum)]
        what: RegistryFile,
        /// Destination file (default: stdout).
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Requirement sets: load a state's own checklist, or list those stored.
    RequirementSet {
        #[command(subcommand)]
        command: RequirementSetCommand,
    },
    /// Catalogs of controls that assessments use (Part 213.40).
    Catalog {
        #[command(subcommand)]
        command: CatalogCommand,
    },
    /// The ICN allowlist (Part 213.20).
    Allowlist {
        #[command(subcommand)]
        command: AllowlistCommand,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
    /// Check signed attestations (written verification under Part 213.50(b)).
    Attestation {
        #[command(subcommand)]
        command: AttestationCommand,
    },
    /// TAXII 2.1 collections of partners' servers that the desk polls (Part 213.30(a)(4)).
    Taxii {
        #[command(subcommand)]
        command: taxii::TaxiiCommand,
    },
    /// The daily digest (Part 213.30(a)(8)): send it now, or preview one person's.
    Digest {
        #[command(subcommand)]
        command: DigestCommand,
    },
    /// Look for indicators and ICN allowlist violations in sensor and firewall logs (Suricata
    /// EVE, Zeek, CSV): one JSON object a hit on stdout, figures on stderr (docs/SCANNING.md).
    Scan(scan::ScanArgs),
    /// Write a consistent copy of the embedded database.
    Backup {
        /// Destination file (default: DATA_DIR/backups/cybernav-<UTC time>.db).
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum DigestCommand {
    /// Queue today's digest for everyone who may receive it (once per person per date, however
    /// often it runs), deliver it when CYBERNAV_SMTP_URL is set, and print a JSON summary.
    Send {
        /// The digest's date on the Board's clock, YYYY-MM-DD (default: the latest one due).
        #[arg(long)]
        date: Option<String>,
    },
    /// Print what one person would get, without sending or recording anything.
    Preview {
        /// The person's e-mail address.
        #[arg(long = "as")]
        email: String,
        /// The digest's date on the Board's clock, YYYY-MM-DD (default: the latest one due).
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// List accounts.
    List {
        /// Print a JSON array of {"email","role","election_authority"}.
        #[arg(long)]
        json: bool,
    },
    /// Create the first Board administrator (or any board_admin) and print their invitation link.
    CreateAdmin {
        /// E-mail address.
        #[arg(long)]
        email: String,
        /// Full name.
        #[arg(long)]
        name: String,
    },
}

#[derive(Subcommand)]
enum TokenCommand {
    /// Create an API token for an account; prints the token once on stdout.
    Create {
        /// The account's e-mail.
        #[arg(long)]
        user: String,
        /// A name for the token.
        #[arg(long, default_value = "command line")]
        name: String,
    },
}

/// What `import` reads. Every importer checks the whole file first and stores nothing when
/// any part of it is wrong.
#[derive(Subcommand)]
enum ImportCommand {
    /// Election authorities CSV: name, kind, county, fips_code, population, zone, navigators.
    Authorities {
        /// The CSV file.
        file: PathBuf,
    },
    /// Contacts CSV: authority, role, name, organisation, phone, email, last_verified_on.
    Contacts {
        /// The CSV file.
        file: PathBuf,
    },
    /// CISA Cyber Hygiene CSVs of one election authority (findings.csv,
    /// mitigated-vulnerabilities.csv, potentially-risky-services.csv; the kind is told by the
    /// name or the header). Rows are matched to the findings on file; all files are stored in
    /// one transaction or not at all. See docs/CYHY-KEV.md.
    Cyhy {
        /// The election authority: its id or its exact name.
        #[arg(long)]
        election_authority: String,
        /// The CSV files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// CISA Known Exploited Vulnerabilities catalog (JSON): replaces the catalog on file and
    /// flags every finding whose CVE it lists.
    Kev {
        /// The JSON file.
        file: PathBuf,
    },
    /// A catalog of controls: OSCAL catalog JSON or a CIS CSAT CSV export (see
    /// docs/ASSESSMENTS.md). Every problem is listed with file, line and field; nothing is
    /// loaded unless the whole file is right.
    Catalog {
        /// The catalog file.
        file: PathBuf,
    },
    /// A STIX 2.1 (or 2.0) bundle: indicators de-duplicated with every source kept, other
    /// objects kept as received. Prints {"imported","duplicates","rejected":[{"id","reason"}]}
    /// as JSON; refused objects do not block the others. Do not change the file while it is
    /// imported (it is read in place). See docs/SHARING.md.
    Stix {
        /// The bundle (JSON).
        file: PathBuf,
        #[command(flatten)]
        source: SourceArgs,
    },
    /// A MISP feed folder (manifest.json and one <uuid>.json per event). Prints the same JSON
    /// summary; an event whose file is missing or unreadable is refused by its UUID.
    MispFeed {
        /// The feed folder.
        dir: PathBuf,
        #[command(flatten)]
        source: SourceArgs,
    },
    /// A list of indicators: CSV with a value column (.csv), or free text with one indicator
    /// a line, defanged (hxxp, [.], [at]) or not. Prints the same JSON summary.
    Indicators {
        /// The list file.
        file: PathBuf,
        #[command(flatten)]
        source: SourceArgs,
    },
}

/// Where imported threat information comes from, and how to mark what it sends unmarked.
#[derive(clap::Args)]
struct SourceArgs {
    /// The source's name, registered on its first import ("CISA AIS", "MS-ISAC").
    #[arg(long, default_value = "Manual import")]
    source: String,
    /// TLP level for objects that carry none (CLEAR, GREEN, AMBER, AMBER+STRICT; not RED); used
    /// when the source is first registered.
    #[arg(long, default_value = "AMBER")]
    tlp: String,
    /// Handling caveats added to everything from the source (FOUO, CUI); repeatable.
    #[arg(long)]
    caveat: Vec<String>,
}

impl SourceArgs {
    fn spec(&self, kind: &str) -> Result<cybernav_app::sharing::intake::SourceSpec> {
        use cybernav_core::sharing::marking::{Caveat, Marking, Tlp};
        let tlp = Tlp::parse(&self.tlp).map_err(|e| anyhow::anyhow!("--tlp: {e}"))?;
        cybernav_core::sharing::marking::check_source_default(tlp)
            .map_err(|e| anyhow::anyhow!("--tlp: {e}"))?;
        let mut marking = Marking::tlp(tlp);
        for c in &self.caveat {
            marking = marking
                .with_caveat(Caveat::parse(c).map_err(|e| anyhow::anyhow!("--caveat: {e}"))?);
        }
        Ok(cybernav_app::sharing::intake::SourceSpec {
            name: self.source.trim().to_string(),
            kind: kind.to_string(),
            default_marking: marking,
        })
    }
}

#[derive(Subcommand)]
enum CatalogCommand {
    /// List the catalogs loaded: id, version, title, origin, items.
    List,
}

/// The two registry files.
#[derive(Clone, Copy, clap::ValueEnum)]
enum RegistryFile {
    /// Election authorities: name, kind, county, fips_code, population, zone, navigators.
    Authorities,
    /// Contacts: authority, role, name, organisation, phone, email, last_verified_on.
    Contacts,
}

#[derive(Subcommand)]
enum RequirementSetCommand {
    /// Load a requirement set (TOML; see docs/REQUIREMENT-SETS.md). A set with problems is
    /// refused whole, with every problem by line.
    Load {
        /// The TOML file.
        file: PathBuf,
    },
    /// List the stored requirement sets.
    List,
}

#[derive(Subcommand)]
enum AttestationCommand {
    /// Verify a signed attestation file. Needs no database. Exits 0 and says who signed what
    /// and when; exits 2 naming what does not match when anything in the file changed.
    Verify {
        /// The signed file (downloaded from /api/v1/attestations/{id}).
        file: PathBuf,
        /// The Board's published public key (base64, from /api/v1/attestation-key): without
        /// it, the file is only checked against the key it carries itself.
        #[arg(long)]
        public_key: Option<String>,
    },
}

#[derive(Subcommand)]
enum AllowlistCommand {
    /// Print every election authority's allowlisted networks to stdout, for firewall and
    /// scanner configuration.
    Export {
        /// `text`: one network per line with `# authority — circuit` comment lines; `json`:
        /// {"allowlist":[{"network","election_authority","circuit","public"}],"generated_at"}.
        #[arg(long, value_enum, default_value = "text")]
        format: AllowlistFormat,
    },
}

/// How `allowlist export` prints.
#[derive(Clone, Copy, clap::ValueEnum)]
enum AllowlistFormat {
    /// One network per line.
    Text,
    /// A JSON document.
    Json,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Verify the hash chain; exits non-zero naming the first broken record.
    Verify,
}

fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("RUST_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

async fn open(data_dir: PathBuf) -> Result<App> {
    open_with(data_dir, None).await
}

/// As [`open`], with one database connection: for a command that works alone, so that a bulk
/// import may write with a rollback journal (`cybernav_store::solo_bulk`).
async fn open_alone(data_dir: PathBuf) -> Result<App> {
    open_with(data_dir, Some(1)).await
}

async fn open_with(data_dir: PathBuf, connections: Option<u32>) -> Result<App> {
    let mut config = Config::new(data_dir)
        .with_env()
        .map_err(anyhow::Error::msg)?;
    // Only the embedded database: on PostgreSQL an import stores a new marking list on a
    // second connection (`Tx::marking_list_id`), and there is no journal to switch.
    if config.database_url.is_none() {
        config.connections = connections;
    }
    App::open(config).await.map_err(|e| {
        let busy = e.to_string().contains("database is locked");
        anyhow::Error::new(e).context(if busy {
            // An import alone with the database writes with a rollback journal, during which
            // nothing else may open it (cybernav_store::solo_bulk).
            "cannot open the database: another cybernav command (an import) is writing it; \
             run this again when it has ended (nothing was changed)"
        } else {
            "cannot open the database (nothing was changed)"
        })
    })
}

#[tokio::main]
async fn main() -> ExitCode {
    init_logging();
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve { demo, bind } => serve(cli.data_dir, demo, bind).await?,
        Command::Migrate => {
            open(cli.data_dir).await?;
            println!("database is up to date");
        }
        Command::User {
            command: UserCommand::List { json },
        } => user_list(cli.data_dir, json).await?,
        Command::User {
            command: UserCommand::CreateAdmin { email, name },
        } => create_admin(cli.data_dir, &email, &name).await?,
        Command::Token {
            command: TokenCommand::Create { user, name },
        } => token_create(cli.data_dir, &user, &name).await?,
        Command::Audit {
            command: AuditCommand::Verify,
        } => return audit_verify(cli.data_dir).await,
        Command::Backup { out } => backup(cli.data_dir, out).await?,
        Command::Scan(args) => return scan::run(args),
        Command::Taxii { command } => return taxii::run(cli.data_dir, command).await,
        Command::Digest { command } => match command {
            DigestCommand::Send { date } => {
                return digest_send(cli.data_dir, date.as_deref()).await;
            }
            DigestCommand::Preview { email, date } => {
                return digest_preview(cli.data_dir, &email, date.as_deref()).await;
            }
        },
        Command::Attestation {
            command: AttestationCommand::Verify { file, public_key },
        } => return attestation_verify(&file, public_key.as_deref()),
        Command::Import { command } => match command {
            ImportCommand::Authorities { file } => {
                return import(cli.data_dir, RegistryFile::Authorities, &file).await;
            }
            ImportCommand::Contacts { file } => {
                return import(cli.data_dir, RegistryFile::Contacts, &file).await;
            }
            ImportCommand::Cyhy {
                election_authority,
                files,
            } => return import_cyhy(cli.data_dir, &election_authority, &files).await,
            ImportCommand::Kev { file } => return import_kev(cli.data_dir, &file).await,
            ImportCommand::Catalog { file } => return catalog_import(cli.data_dir, &file).await,
            ImportCommand::Stix { file, source } => {
                return import_stix(cli.data_dir, &file, &source).await;
            }
            ImportCommand::MispFeed { dir, source } => {
                return import_misp_feed(cli.data_dir, &dir, &source).await;
            }
            ImportCommand::Indicators { file, source } => {
                return import_indicators(cli.data_dir, &file, &source).await;
            }
        },
        Command::Catalog {
            command: CatalogCommand::List,
        } => catalog_list(cli.data_dir).await?,
        Command::Export { what, out } => export(cli.data_dir, what, out).await?,
        Command::RequirementSet {
            command: RequirementSetCommand::Load { file },
        } => return requirement_set_load(cli.data_dir, &file).await,
        Command::RequirementSet {
            command: RequirementSetCommand::List,
        } => requirement_set_list(cli.data_dir).await?,
        Command::Allowlist {
            command: AllowlistCommand::Export { format },
        } => allowlist_export(cli.data_dir, format).await?,
    }
    Ok(ExitCode::SUCCESS)
}

async fn serve(data_dir: PathBuf, demo: bool, bind: SocketAddr) -> Result<()> {
    let app = open(data_dir).await?;
    let shipped = app
        .load_shipped_catalogs()
        .await
        .context("loading the catalogs that ship with cybernav")?;
    if shipped > 0 {
        tracing::info!(catalogs = shipped, "loaded the shipped catalogs");
    }
    if demo && app.is_empty().await? {
        let summary = app.seed_demo().await.context("loading the demo")?;
        println!(
            "Demo data loaded: {} election authorities, {} people.",
            summary.authorities, summary.people
        );
        println!("Password for every demo login: {}", summary.password);
        for l in &summary.logins {
            match &l.authority {
                Some(a) => println!("  {:<16} {}  ({a})", l.role.as_str(), l.email),
                None => println!("  {:<16} {}", l.role.as_str(), l.email),
            }
        }
        println!();
    } else if demo {
        println!(
            "The database already has data; the demo was not loaded again. Demo logins keep the password printed when it was first loaded."
        );
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    match &app.config.smtp_url {
        Some(url) => {
            let mailer = Mailer::new(url, &app.config.mail_from).map_err(anyhow::Error::msg)?;
            tokio::spawn(run_worker(
                app.store.clone(),
                mailer,
                Duration::from_millis(app.config.outbox_poll_ms),
                stop_rx.clone(),
            ));
        }
        None => {
            tracing::warn!("CYBERNAV_SMTP_URL is not set: e-mail waits in the outbox until it is")
        }
    }
    if let Some(url) = app.config.kev_url.clone() {
        tokio::spawn(cybernav_app::findings::run_kev_download(
            app.clone(),
            url,
            Duration::from_secs(app.config.kev_interval_hours * 3600),
            stop_rx.clone(),
        ));
    }
    tokio::spawn(cybernav_app::statewide::run_reminders(
        app.clone(),
        Duration::from_secs(3600),
        stop_rx.clone(),
    ));
    tokio::spawn(cybernav_app::sharing::digest::run_daily_digest(
        app.clone(),
        Duration::from_secs(300),
        stop_rx.clone(),
    ));
    tokio::spawn(cybernav_app::need_to_know::run_expiry_warnings(
        app.clone(),
        Duration::from_secs(3600),
        stop_rx.clone(),
    ));
    tokio::spawn(cybernav_app::sharing::taxii_feeds::run_taxii_polling(
        app.clone(),
        Duration::from_secs(60),
        stop_rx.clone(),
    ));
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .with_context(|| format!("cannot listen on {bind}"))?;
    let addr = listener.local_addr()?;
    let router = cybernav_web::router(cybernav_web::AppState::new(app.clone()));
    println!("cybernav is serving at http://{addr}/");
    let shutdown = async move {
        let ctrl_c = tokio::signal::ctrl_c();
        #[cfg(unix)]
        {
            let mut term =
                match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                    Ok(s) => s,
                    Err(_) => {
                        let _ = ctrl_c.await;
                        return;
                    }
                };
            tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
        }
        #[cfg(not(unix))]
        {
            let _ = ctrl_c.await;
        }
        let _ = stop_tx.send(true);
    };
    cybernav_web::serve(listener, router, shutdown).await?;
    app.store.close().await;
    Ok(())
}

#[derive(serde::Serialize)]
struct UserLine {
    email: String,
    role: Role,
    election_authority: Option<String>,
}

async fn user_list(data_dir: PathBuf, json: bool) -> Result<()> {
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let reader = system.read_people().context("system reads people")?;
    let people = app.list_people(&reader, &UserQuery::default()).await?;
    let lines: Vec<UserLine> = people
        .into_iter()
        .map(|p| UserLine {
            email: p.email,
            role: p.role,
            election_authority: p.election_authority,
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&lines)?);
    } else {
        for l in lines {
            println!(
                "{:<16} {:<45} {}",
                l.role.as_str(),
                l.email,
                l.election_authority.unwrap_or_default()
            );
        }
    }
    Ok(())
}

async fn create_admin(data_dir: PathBuf, email: &str, name: &str) -> Result<()> {
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system.manage_people().context("system manages people")?;
    let input = cybernav_app::people::InvitationInput {
        email: email.into(),
        name: name.into(),
        role: Role::BoardAdmin.as_str().into(),
        election_authority_id: None,
        partner_org_id: None,
    };
    let id = app
        .invite(&cap, &input, &command_line())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("Created Board administrator {email} ({id}).");
    println!(
        "An invitation e-mail is queued; it is sent when CYBERNAV_SMTP_URL is set and the server runs."
    );
    Ok(())
}

async fn token_create(data_dir: PathBuf, email: &str, name: &str) -> Result<()> {
    let app = open(data_dir).await?;
    let mut tx = app.store.read().await?;
    let Some(user) = tx.find_user_by_email(&email.trim().to_lowercase()).await? else {
        bail!("no account has the e-mail address {email}; see 'cybernav user list'");
    };
    let actor = cybernav_app::accounts::actor_for(&mut tx, &user).await?;
    drop(tx);
    let meta = command_line();
    let (_, token) = app
        .create_api_token(&actor, name, &meta)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{token}");
    Ok(())
}

/// Who the command line acts as in audit records.
fn command_line() -> RequestMeta {
    RequestMeta {
        ip: Some("command line".into()),
        user_agent: None,
    }
}

async fn import(data_dir: PathBuf, what: RegistryFile, file: &std::path::Path) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system
        .manage_registry()
        .context("system manages the registry")?;
    let result = match what {
        RegistryFile::Authorities => {
            app.import_authorities_csv(&cap, &bytes, &command_line())
                .await
        }
        RegistryFile::Contacts => app.import_contacts_csv(&cap, &bytes, &command_line()).await,
    };
    match result {
        Ok(s) => {
            println!(
                "{}: {} created, {} updated, {} unchanged",
                file.display(),
                s.created,
                s.updated,
                s.unchanged
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(cybernav_app::AppError::Invalid(errors)) => {
            for e in &errors.0 {
                eprintln!("{}: {}: {}", file.display(), e.field, e.message);
            }
            eprintln!(
                "{}: {} problem(s); nothing was imported. Fix the file and run the command again.",
                file.display(),
                errors.0.len()
            );
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

/// Prints a refused import's problems (each names file, line and column) and says nothing
/// was stored.
fn print_refusal(what: &str, errors: &cybernav_core::FieldErrors) -> ExitCode {
    for e in &errors.0 {
        eprintln!("{}: {}", e.field, e.message);
    }
    eprintln!(
        "{what}: {} problem(s); nothing was imported. Fix the file and run the command again.",
        errors.0.len()
    );
    ExitCode::FAILURE
}

async fn import_cyhy(data_dir: PathBuf, authority: &str, files: &[PathBuf]) -> Result<ExitCode> {
    let mut loaded = Vec::new();
    for f in files {
        let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
        loaded.push((f.display().to_string(), bytes));
    }
    let app = open(data_dir).await?;
    let ea = {
        let mut tx = app.store.read().await?;
        let all = tx
            .all_election_authorities(&cybernav_core::authz::EaScope::All)
            .await?;
        let wanted = authority.trim();
        let found = all.iter().find(|e| {
            e.authority.id.to_string() == wanted || e.authority.name.eq_ignore_ascii_case(wanted)
        });
        match found {
            Some(e) => e.authority.id,
            None => {
                eprintln!(
                    "no election authority has the id or name '{wanted}'; see `cybernav export authorities`"
                );
                return Ok(ExitCode::FAILURE);
            }
        }
    };
    let system = cybernav_core::authz::system_actor();
    let cap = system
        .manage_findings_of(ea)
        .map_err(|_| anyhow::anyhow!("system manages findings"))?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("importing {bar:30} {pos}/{len} rows")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let progress = |done: u64, total: u64| {
        bar.set_length(total);
        bar.set_position(done);
    };
    let result = app
        .import_cyhy(&cap, &loaded, &command_line(), &progress)
        .await;
    bar.finish_and_clear();
    match result {
        Ok(counts) => {
            for c in counts {
                println!(
                    "{} ({}): {} rows; {} created, {} updated, {} closed, {} unchanged",
                    c.file, c.kind, c.rows, c.created, c.updated, c.closed, c.unchanged
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(cybernav_app::AppError::Invalid(errors)) => {
            Ok(print_refusal("Cyber Hygiene import", &errors))
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

async fn import_kev(data_dir: PathBuf, file: &std::path::Path) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system
        .manage_kev()
        .context("system keeps the KEV catalog")?;
    let name = file.display().to_string();
    match app.import_kev(&cap, &name, &bytes, &command_line()).await {
        Ok(k) => {
            println!(
                "{name}: KEV catalog {} stored ({} vulnerabilities); {} finding(s) flagged",
                k.catalog_version, k.entries, k.flagged
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(cybernav_app::AppError::Invalid(errors)) => Ok(print_refusal(&name, &errors)),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

/// Reads `--date YYYY-MM-DD`.
fn digest_date(raw: Option<&str>) -> Result<Option<time::Date>> {
    raw.map(|d| {
        time::Date::parse(
            d.trim(),
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .map_err(|_| {
            anyhow::anyhow!("--date: '{d}' is not a date; write YYYY-MM-DD, e.g. 2026-12-01")
        })
    })
    .transpose()
}

fn digest_refusal(errors: &cybernav_core::FieldErrors) -> ExitCode {
    for e in &errors.0 {
        eprintln!("--{}: {}", e.field, e.message);
    }
    eprintln!("digest: nothing was sent or recorded.");
    ExitCode::FAILURE
}

async fn digest_send(data_dir: PathBuf, date: Option<&str>) -> Result<ExitCode> {
    let date = digest_date(date)?;
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system.send_digest().context("system sends the digest")?;
    let summary = match app
        .send_digest(&cap, date, cybernav_app::store::now(), None)
        .await
    {
        Ok(s) => s,
        Err(cybernav_app::AppError::Invalid(errors)) => return Ok(digest_refusal(&errors)),
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    let mut out = serde_json::to_value(&summary)?;
    if let Some(url) = &app.config.smtp_url {
        let mailer = Mailer::new(url, &app.config.mail_from).map_err(anyhow::Error::msg)?;
        let delivered =
            cybernav_app::mail::deliver_due(&app.store, &mailer, cybernav_app::store::now())
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
        out["delivered"] = delivered.into();
    } else {
        eprintln!(
            "CYBERNAV_SMTP_URL is not set: the digests wait in the outbox for `cybernav serve` to deliver them"
        );
    }
    println!("{}", serde_json::to_string(&out)?);
    Ok(ExitCode::SUCCESS)
}

async fn digest_preview(data_dir: PathBuf, email: &str, date: Option<&str>) -> Result<ExitCode> {
    let date = digest_date(date)?;
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system.send_digest().context("system sends the digest")?;
    match app
        .preview_digest(
            &cap,
            email,
            date,
            cybernav_app::store::now(),
            &command_line(),
        )
        .await
    {
        Ok(Ok(d)) => {
            println!("To: {}\nSubject: {}\n\n{}", email.trim(), d.subject, d.body);
            Ok(ExitCode::SUCCESS)
        }
        Ok(Err(reason)) => {
            println!("{reason}");
            Ok(ExitCode::SUCCESS)
        }
        Err(cybernav_app::AppError::Invalid(errors)) => Ok(digest_refusal(&errors)),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

/// Prints an intake summary as one JSON object on standard output, or the refusal of `name`.
fn print_intake(
    name: &str,
    result: cybernav_app::AppResult<cybernav_app::sharing::intake::IntakeSummary>,
) -> Result<ExitCode> {
    match result {
        Ok(summary) => {
            println!("{}", serde_json::to_string(&summary)?);
            Ok(ExitCode::SUCCESS)
        }
        Err(cybernav_app::AppError::Invalid(errors)) => Ok(print_refusal(name, &errors)),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

async fn import_stix(
    data_dir: PathBuf,
    file: &std::path::Path,
    source: &SourceArgs,
) -> Result<ExitCode> {
    let spec = source.spec("stix")?;
    let bytes = mapped::Input::open(file)?;
    let app = open_alone(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system
        .import_intel()
        .context("system imports threat information")?;
    let name = file.display().to_string();
    let working = working_on(format!("{name} ({})", megabytes(bytes.len())));
    // Alone with the database, the import writes each page once (cybernav_store::solo_bulk);
    // with a server or another command on it, in WAL mode as usual.
    let alone = app
        .store
        .rollback_journal_if_alone()
        .await
        .context("cannot prepare the database for the import (nothing was changed)")?;
    tracing::debug!(alone, "journal chosen for the import");
    let result = app
        .import_stix(&cap, &spec, &name, bytes, &command_line())
        .await;
    if alone && let Err(e) = app.store.write_ahead_log_again().await {
        // The next connection to open the database puts it back in WAL mode.
        tracing::warn!(error = %e, "the database stays in rollback-journal mode until next opened");
    }
    let closing = std::time::Instant::now();
    app.store.close().await;
    tracing::debug!(closed_ms = closing.elapsed().as_millis(), "store closed");
    working.finish_and_clear();
    print_intake(&name, result)
}

/// A spinner on standard error while an import runs (hidden when standard error is not a
/// terminal), with what is being read and the time so far: a large bundle takes seconds, and
/// the summary comes only at the end.
fn working_on(what: String) -> ProgressBar {
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} importing {msg}, {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(what);
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}

/// `12.3 MB`, for people.
fn megabytes(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

async fn import_misp_feed(
    data_dir: PathBuf,
    dir: &std::path::Path,
    source: &SourceArgs,
) -> Result<ExitCode> {
    let spec = source.spec("misp_feed")?;
    let manifest_path = dir.join("manifest.json");
    let manifest = std::fs::read(&manifest_path).with_context(|| {
        format!(
            "cannot read {}: is this a MISP feed folder?",
            manifest_path.display()
        )
    })?;
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system
        .import_intel()
        .context("system imports threat information")?;
    let name = dir.display().to_string();
    let event_file = |uuid: &str| {
        std::fs::read(dir.join(format!("{uuid}.json"))).map_err(|e| format!("cannot read it: {e}"))
    };
    let working = working_on(name.clone());
    let result = app
        .import_misp_feed(&cap, &spec, &name, &manifest, event_file, &command_line())
        .await;
    working.finish_and_clear();
    print_intake(&name, result)
}

async fn import_indicators(
    data_dir: PathBuf,
    file: &std::path::Path,
    source: &SourceArgs,
) -> Result<ExitCode> {
    use cybernav_app::sharing::intake_feeds::ListFormat;
    let spec = source.spec("list")?;
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system
        .import_intel()
        .context("system imports threat information")?;
    let name = file.display().to_string();
    let format = ListFormat::from_name(&name);
    let working = working_on(format!("{name} ({})", megabytes(bytes.len())));
    let result = app
        .import_indicator_list(&cap, &spec, &name, format, &bytes, &command_line())
        .await;
    working.finish_and_clear();
    print_intake(&name, result)
}

async fn requirement_set_load(data_dir: PathBuf, file: &std::path::Path) -> Result<ExitCode> {
    let source = std::fs::read_to_string(file)
        .with_context(|| format!("cannot read {} as UTF-8 text", file.display()))?;
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system.manage_grants().context("system manages grants")?;
    let name = file.display().to_string();
    match app
        .load_requirement_set(&cap, &name, &source, &command_line())
        .await
    {
        Ok(set) => {
            println!(
                "Loaded {} version {}: {} ({} requirements).",
                set.id,
                set.version,
                set.title,
                set.requirements.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(cybernav_app::AppError::Invalid(errors)) => {
            for e in &errors.0 {
                eprintln!("{}", e.message);
            }
            eprintln!(
                "{name}: {} problem(s); nothing was loaded. Fix the file and run the command again.",
                errors.0.len()
            );
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

async fn catalog_import(data_dir: PathBuf, file: &std::path::Path) -> Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let name = file.display().to_string();
    let catalog = match cybernav_app::assessments::read_catalog_file(&name, &bytes) {
        Ok(c) => c,
        Err(cybernav_app::AppError::Invalid(errors)) => {
            for e in &errors.0 {
                eprintln!("{}: {}", e.field, e.message);
            }
            eprintln!(
                "{name}: {} problem(s); nothing was loaded. Fix the file and run the command again.",
                errors.0.len()
            );
            return Ok(ExitCode::FAILURE);
        }
        Err(e) => return Err(anyhow::anyhow!("{e}")),
    };
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let cap = system
        .manage_catalogs()
        .context("system manages catalogs")?;
    match app
        .load_catalog(
            &cap,
            &catalog,
            cybernav_app::assessments::Origin::Imported,
            Some(&bytes),
            &command_line(),
        )
        .await
    {
        Ok(outcome) => {
            let done = match outcome {
                cybernav_app::assessments::LoadOutcome::Loaded => "Loaded",
                cybernav_app::assessments::LoadOutcome::AlreadyLoaded => {
                    "Already loaded (same content), nothing changed:"
                }
            };
            println!(
                "{done} {} version {}: {} ({} items).",
                catalog.id,
                catalog.version,
                catalog.title,
                catalog.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(cybernav_app::AppError::Invalid(errors)) => {
            for e in &errors.0 {
                eprintln!("{name}, {}: {}", e.field, e.message);
            }
            eprintln!("{name}: {} problem(s); nothing was loaded.", errors.0.len());
            Ok(ExitCode::FAILURE)
        }
        Err(cybernav_app::AppError::Conflict(msg)) => {
            eprintln!("{name}: {msg}; nothing was loaded.");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}

async fn catalog_list(data_dir: PathBuf) -> Result<()> {
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let reader = system.read_catalogs().context("system reads catalogs")?;
    for c in app.catalogs(&reader).await? {
        println!(
            "{} {}\t{}\t{}\t{} items",
            c.id, c.version, c.title, c.origin, c.item_count
        );
    }
    Ok(())
}

async fn requirement_set_list(data_dir: PathBuf) -> Result<()> {
    let app = open(data_dir).await?;
    for set in app.requirement_sets().await? {
        println!(
            "{} {}\t{}\t{} requirements",
            set.id,
            set.version,
            set.title,
            set.requirements.len()
        );
    }
    Ok(())
}

async fn export(data_dir: PathBuf, what: RegistryFile, out: Option<PathBuf>) -> Result<()> {
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let reader = system
        .read_registry()
        .context("system reads the registry")?;
    let bytes = match what {
        RegistryFile::Authorities => app.export_authorities_csv(&reader).await,
        RegistryFile::Contacts => app.export_contacts_csv(&reader).await,
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    match out {
        Some(path) => {
            std::fs::write(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("wrote {} ({} bytes)", path.display(), bytes.len());
        }
        None => {
            use std::io::Write;
            std::io::stdout().write_all(&bytes)?;
        }
    }
    Ok(())
}

async fn allowlist_export(data_dir: PathBuf, format: AllowlistFormat) -> Result<()> {
    let app = open(data_dir).await?;
    let system = cybernav_core::authz::system_actor();
    let reader = system
        .read_allowlist()
        .context("system reads the allowlist")?;
    let list = app
        .allowlist(&reader)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let text = match format {
        AllowlistFormat::Text => list.to_text(),
        AllowlistFormat::Json => format!("{}\n", serde_json::to_string_pretty(&list)?),
    };
    use std::io::Write;
    std::io::stdout().write_all(text.as_bytes())?;
    Ok(())
}

async fn audit_verify(data_dir: PathBuf) -> Result<ExitCode> {
    let app = open(data_dir).await?;
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template("verifying audit chain {bar:30} {pos}/{len} records")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let result = verify_chain(&app.store, |done, total| {
        bar.set_length(total.max(0) as u64);
        bar.set_position(done.max(0) as u64);
    })
    .await?;
    bar.finish_and_clear();
    match result {
        ChainCheck::Intact(n) => {
            println!("audit chain intact: {n} records");
            Ok(ExitCode::SUCCESS)
        }
        ChainCheck::Broken { seq, reason } => {
            eprintln!("audit chain BROKEN at record {seq}: {reason}");
            Ok(ExitCode::from(2))
        }
    }
}

async fn backup(data_dir: PathBuf, out: Option<PathBuf>) -> Result<()> {
    let app = open(data_dir.clone()).await?;
    let out = match out {
        Some(p) => p,
        None => {
            let stamp = time::OffsetDateTime::now_utc().format(
                time::macros::format_description!("[year][month][day]T[hour][minute][second]Z"),
            )?;
            let dir = data_dir.join("backups");
            std::fs::create_dir_all(&dir)?;
            dir.join(format!("cybernav-{stamp}.db"))
        }
    };
    if out.exists() {
        bail!("{} already exists; choose another --out", out.display());
    }
    app.store.backup_to(&out).await?;
    println!("backup written to {}", out.display());
    Ok(())
}

/// `cybernav attestation verify FILE [--public-key KEY]`.
fn attestation_verify(file: &std::path::Path, public_key: Option<&str>) -> Result<ExitCode> {
    use cybernav_core::attestation::{parse_public_key, verify};
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let expected = match public_key.map(parse_public_key).transpose() {
        Ok(k) => k,
        Err(e) => {
            eprintln!("--public-key: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    match verify(&bytes, expected.as_ref()) {
        Ok(signed) => {
            let d = &signed.document;
            println!("VALID: {}", file.display());
            println!(
                "{} ({}, {}) verified {} for {} in the grant cycle {}, to {}.",
                d.signer.name,
                d.signer.role,
                d.signer.email,
                d.clause,
                d.election_authority.name,
                d.grant_cycle.name,
                d.addressee
            );
            println!(
                "Signed at {} with key {}.",
                d.signed_at, signed.key_fingerprint
            );
            for r in &d.requirements {
                println!("  {} {}: {}", r.clause, r.title, r.status);
            }
            if expected.is_none() {
                println!(
                    "Note: the key was not compared with the Board's published key; pass --public-key to be sure who signed."
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            eprintln!("NOT VALID: {}: {e}", file.display());
            Ok(ExitCode::from(2))
        }
    }
}
