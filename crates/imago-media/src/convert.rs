//! Conversion for the `convert` of the desktop helper's save message (`imago
//! native-host`), before the file gets its name: the image tools' own pipeline
//! ([`crate::tools::convert_image`]: headers checked before any decode, the decode
//! bounded by the same [`Limits`], the EXIF orientation applied, an animation's first
//! frame for PNG and JPEG, all of it for WebP), with the helper's file in and out.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::codecs::{Target, WriteOptions};
use crate::tools::{convert_image, ConvertOptions};
use crate::{Limits, MediaError};

/// Why a file was not converted. Every message says so first ("not converted: ...")
/// unless the file itself could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum ConvertError {
    #[error("cannot read the download: {0}")]
    Read(#[source] std::io::Error),
    /// Refused (not an image, over the limits, damaged) or not encodable.
    #[error("not converted: {0}")]
    Refused(#[source] MediaError),
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The formats a selection can be converted to.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Convert {
    Png,
    Jpeg,
    /// Lossy WebP at quality 80 (libwebp).
    Webp,
}

impl Convert {
    /// The file extension of the result.
    pub fn extension(self) -> &'static str {
        self.target().extension()
    }

    /// Whether a file with extension `ext` (as probed) is already in this format.
    pub fn is(self, ext: &str) -> bool {
        Target::parse(ext) == Some(self.target())
    }

    fn target(self) -> Target {
        match self {
            Convert::Png => Target::Png,
            Convert::Jpeg => Target::Jpeg,
            Convert::Webp => Target::Webp,
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
    let opts = ConvertOptions {
        to: Some(to_format.target()),
        resize: None,
        // JPEG at 90 (visually lossless for photos), WebP at its default 80.
        write: WriteOptions {
            quality: (to_format == Convert::Jpeg).then_some(90),
            ..WriteOptions::default()
        },
    };
    let done = convert_image(&bytes, &limits, &opts).map_err(ConvertError::Refused)?;
    let write_error = |source| ConvertError::Write {
        path: to.to_path_buf(),
        source,
    };
    let mut file = std::fs::File::create(to).map_err(write_error)?;
    file.write_all(&done.bytes)
        .and_then(|()| file.sync_all())
        .map_err(write_error)
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
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95)
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
        assert_eq!(image::guess_format(&png).unwrap(), image::ImageFormat::Png);
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
