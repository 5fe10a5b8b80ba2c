//! From file bytes to the grey picture the hashes read.
//!
//! 1. Decoded by `imago-media` within the host's [`Limits`], upright (EXIF orientation,
//!    `irot`/`imir`), the first frame of an animation; a JPEG is shrunk in its decoder
//!    (libjpeg-turbo's 1/2, 1/4, 1/8 IDCT scales) so its full-size pixels are never held.
//! 2. Luma with PDQ's weights (0.299, 0.587, 0.114), transparent pixels over white, as a
//!    page shows them.
//! 3. Shrunk to at most [`SIDE`] px a side (area-weighted), as PDQ's reference does. At
//!    256 or 384 px PDQ costs a quarter or half as much, but one edit of
//!    `tests/edits.rs` each ended 32 bits away (a quarter-size JPEG, a padded copy),
//!    where 512 px misses none.
//! 4. Uniform borders and letterbox bars trimmed ([`trim`]): a padded copy has the
//!    original's hashes only once its padding is gone. The picture as it was is kept
//!    beside the trimmed one: where a photo's own edge is flat (a clear sky, a studio
//!    wall), how much of it looks like border depends on the copy (a gamma change, JPEG
//!    noise), so both are hashed and either may match.

use fast_image_resize as fr;
use fr::images::Image;
use fr::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer};
use image::{DynamicImage, GrayImage, ImageBuffer, RgbImage};
use imago_core::Format;
use imago_media::codecs::{read_inspected, ReadOptions};
use imago_media::{inspect_readable, Limits};

use crate::embed::EMBED_SIDE;
use crate::SearchError;

/// The longer side hashes are computed at.
pub const SIDE: u32 = 512;

/// The smallest side PDQ hashes (its reference refuses less).
const MIN_SIDE: u32 = 5;

/// How far (in 8-bit luma) the outermost line's pixels may be from their mean for a side
/// to have a border at all: padding is flat even after JPEG, a photo's edge is not (a
/// looser test made a low-contrast photo lose 44 columns and its JPEG copy 7).
const FLAT: i16 = 4;

/// How far a line's pixels may then be from the border's colour and still be border:
/// JPEG's ringing next to a hard edge stays inside it.
const TOLERANCE: i16 = 8;

/// The share of a row or column that may break the tolerance and still count as border
/// (a watermark's corner, a speck of noise): one in fifty.
const OUTLIERS_PER: u32 = 50;

/// An image ready for hashing, with what was read on the way.
#[derive(Clone, Debug)]
pub struct Prepared {
    /// At most [`SIDE`] a side.
    pub luma: GrayImage,
    /// `luma` without its borders, when it has some.
    pub trimmed: Option<GrayImage>,
    /// When asked for: the picture in colour, without its borders, squeezed to
    /// [`EMBED_SIDE`]² for the embedding.
    pub rgb: Option<RgbImage>,
    pub format: Format,
    /// The picture's size as displayed, before any shrinking.
    pub width: u32,
    pub height: u32,
}

/// Decodes `bytes` and prepares them for hashing (the four steps of the module doc).
pub fn prepare(bytes: &[u8], limits: &Limits) -> Result<Prepared, SearchError> {
    prepare_for(bytes, limits, false)
}

/// [`prepare`], and with `rgb` the colour picture the embedding reads (trimmed by the
/// same rectangle as the grey one, scaled up to the decoded size).
pub fn prepare_for(bytes: &[u8], limits: &Limits, rgb: bool) -> Result<Prepared, SearchError> {
    let seen = inspect_readable(bytes, limits)?;
    let format = seen.image_format()?;
    let opts = ReadOptions {
        all_frames: false,
        shrink_to: Some(SIDE),
    };
    let picture = read_inspected(bytes, &seen, limits, &opts)?;
    let first = picture.first();
    let (width, height) = (first.width(), first.height());
    let luma = shrink(&luma_over_white(first), SIDE);
    if luma.width() < MIN_SIDE || luma.height() < MIN_SIDE {
        return Err(SearchError::TooSmall { width, height });
    }
    let rect = trim_rect(&luma);
    let trimmed = rect.map(|r| {
        image::imageops::crop_imm(&luma, r.left, r.top, r.right - r.left, r.bottom - r.top)
            .to_image()
    });
    let rgb = rgb.then(|| embed_input(first, rect, luma.dimensions()));
    // A PNG or WebP turned by its EXIF has the turned size only once decoded.
    let (width, height) = if seen.width.max(seen.height) >= width.max(height) {
        turned_like(seen.width, seen.height, width, height)
    } else {
        (width, height)
    };
    Ok(Prepared {
        luma,
        trimmed,
        rgb,
        format,
        width,
        height,
    })
}

