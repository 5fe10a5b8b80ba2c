//! What a `data-*` attribute holds: the lazy-loading conventions of the common
//! libraries (lazysizes, lozad, jQuery lazyload, WordPress, Amazon, zoom plugins).

/// How to read a lazy attribute's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lazy {
    /// One URL: the real image behind a placeholder.
    Url,
    /// One URL of a larger version (zoom, hi-res, original).
    FullUrl,
    /// A srcset.
    Srcset,
    /// A background: a URL, possibly written `url(...)`, or a srcset (`data-bgset`).
    Background,
    /// JSON whose keys or values are image URLs (Amazon's `data-a-dynamic-image`).
    Json,
    /// Any other `data-*`: kept only when the value looks like an image URL or srcset.
    Unknown,
}

/// Classifies attribute `name`; `None` when it is not a `data-*` attribute.
pub fn classify(name: &str) -> Option<Lazy> {
    let b = name.as_bytes();
    if b.len() < 6 || !b[..5].eq_ignore_ascii_case(b"data-") {
        return None;
    }
    let rest = &name[5..];
    let mut buf = [0u8; 32];
    let Some(lower) = lowercase(rest, &mut buf) else {
        return Some(Lazy::Unknown);
    };
    Some(match lower {
        "src" | "original" | "lazy-src" | "lazy" | "actualsrc" | "echo" | "lazyload"
        | "original-src" | "img" | "img-src" | "image" | "image-src" | "lazy-original" | "url"
        | "delayed-url" | "defer-src" | "ll-src" | "pagespeed-lazy-src" | "sf-src"
        | "native-src" | "orig-src" => Lazy::Url,
        "hi-res-src" | "hires" | "highres" | "high-res-src" | "zoom-image" | "zoom-src"
        | "zoom" | "zoom-img" | "old-hires" | "large" | "large-src" | "large-image"
        | "large_image" | "large-file" | "full" | "full-src" | "fullsize" | "full-size"
        | "full-image" | "fullimg" | "src-large" | "original-large" | "orig-file" | "retina"
        | "src-retina" | "2x" | "big" | "big-src" | "magnify-src" | "image-zoom"
        | "zoom-image-url" | "photoswipe-src" | "pswp-src" => Lazy::FullUrl,
        "srcset"
        | "lazy-srcset"
        | "original-set"
        | "original-srcset"
        | "src-set"
        | "lazy-src-set"
        | "pagespeed-lazy-srcset"
        | "ll-srcset"
        | "sf-srcset" => Lazy::Srcset,
        "bg" | "background" | "background-image" | "bg-src" | "bg-image" | "bgset" | "bg-url"
        | "background-src" | "lazy-background" | "lazy-bg" | "image-bg" => Lazy::Background,
        "a-dynamic-image" | "a-hires" | "gallery-images" | "images" => Lazy::Json,
        _ => Lazy::Unknown,
    })
}

/// Lowercases a short ASCII name into `buf`; `None` when it does not fit.
fn lowercase<'b>(s: &str, buf: &'b mut [u8; 32]) -> Option<&'b str> {
    let b = s.as_bytes();
    if b.len() > buf.len() {
        return None;
    }
    for (d, c) in buf.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    std::str::from_utf8(&buf[..b.len()]).ok()
}

/// Attributes that are never image URLs although they may look like paths.
pub fn is_noise(name: &str) -> bool {
    const NOISE: [&str; 8] = [
        "data-href",
        "data-link",
        "data-target",
        "data-action",
        "data-track",
        "data-analytics",
        "data-srcset-sizes",
        "data-sizes",
    ];
    NOISE.iter().any(|n| n.eq_ignore_ascii_case(name))
}

/// Strips a CSS `url(...)` wrapper, if any.
pub fn strip_css_url(v: &str) -> &str {
    let t = v.trim();
    let Some(inner) = t
        .get(..4)
        .filter(|p| p.eq_ignore_ascii_case("url("))
        .and_then(|_| t.get(4..))
    else {
        return t;
    };
    let inner = inner.trim_end().strip_suffix(')').unwrap_or(inner).trim();
    inner.trim_matches(|c| c == '"' || c == '\'')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert_eq!(classify("data-src"), Some(Lazy::Url));
        assert_eq!(classify("DATA-SRC"), Some(Lazy::Url));
        assert_eq!(classify("data-zoom-image"), Some(Lazy::FullUrl));
        assert_eq!(classify("data-old-hires"), Some(Lazy::FullUrl));
        assert_eq!(classify("data-lazy-srcset"), Some(Lazy::Srcset));
        assert_eq!(classify("data-background-image"), Some(Lazy::Background));
        assert_eq!(classify("data-a-dynamic-image"), Some(Lazy::Json));
        assert_eq!(classify("data-testid"), Some(Lazy::Unknown));
        assert_eq!(classify("src"), None);
        assert_eq!(classify("data-"), None);
    }

    #[test]
    fn css_url_wrapper() {
        assert_eq!(strip_css_url("url('a.jpg')"), "a.jpg");
        assert_eq!(strip_css_url(" URL( \"b.jpg\" ) "), "b.jpg");
        assert_eq!(strip_css_url("c.jpg"), "c.jpg");
    }
}
