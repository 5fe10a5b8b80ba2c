//! Applying one rule to one URL: replace the matched part, drop query parameters,
//! percent-decode. The caller checks hosts before and validates the results after.

use super::Rule;

impl Rule {
    /// Raw candidate strings for `url`, in `replace` order; empty when the pattern does
    /// not match.
    pub(super) fn apply(&self, url: &str) -> Vec<String> {
        let Some(caps) = self.pattern.captures(url) else {
            return Vec::new();
        };
        let Some(whole) = caps.get(0) else {
            return Vec::new();
        };
        let (head, tail) = (&url[..whole.start()], &url[whole.end()..]);

        let mut raw: Vec<String> = if self.replace.is_empty() {
            vec![url.to_string()]
        } else {
            self.replace
                .iter()
                .map(|template| {
                    let mut out = String::with_capacity(url.len() + template.len());
                    out.push_str(head);
                    caps.expand(template, &mut out);
                    out.push_str(tail);
                    out
                })
                .collect()
        };
        if self.decode {
            raw = raw.iter().filter_map(|s| percent_decode(s)).collect();
        }
        if !self.drop_query.is_empty() {
            for candidate in &mut raw {
                *candidate = drop_params(candidate, &self.drop_query);
            }
        }
        raw
    }
}

/// Removes the named parameters from the query of `url`, keeping the others in order and
/// the fragment; the `?` goes when nothing is left.
pub(super) fn drop_params(url: &str, names: &[String]) -> String {
    let (before_fragment, fragment) = match url.find('#') {
        Some(at) => url.split_at(at),
        None => (url, ""),
    };
    let Some((base, query)) = before_fragment.split_once('?') else {
        return url.to_string();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|pair| {
            let key = pair.split_once('=').map_or(*pair, |(k, _)| k);
            !pair.is_empty() && !names.iter().any(|n| n == key)
        })
        .collect();
    let mut out = String::with_capacity(url.len());
    out.push_str(base);
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    out.push_str(fragment);
    out
}

/// Decodes `%XX` escapes once; `None` when the bytes are not UTF-8 (such a candidate is
/// dropped rather than guessed at).
pub(super) fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(value) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(value);
                i += 3;
                continue;
            }
        }
        out.push(b);
        i += 1;
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn drops_only_the_named_parameters() {
        let n = names(&["w", "h"]);
        for (url, want) in [
            ("https://a/x.jpg?w=3&auto=f&h=2", "https://a/x.jpg?auto=f"),
            ("https://a/x.jpg?w=3&h=2", "https://a/x.jpg"),
            ("https://a/x.jpg?w=3#top", "https://a/x.jpg#top"),
            ("https://a/x.jpg?width=3", "https://a/x.jpg?width=3"),
            ("https://a/x.jpg", "https://a/x.jpg"),
            // A bare key without `=` is a parameter too.
            ("https://a/x.jpg?w&v=1", "https://a/x.jpg?v=1"),
        ] {
            assert_eq!(drop_params(url, &n), want, "{url}");
        }
    }

    #[test]
    fn percent_decoding() {
        assert_eq!(
            percent_decode("https%3A%2F%2Fexample.com%2Fa%20b.jpg").as_deref(),
            Some("https://example.com/a b.jpg")
        );
        // Broken escapes stay as they are; invalid UTF-8 is refused.
        assert_eq!(percent_decode("100%").as_deref(), Some("100%"));
        assert_eq!(percent_decode("%zz%4").as_deref(), Some("%zz%4"));
        assert_eq!(percent_decode("%ff"), None);
        assert_eq!(percent_decode("%C3%A9").as_deref(), Some("é"));
    }
}
