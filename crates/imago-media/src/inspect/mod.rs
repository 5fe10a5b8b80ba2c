//! Step one of the ingest pipeline: what the bytes are and how big they claim to be, from
//! headers only, before any decode.

mod frames;
mod video;

/// The video container `bytes` start with (their first 64 bytes are enough).
pub(crate) fn sniff_video(bytes: &[u8]) -> Option<VideoFormat> {
    video::sniff(bytes)
}

use crate::{Limits, MediaError};
use imago_core::probe::{probe, sniff, Probe};
use imago_core::Format;

/// A video container the host accepts, recognised by its magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VideoFormat {
    /// ISO base media (`ftyp` with an MP4 brand).
    Mp4,
    /// QuickTime (`ftyp qt  `, or an old file starting with a `moov`/`wide` atom).
    Mov,
    /// Matroska with DocType `webm`.
    Webm,
}

impl VideoFormat {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            VideoFormat::Mp4 => "mp4",
            VideoFormat::Mov => "mov",
            VideoFormat::Webm => "webm",
        }
    }

    /// The `Content-Type` to serve it with.
    pub fn mime(self) -> &'static str {
        match self {
            VideoFormat::Mp4 => "video/mp4",
            VideoFormat::Mov => "video/quicktime",
            VideoFormat::Webm => "video/webm",
        }
    }
}

/// What an upload is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaKind {
    /// One of [`ACCEPTED_IMAGES`].
    Image(Format),
    Video(VideoFormat),
}

impl MediaKind {
    /// The usual file extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            MediaKind::Image(f) => f.extension(),
            MediaKind::Video(v) => v.extension(),
        }
    }

    /// The `Content-Type` to serve it with.
    pub fn mime(self) -> &'static str {
        match self {
            MediaKind::Image(f) => f.mime(),
            MediaKind::Video(v) => v.mime(),
        }
    }
}

/// The image formats the host accepts. SVG is refused (scripts); TIFF and ICO are read by
/// the tools but not hosted (browsers show no TIFF, and an icon is no upload).
pub const ACCEPTED_IMAGES: [Format; 7] = [
    Format::Avif,
    Format::Heif,
    Format::Jpeg,
    Format::Png,
    Format::Bmp,
    Format::Gif,
    Format::Webp,
];

/// The image formats [`crate::codecs::read`] decodes: the host's and TIFF, ICO and JPEG XL.
pub const READABLE: [Format; 10] = [
    Format::Avif,
    Format::Jpeg,
    Format::Png,
    Format::Bmp,
    Format::Gif,
    Format::Webp,
    Format::Heif,
    Format::Tiff,
    Format::Ico,
    Format::Jxl,
];

/// What the headers say about an upload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Inspected {
    pub kind: MediaKind,
    /// As displayed (JPEG EXIF orientations 5-8 and AVIF `irot` swap the stored sides);
    /// 0 for videos, whose size is not read here. The EXIF of a PNG or WebP is not read
    /// from headers: when it turns the picture, [`crate::Processed::original`] has the
    /// turned size.
    pub width: u32,
    pub height: u32,
    /// 1 for a still image, the frame count of an animation (GIF, animated WebP, APNG),
    /// 0 for a video.
    pub frames: u32,
    /// The EXIF orientation (1-8) of a JPEG, when it has one. AVIF files are oriented by
    /// `irot`/`imir` (already in `width`/`height`), not by their EXIF item.
    pub orientation: Option<u8>,
}

impl Inspected {
    /// The image format, or [`MediaError::NotAnImage`] for a video (which the pixel
    /// functions refuse: the server hands videos to ffmpeg).
    pub fn image_format(&self) -> Result<Format, MediaError> {
        match self.kind {
            MediaKind::Image(format) => Ok(format),
            MediaKind::Video(_) => Err(MediaError::NotAnImage),
        }
    }
}

