//! The network side of imago: fetch pages and stylesheets, probe images from their first
//! bytes, download images politely and safely.
//!
//! One [`Client`] serves a whole run: it holds the HTTP connection pool, the cookies of
//! a `cookies.txt`, and the global and per-host concurrency limits, so every request of
//! the run shares them.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use imago_engine::{Client, ClientConfig, DownloadRequest};
//! let client = Client::new(ClientConfig::default())?;
//! let page = url::Url::parse("https://example.com/gallery")?;
//! let probed = client.probe(&url::Url::parse("https://example.com/a.jpg")?, Some(&page)).await?;
//! println!("{}x{}", probed.info.width, probed.info.height);
//! let done = client
//!     .download(DownloadRequest {
//!         candidates: vec![url::Url::parse("https://example.com/a.jpg")?],
//!         referer: Some(page),
//!         dir: "out".into(),
//!     })
//!     .await?;
//! std::fs::rename(&done.temp_path, "out/a.jpg")?;
//! # Ok(()) }
//! ```

mod client;
mod config;
pub mod cookies;
mod download;
mod error;
mod fetch;
mod hostlimit;
mod probe;
mod retry;
mod text;

pub use client::Client;
pub use config::ClientConfig;
pub use cookies::CookieJar;
pub use download::{part_path, DownloadRequest, Downloaded};
pub use error::{EngineError, FetchError, TimeoutKind};
pub use probe::{Probed, PROBE_FIRST_BYTES, PROBE_MAX_BYTES};
pub use text::{decode as decode_text, Fetched};
