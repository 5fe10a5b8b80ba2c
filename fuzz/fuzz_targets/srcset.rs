//! `srcset` parsing: no panic, every URL a non-empty slice of the input without spaces.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for e in imago_core::srcset::parse(&text) {
        assert!(!e.url.is_empty());
        assert!(!e.url.contains([' ', '\t', '\n']));
    }
    std::hint::black_box(imago_core::srcset::has_descriptors(&text));
});
