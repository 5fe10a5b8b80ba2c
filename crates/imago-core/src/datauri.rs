//! `data:` URIs (RFC 2397): pages inline small images this way, and imago saves them as
//! files like any other image.

use std::borrow::Cow;

/// A decoded `data:` URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataUri {
    /// The declared media type (`image/png`); `text/plain` when none is given.
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Why a `data:` URI could not be decoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DataUriError {
    #[error("not a data: URI")]
    NotData,
    #[error("no comma between the media type and the data")]
    NoComma,
    #[error("invalid base64 at byte {0}")]
    Base64(usize),
}

/// Decodes `data:[<mime>][;base64],<data>`. White space inside base64 is skipped, as
/// browsers do (pages wrap long URIs).
pub fn decode(uri: &str) -> Result<DataUri, DataUriError> {
    let rest = strip_prefix_ignore_case(uri.trim(), "data:").ok_or(DataUriError::NotData)?;
    let comma = rest.find(',').ok_or(DataUriError::NoComma)?;
    let (header, data) = (&rest[..comma], &rest[comma + 1..]);
    let mut params = header.split(';');
    let mime = params.next().unwrap_or("").trim().to_ascii_lowercase();
    let is_base64 = params.any(|p| p.trim().eq_ignore_ascii_case("base64"));
    let data = percent_decode(data);
    let bytes = if is_base64 {
        base64_decode(&data)?
    } else {
        data.into_owned()
    };
    Ok(DataUri {
        mime: if mime.is_empty() {
            "text/plain".into()
        } else {
            mime
        },
        bytes,
    })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &s[prefix.len()..])
}

fn percent_decode(s: &str) -> Cow<'_, [u8]> {
    if !s.contains('%') {
        return Cow::Borrowed(s.as_bytes());
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    Cow::Owned(out)
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

fn base64_decode(input: &[u8]) -> Result<Vec<u8>, DataUriError> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    for (pos, &c) in input.iter().enumerate() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            // Both alphabets: pages use the URL-safe one too.
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            b'=' => break,
            b' ' | b'\t' | b'\n' | b'\r' | b'\x0c' => continue,
            _ => return Err(DataUriError::Base64(pos)),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_base64_png_header() {
        // "iVBORw0KGgo=" is the 8-byte PNG signature.
        let d = decode("data:image/png;base64,iVBORw0KGgo=").unwrap();
        assert_eq!(d.mime, "image/png");
        assert_eq!(d.bytes, b"\x89PNG\r\n\x1a\n");
    }

    #[test]
    fn decodes_percent_encoded_svg_and_wrapped_base64() {
        let d = decode("data:image/svg+xml,%3Csvg%3E%3C/svg%3E").unwrap();
        assert_eq!(d.bytes, b"<svg></svg>");
        let d = decode("DATA:;base64,aGVs\n bG8=").unwrap();
        assert_eq!(d.mime, "text/plain");
        assert_eq!(d.bytes, b"hello");
    }

    #[test]
    fn refuses_what_is_not_a_data_uri() {
        assert_eq!(decode("http://x/a.png"), Err(DataUriError::NotData));
        assert_eq!(decode("data:image/png;base64"), Err(DataUriError::NoComma));
        assert_eq!(decode("data:;base64,ab*c"), Err(DataUriError::Base64(2)));
        // A lone % at the end is kept, not read past the end.
        assert_eq!(decode("data:,50%").unwrap().bytes, b"50%");
    }
}
