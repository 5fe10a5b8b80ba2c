//! The HD rule loader (`HdRules::from_toml`) on any text; rules that load are applied
//! to a few URLs: no panic, and every proposal is an absolute http(s) URL.
#![no_main]

use imago_core::hdrules::HdRules;
use libfuzzer_sys::fuzz_target;

const URLS: [&str; 4] = [
    "https://cdn.example.com/images/photo_200x200.jpg?w=200&h=200",
    "https://i.example.net/a/b/c-thumb.png",
    "http://example.org/wp-content/uploads/2020/01/pic-300x200.webp",
    "https://m.media-amazon.com/images/I/81abc._AC_SX300_.jpg",
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(rules) = HdRules::from_toml(&text, "fuzz.toml") else {
        return;
    };
    for u in URLS {
        for r in rules.candidates(u) {
            assert!(
                r.url.starts_with("http://") || r.url.starts_with("https://"),
                "rule {} proposed {}",
                r.rule,
                r.url
            );
        }
    }
});
