//! Every format read, written as every target: the pixels come back within a tolerance,
//! transparency where the target holds it, animations where the target holds them.

mod common;

use common::*;
use image::{DynamicImage, ImageFormat, Rgba, RgbaImage};
use imago_media::codecs::{read, write, ReadOptions, Target, WriteOptions};
use imago_media::Limits;

/// The sources: the four-colour picture in every readable format.
fn sources() -> Vec<(&'static str, Vec<u8>)> {
    let stored = quadrants(64, 48);
    let img = DynamicImage::ImageRgb8(stored.clone());
    let mut out: Vec<(&str, Vec<u8>)> = [
        ("JPEG", ImageFormat::Jpeg),
        ("PNG", ImageFormat::Png),
        ("GIF", ImageFormat::Gif),
        ("WebP", ImageFormat::WebP),
        ("BMP", ImageFormat::Bmp),
        ("TIFF", ImageFormat::Tiff),
        ("ICO", ImageFormat::Ico),
    ]
    .into_iter()
    .map(|(name, f)| (name, encode(&img, f)))
    .collect();
    // An ICO holds PNGs that readers expect in RGBA: write it from RGBA.
    let rgba = DynamicImage::ImageRgba8(img.to_rgba8());
    out.iter_mut()
        .filter(|(n, _)| *n == "ICO")
        .for_each(|(_, b)| *b = encode(&rgba, ImageFormat::Ico));
    out.push(("HEIC", heif_fixture(&stored, false, 1, None)));
    out.push(("AVIF", heif_fixture(&stored, true, 1, None)));
    out
}

/// Mean absolute difference per channel, over the whole picture.
fn difference(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let sum: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    sum as f64 / a.as_raw().len() as f64
}

#[test]
fn every_read_format_converts_to_every_target_with_its_pixels() {
    let reference = quadrants(64, 48);
    let limits = Limits::default();
    for (name, bytes) in sources() {
        let picture = read(&bytes, &limits, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        for target in Target::ALL {
            for lossless in [false, true] {
                if lossless && target != Target::Webp {
                    continue;
                }
                let opts = WriteOptions {
                    lossless,
                    ..WriteOptions::default()
                };
                let what = format!(
                    "{name} -> {target:?}{}",
                    if lossless { " lossless" } else { "" }
                );
                let written =
                    write(&picture, target, &opts).unwrap_or_else(|e| panic!("{what}: {e}"));
                let back = read(&written.bytes, &limits, &ReadOptions::default())
                    .unwrap_or_else(|e| panic!("{what}: cannot read the result: {e}"));
                assert_eq!(back.format, target.format(), "{what}");
                let d = difference(&back.first().to_rgb8(), &reference);
                // Lossy codecs blur the quadrants' edges; GIF's 256 colours are exact here.
                assert!(d < 6.0, "{what}: mean difference {d:.2}");
            }
        }
    }
}

fn translucent() -> DynamicImage {
    DynamicImage::ImageRgba8(RgbaImage::from_fn(32, 32, |x, _| {
        if x < 16 {
            Rgba([200, 30, 30, 255])
        } else {
            Rgba([0, 0, 0, 0])
        }
    }))
}

#[test]
fn transparency_survives_where_the_target_has_it_and_is_flattened_in_jpeg() {
    let limits = Limits::default();
    let png = encode(&translucent(), ImageFormat::Png);
    let picture = read(&png, &limits, &ReadOptions::default()).unwrap();
    for target in [Target::Png, Target::Webp, Target::Avif, Target::Gif] {
        let written = write(&picture, target, &WriteOptions::default()).unwrap();
        let back = read(&written.bytes, &limits, &ReadOptions::default()).unwrap();
        let rgba = back.first().to_rgba8();
        assert!(
            rgba.get_pixel(24, 16).0[3] < 10,
            "{target:?}: {:?}",
            rgba.get_pixel(24, 16)
        );
        assert!(rgba.get_pixel(8, 16).0[3] > 245, "{target:?}");
    }
    let opts = WriteOptions {
        background: [0, 255, 0],
        ..WriteOptions::default()
    };
    let written = write(&picture, Target::Jpeg, &opts).unwrap();
    assert!(
        written.notes.iter().any(|n| n.contains("flattened")),
        "{:?}",
        written.notes
    );
    let back = read(&written.bytes, &limits, &ReadOptions::default())
        .unwrap()
        .first()
        .to_rgb8();
    assert!(
        near(*back.get_pixel(26, 16), image::Rgb([0, 255, 0])),
        "{:?}",
        back.get_pixel(26, 16)
    );
}

/// A three-frame GIF: red, green, blue, 100 ms each.
fn animation() -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut enc = image::codecs::gif::GifEncoder::new(&mut out);
        enc.set_repeat(image::codecs::gif::Repeat::Infinite)
            .unwrap();
        for c in [[255, 0, 0], [0, 255, 0], [0, 0, 255]] {
            let img = RgbaImage::from_pixel(16, 16, Rgba([c[0], c[1], c[2], 255]));
            let delay = image::Delay::from_numer_denom_ms(100, 1);
            enc.encode_frame(image::Frame::from_parts(img, 0, 0, delay))
                .unwrap();
        }
    }
    out
}

