//! HLS pieces into one MP4: the streams copied, not re-encoded (`-c copy`), the index
//! first (`+faststart`). A stream whose `EXT-X-DISCONTINUITY` splits it into several
//! pieces is joined by ffmpeg's concat demuxer, which starts each piece's timestamps
//! where the previous one ended, so the MP4 plays through without a jump. A separate
//! audio rendition is a second input, mapped beside the video.
//!
//! The pieces are the engine's clear MPEG-TS or fMP4 files (decrypted in Rust): ffmpeg
//! reads only local files (`-protocol_whitelist file`), never a URL or a playlist.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use super::ffmpeg::{ffmpeg, output_arg, words};
use super::{probe, Tools, VideoError, VideoFacts};
use crate::VideoFormat;

/// Whether `program` can be started (`-version`), for a check before any download.
pub fn tool_available(program: &Path) -> bool {
    std::process::Command::new(program)
        .arg("-version")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// A whole video file's picture size and duration, read by ffprobe with the demuxer its
/// magic names (a file that is no MP4, MOV or WebM is refused without running it).
pub fn file_facts(tools: &Tools, file: &Path) -> Result<VideoFacts, VideoError> {
    use std::io::Read;
    let mut head = [0u8; 64];
    let mut f = std::fs::File::open(file)?;
    let n = f.read(&mut head)?;
    let format = crate::inspect::sniff_video(&head[..n])
        .ok_or_else(|| VideoError::Unreadable("not an MP4, MOV or WebM file".into()))?;
    probe::ffprobe(&tools.ffprobe, file, format, tools.timeout)
}

/// Remuxes `video` (and `audio`, a separate rendition, when not empty) into `out` and
/// reads back its picture size and duration.
pub fn remux_pieces(
    tools: &Tools,
    video: &[PathBuf],
    audio: &[PathBuf],
    out: &Path,
) -> Result<VideoFacts, VideoError> {
    let mut args = words("-nostdin -v error -hide_banner -y");
    args.extend(input(video, out, "v")?);
    if audio.is_empty() {
        // The first picture and every sound track; ID3 timed metadata and captions
        // carried in the TS have no place in the MP4.
        args.extend(words("-map 0:v:0? -map 0:a?"));
    } else {
        args.extend(input(audio, out, "a")?);
        args.extend(words("-map 0:v:0 -map 1:a:0"));
    }
    args.extend(words("-c copy -movflags +faststart -f mp4"));
    args.push(output_arg(out));
    let run = ffmpeg(tools, &args)?;
    if !run.status.success() {
        let _ = std::fs::remove_file(out);
        return Err(VideoError::Tool(format!("ffmpeg: {}", run.reason())));
    }
    probe::ffprobe(&tools.ffprobe, out, VideoFormat::Mp4, tools.timeout)
}

/// The input arguments of one rendition: its only piece, or a concat list of them
/// written beside `out`.
fn input(pieces: &[PathBuf], out: &Path, tag: &str) -> Result<Vec<OsString>, VideoError> {
    let mut args = words("-protocol_whitelist file");
    match pieces {
        [] => return Err(VideoError::Unreadable("the stream has no segments".into())),
        [one] => {
            // The engine's extension names the container; packed audio (`.es`) is left
            // to ffmpeg's probe of this local file (ADTS or MP3 behind an ID3 tag).
            match one.extension().and_then(|e| e.to_str()) {
                Some("mp4") => args.extend(words("-f mov")),
                Some("ts") => args.extend(words("-f mpegts")),
                _ => {}
            }
            args.push("-i".into());
            args.push(output_arg(one));
        }
        many => {
            let dir = out.parent().unwrap_or(Path::new("."));
            let list = dir.join(format!("{tag}-pieces.ffconcat"));
            let mut text = String::from("ffconcat version 1.0\n");
            for p in many {
                // The engine's own names (`v-piece-3.ts`), beside the list: relative, so
                // the concat demuxer's "safe" mode holds.
                let name = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .filter(|n| {
                        n.bytes()
                            .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
                    })
                    .ok_or_else(|| {
                        VideoError::Unreadable(format!("odd piece name {}", p.display()))
                    })?;
                text.push_str(&format!("file {name}\n"));
            }
            std::fs::write(&list, text)?;
            args.extend(words("-f concat"));
            args.push("-i".into());
            args.push(output_arg(&list));
        }
    }
    Ok(args)
}
