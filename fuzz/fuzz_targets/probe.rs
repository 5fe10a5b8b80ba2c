//! The header probe of every format on any bytes, whole or as a prefix: no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    std::hint::black_box(imago_core::probe::probe(data, true));
    std::hint::black_box(imago_core::probe::probe(data, false));
    std::hint::black_box(imago_core::probe::sniff(data));
});
