//! Character references (`&amp;`, `&#x2F;`, `&eacute`), decoded the way the HTML
//! tokenizer of a browser does, only in the values discovery keeps.

use super::entity_table::{LEGACY, NAMED};
use std::borrow::Cow;

/// Where the text came from: attribute values keep a legacy reference such as `&copy`
/// undecoded when an `=` or an alphanumeric follows it (so `?a=1&copy=2` stays a query).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Attribute,
    Text,
}

/// Decodes the character references of `raw`; borrows when there is none.
pub fn decode(raw: &str, ctx: Context) -> Cow<'_, str> {
    let Some(first) = memchr::memchr(b'&', raw.as_bytes()) else {
        return Cow::Borrowed(raw);
    };
    let mut out = String::with_capacity(raw.len());
    out.push_str(&raw[..first]);
    let mut rest = &raw[first..];
    while let Some(amp) = memchr::memchr(b'&', rest.as_bytes()) {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        match reference(after, ctx) {
            Some((consumed, text)) => {
                text.push_to(&mut out);
                rest = &after[consumed..];
            }
            None => {
                out.push('&');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

enum Decoded {
    Char(char),
    Str(&'static str),
}

impl Decoded {
    fn push_to(&self, out: &mut String) {
        match self {
            Decoded::Char(c) => out.push(*c),
            Decoded::Str(s) => out.push_str(s),
        }
    }
}

/// The reference that starts `s` (just after the `&`): bytes consumed and replacement.
fn reference(s: &str, ctx: Context) -> Option<(usize, Decoded)> {
    let b = s.as_bytes();
    if b.first() == Some(&b'#') {
        return numeric(s);
    }
    let len = b
        .iter()
        .take(40)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if len == 0 {
        return None;
    }
    let name = &s[..len];
    if b.get(len) == Some(&b';') {
        if let Ok(i) = NAMED.binary_search_by(|(n, _)| (*n).cmp(name)) {
            return Some((len + 1, Decoded::Str(NAMED[i].1)));
        }
    }
    // Legacy references match without a semicolon, longest name first.
    let max = len.min(6);
    for l in (2..=max).rev() {
        let cand = &name[..l];
        if LEGACY.binary_search(&cand).is_ok() {
            let next = b.get(l).copied();
            if ctx == Context::Attribute
                && matches!(next, Some(c) if c == b'=' || c.is_ascii_alphanumeric())
            {
                return None;
            }
            let i = NAMED.binary_search_by(|(n, _)| (*n).cmp(cand)).ok()?;
            return Some((l, Decoded::Str(NAMED[i].1)));
        }
    }
    None
}

/// `&#123;` / `&#x7B;`, with the replacements of the spec (NUL, surrogates, out of
/// range become U+FFFD; C1 controls map through windows-1252).
fn numeric(s: &str) -> Option<(usize, Decoded)> {
    let b = s.as_bytes();
    let (hex, start) = match b.get(1) {
        Some(b'x') | Some(b'X') => (true, 2),
        _ => (false, 1),
    };
    let digits = b[start..]
        .iter()
        .take_while(|c| {
            if hex {
                c.is_ascii_hexdigit()
            } else {
                c.is_ascii_digit()
            }
        })
        .count();
    if digits == 0 {
        return None;
    }
    let mut value: u32 = 0;
    for &c in &b[start..start + digits] {
        let d = (c as char).to_digit(if hex { 16 } else { 10 }).unwrap_or(0);
        value = value
            .saturating_mul(if hex { 16 } else { 10 })
            .saturating_add(d);
    }
    let mut consumed = start + digits;
    if b.get(consumed) == Some(&b';') {
        consumed += 1;
    }
    let c = match value {
        0 => '\u{FFFD}',
        0x80..=0x9F => windows_1252(value),
        v => char::from_u32(v).unwrap_or('\u{FFFD}'),
    };
    Some((consumed, Decoded::Char(c)))
}

fn windows_1252(v: u32) -> char {
    const MAP: [u32; 32] = [
        0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
        0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
    ];
    let i = v.saturating_sub(0x80) as usize;
    MAP.get(i)
        .and_then(|&c| char::from_u32(c))
        .unwrap_or('\u{FFFD}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attr(s: &str) -> String {
        decode(s, Context::Attribute).into_owned()
    }

    #[test]
    fn named_numeric_and_legacy() {
        assert_eq!(attr("a&amp;b"), "a&b");
        assert_eq!(attr("&#x2F;&#47;&#X2f;"), "///");
        assert_eq!(attr("&eacute;t&eacute"), "été");
        assert_eq!(attr("&NotEqualTilde;"), "\u{2242}\u{338}");
        assert_eq!(attr("&#0;&#x110000;&#x80;"), "\u{FFFD}\u{FFFD}\u{20AC}");
        assert_eq!(attr("&bogus; & &"), "&bogus; & &");
    }

    #[test]
    fn legacy_reference_before_equals_stays_in_attributes() {
        assert_eq!(attr("?a=1&copy=2&amp=3"), "?a=1&copy=2&amp=3");
        assert_eq!(attr("?a=1&copy;=2"), "?a=1©=2");
        assert_eq!(decode("&copy=2", Context::Text), "©=2");
        assert_eq!(attr("x&ampy"), "x&ampy");
        assert_eq!(attr("x&amp-y"), "x&-y");
    }
}
