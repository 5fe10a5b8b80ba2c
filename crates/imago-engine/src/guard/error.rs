//! Why a guarded fetch was refused or failed. Every message is written for the person who
//! gave the URL; [`GuardError::code`] is the stable word a server puts in its answer.

use std::net::IpAddr;
use std::time::Duration;

/// A guarded fetch did not return bytes.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum GuardError {
    /// The URL cannot be fetched as given: not http(s), no host, credentials, port 0.
    #[error("cannot fetch {url:?}: {reason}")]
    BadUrl { url: String, reason: String },
    /// A redirect pointed somewhere we do not follow (no or bad `Location`, not http(s)).
    #[error("bad redirect from {from}: {reason}")]
    BadRedirect { from: String, reason: String },
    /// The host is, or resolves to, an address the server must not reach for a user.
    /// The message names the kind of address but not the address: what the server's
    /// resolver knows about internal names is none of the user's business. `addr` is
    /// there for the log.
    #[error("{host} is not a public address: {why}")]
    ForbiddenAddress {
        host: String,
        addr: IpAddr,
        why: &'static str,
    },
    /// The host name did not resolve, or resolved to nothing.
    #[error("cannot find the host {host}: {reason}")]
    Dns { host: String, reason: String },
    /// The connection could not be opened (refused, unreachable, TLS).
    #[error("cannot connect to {host}: {reason}")]
    Connect { host: String, reason: String },
    /// A clock ran out: `what` is "connecting" or "the whole fetch".
    #[error("timed out {what} (after {after:?})")]
    Timeout { what: &'static str, after: Duration },
    /// More redirects than allowed.
    #[error("too many redirects (more than {max})")]
    TooManyRedirects { max: usize },
    /// The server answered with a status that is not a success.
    #[error("the server answered HTTP {status}")]
    HttpStatus { status: u16 },
    /// The body is larger than allowed (announced, or counted while reading).
    #[error("the file is larger than {max} bytes")]
    TooLarge { max: u64 },
    /// The connection broke while talking.
    #[error("network error: {0}")]
    Network(String),
    /// The settings are unusable (a zero limit, a user agent HTTP does not allow).
    #[error("bad fetch settings: {0}")]
    Config(String),
    /// The HTTP stack refused to start (TLS set-up).
    #[error("cannot start the HTTP client: {0}")]
    Client(String),
}

impl GuardError {
    /// A short, stable identifier of the kind of failure, for API answers and metrics.
    pub fn code(&self) -> &'static str {
        match self {
            GuardError::BadUrl { .. } => "bad_url",
            GuardError::BadRedirect { .. } => "bad_redirect",
            GuardError::ForbiddenAddress { .. } => "forbidden_address",
            GuardError::Dns { .. } => "dns",
            GuardError::Connect { .. } => "connect",
            GuardError::Timeout { .. } => "timeout",
            GuardError::TooManyRedirects { .. } => "too_many_redirects",
            GuardError::HttpStatus { .. } => "http_status",
            GuardError::TooLarge { .. } => "too_large",
            GuardError::Network(_) => "network",
            GuardError::Config(_) => "bad_config",
            GuardError::Client(_) => "client",
        }
    }

    /// Whether the user's input caused it (a 4xx for a server), as opposed to the network
    /// or the far server failing (a 502/504) or our own set-up (500).
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            GuardError::BadUrl { .. }
                | GuardError::BadRedirect { .. }
                | GuardError::ForbiddenAddress { .. }
                | GuardError::TooManyRedirects { .. }
                | GuardError::TooLarge { .. }
        )
    }
}
