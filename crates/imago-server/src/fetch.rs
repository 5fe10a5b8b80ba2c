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
///
/// A URL that answers an HLS playlist is saved as MP4 (with [`GuardedUrlFetcher::with_hls`]):
/// the engine's stream step, the one `imago video` runs, on a client whose every request
/// passes the same guard, into a temporary folder; the MP4's bytes are the upload.
pub struct GuardedUrlFetcher {
    inner: imago_engine::guard::GuardedFetcher,
    hls: Option<HlsUploads>,
}

/// How playlists given by URL become MP4 uploads.
#[derive(Clone, Debug)]
pub struct HlsUploads {
    pub remux: std::sync::Arc<dyn imago_engine::video::Remux>,
    /// Where the segments and the MP4 are made (the server's `tmp`), removed after.
    pub tmp: std::path::PathBuf,
    /// A live stream is saved up to this long (the video duration limit).
    pub live_max: std::time::Duration,
}

impl GuardedUrlFetcher {
    /// Wraps a configured guarded fetcher (tests inject one with their own resolver).
    pub fn new(inner: imago_engine::guard::GuardedFetcher) -> Self {
        GuardedUrlFetcher { inner, hls: None }
    }

    /// Saves HLS playlists given by URL as MP4 (see the type's documentation).
    pub fn with_hls(mut self, hls: HlsUploads) -> Self {
        self.hls = Some(hls);
        self
    }

    /// The stream of the playlist at `url` as MP4 bytes, every request guarded.
    async fn hls_upload(
        &self,
        hls: &HlsUploads,
        url: &str,
        limit: usize,
    ) -> Result<Bytes, UrlUploadError> {
        use imago_engine::guard::ClientGuard;
        use imago_engine::video::{StreamRequest, VideoError, DEFAULT_WINDOW};
        use imago_engine::{Client, ClientConfig, FetchError};
        let guard_cfg = self.inner.config();
        let client = Client::new(ClientConfig {
            guard: Some(ClientGuard {
                resolver: self.inner.resolver(),
                allow_loopback_for_tests: guard_cfg.allow_loopback_for_tests,
            }),
            user_agent: guard_cfg.user_agent.clone(),
            connect_timeout: guard_cfg.connect_timeout,
            max_bytes: limit as u64,
            max_redirects: guard_cfg.max_redirects,
            per_host: DEFAULT_WINDOW,
            concurrency: DEFAULT_WINDOW,
            // Nobody's page: no Referer to send.
            send_referer: false,
            ..ClientConfig::default()
        })
        .map_err(|e| UrlUploadError::Unavailable(format!("cannot save the stream: {e}")))?;
        let parsed =
            url::Url::parse(url).map_err(|e| UrlUploadError::Refused(format!("bad URL: {e}")))?;
        std::fs::create_dir_all(&hls.tmp)
            .map_err(|e| UrlUploadError::Unavailable(format!("temporary folder: {e}")))?;
        let dir = tempfile::Builder::new()
            .prefix("hls-")
            .tempdir_in(&hls.tmp)
            .map_err(|e| UrlUploadError::Unavailable(format!("temporary folder: {e}")))?;
        let req = StreamRequest {
            url: parsed,
            referer: None,
            quality: imago_core::hls::Quality::Best,
            live_max: Some(hls.live_max),
            window: DEFAULT_WINDOW,
            out_dir: dir.path().to_path_buf(),
            stem: "video".into(),
        };
        let saved = client
            .save_stream(&req, hls.remux.clone(), &|_, _, _| {})
            .await
            .map_err(|e| {
                let refused = matches!(
                    &e,
                    VideoError::Playlist {
                        source: FetchError::Refused(_),
                        ..
                    } | VideoError::Segment {
                        source: FetchError::Refused(_),
                        ..
                    } | VideoError::Key {
                        source: FetchError::Refused(_),
                        ..
                    } | VideoError::Init {
                        source: FetchError::Refused(_),
                        ..
                    }
                );
                if refused {
                    UrlUploadError::Refused(e.to_string())
                } else {
                    UrlUploadError::Failed(e.to_string())
                }
            })?;
        if saved.bytes > limit as u64 {
            return Err(UrlUploadError::TooLarge(limit));
        }
        let bytes = tokio::fs::read(&saved.path)
            .await
            .map_err(|e| UrlUploadError::Failed(format!("the saved stream: {e}")))?;
        Ok(Bytes::from(bytes))
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
            Ok(got) => match &self.hls {
                Some(hls) if is_playlist(&got.bytes) => {
                    self.hls_upload(hls, got.final_url.as_str(), limit).await
                }
                _ => Ok(got.bytes),
            },
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

/// An HLS playlist starts with `#EXTM3U` (after a byte-order mark or blank lines).
fn is_playlist(bytes: &[u8]) -> bool {
    bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(bytes)
        .trim_ascii_start()
        .starts_with(b"#EXTM3U")
}
