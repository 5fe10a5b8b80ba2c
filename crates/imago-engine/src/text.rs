//! Pages and stylesheets as text: fetched under the same limits as images, decoded by
//! the charset the bytes declare (BOM, `Content-Type`, `<meta charset>`, `@charset`),
//! UTF-8 with replacement characters when nothing says otherwise.

use encoding_rs::Encoding;
use reqwest::header::{HeaderMap, HeaderValue, ACCEPT};
use reqwest::Method;
use url::Url;

use crate::client::Client;
use crate::error::FetchError;
use crate::fetch::open;
use crate::retry::with_retries;

/// A page or stylesheet, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fetched {
    /// Where the redirects ended: the base for the page's relative URLs.
    pub final_url: Url,
    pub content_type: Option<String>,
    pub text: String,
}

impl Client {
    /// Fetches a page or a stylesheet as text (redirects followed, size-capped,
    /// retried like any request).
    pub async fn fetch_text(
        &self,
        url: &Url,
        referer: Option<&Url>,
    ) -> Result<Fetched, FetchError> {
        let inner = &self.inner;
        let mut headers = HeaderMap::new();
        headers.insert(
            ACCEPT,
            HeaderValue::from_static(
                "text/html,application/xhtml+xml,application/xml;q=0.9,text/css,*/*;q=0.8",
            ),
        );
        with_retries(&inner.cfg, |_| {
            let headers = &headers;
            async move {
                let mut opened = open(inner, Method::GET, url, referer, headers).await?;
                if !opened.resp.status().is_success() {
                    return Err(opened.status_error());
                }
                let content_type = opened.header("content-type").map(str::to_string);
                let body = opened.read_all(inner.cfg.max_bytes).await?;
                Ok(Fetched {
                    final_url: opened.final_url.clone(),
                    text: decode(&body, content_type.as_deref()),
                    content_type,
                })
            }
        })
        .await
    }
}

/// Decodes a page or stylesheet: BOM first, then the `Content-Type` charset, then a
/// charset declared in the first KiB, else UTF-8 (invalid bytes replaced).
pub fn decode(body: &[u8], content_type: Option<&str>) -> String {
    if let Some((enc, bom_len)) = Encoding::for_bom(body) {
        let (text, _) = enc.decode_without_bom_handling(body.get(bom_len..).unwrap_or(&[]));
        return text.into_owned();
    }
    let declared = content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .or_else(|| {
            let head = body.get(..1024).unwrap_or(body);
            declared_in_document(head).and_then(|l| Encoding::for_label(l.as_bytes()))
        })
        // A document cannot declare UTF-16 in its own ASCII bytes: that is a lie, and
        // HTML says to read it as UTF-8.
        .map(|e| {
            if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE {
                encoding_rs::UTF_8
            } else {
                e
            }
        })
        .unwrap_or(encoding_rs::UTF_8);
    let (text, _) = declared.decode_without_bom_handling(body);
    text.into_owned()
}

/// `charset` of a `Content-Type` value.
fn charset_param(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// `<meta charset=...>`, `<meta http-equiv content="...; charset=...">` or
/// `@charset "..."`: the label after the first `charset`.
fn declared_in_document(head: &[u8]) -> Option<String> {
    let lower = head.to_ascii_lowercase();
    let at = lower.windows(7).position(|w| w == b"charset")?;
    let rest = lower.get(at + 7..)?;
    let label: String = rest
        .iter()
        .skip_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'=' | b'"' | b'\''))
        .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b':' | b'.'))
        .map(|&b| b as char)
        .collect();
    (!label.is_empty()).then_some(label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_charset_wins_over_nothing() {
        // "café" in Latin-1.
        assert_eq!(
            decode(b"caf\xe9", Some("text/html; charset=ISO-8859-1")),
            "café"
        );
    }

    #[test]
    fn meta_charset_is_read() {
        let page = b"<html><head><meta charset=\"windows-1252\"></head>caf\xe9</html>";
        assert!(decode(page, Some("text/html")).contains("café"));
        let page =
            b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=shift_jis\">\x83\x65";
        assert!(decode(page, None).ends_with('テ'));
    }

    #[test]
    fn css_charset_and_bom() {
        assert!(decode(b"@charset \"iso-8859-1\"; a{content:'\xe9'}", None).contains('é'));
        assert_eq!(
            decode(b"\xef\xbb\xbfok", Some("text/css; charset=latin1")),
            "ok"
        );
    }

    #[test]
    fn invalid_utf8_is_replaced_not_an_error() {
        assert_eq!(decode(b"a\xffb", None), "a\u{fffd}b");
    }
}
