//! The guard for a whole [`Client`](crate::Client): a server that saves an HLS stream a
//! user named (upload by URL of an `.m3u8`) makes hundreds of requests, to hosts the
//! playlist names, through the engine's client. [`ClientGuard`] makes that client refuse
//! what [`GuardedFetcher`](super::GuardedFetcher) refuses: its resolver checks every
//! address of every name before the HTTP stack may connect (the stack connects only to
//! the addresses it was given, so no second lookup can rebind a name), an IP literal is
//! checked before its request is sent (the stack dials those without a resolver), and
//! no proxy from the environment is used.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use url::{Host, Url};

use super::{is_forbidden, Resolve};

/// The guard of a client: how names are resolved and whether loopback passes.
#[derive(Clone)]
pub struct ClientGuard {
    pub resolver: Arc<dyn Resolve>,
    /// Lets 127.0.0.1 through, so tests can stand a local server in for a public one.
    /// Only for test harnesses: no configuration file or flag may set it.
    pub allow_loopback_for_tests: bool,
}

impl std::fmt::Debug for ClientGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientGuard")
            .field("allow_loopback_for_tests", &self.allow_loopback_for_tests)
            .finish_non_exhaustive()
    }
}

/// An address the guard refused; found again in the HTTP stack's error chain, so the
/// failure is reported as refused, not as a connection error worth retrying.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves to {addr}, {why}: not fetched on behalf of someone else")]
pub struct Refused {
    pub host: String,
    pub addr: IpAddr,
    pub why: &'static str,
}

impl ClientGuard {
    fn forbidden(&self, ip: IpAddr) -> Option<&'static str> {
        if self.allow_loopback_for_tests && ip == IpAddr::V4(Ipv4Addr::LOCALHOST) {
            return None;
        }
        is_forbidden(ip)
    }

    /// The checks of one request's URL: the guarded fetcher's (http(s), a host, no
    /// credentials, no port 0), and its address when the host is an IP literal (names are
    /// checked when resolved).
    pub(crate) fn check_url(&self, url: &Url) -> Result<(), String> {
        super::fetcher::check_url(url)?;
        self.check_literal(url).map_err(|r| r.to_string())
    }

    fn check_literal(&self, url: &Url) -> Result<(), Refused> {
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            _ => return Ok(()),
        };
        match self.forbidden(ip) {
            Some(why) => Err(Refused {
                host: ip.to_string(),
                addr: ip,
                why,
            }),
            None => Ok(()),
        }
    }
}

/// The client's resolver: the guard's, then every address checked.
pub(crate) struct GuardedResolve(pub(crate) ClientGuard);

impl reqwest::dns::Resolve for GuardedResolve {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let guard = self.0.clone();
        let host = name.as_str().to_string();
        Box::pin(async move {
            // The port is the URL's: the HTTP stack replaces the one given here.
            let found = guard.resolver.resolve(&host, 0).await?;
            for addr in &found {
                if let Some(why) = guard.forbidden(addr.ip()) {
                    let err: Box<dyn std::error::Error + Send + Sync> = Box::new(Refused {
                        host: host.clone(),
                        addr: addr.ip(),
                        why,
                    });
                    return Err(err);
                }
            }
            let addrs: reqwest::dns::Addrs = Box::new(found.into_iter().map(|a: SocketAddr| a));
            Ok(addrs)
        })
    }
}

/// The guard's refusal, when it is somewhere in `err`'s chain of causes.
pub(crate) fn refusal(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = cur {
        if let Some(r) = e.downcast_ref::<Refused>() {
            return Some(r.to_string());
        }
        cur = e.source();
    }
    None
}
