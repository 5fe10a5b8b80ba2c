//! Why a rendered page could not be read.

use std::path::PathBuf;
use std::time::Duration;

/// A failure of `--render`: the browser, the DevTools connection or the page.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RenderError {
    /// The browser binary is missing or cannot be run: bad usage (exit code 2).
    #[error(
        "--chromium {}: {reason}; install Debian's Chromium with `sudo apt-get install chromium`, \
         or name another Chromium or Chrome binary with --chromium PATH (or IMAGO_CHROMIUM)",
        .path.display()
    )]
    NoBrowser { path: PathBuf, reason: String },
    /// The browser started but did not open its DevTools port, or died.
    #[error("Chromium ({}) did not start: {reason}{}", .path.display(), tail(.stderr))]
    Launch {
        path: PathBuf,
        reason: String,
        /// The last lines Chromium wrote to its standard error.
        stderr: String,
    },
    /// The browser could not be started for an earlier page of this run (the reason, as
    /// it was given then).
    #[error("{0}")]
    NotStarted(String),
    /// The DevTools connection failed or the browser answered with an error.
    #[error("DevTools protocol: {0}")]
    Protocol(String),
    /// The browser could not open the page (DNS, refused connection, ...).
    #[error("{url}: the browser could not open it: {reason}")]
    Navigate { url: String, reason: String },
    /// A step took longer than allowed.
    #[error("{url}: {what} took longer than {}s (--render-timeout)", .after.as_secs_f32())]
    Timeout {
        url: String,
        what: &'static str,
        after: Duration,
    },
    /// The collector script threw or returned something that is not a collect result.
    #[error("{url}: the collector failed: {reason}")]
    Collector { url: String, reason: String },
}

impl RenderError {
    /// Bad usage or input (exit code 2) rather than a failure on the way.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, RenderError::NoBrowser { .. })
    }
}

fn tail(stderr: &str) -> String {
    if stderr.trim().is_empty() {
        String::new()
    } else {
        format!("; it said: {}", stderr.trim())
    }
}
