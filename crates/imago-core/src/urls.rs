//! URL resolution as a browser does it, and what a URL looks like (an image, a spacer).

use url::Url;

use crate::probe::{probe, Probe};

/// A URL without its query and fragment: what names the file (`?w=200` and `?w=1600`
/// are one picture).
pub fn without_query(url: &str) -> &str {
    url.split(['?', '#']).next().unwrap_or(url)
}

/// Resolves `raw` (an attribute value, already entity-decoded) against `base` as a
/// browser would: WHATWG parsing via the `url` crate, which trims surrounding C0/space
/// characters, removes tabs and newlines, and percent-encodes what needs it. Returns
/// `None` for what can never be an image: empty values, fragment-only references,
/// `javascript:`, `about:`, `mailto:` and other non-fetchable schemes, and `file:`
/// unless the page itself is a file.
pub fn resolve(raw: &str, base: &Url) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| c <= ' ');
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return None;
    }
    let url = Url::options().base_url(Some(base)).parse(trimmed).ok()?;
    match url.scheme() {
        "http" | "https" | "data" => Some(url.into()),
        // A web page cannot load local files; a saved page opened as a file can.
        "file" if base.scheme() == "file" => Some(url.into()),
        _ => None,
    }
}

/// Image file extensions, lowercase, without the dot.
const IMAGE_EXTENSIONS: [&str; 15] = [
    "jpg", "jpeg", "png", "gif", "webp", "avif", "svg", "bmp", "ico", "tif", "tiff", "heic",
    "heif", "jfif", "apng",
];

/// The extension of the last path segment of `url`, lowercase, when it is an image one.
pub fn image_extension(url: &str) -> Option<&'static str> {
    let path = path_of(url);
    let seg = path.rsplit('/').next().unwrap_or(path);
    let dot = seg.rfind('.')?;
    let ext = seg.get(dot + 1..)?;
    IMAGE_EXTENSIONS
        .iter()
        .find(|e| e.eq_ignore_ascii_case(ext))
        .copied()
}

/// The part of `url` before its query and fragment.
fn path_of(url: &str) -> &str {
    let end = url.find(['?', '#']).unwrap_or(url.len());
    &url[..end]
}

/// Hosts and paths that serve images without a file extension.
const IMAGE_HOST_SHAPES: [&str; 14] = [
    "m.media-amazon.com/images/",
    "images-amazon.com/images/",
    "i.pinimg.com/",
    "pbs.twimg.com/media/",
    "googleusercontent.com/",
    "images.unsplash.com/",
    "i.ytimg.com/vi/",
    "i.ebayimg.com/",
    "i.imgur.com/",
    "i.redd.it/",
    "preview.redd.it/",
    "res.cloudinary.com/",
    ".imgix.net/",
    "alicdn.com/",
];

/// `true` when `url` (absolute or relative) most likely points at an image: an image
/// extension, an image `data:` URI, a known image host, or a format query (`fm=webp`).
pub fn looks_like_image(url: &str) -> bool {
    let u = url.trim();
    // Markup or prose that mentions an image is not a URL.
    if u.contains(['<', '>', '"', '\n']) {
        return false;
    }
    if let Some(rest) = strip_prefix_ci(u, "data:") {
        return strip_prefix_ci(rest, "image/").is_some();
    }
    if image_extension(u).is_some() {
        return true;
    }
    if has_other_extension(u) {
        return false;
    }
    // The host shape must be in the URL itself, not in a query that carries another URL.
    if IMAGE_HOST_SHAPES.iter().any(|h| path_of(u).contains(h)) {
        return true;
    }
    let lower_query = u.find('?').map(|q| u[q..].to_ascii_lowercase());
    if let Some(q) = lower_query {
        for key in ["format=", "fm=", "f="] {
            for (i, _) in q.match_indices(key) {
                let before = q.as_bytes().get(i.wrapping_sub(1)).copied();
                if i > 0 && !matches!(before, Some(b'?') | Some(b'&')) {
                    continue;
                }
                let v = &q[i + key.len()..];
                let v = &v[..v.find('&').unwrap_or(v.len())];
                if IMAGE_EXTENSIONS.contains(&v) {
                    return true;
                }
            }
        }
    }
    false
}

