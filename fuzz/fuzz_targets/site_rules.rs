//! The site rule loader (`SiteRules::from_toml`) on any text; rules that load are used
//! to discover a small page: no panic.
#![no_main]

use imago_core::discover::{discover_html, DiscoverOptions};
use imago_core::siterules::SiteRules;
use libfuzzer_sys::fuzz_target;

const PAGE: &str = r#"<html><body><main id="m" class="post"><figure><img src="a.jpg" data-src="b.jpg"></figure></main>
<aside class="ad"><img src="ad.gif"></aside><div data-x="1"><a href="big.jpg"><img src="t.jpg"></a></div></body></html>"#;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(rules) = SiteRules::from_toml(&text, "fuzz.toml") else {
        return;
    };
    for page in [
        "https://www.example.com/p/1",
        "http://shop.example.org/",
        "https://x.y/",
    ] {
        let page = url::Url::parse(page).unwrap();
        std::hint::black_box(discover_html(
            PAGE,
            &page,
            &DiscoverOptions::default(),
            &rules,
        ));
    }
});
