//! The cookies.txt reader (`CookieJar::parse`) on any text; a jar that loads answers the
//! `Cookie` header of a few URLs: no panic.
#![no_main]

use imago_engine::CookieJar;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let Ok(jar) = CookieJar::parse(&text) else {
        return;
    };
    for u in [
        "https://www.example.com/a/b",
        "http://example.com/",
        "https://sub.shop.example.org:8443/x?y",
    ] {
        let url = url::Url::parse(u).unwrap();
        for now in [0, 1_700_000_000, u64::MAX] {
            std::hint::black_box(jar.header_for(&url, now));
        }
    }
});
