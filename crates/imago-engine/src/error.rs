//! What can go wrong: setting up a client ([`EngineError`]) and fetching one URL
//! ([`FetchError`]). Every message is written for the person running imago: it says what
//! happened in plain words, with the numbers that matter.

use std::path::PathBuf;
use std::time::Duration;

/// A client could not be built from its settings.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EngineError {
    /// The cookies file could not be read.
    #[error("cannot read cookies file {}: {source}", path.display())]
    CookiesRead {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A line of the cookies file is not Netscape `cookies.txt` format.
    #[error("{}, line {line}: {message}", path.display())]
    CookiesParse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    /// A custom header has a name or value HTTP does not allow.
    #[error("bad header {name:?}: {message}")]
    BadHeader { name: String, message: String },
    /// A setting is out of range (zero concurrency, ...).
    #[error("bad setting: {0}")]
    Config(String),
    /// The HTTP stack refused to start (TLS set-up).
    #[error("cannot start the HTTP client: {0}")]
    Client(String),
}

impl EngineError {
    /// The user's to fix (a cookies file, a header, a setting), as opposed to the HTTP
    /// stack failing to start.
    pub fn is_bad_input(&self) -> bool {
        !matches!(self, EngineError::Client(_))
    }
}

/// Which clock ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeoutKind {
    /// Opening the connection (TCP + TLS).
    Connect,
    /// No byte arrived for this long.
    Read,
    /// The whole request (redirects and body) took this long.
    Total,
}

