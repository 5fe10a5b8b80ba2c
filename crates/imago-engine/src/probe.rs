//! Probe over the network: format, width and height from the first bytes of an image,
//! and its size from the headers, without downloading it.
//!
//! A ranged GET asks for the first 4 KiB and grows only when the header parser asks for
//! more (never past 1 MiB). A server that ignores `Range` and sends the whole file is
//! read only until the header is known; then the response is dropped.

use std::sync::atomic::{AtomicU64, Ordering};

use imago_core::probe::{looks_like_html, probe as parse_prefix, Probe};
use imago_core::ImageInfo;
use reqwest::header::{HeaderValue, RANGE};
use reqwest::Method;
use url::Url;

use crate::client::{Client, Inner};
use crate::error::FetchError;
use crate::fetch::{image_headers, open, Opened};
use crate::retry::with_retries;

/// The first request asks for this many bytes.
pub const PROBE_FIRST_BYTES: usize = 4 * 1024;
/// A header that needs more than this is not probed.
pub const PROBE_MAX_BYTES: usize = 1024 * 1024;

/// What a probe learned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Probed {
    pub info: ImageInfo,
    /// The size of the whole file, when the server said (`Content-Range`,
    /// `Content-Length`, or a HEAD).
    pub total_bytes: Option<u64>,
    /// Body bytes received, over every request and retry of this probe.
    pub bytes_read: u64,
}

impl Client {
    /// Reads format, width and height from the first bytes of the image at `url`.
    pub async fn probe(&self, url: &Url, referer: Option<&Url>) -> Result<Probed, FetchError> {
        let inner = &*self.inner;
        let read = AtomicU64::new(0);
        let (info, mut total) =
            with_retries(&inner.cfg, |_| probe_once(inner, url, referer, &read)).await?;
        if total.is_none() {
            total = head_size(inner, url, referer).await;
        }
        Ok(Probed {
            info,
            total_bytes: total,
            bytes_read: read.load(Ordering::Relaxed),
        })
    }
}

/// One try: ranged requests until the parser knows, or one unranged stream cut short.
async fn probe_once(
    inner: &Inner,
    url: &Url,
    referer: Option<&Url>,
    read: &AtomicU64,
) -> Result<(ImageInfo, Option<u64>), FetchError> {
    let mut buf: Vec<u8> = Vec::new();
    let mut total: Option<u64> = None;
    let mut want = PROBE_FIRST_BYTES;
    loop {
        let mut headers = image_headers();
        let range = format!("bytes={}-{}", buf.len(), want - 1);
        if let Ok(v) = HeaderValue::from_str(&range) {
            headers.insert(RANGE, v);
        }
        let mut opened = open(inner, Method::GET, url, referer, &headers).await?;
        match opened.status() {
            206 => {
                let cr = opened
                    .header("content-range")
                    .and_then(parse_content_range)
                    .ok_or_else(|| {
                        FetchError::BadRange(format!("asked {range}, got no usable Content-Range"))
                    })?;
                if cr.start != buf.len() as u64 {
                    return Err(FetchError::BadRange(format!(
                        "asked {range}, got bytes {}-{}",
                        cr.start, cr.end
                    )));
                }
                total = total.or(cr.total);
                let got_before = buf.len();
                read_into(&mut opened, &mut buf, want, read).await?;
                // The file ended: the server said so, or sent less than asked.
                let complete = total.map_or(buf.len() < want, |t| buf.len() as u64 >= t);
                match judge(&buf, complete)? {
                    Verdict::Known(info) => return Ok((info, total)),
                    Verdict::Need(_) if complete || buf.len() == got_before => {
                        return Err(FetchError::NotAnImage("file ends inside its header".into()))
                    }
                    Verdict::Need(n) => want = next_want(buf.len(), n)?,
                }
            }
            200 => {
                // The server ignored Range: this stream is the whole file. Read it only
                // until the header is known.
                total = opened.content_length();
                buf.clear();
                return stream_until_known(&mut opened, buf, read)
                    .await
                    .map(|info| (info, total));
            }
            416 if !buf.is_empty() => {
                // The file ends exactly where we stopped asking.
                return match judge(&buf, true)? {
                    Verdict::Known(info) => Ok((info, Some(buf.len() as u64))),
                    Verdict::Need(_) => {
                        Err(FetchError::NotAnImage("file ends inside its header".into()))
                    }
                };
            }
            416 => return Err(FetchError::NotAnImage("empty file".into())),
            _ => return Err(opened.status_error()),
        }
    }
}

