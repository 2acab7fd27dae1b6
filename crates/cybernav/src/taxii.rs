//! `cybernav taxii …`: the TAXII 2.1 collections the desk polls (see
//! `cybernav_app::sharing::taxii_feeds`).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use clap::Subcommand;
use cybernav_app::sharing::taxii_feeds::{FeedAuth, FeedSpec, SecretRef};
use cybernav_core::authz::system_actor;
use uuid::Uuid;

use super::{SourceArgs, command_line, open, print_refusal};

#[derive(Subcommand)]
pub(crate) enum TaxiiCommand {
    /// List the collections an API root offers to these credentials.
    Collections {
        /// The API root, such as https://taxii.example.gov/api1/.
        #[arg(long)]
        api_root: String,
        #[command(flatten)]
        auth: AuthArgs,
    },
    /// Poll a collection on a schedule; its objects are imported under --source.
    Add {
        /// The API root, such as https://taxii.example.gov/api1/.
        #[arg(long)]
        api_root: String,
        /// The collection's id, as `taxii collections` lists it.
        #[arg(long)]
        collection: String,
        #[command(flatten)]
        auth: AuthArgs,
        #[command(flatten)]
        source: SourceArgs,
        /// Minutes between polls (5 to 10080).
        #[arg(long, default_value_t = 60)]
        every: i64,
        /// Objects asked for per page (1 to 10000).
        #[arg(long, default_value_t = 1000)]
        page_size: i64,
        /// Start after this server timestamp instead of reading the whole collection.
        #[arg(long)]
        added_after: Option<String>,
    },
    /// The polled collections: position, schedule, last error.
    List {
        /// JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Poll now: one feed by id, or every feed that is due.
    Poll {
        /// The feed's id (from `taxii list`); without it, every due feed.
        feed: Option<Uuid>,
    },
    /// Resume scheduled polling of a feed (due at once).
    Enable {
        /// The feed's id.
        feed: Uuid,
    },
    /// Stop polling a feed on schedule; its position is kept.
    Disable {
        /// The feed's id.
        feed: Uuid,
    },
}

/// How to sign in to the server. The secret is never given on the command line, only where
/// the server reads it at each poll.
#[derive(clap::Args)]
pub(crate) struct AuthArgs {
    /// User name for HTTP Basic authentication (with --secret as the password).
    #[arg(long)]
    user: Option<String>,
    /// Where the password or token is: file:NAME (a file in the TAXII secrets folder,
    /// CYBERNAV_TAXII_SECRETS_DIR) or env:CYBERNAV_TAXII_SECRET_NAME. With --user it is a
    /// Basic password, without it a Bearer token. Credentials go over https only.
    #[arg(long)]
    secret: Option<String>,
}

impl AuthArgs {
    fn auth(&self) -> Result<FeedAuth> {
        let secret = match &self.secret {
            Some(s) => Some(SecretRef::parse(s).map_err(|e| anyhow::anyhow!("--secret: {e}"))?),
            None => None,
        };
        Ok(match (&self.user, secret) {
            (None, None) => FeedAuth::None,
            (None, Some(s)) => FeedAuth::Bearer(s),
            (Some(u), Some(s)) => FeedAuth::Basic {
                username: u.clone(),
                password: s,
            },
            (Some(_), None) => {
                bail!(
                    "--user needs --secret file:NAME or env:CYBERNAV_TAXII_SECRET_NAME for the password"
                )
            }
        })
    }
}

pub(crate) async fn run(data_dir: PathBuf, command: TaxiiCommand) -> Result<ExitCode> {
    let app = open(data_dir).await?;
    let system = system_actor();
    let cap = system
        .import_intel()
        .context("system imports threat information")?;
    let meta = command_line();
    let outcome = match command {
        TaxiiCommand::Collections { api_root, auth } => app
            .discover_taxii_collections(&cap, &api_root, &auth.auth()?)
            .await
            .map(|c| serde_json::to_string_pretty(&c)),
        TaxiiCommand::Add {
            api_root,
            collection,
            auth,
            source,
            every,
            page_size,
            added_after,
        } => {
            let spec = FeedSpec {
                source: source.spec("taxii")?,
                api_root,
                collection_id: collection,
                auth: auth.auth()?,
                poll_minutes: every,
                page_size,
                added_after,
            };
            app.add_taxii_feed(&cap, &spec, &meta)
                .await
                .map(|f| serde_json::to_string_pretty(&f))
        }
        TaxiiCommand::List { json } => {
            let reader = system
                .read_intake_history()
                .context("system reads the intake history")?;
            let feeds = app.taxii_feeds(&reader).await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&feeds)?);
            } else if feeds.is_empty() {
                println!("No TAXII collections are polled. Add one with `cybernav taxii add`.");
            } else {
                for f in feeds {
                    let state = match (&f.last_error, f.enabled) {
                        (_, false) => "disabled".to_string(),
                        (Some(e), true) => format!("failing ({} in a row): {e}", f.failures),
                        (None, true) => "ok".to_string(),
                    };
                    println!(
                        "{}  {}  {}collections/{}/  every {} min  next {}  position {}  {}",
                        f.id,
                        f.source_name,
                        f.api_root,
                        f.collection_id,
                        f.poll_minutes,
                        f.next_poll_at,
                        f.added_after.as_deref().unwrap_or("(start)"),
                        state
                    );
                }
            }
            return Ok(ExitCode::SUCCESS);
        }
        TaxiiCommand::Poll { feed } => {
            let polled = match feed {
                Some(id) => app.poll_taxii_feed(&cap, id, &meta).await.map(|o| vec![o]),
                None => app.poll_due_taxii_feeds(&meta).await,
            };
            match polled {
                Ok(outcomes) => {
                    println!("{}", serde_json::to_string_pretty(&outcomes)?);
                    // A poll that failed says so in its `error` and in the exit status.
                    return Ok(if outcomes.iter().any(|o| o.error.is_some()) {
                        ExitCode::FAILURE
                    } else {
                        ExitCode::SUCCESS
                    });
                }
                Err(e) => Err(e),
            }
        }
        TaxiiCommand::Enable { feed } => app
            .set_taxii_feed_enabled(&cap, feed, true, &meta)
            .await
            .map(|()| Ok("enabled".to_string())),
        TaxiiCommand::Disable { feed } => app
            .set_taxii_feed_enabled(&cap, feed, false, &meta)
            .await
            .map(|()| Ok("disabled".to_string())),
    };
    match outcome {
        Ok(text) => {
            println!("{}", text?);
            Ok(ExitCode::SUCCESS)
        }
        Err(cybernav_app::AppError::Invalid(errors)) => Ok(print_refusal("taxii", &errors)),
        Err(e) => Err(anyhow::anyhow!("{e}")),
    }
}
