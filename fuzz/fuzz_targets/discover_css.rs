//! Stylesheets (`discover_css`) and `style` attributes (`css::scan` inline) on any text:
//! no panic, and linear time.
#![no_main]

#[path = "common/linear.rs"]
mod linear;

use imago_core::discover::discover_css;
use imago_core::SourceKind;
use libfuzzer_sys::fuzz_target;

fn run(css: &str) {
    let at = url::Url::parse("https://www.example.com/css/site.css").unwrap();
    let found = discover_css(css, &at, SourceKind::CssStyle, 7);
    std::hint::black_box(found);
    std::hint::black_box(imago_core::css::scan(css, true));
}

fuzz_target!(|data: &[u8]| {
    let css = String::from_utf8_lossy(data);
    linear::check(&css, &run);
});