/// Extensions of files that are never images (scripts and styles on image hosts).
const OTHER_EXTENSIONS: [&str; 22] = [
    "js", "mjs", "css", "html", "htm", "json", "xml", "txt", "mp4", "webm", "m3u8", "mp3", "woff",
    "woff2", "ttf", "otf", "eot", "pdf", "zip", "swf", "map", "wasm",
];

fn has_other_extension(url: &str) -> bool {
    let path = path_of(url);
    let seg = path.rsplit('/').next().unwrap_or(path);
    seg.rsplit_once('.')
        .is_some_and(|(_, ext)| OTHER_EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)))
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// File names that lazy loaders and old layouts use as stand-ins for the real image.
const PLACEHOLDER_STEMS: [&str; 22] = [
    "blank",
    "spacer",
    "pixel",
    "transparent",
    "trans",
    "clear",
    "empty",
    "1x1",
    "grey",
    "gray",
    "loading",
    "loader",
    "lazy",
    "lazyload",
    "s",
    "px",
    "dot",
    "spinner",
    "ajax-loader",
    "pix",
    "t",
    "shim",
];

/// Hosts that serve tracking pixels, never pictures.
const TRACKERS: [&str; 14] = [
    "scorecardresearch.com",
    "smartadserver.com",
    "doubleclick.net",
    "google-analytics.com",
    "googletagmanager.com",
    "quantserve.com",
    "bat.bing.com",
    "facebook.com/tr",
    "analytics.twitter.com",
    "pixel.quantserve.com",
    "ad.atdmt.com",
    "adnxs.com",
    "fls-na.amazon.com",
    "fls-eu.amazon.com",
];

/// `true` for a URL of a tracking service.
pub fn is_tracker(url: &str) -> bool {
    let p = path_of(url);
    let after_scheme = p.find("//").map_or(p, |i| &p[i + 2..]);
    TRACKERS.iter().any(|t| match t.split_once('/') {
        Some((host, path)) => {
            after_scheme.contains(host) && after_scheme.contains(&format!("/{path}"))
        }
        None => {
            let host = after_scheme.split('/').next().unwrap_or("");
            host == *t || host.ends_with(&format!(".{t}"))
        }
    })
}

/// `true` for a stand-in: a tiny `data:` URI (a 1x1 GIF/PNG, an empty SVG, under about
/// 100 bytes), or a file named like a spacer (`blank.gif`, `placeholder.png`).
pub fn is_placeholder(url: &str) -> bool {
    if let Some(rest) = strip_prefix_ci(url, "data:") {
        return data_is_placeholder(rest);
    }
    if is_tracker(url) {
        return true;
    }
    let path = path_of(url);
    let seg = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let stem = seg.rsplit_once('.').map(|(s, _)| s).unwrap_or(&seg);
    if seg.contains("placeholder") || starts_word(stem, "spacer") || starts_word(stem, "blank") {
        return true;
    }
    image_extension(url).is_some_and(|e| matches!(e, "gif" | "png" | "svg"))
        && PLACEHOLDER_STEMS.contains(&stem)
}

/// `stem` starts with the word `w` (`blank_1x1`, not `blanket`).
fn starts_word(stem: &str, w: &str) -> bool {
    stem.starts_with(w)
        && !stem
            .as_bytes()
            .get(w.len())
            .is_some_and(|c| c.is_ascii_alphabetic())
}

/// After `data:`: decides from the media type and payload size, and for GIF/PNG from
/// the dimensions in the header.
fn data_is_placeholder(rest: &str) -> bool {
    let Some((meta, payload)) = rest.split_once(',') else {
        return true;
    };
    let base64 = meta.to_ascii_lowercase().ends_with(";base64");
    let decoded_len = if base64 {
        payload.trim_end_matches('=').len() * 3 / 4
    } else {
        payload
            .len()
            .saturating_sub(2 * payload.matches('%').count())
    };
    if decoded_len < 100 {
        return true;
    }
    if base64 {
        // A GIF or PNG header fits in 64 bytes; bigger headers are not spacers.
        let head = crate::datauri::base64_prefix(payload, 64);
        if let Probe::Known(info) = probe(&head, false) {
            return info.width <= 2 && info.height <= 2;
        }
    } else if meta.to_ascii_lowercase().starts_with("image/svg") && decoded_len < 300 {
        // An SVG with nothing drawn in it only holds the aspect ratio.
        let p = payload.to_ascii_lowercase();
        let drawn = [
            "path", "rect", "circle", "image", "polygon", "text", "ellipse", "line",
        ];
        return !drawn.iter().any(|d| p.contains(d));
    }
    false
}

