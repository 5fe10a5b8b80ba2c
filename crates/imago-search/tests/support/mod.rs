//! What the search tests share: the real photos (`scripts/fetch-photos.sh`), the search
//! model (`scripts/fetch-model.sh`), and the edits made to them.
#![allow(dead_code)] // each test file uses its own part

use std::io::Cursor;
use std::path::PathBuf;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use imago_search::Embedder;

/// Photos of scenes and things: each is edited and must be found again. Textures (brick,
/// grass, gravel) are only among the others: a hash of a repeating pattern changes with
/// its scale (brick at half size is 56 PDQ bits away), which is the learned embedding's
/// to answer.
pub const EDITED: usize = 11;

/// The photos searched among; no pair of them may match.
pub const PHOTOS: [&str; 14] = [
    "astronaut.png",
    "camera.png",
    "chelsea.png",
    "coffee.png",
    "coins.png",
    "hubble_deep_field.jpg",
    "ihc.png",
    "motorcycle_left.png",
    "moon.png",
    "retina.jpg",
    "rocket.jpg",
    "brick.png",
    "grass.png",
    "gravel.png",
];

pub fn photos_dir() -> PathBuf {
    let dir = std::env::var_os("IMAGO_PHOTOS")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/photos/skimage")
        });
    assert!(
        dir.join("astronaut.png").is_file(),
        "{} has no photos: run scripts/fetch-photos.sh (scripts/install-test-deps.sh does)",
        dir.display()
    );
    dir
}

pub fn originals() -> Vec<(String, Vec<u8>)> {
    let dir = photos_dir();
    PHOTOS
        .iter()
        .map(|name| (name.to_string(), std::fs::read(dir.join(name)).unwrap()))
        .collect()
}

pub fn encode(image: &DynamicImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => image.to_rgb8().write_to(&mut Cursor::new(&mut out), format),
        _ => image.write_to(&mut Cursor::new(&mut out), format),
    }
    .unwrap();
    out
}

pub fn jpeg(image: &DynamicImage, quality: u8) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .encode_image(&image.to_rgb8())
        .unwrap();
    out
}

pub fn pad(image: &DynamicImage, share: f32, colour: [u8; 3]) -> DynamicImage {
    let rgb = image.to_rgb8();
    let (w, h) = rgb.dimensions();
    let (px, py) = (
        (w as f32 * share / 2.0) as u32,
        (h as f32 * share / 2.0) as u32,
    );
    let mut out = RgbImage::from_pixel(w + 2 * px, h + 2 * py, Rgb(colour));
    image::imageops::replace(&mut out, &rgb, i64::from(px), i64::from(py));
    out.into()
}

pub fn gamma(image: &DynamicImage, g: f32) -> DynamicImage {
    let mut rgb = image.to_rgb8();
    for p in rgb.pixels_mut() {
        for c in p.0.iter_mut() {
            *c = ((f32::from(*c) / 255.0).powf(g) * 255.0).round() as u8;
        }
    }
    rgb.into()
}

/// The search model, loaded; the test fails with the command that fetches it.
pub fn embedder() -> Embedder {
    let path = imago_search::default_model_path().expect("HOME is set");
    assert!(
        path.is_file(),
        "no search model at {}: run scripts/fetch-model.sh (scripts/install-test-deps.sh does)",
        path.display()
    );
    Embedder::load(&path).unwrap()
}
