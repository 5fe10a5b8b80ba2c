//! Conversion: an image file re-encoded as PNG, JPEG or WebP, for the `convert` of the
//! desktop helper's save message (`imago native-host`), before the file gets its name.
//! Headers are checked by [`crate::inspect`] before anything is decoded (a hostile
//! page's image is no more trusted here than in `imago serve`), the decode is bounded by
//! the same [`Limits`], the EXIF orientation is applied (the new file has no EXIF to
//! carry it), and an animation keeps its first frame.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageFormat};
use serde::Deserialize;

use crate::process::decode::{decode, image_format};
use crate::{Limits, MediaError, MediaKind};

/// Why a file was not converted. Every message says so first ("not converted: ...")
/// unless the file itself could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("cannot read the download: {0}")]
    Read(#[source] std::io::Error),
    /// Refused by the header checks (not an image, over the limits, damaged).
    #[error("not converted: {0}")]
    Refused(#[source] MediaError),
    #[error("not converted: a video is not an image")]
    Video,
    #[error("not converted: cannot decode it: {0}")]
    Decode(String),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("not converted: {0}")]
    Encode(#[source] image::ImageError),
}

/// The formats a selection can be converted to.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Convert {
    Png,
    Jpeg,
    /// Lossless WebP (the only WebP encoder of the `image` crate).
    Webp,
}

/// JPEG quality of a conversion: visually lossless for photos.
const JPEG_QUALITY: u8 = 90;

impl Convert {
    /// The file extension of the result.
    pub fn extension(self) -> &'static str {
        match self {
            Convert::Png => "png",
            Convert::Jpeg => "jpg",
            Convert::Webp => "webp",
        }
    }

    /// Whether a file with extension `ext` (as probed) is already in this format.
    pub fn is(self, ext: &str) -> bool {
        let ext = ext.to_ascii_lowercase();
        match self {
            Convert::Jpeg => ext == "jpg" || ext == "jpeg",
            other => ext == other.extension(),
        }
    }
}

/// Re-encodes the image in `from` as `to_format` into the new file `to`. On an error the
/// caller removes both files; the message says what was wrong with the image.
pub fn convert(from: &Path, to: &Path, to_format: Convert) -> Result<(), ConvertError> {
    let bytes = std::fs::read(from).map_err(ConvertError::Read)?;
    // The download was already held to the helper's own size limit.
    let limits = Limits {
        max_bytes: u64::MAX,
        ..Limits::default()
    };
    let inspected = crate::inspect(&bytes, &limits).map_err(ConvertError::Refused)?;
    let format = match inspected.kind {
        MediaKind::Video(_) => return Err(ConvertError::Video),
        MediaKind::Image(format) => format,
    };
    let Some(decoder) = image_format(format) else {
        return Err(ConvertError::Decode(format!(
            "no decoder for {format} here"
        )));
    };
    let decoded =
        decode(decoder, &bytes, &limits).map_err(|e| ConvertError::Decode(e.to_string()))?;
    let mut picture = decoded.image;
    picture.apply_orientation(decoded.orientation);
    let write_error = |source| ConvertError::Write {
        path: to.to_path_buf(),
        source,
    };
    let file = std::fs::File::create(to).map_err(write_error)?;
    let mut out = BufWriter::new(file);
    let encoded = match to_format {
        Convert::Jpeg => {
            // JPEG has no alpha: flatten onto white, as a browser shows it on a page.
            let rgb = flatten_on_white(&picture);
            JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&rgb)
        }
        Convert::Png => picture.write_to(&mut out, ImageFormat::Png),
        Convert::Webp => picture.write_to(&mut out, ImageFormat::WebP),
    };
    encoded.map_err(ConvertError::Encode)?;
    out.flush()
        .and_then(|()| out.get_ref().sync_all())
        .map_err(write_error)
}

fn flatten_on_white(picture: &DynamicImage) -> DynamicImage {
    if !picture.color().has_alpha() {
        return DynamicImage::ImageRgb8(picture.to_rgb8());
    }
    let rgba = picture.to_rgba8();
    let rgb = image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    });
    DynamicImage::ImageRgb8(rgb)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_know_their_extensions() {
        assert!(Convert::Jpeg.is("jpg") && Convert::Jpeg.is("JPEG"));
        assert!(Convert::Png.is("png") && !Convert::Png.is("jpg"));
        assert_eq!(Convert::Webp.extension(), "webp");
    }

    #[test]
    fn transparent_pixels_become_white_in_a_jpeg() {
        let mut rgba = image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([200, 10, 10, 255]));
        let flat = flatten_on_white(&DynamicImage::ImageRgba8(rgba)).to_rgb8();
        assert_eq!(flat.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(flat.get_pixel(1, 0).0, [200, 10, 10]);
    }

    /// A 64 x 32 JPEG, left half red, right half blue, with EXIF orientation 6 (shown
    /// turned clockwise: red on top).
    fn turned_jpeg() -> Vec<u8> {
        let img = image::RgbImage::from_fn(64, 32, |x, _| {
            if x < 32 {
                image::Rgb([220, 0, 0])
            } else {
                image::Rgb([0, 0, 220])
            }
        });
        let mut jpeg = Vec::new();
        JpegEncoder::new_with_quality(&mut jpeg, 95)
            .encode_image(&img)
            .unwrap();
        let mut app1 = b"Exif\0\0MM\0\x2a\0\0\0\x08\0\x01".to_vec();
        app1.extend_from_slice(&[0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0]);
        let mut out = jpeg[..2].to_vec();
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&u16::try_from(app1.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(&app1);
        out.extend_from_slice(&jpeg[2..]);
        out
    }

    #[test]
    fn a_turned_jpeg_becomes_a_png_as_it_is_shown() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("in.jpg");
        std::fs::write(&from, turned_jpeg()).unwrap();
        let to = dir.path().join("out.png");
        convert(&from, &to, Convert::Png).unwrap();
        let png = std::fs::read(&to).unwrap();
        assert_eq!(image::guess_format(&png).unwrap(), ImageFormat::Png);
        let shown = image::load_from_memory(&png).unwrap().to_rgb8();
        assert_eq!(
            shown.dimensions(),
            (32, 64),
            "the sides swap: it is shown turned"
        );
        let top = shown.get_pixel(16, 8).0;
        let bottom = shown.get_pixel(16, 56).0;
        assert!(top[0] > 180 && top[2] < 60, "red on top, got {top:?}");
        assert!(
            bottom[2] > 180 && bottom[0] < 60,
            "blue below, got {bottom:?}"
        );
    }

    #[test]
    fn what_is_no_image_is_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        let from = dir.path().join("page.html");
        std::fs::write(&from, b"<html>not an image</html>").unwrap();
        let err = convert(&from, &dir.path().join("out.png"), Convert::Png)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("not converted:"), "{err}");
    }
}
