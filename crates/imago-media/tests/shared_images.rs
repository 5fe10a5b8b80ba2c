//! The shared test images: hostile files refused fast with a reason and a 4xx, odd files
//! read correctly or refused with a reason, one file per format processed.

mod common;

use common::{shared_files, webp_chunk_types};
use imago_core::Format;
use imago_media::{inspect, process, Limits, MediaError, MediaKind, ProcessOptions};
use std::time::{Duration, Instant};

/// Inspect, then process what inspect accepted.
fn run(bytes: &[u8]) -> Result<imago_media::Processed, MediaError> {
    let limits = Limits::default();
    let seen = inspect(bytes, &limits)?;
    process(bytes, &seen, &ProcessOptions::default(), &limits)
}

#[test]
fn every_hostile_file_is_refused_fast_with_a_reason_and_a_4xx() {
    for (name, bytes) in shared_files("hostile") {
        let start = Instant::now();
        let outcome = run(&bytes);
        let took = start.elapsed();
        let err = match outcome {
            Ok(done) => panic!("{name} was accepted: {:?}", done.original.format),
            Err(e) => e,
        };
        assert!(took < Duration::from_secs(1), "{name} took {took:?}");
        assert!(
            (400..500).contains(&err.http_status()),
            "{name}: {err} answers {}",
            err.http_status()
        );
        assert!(!err.to_string().is_empty() && !err.code().is_empty());
        eprintln!(
            "{name}: {} {} ({err}) in {took:?}",
            err.http_status(),
            err.code()
        );
    }
}

#[test]
fn hostile_files_get_the_status_their_fault_calls_for() {
    let by_name: std::collections::HashMap<_, _> = shared_files("hostile").into_iter().collect();
    let code = |name: &str| run(&by_name[name]).unwrap_err();
    // 17000 x 17000 = 289 megapixels, over the 100 allowed: a pixel flood, from the header.
    let flood = code("17000x17000.avif");
    assert_eq!(
        (flood.code(), flood.http_status()),
        ("too_many_pixels", 413)
    );
    let svg = code("logo.svg");
    assert_eq!((svg.code(), svg.http_status()), ("svg_refused", 415));
    for cut in ["truncated.jpg", "truncated.gif"] {
        let e = code(cut);
        assert_eq!((e.code(), e.http_status()), ("corrupt", 422), "{cut}: {e}");
    }
    // PngSuite's x*.png: damaged signatures are not a PNG at all (415), the rest are PNGs
    // with broken insides (422).
    for (name, _) in by_name.iter().filter(|(n, _)| n.ends_with(".png")) {
        let e = code(name);
        assert!(matches!(e.http_status(), 415 | 422), "{name}: {e}");
    }
}

#[test]
fn every_odd_file_is_processed_or_refused_with_a_reason() {
    for (name, bytes) in shared_files("odd") {
        match run(&bytes) {
            Ok(done) => {
                assert!(!done.original.bytes.is_empty(), "{name}");
                assert!(!done.thumb.bytes.is_empty(), "{name}");
                eprintln!(
                    "{name}: stored {:?} {}x{}, {} frames",
                    done.original.format, done.original.width, done.original.height, done.frames
                );
            }
            Err(e) => {
                assert!((400..500).contains(&e.http_status()), "{name}: {e}");
                eprintln!("{name}: refused {} ({e})", e.code());
            }
        }
    }
}

#[test]
fn gif_with_a_broken_fourth_frame_is_stored_from_its_readable_frames() {
    // Decoders show three frames and stop at the fourth's bad LZW data, after which
    // the block structure is lost: the walk counts four frames and ends there.
    let done = run(&odd("invalid_multiframe.gif")).unwrap();
    assert_eq!(done.frames, 4);
    assert_eq!(done.original.format, Format::Gif);
    assert!(done.original.bytes.ends_with(b";"));
    assert_eq!((done.thumb.width, done.thumb.height), (10, 9));
}

#[test]
fn gif_frame_larger_than_its_canvas_is_read() {
    // Canvas 10 x 10, the frame's descriptor says 16 x 16.
    let done = run(&odd("issue_1455_oversized.gif")).unwrap();
    assert_eq!((done.original.width, done.original.height), (10, 10));
}

fn odd(name: &str) -> Vec<u8> {
    shared_files("odd")
        .into_iter()
        .find(|(n, _)| n == name)
        .unwrap()
        .1
}

#[test]
fn looks_like_svg_webp_is_a_webp() {
    let bytes = odd("looks-like-svg.webp");
    let seen = inspect(&bytes, &Limits::default()).unwrap();
    assert_eq!(seen.kind, MediaKind::Image(Format::Webp));
    // Its VP8X canvas: width-1 and height-1 are 0xFF.
    assert_eq!((seen.width, seen.height), (256, 256));
    let done = run(&bytes).unwrap();
    assert_eq!(done.original.format, Format::Webp);
}

#[test]
fn big_height_webp_keeps_its_99_frames_in_the_stored_original() {
    let bytes = odd("big-height.webp");
    let seen = inspect(&bytes, &Limits::default()).unwrap();
    assert_eq!(seen.frames, 99);
    // The VP8X canvas: 13 x 169.
    assert_eq!((seen.width, seen.height), (13, 169));
    let done = run(&bytes).unwrap();
    assert_eq!(done.frames, 99);
    let stored = webp_chunk_types(&done.original.bytes);
    assert_eq!(stored.iter().filter(|c| *c == "ANMF").count(), 99);
    assert!(stored.contains(&"ANIM".to_string()));
    // The thumbnail is the first frame, a still image inside 160 x 160.
    assert_eq!((done.thumb.width, done.thumb.height), (12, 160));
}

