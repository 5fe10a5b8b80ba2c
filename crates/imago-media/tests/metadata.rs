//! Metadata stripping, read back with an EXIF reader (kamadak-exif) and by chunk walks.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat, RgbImage, RgbaImage};
use imago_core::Format;
use imago_media::{inspect, process, Limits, ProcessOptions, Processed};

fn run(bytes: &[u8], strip: bool) -> Processed {
    let limits = Limits::default();
    let seen = inspect(bytes, &limits).unwrap();
    let opts = ProcessOptions {
        strip_metadata: strip,
        ..ProcessOptions::default()
    };
    process(bytes, &seen, &opts, &limits).unwrap()
}

fn photo() -> DynamicImage {
    DynamicImage::ImageRgb8(RgbImage::from_fn(64, 48, |x, y| {
        image::Rgb([(x * 4) as u8, (y * 5) as u8, 128])
    }))
}

#[test]
fn jpeg_gps_is_gone_after_strip_and_pixels_are_untouched() {
    let plain = encode(&photo(), ImageFormat::Jpeg);
    let with_gps = jpeg_with_exif(&plain, 1);
    // The fixture is read as having GPS, so the test can fail.
    assert_eq!(
        gps_fields(&with_gps),
        [
            "GPSLatitudeRef",
            "GPSLatitude",
            "GPSLongitudeRef",
            "GPSLongitude"
        ]
    );
    let done = run(&with_gps, true);
    assert_eq!(done.original.format, Format::Jpeg);
    assert!(gps_fields(&done.original.bytes).is_empty());
    // Orientation 1: dropping the segment is all that happened, byte for byte.
    assert_eq!(done.original.bytes, plain);
}

#[test]
fn jpeg_keeps_gps_when_not_asked_to_strip() {
    let with_gps = jpeg_with_exif(&encode(&photo(), ImageFormat::Jpeg), 1);
    let done = run(&with_gps, false);
    assert_eq!(done.original.bytes, with_gps);
    assert!(!gps_fields(&done.original.bytes).is_empty());
}

#[test]
fn jpeg_strip_keeps_the_icc_profile_and_drops_comments() {
    let plain = encode(&photo(), ImageFormat::Jpeg);
    let segment = |marker: u8, body: &[u8]| {
        let mut s = vec![0xFF, marker];
        s.extend_from_slice(&u16::try_from(body.len() + 2).unwrap().to_be_bytes());
        s.extend_from_slice(body);
        s
    };
    let mut icc = b"ICC_PROFILE\0\x01\x01".to_vec();
    icc.extend_from_slice(&[7; 40]);
    let mut bytes = plain[..2].to_vec();
    bytes.extend(segment(0xE2, &icc));
    bytes.extend(segment(0xFE, b"shot at home"));
    bytes.extend(segment(0xED, b"Photoshop 3.0\0IPTC city"));
    bytes.extend_from_slice(&plain[2..]);
    let stored = run(&bytes, true).original.bytes;
    let has = |needle: &[u8]| stored.windows(needle.len()).any(|w| w == needle);
    assert!(has(&icc));
    assert!(!has(b"shot at home"));
    assert!(!has(b"IPTC city"));
    assert_eq!(stored.len(), plain.len() + icc.len() + 4);
}

#[test]
fn png_text_and_exif_chunks_are_dropped_losslessly() {
    let plain = encode(&photo(), ImageFormat::Png);
    // After IHDR (8 + 25 bytes): a text chunk, an eXIf with GPS, a compressed text.
    let exif_body = exif_tiff(1);
    let mut bytes = plain[..33].to_vec();
    bytes.extend(png_chunk(b"tEXt", b"Comment\0secret place"));
    bytes.extend(png_chunk(b"eXIf", &exif_body));
    bytes.extend(png_chunk(b"zTXt", b"Author\0\0x"));
    bytes.extend_from_slice(&plain[33..]);
    assert!(!gps_fields(&bytes).is_empty());
    let done = run(&bytes, true);
    assert_eq!(done.original.bytes, plain);
    assert!(gps_fields(&done.original.bytes).is_empty());
    // Keeping: all of it.
    assert_eq!(run(&bytes, false).original.bytes, bytes);
}

/// A WebP with a VP8X header announcing EXIF and XMP, the image from `image`'s lossless
/// encoder, then EXIF and XMP chunks.
fn webp_with_metadata() -> (Vec<u8>, Vec<u8>) {
    let plain = encode(&photo(), ImageFormat::WebP);
    assert_eq!(
        &plain[12..16],
        b"VP8L",
        "the image crate writes simple lossless WebP"
    );
    let (w, h) = (64u32 - 1, 48u32 - 1);
    let mut vp8x = vec![0x08 | 0x04, 0, 0, 0];
    vp8x.extend_from_slice(&w.to_le_bytes()[..3]);
    vp8x.extend_from_slice(&h.to_le_bytes()[..3]);
    let chunk = webp_chunk;
    let mut body = b"WEBP".to_vec();
    body.extend(chunk(b"VP8X", &vp8x));
    body.extend_from_slice(&plain[12..]);
    body.extend(chunk(b"EXIF", &exif_tiff(1)));
    body.extend(chunk(b"XMP ", b"<x:xmpmeta>secret</x:xmpmeta>"));
    let mut with = b"RIFF".to_vec();
    with.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
    with.extend(body);
    (plain, with)
}

#[test]
fn webp_exif_and_xmp_chunks_are_dropped_and_the_header_fixed() {
    let (_, with) = webp_with_metadata();
    assert!(!gps_fields(&with).is_empty());
    let stored = run(&with, true).original.bytes;
    assert_eq!(webp_chunk_types(&stored), ["VP8X", "VP8L"]);
    // Flags: neither EXIF (0x08) nor XMP (0x04) announced any more.
    assert_eq!(stored[20] & 0x0C, 0);
    let riff = u32::from_le_bytes(stored[4..8].try_into().unwrap()) as usize;
    assert_eq!(riff + 8, stored.len());
    assert!(gps_fields(&stored).is_empty());
    let back = image::load_from_memory(&stored).unwrap();
    assert_eq!(back.to_rgb8(), photo().to_rgb8());
}

#[test]
fn gif_comments_and_xmp_go_looping_stays() {
    let mut frames = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut frames);
        enc.set_repeat(image::codecs::gif::Repeat::Infinite)
            .unwrap();
        for shade in [0u8, 255] {
            let f = RgbaImage::from_pixel(8, 8, image::Rgba([shade, 0, 0, 255]));
            enc.encode_frame(image::Frame::new(f)).unwrap();
        }
    }
    // Insert a comment and an XMP application extension before the first frame.
    let at = frames
        .windows(11)
        .position(|w| w == b"NETSCAPE2.0")
        .unwrap()
        - 3;
    let loop_ext_len = 3 + 11 + 5;
    let insert_at = at + loop_ext_len;
    let mut extra = vec![0x21, 0xFE, 7];
    extra.extend_from_slice(b"private");
    extra.push(0);
    extra.extend_from_slice(&[0x21, 0xFF, 11]);
    extra.extend_from_slice(b"XMP DataXMP");
    extra.extend_from_slice(&[5, b'<', b'x', b'm', b'p', b'>', 0]);
    let mut bytes = frames[..insert_at].to_vec();
    bytes.extend_from_slice(&extra);
    bytes.extend_from_slice(&frames[insert_at..]);
    let done = run(&bytes, true);
    assert_eq!(done.frames, 2);
    assert_eq!(done.original.bytes, frames);
    assert!(done.original.bytes.windows(11).any(|w| w == b"NETSCAPE2.0"));
}
