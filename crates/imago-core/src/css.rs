//! Image references in CSS: `url()` and `image-set()` in the properties that paint
//! images, and `@import`s. Not a full CSS parser: a scanner that knows strings,
//! comments, blocks and unquoted `url(...)` (whose data URIs hold `;`), which is all it
//! takes to split declarations correctly.

use std::borrow::Cow;

/// One reference found in CSS, its URL unescaped but not resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct CssRef<'a> {
    pub url: Cow<'a, str>,
    /// `@import` rather than an image.
    pub import: bool,
    /// The resolution in an `image-set()` (`2x` is 2.0, `192dpi` is 2.0).
    pub density: Option<f32>,
    /// Index of the `image-set()` (within this text) the URL belongs to.
    pub set: Option<u32>,
}

/// Properties whose `url()` values are painted images.
const IMAGE_PROPERTIES: [&str; 16] = [
    "background",
    "background-image",
    "content",
    "list-style",
    "list-style-image",
    "border-image",
    "border-image-source",
    "-webkit-border-image",
    "mask",
    "mask-image",
    "mask-border",
    "mask-border-source",
    "-webkit-mask",
    "-webkit-mask-image",
    "-webkit-mask-box-image",
    "-webkit-mask-box-image-source",
];

/// Scans a stylesheet (`inline == false`) or a `style` attribute (`inline == true`).
pub fn scan(css: &str, inline: bool) -> Vec<CssRef<'_>> {
    let mut out = Vec::new();
    let mut sets = 0u32;
    let b = css.as_bytes();
    let mut depth: usize = usize::from(inline);
    // Depth at which a @font-face (whose `src` are fonts) or @page block was opened.
    let mut skip_depth: Option<usize> = None;
    let mut chunk_start = 0;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = match memchr::memmem::find(&b[i + 2..], b"*/") {
                    Some(j) => i + 2 + j + 2,
                    None => b.len(),
                };
                continue;
            }
            q @ (b'"' | b'\'') => {
                i = skip_string(b, i + 1, q);
                continue;
            }
            b'(' if ends_with_ci(&b[..i], b"url") => {
                i = skip_unquoted_url(b, i + 1);
                continue;
            }
            b'{' => {
                let prelude = css[chunk_start..i].trim();
                if skip_depth.is_none() && starts_with_ci(prelude, "@font-face") {
                    skip_depth = Some(depth);
                }
                depth += 1;
                chunk_start = i + 1;
            }
            b';' | b'}' => {
                if skip_depth.is_none() {
                    statement(&css[chunk_start..i], depth, &mut sets, &mut out);
                }
                if b[i] == b'}' {
                    depth = depth.saturating_sub(1);
                    if skip_depth == Some(depth) {
                        skip_depth = None;
                    }
                }
                chunk_start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if skip_depth.is_none() && chunk_start < b.len() {
        statement(&css[chunk_start..], depth, &mut sets, &mut out);
    }
    out
}

fn starts_with_ci(s: &str, p: &str) -> bool {
    s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))
}

fn ends_with_ci(b: &[u8], p: &[u8]) -> bool {
    b.len() >= p.len() && b[b.len() - p.len()..].eq_ignore_ascii_case(p)
}

fn skip_string(b: &[u8], i: usize, q: u8) -> usize {
    string_at(b, i, q).1
}

/// A string whose text starts at `i`, after its quote `q`: where its text ends (the
/// closing quote, the newline that ends a bad string, or the end of the input when it is
/// not closed) and where reading goes on. Both are character boundaries: they sit on an
/// ASCII byte or at the end.
fn string_at(b: &[u8], mut i: usize, q: u8) -> (usize, usize) {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            c if c == q => return (i, i + 1),
            // An unescaped newline ends a (bad) string.
            b'\n' => return (i, i + 1),
            _ => i += 1,
        }
    }
    (b.len(), b.len())
}

/// After `url(`: past the closing `)`. A quoted URL is skipped as a string.
fn skip_unquoted_url(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    if matches!(b.get(i), Some(b'"') | Some(b'\'')) {
        return i;
    }
    unquoted_at(b, i).1
}

/// An unquoted URL starting at `i`: where its text ends (the `)`, or the end of the
/// input when it is not closed) and where reading goes on.
fn unquoted_at(b: &[u8], mut i: usize) -> (usize, usize) {
    while i < b.len() {
        match b[i] {
            b'\\' => i += 2,
            b')' => return (i, i + 1),
            _ => i += 1,
        }
    }
    (b.len(), b.len())
}

/// One declaration or at-rule statement.
fn statement<'a>(text: &'a str, depth: usize, sets: &mut u32, out: &mut Vec<CssRef<'a>>) {
    let t = text.trim_start();
    if t.is_empty() {
        return;
    }
    if starts_with_ci(t, "@import") {
        if let Some((url, _)) = first_url_or_string(&t[7..]) {
            out.push(CssRef {
                url,
                import: true,
                density: None,
                set: None,
            });
        }
        return;
    }
    if depth == 0 {
        return;
    }
    let Some(colon) = t.find(':') else { return };
    let prop = t[..colon].trim();
    let value = &t[colon + 1..];
    let custom = prop.starts_with("--");
    if !custom
        && !IMAGE_PROPERTIES
            .iter()
            .any(|p| p.eq_ignore_ascii_case(prop))
    {
        return;
    }
    if !contains_ci(value, "url(") && !contains_ci(value, "image-set(") {
        return;
    }
    values(value, custom, sets, out);
}

