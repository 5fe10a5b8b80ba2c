//! `data:` URI decoding on any text: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    std::hint::black_box(imago_core::datauri::decode(&text).ok());
});
