//! Animations (APNG, animated WebP) are stored whole, counted, and bounded frame by frame.

mod common;

use common::{png_chunk_types, shared_files, webp_chunk_types};
use imago_core::Format;
use imago_media::{inspect, process, Limits, ProcessOptions};

/// A 3-frame 16 x 8 APNG (red, green, blue) with a text chunk.
fn apng() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, 16, 8);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_animated(3, 0).unwrap();
        enc.add_text_chunk("Comment".into(), "taken at home".into())
            .unwrap();
        let mut w = enc.write_header().unwrap();
        for colour in [[255u8, 0, 0], [0, 255, 0], [0, 0, 255]] {
            let frame: Vec<u8> = colour.iter().copied().cycle().take(16 * 8 * 3).collect();
            w.write_image_data(&frame).unwrap();
        }
        w.finish().unwrap();
    }
    out
}

#[test]
fn apng_keeps_its_frames_and_loses_its_text() {
    let bytes = apng();
    let kinds = png_chunk_types(&bytes);
    assert!(kinds.contains(&"tEXt".to_string()), "{kinds:?}");
    let limits = Limits::default();
    let seen = inspect(&bytes, &limits).unwrap();
    assert_eq!(seen.frames, 3);
    let done = process(&bytes, &seen, &ProcessOptions::default(), &limits).unwrap();
    assert_eq!((done.frames, done.original.format), (3, Format::Png));
    let stored = png_chunk_types(&done.original.bytes);
    assert!(!stored.contains(&"tEXt".to_string()), "{stored:?}");
    assert_eq!(stored.iter().filter(|c| *c == "fcTL").count(), 3);
    assert!(stored.contains(&"acTL".to_string()));
    // The thumbnail is the first frame: red.
    let thumb = image::load_from_memory(&done.thumb.bytes)
        .unwrap()
        .to_rgb8();
    let p = thumb.get_pixel(8, 4).0;
    assert!(p[0] > 200 && p[1] < 50 && p[2] < 50, "{p:?}");
}

#[test]
fn apng_with_more_frames_than_allowed_is_refused() {
    let limits = Limits {
        max_frames: 2,
        ..Limits::default()
    };
    let e = inspect(&apng(), &limits).unwrap_err();
    assert_eq!((e.code(), e.http_status()), ("too_many_frames", 413));
}

fn big_height() -> Vec<u8> {
    shared_files("odd")
        .into_iter()
        .find(|(n, _)| n == "big-height.webp")
        .unwrap()
        .1
}

#[test]
fn animated_webp_with_more_frames_than_allowed_is_refused() {
    let limits = Limits {
        max_frames: 50,
        ..Limits::default()
    };
    let e = inspect(&big_height(), &limits).unwrap_err();
    assert_eq!((e.code(), e.http_status()), ("too_many_frames", 413));
    assert!(e.to_string().contains("more than the 50"), "{e}");
}

#[test]
fn animated_webp_frame_larger_than_allowed_is_refused() {
    let mut bytes = big_height();
    assert_eq!(webp_chunk_types(&bytes)[..3], ["VP8X", "ANIM", "ANMF"]);
    // The first ANMF: after the RIFF header (12), VP8X (8 + 10) and ANIM (8 + 6); its
    // width-1 is at data offset 6, height-1 at 9, three bytes each: make it 16384 x
    // 16384 inside a 13 x 169 canvas.
    let anmf = 12 + 18 + 14;
    assert_eq!(&bytes[anmf..anmf + 4], b"ANMF");
    let data = anmf + 8;
    bytes[data + 6..data + 9].copy_from_slice(&[0xFF, 0x3F, 0]);
    bytes[data + 9..data + 12].copy_from_slice(&[0xFF, 0x3F, 0]);
    let e = inspect(&bytes, &Limits::default()).unwrap_err();
    assert_eq!((e.code(), e.http_status()), ("too_many_pixels", 413), "{e}");
}
