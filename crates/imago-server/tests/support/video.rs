//! Clips and reference frames made by the real ffmpeg for the video tests, and a reader
//! for what ffprobe says about a served file.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// Runs a tool of the ffmpeg suite; a missing tool fails with what to do about it.
pub fn tool(program: &str, args: &[&str]) -> std::process::Output {
    let out = Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "{program} cannot be started ({e}): run scripts/install-test-deps.sh (apt ffmpeg)"
            )
        });
    assert!(
        out.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A `seconds`-long 320 x 240 testsrc clip at 25 fps with a title and a GPS location in
/// its metadata; `ext` picks the container (mp4, mov: H.264; webm: VP8).
pub fn clip(dir: &Path, ext: &str, seconds: u32) -> PathBuf {
    let path = dir.join(format!("clip-{seconds}s.{ext}"));
    let src = format!("testsrc=duration={seconds}:size=320x240:rate=25");
    let codec: &[&str] = if ext == "webm" {
        &["-c:v", "libvpx", "-deadline", "realtime", "-b:v", "1M"]
    } else {
        &[
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
        ]
    };
    let mut args = vec!["-v", "error", "-y", "-f", "lavfi", "-i", &src];
    args.extend_from_slice(codec);
    args.extend_from_slice(&[
        "-metadata",
        "title=secret-title",
        "-metadata",
        "location=+48.8577+002.2950/",
    ]);
    let out = path.to_str().unwrap().to_string();
    args.push(&out);
    tool("ffmpeg", &args);
    path
}

/// The testsrc picture at `at` seconds, straight from the generator (no codec), as RGB.
pub fn testsrc_frame(dir: &Path, at: f64) -> image::RgbImage {
    let path = dir.join(format!("ref-{at}.png"));
    let at = format!("{at}");
    tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=duration=2:size=320x240:rate=25",
            "-ss",
            &at,
            "-frames:v",
            "1",
            path.to_str().unwrap(),
        ],
    );
    image::open(&path).unwrap().to_rgb8()
}

/// Mean absolute difference per channel of two pictures of one size (0-255).
pub fn mean_diff(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    assert_eq!(a.dimensions(), b.dimensions());
    let total: u64 = a
        .as_raw()
        .iter()
        .zip(b.as_raw())
        .map(|(x, y)| u64::from(x.abs_diff(*y)))
        .sum();
    total as f64 / a.as_raw().len() as f64
}

/// Every metadata tag ffprobe finds in a file (format and streams), as `key=value`.
pub fn tags(bytes: &[u8], dir: &Path, ext: &str) -> Vec<String> {
    let path = dir.join(format!("served.{ext}"));
    std::fs::write(&path, bytes).unwrap();
    let out = tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_entries",
            "format_tags:stream_tags",
            "-of",
            "default=noprint_wrappers=1",
            path.to_str().unwrap(),
        ],
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim_start_matches("TAG:").to_string())
        .collect()
}

/// A WebM written to a pipe, as a browser's MediaRecorder or a live muxer writes it: no
/// Duration in its header (the muxer cannot seek back to fill it in).
pub fn live_webm(seconds: u32) -> Vec<u8> {
    let src = format!("testsrc=duration={seconds}:size=64x48:rate=10");
    tool(
        "ffmpeg",
        &[
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            &src,
            "-c:v",
            "libvpx",
            "-deadline",
            "realtime",
            "-f",
            "webm",
            "pipe:1",
        ],
    )
    .stdout
}
