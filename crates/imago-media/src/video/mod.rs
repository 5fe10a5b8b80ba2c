//! Videos (MP4, MOV, WebM, recognised by magic in [`crate::inspect`]): duration and
//! size, a poster frame, metadata. The server's ingest pipeline calls [`prepare`] with the
//! upload and stores what it returns like an image's files.
//!
//! Decisions a caller should know:
//! - **Tools**: ffprobe and ffmpeg run as subprocesses (`command.rs`): no shell, the
//!   arguments a vector, input from the stored temporary file (never a URL: only the
//!   `file` protocol is allowed and the demuxer is forced to the format the magic
//!   named, so a playlist or a reference to another file is not followed), one decoder
//!   thread, bounded output and a timeout that kills them. The runner is synchronous,
//!   like the rest of this crate: the caller runs [`prepare`] on a blocking thread.
//! - **Duration and size** come from ffprobe: the container's duration, or, for a WebM
//!   recorded live (a browser's MediaRecorder writes no Duration), where the last video
//!   packet ends. When ffprobe cannot be started they are read from the container's
//!   header (`header.rs`: `mvhd`/`tkhd` of ISO files, found by `imago_core::isobmff`,
//!   and the Segment Info and Tracks of WebM); a file whose header does not say them (a
//!   WebM recorded live, with no Duration) is refused with that reason.
//! - **Poster**: one frame at 1 s (the middle of a clip shorter than 2 s, the first
//!   frame if that fails) written as PNG by ffmpeg, which the server thumbnails with
//!   [`crate::process`] like an uploaded PNG: `.th.` fits 160 px, `.md.` 640 px (a
//!   poster that fits already is its own `.md.`). Without ffmpeg the poster is a fixed
//!   placeholder ([`placeholder`]) and the upload answer says `"poster": "placeholder"`.
//! - **Metadata**: when stripping, ffmpeg copies the streams without re-encoding into the
//!   same container with global, stream and chapter metadata dropped
//!   (`-map_metadata -1 -c copy`, no encoder tag), MP4/MOV with the index first
//!   (`+faststart`, so players start from a Range request). Without ffmpeg, or for a
//!   user who keeps metadata, the file is stored as it came; the answer says which
//!   (`"metadata": "stripped"` or `"kept"`).
//! - **Inline**: all of this runs in the upload request (the server holds the same
//!   one-per-core permit as for image decoding), each tool run bounded by
//!   [`Tools::timeout`]. A 2 s clip takes tens of milliseconds; nothing is deferred to a
//!   background job.

mod command;
mod ffmpeg;
pub(crate) mod header;
pub mod placeholder;
mod probe;
mod remux;

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::VideoFormat;

pub use remux::{file_facts, remux_pieces, tool_available};

/// The programs [`prepare`] runs and how long one run may take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tools {
    /// The ffmpeg program (a name looked up on `PATH`, or a path).
    pub ffmpeg: PathBuf,
    /// The ffprobe program.
    pub ffprobe: PathBuf,
    /// Longest one run may take before it is killed.
    pub timeout: Duration,
}

/// Why a video was refused or could not be handled. Exhaustive on purpose: the server
/// maps each variant to its HTTP answer, and a new one must be given its own.
#[derive(Debug, thiserror::Error)]
pub enum VideoError {
    /// The program is not there (handled inside: placeholder, header, kept metadata).
    #[error("the video tool is not installed")]
    ToolMissing,
    /// The tool ran but failed for a reason of its own (killed at the timeout, ...).
    #[error("{0}")]
    Tool(String),
    /// The file says it is a video but is not one that can be read.
    #[error("{0}")]
    Unreadable(String),
    #[error("the video lasts {secs:.1} s, more than the {max} s this server accepts")]
    TooLong { secs: f64, max: u64 },
    #[error("the video is {width} x {height} pixels, more than this server accepts")]
    TooManyPixels { width: u32, height: u32 },
    #[error("temporary file: {0}")]
    Io(#[from] std::io::Error),
}

/// What was read about a video.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VideoFacts {
    /// As displayed (rotation applied).
    pub width: u32,
    pub height: u32,
    pub duration_secs: f64,
}

/// How a video was handled, for the upload answer (`image.video`).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VideoReport {
    pub duration_secs: f64,
    /// `frame` (taken by ffmpeg) or `placeholder` (ffmpeg is not installed).
    pub poster: &'static str,
    /// `stripped` (rewritten by ffmpeg without metadata) or `kept` (stored as it came).
    pub metadata: &'static str,
    /// Why something was not done, in words.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// What to store for a video.
