//! What the `imago video` tests share: the streams (made with Debian's ffmpeg, see
//! `fixtures`), the HLS server with its fault table (`server`), a run of the command with
//! a time limit, and the checks a user would make on what it saved: ffprobe says MP4 with
//! H.264 of the right size and AAC of the right length, the decoded video frames are the
//! source's frame for frame (framemd5), the AAC packets are the source's, and the folder
//! holds the MP4s and nothing else.

#![allow(dead_code)]

pub mod fixtures;
pub mod server;

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

pub use fixtures::{fixtures, Clip};
pub use server::{Fault, HlsServer, Rule};

/// The name of the work folder `imago video` keeps beside its outputs while it runs.
pub const WORK_PREFIX: &str = ".imago-video-";

/// A run that takes longer than this is a hang (a stall at 99%), not a slow run.
pub const TIME_LIMIT: Duration = Duration::from_secs(120);

/// A server over all fixtures with these faults.
pub fn server(rules: Vec<Rule>) -> HlsServer {
    HlsServer::start(fixtures().files.clone(), rules)
}

/// One `imago video ... -o DIR --json` and what it printed.
pub struct Run {
    pub dir: PathBuf,
    pub cwd: PathBuf,
    pub output: Output,
    pub events: Vec<Value>,
    pub took: Duration,
}

impl Run {
    pub fn code(&self) -> Option<i32> {
        self.output.status.code()
    }

    /// stdout and stderr, for assertion messages.
    pub fn explain(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.output.status.code(),
            String::from_utf8_lossy(&self.output.stdout),
            String::from_utf8_lossy(&self.output.stderr)
        )
    }

    pub fn events_of(&self, kind: &str) -> Vec<&Value> {
        self.events.iter().filter(|e| e["event"] == kind).collect()
    }

    pub fn saved(&self) -> Vec<&Value> {
        self.events_of("saved")
    }

    pub fn failed(&self) -> Vec<&Value> {
        self.events_of("failed")
    }

    /// The last line, which must be the summary, as `(saved, failed)`.
    pub fn summary(&self) -> (u64, u64) {
        let last = self
            .events
            .last()
            .unwrap_or_else(|| panic!("no JSON lines\n{}", self.explain()));
        assert_eq!(
            last["event"],
            "summary",
            "the last line is the summary\n{}",
            self.explain()
        );
        (
            last["saved"].as_u64().expect("summary.saved"),
            last["failed"].as_u64().expect("summary.failed"),
        )
    }

    /// The one `saved` event whose `url` is `url`.
    pub fn saved_for(&self, url: &str) -> &Value {
        let found: Vec<&Value> = self
            .saved()
            .into_iter()
            .filter(|e| e["url"] == url)
            .collect();
        assert_eq!(
            found.len(),
            1,
            "one saved event for {url}\n{}",
            self.explain()
        );
        found[0]
    }

    /// The file a `saved` event names (relative paths are the working directory's).
    pub fn path_of(&self, saved: &Value) -> PathBuf {
        let p = PathBuf::from(saved["path"].as_str().expect("saved.path is a string"));
        if p.is_absolute() {
            p
        } else {
            self.cwd.join(p)
        }
    }

    /// Exit 0, every stream saved, the summary says `n` saved and none failed, and the
    /// folder holds just the `n` MP4s (no work folder, no temp file).
    pub fn assert_all_saved(&self, n: usize) {
        assert_eq!(self.code(), Some(0), "exit 0\n{}", self.explain());
        assert_eq!(self.saved().len(), n, "{n} saved\n{}", self.explain());
        assert!(
            self.failed().is_empty(),
            "nothing failed\n{}",
            self.explain()
        );
        assert_eq!(self.summary(), (n as u64, 0), "summary\n{}", self.explain());
        let mp4s = only_mp4s(&self.dir);
        assert_eq!(mp4s.len(), n, "{n} MP4s in {:?}: {mp4s:?}", self.dir);
        for ev in self.saved() {
            let path = self.path_of(ev);
            assert_eq!(
                path.parent().map(|p| p.canonicalize().unwrap()),
                Some(self.dir.canonicalize().unwrap()),
                "{path:?} is in the output folder"
            );
            let len = fs::metadata(&path)
                .unwrap_or_else(|e| panic!("{path:?}: {e}"))
                .len();
            assert_eq!(ev["bytes"].as_u64(), Some(len), "saved.bytes: {ev}");
        }
    }
}

