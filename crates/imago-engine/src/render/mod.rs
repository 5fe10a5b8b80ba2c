//! `--render`: pages that build their images with JavaScript, read from a real browser.
//!
//! Debian's Chromium runs headless with a fresh profile; imago speaks the DevTools
//! protocol to it over a WebSocket (`tokio-tungstenite`, no CDP crate: five commands do
//! not need one), opens each page in a tab, waits for its load event (bounded), then for
//! its DOM to stop changing (bounded), and runs the browser extension's own collector
//! (`extension/generated/collector.js`, embedded at build time) in an isolated world:
//! one collector, two users. The candidates it reports are the core's [`Candidate`]s,
//! merged by the caller with what static discovery found.
//!
//! The browser is started on the first page and shared by the pages of a run; it is
//! killed, with every helper process it started, when the [`Renderer`] is dropped or
//! [`Renderer::shutdown`] is called, and on Linux also when imago itself dies.
//!
//! The browser loads whatever the page asks for, as the user's own browser would: the
//! address guard of [`crate::guard`] does not apply to it (the user pointed it there).
//!
//! ```no_run
//! # async fn run() -> Result<(), imago_engine::render::RenderError> {
//! use imago_engine::render::{Renderer, RenderOptions};
//! let renderer = Renderer::new(RenderOptions::default())?;
//! let page = url::Url::parse("https://example.com/gallery").unwrap();
//! let rendered = renderer.render(&page).await?;
//! println!("{} candidates", rendered.candidates.len());
//! renderer.shutdown().await;
//! # Ok(()) }
//! ```

mod browser;
mod cdp;
mod collector;
mod error;
mod tab;

use std::path::PathBuf;
use std::time::Duration;

use imago_core::Candidate;
use tokio::sync::OnceCell;
use url::Url;

pub use error::RenderError;

use browser::Browser;

/// Where Debian puts Chromium (`apt-get install chromium`).
pub const DEFAULT_CHROMIUM: &str = "/usr/bin/chromium";

/// How pages are rendered.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// The Chromium or Chrome binary.
    pub chromium: PathBuf,
    /// Scroll each page to its end in steps before collecting, so lazy loaders fire.
    pub auto_scroll: bool,
    /// Upper bound of that scroll (the collector's `scrollTimeMs`).
    pub scroll_time: Duration,
    /// Longest wait for the load event; after it the page is read as it is.
    pub load_timeout: Duration,
    /// Longest wait, after load, for the DOM to be quiet for 0.7 s.
    pub settle_max: Duration,
    /// Everything for one page: tab, load, settle, scroll, collect.
    pub timeout: Duration,
    /// The browser's `User-Agent` (`None`: Chromium's own).
    pub user_agent: Option<String>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            chromium: PathBuf::from(DEFAULT_CHROMIUM),
            auto_scroll: false,
            scroll_time: Duration::from_secs(8),
            load_timeout: Duration::from_secs(30),
            settle_max: Duration::from_secs(5),
            timeout: Duration::from_secs(60),
            user_agent: None,
        }
    }
}

/// What the browser saw on one page.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// `location.href` when collected (after redirects, in-page ones too).
    pub page_url: Url,
    pub title: Option<String>,
    /// The collector's candidates: http(s) and `data:` URLs only.
    pub candidates: Vec<Candidate>,
    /// What may be missing (a load that never ended, candidates left out).
    pub warnings: Vec<String>,
    /// The live document's HTML when collected (`None` past the size cap).
    pub html: Option<String>,
    /// The videos the collector saw: elements, and the playlists and files the page
    /// requested (the Performance API), which find a stream a player plays from `blob:`.
    pub videos: Vec<imago_core::discover::video::VideoRef>,
}

/// Renders pages in one shared browser, started on first use.
pub struct Renderer {
    opts: RenderOptions,
    /// The launch result, kept: when Chromium cannot start, every page learns it at once
    /// instead of trying again.
    browser: OnceCell<Result<Browser, String>>,
}

impl std::fmt::Debug for Renderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Renderer")
            .field("opts", &self.opts)
            .field("started", &self.browser.initialized())
            .finish()
    }
}

impl Renderer {
    /// Checks that the browser binary exists and can be run; starts nothing yet.
    pub fn new(mut opts: RenderOptions) -> Result<Renderer, RenderError> {
        opts.chromium = browser::find_binary(&opts.chromium)?;
        Ok(Renderer {
            opts,
            browser: OnceCell::new(),
        })
    }

    /// The settings in force (with the binary's full path).
    pub fn options(&self) -> &RenderOptions {
        &self.opts
    }

    /// Opens `url` in a new tab, lets it build itself, and collects its images.
    pub async fn render(&self, url: &Url) -> Result<Rendered, RenderError> {
        let started = self
            .browser
            .get_or_init(|| async {
                Browser::launch(&self.opts.chromium, self.opts.user_agent.as_deref())
                    .await
                    .map_err(|e| e.to_string())
            })
            .await;
        let browser = match started {
            Ok(b) => b,
            Err(reason) => return Err(RenderError::NotStarted(reason.clone())),
        };
        tab::render_in_tab(browser, url, &self.opts)
            .await
            .map_err(|e| match e {
                // A dead browser says why on its standard error.
                RenderError::Protocol(reason) if !browser.stderr_tail().is_empty() => {
                    RenderError::Protocol(format!(
                        "{reason} (Chromium {} said: {})",
                        browser.path().display(),
                        browser.stderr_tail()
                    ))
                }
                other => other,
            })
    }

    /// Closes the browser politely and waits for it (dropping the renderer kills it).
    pub async fn shutdown(&self) {
        if let Some(Ok(browser)) = self.browser.get() {
            browser.shutdown().await;
        }
    }
}
