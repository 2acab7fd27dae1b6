//! Use cases of cybernav: each operation a person or a job performs, with its permission
//! check, its rule from `cybernav-core`, its store calls and audit record in one transaction.
//!
//! The web handlers and the CLI are two doors into these functions; neither holds a rule.
//! Privileged operations take a capability from [`cybernav_core::authz`], so they cannot be
//! called without the permission check.

pub mod accounts;
pub mod assessment_findings;
pub mod assessments;
pub mod attestation;
pub mod audit;
pub mod cache;
pub mod catalogs;
pub mod checklist;
pub mod config;
pub mod demo;
pub mod directory;
pub mod error;
pub mod field_ops;
pub mod findings;
pub mod grants;
pub mod http;
pub mod icn;
pub mod mail;
pub mod need_to_know;
pub mod oscal;
pub mod outreach;
pub mod participation;
pub mod people;
pub mod registry;
pub mod registry_io;
pub mod scan;
pub mod sharing;
pub mod statewide;
pub mod tokens;

pub use config::Config;
/// The store's types that use cases return (listings, rows, queries).
pub use cybernav_store as store;
pub use cybernav_store::{Store, StoreError};
pub use error::{AppError, AppResult};

use std::sync::Arc;

/// Where a request came from, for the audit log and rate limits.
#[derive(Debug, Clone, Default)]
pub struct RequestMeta {
    /// Client IP address.
    pub ip: Option<String>,
    /// Browser or client name.
    pub user_agent: Option<String>,
}

/// The application: the store and the settings every use case needs.
#[derive(Clone)]
pub struct App {
    /// Persistence.
    pub store: Store,
    /// Settings.
    pub config: Arc<Config>,
    /// Bearer tokens already checked, by token hash (see [`cache`]).
    tokens: Arc<cache::EpochCache<String, cache::CheckedToken>>,
    /// What the statewide view of a cycle is computed from, by cycle (see [`cache`]).
    cycle_inputs: Arc<cache::EpochCache<uuid::Uuid, Arc<statewide::CycleInputs>>>,
    /// Every election authority, by name (see [`cache`]).
    authorities: Arc<cache::EpochCache<(), Arc<Vec<store::rows::EaListing>>>>,
    /// The distinct stored markings of each table the TAXII server reads, with the watermark
    /// they were read at (see [`sharing::taxii`]).
    stored_markings: Arc<cache::EpochCache<&'static str, sharing::taxii::StoredMarkings>>,
}

impl App {
    /// Opens the database named by the configuration and applies migrations.
    pub async fn open(config: Config) -> AppResult<App> {
        let store = match &config.database_url {
            Some(url) => Store::connect_limited(url, config.connections).await?,
            None => Store::open_data_dir_limited(&config.data_dir, config.connections).await?,
        };
        store.migrate().await?;
        Ok(App {
            store,
            config: Arc::new(config),
            tokens: Arc::new(cache::EpochCache::new(4096)),
            authorities: Arc::new(cache::EpochCache::new(1)),
            cycle_inputs: Arc::new(cache::EpochCache::new(64)),
            stored_markings: Arc::new(cache::EpochCache::new(8)),
        })
    }
}
