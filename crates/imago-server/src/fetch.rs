//! Upload by URL: a server-side fetch behind a trait, so the SSRF-guarded fetcher of
//! `imago-engine` (or a test double) plugs in without the handlers knowing.

use async_trait::async_trait;
use bytes::Bytes;

/// Why upload by URL got no bytes from the URL the client gave; the message is safe to
/// show that client. (Not `imago_engine::FetchError`, which is one download of `grab`
/// failing, with the detail meant for the person running it.)
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum UrlUploadError {
    /// This server cannot fetch URLs at all.
    #[error("{0}")]
    Unavailable(String),
    /// The address is one the server must not reach (private, loopback, ...).
    #[error("{0}")]
    Refused(String),
    /// The remote answered badly, too slowly or too much.
    #[error("{0}")]
    Failed(String),
    #[error("the file at that URL is larger than {0} bytes")]
    TooLarge(usize),
}

/// Fetches the bytes behind an http(s) URL, at most `limit` of them.
#[async_trait]
pub trait UrlFetcher: Send + Sync + 'static {
    async fn fetch(&self, url: &str, limit: usize) -> Result<Bytes, UrlUploadError>;
}

/// The fetcher used until a guarded one is injected: every URL is refused.
#[derive(Clone, Copy, Debug, Default)]
pub struct UnavailableFetcher;

#[async_trait]
impl UrlFetcher for UnavailableFetcher {
    async fn fetch(&self, _url: &str, _limit: usize) -> Result<Bytes, UrlUploadError> {
        Err(UrlUploadError::Unavailable(
            "upload by URL is not available yet".to_string(),
        ))
    }
}

/// Upload by URL through `imago_engine::guard`: the host is resolved once, every
/// address is checked (no loopback, private, link-local, ... targets), the connection
/// goes to the checked address, redirects are checked alike, size and time are capped.
pub struct GuardedUrlFetcher {
    inner: imago_engine::guard::GuardedFetcher,
}

impl GuardedUrlFetcher {
    /// Wraps a configured guarded fetcher (tests inject one with their own resolver).
    pub fn new(inner: imago_engine::guard::GuardedFetcher) -> Self {
        GuardedUrlFetcher { inner }
    }

    /// The production fetcher: the system resolver, `max_bytes` per file.
    pub fn system(max_bytes: usize) -> Result<Self, imago_engine::guard::GuardError> {
        use imago_engine::guard::{GuardConfig, GuardedFetcher, SystemResolver};
        let config = GuardConfig {
            max_bytes: max_bytes as u64,
            ..GuardConfig::default()
        };
        Ok(GuardedUrlFetcher::new(GuardedFetcher::new(
            config,
            std::sync::Arc::new(SystemResolver),
        )?))
    }
}

#[async_trait]
impl UrlFetcher for GuardedUrlFetcher {
    async fn fetch(&self, url: &str, limit: usize) -> Result<Bytes, UrlUploadError> {
        use imago_engine::guard::GuardError as G;
        match self.inner.fetch(url).await {
            Ok(got) if got.bytes.len() > limit => Err(UrlUploadError::TooLarge(limit)),
            Ok(got) => Ok(got.bytes),
            Err(e) => Err(match e {
                G::ForbiddenAddress { ref addr, .. } => {
                    // The address is for the log only; the message names its kind.
                    tracing::info!(%addr, "upload by URL refused");
                    UrlUploadError::Refused(e.to_string())
                }
                G::BadUrl { .. } | G::BadRedirect { .. } => UrlUploadError::Refused(e.to_string()),
                G::TooLarge { .. } => UrlUploadError::TooLarge(limit),
                G::Config(_) | G::Client(_) => {
                    tracing::error!(error = %e, "guarded fetcher unusable");
                    UrlUploadError::Unavailable("upload by URL is not available".to_string())
                }
                other => UrlUploadError::Failed(other.to_string()),
            }),
        }
    }
}
