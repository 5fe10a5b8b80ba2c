//! Colours: an embedded profile converted to sRGB (moxcms), transparency flattened.

use std::borrow::Cow;

use image::{DynamicImage, Rgb, RgbImage};
use moxcms::{ColorProfile, Layout, TransformOptions};

use crate::MediaError;

/// `image`'s pixels, described by the ICC profile `icc`, converted to sRGB. Gray and
/// CMYK profiles are not converted (an error says so: the caller keeps the pixels).
pub(crate) fn to_srgb(image: &DynamicImage, icc: &[u8]) -> Result<DynamicImage, MediaError> {
    let fail = |e: moxcms::CmsError| MediaError::Encode(format!("colour profile: {e}"));
    let source = ColorProfile::new_from_slice(icc).map_err(fail)?;
    let srgb = ColorProfile::new_srgb();
    let alpha = image.color().has_alpha();
    let (layout, pixels) = if alpha {
        (Layout::Rgba, image.to_rgba8().into_raw())
    } else {
        (Layout::Rgb, image.to_rgb8().into_raw())
    };
    let transform = source
        .create_transform_8bit(layout, &srgb, layout, TransformOptions::default())
        .map_err(fail)?;
    let mut out = vec![0u8; pixels.len()];
    transform.transform(&pixels, &mut out).map_err(fail)?;
    let (w, h) = (image.width(), image.height());
    let short = || MediaError::Encode("colour conversion changed the size".into());
    Ok(if alpha {
        DynamicImage::ImageRgba8(image::RgbaImage::from_raw(w, h, out).ok_or_else(short)?)
    } else {
        DynamicImage::ImageRgb8(RgbImage::from_raw(w, h, out).ok_or_else(short)?)
    })
}

/// An image without alpha: transparent pixels blended onto `background`, as a page
/// shows them on its colour.
pub(crate) fn flatten(image: &DynamicImage, background: [u8; 3]) -> Cow<'_, RgbImage> {
    match image {
        // 8-bit RGB is what the encoders take: no copy.
        DynamicImage::ImageRgb8(rgb) => return Cow::Borrowed(rgb),
        other if !other.color().has_alpha() => return Cow::Owned(other.to_rgb8()),
        _ => {}
    }
    let rgba = image.to_rgba8();
    Cow::Owned(RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let a = u16::from(a);
        let over =
            |c: u8, bg: u8| ((u16::from(c) * a + u16::from(bg) * (255 - a) + 127) / 255) as u8;
        Rgb([
            over(r, background[0]),
            over(g, background[1]),
            over(b, background[2]),
        ])
    }))
}

/// Whether some pixel is not fully opaque.
pub(crate) fn has_transparency(image: &DynamicImage) -> bool {
    match image {
        DynamicImage::ImageRgba8(p) => p.pixels().any(|p| p.0[3] != u8::MAX),
        DynamicImage::ImageLumaA8(p) => p.pixels().any(|p| p.0[1] != u8::MAX),
        other if other.color().has_alpha() => other.to_rgba8().pixels().any(|p| p.0[3] != u8::MAX),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transparent_pixels_take_the_background() {
        let mut rgba = image::RgbaImage::new(3, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([200, 10, 10, 255]));
        rgba.put_pixel(2, 0, image::Rgba([0, 0, 0, 128]));
        let image = DynamicImage::ImageRgba8(rgba);
        let flat = flatten(&image, [255, 255, 255]);
        assert_eq!(flat.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(flat.get_pixel(1, 0).0, [200, 10, 10]);
        // Half black over white: mid grey.
        assert_eq!(flat.get_pixel(2, 0).0, [127, 127, 127]);
    }

    #[test]
    fn an_srgb_profile_changes_nothing_much() {
        let srgb = ColorProfile::new_srgb().encode().unwrap();
        let img = DynamicImage::ImageRgb8(RgbImage::from_pixel(2, 2, Rgb([10, 128, 250])));
        let out = to_srgb(&img, &srgb).unwrap().to_rgb8();
        for (a, b) in out.get_pixel(0, 0).0.iter().zip([10u8, 128, 250]) {
            assert!(a.abs_diff(b) <= 1, "{:?}", out.get_pixel(0, 0));
        }
    }
}
