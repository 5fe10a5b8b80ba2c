//! The page's files, compiled in. Adding a file is adding a row.

use std::sync::OnceLock;

use sha2::{Digest, Sha256};

/// One file of the page.
pub struct Asset {
    /// Path under `/assets/` (`index.html` is served at `/`).
    pub path: &'static str,
    pub mime: &'static str,
    pub bytes: &'static [u8],
    etag: OnceLock<String>,
}

impl Asset {
    /// A strong ETag: the SHA-256 of the bytes (first 16 bytes, hex, quoted).
    pub fn etag(&self) -> &str {
        self.etag.get_or_init(|| {
            let digest = Sha256::digest(self.bytes);
            format!("\"{}\"", hex::encode(&digest[..16]))
        })
    }
}

macro_rules! assets {
    ($($path:literal => $mime:literal),* $(,)?) => {
        static ASSETS: [Asset; [$($path),*].len()] = [$(Asset {
            path: $path,
            mime: $mime,
            bytes: include_bytes!(concat!("../../assets/", $path)),
            etag: OnceLock::new(),
        }),*];
    };
}

assets! {
    "index.html" => "text/html; charset=utf-8",
    "search.html" => "text/html; charset=utf-8",
    "style.css" => "text/css; charset=utf-8",
    "js/app.js" => "text/javascript; charset=utf-8",
    "js/api.js" => "text/javascript; charset=utf-8",
    "js/i18n.js" => "text/javascript; charset=utf-8",
    "js/sniff.js" => "text/javascript; charset=utf-8",
    "js/links.js" => "text/javascript; charset=utf-8",
    "js/queue.js" => "text/javascript; charset=utf-8",
    "js/album.js" => "text/javascript; charset=utf-8",
    "js/dom.js" => "text/javascript; charset=utf-8",
    "js/search.js" => "text/javascript; charset=utf-8",
    "js/results.js" => "text/javascript; charset=utf-8",
    "i18n/en.json" => "application/json",
    "i18n/zh-CN.json" => "application/json",
    "i18n/zh-TW.json" => "application/json",
    "favicon.svg" => "image/svg+xml",
}

/// The file at `path` (under `/assets/`), if it is one of ours. Only exact names match,
/// so `..`, NUL bytes and the like find nothing.
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_found_and_others_are_not() {
        for a in &ASSETS {
            assert!(
                asset(a.path).is_some_and(|b| !b.bytes.is_empty()),
                "{}",
                a.path
            );
        }
        for bad in [
            "../Cargo.toml",
            "js/../index.html",
            "",
            "js/",
            "index.html\0",
        ] {
            assert!(asset(bad).is_none(), "{bad:?}");
        }
    }

    #[test]
    fn translations_have_the_same_keys() {
        let keys = |p: &str| {
            let v: serde_json::Value = serde_json::from_slice(asset(p).unwrap().bytes).unwrap();
            let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
            k.sort();
            k
        };
        let en = keys("i18n/en.json");
        assert!(en.len() > 20);
        assert_eq!(en, keys("i18n/zh-CN.json"));
        assert_eq!(en, keys("i18n/zh-TW.json"));
    }

    #[test]
    fn scripts_never_parse_markup_and_nothing_loads_from_elsewhere() {
        for a in &ASSETS {
            let text = std::str::from_utf8(a.bytes).unwrap();
            if a.path.ends_with(".js") {
                for sink in [
                    "innerHTML",
                    "outerHTML",
                    "insertAdjacentHTML",
                    "document.write",
                    "eval(",
                ] {
                    assert!(!text.contains(sink), "{} uses {sink}", a.path);
                }
            }
            // The SVG namespace is a name, not an address that is fetched.
            let rest = text.replace("http://www.w3.org/2000/svg", "");
            for scheme in ["http://", "https://", "//cdn", "@import"] {
                assert!(!rest.contains(scheme), "{} mentions {scheme}", a.path);
            }
        }
    }
}
