//! The guarded fetch itself: check, pin, connect, follow redirects by hand, count bytes.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use bytes::BytesMut;
use reqwest::header::{HeaderValue, CONTENT_TYPE, LOCATION};
use url::{Host, Url};

use super::resolve::{ConnectHook, Pinned, Resolve};
use super::{is_forbidden, FetchedBytes, GuardConfig, GuardError};
use crate::fetch::error_chain;

/// Fetches user-given URLs without letting them reach non-public addresses. Cheap to
/// clone; one per server is enough.
#[derive(Clone)]
pub struct GuardedFetcher {
    cfg: GuardConfig,
    resolver: Arc<dyn Resolve>,
    user_agent: HeaderValue,
    hook: Option<ConnectHook>,
}

impl std::fmt::Debug for GuardedFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardedFetcher")
            .field("cfg", &self.cfg)
            .field("hook", &self.hook.is_some())
            .finish_non_exhaustive()
    }
}

/// One hop's target after its checks: the host as the HTTP stack will name it, and the
/// addresses it may connect to.
struct Checked {
    host: String,
    addrs: Vec<SocketAddr>,
    /// The URL's host is an IP literal: the HTTP stack dials it without asking a
    /// resolver.
    literal: bool,
}

impl GuardedFetcher {
    /// A fetcher with these limits, resolving names with `resolver`.
    pub fn new(cfg: GuardConfig, resolver: Arc<dyn Resolve>) -> Result<Self, GuardError> {
        if cfg.max_bytes == 0 {
            return Err(GuardError::Config("max_bytes must be at least 1".into()));
        }
        if cfg.total_timeout.is_zero() || cfg.connect_timeout.is_zero() {
            return Err(GuardError::Config(
                "timeouts must be longer than zero".into(),
            ));
        }
        let user_agent = HeaderValue::from_str(&cfg.user_agent)
            .map_err(|e| GuardError::Config(format!("user agent: {e}")))?;
        let fetcher = GuardedFetcher {
            cfg,
            resolver,
            user_agent,
            hook: None,
        };
        // Builds one hop's client now, so a TLS set-up failure shows at start and not on
        // the first user's upload.
        fetcher.client(Pinned {
            host: String::new(),
            addrs: Vec::new(),
            hook: None,
        })?;
        Ok(fetcher)
    }

    /// Calls `hook` with every address the HTTP stack is given to connect to.
    pub fn with_connect_hook(mut self, hook: ConnectHook) -> Self {
        self.hook = Some(hook);
        self
    }

    /// The resolver it checks names with (for a [`super::ClientGuard`] that must
    /// resolve the same way).
    pub fn resolver(&self) -> Arc<dyn Resolve> {
        self.resolver.clone()
    }

    /// The limits this fetcher was built with.
    pub fn config(&self) -> &GuardConfig {
        &self.cfg
    }

    /// Fetches `url` (http or https), following redirects, within the limits.
    pub async fn fetch(&self, url: &str) -> Result<FetchedBytes, GuardError> {
        let after = self.cfg.total_timeout;
        match tokio::time::timeout(after, self.fetch_hops(url)).await {
            Ok(done) => done,
            Err(_) => Err(GuardError::Timeout {
                what: "the whole fetch",
                after,
            }),
        }
    }

    async fn fetch_hops(&self, url: &str) -> Result<FetchedBytes, GuardError> {
        let mut current = Url::parse(url).map_err(|e| GuardError::BadUrl {
            url: url.to_string(),
            reason: e.to_string(),
        })?;
        check_url(&current).map_err(|reason| {
            // The message may reach a log: a password in the URL stays out of it.
            let mut shown = current.clone();
            let _ = shown.set_password(None);
            GuardError::BadUrl {
                url: shown.to_string(),
                reason,
            }
        })?;
        let mut redirects = 0usize;
        loop {
            let checked = self.check_host(&current).await?;
            let response = self.send(&current, checked).await?;
            let status = response.status();
            if status.is_redirection() {
                if let Some(location) = response.headers().get(LOCATION) {
                    if redirects >= self.cfg.max_redirects {
                        return Err(GuardError::TooManyRedirects {
                            max: self.cfg.max_redirects,
                        });
                    }
                    redirects += 1;
                    current = next_hop(&current, location)?;
                    continue;
                }
            }
            if !status.is_success() {
                return Err(GuardError::HttpStatus {
                    status: status.as_u16(),
                });
            }
            return self.read_body(current, response).await;
        }
    }