/// The header's sides in the decoded picture's orientation.
fn turned_like(w: u32, h: u32, decoded_w: u32, decoded_h: u32) -> (u32, u32) {
    if (decoded_w >= decoded_h) == (w >= h) {
        (w, h)
    } else {
        (h, w)
    }
}

/// The embedding's input: `picture` over white, cut to `rect` (found at `seen` size, a
/// shrunk copy), squeezed to [`EMBED_SIDE`]².
fn embed_input(picture: &DynamicImage, rect: Option<Rect>, seen: (u32, u32)) -> RgbImage {
    let rgb = rgb_over_white(picture);
    let (w, h) = rgb.dimensions();
    let (x, y, cw, ch) = match rect {
        Some(r) => {
            let sx = |v: u32| (u64::from(v) * u64::from(w) / u64::from(seen.0.max(1))) as u32;
            let sy = |v: u32| (u64::from(v) * u64::from(h) / u64::from(seen.1.max(1))) as u32;
            let (l, t) = (sx(r.left), sy(r.top));
            let (rr, b) = (sx(r.right).min(w), sy(r.bottom).min(h));
            (
                l,
                t,
                rr.saturating_sub(l).max(1),
                b.saturating_sub(t).max(1),
            )
        }
        None => (0, 0, w, h),
    };
    let cut = if (cw, ch) == (w, h) {
        rgb
    } else {
        image::imageops::crop_imm(&rgb, x, y, cw, ch).to_image()
    };
    resize_rgb(&cut, EMBED_SIDE, EMBED_SIDE)
}

/// RGB with alpha composited over white, as a page shows it.
fn rgb_over_white(image: &DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.to_rgb8();
    }
    let rgba = image.to_rgba8();
    let pixels = rgba
        .as_raw()
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u32::from(p[3]);
            let over = move |c: u8| ((u32::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            [over(p[0]), over(p[1]), over(p[2])]
        })
        .collect();
    RgbImage::from_raw(rgba.width(), rgba.height(), pixels).unwrap_or_else(|| image.to_rgb8())
}

/// `rgb` resampled to `width` x `height` (area-weighted, SIMD).
fn resize_rgb(rgb: &RgbImage, width: u32, height: u32) -> RgbImage {
    resample(rgb, width, height, PixelType::U8x3)
}

/// Luma with PDQ's weights; alpha composited over white. Grey pictures are taken as
/// they are.
fn luma_over_white(image: &DynamicImage) -> GrayImage {
    // 0.299, 0.587, 0.114 in 16-bit fixed point, rounded: no float to round per pixel
    // (roundf was 7% of `imago index`).
    let weigh = |p: &[u8]| {
        (19595 * u32::from(p[0]) + 38470 * u32::from(p[1]) + 7471 * u32::from(p[2]) + 32768) >> 16
    };
    let (w, h) = (image.width(), image.height());
    let pixels: Vec<u8> = match image {
        DynamicImage::ImageLuma8(grey) => return grey.clone(),
        DynamicImage::ImageRgb8(rgb) => rgb
            .as_raw()
            .chunks_exact(3)
            .map(|p| weigh(p) as u8)
            .collect(),
        _ if image.color().has_alpha() => image
            .to_rgba8()
            .as_raw()
            .chunks_exact(4)
            .map(|p| {
                let a = u32::from(p[3]);
                ((weigh(p) * a + 255 * (255 - a) + 127) / 255) as u8
            })
            .collect(),
        _ => image
            .to_rgb8()
            .as_raw()
            .chunks_exact(3)
            .map(|p| weigh(p) as u8)
            .collect(),
    };
    GrayImage::from_raw(w, h, pixels).unwrap_or_else(|| image.to_luma8())
}

