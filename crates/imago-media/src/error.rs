//! The one error type of the crate: a sentence a user reads, a stable code a client
//! matches on, and the HTTP status the server answers with.

use thiserror::Error;

/// Why an upload was refused or could not be processed.
///
/// The `Display` text is meant for the person who uploaded the file; [`MediaError::code`]
/// is stable across versions, for clients and metrics.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MediaError {
    /// The body has no bytes at all.
    #[error("the file is empty")]
    Empty,
    /// More bytes than the limit for its kind (image or video).
    #[error("the file is {bytes} bytes, more than the {max} allowed")]
    TooLarge { bytes: u64, max: u64 },
    /// A side longer than the limit.
    #[error("the image is {width}x{height}, larger than the {max_width}x{max_height} allowed")]
    DimensionsTooLarge {
        width: u32,
        height: u32,
        max_width: u32,
        max_height: u32,
    },
    /// Width times height (of the canvas or of one frame) over the limit: a pixel flood.
    #[error("the image has {pixels} pixels ({width}x{height}), more than the {max} allowed")]
    TooManyPixels {
        width: u32,
        height: u32,
        pixels: u64,
        max: u64,
    },
    /// An animation with more frames than allowed.
    #[error("the animation has {frames} frames, more than the {max} allowed")]
    TooManyFrames { frames: u64, max: u32 },
    /// The decoder would need more memory than the limits allow (a decompression bomb or
    /// a header that understates what it holds).
    #[error("decoding the image would need more memory than allowed: {0}")]
    DecodeLimit(String),
    /// SVG can carry scripts and external references; it is refused until it can be
    /// sanitized.
    #[error("SVG images are not accepted (they can carry scripts)")]
    SvgRefused,
    /// Not a format accepted here (unknown bytes, HTML; TIFF and ICO on the host, ...).
    #[error("unsupported file type: {0}")]
    Unsupported(String),
    /// A video was handed to [`crate::process`], which handles images only.
    #[error("a video cannot be processed as an image")]
    NotAnImage,
    /// A known format whose bytes are damaged or truncated.
    #[error("the file is damaged: {0}")]
    Corrupt(String),
    /// `process` was given an [`crate::Inspected`] that does not describe these bytes.
    #[error("the inspected description does not match the bytes: {0}")]
    Mismatch(String),
    /// Writing a variant failed (a bug or an exhausted machine, not the user's file).
    #[error("processing failed: {0}")]
    Encode(String),
}

impl MediaError {
    /// A stable machine-readable code (`too_large`, `svg_refused`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            MediaError::Empty => "empty",
            MediaError::TooLarge { .. } => "too_large",
            MediaError::DimensionsTooLarge { .. } => "dimensions_too_large",
            MediaError::TooManyPixels { .. } => "too_many_pixels",
            MediaError::TooManyFrames { .. } => "too_many_frames",
            MediaError::DecodeLimit(_) => "decode_limit",
            MediaError::SvgRefused => "svg_refused",
            MediaError::Unsupported(_) => "unsupported_type",
            MediaError::NotAnImage => "not_an_image",
            MediaError::Corrupt(_) => "corrupt",
            MediaError::Mismatch(_) => "inspect_mismatch",
            MediaError::Encode(_) => "processing_failed",
        }
    }

    /// The HTTP status the server answers with: 413 for size, pixel and frame floods,
    /// 415 for types it refuses, 422 for damaged files, 500 for its own failures.
    pub fn http_status(&self) -> u16 {
        match self {
            MediaError::TooLarge { .. }
            | MediaError::DimensionsTooLarge { .. }
            | MediaError::TooManyPixels { .. }
            | MediaError::TooManyFrames { .. }
            | MediaError::DecodeLimit(_) => 413,
            MediaError::SvgRefused | MediaError::Unsupported(_) | MediaError::NotAnImage => 415,
            MediaError::Empty | MediaError::Corrupt(_) => 422,
            MediaError::Mismatch(_) | MediaError::Encode(_) => 500,
        }
    }
}
