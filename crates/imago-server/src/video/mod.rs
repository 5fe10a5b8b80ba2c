//! Videos in `imago serve`: the `[video]` settings ([`VideoConfig`]) and the body limit
//! they raise. The work on a video (duration and size, poster frame, metadata through
//! ffprobe and ffmpeg) is `imago_media::video`, which the ingest pipeline calls
//! (`ingest/video.rs`).

mod config;
mod remux;

pub(crate) use config::FileVideo;
pub use config::VideoConfig;
pub use remux::FfmpegRemux;
