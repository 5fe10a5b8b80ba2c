//! `imago serve`: a self-hosted image host. It speaks Chevereto's upload API v1 so ShareX
//! and existing clients work unchanged, and its own JSON API under `/api/v2/`.
//!
//! Storage has two seams, each a trait with one implementation per backend: [`repo::Repo`]
//! (metadata: SQLite by default, PostgreSQL for several nodes) and [`store::Store`]
//! (bytes: a local folder by default, any S3-compatible object store). One conformance
//! suite runs against every backend of a seam.
//!
//! The HTTP side: [`Config`] (layered settings), [`AppState`] and [`router`] (the axum
//! app), [`serve`] / [`Server`] (bind, clean temporary files, run the expiry reaper),
//! [`accounts`] (users, API keys, passwords and web sessions) and [`ingest`] (the upload
//! pipeline).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use imago_server::{create_user, embedded_storage, serve, Config, Overrides};
//!
//! let config = Config::load(None, std::env::vars(), Overrides::default())?;
//! let (repo, store) = embedded_storage(&config.data_dir).await?;
//! let (_user, key) = create_user(repo.as_ref(), "me", true).await?;
//! println!("your API key (shown once): {key}");
//! serve(config, repo, store, async {
//!     let _ = tokio::signal::ctrl_c().await;
//! })
//! .await?;
//! # Ok(()) }
//! ```

mod accept;
pub mod accounts;
pub mod backends;
pub mod config;
pub mod error;
pub mod fetch;
pub mod http;
pub mod ids;
pub mod ingest;
pub mod metrics;
pub mod ratelimit;
pub mod repo;
pub mod search;
pub mod server;
pub mod state;
pub mod store;
pub mod video;
pub mod web;

pub use accounts::{create_key, create_user, list_keys, revoke_key, AccountError};
pub use backends::{open_backends, StorageConfig};
pub use config::{Config, ConfigError, Overrides, RateLimit};
pub use error::ApiError;
pub use fetch::{GuardedUrlFetcher, HlsUploads, UnavailableFetcher, UrlFetcher, UrlUploadError};
pub use http::{route_table, router};
pub use server::{embedded_storage, serve, ServeError, Server};
pub use state::AppState;
