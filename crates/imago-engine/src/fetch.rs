//! One HTTP exchange: redirects followed by hand (each hop checked), cookies and
//! `Referer` per hop, politeness slots held while the body is read, and the read and
//! total clocks applied to every wait.

use std::time::{Duration, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderValue, COOKIE, LOCATION, REFERER};
use reqwest::Method;
use tokio::time::Instant;
use url::Url;

use crate::client::{unix_now, Inner};
use crate::config::ClientConfig;
use crate::error::{FetchError, TimeoutKind};
use crate::hostlimit::Permits;
use crate::retry::parse_retry_after;

/// A response whose headers have arrived; the body is read chunk by chunk under the
/// read and total clocks. Holds its politeness slots until dropped.
pub(crate) struct Opened {
    pub(crate) resp: reqwest::Response,
    pub(crate) final_url: Url,
    _permits: Permits,
    deadline: Instant,
    read_timeout: Duration,
    total_timeout: Duration,
}

impl Opened {
    pub(crate) fn status(&self) -> u16 {
        self.resp.status().as_u16()
    }

    /// A header as text, when present and readable.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.resp.headers().get(name)?.to_str().ok()
    }

    /// `Content-Length`, when the server sent one (and the body is not re-encoded).
    pub(crate) fn content_length(&self) -> Option<u64> {
        self.header("content-length")?.trim().parse().ok()
    }

    /// The next piece of the body; `None` at its end.
    pub(crate) async fn chunk(&mut self) -> Result<Option<Bytes>, FetchError> {
        let idle_end = Instant::now() + self.read_timeout;
        let (end, kind, after) = if self.deadline <= idle_end {
            (self.deadline, TimeoutKind::Total, self.total_timeout)
        } else {
            (idle_end, TimeoutKind::Read, self.read_timeout)
        };
        match tokio::time::timeout_at(end, self.resp.chunk()).await {
            Err(_) => Err(FetchError::Timeout { kind, after }),
            Ok(Ok(c)) => Ok(c),
            Ok(Err(e)) => Err(FetchError::Network(error_chain(&e))),
        }
    }

    /// The error for a status that is not a success.
    pub(crate) fn status_error(&self) -> FetchError {
        FetchError::Http {
            status: self.status(),
            retry_after: self
                .header("retry-after")
                .and_then(|v| parse_retry_after(v, SystemTime::now())),
            retry_after_cap: None,
        }
    }

    /// Reads the whole body, refusing more than `cap` bytes and a body shorter than
    /// its `Content-Length`.
    pub(crate) async fn read_all(&mut self, cap: u64) -> Result<Vec<u8>, FetchError> {
        let expected = self.content_length();
        if let Some(len) = expected {
            if len > cap {
                return Err(FetchError::TooLarge {
                    limit: cap,
                    declared: Some(len),
                });
            }
        }
        let mut body = Vec::with_capacity(expected.unwrap_or(0).min(1 << 20) as usize);
        loop {
            let chunk = match self.chunk().await {
                Ok(Some(c)) => c,
                Ok(None) => break,
                Err(e) => return Err(short_body_or(e, body.len() as u64, expected)),
            };
            if (body.len() as u64).saturating_add(chunk.len() as u64) > cap {
                return Err(FetchError::TooLarge {
                    limit: cap,
                    declared: expected,
                });
            }
            body.extend_from_slice(&chunk);
        }
        check_length(body.len() as u64, expected)?;
        Ok(body)
    }
}

/// A broken connection before the announced length is reported as a short body (what
/// happened), a timeout stays a timeout.
pub(crate) fn short_body_or(err: FetchError, got: u64, expected: Option<u64>) -> FetchError {
    match (err, expected) {
        (FetchError::Network(_), Some(expected)) if got < expected => {
            FetchError::ShortBody { got, expected }
        }
        (err, _) => err,
    }
}

/// A body that ended cleanly but short of its `Content-Length`.
pub(crate) fn check_length(got: u64, expected: Option<u64>) -> Result<(), FetchError> {
    match expected {
        Some(expected) if got < expected => Err(FetchError::ShortBody { got, expected }),
        _ => Ok(()),
    }
}

/// Only http and https are fetched.
pub(crate) fn check_scheme(url: &Url) -> Result<(), FetchError> {
    match url.scheme() {
        "http" | "https" => Ok(()),
        _ => Err(FetchError::NotHttp(url.to_string())),
    }
}

