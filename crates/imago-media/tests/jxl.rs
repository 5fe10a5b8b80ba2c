//! JPEG XL: the header walk (imago-core's) and jxl-oxide agree on the size, the pixels
//! come back exactly from a lossless file, and the tools take it like any other format.

mod common;

use common::*;
use imago_core::Format;
use imago_media::codecs::{read, ReadOptions, Target};
use imago_media::info::info;
use imago_media::tools::{convert_image, ConvertOptions};
use imago_media::{inspect_readable, Limits, MediaKind};
use zune_core::bit_depth::BitDepth;
use zune_core::colorspace::ColorSpace;
use zune_core::options::EncoderOptions;
use zune_jpegxl::JxlSimpleEncoder;

/// `img` as a lossless JPEG XL codestream, by zune-jpegxl.
fn jxl(img: &image::RgbImage) -> Vec<u8> {
    let (w, h) = img.dimensions();
    let opts = EncoderOptions::new(w as usize, h as usize, ColorSpace::RGB, BitDepth::Eight);
    let mut out = Vec::new();
    JxlSimpleEncoder::new(img.as_raw(), opts)
        .encode(&mut out)
        .unwrap();
    out
}

#[test]
fn sizes_from_the_header_match_the_decoder_and_pixels_are_exact() {
    let limits = Limits::default();
    // Small sides (multiples of 8), a 4:3 pair, and sides needing 13 and 18 bits.
    for (w, h) in [(64, 48), (40, 8), (2000, 1500), (2, 9000), (9001, 3)] {
        let img = quadrants(w, h);
        let bytes = jxl(&img);
        let seen = inspect_readable(&bytes, &limits).unwrap_or_else(|e| panic!("{w}x{h}: {e}"));
        assert_eq!(seen.kind, MediaKind::Image(Format::Jxl));
        assert_eq!((seen.width, seen.height), (w, h), "header walk");
        let picture = read(&bytes, &limits, &ReadOptions::default()).unwrap();
        assert_eq!(picture.format, Format::Jxl);
        assert_eq!(picture.first().to_rgb8(), img, "{w}x{h}: lossless");
    }
}

#[test]
fn info_and_convert_take_jpeg_xl() {
    let img = quadrants(64, 48);
    let bytes = jxl(&img);
    let found = info(&bytes, &Limits::default()).unwrap();
    assert_eq!(
        (found.format, found.width, found.height, found.bit_depth),
        (Format::Jxl, 64, 48, 8)
    );
    let opts = ConvertOptions {
        to: Some(Target::Png),
        ..ConvertOptions::default()
    };
    let png = convert_image(&bytes, &Limits::default(), &opts).unwrap();
    assert_eq!(image::load_from_memory(&png.bytes).unwrap().to_rgb8(), img);
    // A JPEG XL over the pixel limit is refused from its header.
    let tight = Limits {
        max_pixels: 1000,
        ..Limits::default()
    };
    assert_eq!(info(&bytes, &tight).unwrap_err().code(), "too_many_pixels");
}
