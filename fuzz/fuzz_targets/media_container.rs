//! The container readers of `imago-media`: `inspect` (headers, frame counts, frame
//! sizes) and the metadata stripper of each format (which walks the blocks and rebuilds
//! the file) on any bytes: no panic, and a stripped file strips again.
#![no_main]

use imago_core::Format;
use imago_media::fuzzing::strip;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = imago_media::inspect(data, &imago_media::Limits::default());
    for format in [
        Format::Jpeg,
        Format::Png,
        Format::Webp,
        Format::Gif,
        Format::Avif,
    ] {
        if let Ok(Some(out)) = strip(format, data) {
            assert!(
                strip(format, &out).is_ok(),
                "{format:?}: the stripped file does not strip again"
            );
        }
    }
});