/// Sends a request and follows redirects, each one checked: http(s) only, no URL twice,
/// no more than `max_redirects`. `headers` go with every hop (a `Range` stays a `Range`).
pub(crate) async fn open(
    inner: &Inner,
    method: Method,
    url: &Url,
    referer: Option<&Url>,
    headers: &HeaderMap,
) -> Result<Opened, FetchError> {
    check_scheme(url)?;
    let cfg = &inner.cfg;
    let referer_value = referer
        .filter(|_| cfg.send_referer)
        .and_then(|r| HeaderValue::from_str(referer_text(r).as_str()).ok());
    let mut current = url.clone();
    let mut visited = vec![current.clone()];
    let mut deadline: Option<Instant> = None;
    loop {
        if let Some(guard) = &cfg.guard {
            guard.check_url(&current).map_err(FetchError::Refused)?;
        }
        let permits = inner.limits.acquire(&current).await;
        // The clock starts once a slot is ours: waiting in the queue is not the
        // server's fault.
        let deadline = *deadline.get_or_insert_with(|| Instant::now() + cfg.total_timeout);
        let mut req_headers = headers.clone();
        if let Some(r) = &referer_value {
            req_headers.insert(REFERER, r.clone());
        }
        if let Some(cookie) = inner.cookies.header_for(&current, unix_now()) {
            if let Ok(v) = HeaderValue::from_str(&cookie) {
                req_headers.insert(COOKIE, v);
            }
        }
        let send = inner
            .http
            .request(method.clone(), current.clone())
            .headers(req_headers)
            .send();
        let head_end = Instant::now() + cfg.connect_timeout + cfg.read_timeout;
        let (end, kind, after) = if deadline <= head_end {
            (deadline, TimeoutKind::Total, cfg.total_timeout)
        } else {
            (head_end, TimeoutKind::Read, cfg.read_timeout)
        };
        let resp = match tokio::time::timeout_at(end, send).await {
            Err(_) => return Err(FetchError::Timeout { kind, after }),
            Ok(Err(e)) => return Err(map_send_error(&e, cfg)),
            Ok(Ok(resp)) => resp,
        };
        let status = resp.status();
        let location = resp
            .headers()
            .get(LOCATION)
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        match location {
            Some(location) if status.is_redirection() && status.as_u16() != 304 => {
                drop(resp);
                drop(permits);
                let next = current.join(location.trim()).map_err(|e| {
                    FetchError::BadRedirect(format!(
                        "HTTP {} to {location:?}: {e}",
                        status.as_u16()
                    ))
                })?;
                if !matches!(next.scheme(), "http" | "https") {
                    return Err(FetchError::RedirectNotHttp(next.to_string()));
                }
                if visited.contains(&next) {
                    return Err(FetchError::RedirectLoop(next.to_string()));
                }
                if visited.len() > cfg.max_redirects {
                    return Err(FetchError::TooManyRedirects(cfg.max_redirects));
                }
                visited.push(next.clone());
                current = next;
            }
            _ => {
                return Ok(Opened {
                    resp,
                    final_url: current,
                    _permits: permits,
                    deadline,
                    read_timeout: cfg.read_timeout,
                    total_timeout: cfg.total_timeout,
                })
            }
        }
    }
}

/// The page as a `Referer`: without its fragment and without user:password.
fn referer_text(page: &Url) -> String {
    let mut r = page.clone();
    r.set_fragment(None);
    let _ = r.set_username("");
    let _ = r.set_password(None);
    r.to_string()
}

fn map_send_error(e: &reqwest::Error, cfg: &ClientConfig) -> FetchError {
    if let Some(why) = crate::guard::refusal(e) {
        return FetchError::Refused(why);
    }
    if e.is_timeout() && e.is_connect() {
        FetchError::Timeout {
            kind: TimeoutKind::Connect,
            after: cfg.connect_timeout,
        }
    } else if e.is_timeout() {
        FetchError::Timeout {
            kind: TimeoutKind::Read,
            after: cfg.read_timeout,
        }
    } else if e.is_connect() {
        let why = error_chain(e);
        if why.contains("dns error") {
            FetchError::Dns(why.replace("dns error: ", ""))
        } else {
            FetchError::Connect(why)
        }
    } else {
        FetchError::Network(error_chain(e))
    }
}

/// An error and its causes in one line. reqwest's outer layer ("error sending request
/// for url (...)") and hyper's ("client error (Connect)") only repeat what the message
/// around them already says, so they are left out when a cause follows.
pub(crate) fn error_chain(e: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = vec![e.to_string()];
    let mut source = e.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    let wrapper =
        |p: &String| p.starts_with("error sending request") || p.starts_with("client error (");
    if parts.iter().any(|p| !wrapper(p)) {
        parts.retain(|p| !wrapper(p));
    }
    parts.join(": ")
}

/// Standard headers for the request of an image: raw bytes (so lengths and ranges mean
/// the file), images preferred.
pub(crate) fn image_headers() -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        reqwest::header::ACCEPT,
        HeaderValue::from_static(
            "image/avif,image/webp,image/apng,image/svg+xml,image/*,*/*;q=0.8",
        ),
    );
    h.insert(
        reqwest::header::ACCEPT_ENCODING,
        HeaderValue::from_static("identity"),
    );
    h
}
