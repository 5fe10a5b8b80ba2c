//! The two ffmpeg runs of a video: the poster frame and the copy without metadata.

use std::ffi::OsString;
use std::path::Path;

use super::command::{run, Output, RunError};
use super::{input_args, TempFiles, Tools, VideoError, VideoFacts};
use crate::VideoFormat;

pub(super) fn output_arg(file: &Path) -> OsString {
    let mut out = OsString::from("file:");
    out.push(file.as_os_str());
    out
}

/// Arguments written as one line: none of these has a space (paths are added apart).
pub(super) fn words(line: &str) -> Vec<OsString> {
    line.split_whitespace().map(OsString::from).collect()
}

/// Runs ffmpeg; a missing binary and a failure to run it are the caller's errors, a run
/// that fails is the output's to tell.
pub(super) fn ffmpeg(tools: &Tools, args: &[OsString]) -> Result<Output, VideoError> {
    match run(&tools.ffmpeg, args, tools.timeout, 0) {
        Err(RunError::NotInstalled(_)) => Err(VideoError::ToolMissing),
        Err(e) => Err(VideoError::Tool(e.to_string())),
        Ok(out) => Ok(out),
    }
}

/// One frame as PNG: at 1 s, or the middle of a shorter clip; the first frame when
/// that seek finds none.
pub(super) fn poster(
    tools: &Tools,
    files: &TempFiles,
    format: VideoFormat,
    facts: &VideoFacts,
) -> Result<Vec<u8>, VideoError> {
    let at = if facts.duration_secs >= 2.0 {
        1.0
    } else {
        facts.duration_secs / 2.0
    };
    // A PNG is never larger than its raw RGBA pixels plus a little.
    let max_png = u64::from(facts.width) * u64::from(facts.height) * 4 + (1 << 20);
    for at in [at, 0.0] {
        let mut args = words("-nostdin -v error -hide_banner -threads 1");
        args.extend(["-ss".into(), format!("{at:.3}").into()]);
        args.extend(input_args(&files.input, format));
        // `-update 1`: one file, its name never read as a `%d` pattern.
        args.extend(words(
            "-map 0:v:0 -frames:v 1 -an -sn -dn -f image2 -update 1 -c:v png -y",
        ));
        args.push(output_arg(&files.poster));
        let out = ffmpeg(tools, &args)?;
        let made = std::fs::metadata(&files.poster)
            .map(|m| m.len())
            .unwrap_or(0);
        if out.status.success() && made > 0 && made <= max_png {
            return Ok(std::fs::read(&files.poster)?);
        }
        tracing::info!(reason = %out.reason(), at, "ffmpeg took no poster frame");
    }
    Err(VideoError::Unreadable(
        "no frame of this video can be decoded".into(),
    ))
}

/// The same streams, copied without re-encoding, without global, stream and chapter
/// metadata and without ffmpeg's encoder tag.
pub(super) fn strip_metadata(
    tools: &Tools,
    files: &TempFiles,
    format: VideoFormat,
) -> Result<Vec<u8>, VideoError> {
    let mut args = words("-nostdin -v error -hide_banner");
    args.extend(input_args(&files.input, format));
    args.extend(words(
        "-map 0:v -map 0:a? -map_metadata -1 -map_metadata:s -1 -map_chapters -1 -c copy \
         -fflags +bitexact -flags:v +bitexact -flags:a +bitexact",
    ));
    let muxer = match format {
        VideoFormat::Mp4 => "mp4",
        VideoFormat::Mov => "mov",
        VideoFormat::Webm => "webm",
    };
    if format != VideoFormat::Webm {
        args.extend(words("-movflags +faststart"));
    }
    args.extend(words(&format!("-f {muxer} -y")));
    args.push(output_arg(&files.clean));
    let out = ffmpeg(tools, &args)?;
    if !out.status.success() {
        tracing::info!(reason = %out.reason(), "ffmpeg could not rewrite a video");
        return Err(VideoError::Unreadable(
            "the video cannot be rewritten without its metadata (its streams do not fit its container)"
                .into(),
        ));
    }
    Ok(std::fs::read(&files.clean)?)
}
