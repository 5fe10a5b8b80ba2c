//! AVIF writing by rav1e through `ravif`. It writes no ICC profile, so the caller
//! converts the pixels to sRGB first (and says so).

use image::DynamicImage;
use ravif::{Encoder, Img, RGB8, RGBA8};
use rgb::FromSlice;

use crate::MediaError;

/// One picture as AVIF: 8-bit, 4:4:4 YCbCr (ravif's choice), `speed` 1 (slowest, best)
/// to 10 (fastest).
pub(crate) fn encode(image: &DynamicImage, quality: u8, speed: u8) -> Result<Vec<u8>, MediaError> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let encoder = Encoder::new()
        .with_quality(f32::from(quality.clamp(1, 100)))
        .with_speed(speed.clamp(1, 10))
        // One thread per image: the other workers have the other cores.
        .with_num_threads(Some(1));
    let fail = |e: ravif::Error| MediaError::Encode(format!("rav1e: {e}"));
    let out = if super::colour::has_transparency(image) {
        let rgba = image.to_rgba8();
        let px: &[RGBA8] = rgba.as_raw().as_rgba();
        encoder.encode_rgba(Img::new(px, w, h)).map_err(fail)?
    } else {
        let rgb = image.to_rgb8();
        let px: &[RGB8] = rgb.as_raw().as_rgb();
        encoder.encode_rgb(Img::new(px, w, h)).map_err(fail)?
    };
    Ok(out.avif_file)
}
