//! Duration and picture size of a stored video, from ffprobe's JSON.

use std::ffi::OsString;
use std::path::Path;
use std::time::Duration;

use serde::Deserialize;

use super::command::{run, RunError};
use super::{input_args, VideoError, VideoFacts};
use crate::VideoFormat;

/// ffprobe's answer for one stream and the format is a few hundred bytes.
const MAX_JSON: usize = 64 * 1024;
/// One `pts,duration` line per packet is about 20 bytes: ten minutes at 60 frames a
/// second fit with room to spare.
const MAX_PACKET_LINES: usize = 4 << 20;

#[derive(Deserialize)]
struct Answer {
    #[serde(default)]
    streams: Vec<Stream>,
    format: Option<FormatInfo>,
}

#[derive(Deserialize)]
struct Stream {
    width: Option<u32>,
    height: Option<u32>,
    #[serde(default)]
    side_data_list: Vec<SideData>,
}

#[derive(Deserialize)]
struct SideData {
    rotation: Option<f64>,
}

#[derive(Deserialize)]
struct FormatInfo {
    duration: Option<String>,
}

/// Asks ffprobe for the first video stream's size (as displayed: a rotation of 90 or
/// 270 degrees swaps the sides, as players and ffmpeg's own frame do) and the duration.
pub(super) fn ffprobe(
    program: &Path,
    file: &Path,
    format: VideoFormat,
    timeout: Duration,
) -> Result<VideoFacts, VideoError> {
    let args = probe_args(
        file,
        format,
        "stream=width,height:stream_side_data=rotation:format=duration",
        "json",
    );
    let out = run(program, &args, timeout, MAX_JSON).map_err(tool_error)?;
    if !out.status.success() {
        tracing::info!(reason = %out.reason(), "ffprobe refused a video");
        return Err(VideoError::Unreadable(format!(
            "it starts like a {} file but ffprobe cannot read it",
            format.extension().to_uppercase()
        )));
    }
    let (width, height, duration) = parse(&out.stdout, format)?;
    let duration_secs = match duration {
        Some(d) => d,
        // A WebM recorded live (a browser's MediaRecorder, a pipe) has no duration in
        // its header: the end of its last packet is.
        None => packets_end(program, file, format, timeout)?,
    };
    Ok(VideoFacts {
        width,
        height,
        duration_secs,
    })
}

/// ffprobe's arguments for `entries` of the first video stream of `file`, printed as
/// `output`.
fn probe_args(file: &Path, format: VideoFormat, entries: &str, output: &str) -> Vec<OsString> {
    let mut args: Vec<OsString> = ["-v", "error", "-hide_banner"]
        .iter()
        .map(OsString::from)
        .collect();
    args.extend(input_args(file, format));
    for a in [
        "-select_streams",
        "v:0",
        "-show_entries",
        entries,
        "-of",
        output,
    ] {
        args.push(a.into());
    }
    args
}

fn tool_error(e: RunError) -> VideoError {
    match e {
        RunError::NotInstalled(_) => VideoError::ToolMissing,
        RunError::TooMuchOutput { .. } => {
            VideoError::Unreadable("the video has more packets than this server reads".into())
        }
        other => VideoError::Tool(other.to_string()),
    }
}

/// Where the first video stream's last packet ends, in seconds.
fn packets_end(
    program: &Path,
    file: &Path,
    format: VideoFormat,
    timeout: Duration,
) -> Result<f64, VideoError> {
    let args = probe_args(file, format, "packet=pts_time,duration_time", "csv=p=0");
    let out = run(program, &args, timeout, MAX_PACKET_LINES).map_err(tool_error)?;
    let end = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|line| {
            let mut parts = line.split(',').map(|p| p.trim().parse::<f64>().ok());
            let pts = parts.next().flatten()?;
            Some(pts + parts.next().flatten().unwrap_or(0.0))
        })
        .filter(|t| t.is_finite())
        .fold(None, |max: Option<f64>, t| {
            Some(max.map_or(t, |m| m.max(t)))
        });
    match end {
        Some(end) if out.status.success() && end >= 0.0 => Ok(end),
        _ => Err(VideoError::Unreadable(format!(
            "the duration of this {} file cannot be read",
            format.extension().to_uppercase()
        ))),
    }
}

/// Sides as displayed and the duration, when the header gives one.
fn parse(json: &[u8], format: VideoFormat) -> Result<(u32, u32, Option<f64>), VideoError> {
    let answer: Answer = serde_json::from_slice(json)
        .map_err(|e| VideoError::Tool(format!("ffprobe's answer is not the JSON expected: {e}")))?;
    let kind = format.extension().to_uppercase();
    let Some(stream) = answer.streams.first() else {
        return Err(VideoError::Unreadable(format!(
            "this {kind} file has no video stream"
        )));
    };
    let (Some(w), Some(h)) = (stream.width, stream.height) else {
        return Err(VideoError::Unreadable(format!(
            "the video stream of this {kind} file has no picture size"
        )));
    };
    let turned = stream
        .side_data_list
        .iter()
        .filter_map(|s| s.rotation)
        .any(|r| (r.rem_euclid(180.0) - 90.0).abs() < 1.0);
    let (width, height) = if turned { (h, w) } else { (w, h) };
    let duration = answer
        .format
        .and_then(|f| f.duration)
        .and_then(|d| d.trim().parse::<f64>().ok())
        .filter(|d| d.is_finite() && *d >= 0.0);
    Ok((width, height, duration))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_size_rotation_and_duration() {
        let json = br#"{"programs":[],"streams":[{"codec_name":"h264","width":320,"height":240,
            "side_data_list":[{"rotation":-90}]}],"format":{"duration":"2.500000"}}"#;
        assert_eq!(
            parse(json, VideoFormat::Mp4).unwrap(),
            (240, 320, Some(2.5))
        );
        let json = br#"{"streams":[{"width":640,"height":360}],"format":{"duration":"1.0"}}"#;
        assert_eq!(
            parse(json, VideoFormat::Webm).unwrap(),
            (640, 360, Some(1.0))
        );
    }

    #[test]
    fn no_video_stream_is_a_reason_and_no_duration_is_none() {
        let e = parse(
            br#"{"streams":[],"format":{"duration":"1.0"}}"#,
            VideoFormat::Mp4,
        );
        assert!(e.unwrap_err().to_string().contains("no video stream"));
        let live = br#"{"streams":[{"width":1,"height":1}],"format":{}}"#;
        assert_eq!(parse(live, VideoFormat::Webm).unwrap(), (1, 1, None));
        let na = br#"{"streams":[{"width":1,"height":1}],"format":{"duration":"N/A"}}"#;
        assert_eq!(parse(na, VideoFormat::Mov).unwrap(), (1, 1, None));
    }
}
