//! The step after the segments: their bytes into one MP4. The engine does not touch
//! containers; the binary plugs in `imago-media`'s ffmpeg remux through this trait
//! (`../shared/ARCHITECTURE.md`: the engine and the media crate never depend on each
//! other).

use std::path::{Path, PathBuf};

/// What to put in one MP4.
#[derive(Debug)]
pub struct RemuxJob<'a> {
    /// The video (or muxed audio+video) rendition as self-contained pieces in play
    /// order: MPEG-TS files (`.ts`), fMP4 files that each start with their
    /// initialization section (`.mp4`), or packed audio (`.es`: ADTS, MP3). A new piece starts at each `EXT-X-DISCONTINUITY` (or new `EXT-X-MAP`);
    /// the remux joins them with continuous timestamps.
    pub video: &'a [PathBuf],
    /// A separate audio rendition, pieced the same way; empty when the sound is in
    /// `video`.
    pub audio: &'a [PathBuf],
    /// Where the MP4 goes (a temporary name; the engine moves it into place).
    pub out: &'a Path,
}

/// What the MP4 holds, as read back from it.
#[derive(Clone, Debug, PartialEq)]
pub struct Remuxed {
    pub width: u32,
    pub height: u32,
    pub duration_secs: f64,
}

/// Copies the pieces' streams, not re-encoded, into one MP4 with its index first.
pub trait Remux: Send + Sync + std::fmt::Debug {
    /// Fails before any segment is fetched when the remux cannot run (ffmpeg missing),
    /// so a user does not download a stream only to be told at the end.
    fn ready(&self) -> Result<(), String>;
    /// Runs the remux (blocking: the engine calls it on a blocking thread).
    fn remux(&self, job: &RemuxJob<'_>) -> Result<Remuxed, String>;
    /// Reads a whole video file's size and duration (a page's plain MP4 or WebM), which
    /// also proves it is one.
    fn facts(&self, file: &Path) -> Result<Remuxed, String>;
}