fn contains_ci(hay: &str, needle: &str) -> bool {
    hay.as_bytes()
        .windows(needle.len())
        .any(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// The `url()`s and `image-set()`s of a property value.
fn values<'a>(value: &'a str, custom: bool, sets: &mut u32, out: &mut Vec<CssRef<'a>>) {
    let b = value.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let rest = &value[i..];
        if b[i] == b'"' || b[i] == b'\'' {
            i = skip_string(b, i + 1, b[i]);
            continue;
        }
        let boundary = i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-');
        if boundary && starts_with_ci(rest, "url(") {
            // Never read again: an unclosed `url(` runs to the end of the text, and
            // rereading it from each later `url(` was quadratic.
            i += match url_function(rest) {
                Some((url, used)) => {
                    push_image(out, url, None, None, custom);
                    used
                }
                None => 4,
            };
            continue;
        }
        let set_prefix = if starts_with_ci(rest, "-webkit-image-set(") {
            Some(18)
        } else if boundary && starts_with_ci(rest, "image-set(") {
            Some(10)
        } else {
            None
        };
        if let Some(p) = set_prefix {
            let used = image_set(&rest[p..], *sets, custom, out);
            *sets = sets.wrapping_add(1);
            i += p + used;
            continue;
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
}

fn push_image<'a>(
    out: &mut Vec<CssRef<'a>>,
    url: Cow<'a, str>,
    density: Option<f32>,
    set: Option<u32>,
    custom: bool,
) {
    let u = url.trim();
    // `url(#id)` points into an SVG document; custom properties also carry fonts.
    if u.is_empty() || u.starts_with('#') {
        return;
    }
    if custom && !crate::urls::looks_like_image(u) {
        return;
    }
    out.push(CssRef {
        url,
        import: false,
        density,
        set,
    });
}

/// Parses `url(...)` at the start of `s`: the unescaped URL and bytes used.
fn url_function(s: &str) -> Option<(Cow<'_, str>, usize)> {
    let b = s.as_bytes();
    let mut i = 4;
    while i < b.len() && b[i].is_ascii_whitespace() {
        i += 1;
    }
    match b.get(i) {
        Some(&q @ (b'"' | b'\'')) => {
            let (text_end, end) = string_at(b, i + 1, q);
            let inner = s.get(i + 1..text_end)?;
            let close = s[end..].find(')').map_or(s.len(), |j| end + j + 1);
            Some((unescape(inner), close))
        }
        _ => {
            let (text_end, end) = unquoted_at(b, i);
            let inner = s.get(i..text_end)?.trim_end();
            Some((unescape(inner), end))
        }
    }
}

/// `url(x)` or a string at the start of `s` (after `@import`).
fn first_url_or_string(s: &str) -> Option<(Cow<'_, str>, usize)> {
    let t = s.trim_start();
    let off = s.len() - t.len();
    if starts_with_ci(t, "url(") {
        return url_function(t).map(|(u, n)| (u, n + off));
    }
    let b = t.as_bytes();
    let q = *b.first()?;
    if q != b'"' && q != b'\'' {
        return None;
    }
    let (text_end, end) = string_at(b, 1, q);
    Some((unescape(t.get(1..text_end)?), end + off))
}

/// The entries of an `image-set(` (from just after the parenthesis): each URL with its
/// resolution. Returns the bytes used, past the closing parenthesis.
fn image_set<'a>(s: &'a str, set: u32, custom: bool, out: &mut Vec<CssRef<'a>>) -> usize {
    let b = s.as_bytes();
    let mut i = 0;
    let mut pending: Option<Cow<'a, str>> = None;
    let mut density: Option<f32> = None;
    let mut flush = |pending: &mut Option<Cow<'a, str>>, density: &mut Option<f32>| {
        if let Some(u) = pending.take() {
            push_image(out, u, Some(density.unwrap_or(1.0)), Some(set), custom);
        }
        *density = None;
    };
    while i < b.len() {
        let rest = &s[i..];
        match b[i] {
            b')' => {
                flush(&mut pending, &mut density);
                return i + 1;
            }
            b',' => {
                flush(&mut pending, &mut density);
                i += 1;
            }
            b'"' | b'\'' => {
                let (text_end, end) = string_at(b, i + 1, b[i]);
                if let Some(inner) = s.get(i + 1..text_end) {
                    pending = Some(unescape(inner));
                }
                i = end;
            }
            _ if starts_with_ci(rest, "url(") => match url_function(rest) {
                Some((u, used)) => {
                    pending = Some(u);
                    i += used;
                }
                None => i += 4,
            },
            _ if starts_with_ci(rest, "type(") => {
                i += rest.find(')').map_or(rest.len(), |j| j + 1);
            }
            c if c.is_ascii_digit() || c == b'.' => {
                let num_len = rest
                    .bytes()
                    .take_while(|c| c.is_ascii_digit() || *c == b'.')
                    .count();
                let unit_len = rest[num_len..]
                    .bytes()
                    .take_while(|c| c.is_ascii_alphabetic())
                    .count();
                let n: f32 = rest[..num_len].parse().unwrap_or(1.0);
                let unit = rest[num_len..num_len + unit_len].to_ascii_lowercase();
                density = Some(match unit.as_str() {
                    "dpi" => n / 96.0,
                    "dpcm" => n * 2.54 / 96.0,
                    _ => n,
                });
                i += num_len + unit_len;
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    flush(&mut pending, &mut density);
    b.len()
}

/// Removes CSS escapes (`\2f` or `\,`) from a URL.
fn unescape(s: &str) -> Cow<'_, str> {
    if !s.contains('\\') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let mut hex = String::new();
        while hex.len() < 6 {
            match chars.peek() {
                Some(h) if h.is_ascii_hexdigit() => {
                    hex.push(*h);
                    chars.next();
                }
                _ => break,
            }
        }
        if hex.is_empty() {
            match chars.next() {
                Some('\n') | None => {}
                Some(other) => out.push(other),
            }
        } else {
            if chars.peek().is_some_and(|c| c.is_ascii_whitespace()) {
                chars.next();
            }
            let v = u32::from_str_radix(&hex, 16).unwrap_or(0xFFFD);
            out.push(
                char::from_u32(v)
                    .filter(|&c| c != '\0')
                    .unwrap_or('\u{FFFD}'),
            );
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(css: &str, inline: bool) -> Vec<(String, bool, Option<f32>, Option<u32>)> {
        scan(css, inline)
            .into_iter()
            .map(|r| (r.url.into_owned(), r.import, r.density, r.set))
            .collect()
    }

    #[test]
    fn properties_and_quoting() {
        let css = r#"
            @import url("base.css") screen; @import 'theme.css';
            /* background: url(commented.png) */
            .a { background: #fff url( a.png ) no-repeat; color: red }
            .b { background-image: url("b\"q.jpg"), url('c.jpg') }
            .c:before { content: url(d.svg) " ; "; }
            @media (min-width: 10px) { .d { list-style: square url(e.gif) } }
            .e { border-image: url(f.png) 30 round; cursor: url(cur.png), auto }
            @font-face { font-family: X; src: url(font.woff2) format("woff2") }
            .f { background: url(data:image/png;base64,iVBO;RK) }
            .g { --hero: url(/h.webp); --font: url(/x.woff2) }
            .h { filter: url(#blur); mask: url(#m) }
        "#;
        let got: Vec<String> = urls(css, false).into_iter().map(|u| u.0).collect();
        assert_eq!(
            got,
            vec![
                "base.css",
                "theme.css",
                "a.png",
                "b\"q.jpg",
                "c.jpg",
                "d.svg",
                "e.gif",
                "f.png",
                "data:image/png;base64,iVBO;RK",
                "/h.webp"
            ]
        );
        assert!(urls(css, false)[..2].iter().all(|u| u.1));
    }

    #[test]
    fn image_set_densities() {
        let got = urls(
            r#"background-image: -webkit-image-set(url(a.jpg) 1x, url(b.jpg) 2x); background: image-set("c.avif" type("image/avif") 192dpi, "d.jpg" 1x)"#,
            true,
        );
        assert_eq!(
            got,
            vec![
                ("a.jpg".into(), false, Some(1.0), Some(0)),
                ("b.jpg".into(), false, Some(2.0), Some(0)),
                ("c.avif".into(), false, Some(2.0), Some(1)),
                ("d.jpg".into(), false, Some(1.0), Some(1)),
            ]
        );
    }

    /// Issue 8's hostile page: the last `url(` of a style that ends in a non-ASCII
    /// character was given up (its text ended inside that character), so the scan
    /// stepped on and each earlier `url(` read the rest of the style again.
    #[test]
    fn unclosed_url_ending_in_non_ascii_is_read_once_and_whole() {
        assert_eq!(
            urls("a{background:url(x.jpg\u{e9}", false)[0].0,
            "x.jpg\u{e9}"
        );
        assert_eq!(urls("a{background:url('y\u{e9}", false)[0].0, "y\u{e9}");
        assert_eq!(urls("background:url(\"z.png", true)[0].0, "z.png");
        let css = format!("<style>{}caf\u{e9}", "a{background:url(".repeat(2_000));
        assert_eq!(urls(&css, false).len(), 1);
    }

    #[test]
    fn escapes_in_urls() {
        let got = urls(
            r"background:url(a\(1\).png);background:url(\2f x.png)",
            true,
        );
        assert_eq!(got[0].0, "a(1).png");
        assert_eq!(got[1].0, "/x.png");
    }
}