/// Reads the body of a ranged answer into `buf`, stopping at `end` bytes in total (a
/// server that sends more than asked is cut off).
async fn read_into(
    opened: &mut Opened,
    buf: &mut Vec<u8>,
    end: usize,
    read: &AtomicU64,
) -> Result<(), FetchError> {
    while buf.len() < end {
        let Some(chunk) = opened.chunk().await? else {
            break;
        };
        read.fetch_add(chunk.len() as u64, Ordering::Relaxed);
        let room = end - buf.len();
        buf.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or(&chunk));
    }
    Ok(())
}

async fn stream_until_known(
    opened: &mut Opened,
    mut buf: Vec<u8>,
    read: &AtomicU64,
) -> Result<ImageInfo, FetchError> {
    let mut need = 1usize;
    loop {
        let chunk = opened.chunk().await?;
        let complete = chunk.is_none();
        if let Some(chunk) = &chunk {
            read.fetch_add(chunk.len() as u64, Ordering::Relaxed);
            let room = PROBE_MAX_BYTES.saturating_sub(buf.len());
            buf.extend_from_slice(chunk.get(..room.min(chunk.len())).unwrap_or(chunk));
            if buf.len() < need && buf.len() < PROBE_MAX_BYTES {
                continue;
            }
        }
        match judge(&buf, complete)? {
            Verdict::Known(info) => return Ok(info),
            Verdict::Need(_) if complete => {
                return Err(FetchError::NotAnImage("file ends inside its header".into()))
            }
            Verdict::Need(_) if buf.len() >= PROBE_MAX_BYTES => {
                return Err(FetchError::HeaderTooLong(PROBE_MAX_BYTES as u64))
            }
            Verdict::Need(n) => need = n,
        }
    }
}

/// What the first bytes say so far.
enum Verdict {
    Known(ImageInfo),
    /// The header goes on: this many bytes in total would tell.
    Need(usize),
}

/// Judges a prefix: an error for a web page or something that is not an image.
fn judge(buf: &[u8], complete: bool) -> Result<Verdict, FetchError> {
    if looks_like_html(buf) {
        return Err(FetchError::Html);
    }
    match parse_prefix(buf, complete) {
        Probe::Known(info) => Ok(Verdict::Known(info)),
        Probe::NotImage(reason) => Err(FetchError::NotAnImage(reason)),
        Probe::NeedMore(n) => Ok(Verdict::Need(n)),
    }
}

/// How far the next ranged request reaches: what the parser asks for, at least double
/// what we have (few round trips for headers that grow piecemeal), never past the cap.
fn next_want(have: usize, asked: usize) -> Result<usize, FetchError> {
    if have >= PROBE_MAX_BYTES || asked > PROBE_MAX_BYTES {
        return Err(FetchError::HeaderTooLong(PROBE_MAX_BYTES as u64));
    }
    Ok(asked.max(have.saturating_mul(2)).min(PROBE_MAX_BYTES))
}

/// The size from a HEAD request; `None` if the server does not say (or fails).
async fn head_size(inner: &Inner, url: &Url, referer: Option<&Url>) -> Option<u64> {
    let opened = open(inner, Method::HEAD, url, referer, &image_headers())
        .await
        .ok()?;
    if !opened.resp.status().is_success() {
        return None;
    }
    opened.content_length()
}

/// `Content-Range: bytes 0-4095/123456` (total may be `*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ContentRange {
    pub(crate) start: u64,
    pub(crate) end: u64,
    pub(crate) total: Option<u64>,
}

pub(crate) fn parse_content_range(value: &str) -> Option<ContentRange> {
    let rest = value.trim().strip_prefix("bytes")?.trim_start();
    let (range, total) = rest.split_once('/')?;
    let (start, end) = range.trim().split_once('-')?;
    let start: u64 = start.trim().parse().ok()?;
    let end: u64 = end.trim().parse().ok()?;
    if end < start {
        return None;
    }
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    if total.is_some_and(|t| end >= t) {
        return None;
    }
    Some(ContentRange { start, end, total })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_range_forms() {
        assert_eq!(
            parse_content_range("bytes 0-4095/123456"),
            Some(ContentRange {
                start: 0,
                end: 4095,
                total: Some(123456)
            })
        );
        assert_eq!(
            parse_content_range("bytes 100-199/*"),
            Some(ContentRange {
                start: 100,
                end: 199,
                total: None
            })
        );
        assert_eq!(parse_content_range("bytes */500"), None);
        assert_eq!(parse_content_range("bytes 10-5/500"), None);
        assert_eq!(parse_content_range("bytes 0-500/500"), None);
    }
}
