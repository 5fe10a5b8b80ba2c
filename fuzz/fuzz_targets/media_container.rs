//! The container readers of `imago-media`: `inspect` (headers, frame counts, frame
//! sizes), the metadata stripper of each format (which walks the blocks and rebuilds
//! the file) and the video header reader (ISO boxes, WebM elements) on any bytes: no
//! panic, and a stripped file strips again.
#![no_main]

use imago_core::Format;
use imago_media::fuzzing::{strip, video_header};
use imago_media::VideoFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = imago_media::inspect(data, &imago_media::Limits::default());
    for format in [VideoFormat::Mp4, VideoFormat::Webm] {
        let _ = video_header(format, data);
    }
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