/// Reads format, size and frame count from the headers of `bytes` and refuses what is
/// over `limits`, before any pixel is decoded.
///
/// The format comes from magic bytes only (never a file name or a client's type). The
/// work is a walk over the file's block structure with no allocation in proportion to
/// it, so a pixel flood or a decompression bomb is refused in milliseconds.
///
/// ```
/// use imago_media::{inspect, Limits, MediaKind};
/// use imago_core::Format;
///
/// // A GIF's header says 85 x 77 with one frame.
/// let gif = b"GIF89a\x55\x00\x4d\x00\x00\x00\x00\x2c\x00\x00\x00\x00\x55\x00\x4d\x00\x00\x02\x00\x3b";
/// let seen = inspect(gif, &Limits::default()).unwrap();
/// assert_eq!((seen.kind, seen.width, seen.height, seen.frames), (MediaKind::Image(Format::Gif), 85, 77, 1));
///
/// let svg = b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>";
/// assert_eq!(inspect(svg, &Limits::default()).unwrap_err().code(), "svg_refused");
/// ```
pub fn inspect(bytes: &[u8], limits: &Limits) -> Result<Inspected, MediaError> {
    inspect_among(bytes, limits, &ACCEPTED_IMAGES)
}

/// [`inspect`] for the image tools: the same checks, taking every format
/// [`crate::codecs`] reads ([`READABLE`]) rather than the host's accepted list.
pub fn inspect_readable(bytes: &[u8], limits: &Limits) -> Result<Inspected, MediaError> {
    inspect_among(bytes, limits, &READABLE)
}

fn inspect_among(
    bytes: &[u8],
    limits: &Limits,
    formats: &[Format],
) -> Result<Inspected, MediaError> {
    if bytes.is_empty() {
        return Err(MediaError::Empty);
    }
    let len = bytes.len() as u64;
    let sniffed = sniff(bytes);
    if sniffed.is_none() {
        if let Some(video) = video::sniff(bytes) {
            check_bytes(len, limits.max_video_bytes)?;
            return Ok(Inspected {
                kind: MediaKind::Video(video),
                width: 0,
                height: 0,
                frames: 0,
                orientation: None,
            });
        }
    }
    check_bytes(len, limits.max_bytes)?;
    if let Some(format) = sniffed {
        accepted(format, formats)?;
    }
    let info = match probe(bytes, true) {
        Probe::Known(info) => info,
        Probe::NotImage(reason) if sniffed.is_some() => return Err(MediaError::Corrupt(reason)),
        Probe::NotImage(reason) => return Err(MediaError::Unsupported(reason)),
        // A complete file is never asked to grow; say so rather than trust that.
        Probe::NeedMore(_) => return Err(MediaError::Corrupt("header cut short".into())),
    };
    // An SVG with a long comment first is only found by the probe.
    accepted(info.format, formats)?;
    check_area(info.width, info.height, limits)?;
    let frames = frames::count(info.format, bytes, limits)?;
    if frames > u64::from(limits.max_frames) {
        return Err(MediaError::TooManyFrames {
            frames,
            max: limits.max_frames,
        });
    }
    Ok(Inspected {
        kind: MediaKind::Image(info.format),
        width: info.width,
        height: info.height,
        // At most `max_frames` here.
        frames: u32::try_from(frames).unwrap_or(u32::MAX),
        orientation: info.orientation,
    })
}

fn check_bytes(len: u64, max: u64) -> Result<(), MediaError> {
    if len > max {
        return Err(MediaError::TooLarge { bytes: len, max });
    }
    Ok(())
}

fn accepted(format: Format, formats: &[Format]) -> Result<(), MediaError> {
    if format == Format::Svg {
        return Err(MediaError::SvgRefused);
    }
    if !formats.contains(&format) {
        return Err(MediaError::Unsupported(format!(
            "{} images are not accepted",
            format.as_str().to_uppercase()
        )));
    }
    Ok(())
}

/// Sides and area of a canvas or a frame against the limits.
pub(crate) fn check_area(width: u32, height: u32, limits: &Limits) -> Result<(), MediaError> {
    if width > limits.max_width || height > limits.max_height {
        return Err(MediaError::DimensionsTooLarge {
            width,
            height,
            max_width: limits.max_width,
            max_height: limits.max_height,
        });
    }
    let pixels = u64::from(width) * u64::from(height);
    if pixels > limits.max_pixels {
        return Err(MediaError::TooManyPixels {
            width,
            height,
            pixels,
            max: limits.max_pixels,
        });
    }
    Ok(())
}
