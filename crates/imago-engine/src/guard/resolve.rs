//! Name resolution for guarded fetches: the [`Resolve`] seam (the system resolver by
//! default, a table in tests) and the pinned resolver the HTTP stack is handed, which can
//! only repeat the addresses that were already checked.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use futures_util::future::BoxFuture;

/// Turns a host name into addresses. The guard calls it once per hop and checks every
/// address it returns before any connection is opened.
pub trait Resolve: Send + Sync + 'static {
    /// The addresses of `host` (a domain name, never an IP literal), with `port` set.
    fn resolve(&self, host: &str, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>>;
}

/// The operating system's resolver (`getaddrinfo`, through tokio).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve(&self, host: &str, port: u16) -> BoxFuture<'static, io::Result<Vec<SocketAddr>>> {
        let host = host.to_owned();
        Box::pin(async move { Ok(tokio::net::lookup_host((host, port)).await?.collect()) })
    }
}

/// Called with every address at the moment the HTTP stack receives it to connect to:
/// inside the pinned resolver for a name, just before sending for an IP literal (which
/// the HTTP stack dials without resolving). Production code may log with it; tests make
/// it panic on anything but 127.0.0.1, so a bug in the checks cannot open a connection
/// elsewhere.
pub type ConnectHook = Arc<dyn Fn(SocketAddr) + Send + Sync>;

/// What the per-hop HTTP client uses instead of DNS: the one host of this hop and the
/// addresses checked for it. Any other name fails, so the HTTP stack can neither look a
/// name up a second time (DNS rebinding) nor reach a host we did not check.
pub(super) struct Pinned {
    pub host: String,
    pub addrs: Vec<SocketAddr>,
    pub hook: Option<ConnectHook>,
}

impl reqwest::dns::Resolve for Pinned {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let answer = if name.as_str().eq_ignore_ascii_case(&self.host) {
            if let Some(hook) = &self.hook {
                for addr in &self.addrs {
                    hook(*addr);
                }
            }
            let addrs: reqwest::dns::Addrs = Box::new(self.addrs.clone().into_iter());
            Ok(addrs)
        } else {
            let err: Box<dyn std::error::Error + Send + Sync> = format!(
                "{} was not checked for this request (only {} was)",
                name.as_str(),
                self.host
            )
            .into();
            Err(err)
        };
        Box::pin(std::future::ready(answer))
    }
}