/// `luma` fitted inside a square of `side`, never enlarged.
pub(crate) fn shrink(luma: &GrayImage, side: u32) -> GrayImage {
    let (w, h) = luma.dimensions();
    if w.max(h) <= side {
        return luma.clone();
    }
    let scale = f64::from(side) / f64::from(w.max(h));
    let nw = ((f64::from(w) * scale).round() as u32).max(1);
    let nh = ((f64::from(h) * scale).round() as u32).max(1);
    resize_exact(luma, nw, nh)
}

/// `luma` resampled to `width` x `height` (an area-weighted filter, so a fine pattern is
/// averaged, not aliased; SIMD).
pub(crate) fn resize_exact(luma: &GrayImage, width: u32, height: u32) -> GrayImage {
    resample(luma, width, height, PixelType::U8)
}

/// `picture` (of `fast_image_resize`'s pixel type `kind`) resampled to `width` x
/// `height` with the area-weighted filter. The sizes are valid by construction; the image
/// crate's resizer is the fallback.
fn resample<P>(
    picture: &ImageBuffer<P, Vec<u8>>,
    width: u32,
    height: u32,
    kind: PixelType,
) -> ImageBuffer<P, Vec<u8>>
where
    P: image::Pixel<Subpixel = u8> + 'static,
{
    let (w, h) = picture.dimensions();
    let resized = (|| {
        let src = Image::from_vec_u8(w, h, picture.as_raw().clone(), kind).ok()?;
        let mut dst = Image::new(width, height, kind);
        let opts = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Bilinear));
        Resizer::new().resize(&src, &mut dst, &opts).ok()?;
        ImageBuffer::from_raw(width, height, dst.into_vec())
    })();
    resized.unwrap_or_else(|| {
        image::imageops::resize(
            picture,
            width,
            height,
            image::imageops::FilterType::Triangle,
        )
    })
}

/// `luma` without its uniform borders: from each side, rows (or columns) whose pixels,
/// but one in [`OUTLIERS_PER`], are within [`TOLERANCE`] of the side's outermost line's
/// mean are cut, side after side until none changes (a bar of another colour on one side
/// is cut first, then the frame it interrupted). A picture that is all border (a blank
/// image) is kept whole, as is one that would be left under 5% of a side.
pub fn trim(luma: &GrayImage) -> GrayImage {
    match trim_rect(luma) {
        Some(r) => {
            image::imageops::crop_imm(luma, r.left, r.top, r.right - r.left, r.bottom - r.top)
                .to_image()
        }
        None => luma.clone(),
    }
}

/// The part of `luma` [`trim`] keeps, when it is not the whole.
fn trim_rect(luma: &GrayImage) -> Option<Rect> {
    let (w, h) = luma.dimensions();
    if w < MIN_SIDE || h < MIN_SIDE {
        return None;
    }
    let mut rect = Rect {
        left: 0,
        top: 0,
        right: w,
        bottom: h,
    };
    for _ in 0..4 {
        let next = trim_once(luma, rect)?;
        if next == rect {
            break;
        }
        rect = next;
    }
    let (tw, th) = (rect.right - rect.left, rect.bottom - rect.top);
    if tw * 20 < w || th * 20 < h || tw < MIN_SIDE || th < MIN_SIDE || (tw, th) == (w, h) {
        return None;
    }
    Some(rect)
}

/// A part of the picture: columns `left..right`, rows `top..bottom`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Rect {
    left: u32,
    top: u32,
    right: u32,
    bottom: u32,
}

