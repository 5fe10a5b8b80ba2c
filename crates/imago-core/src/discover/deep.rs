//! `--deep`: image URLs inside inline scripts and JSON (galleries that build
//! themselves in JavaScript), including JSON-escaped ones (`\/`, `\u002F`).

use regex::Regex;
use std::borrow::Cow;
use std::sync::OnceLock;

/// Absolute or protocol-relative URLs ending in an image extension, or on an image
/// host that needs none; and root-relative quoted paths with an image extension.
const PATTERN: &str = r#"(?ix)
    (?:https?:)?//[a-z0-9.-]+(?::\d+)?/[^\s"'<>\\()\[\]{}|^`]*?\.(?:jpe?g|png|gif|webp|avif|svg|bmp|tiff?|heic)\b(?:\?[^\s"'<>\\()\[\]{}]*)?
  | (?:https?:)?//(?:m\.media-amazon\.com/images/I/|i\.pinimg\.com/|pbs\.twimg\.com/media/|i\.ytimg\.com/vi/|lh\d\.googleusercontent\.com/|images\.unsplash\.com/photo-)[^\s"'<>\\()\[\]{}]+
  | ["'](/[^\s"'<>\\()\[\]{}]+?\.(?:jpe?g|png|gif|webp|avif)(?:\?[^\s"'<>\\]*)?)["']
"#;

fn regex() -> Option<&'static Regex> {
    static RE: OnceLock<Option<Regex>> = OnceLock::new();
    RE.get_or_init(|| Regex::new(PATTERN).ok()).as_ref()
}

/// Undoes the JSON escapes that hide slashes and ampersands in URLs.
pub(crate) fn unescape(text: &str) -> Cow<'_, str> {
    if !text.contains('\\') {
        return Cow::Borrowed(text);
    }
    let mut s = text.replace("\\/", "/");
    for (from, to) in [
        ("\\u002F", "/"),
        ("\\u002f", "/"),
        ("\\u0026", "&"),
        ("\\u003D", "="),
        ("\\u003d", "="),
        ("\\x2F", "/"),
        ("\\x2f", "/"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    Cow::Owned(s)
}

/// Image URLs in a script's text, in order, unresolved (duplicates left to merge).
pub fn script_urls(text: &str) -> Vec<String> {
    let Some(re) = regex() else {
        return Vec::new();
    };
    let text = unescape(text);
    let mut out = Vec::new();
    for caps in re.captures_iter(&text) {
        let m = caps.get(1).or_else(|| caps.get(0));
        if let Some(m) = m {
            out.push(m.as_str().to_string());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_plain_escaped_and_relative() {
        let js = r#"var g = {"hi":"https:\/\/cdn.shop.com\/img\/big_1.jpg?v=2","lo":"//cdn.shop.com/img/s.png",
            rel: '/media/p/1.webp', other: "https://shop.com/api/data.json",
            amz: "https:\u002F\u002Fm.media-amazon.com\u002Fimages\u002FI\u002F81xyz", x: "not/a/url.jpgx"};"#;
        assert_eq!(
            script_urls(js),
            vec![
                "https://cdn.shop.com/img/big_1.jpg?v=2",
                "//cdn.shop.com/img/s.png",
                "/media/p/1.webp",
                "https://m.media-amazon.com/images/I/81xyz",
            ]
        );
    }
}