#[test]
fn animations_keep_their_frames_where_the_target_animates() {
    let limits = Limits::default();
    let all = ReadOptions {
        all_frames: true,
        ..ReadOptions::default()
    };
    let picture = read(&animation(), &limits, &all).unwrap();
    assert_eq!(picture.frames.len(), 3);
    assert_eq!(picture.frames[1].delay.as_millis(), 100);
    for target in [Target::Webp, Target::Gif] {
        let written = write(&picture, target, &WriteOptions::default()).unwrap();
        assert_eq!(written.frames, 3, "{target:?}");
        let back = read(&written.bytes, &limits, &all).unwrap();
        assert_eq!(back.frames.len(), 3, "{target:?}");
        let middle = back.frames[1].image.to_rgb8();
        assert!(
            near(*middle.get_pixel(8, 8), image::Rgb([0, 255, 0])),
            "{target:?}"
        );
        assert_eq!(back.frames[2].delay.as_millis(), 100, "{target:?}");
    }
    for target in [Target::Jpeg, Target::Png, Target::Avif] {
        let written = write(&picture, target, &WriteOptions::default()).unwrap();
        assert_eq!(written.frames, 1, "{target:?}");
        assert!(
            written
                .notes
                .iter()
                .any(|n| n.contains("first of 3 frames")),
            "{target:?}: {:?}",
            written.notes
        );
    }
}

#[test]
fn the_colour_profile_is_carried_or_converted() {
    let limits = Limits::default();
    let jpeg = std::fs::read(shared_images().join("formats/sample.jpg")).unwrap();
    let picture = read(&jpeg, &limits, &ReadOptions::default()).unwrap();
    let profile = picture.icc.clone().expect("the sample has a profile");
    for target in [Target::Jpeg, Target::Png, Target::Webp, Target::Avif] {
        let written = write(&picture, target, &WriteOptions::default()).unwrap();
        let back = read(&written.bytes, &limits, &ReadOptions::default()).unwrap();
        assert_eq!(
            back.icc.as_ref(),
            Some(&profile),
            "{target:?} carries the profile"
        );
        let srgb = WriteOptions {
            srgb: true,
            ..WriteOptions::default()
        };
        let written = write(&picture, target, &srgb).unwrap();
        let back = read(&written.bytes, &limits, &ReadOptions::default()).unwrap();
        assert_eq!(back.icc, None, "{target:?} --srgb writes none");
    }
    // GIF carries none: converted, and said.
    let written = write(&picture, Target::Gif, &WriteOptions::default()).unwrap();
    assert!(
        written
            .notes
            .iter()
            .any(|n| n.contains("converted to sRGB")),
        "{:?}",
        written.notes
    );
}