/// `true` when `url` and the page share scheme, host and port.
pub fn same_origin(a: &Url, b: &Url) -> bool {
    a.origin() == b.origin()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("https://example.com/shop/item.html?x=1").unwrap()
    }

    #[test]
    fn resolution_like_a_browser() {
        let b = base();
        assert_eq!(
            resolve("a.jpg", &b).unwrap(),
            "https://example.com/shop/a.jpg"
        );
        assert_eq!(
            resolve("../a.jpg", &b).unwrap(),
            "https://example.com/a.jpg"
        );
        assert_eq!(
            resolve("//cdn.example.net/a.jpg", &b).unwrap(),
            "https://cdn.example.net/a.jpg"
        );
        assert_eq!(
            resolve("  /a b.jpg\n", &b).unwrap(),
            "https://example.com/a%20b.jpg"
        );
        assert_eq!(
            resolve("/a\tb\n.jpg", &b).unwrap(),
            "https://example.com/ab.jpg"
        );
        assert_eq!(
            resolve("/é.jpg", &b).unwrap(),
            "https://example.com/%C3%A9.jpg"
        );
        assert_eq!(
            resolve("HTTPS://EXAMPLE.com:443/A.jpg", &b).unwrap(),
            "https://example.com/A.jpg"
        );
        assert_eq!(
            resolve("?y=2", &b).unwrap(),
            "https://example.com/shop/item.html?y=2"
        );
        for bad in [
            "",
            "  ",
            "#top",
            "javascript:void(0)",
            "about:blank",
            "mailto:a@b.c",
        ] {
            assert_eq!(resolve(bad, &b), None, "{bad:?}");
        }
    }

    #[test]
    fn placeholders() {
        let gif1x1 =
            "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
        assert!(is_placeholder(gif1x1));
        assert!(is_placeholder(
            "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%20viewBox='0%200%20800%20600'%3E%3C/svg%3E"
        ));
        assert!(is_placeholder("https://x.com/img/blank.gif"));
        assert!(is_placeholder("https://x.com/img/lazy-placeholder.png?v=2"));
        assert!(!is_placeholder("https://x.com/img/photo.jpg"));
        assert!(!is_placeholder("https://x.com/img/s.jpg"));
        assert!(!is_placeholder("https://x.com/img/blanket-coverage.png"));
        assert!(is_placeholder("https://x.com/img/blank_1x1.png"));
        assert!(is_placeholder(
            "http://b.scorecardresearch.com/p?c1=2&c2=6768151"
        ));
        assert!(is_placeholder(
            "https://www.facebook.com/tr?id=1&ev=PageView"
        ));
        assert!(!is_placeholder("https://www.facebook.com/images/logo.png"));
        let big = format!("data:image/png;base64,{}", "A".repeat(400));
        assert!(!is_placeholder(&big));
    }

    #[test]
    fn image_shapes() {
        assert!(looks_like_image("https://a.com/x/photo.JPG?w=3"));
        assert!(looks_like_image("/x.webp#frag"));
        assert!(looks_like_image(
            "https://m.media-amazon.com/images/I/71abc"
        ));
        assert!(looks_like_image("https://a.com/img?id=3&fm=webp"));
        assert!(!looks_like_image("https://a.com/page.html"));
        assert!(!looks_like_image(
            "https://images-na.ssl-images-amazon.com/images/S/x/DAsf-1.50.js"
        ));
        assert!(!looks_like_image("https://a.com/x.jpg.html"));
        assert!(!looks_like_image("data:text/html,hi"));
        assert!(!looks_like_image(
            "//www.ebay.com/soc/share?media=https://i.ebayimg.com/images/g/x/s-l300.png"
        ));
        assert!(!looks_like_image("<div><img src=\"a.gif\"></div>"));
    }
}
