//! `info`: format, shown size, metadata blocks and the GPS position, from headers.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat};
use imago_media::info::{info, Block, Gps};
use imago_media::Limits;

/// The position `exif_tiff` writes: N 48 51 30, W 2 17 40.
const WHERE: Gps = Gps {
    latitude: 48.0 + 51.0 / 60.0 + 30.0 / 3600.0,
    longitude: -(2.0 + 17.0 / 60.0 + 40.0 / 3600.0),
};

fn assert_gps(found: Option<Gps>, what: &str) {
    let g = found.unwrap_or_else(|| panic!("{what}: no GPS position found"));
    assert!(
        (g.latitude - WHERE.latitude).abs() < 1e-9 && (g.longitude - WHERE.longitude).abs() < 1e-9,
        "{what}: {g:?}"
    );
}

#[test]
fn a_gps_position_is_found_in_jpeg_png_webp_heic_and_avif() {
    for (what, bytes, format) in gps_tagged(6) {
        let found = info(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(found.format, format, "{what}");
        assert_gps(found.gps, what);
        assert_eq!(found.orientation, Some(6), "{what}");
        // Shown turned: the stored 64 x 32 is 32 wide.
        assert_eq!((found.width, found.height), (32, 64), "{what}");
        assert!(
            found.metadata.contains(&Block::Exif),
            "{what}: {:?}",
            found.metadata
        );
        assert_eq!((found.frames, found.bit_depth), (1, 8), "{what}");
    }
}

#[test]
fn a_file_without_metadata_says_so() {
    let png = encode(&DynamicImage::ImageRgb8(quadrants(8, 8)), ImageFormat::Png);
    let found = info(&png, &Limits::default()).unwrap();
    assert_eq!(found.metadata, []);
    assert_eq!(
        (found.gps, found.orientation, found.color_profile),
        (None, None, None)
    );
}

#[test]
fn shared_files_name_their_blocks_and_profiles() {
    // The phone's AVIF carries EXIF with a GPS directory (see shared_images.rs).
    let avif = std::fs::read(shared_images().join("odd/avif-orientation-6.avif")).unwrap();
    let found = info(&avif, &Limits::default()).unwrap();
    assert_eq!((found.width, found.height), (3024, 4032));
    assert!(found.gps.is_some(), "{found:?}");
    // The Ultra HDR JPEG is a phone photo with a colour profile.
    let jpeg = std::fs::read(shared_images().join("formats/ultra-hdr.jpg")).unwrap();
    let found = info(&jpeg, &Limits::default()).unwrap();
    assert!(found.metadata.contains(&Block::Icc), "{found:?}");
    assert!(found.color_profile.is_some(), "{found:?}");
    // An animation counts its frames.
    let gif = std::fs::read(shared_images().join("formats/cogs.gif")).unwrap();
    assert!(info(&gif, &Limits::default()).unwrap().frames > 1);
}

#[test]
fn json_names_the_format_and_blocks_in_lower_case() {
    let stored = quadrants(64, 32);
    let jpeg = jpeg_with_exif(
        &encode(&DynamicImage::ImageRgb8(stored), ImageFormat::Jpeg),
        1,
    );
    let v = serde_json::to_value(info(&jpeg, &Limits::default()).unwrap()).unwrap();
    assert_eq!(v["format"], "jpeg");
    assert_eq!(v["metadata"], serde_json::json!(["exif"]));
    assert!((v["gps"]["latitude"].as_f64().unwrap() - WHERE.latitude).abs() < 1e-9);
}

#[test]
fn a_stripped_avif_tells_nothing_more() {
    let avif = std::fs::read(shared_images().join("odd/avif-orientation-6.avif")).unwrap();
    let opts = imago_media::tools::StripOptions::default();
    let stripped = imago_media::tools::strip_metadata(&avif, &Limits::default(), &opts).unwrap();
    let found = info(&stripped.bytes, &Limits::default()).unwrap();
    assert_eq!(found.gps, None);
    // The blanked EXIF item is still listed by the container, but empty: not reported.
    // The colour profile is a property of the image in AVIF, kept.
    assert_eq!(found.metadata, [Block::Icc]);
}
