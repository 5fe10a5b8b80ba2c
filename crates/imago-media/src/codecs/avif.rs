//! AVIF writing by libheif with the AV1 encoder it was built with: aom (libaom, from
//! Debian), the encoder libvips and ImageMagick use. rav1e through `ravif` was tried
//! first and took twice aom's time for a larger file at the same quality setting (see
//! bench/results.md, 9a). The ICC profile goes in as a `colr` box.

use image::DynamicImage;
use libheif_rs::{
    color_profile_types, Channel, ColorProfileRaw, ColorSpace, CompressionFormat,
    EncoderParameterValue, EncoderQuality, HeifContext, Image, LibHeif, RgbChroma,
};

use crate::MediaError;

/// One picture as AVIF: 8-bit, 4:2:0 (aom's default in libheif), `speed` 0 (slowest,
/// smallest) to 9 (fastest), one encoder thread (the other workers have the other cores).
pub(crate) fn encode(
    image: &DynamicImage,
    quality: u8,
    speed: u8,
    icc: Option<&[u8]>,
) -> Result<Vec<u8>, MediaError> {
    let fail = |e: libheif_rs::HeifError| MediaError::Encode(format!("AVIF: {}", e.message));
    let (w, h) = (image.width(), image.height());
    let alpha = super::colour::has_transparency(image);
    let (chroma, channels, pixels) = if alpha {
        (RgbChroma::Rgba, 4, image.to_rgba8().into_raw())
    } else {
        (RgbChroma::Rgb, 3, image.to_rgb8().into_raw())
    };
    let mut picture = Image::new(w, h, ColorSpace::Rgb(chroma)).map_err(fail)?;
    picture
        .create_plane(Channel::Interleaved, w, h, 8)
        .map_err(fail)?;
    {
        let planes = picture.planes_mut();
        let plane = planes
            .interleaved
            .ok_or_else(|| MediaError::Encode("libheif gave no plane to fill".into()))?;
        let row = w as usize * channels;
        for (y, line) in pixels.chunks_exact(row).enumerate() {
            let start = y * plane.stride;
            plane.data[start..start + row].copy_from_slice(line);
        }
    }
    if let Some(icc) = icc {
        picture
            .set_color_profile_raw(&ColorProfileRaw::new(
                color_profile_types::PROF,
                icc.to_vec(),
            ))
            .map_err(fail)?;
    }
    let lib = LibHeif::new();
    let mut encoder = lib
        .encoder_for_format(CompressionFormat::Av1)
        .map_err(fail)?;
    encoder
        .set_quality(EncoderQuality::Lossy(quality.min(100)))
        .map_err(fail)?;
    encoder
        .set_parameter_value("speed", EncoderParameterValue::Int(i32::from(speed.min(9))))
        .map_err(fail)?;
    // Not every AV1 encoder libheif may be built with knows this one: best effort.
    let _ = encoder.set_parameter_value("threads", EncoderParameterValue::Int(1));
    let mut ctx = HeifContext::new().map_err(fail)?;
    ctx.encode_image(&picture, &mut encoder, None)
        .map_err(fail)?;
    ctx.write_to_bytes().map_err(fail)
}
