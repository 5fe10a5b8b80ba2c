//! A fetch on behalf of someone else: "upload by URL" on a server (`imago serve`; the
//! extension's desktop helper downloads with the plain [`crate::Client`], as the user's
//! own browser would). The server can reach places the user cannot (its loopback,
//! its private network, the cloud metadata service); a URL from a user must not take the
//! server there.
//!
//! Each hop is fetched in this order: the URL must be http(s) without credentials; the
//! host is resolved once with the injected [`Resolve`]; every address is checked by
//! [`is_forbidden`] and one bad address refuses the whole hop; a one-hop HTTP client is
//! built whose only "DNS" repeats the checked addresses, so the connection goes to an
//! address that was checked and no second lookup can rebind the name. Redirects are
//! followed by hand, each one checked the same way; the body is counted while it streams;
//! one clock covers everything.
//!
//! ```no_run
//! # async fn run() -> Result<(), imago_engine::guard::GuardError> {
//! use std::sync::Arc;
//! use imago_engine::guard::{GuardConfig, GuardedFetcher, SystemResolver};
//! let fetcher = GuardedFetcher::new(GuardConfig::default(), Arc::new(SystemResolver))?;
//! let got = fetcher.fetch("https://example.com/cat.jpg").await?;
//! println!("{} bytes from {}", got.bytes.len(), got.final_url);
//! # Ok(()) }
//! ```

mod client;
mod error;
mod fetcher;
mod policy;
mod resolve;

use std::time::Duration;

use bytes::Bytes;
use url::Url;

pub(crate) use client::{refusal, GuardedResolve};
pub use client::{ClientGuard, Refused};
pub use error::GuardError;
pub use fetcher::GuardedFetcher;
pub use policy::is_forbidden;
pub use resolve::{ConnectHook, Resolve, SystemResolver};

/// Limits of a guarded fetch.
#[derive(Clone, Debug)]
pub struct GuardConfig {
    /// Largest body accepted, in bytes.
    pub max_bytes: u64,
    /// The whole fetch: every lookup, connection, redirect and the body.
    pub total_timeout: Duration,
    /// Opening one connection (TCP + TLS).
    pub connect_timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// Sent as `User-Agent`.
    pub user_agent: String,
    /// Lets 127.0.0.1 through, so tests can stand a local server in for a public one.
    /// Only for test harnesses: no configuration file or flag may set it.
    pub allow_loopback_for_tests: bool,
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            max_bytes: 5 * 1024 * 1024,
            total_timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_redirects: 5,
            user_agent: concat!("imago/", env!("CARGO_PKG_VERSION"), " (fetch by URL)").to_string(),
            allow_loopback_for_tests: false,
        }
    }
}

/// What a guarded fetch brought back.
#[derive(Clone, Debug)]
pub struct FetchedBytes {
    /// Where the redirects ended.
    pub final_url: Url,
    /// The server's `Content-Type`, a hint only: formats are told by their bytes.
    pub content_type: Option<String>,
    /// The body, at most `max_bytes` long.
    pub bytes: Bytes,
}