#[derive(Debug)]
pub struct PreparedVideo {
    /// The original to store: the upload, or its copy without metadata.
    pub stored: Vec<u8>,
    pub facts: VideoFacts,
    /// The poster as PNG: a frame, or the placeholder.
    pub poster: Vec<u8>,
    pub report: VideoReport,
}

/// What [`prepare`] refuses beyond.
#[derive(Clone, Copy, Debug)]
pub struct VideoLimits {
    pub max_duration_secs: u64,
    /// The longest side of the picture, as displayed.
    pub max_side: u32,
    pub max_pixels: u64,
}

/// Reads, checks and processes one video: writes it to a temporary file in `tmp_dir`,
/// reads duration and size, refuses what is over the limits, takes the poster and, when
/// `strip` is set, drops the metadata. The temporary files are removed on every return.
pub fn prepare(
    tools: &Tools,
    tmp_dir: &Path,
    bytes: &[u8],
    format: VideoFormat,
    strip: bool,
    limits: VideoLimits,
) -> Result<PreparedVideo, VideoError> {
    let files = TempFiles::new(tmp_dir, format)?;
    std::fs::write(&files.input, bytes)?;
    let mut notes = Vec::new();

    let facts = match probe::ffprobe(&tools.ffprobe, &files.input, format, tools.timeout) {
        Err(VideoError::ToolMissing) => {
            notes.push("ffprobe is not installed: duration and size read from the header".into());
            header::read(bytes, format)?
        }
        other => other?,
    };
    if facts.duration_secs > limits.max_duration_secs as f64 {
        return Err(VideoError::TooLong {
            secs: facts.duration_secs,
            max: limits.max_duration_secs,
        });
    }
    let (width, height) = (facts.width, facts.height);
    if width == 0 || height == 0 {
        return Err(VideoError::Unreadable(
            "the video says its picture is empty (0 pixels wide or high)".into(),
        ));
    }
    if width.max(height) > limits.max_side
        || u64::from(width) * u64::from(height) > limits.max_pixels
    {
        return Err(VideoError::TooManyPixels { width, height });
    }

    // The poster and the copy without metadata read the same file and need each
    // other's nothing: run side by side (the poster decodes on one thread, the copy
    // only moves packets).
    let (taken, rewritten) = std::thread::scope(|scope| {
        let rewriting =
            strip.then(|| scope.spawn(|| ffmpeg::strip_metadata(tools, &files, format)));
        let taken = ffmpeg::poster(tools, &files, format, &facts);
        let rewritten = rewriting.map(|r| {
            r.join()
                .unwrap_or_else(|_| Err(VideoError::Tool("the metadata copy stopped".into())))
        });
        (taken, rewritten)
    });
    let (poster, poster_kind) = match taken {
        Err(VideoError::ToolMissing) => {
            notes.push("ffmpeg is not installed: the poster is a placeholder".into());
            (placeholder::png(), "placeholder")
        }
        other => (other?, "frame"),
    };
    let (stored, metadata) = match rewritten {
        None => (bytes.to_vec(), "kept"),
        Some(Err(VideoError::ToolMissing)) => {
            notes.push("ffmpeg is not installed: the video is stored as it came".into());
            (bytes.to_vec(), "kept")
        }
        Some(other) => (other?, "stripped"),
    };
    Ok(PreparedVideo {
        stored,
        facts,
        poster,
        report: VideoReport {
            duration_secs: facts.duration_secs,
            poster: poster_kind,
            metadata,
            notes,
        },
    })
}

/// The options that open the stored file as `format` only: the demuxer is forced (no
/// probing into a playlist or an image sequence) and only local files may be opened.
fn input_args(file: &Path, format: VideoFormat) -> Vec<OsString> {
    let demuxer = match format {
        VideoFormat::Mp4 | VideoFormat::Mov => "mov",
        VideoFormat::Webm => "matroska",
    };
    let mut input = OsString::from("file:");
    input.push(file.as_os_str());
    vec![
        "-protocol_whitelist".into(),
        "file".into(),
        "-f".into(),
        demuxer.into(),
        "-i".into(),
        input,
    ]
}

/// The temporary files of one video, in a directory of their own removed when dropped.
struct TempFiles {
    input: PathBuf,
    poster: PathBuf,
    clean: PathBuf,
    _dir: tempfile::TempDir,
}

impl TempFiles {
    fn new(dir: &Path, format: VideoFormat) -> Result<TempFiles, VideoError> {
        std::fs::create_dir_all(dir)?;
        let own = tempfile::Builder::new().prefix("video-").tempdir_in(dir)?;
        let ext = format.extension();
        Ok(TempFiles {
            input: own.path().join(format!("input.{ext}")),
            poster: own.path().join("poster.png"),
            clean: own.path().join(format!("clean.{ext}")),
            _dir: own,
        })
    }
}
