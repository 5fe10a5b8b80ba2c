//! Writing a [`Picture`] as one of the five targets, saying what could not be kept.

use image::codecs::png::PngEncoder;
use image::DynamicImage;
use imago_core::Format;

use super::{avif, colour, gif, jpeg, webp, Frame, Picture};
use crate::MediaError;

/// A format imago writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Target {
    Jpeg,
    Png,
    Webp,
    Avif,
    Gif,
}

impl Target {
    pub const ALL: [Target; 5] = [
        Target::Jpeg,
        Target::Png,
        Target::Webp,
        Target::Avif,
        Target::Gif,
    ];

    /// `jpg`/`jpeg`, `png`, `webp`, `avif`, `gif` (any case).
    pub fn parse(s: &str) -> Option<Target> {
        Some(match s.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" => Target::Jpeg,
            "png" => Target::Png,
            "webp" => Target::Webp,
            "avif" => Target::Avif,
            "gif" => Target::Gif,
            _ => return None,
        })
    }

    pub fn format(self) -> Format {
        match self {
            Target::Jpeg => Format::Jpeg,
            Target::Png => Format::Png,
            Target::Webp => Format::Webp,
            Target::Avif => Format::Avif,
            Target::Gif => Format::Gif,
        }
    }

    pub fn extension(self) -> &'static str {
        self.format().extension()
    }

    /// Whether the format holds an animation (as written here).
    pub fn animates(self) -> bool {
        matches!(self, Target::Webp | Target::Gif)
    }

    /// The quality used when none is asked: JPEG 85, WebP 80, AVIF 60 (each about as
    /// good to the eye as the others), PNG and GIF have none.
    pub fn default_quality(self) -> u8 {
        match self {
            Target::Jpeg => 85,
            Target::Webp => 80,
            Target::Avif => 60,
            Target::Png | Target::Gif => 100,
        }
    }
}

/// How to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WriteOptions {
    /// 1-100; `None` for the target's default.
    pub quality: Option<u8>,
    /// Lossless WebP (PNG and GIF are lossless anyway; JPEG and AVIF are refused with it
    /// by the command line).
    pub lossless: bool,
    /// What transparent pixels become in a JPEG.
    pub background: [u8; 3],
    /// Convert the pixels to sRGB by their ICC profile and write none.
    pub srgb: bool,
    /// AVIF encoder speed (aom's), 0 (slow, small) to 9 (fast).
    pub avif_speed: u8,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            quality: None,
            lossless: false,
            background: [255, 255, 255],
            srgb: false,
            avif_speed: 6,
        }
    }
}

/// What [`write`] made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
    /// Frames written (1 for a still image, or when the target holds no animation).
    pub frames: usize,
    /// What the user should know about this file: frames dropped, a profile converted.
    pub notes: Vec<String>,
}

/// `picture` as `target`.
///
/// - Animation: kept where the target holds one (WebP, GIF), else the first frame (a
///   note says so). AVIF sequences are not written (libheif's sequence API is left
///   for later).
/// - Transparency: flattened onto `background` for JPEG (a note says so when some pixel
///   was not opaque).
/// - Colour: the ICC profile is carried (JPEG, PNG, WebP, AVIF) unless `srgb`; where the
///   target cannot carry it (GIF) the pixels are converted to sRGB (said).
pub fn write(
    picture: &Picture,
    target: Target,
    opts: &WriteOptions,
) -> Result<Written, MediaError> {
    let mut notes = Vec::new();
    let carries_icc = matches!(
        target,
        Target::Jpeg | Target::Png | Target::Webp | Target::Avif
    );
    let count = if target.animates() {
        picture.frames.len()
    } else {
        1
    };
    if picture.frames_in_file > 1 && count == 1 {
        notes.push(format!(
            "{} holds no animation here: the first of {} frames was written",
            target.extension().to_uppercase(),
            picture.frames_in_file
        ));
    }
    let mut icc = picture.icc.as_deref();
    // The frames are copied only when their colours change.
    let mut converted: Option<Vec<Frame>> = None;
    if let Some(profile) = icc.filter(|_| opts.srgb || !carries_icc) {
        match picture.frames[..count]
            .iter()
            .map(|f| {
                colour::to_srgb(&f.image, profile).map(|image| Frame {
                    image,
                    delay: f.delay,
                })
            })
            .collect::<Result<Vec<_>, _>>()
        {
            Ok(frames) => {
                converted = Some(frames);
                if !opts.srgb {
                    notes.push(format!(
                        "converted to sRGB: {} here carries no colour profile",
                        target.extension().to_uppercase()
                    ));
                }
            }
            Err(e) => notes.push(format!("colours left as they were ({e})")),
        }
        icc = None;
    }
    let frames: &[Frame] = converted.as_deref().unwrap_or(&picture.frames[..count]);
    let quality = opts.quality.unwrap_or(target.default_quality());
    let first = &frames[0].image;
    let (width, height) = (first.width(), first.height());
    let bytes = match target {
        Target::Jpeg => {
            if colour::has_transparency(first) {
                notes.push("transparent pixels flattened onto the background".into());
            }
            let rgb = colour::flatten(first, opts.background);
            jpeg::encode(rgb.as_raw(), (width, height), quality, icc)?
        }
        Target::Png => png(first, icc)?,
        Target::Webp if frames.len() > 1 => {
            webp::encode_animation(frames, quality, opts.lossless, icc)?
        }
        Target::Webp => webp::encode(first, quality, opts.lossless, icc)?,
        Target::Avif => avif::encode(first, quality, opts.avif_speed, icc)?,
        Target::Gif => gif::encode(frames)?,
    };
    Ok(Written {
        bytes,
        width,
        height,
        frames: frames.len(),
        notes,
    })
}

fn png(image: &DynamicImage, icc: Option<&[u8]>) -> Result<Vec<u8>, MediaError> {
    let mut out = Vec::new();
    let mut enc = PngEncoder::new(&mut out);
    if let Some(icc) = icc {
        // A profile the encoder refuses only costs colour accuracy.
        let _ = image::ImageEncoder::set_icc_profile(&mut enc, icc.to_vec());
    }
    // 16-bit and gray pictures are written as they are; the rest as 8-bit RGB(A).
    image
        .write_with_encoder(enc)
        .map_err(|e| MediaError::Encode(format!("PNG: {e}")))?;
    Ok(out)
}