    /// Resolves the host of `url` once and checks every address. An IP literal (also the
    /// odd forms the URL parser turns into one, `http://2130706433/`) is checked as is.
    async fn check_host(&self, url: &Url) -> Result<Checked, GuardError> {
        let host_name = url.host_str().unwrap_or_default().to_string();
        // check_url made sure http(s) with a host, so both are there.
        let port = url.port_or_known_default().unwrap_or(80);
        let literal = matches!(url.host(), Some(Host::Ipv4(_) | Host::Ipv6(_)));
        let addrs = match url.host() {
            Some(Host::Ipv4(ip)) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
            Some(Host::Ipv6(ip)) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
            Some(Host::Domain(name)) => {
                let found =
                    self.resolver
                        .resolve(name, port)
                        .await
                        .map_err(|e| GuardError::Dns {
                            host: host_name.clone(),
                            reason: e.to_string(),
                        })?;
                if found.is_empty() {
                    return Err(GuardError::Dns {
                        host: host_name,
                        reason: "no address".into(),
                    });
                }
                // The port is the URL's, whatever the resolver put there.
                found
                    .into_iter()
                    .map(|a| SocketAddr::new(a.ip(), port))
                    .collect()
            }
            None => {
                return Err(GuardError::BadUrl {
                    url: url.to_string(),
                    reason: "no host".into(),
                })
            }
        };
        // One forbidden address refuses the host, even when a public one is next to it:
        // picking the "good" one would let a name that answers both (mixed records, or a
        // resolver that shuffles) steer us, and the HTTP stack may fall back to the other
        // address when the first does not answer.
        for addr in &addrs {
            if let Some(why) = self.forbidden(addr.ip()) {
                return Err(GuardError::ForbiddenAddress {
                    host: host_name,
                    addr: addr.ip(),
                    why,
                });
            }
        }
        Ok(Checked {
            host: host_name,
            addrs,
            literal,
        })
    }

    fn forbidden(&self, ip: IpAddr) -> Option<&'static str> {
        if self.cfg.allow_loopback_for_tests && ip == IpAddr::V4(Ipv4Addr::LOCALHOST) {
            return None;
        }
        is_forbidden(ip)
    }

    /// One request to the checked addresses. The client is built for this hop alone: its
    /// resolver answers the checked addresses for the checked host and fails for any
    /// other name, it keeps no connection for later, and it reads no proxy settings.
    async fn send(&self, url: &Url, checked: Checked) -> Result<reqwest::Response, GuardError> {
        if checked.literal {
            if let Some(hook) = &self.hook {
                for addr in &checked.addrs {
                    hook(*addr);
                }
            }
        }
        let host = checked.host.clone();
        let client = self.client(Pinned {
            host: checked.host,
            addrs: checked.addrs,
            hook: self.hook.clone(),
        })?;
        client.get(url.clone()).send().await.map_err(|e| {
            if e.is_timeout() {
                // No per-request timeout is set: the only clock inside reqwest is connect.
                GuardError::Timeout {
                    what: "connecting",
                    after: self.cfg.connect_timeout,
                }
            } else if e.is_connect() {
                GuardError::Connect {
                    host,
                    reason: error_chain(&e),
                }
            } else {
                GuardError::Network(error_chain(&e))
            }
        })
    }

    fn client(&self, pinned: Pinned) -> Result<reqwest::Client, GuardError> {
        reqwest::Client::builder()
            .dns_resolver(Arc::new(pinned))
            // Environment proxies (HTTP_PROXY, ...) would move the connection, and the
            // address check with it, to somewhere else.
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .referer(false)
            .pool_max_idle_per_host(0)
            // The bytes the server sent, counted as sent: no decoder in between.
            .no_gzip()
            .no_brotli()
            .no_deflate()
            .connect_timeout(self.cfg.connect_timeout)
            .user_agent(self.user_agent.clone())
            .use_rustls_tls()
            .build()
            .map_err(|e| GuardError::Client(error_chain(&e)))
    }

    /// Streams the body, refusing it as soon as it is larger than allowed.
    async fn read_body(
        &self,
        final_url: Url,
        mut response: reqwest::Response,
    ) -> Result<FetchedBytes, GuardError> {
        let max = self.cfg.max_bytes;
        let too_large = GuardError::TooLarge { max };
        if response.content_length().is_some_and(|len| len > max) {
            return Err(too_large);
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        // Reserve what was announced, but never much on the word of the far server.
        let announced = response.content_length().unwrap_or(0).min(max);
        let reserve = usize::try_from(announced.min(1 << 20)).unwrap_or(0);
        let mut body = BytesMut::with_capacity(reserve);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| GuardError::Network(error_chain(&e)))?
        {
            let len = u64::try_from(body.len().saturating_add(chunk.len())).unwrap_or(u64::MAX);
            if len > max {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(FetchedBytes {
            final_url,
            content_type,
            bytes: body.freeze(),
        })
    }
}

/// What every hop's URL must be: http(s), a host, no credentials, a real port.
pub(super) fn check_url(url: &Url) -> Result<(), String> {
    match url.scheme() {
        "http" | "https" => {}
        other => return Err(format!("only http and https are fetched, not {other}:")),
    }
    if url.host().is_none() {
        return Err("no host".into());
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("user names and passwords in URLs are not accepted".into());
    }
    if url.port() == Some(0) {
        return Err("port 0".into());
    }
    Ok(())
}

/// The URL a redirect points to, checked like the first one.
fn next_hop(from: &Url, location: &HeaderValue) -> Result<Url, GuardError> {
    let bad = |reason: String| GuardError::BadRedirect {
        from: from.to_string(),
        reason,
    };
    let text = location
        .to_str()
        .map_err(|_| bad("Location is not text".into()))?;
    let next = from
        .join(text)
        .map_err(|e| bad(format!("Location {text:?}: {e}")))?;
    check_url(&next).map_err(|reason| bad(format!("to {next}: {reason}")))?;
    Ok(next)
}
