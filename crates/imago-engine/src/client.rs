//! The [`Client`]: one HTTP stack, one cookie jar and one set of politeness limits,
//! shared by every fetch, probe and download of a run.

use std::sync::Arc;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue};

use crate::config::ClientConfig;
use crate::cookies::CookieJar;
use crate::error::EngineError;
use crate::hostlimit::HostLimits;

/// Fetches pages, probes and downloads images. Cheap to clone: clones share the
/// connection pool, the cookies and the concurrency limits.
#[derive(Clone, Debug)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) cfg: ClientConfig,
    pub(crate) cookies: CookieJar,
    pub(crate) limits: HostLimits,
}

impl Client {
    /// Builds a client; fails on a bad header, an unreadable or malformed cookies file,
    /// or a zero limit.
    pub fn new(cfg: ClientConfig) -> Result<Client, EngineError> {
        if cfg.concurrency == 0 || cfg.per_host == 0 {
            return Err(EngineError::Config(
                "concurrency and per-host limits must be at least 1".to_string(),
            ));
        }
        let mut headers = HeaderMap::new();
        for (name, value) in &cfg.headers {
            let n = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|e| {
                EngineError::BadHeader {
                    name: name.clone(),
                    message: e.to_string(),
                }
            })?;
            let v = HeaderValue::from_str(value.trim()).map_err(|e| EngineError::BadHeader {
                name: name.clone(),
                message: e.to_string(),
            })?;
            headers.append(n, v);
        }
        let user_agent =
            HeaderValue::from_str(&cfg.user_agent).map_err(|e| EngineError::BadHeader {
                name: "User-Agent".to_string(),
                message: e.to_string(),
            })?;
        let cookies = match &cfg.cookies_file {
            Some(path) => CookieJar::load(path)?,
            None => CookieJar::default(),
        };
        let mut builder = reqwest::Client::builder();
        if let Some(guard) = &cfg.guard {
            builder = builder
                .dns_resolver(Arc::new(crate::guard::GuardedResolve(guard.clone())))
                .no_proxy();
        }
        let http = builder
            .user_agent(user_agent)
            .default_headers(headers)
            // Redirects are followed by hand: each hop is checked (scheme, loops) and
            // gets its own cookies and politeness slot.
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(cfg.connect_timeout)
            .use_rustls_tls()
            .build()
            .map_err(|e| EngineError::Client(crate::fetch::error_chain(&e)))?;
        let limits = HostLimits::new(cfg.concurrency, cfg.per_host, cfg.per_host_delay);
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                cfg,
                cookies,
                limits,
            }),
        })
    }

    /// The settings this client was built with.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.cfg
    }
}

/// Seconds since the Unix epoch, for cookie expiry.
pub(crate) fn unix_now() -> u64 {
    u64::try_from(imago_core::dates::unix_now()).unwrap_or(0)
}
