//! The network and disk side of imago: fetch pages and stylesheets, probe images from
//! their first bytes, download them politely and safely, and put them on disk.
//!
//! One [`Client`] serves a whole run: it holds the HTTP connection pool, the cookies of
//! a `cookies.txt`, and the global and per-host concurrency limits, so every request of
//! the run shares them. The disk side is [`archive`] (what was saved, so re-runs skip
//! it), [`place`] (a finished download to its final name, never outside the output
//! folder, never over a user's file), [`zipout`] (`--zip`) and [`metadata`]
//! (`--metadata` index.json), all failing with [`DiskError`]. [`grab`] ties them into
//! the pipeline of `imago grab` and `imago list`; with `--render`, [`render`] reads each
//! page in a headless Chromium too, through the browser extension's own collector.
//! [`filter_lists`] finds and reads the ad/tracker lists the selection consults.
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

pub mod archive;
pub mod disk_error;
pub mod filter_lists;
pub mod grab;
pub mod guard;
pub mod metadata;
pub mod native_frame;
pub mod place;
pub mod render;
pub mod video;
pub mod zipout;

pub use client::Client;
pub use config::ClientConfig;
pub use cookies::CookieJar;
pub use disk_error::DiskError;
pub use download::{part_path, DownloadRequest, Downloaded};
pub use error::{EngineError, FetchError, TimeoutKind};
pub use probe::{Probed, PROBE_FIRST_BYTES, PROBE_MAX_BYTES};
pub use text::{decode as decode_text, Fetched};