#[test]
fn avif_is_sized_by_ispe_and_irot_as_browsers_show_it() {
    // `ispe` 3024 x 4032 and no `irot`: shown as stored, 3024 wide. (MIAF readers do not
    // turn an AVIF by its EXIF item, which says 1 here anyway.)
    let bytes = odd("avif-orientation-6.avif");
    let seen = inspect(&bytes, &Limits::default()).unwrap();
    assert_eq!(seen.kind, MediaKind::Image(Format::Avif));
    assert_eq!((seen.width, seen.height), (3024, 4032));
    let done = run(&bytes).unwrap();
    assert_eq!((done.original.width, done.original.height), (3024, 4032));
    assert_eq!(done.original.format, Format::Avif);
    // Decoded by libheif: a real thumbnail and medium, as JPEG.
    assert_eq!(done.thumb.format, Format::Jpeg);
    assert_eq!((done.thumb.width, done.thumb.height), (120, 160));
    let thumb = image::load_from_memory(&done.thumb.bytes).unwrap();
    assert_eq!((thumb.width(), thumb.height()), (120, 160));
    let medium = done.medium.expect("a medium for a 4032 px picture");
    assert_eq!((medium.width, medium.height), (480, 640));
}

#[test]
fn avif_exif_item_with_gps_is_blanked_in_place_when_stripping() {
    let bytes = odd("avif-orientation-6.avif");
    // The EXIF item (iloc: at 0x27041, 0x89a bytes) holds a TIFF block an EXIF reader
    // finds: orientation 1 (not 6, whatever the file name says: the pixels are stored
    // upright) and a GPS directory.
    let read = |b: &[u8]| {
        let found = exif::Reader::new()
            .read_from_container(&mut std::io::Cursor::new(b))
            .ok()?;
        let orientation = found
            .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
            .and_then(|f| f.value.get_uint(0));
        let gps = found
            .fields()
            .any(|f| f.tag.context() == exif::Context::Gps);
        Some((orientation, gps))
    };
    assert_eq!(read(&bytes), Some((Some(1), true)));
    let exif_item = 0x27041..0x27041 + 0x89a;
    let done = run(&bytes).unwrap();
    let stored = &done.original.bytes;
    assert_eq!(stored.len(), bytes.len());
    assert!(stored[exif_item.clone()].iter().all(|b| *b == 0));
    assert_eq!(stored[..exif_item.start], bytes[..exif_item.start]);
    assert_eq!(stored[exif_item.end..], bytes[exif_item.end..]);
    assert_eq!(read(stored), None);
    // Kept when not stripping.
    let limits = Limits::default();
    let seen = inspect(&bytes, &limits).unwrap();
    let keep = ProcessOptions {
        strip_metadata: false,
        ..ProcessOptions::default()
    };
    assert_eq!(
        process(&bytes, &seen, &keep, &limits)
            .unwrap()
            .original
            .bytes,
        bytes
    );
}

#[test]
fn avif_whose_exif_item_points_at_its_own_boxes_is_refused_not_blanked() {
    // The EXIF item's extent offset (the only 0x00027041 in the file, inside `iloc`) moved
    // to 0: blanking "the item" would zero `ftyp` and `meta`, leaving a file no reader
    // opens (the fuzz target `media_container` found such an input).
    let mut bytes = odd("avif-orientation-6.avif");
    let at = bytes
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x70, 0x41])
        .unwrap();
    bytes[at..at + 4].copy_from_slice(&[0, 0, 0, 0]);
    let err = run(&bytes).unwrap_err();
    assert_eq!(err.code(), "corrupt", "{err}");
    assert!(err.to_string().contains("outside the media data"), "{err}");
}

#[test]
fn one_file_per_accepted_format_processes() {
    for (name, bytes) in shared_files("formats") {
        let outcome = run(&bytes);
        if name.ends_with(".ico") {
            // ICO is not among the formats the issue accepts.
            let e = outcome.unwrap_err();
            assert_eq!(
                (e.code(), e.http_status()),
                ("unsupported_type", 415),
                "{name}"
            );
            continue;
        }
        let done = outcome.unwrap_or_else(|e| panic!("{name}: {e}"));
        let seen = inspect(&bytes, &Limits::default()).unwrap();
        assert_eq!(MediaKind::Image(done.original.format), seen.kind, "{name}");
        // The stored original still decodes, to the size the header said.
        let back = image::load_from_memory(&done.original.bytes)
            .unwrap_or_else(|e| panic!("{name}: stored original does not decode: {e}"));
        assert_eq!(
            (back.width(), back.height()),
            (seen.width, seen.height),
            "{name}"
        );
        assert!(done.thumb.width.max(done.thumb.height) <= 160, "{name}");
    }
}

#[test]
fn ultra_hdr_jpeg_loses_its_gain_map_and_xmp_when_stripped() {
    let bytes = shared_files("formats")
        .into_iter()
        .find(|(n, _)| n == "ultra-hdr.jpg")
        .unwrap()
        .1;
    let done = run(&bytes).unwrap();
    let stored = &done.original.bytes;
    // The gain map is a second JPEG after the first one's end marker.
    assert!(stored.len() < bytes.len());
    assert!(stored.ends_with(&[0xFF, 0xD9]));
    let starts = stored
        .windows(3)
        .filter(|w| *w == [0xFF, 0xD8, 0xFF])
        .count();
    assert_eq!(starts, 1, "one JPEG left");
    assert!(
        !stored.windows(4).any(|w| w == b"http"),
        "no XMP namespace URI left"
    );
    assert!(image::load_from_memory(stored).is_ok());
}
