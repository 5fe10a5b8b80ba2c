//! EXIF orientation is applied to the stored original and the variants.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat};
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

/// A 64 x 32 JPEG, left half red, right half blue, with EXIF orientation `o`.
fn rotated_jpeg(o: u16) -> Vec<u8> {
    let img = DynamicImage::ImageRgb8(two_colour(64, 32));
    jpeg_with_exif(&encode(&img, ImageFormat::Jpeg), o)
}

#[test]
fn orientation_6_jpeg_is_stored_turned_clockwise() {
    let bytes = rotated_jpeg(6);
    let seen = inspect(&bytes, &Limits::default()).unwrap();
    // The header already reports the displayed size.
    assert_eq!(
        (seen.width, seen.height, seen.orientation),
        (32, 64, Some(6))
    );
    let done = run(&bytes, true);
    assert_eq!(done.original.format, Format::Jpeg);
    assert_eq!((done.original.width, done.original.height), (32, 64));
    let shown = image::load_from_memory(&done.original.bytes)
        .unwrap()
        .to_rgb8();
    assert_eq!(shown.dimensions(), (32, 64));
    // Orientation 6 means "turn 90 degrees clockwise to display": the stored left edge
    // (red) becomes the top.
    assert!(
        near(*shown.get_pixel(16, 8), RED),
        "{:?}",
        shown.get_pixel(16, 8)
    );
    assert!(
        near(*shown.get_pixel(16, 56), BLUE),
        "{:?}",
        shown.get_pixel(16, 56)
    );
    // Stripped: no EXIF left at all, so no reader turns it a second time.
    assert!(gps_fields(&done.original.bytes).is_empty());
    assert!(!done.original.bytes.windows(6).any(|w| w == b"Exif\0\0"));
    // The variants are made from the turned pixels.
    let thumb = image::load_from_memory(&done.thumb.bytes)
        .unwrap()
        .to_rgb8();
    assert_eq!(thumb.dimensions(), (32, 64));
    assert!(near(*thumb.get_pixel(16, 4), RED));
}

#[test]
fn orientation_8_jpeg_is_turned_the_other_way() {
    let done = run(&rotated_jpeg(8), true);
    let shown = image::load_from_memory(&done.original.bytes)
        .unwrap()
        .to_rgb8();
    assert_eq!(shown.dimensions(), (32, 64));
    assert!(near(*shown.get_pixel(16, 8), BLUE));
    assert!(near(*shown.get_pixel(16, 56), RED));
}

#[test]
fn turned_jpeg_kept_with_metadata_says_orientation_1() {
    let done = run(&rotated_jpeg(6), false);
    let read = exif::Reader::new()
        .read_from_container(&mut std::io::Cursor::new(&done.original.bytes))
        .unwrap();
    let o = read
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .unwrap();
    assert_eq!(o.value.get_uint(0), Some(1));
    // GPS was asked to be kept.
    assert_eq!(gps_fields(&done.original.bytes).len(), 4);
    let shown = image::load_from_memory(&done.original.bytes).unwrap();
    assert_eq!((shown.width(), shown.height()), (32, 64));
}

#[test]
fn orientation_1_jpeg_is_not_reencoded() {
    let plain = encode(
        &DynamicImage::ImageRgb8(two_colour(64, 32)),
        ImageFormat::Jpeg,
    );
    let done = run(&jpeg_with_exif(&plain, 1), true);
    assert_eq!(done.original.bytes, plain);
    assert_eq!((done.original.width, done.original.height), (64, 32));
}

#[test]
fn png_with_exif_orientation_6_is_stored_turned() {
    let plain = encode(
        &DynamicImage::ImageRgb8(two_colour(64, 32)),
        ImageFormat::Png,
    );
    let mut bytes = plain[..33].to_vec();
    bytes.extend(png_chunk(b"eXIf", &exif_tiff(6)));
    bytes.extend_from_slice(&plain[33..]);
    let done = run(&bytes, true);
    assert_eq!(done.original.format, Format::Png);
    let shown = image::load_from_memory(&done.original.bytes)
        .unwrap()
        .to_rgb8();
    assert_eq!(shown.dimensions(), (32, 64));
    assert_eq!(*shown.get_pixel(16, 8), RED);
    assert_eq!(*shown.get_pixel(16, 56), BLUE);
    assert!(!png_chunk_types(&done.original.bytes).contains(&"eXIf".to_string()));
}
