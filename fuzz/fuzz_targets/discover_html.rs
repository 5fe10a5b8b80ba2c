//! HTML discovery (`discover_html`, with and without `--deep`, and with `--main`, then
//! `merge`; and the page's videos, `find_videos`) on any bytes: no panic, and no input
//! much slower per byte than an ordinary page.
#![no_main]

#[path = "common/linear.rs"]
mod linear;

use imago_core::discover::{discover_html, DiscoverOptions};
use imago_core::siterules::SiteRules;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn rules() -> &'static SiteRules {
    static RULES: OnceLock<SiteRules> = OnceLock::new();
    RULES.get_or_init(SiteRules::builtin)
}

fn run(html: &str) {
    let page = url::Url::parse("https://www.example.com/news/story.html").unwrap();
    for (deep, main) in [(false, None), (true, None), (false, Some(true))] {
        let found = discover_html(html, &page, &DiscoverOptions { deep, main }, rules());
        for c in &found.candidates {
            assert!(!c.url.is_empty(), "an empty candidate URL");
        }
        if main == Some(true) {
            assert_eq!(found.places.len(), found.candidates.len(), "a place per candidate");
        }
        std::hint::black_box(imago_core::merge::merge(found.candidates));
    }
    for v in imago_core::discover::video::find_videos(html, &page) {
        assert!(v.url.starts_with("http"), "a video URL that is not http(s): {}", v.url);
    }
}

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    linear::check(&html, &run);
});
