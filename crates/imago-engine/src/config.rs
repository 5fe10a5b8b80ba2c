//! The settings of a [`Client`](crate::Client): identity, politeness and limits.

use std::path::PathBuf;
use std::time::Duration;

/// How the engine talks to servers. `Default` gives values that suit a person grabbing
/// the images of a few pages; the command line overrides them from flags.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Sent as `User-Agent`.
    pub user_agent: String,
    /// Extra headers sent with every request (`name`, `value`).
    pub headers: Vec<(String, String)>,
    /// A Netscape `cookies.txt`; each cookie goes only to the hosts and paths it names.
    pub cookies_file: Option<PathBuf>,
    /// Opening a connection (TCP + TLS) may take this long.
    pub connect_timeout: Duration,
    /// No byte for this long (waiting for the headers, or between two chunks of the
    /// body) is a timeout.
    pub read_timeout: Duration,
    /// One attempt at one URL (redirects and body included) may take this long; a retry
    /// starts a new clock.
    pub total_timeout: Duration,
    /// Redirects followed before giving up.
    pub max_redirects: usize,
    /// The size cap per image (and per page or stylesheet).
    pub max_bytes: u64,
    /// Requests in flight at once, over all hosts.
    pub concurrency: usize,
    /// Requests in flight at once to one host.
    pub per_host: usize,
    /// The least time between the starts of two requests to one host.
    pub per_host_delay: Duration,
    /// Attempts after the first, for failures that may pass (timeouts, broken
    /// connections, 408, 429, 5xx).
    pub retries: u32,
    /// The first backoff; each retry doubles it (with jitter).
    pub backoff_base: Duration,
    /// The longest wait a `Retry-After` can impose: a server asking for more gets this
    /// much, so a hostile or confused server cannot stall a run for hours.
    pub max_retry_after: Duration,
    /// Send the page as `Referer` (many image hosts refuse hotlinks without it).
    pub send_referer: bool,
    /// Fetching for someone else (a server saving a stream a user named): every
    /// address checked as the SSRF guard checks it, no proxy. `None` for the user's own
    /// runs, which may reach their own network.
    pub guard: Option<crate::guard::ClientGuard>,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            user_agent: concat!("imago/", env!("CARGO_PKG_VERSION")).to_string(),
            headers: Vec::new(),
            cookies_file: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            total_timeout: Duration::from_secs(300),
            max_redirects: 10,
            max_bytes: 200 * 1024 * 1024,
            concurrency: 16,
            per_host: 4,
            per_host_delay: Duration::ZERO,
            retries: 3,
            backoff_base: Duration::from_millis(500),
            max_retry_after: Duration::from_secs(120),
            send_referer: true,
            guard: None,
        }
    }
}
