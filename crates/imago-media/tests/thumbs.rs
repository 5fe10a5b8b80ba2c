//! Thumbnail and medium variants: inside their box, aspect kept, never enlarged, JPEG
//! when opaque and PNG with transparency.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use imago_core::Format;
use imago_media::{fit_inside, inspect, process, Limits, ProcessOptions, Processed};

fn run(bytes: &[u8]) -> Processed {
    let limits = Limits::default();
    let seen = inspect(bytes, &limits).unwrap();
    process(bytes, &seen, &ProcessOptions::default(), &limits).unwrap()
}

fn decoded_size(bytes: &[u8]) -> (u32, u32) {
    let img = image::load_from_memory(bytes).unwrap();
    (img.width(), img.height())
}

#[test]
fn wide_image_gets_a_160_thumb_and_a_640_medium_with_its_aspect() {
    let png = encode(
        &DynamicImage::ImageRgb8(two_colour(1000, 500)),
        ImageFormat::Png,
    );
    let done = run(&png);
    assert_eq!((done.thumb.width, done.thumb.height), (160, 80));
    assert_eq!(decoded_size(&done.thumb.bytes), (160, 80));
    assert_eq!(done.thumb.format, Format::Jpeg);
    let medium = done.medium.unwrap();
    assert_eq!((medium.width, medium.height), (640, 320));
    assert_eq!(decoded_size(&medium.bytes), (640, 320));
    // Halves stay halves: red on the left of the thumbnail, blue on the right.
    let thumb = image::load_from_memory(&done.thumb.bytes)
        .unwrap()
        .to_rgb8();
    assert!(near(*thumb.get_pixel(20, 40), RED));
    assert!(near(*thumb.get_pixel(140, 40), BLUE));
}

#[test]
fn tall_image_fits_by_its_height() {
    let png = encode(
        &DynamicImage::ImageRgb8(two_colour(300, 900)),
        ImageFormat::Png,
    );
    let done = run(&png);
    assert_eq!((done.thumb.width, done.thumb.height), (53, 160));
    assert_eq!(done.medium.map(|m| (m.width, m.height)), Some((213, 640)));
}

#[test]
fn small_image_is_not_enlarged_and_has_no_medium() {
    let png = encode(
        &DynamicImage::ImageRgb8(two_colour(100, 40)),
        ImageFormat::Png,
    );
    let done = run(&png);
    assert_eq!((done.thumb.width, done.thumb.height), (100, 40));
    assert!(done.medium.is_none());
}

#[test]
fn transparency_makes_a_png_thumbnail_and_opaque_alpha_a_jpeg() {
    let clear = RgbaImage::from_fn(400, 200, |x, _| {
        Rgba([10, 200, 10, if x < 200 { 0 } else { 255 }])
    });
    let done = run(&encode(&DynamicImage::ImageRgba8(clear), ImageFormat::Png));
    assert_eq!(done.thumb.format, Format::Png);
    let thumb = image::load_from_memory(&done.thumb.bytes)
        .unwrap()
        .to_rgba8();
    assert_eq!(thumb.get_pixel(10, 40).0[3], 0);
    assert_eq!(thumb.get_pixel(150, 40).0[3], 255);
    let opaque = RgbaImage::from_pixel(400, 200, Rgba([10, 200, 10, 255]));
    let done = run(&encode(&DynamicImage::ImageRgba8(opaque), ImageFormat::Png));
    assert_eq!(done.thumb.format, Format::Jpeg);
}

#[test]
fn fit_inside_keeps_the_aspect_and_never_gives_zero() {
    assert_eq!(fit_inside(4000, 3000, 160), (160, 120));
    assert_eq!(fit_inside(3000, 4000, 640), (480, 640));
    assert_eq!(fit_inside(160, 160, 160), (160, 160));
    assert_eq!(fit_inside(20_000, 3, 160), (160, 1));
    assert_eq!(fit_inside(u32::MAX, u32::MAX - 1, 160), (160, 160));
}

/// A JPEG large enough to be shrunk on load (2000 px for a 640 px medium: decoded at 1/2)
/// still gives variants of the right size, with its colours where they were.
#[test]
fn large_jpeg_shrunk_on_load_keeps_its_size_and_colours() {
    let jpeg = encode(
        &DynamicImage::ImageRgb8(two_colour(2000, 1000)),
        ImageFormat::Jpeg,
    );
    let done = run(&jpeg);
    let medium = done.medium.unwrap();
    assert_eq!((medium.width, medium.height), (640, 320));
    assert_eq!(decoded_size(&medium.bytes), (640, 320));
    let medium = image::load_from_memory(&medium.bytes).unwrap().to_rgb8();
    assert!(near(*medium.get_pixel(100, 160), RED));
    assert!(near(*medium.get_pixel(540, 160), BLUE));
    assert_eq!((done.thumb.width, done.thumb.height), (160, 80));
}

/// A greyscale JPEG shrunk on load stays grey (no channel mixed up on the way).
#[test]
fn greyscale_jpeg_gives_grey_variants() {
    let grey = image::GrayImage::from_fn(1600, 800, |x, _| image::Luma([(x / 8) as u8]));
    let done = run(&encode(&DynamicImage::ImageLuma8(grey), ImageFormat::Jpeg));
    let medium = done.medium.unwrap();
    assert_eq!((medium.width, medium.height), (640, 320));
    let medium = image::load_from_memory(&medium.bytes).unwrap().to_rgb8();
    for x in [40, 320, 600] {
        let p = medium.get_pixel(x, 160).0;
        let expected = (x * 1600 / 640 / 8) as u8;
        assert!(p.iter().all(|c| c.abs_diff(expected) <= 6), "{p:?} at {x}");
    }
}

/// The ICC profile of a shrunk JPEG goes into its variants whole, also when it is split
/// over several APP2 segments (over 64 KB).
#[test]
fn jpeg_icc_profile_is_carried_into_the_variants() {
    use image::codecs::jpeg::{JpegDecoder, JpegEncoder};
    use image::{ImageDecoder, ImageEncoder};
    let profile: Vec<u8> = (0..70_000u32).map(|i| (i % 251) as u8).collect();
    let mut jpeg = Vec::new();
    let mut enc = JpegEncoder::new_with_quality(&mut jpeg, 90);
    enc.set_icc_profile(profile.clone()).unwrap();
    let img = two_colour(1200, 800);
    enc.write_image(img.as_raw(), 1200, 800, image::ExtendedColorType::Rgb8)
        .unwrap();
    let done = run(&jpeg);
    for variant in [&done.thumb, done.medium.as_ref().unwrap()] {
        let mut dec = JpegDecoder::new(std::io::Cursor::new(&variant.bytes)).unwrap();
        assert_eq!(dec.icc_profile().unwrap().as_deref(), Some(&profile[..]));
    }
}