/// `imago video ARGS... -o CWD/out --json`, run in `cwd`, killed after [`TIME_LIMIT`].
pub fn video(cwd: &Path, args: &[&str]) -> Run {
    let dir = cwd.join("out");
    let mut all: Vec<&str> = vec!["video"];
    all.extend_from_slice(args);
    all.extend(["-o", dir.to_str().unwrap(), "--json"]);
    let started = Instant::now();
    let output = imago_limited(cwd, &all, TIME_LIMIT);
    let took = started.elapsed();
    let events = crate::support::json_lines(&output);
    Run {
        dir,
        cwd: cwd.to_path_buf(),
        output,
        events,
        took,
    }
}

/// Runs the `imago` binary in `cwd`; past `limit` it is killed and the test fails with
/// what it printed so far.
pub fn imago_limited(cwd: &Path, args: &[&str], limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imago"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run imago");
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let out_reader = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = out.read_to_end(&mut v);
        v
    });
    let err_reader = thread::spawn(move || {
        let mut v = Vec::new();
        let _ = err.read_to_end(&mut v);
        v
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for imago") {
            break status;
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            let stdout = out_reader.join().unwrap();
            let stderr = err_reader.join().unwrap();
            panic!(
                "imago {args:?} still running after {limit:?}: killed\n--- stdout\n{}--- stderr\n{}",
                String::from_utf8_lossy(&stdout),
                String::from_utf8_lossy(&stderr)
            );
        }
        thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap(),
        stderr: err_reader.join().unwrap(),
    }
}

/// The entries of `dir` by name, hidden ones included.
pub fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = match fs::read_dir(dir) {
        Ok(rd) => rd
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect(),
        Err(_) => Vec::new(),
    };
    names.sort();
    names
}

/// The files of `dir`, which must all be `.mp4` files: no work folder, no temp file.
pub fn only_mp4s(dir: &Path) -> Vec<PathBuf> {
    let names = entries(dir);
    for name in &names {
        let p = dir.join(name);
        assert!(
            p.is_file() && name.ends_with(".mp4") && !name.starts_with('.'),
            "{dir:?} holds only the MP4s, but also {name:?} (all: {names:?})"
        );
    }
    names.iter().map(|n| dir.join(n)).collect()
}

/// The `.imago-video-*` work folders in `dir`.
pub fn work_folders(dir: &Path) -> Vec<PathBuf> {
    entries(dir)
        .into_iter()
        .filter(|n| n.starts_with(WORK_PREFIX))
        .map(|n| dir.join(n))
        .collect()
}

fn run_tool(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("run {tool}: {e}"));
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The hash column of a framemd5 listing, frame by frame.
fn framemd5(file: &Path, select: &[&str]) -> Vec<String> {
    let mut args = vec!["-hide_banner", "-nostdin", "-v", "error", "-i"];
    args.push(file.to_str().unwrap());
    args.extend_from_slice(select);
    args.extend(["-f", "framemd5", "-"]);
    run_tool("ffmpeg", &args)
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        // stream, dts, pts, duration, size, hash[, side data...]: timestamps may differ.
        .map(|l| {
            l.split(',')
                .nth(5)
                .unwrap_or_else(|| panic!("framemd5 line {l:?}"))
                .trim()
                .to_string()
        })
        .collect()
}

/// The MD5 of every decoded frame of the first video stream, in order; every frame the
/// decoder puts out, none dropped or repeated to fit a frame rate.
pub fn video_frames(file: &Path) -> Vec<String> {
    framemd5(file, &["-map", "0:v:0", "-fps_mode", "passthrough"])
}

/// The MD5 of every packet of the first audio stream as stored (copied, not decoded).
pub fn audio_packets(file: &Path) -> Vec<String> {
    framemd5(file, &["-map", "0:a:0", "-c:a", "copy"])
}

/// ffprobe's `-show_format -show_streams` as JSON.
pub fn probe(file: &Path) -> Value {
    let text = run_tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-show_format",
            "-show_streams",
            "-of",
            "json",
            file.to_str().unwrap(),
        ],
    );
    serde_json::from_str(&text).unwrap()
}

pub fn probe_duration(file: &Path) -> f64 {
    probe(file)["format"]["duration"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| panic!("{file:?} has no duration"))
}

