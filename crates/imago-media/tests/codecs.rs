//! Reading every format of the table in `codecs/mod.rs`, upright.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat, Rgb};
use imago_core::Format;
use imago_media::codecs::{read, ReadOptions};
use imago_media::{inspect_readable, Limits};

fn upright(bytes: &[u8]) -> image::RgbImage {
    read(bytes, &Limits::default(), &ReadOptions::default())
        .unwrap()
        .first()
        .to_rgb8()
}

#[test]
fn every_shared_format_reads_at_the_size_its_header_says() {
    let mut files = shared_files("formats");
    files.extend(
        shared_files("odd")
            .into_iter()
            .filter(|(n, _)| n.ends_with(".avif")),
    );
    let mut formats = Vec::new();
    for (name, bytes) in files {
        let seen =
            inspect_readable(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let picture = read(&bytes, &Limits::default(), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let first = picture.first();
        assert_eq!(
            (first.width(), first.height()),
            (seen.width, seen.height),
            "{name}"
        );
        formats.push(picture.format);
    }
    for f in [
        Format::Jpeg,
        Format::Png,
        Format::Gif,
        Format::Webp,
        Format::Bmp,
        Format::Ico,
        Format::Avif,
    ] {
        assert!(formats.contains(&f), "no shared {f:?} read");
    }
}

/// The stored pixels, and what a viewer shows for each EXIF orientation: the `image`
/// crate's own transform, an implementation independent of the decoders under test.
fn expected(stored: &image::RgbImage, o: u8) -> [Rgb<u8>; 4] {
    let mut shown = DynamicImage::ImageRgb8(stored.clone());
    shown.apply_orientation(image::metadata::Orientation::from_exif(o).unwrap());
    quadrant_colours(&shown.to_rgb8())
}

fn assert_shown(bytes: &[u8], stored: &image::RgbImage, o: u8, what: &str) {
    let got = upright(bytes);
    let (w, h) = stored.dimensions();
    let sides = if o >= 5 { (h, w) } else { (w, h) };
    assert_eq!(got.dimensions(), sides, "{what} orientation {o}");
    let want = expected(stored, o);
    for (g, e) in quadrant_colours(&got).iter().zip(want) {
        assert!(
            near(*g, e),
            "{what} orientation {o}: got {:?}, want {want:?}",
            quadrant_colours(&got)
        );
    }
}

#[test]
fn the_eight_exif_orientations_of_jpeg_png_and_webp_are_applied() {
    let stored = quadrants(64, 32);
    let img = DynamicImage::ImageRgb8(stored.clone());
    let jpeg = encode(&img, ImageFormat::Jpeg);
    let png = encode(&img, ImageFormat::Png);
    let webp = encode(&img, ImageFormat::WebP);
    for o in 1..=8u8 {
        assert_shown(&jpeg_with_exif(&jpeg, o.into()), &stored, o, "JPEG");
        assert_shown(
            &png_with_exif(&png, &exif_tiff(o.into())),
            &stored,
            o,
            "PNG",
        );
        assert_shown(
            &webp_with_exif(&webp, 64, 32, &exif_tiff(o.into())),
            &stored,
            o,
            "WebP",
        );
    }
}

#[test]
fn the_eight_orientations_of_heic_and_avif_are_applied() {
    let stored = quadrants(64, 32);
    for o in 1..=8u8 {
        assert_shown(&heif_fixture(&stored, false, o, None), &stored, o, "HEIC");
        assert_shown(&heif_fixture(&stored, true, o, None), &stored, o, "AVIF");
    }
}

#[test]
fn a_heic_exif_orientation_is_not_applied_on_top_of_irot() {
    // An iPhone writes both: `irot` turns the picture, the EXIF says the same. Applying
    // both would turn it twice.
    let stored = quadrants(64, 32);
    let heic = heif_fixture(&stored, false, 6, Some(&exif_tiff(6)));
    assert_shown(&heic, &stored, 6, "HEIC with EXIF 6 and irot");
}
