//! What an upload may be: bytes, sides, pixel area, frames.

/// Upper bounds checked from headers before any decode, and handed to the decoder so
/// that what a header understates is still bounded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Largest image file, in bytes.
    pub max_bytes: u64,
    /// Longest width and height as displayed (after EXIF orientation).
    pub max_width: u32,
    pub max_height: u32,
    /// Largest pixel area of the canvas and of any one frame.
    pub max_pixels: u64,
    /// Most frames of an animation (GIF, WebP, APNG).
    pub max_frames: u32,
    /// Largest video file, in bytes.
    pub max_video_bytes: u64,
}

impl Default for Limits {
    /// 5 MB images (the default body limit), sides up to 20,000, 100 megapixels,
    /// 1,000 frames, 50 MB videos.
    fn default() -> Self {
        Limits {
            max_bytes: 5 << 20,
            max_width: 20_000,
            max_height: 20_000,
            max_pixels: 100_000_000,
            max_frames: 1_000,
            max_video_bytes: 50 << 20,
        }
    }
}

impl Limits {
    /// The most memory a decoder may take for one image: a 16-bit RGBA buffer of the
    /// largest allowed area (the widest pixel any accepted codec yields), plus slack for
    /// the decoder's own tables. A caller that runs several [`crate::process`] at once
    /// can size its concurrency by it (816 MB with the defaults; most photos take a
    /// tenth of that).
    pub fn decode_budget(&self) -> u64 {
        self.max_pixels.saturating_mul(8).saturating_add(16 << 20)
    }
}