/// The video packets' presentation times, seconds, in order of time.
pub fn video_times(file: &Path) -> Vec<f64> {
    let text = run_tool(
        "ffprobe",
        &[
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "packet=pts_time",
            "-of",
            "csv=p=0",
            file.to_str().unwrap(),
        ],
    );
    let mut t: Vec<f64> = text
        .lines()
        .filter_map(|l| l.trim().trim_end_matches(',').parse().ok())
        .collect();
    t.sort_by(f64::total_cmp);
    t
}

/// Where two lists of hashes first differ, for messages.
fn first_difference(got: &[String], want: &[String]) -> String {
    match got.iter().zip(want).position(|(a, b)| a != b) {
        Some(i) => format!("frame {i} differs"),
        None => "one is a prefix of the other".to_string(),
    }
}

/// What a user checks of a saved video that should be `clips` one after the other: ffprobe
/// says MP4 with one H.264 stream of the clips' size and one AAC stream, its duration is
/// theirs within 0.5 s, its video timestamps run on without a jump or a repeat, its decoded
/// frames are theirs in order and its AAC packets are theirs in order.
pub fn assert_mp4(file: &Path, clips: &[&Clip]) {
    let info = probe(file);
    let format = info["format"]["format_name"].as_str().unwrap_or("");
    assert!(format.contains("mp4"), "{file:?} is MP4, not {format:?}");
    let streams = info["streams"].as_array().cloned().unwrap_or_default();
    let of = |kind: &str| -> Vec<&Value> {
        streams.iter().filter(|s| s["codec_type"] == kind).collect()
    };
    let (video, audio) = (of("video"), of("audio"));
    assert_eq!(
        (video.len(), audio.len(), streams.len()),
        (1, 1, 2),
        "{file:?}: one video and one audio stream, nothing else: {streams:#?}"
    );
    assert_eq!(video[0]["codec_name"], "h264", "{file:?}: H.264 video");
    assert_eq!(audio[0]["codec_name"], "aac", "{file:?}: AAC audio");
    assert_eq!(
        (video[0]["width"].as_u64(), video[0]["height"].as_u64()),
        (Some(clips[0].width as u64), Some(clips[0].height as u64)),
        "{file:?}: the picture size of the chosen variant"
    );
    let want: f64 = clips.iter().map(|c| c.duration).sum();
    let got: f64 = info["format"]["duration"]
        .as_str()
        .and_then(|d| d.parse().ok())
        .unwrap_or(-1.0);
    assert!(
        (got - want).abs() <= 0.5,
        "{file:?} lasts {got} s, the source {want} s"
    );

    let times = video_times(file);
    for w in times.windows(2) {
        let step = w[1] - w[0];
        assert!(
            step > 0.001 && step < 0.1,
            "{file:?}: video timestamps run on at 25 fps, but {} is followed by {}",
            w[0],
            w[1]
        );
    }

    let frames = video_frames(file);
    let want_frames: Vec<String> = clips.iter().flat_map(|c| c.frames.clone()).collect();
    assert!(
        frames == want_frames,
        "{file:?}: {} decoded frames, the source {}; {}",
        frames.len(),
        want_frames.len(),
        first_difference(&frames, &want_frames)
    );
    let packets = audio_packets(file);
    let want_packets: Vec<String> = clips.iter().flat_map(|c| c.audio.clone()).collect();
    assert!(
        packets == want_packets,
        "{file:?}: {} AAC packets, the source {}; {}",
        packets.len(),
        want_packets.len(),
        first_difference(&packets, &want_packets)
    );
}

/// MPEG-TS bytes remuxed by plain `ffmpeg -c copy` into an MP4 in `dir`: what a remux of
/// clear data gives, for checking that the fixtures catch what they are meant to.
pub fn remux_ts(dir: &Path, ts: &[u8]) -> PathBuf {
    let input = dir.join("in.ts");
    let out = dir.join("out.mp4");
    fs::write(&input, ts).unwrap();
    fixtures::ffmpeg(&[
        "-i",
        input.to_str().unwrap(),
        "-c",
        "copy",
        out.to_str().unwrap(),
    ]);
    out
}

/// The decoded frames of `file` are the first frames of `clip`: at least one, none
/// changed, none skipped. Returns how many.
pub fn assert_frames_are_a_prefix(file: &Path, clip: &Clip) -> usize {
    let frames = video_frames(file);
    assert!(!frames.is_empty(), "{file:?} has frames");
    assert!(
        frames.len() <= clip.frames.len() && frames[..] == clip.frames[..frames.len()],
        "{file:?}: its {} frames are the source's first ones; {}",
        frames.len(),
        first_difference(&frames, &clip.frames)
    );
    frames.len()
}
