//! Upload by URL: a server-side fetch behind a trait, so the SSRF-guarded fetcher of
//! `imago-engine` (or a test double) plugs in without the handlers knowing.

use async_trait::async_trait;
use bytes::Bytes;

/// Why a URL could not be fetched; the message is safe to show the client.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
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
    async fn fetch(&self, url: &str, limit: usize) -> Result<Bytes, FetchError>;
}

/// The fetcher used until a guarded one is injected: every URL is refused.
#[derive(Clone, Copy, Debug, Default)]
pub struct UnavailableFetcher;

#[async_trait]
impl UrlFetcher for UnavailableFetcher {
    async fn fetch(&self, _url: &str, _limit: usize) -> Result<Bytes, FetchError> {
        Err(FetchError::Unavailable(
            "upload by URL is not available yet".to_string(),
        ))
    }
}
