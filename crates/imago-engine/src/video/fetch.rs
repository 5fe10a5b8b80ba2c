//! One playlist, key or segment fetched whole into memory: a `Range` when the playlist
//! gives a byte range, the length checked against what was asked, retried like any
//! request (5xx, timeouts, short or damaged bodies).

use reqwest::header::{HeaderMap, HeaderValue, ACCEPT_ENCODING, RANGE};
use reqwest::Method;
use url::Url;

use imago_core::hls::ByteRange;

use crate::client::Inner;
use crate::error::FetchError;
use crate::fetch::open;
use crate::retry::with_retries;

/// Fetches `url` (or `range` of it) and hands the body and the URL its redirects ended at
/// to `check`, which may refuse it as damaged (and so have it fetched again). At most
/// `cap` bytes are read.
pub(crate) async fn fetch_checked<T>(
    inner: &Inner,
    url: &Url,
    referer: Option<&Url>,
    range: Option<ByteRange>,
    cap: u64,
    check: impl Fn(Vec<u8>, &Url) -> Result<T, FetchError>,
) -> Result<T, FetchError> {
    let mut headers = HeaderMap::new();
    // The bytes as stored: lengths and ranges mean the file, and a segment is already
    // compressed.
    headers.insert(ACCEPT_ENCODING, HeaderValue::from_static("identity"));
    if let Some(r) = range {
        if let Ok(v) = HeaderValue::from_str(&r.header()) {
            headers.insert(RANGE, v);
        }
    }
    let check = &check;
    let headers = &headers;
    with_retries(&inner.cfg, |_| async move {
        let mut opened = open(inner, Method::GET, url, referer, headers).await?;
        let status = opened.status();
        if !(200..300).contains(&status) {
            return Err(opened.status_error());
        }
        let body = match range {
            Some(r) if status == 206 => {
                let starts = opened
                    .header("content-range")
                    .and_then(range_start)
                    .ok_or_else(|| FetchError::BadRange("no usable Content-Range".into()))?;
                if starts != r.offset {
                    return Err(FetchError::BadRange(format!(
                        "asked from byte {}, got from byte {starts}",
                        r.offset
                    )));
                }
                let body = opened.read_all(r.length).await?;
                if (body.len() as u64) < r.length {
                    return Err(FetchError::ShortBody {
                        got: body.len() as u64,
                        expected: r.length,
                    });
                }
                body
            }
            // A server that ignores `Range` sends the whole resource: the range is cut
            // from it (within the cap).
            Some(r) => {
                let whole = opened.read_all(cap).await?;
                let end = r.offset.saturating_add(r.length);
                if (whole.len() as u64) < end {
                    return Err(FetchError::BadRange(format!(
                        "the resource has {} bytes, the playlist names bytes {}-{}",
                        whole.len(),
                        r.offset,
                        end.saturating_sub(1)
                    )));
                }
                whole[r.offset as usize..end as usize].to_vec()
            }
            None => opened.read_all(cap).await?,
        };
        check(body, &opened.final_url)
    })
    .await
}

/// The first byte of `Content-Range: bytes a-b/n`.
fn range_start(value: &str) -> Option<u64> {
    let spec = value.trim().strip_prefix("bytes")?.trim_start();
    spec.split('-').next()?.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::range_start;

    #[test]
    fn content_range_start() {
        assert_eq!(range_start("bytes 100-199/1000"), Some(100));
        assert_eq!(range_start("bytes */1000"), None);
        assert_eq!(range_start("items 1-2/3"), None);
    }
}
