//! Resizing: sizes from the request, Lanczos3 by `fast_image_resize` (SIMD) in linear
//! light (sRGB values mapped to 16-bit linear ones first and back after, so a fine
//! pattern of light and dark does not come out darker than it was).

use fast_image_resize as fr;
use fast_image_resize::images::Image;
use fr::{create_srgb_mapper, FilterType, PixelType, ResizeAlg, Resizer};
use image::DynamicImage;

use crate::MediaError;

/// The size asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Size {
    /// Inside a square of this side.
    Max(u32),
    /// This width, the height in proportion.
    Width(u32),
    /// This height, the width in proportion.
    Height(u32),
    /// Inside (contain) or over (cover, the overflow cut off around the centre) a box.
    Box(u32, u32),
}

/// How a picture meets a box.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Fit {
    /// All of it inside the box, aspect kept.
    #[default]
    Contain,
    /// The box filled, aspect kept, what overflows cut off around the centre.
    Cover,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ResizeOptions {
    pub size: Size,
    pub fit: Fit,
    /// Make pictures smaller than the size larger (they are left as they are otherwise).
    pub upscale: bool,
}

/// The output size of a `width` x `height` picture, and whether it is cut (cover).
pub fn target_size(width: u32, height: u32, opts: &ResizeOptions) -> (u32, u32) {
    let (w, h) = (f64::from(width.max(1)), f64::from(height.max(1)));
    let (bw, bh) = match opts.size {
        Size::Max(n) => (f64::from(n), f64::from(n)),
        Size::Width(n) => (f64::from(n), f64::INFINITY),
        Size::Height(n) => (f64::INFINITY, f64::from(n)),
        Size::Box(bw, bh) => (f64::from(bw), f64::from(bh)),
    };
    let cover = opts.fit == Fit::Cover && matches!(opts.size, Size::Box(..) | Size::Max(_));
    let mut scale = if cover {
        (bw / w).max(bh / h)
    } else {
        (bw / w).min(bh / h)
    };
    if !opts.upscale {
        scale = scale.min(1.0);
    }
    let round = |v: f64| (v.round() as u32).max(1);
    if cover {
        // Filled and cut to the box (or to what of it the picture covers, unenlarged).
        return (round(bw.min(w * scale)), round(bh.min(h * scale)));
    }
    (round(w * scale), round(h * scale))
}

/// `image` resampled to exactly `(width, height)`; when the aspect differs, the source is
/// cut around its centre to the new aspect first (cover). 8-bit RGB or RGBA out.
pub fn resample(
    image: &DynamicImage,
    (width, height): (u32, u32),
) -> Result<DynamicImage, MediaError> {
    if (image.width(), image.height()) == (width, height) {
        return Ok(image.clone());
    }
    let fail = |e: &dyn std::fmt::Display| MediaError::Encode(format!("resize: {e}"));
    let alpha = image.color().has_alpha();
    let (u8_type, u16_type, pixels) = if alpha {
        (
            PixelType::U8x4,
            PixelType::U16x4,
            image.to_rgba8().into_raw(),
        )
    } else {
        (
            PixelType::U8x3,
            PixelType::U16x3,
            image.to_rgb8().into_raw(),
        )
    };
    let src =
        Image::from_vec_u8(image.width(), image.height(), pixels, u8_type).map_err(|e| fail(&e))?;
    let mapper = create_srgb_mapper();
    let mut linear = Image::new(image.width(), image.height(), u16_type);
    mapper
        .forward_map(&src, &mut linear)
        .map_err(|e| fail(&e))?;
    drop(src);
    let mut resized = Image::new(width, height, u16_type);
    let options = fr::ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3))
        .fit_into_destination(Some((0.5, 0.5)));
    Resizer::new()
        .resize(&linear, &mut resized, &options)
        .map_err(|e| fail(&e))?;
    drop(linear);
    let mut out = Image::new(width, height, u8_type);
    mapper
        .backward_map(&resized, &mut out)
        .map_err(|e| fail(&e))?;
    let raw = out.into_vec();
    let short = || MediaError::Encode("resize gave the wrong size".into());
    Ok(if alpha {
        DynamicImage::ImageRgba8(image::RgbaImage::from_raw(width, height, raw).ok_or_else(short)?)
    } else {
        DynamicImage::ImageRgb8(image::RgbImage::from_raw(width, height, raw).ok_or_else(short)?)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn size(w: u32, h: u32, size: Size, fit: Fit, upscale: bool) -> (u32, u32) {
        target_size(w, h, &ResizeOptions { size, fit, upscale })
    }

    #[test]
    fn sizes_follow_the_request() {
        assert_eq!(
            size(4000, 3000, Size::Max(1000), Fit::Contain, false),
            (1000, 750)
        );
        assert_eq!(
            size(3000, 4000, Size::Max(1000), Fit::Contain, false),
            (750, 1000)
        );
        assert_eq!(
            size(4000, 3000, Size::Width(800), Fit::Contain, false),
            (800, 600)
        );
        assert_eq!(
            size(4000, 3000, Size::Height(300), Fit::Contain, false),
            (400, 300)
        );
        assert_eq!(
            size(4000, 3000, Size::Box(500, 500), Fit::Cover, false),
            (500, 500)
        );
        assert_eq!(
            size(4000, 3000, Size::Box(500, 200), Fit::Contain, false),
            (267, 200)
        );
        // Smaller than asked: kept, unless upscaling.
        assert_eq!(
            size(400, 300, Size::Max(1000), Fit::Contain, false),
            (400, 300)
        );
        assert_eq!(
            size(400, 300, Size::Max(1000), Fit::Contain, true),
            (1000, 750)
        );
        // Cover without upscaling: what fits of the box.
        assert_eq!(
            size(400, 300, Size::Box(500, 200), Fit::Cover, false),
            (400, 200)
        );
    }

    #[test]
    fn linear_light_keeps_a_fine_pattern_as_bright_as_it_was() {
        // One-pixel black and white stripes: the eye sees (and a linear-light average
        // gives) about sRGB 188, not the 128 of averaging the sRGB numbers.
        let img = image::RgbImage::from_fn(64, 64, |x, _| {
            if x % 2 == 0 {
                image::Rgb([0, 0, 0])
            } else {
                image::Rgb([255, 255, 255])
            }
        });
        let small = resample(&DynamicImage::ImageRgb8(img), (8, 8))
            .unwrap()
            .to_rgb8();
        let v = small.get_pixel(4, 4).0[0];
        assert!((180..=195).contains(&v), "{v}");
    }

    #[test]
    fn cover_cuts_around_the_centre() {
        // Left third red, middle green, right third blue: a square cut keeps the green.
        let img = image::RgbImage::from_fn(300, 100, |x, _| match x / 100 {
            0 => image::Rgb([255, 0, 0]),
            1 => image::Rgb([0, 255, 0]),
            _ => image::Rgb([0, 0, 255]),
        });
        let out = resample(&DynamicImage::ImageRgb8(img), (50, 50))
            .unwrap()
            .to_rgb8();
        assert_eq!(out.get_pixel(25, 25).0, [0, 255, 0]);
        assert!(out.get_pixel(2, 25).0[0] < 30, "{:?}", out.get_pixel(2, 25));
    }
}