/// Why one URL could not be fetched, probed or downloaded.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// Only `http` and `https` are fetched.
    #[error("not an http(s) URL: {0}")]
    NotHttp(String),
    /// The server answered with an error status.
    #[error("HTTP {status}{}{}", reason_suffix(*status), retry_after_note(*retry_after, *retry_after_cap))]
    Http {
        status: u16,
        /// `Retry-After` as the server sent it.
        retry_after: Option<Duration>,
        /// Set when the server asked for a longer wait than imago accepts: the wait
        /// imago took instead (its cap).
        retry_after_cap: Option<Duration>,
    },
    /// A clock ran out.
    #[error("{}", timeout_text(*kind, *after))]
    Timeout { kind: TimeoutKind, after: Duration },
    /// The connection could not be opened (refused, TLS, reset).
    #[error("cannot connect: {0}")]
    Connect(String),
    /// The host name does not resolve: waiting will not change that, so it is not
    /// retried (a page full of images on a dead host would otherwise take minutes).
    #[error("cannot find the host: {0}")]
    Dns(String),
    /// The connection broke while talking.
    #[error("network error: {0}")]
    Network(String),
    /// The body ended before the length the server announced.
    #[error("body shorter than Content-Length ({got} of {expected} bytes)")]
    ShortBody { got: u64, expected: u64 },
    /// The guard of a client fetching for someone else refused the address (private,
    /// loopback, ...): never retried.
    #[error("refused: {0}")]
    Refused(String),
    /// The bytes arrived but are not whole: a video segment cut short at a packet or box
    /// boundary the length header did not reveal, or that does not decrypt.
    #[error("damaged data: {0}")]
    Damaged(String),
    /// The server sent a web page (an error or login page) where an image was expected.
    #[error("HTML page instead of an image")]
    Html,
    /// The bytes are not an image imago knows.
    #[error("not an image: {0}")]
    NotAnImage(String),
    /// The file is bigger than the size cap.
    #[error("over the size cap of {limit} bytes{}", declared.map(|d| format!(" (server announced {d} bytes)")).unwrap_or_default())]
    TooLarge { limit: u64, declared: Option<u64> },
    /// The image header goes on longer than a probe reads.
    #[error("image header longer than {0} bytes; not probed")]
    HeaderTooLong(u64),
    /// More redirects than allowed.
    #[error("too many redirects (more than {0})")]
    TooManyRedirects(usize),
    /// A redirect leads back to a URL already visited.
    #[error("redirect loop: {0} was already visited")]
    RedirectLoop(String),
    /// A redirect without a usable `Location`.
    #[error("bad redirect: {0}")]
    BadRedirect(String),
    /// A redirect to something other than http(s) (`file:`, `ftp:`, `javascript:`).
    #[error("redirect to a non-http(s) URL: {0}")]
    RedirectNotHttp(String),
    /// A `206 Partial Content` answer that does not match the range asked for.
    #[error("server answered a different range than asked: {0}")]
    BadRange(String),
    /// Retries ran out; the last failure says why.
    #[error("{last} (gave up after {attempts} attempts)")]
    GaveUp {
        attempts: u32,
        last: Box<FetchError>,
    },
    /// No URL was given to download.
    #[error("no candidate URL to download")]
    NoCandidates,
    /// The local disk refused (folder creation, write, fsync).
    #[error("cannot write {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl FetchError {
    /// Worth trying again later: timeouts, broken connections, short bodies, 408, 429
    /// and 5xx. A 4xx, an HTML page or a redirect loop will not change by waiting.
    pub fn is_retryable(&self) -> bool {
        match self {
            FetchError::Timeout { .. }
            | FetchError::Connect(_)
            | FetchError::Network(_)
            | FetchError::ShortBody { .. }
            | FetchError::Damaged(_) => true,
            FetchError::Http { status, .. } => {
                *status == 408 || *status == 429 || (500..=599).contains(status)
            }
            _ => false,
        }
    }

    /// The URL has nothing usable, so the next candidate (the original after an HD
    /// rewrite) should be tried: 404, 403, 410, an HTML page, something not an image.
    pub fn tries_next_candidate(&self) -> bool {
        match self {
            FetchError::Http { status, .. } => matches!(status, 403 | 404 | 410),
            FetchError::Html | FetchError::NotAnImage(_) => true,
            _ => false,
        }
    }

    /// The HTTP status, when the failure is one (also inside [`FetchError::GaveUp`]).
    pub fn status(&self) -> Option<u16> {
        match self {
            FetchError::Http { status, .. } => Some(*status),
            FetchError::GaveUp { last, .. } => last.status(),
            _ => None,
        }
    }

    /// `Retry-After` the server asked for, when it did.
    pub(crate) fn retry_after(&self) -> Option<Duration> {
        match self {
            FetchError::Http { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The failure leaves a partial file worth resuming (the bytes so far are right,
    /// only the transfer stopped).
    pub(crate) fn is_interruption(&self) -> bool {
        matches!(
            self,
            FetchError::Timeout { .. }
                | FetchError::Connect(_)
                | FetchError::Network(_)
                | FetchError::ShortBody { .. }
        )
    }
}

fn reason_suffix(status: u16) -> String {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .map(|r| format!(" {r}"))
        .unwrap_or_default()
}

fn retry_after_note(retry_after: Option<Duration>, cap: Option<Duration>) -> String {
    match (retry_after, cap) {
        (Some(asked), Some(cap)) => format!(
            " (the server asked to wait {}s; waited the {} cap instead)",
            asked.as_secs(),
            human_secs(cap)
        ),
        _ => String::new(),
    }
}

fn timeout_text(kind: TimeoutKind, after: Duration) -> String {
    let secs = human_secs(after);
    match kind {
        TimeoutKind::Connect => format!("timeout: no connection after {secs}"),
        TimeoutKind::Read => format!("timeout: no data for {secs}"),
        TimeoutKind::Total => format!("timeout after {secs} in total"),
    }
}

/// `30s`, `1.5s`, `250ms`.
pub(crate) fn human_secs(d: Duration) -> String {
    let ms = d.as_millis();
    if ms < 1000 {
        format!("{ms}ms")
    } else if d.subsec_millis() == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{:.1}s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_read_like_sentences() {
        let e = FetchError::Http {
            status: 404,
            retry_after: None,
            retry_after_cap: None,
        };
        assert_eq!(e.to_string(), "HTTP 404 Not Found");
        let e = FetchError::ShortBody {
            got: 1000,
            expected: 2000,
        };
        assert_eq!(
            e.to_string(),
            "body shorter than Content-Length (1000 of 2000 bytes)"
        );
        let e = FetchError::Timeout {
            kind: TimeoutKind::Read,
            after: Duration::from_secs(30),
        };
        assert_eq!(e.to_string(), "timeout: no data for 30s");
        let e = FetchError::GaveUp {
            attempts: 4,
            last: Box::new(FetchError::Http {
                status: 500,
                retry_after: None,
                retry_after_cap: None,
            }),
        };
        assert_eq!(
            e.to_string(),
            "HTTP 500 Internal Server Error (gave up after 4 attempts)"
        );
    }

    #[test]
    fn retryable_and_next_candidate() {
        let http = |status| FetchError::Http {
            status,
            retry_after: None,
            retry_after_cap: None,
        };
        assert!(http(429).is_retryable());
        assert!(http(503).is_retryable());
        assert!(!http(404).is_retryable());
        assert!(http(404).tries_next_candidate());
        assert!(http(410).tries_next_candidate());
        assert!(!http(500).tries_next_candidate());
        assert!(FetchError::Html.tries_next_candidate());
        assert!(!FetchError::TooManyRedirects(10).is_retryable());
    }
}
