//! `tools::strip_metadata`: the metadata truly gone (read back with an EXIF reader), the
//! pixels untouched, the one re-encode said.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat};
use imago_core::Format;
use imago_media::info::{info, Block};
use imago_media::tools::{strip_metadata, StripOptions};
use imago_media::Limits;

fn strip(bytes: &[u8], keep_icc: bool) -> imago_media::tools::Stripped {
    strip_metadata(bytes, &Limits::default(), &StripOptions { keep_icc }).unwrap()
}

fn pixels(bytes: &[u8]) -> image::RgbImage {
    image::load_from_memory(bytes).unwrap().to_rgb8()
}

#[test]
fn gps_is_gone_from_jpeg_png_webp_heic_and_avif_and_the_pixels_stay() {
    for (what, bytes, _) in &gps_tagged(1) {
        let what = *what;
        assert_eq!(gps_fields(bytes).len(), 4, "{what}: the fixture has GPS");
        let done = strip(bytes, false);
        assert!(!done.reencoded, "{what}");
        assert!(
            gps_fields(&done.bytes).is_empty(),
            "{what}: GPS still there"
        );
        assert_eq!(
            info(&done.bytes, &Limits::default()).unwrap().gps,
            None,
            "{what}"
        );
        if !matches!(what, "HEIC" | "AVIF") {
            // Not re-encoded: the decoded pixels are the same, bit for bit.
            assert_eq!(pixels(&done.bytes), pixels(bytes), "{what}");
        } else {
            assert_eq!(done.bytes.len(), bytes.len(), "{what}: blanked in place");
        }
    }
}

#[test]
fn the_colour_profile_goes_unless_kept() {
    let jpeg = std::fs::read(shared_images().join("formats/sample.jpg")).unwrap();
    let before = info(&jpeg, &Limits::default()).unwrap();
    assert_eq!(before.metadata, [Block::Exif, Block::Xmp, Block::Icc]);
    let gone = info(&strip(&jpeg, false).bytes, &Limits::default()).unwrap();
    assert_eq!(gone.metadata, []);
    let kept = info(&strip(&jpeg, true).bytes, &Limits::default()).unwrap();
    assert_eq!(kept.metadata, [Block::Icc]);
    assert_eq!(kept.color_profile, before.color_profile);
}

#[test]
fn a_turned_jpeg_is_turned_upright_first_and_says_so() {
    let img = DynamicImage::ImageRgb8(quadrants(64, 32));
    let jpeg = jpeg_with_exif(&encode(&img, ImageFormat::Jpeg), 6);
    let done = strip(&jpeg, false);
    assert!(done.reencoded);
    assert_eq!(done.format, Format::Jpeg);
    assert!(gps_fields(&done.bytes).is_empty());
    // Without EXIF the file must hold the picture as shown: 32 wide, 64 high.
    assert_eq!(pixels(&done.bytes).dimensions(), (32, 64));
    assert_eq!((done.width, done.height), (32, 64));
}

#[test]
fn formats_without_metadata_come_back_as_they_are_and_tiff_is_refused() {
    let bmp = std::fs::read(shared_images().join("formats/small.bmp")).unwrap();
    assert_eq!(strip(&bmp, false).bytes, bmp);
    let tiff = encode(&DynamicImage::ImageRgb8(quadrants(8, 8)), ImageFormat::Tiff);
    let err = strip_metadata(&tiff, &Limits::default(), &StripOptions::default()).unwrap_err();
    assert!(err.to_string().contains("TIFF"), "{err}");
}