/// One pass over the four sides of `rect`; `None` when nothing is left (all border).
fn trim_once(luma: &GrayImage, rect: Rect) -> Option<Rect> {
    let px = |x: u32, y: u32| i16::from(luma.get_pixel(x, y).0[0]);
    let Rect {
        mut left,
        mut top,
        mut right,
        mut bottom,
    } = rect;
    top += border_lines(bottom - top, |i| {
        (left..right).map(|x| px(x, top + i)).collect()
    });
    if top == bottom {
        return None;
    }
    bottom -= border_lines(bottom - top, |i| {
        (left..right).map(|x| px(x, bottom - 1 - i)).collect()
    });
    left += border_lines(right - left, |i| {
        (top..bottom).map(|y| px(left + i, y)).collect()
    });
    if left == right {
        return None;
    }
    right -= border_lines(right - left, |i| {
        (top..bottom).map(|y| px(right - 1 - i, y)).collect()
    });
    Some(Rect {
        left,
        top,
        right,
        bottom,
    })
}

/// How many of `count` lines from one side (`line(0)` the outermost) are border: none
/// unless the outermost is flat ([`FLAT`]), then those near its colour ([`TOLERANCE`]),
/// each with at most one pixel in [`OUTLIERS_PER`] off.
fn border_lines(count: u32, line: impl Fn(u32) -> Vec<i16>) -> u32 {
    let near = |pixels: &[i16], colour: i16, tolerance: i16| {
        let off = pixels
            .iter()
            .filter(|v| (*v - colour).abs() > tolerance)
            .count();
        off <= pixels.len() / OUTLIERS_PER as usize
    };
    let outer = line(0);
    let sum: i64 = outer.iter().map(|v| i64::from(*v)).sum();
    let colour = (sum / (outer.len().max(1) as i64)) as i16;
    if !near(&outer, colour, FLAT) {
        return 0;
    }
    let mut n = 0;
    while n < count && near(&line(n), colour, TOLERANCE) {
        n += 1;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noise(w: u32, h: u32) -> GrayImage {
        let mut seed = 7u32;
        GrayImage::from_fn(w, h, |_, _| {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12345);
            image::Luma([(seed >> 16) as u8 / 2 + 64])
        })
    }

    fn framed(inner: &GrayImage, pad: (u32, u32, u32, u32), colour: u8) -> GrayImage {
        let (t, r, b, l) = pad;
        let mut out = GrayImage::from_pixel(
            inner.width() + l + r,
            inner.height() + t + b,
            image::Luma([colour]),
        );
        image::imageops::replace(&mut out, inner, i64::from(l), i64::from(t));
        out
    }

    #[test]
    fn bars_and_frames_are_cut_back_to_the_picture() {
        let inner = noise(120, 80);
        // Letterbox: black bars above and below only.
        assert_eq!(trim(&framed(&inner, (30, 0, 30, 0), 0)), inner);
        // A white frame of unequal sides.
        assert_eq!(trim(&framed(&inner, (5, 17, 9, 40), 255)), inner);
        // Two colours: black on the left, white elsewhere.
        let mut two = framed(&inner, (10, 10, 10, 0), 255);
        two = framed(&two, (0, 0, 0, 12), 0);
        assert_eq!(trim(&two), inner);
    }

    #[test]
    fn a_picture_without_borders_and_a_blank_one_are_kept() {
        let inner = noise(64, 48);
        assert_eq!(trim(&inner), inner);
        let blank = GrayImage::from_pixel(50, 40, image::Luma([255]));
        assert_eq!(trim(&blank), blank);
        // A thin line left in the middle of a white page: not a picture worth trimming to.
        let line = framed(&noise(100, 2), (49, 0, 49, 0), 255);
        assert_eq!(trim(&line), line);
    }

    #[test]
    fn jpeg_noise_in_the_border_stays_border() {
        let inner = noise(90, 90);
        let mut padded = framed(&inner, (20, 20, 20, 20), 250);
        // Ringing and a speck: within the tolerance, and one pixel in fifty off it.
        for x in 0..padded.width() {
            padded.put_pixel(x, 3, image::Luma([if x % 2 == 0 { 243 } else { 255 }]));
        }
        padded.put_pixel(7, 5, image::Luma([0]));
        assert_eq!(trim(&padded), inner);
    }

    #[test]
    fn shrink_fits_the_longer_side() {
        let g = shrink(&noise(1200, 300), 512);
        assert_eq!(g.dimensions(), (512, 128));
        let small = noise(100, 50);
        assert_eq!(shrink(&small, 512), small);
    }
}
