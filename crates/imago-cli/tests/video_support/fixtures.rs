//! The streams the video tests download, made once per test binary with Debian's
//! `ffmpeg` from small `testsrc` + `sine` clips (6 s, 25 fps, H.264 + AAC, a keyframe
//! every second so every 1 s segment starts on one), then held in memory by server path.
//! The temporary folder they were made in is gone when `fixtures()` returns.
//!
//! Every stream is its own folder on the server, so a test counts requests per stream:
//!
//! | path | what |
//! |---|---|
//! | `/multi/master.m3u8` | master of three MPEG-TS variants, 160x120, 320x240, 640x360, with `BANDWIDTH`, `RESOLUTION` and `CODECS` |
//! | `/plain/index.m3u8` | a media playlist of clip `a320` (the fault tests put their faults on it) |
//! | `/fmp4/index.m3u8` | fMP4: `EXT-X-MAP` `init.mp4` and `.m4s` segments |
//! | `/aes-iv/index.m3u8` | AES-128 with an explicit IV, media sequence 3 |
//! | `/aes-seq/index.m3u8` | AES-128 without IV (the media sequence number is the IV), media sequence 1700000000, key 1 for three segments then key 2 |
//! | `/range/index.m3u8` | one `all.ts` read by `EXT-X-BYTERANGE` |
//! | `/rendition/master.m3u8` | a video-only variant without `CODECS` and an `AUDIO` group of two renditions: German (first, not default) and English (`DEFAULT=YES`) |
//! | `/disc/index.m3u8` | clip `a320`, `EXT-X-DISCONTINUITY`, clip `b320` (other pictures and sound, timestamps from 0 again) |
//! | `/event/index.m3u8` | clip `a320` as an EVENT playlist (the tests make it grow with [`Fault::Grow`]) |
//! | `/shop/item.html` | a page with `<video src="stream/master.m3u8">`, a copy of `/multi` under `/shop/stream/` |
//! | `/two/index.html` | a page naming `/multi/master.m3u8` twice and `/fmp4/index.m3u8` once |
//! | `/file/clip.mp4` | clip `a320` as a plain MP4 file |
//!
//! [`Fault::Grow`]: super::server::Fault::Grow

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use aes::cipher::{block_padding::Pkcs7, BlockEncryptMut, KeyIvInit};

use super::{audio_packets, probe_duration, video_frames};

pub const MULTI: &str = "/multi/master.m3u8";
pub const PLAIN: &str = "/plain/index.m3u8";
pub const FMP4: &str = "/fmp4/index.m3u8";
pub const AES_IV: &str = "/aes-iv/index.m3u8";
pub const AES_SEQ: &str = "/aes-seq/index.m3u8";
pub const RANGE: &str = "/range/index.m3u8";
pub const RANGE_FILE: &str = "/range/all.ts";
pub const RENDITION: &str = "/rendition/master.m3u8";
pub const DISC: &str = "/disc/index.m3u8";
pub const EVENT: &str = "/event/index.m3u8";
pub const SHOP_PAGE: &str = "/shop/item.html";
pub const SHOP_MASTER: &str = "/shop/stream/master.m3u8";
pub const TWO_PAGE: &str = "/two/index.html";
pub const FILE_MP4: &str = "/file/clip.mp4";

/// Seconds of every clip.
pub const SECONDS: u32 = 6;
/// The first media sequence number of `/aes-iv/` and `/aes-seq/`.
pub const AES_IV_FIRST: u64 = 3;
/// Epoch-like, as live packagers number their segments. Under CBC a wrong IV garbles the
/// first 16 bytes of a segment by `wrong IV XOR right IV`: with small numbers (5 against 0)
/// that is the last byte alone, which lands in a PES header ffmpeg shrugs off; with this
/// one bytes 12 to 15, the PES start code.
pub const AES_SEQ_FIRST: u64 = 1_700_000_000;
/// The IV `/aes-iv/` names for all its segments.
pub const EXPLICIT_IV: [u8; 16] =
    *b"\x0f\x0e\x0d\x0c\x0b\x0a\x09\x08\x07\x06\x05\x04\x03\x02\x01\x00";
pub const KEY_IV: [u8; 16] = *b"imago-explicitIV";
pub const KEY_1: [u8; 16] = *b"imago-key-one-16";
pub const KEY_2: [u8; 16] = *b"imago-key-two-16";

/// One source clip, and what its output must show.
pub struct Clip {
    pub width: u32,
    pub height: u32,
    /// ffprobe's format duration, seconds.
    pub duration: f64,
    /// framemd5 of its decoded video frames, in order.
    pub frames: Vec<String>,
    /// framemd5 of its AAC packets as stored (not decoded), in order.
    pub audio: Vec<String>,
    /// `avc1.PPCCLL` from its `avcC`.
    pub codecs: String,
}

/// One variant of `/multi/master.m3u8`.
pub struct MultiVariant {
    /// The clip it plays (`a160`, `a320`, `a640`).
    pub clip: &'static str,
    /// Its folder (`/multi/320/`): its playlist and segments are there.
    pub folder: String,
    pub bandwidth: u64,
    pub segments: Vec<String>,
}

pub struct Fixtures {
    /// Server path → bytes.
    pub files: Arc<HashMap<String, Vec<u8>>>,
    /// `a160`, `a320`, `a640` (testsrc + 440 Hz), `b320` (testsrc2 + 880 Hz), `de`
    /// (660 Hz, sound only).
    pub clips: HashMap<&'static str, Clip>,
    /// The variants of `/multi/master.m3u8`, smallest first.
    pub multi: Vec<MultiVariant>,
    /// How long making all this took.
    pub took: Duration,
}

impl Fixtures {
    pub fn clip(&self, name: &str) -> &Clip {
        self.clips
            .get(name)
            .unwrap_or_else(|| panic!("no clip {name}"))
    }

    /// The segment paths of the media playlist at `path` (absolute server paths).
    pub fn segments_of(&self, path: &str) -> Vec<String> {
        let text = String::from_utf8_lossy(&self.files[path]).into_owned();
        let folder = &path[..=path.rfind('/').unwrap()];
        MediaText::parse(&text)
            .segments
            .iter()
            .map(|s| format!("{folder}{}", s.last().unwrap()))
            .collect()
    }
}

static FIXTURES: OnceLock<Fixtures> = OnceLock::new();

/// The streams, made on first use.
pub fn fixtures() -> &'static Fixtures {
    FIXTURES.get_or_init(make)
}

/// A media playlist as lines: the header, then each segment's lines (its tags, then its
/// URI last). `EXT-X-ENDLIST` is left out and noted.
pub struct MediaText {
    pub header: Vec<String>,
    pub segments: Vec<Vec<String>>,
    pub ended: bool,
}

impl MediaText {
    pub fn parse(text: &str) -> MediaText {
        let mut pl = MediaText {
            header: Vec::new(),
            segments: Vec::new(),
            ended: false,
        };
        let mut pending: Vec<String> = Vec::new();
        let mut in_segments = false;
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            if line == "#EXT-X-ENDLIST" {
                pl.ended = true;
            } else if !line.starts_with('#') {
                pending.push(line.to_string());
                pl.segments.push(std::mem::take(&mut pending));
                in_segments = true;
            } else if in_segments
                || [
                    "#EXTINF",
                    "#EXT-X-BYTERANGE",
                    "#EXT-X-DISCONTINUITY",
                    "#EXT-X-KEY",
                    "#EXT-X-PROGRAM-DATE-TIME",
                ]
                .iter()
                .any(|t| line.starts_with(t))
            {
                pending.push(line.to_string());
                in_segments = true;
            } else {
                pl.header.push(line.to_string());
            }
        }
        pl
    }

    pub fn render(&self) -> String {
        let mut out = String::new();
        for line in self.header.iter().chain(self.segments.iter().flatten()) {
            out.push_str(line);
            out.push('\n');
        }
        if self.ended {
            out.push_str("#EXT-X-ENDLIST\n");
        }
        out
    }

    /// The header line starting `tag`, replaced by `line`.
    fn set_header(&mut self, tag: &str, line: String) {
        let at = self
            .header
            .iter()
            .position(|l| l.starts_with(tag))
            .unwrap_or_else(|| panic!("no {tag} in the playlist header"));
        self.header[at] = line;
    }
}

/// Runs ffmpeg (quiet, overwriting), panicking with its message when it fails.
pub fn ffmpeg(args: &[&str]) {
    let out = Command::new("ffmpeg")
        .args(["-hide_banner", "-nostdin", "-v", "error", "-y"])
        .args(args)
        .output()
        .expect("run ffmpeg (Debian package ffmpeg)");
    assert!(
        out.status.success(),
        "ffmpeg {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().expect("UTF-8 temp path")
}

/// A 6 s H.264 + AAC clip, a keyframe every 25 frames (1 s) and nowhere else.
fn encode(out: &Path, video: Option<&str>, audio: &str) {
    let mut args: Vec<String> = Vec::new();
    if let Some(v) = video {
        args.extend(["-f", "lavfi", "-i", v].map(String::from));
    }
    args.extend(["-f", "lavfi", "-i", audio].map(String::from));
    args.extend(["-t".to_string(), SECONDS.to_string()]);
    if video.is_some() {
        args.extend(
            [
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-pix_fmt",
                "yuv420p",
                "-g",
                "25",
                "-keyint_min",
                "25",
                "-sc_threshold",
                "0",
            ]
            .map(String::from),
        );
    }
    args.extend(["-c:a", "aac", "-b:a", "64k"].map(String::from));
    args.push(s(out).to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    ffmpeg(&args);
}

/// `src` segmented into 1 s HLS segments (copied, not encoded) as `dir/playlist`, the
/// segments `seg0.ts`, `seg1.ts`... unless `extra` names them.
fn hls(src: &Path, dir: &Path, playlist: &str, extra: &[&str]) {
    fs::create_dir_all(dir).unwrap();
    let mut args = vec!["-i", s(src), "-c", "copy"];
    args.extend_from_slice(extra);
    let out = dir.join(playlist);
    let segments = dir.join("seg%d.ts");
    if !extra.contains(&"-hls_segment_filename") {
        args.extend(["-hls_segment_filename", s(&segments)]);
    }
    args.extend([
        "-f",
        "hls",
        "-hls_time",
        "1",
        "-hls_playlist_type",
        "vod",
        s(&out),
    ]);
    ffmpeg(&args);
}

/// Every file under `dir`, as server paths under `prefix` (`/multi`).
fn load(dir: &Path, prefix: &str, files: &mut HashMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        if p.is_dir() {
            load(&p, &format!("{prefix}/{name}"), files);
        } else {
            files.insert(format!("{prefix}/{name}"), fs::read(&p).unwrap());
        }
    }
}

fn text(files: &HashMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(files[path].clone()).unwrap()
}

/// `avc1.PPCCLL` from the first `avcC` box of an MP4.
fn avc1_codec(mp4: &[u8]) -> String {
    let at = mp4
        .windows(4)
        .position(|w| w == b"avcC")
        .expect("an avcC box in the source MP4");
    let c = &mp4[at + 4..at + 8];
    assert_eq!(c[0], 1, "avcC configurationVersion");
    format!("avc1.{:02x}{:02x}{:02x}", c[1], c[2], c[3])
}

pub fn aes_cbc(key: &[u8; 16], iv: &[u8; 16], clear: &[u8]) -> Vec<u8> {
    cbc::Encryptor::<aes::Aes128>::new(key.into(), iv.into()).encrypt_padded_vec_mut::<Pkcs7>(clear)
}

/// The segments of `/plain/` as an AES-128 stream in `folder` (`/aes-seq/`): media
/// sequence numbers from `first`, segment `i` encrypted with the last of `keys` that
/// starts at or before it: `(first segment, key URI, key, IV)`, the IV `None` for the
/// media sequence number (RFC 8216 5.2), written as an `EXT-X-KEY` before that segment.
///
/// A wrong IV garbles only the first 16 bytes of a segment (CBC), and ffmpeg shrugs off a
/// damaged first TS packet when it is the SDT or PAT that comes first. So every segment
/// after the first starts with its first video packet (PAT and PMT right after it; the
/// PMT is known from the first segment by then): a wrong IV then breaks that keyframe and
/// the frames differ (`wrong_iv_rules_would_change_the_frames` in tests/video.rs).
/// `(first segment, key URI, key, IV)` of one `EXT-X-KEY`.
type KeyTag<'a> = (usize, &'a str, [u8; 16], Option<[u8; 16]>);

fn encrypted(files: &mut HashMap<String, Vec<u8>>, folder: &str, first: u64, keys: &[KeyTag<'_>]) {
    let plain = MediaText::parse(&text(files, PLAIN));
    let mut pl = MediaText {
        header: plain.header.clone(),
        segments: Vec::new(),
        ended: true,
    };
    pl.set_header(
        "#EXT-X-MEDIA-SEQUENCE",
        format!("#EXT-X-MEDIA-SEQUENCE:{first}"),
    );
    let mut key = None;
    for (i, seg) in plain.segments.iter().enumerate() {
        let mut lines = Vec::new();
        if let Some(k) = keys.iter().find(|k| k.0 == i) {
            let iv =
                k.3.map(|iv| format!(",IV=0x{}", hex(&iv)))
                    .unwrap_or_default();
            lines.push(format!("#EXT-X-KEY:METHOD=AES-128,URI=\"{}\"{iv}", k.1));
            files.insert(format!("{folder}{}", k.1), k.2.to_vec());
            key = Some(k);
        }
        let (_, _, k, iv) = key.expect("a key from the first segment on");
        let n = first + i as u64;
        let iv = iv.unwrap_or(u128::from(n).to_be_bytes());
        let clear = &files[&format!("/plain/{}", seg.last().unwrap())];
        let clear = if i == 0 {
            clear.clone()
        } else {
            video_first(clear)
        };
        let name = format!("seg{n}.ts");
        files.insert(format!("{folder}{name}"), aes_cbc(k, &iv, &clear));
        lines.extend(seg[..seg.len() - 1].iter().cloned());
        lines.push(name);
        pl.segments.push(lines);
    }
    files.insert(format!("{folder}index.m3u8"), pl.render().into_bytes());
}

/// The TS packets of `ts` with its first video packet (PID 0x100, ffmpeg's first stream)
/// moved to the front.
fn video_first(ts: &[u8]) -> Vec<u8> {
    assert_eq!(ts.len() % 188, 0, "whole TS packets");
    let packets: Vec<&[u8]> = ts.chunks(188).collect();
    let pid = |p: &[u8]| (usize::from(p[1] & 0x1f) << 8) | usize::from(p[2]);
    let at = packets
        .iter()
        .position(|p| pid(p) == 0x100)
        .expect("a video packet");
    assert!(
        packets[at][1] & 0x40 != 0,
        "the segment's first video packet starts a frame"
    );
    let mut out = packets[at].to_vec();
    for (i, p) in packets.iter().enumerate() {
        if i != at {
            out.extend_from_slice(p);
        }
    }
    out
}

/// The clear bytes of an AES-128-CBC segment (PKCS7 padding removed).
pub fn aes_cbc_decrypt(key: &[u8; 16], iv: &[u8; 16], data: &[u8]) -> Vec<u8> {
    use aes::cipher::BlockDecryptMut;
    cbc::Decryptor::<aes::Aes128>::new(key.into(), iv.into())
        .decrypt_padded_vec_mut::<Pkcs7>(data)
        .expect("PKCS7 padding")
}

fn make() -> Fixtures {
    let started = Instant::now();
    let tmp = tempfile::Builder::new()
        .prefix("imago-video-fixtures")
        .tempdir()
        .unwrap();
    let t = tmp.path();
    let src = |name: &str| t.join(format!("{name}.mp4"));

    // The source clips, two encodes at a time (the machine has two cores).
    let sources: [(&str, Option<String>, String); 5] = [
        ("a160", Some(testsrc("testsrc", 160, 120)), sine(440)),
        ("a320", Some(testsrc("testsrc", 320, 240)), sine(440)),
        ("a640", Some(testsrc("testsrc", 640, 360)), sine(440)),
        ("b320", Some(testsrc("testsrc2", 320, 240)), sine(880)),
        ("de", None, sine(660)),
    ];
    for pair in sources.chunks(2) {
        thread::scope(|sc| {
            for (name, video, audio) in pair {
                let out = src(name);
                sc.spawn(move || encode(&out, video.as_deref(), audio));
            }
        });
    }

    let mut files = HashMap::new();
    let staged = t.join("www");
    let disc_parts = t.join("disc-parts");
    let www = |p: &str| staged.join(p);
    let fmp4_segments = www("fmp4/seg%d.m4s");
    let range_file = www("range/all.ts");
    let (disc_a, disc_b) = (disc_parts.join("a%d.ts"), disc_parts.join("b%d.ts"));
    // (source clip, folder, playlist, more ffmpeg options)
    let jobs: Vec<(&str, PathBuf, &str, Vec<&str>)> = vec![
        // 1. The master's three variants, each a folder of TS segments.
        ("a160", www("multi/160"), "index.m3u8", vec![]),
        ("a320", www("multi/320"), "index.m3u8", vec![]),
        ("a640", www("multi/640"), "index.m3u8", vec![]),
        // A media playlist for the fault tests, and the segments encrypted below.
        ("a320", www("plain"), "index.m3u8", vec![]),
        // 2. fMP4.
        (
            "a320",
            www("fmp4"),
            "index.m3u8",
            vec![
                "-hls_segment_type",
                "fmp4",
                "-hls_fmp4_init_filename",
                "init.mp4",
                "-hls_segment_filename",
                s(&fmp4_segments),
            ],
        ),
        // 5. One file read in byte ranges.
        (
            "a320",
            www("range"),
            "index.m3u8",
            vec![
                "-hls_flags",
                "single_file",
                "-hls_segment_filename",
                s(&range_file),
            ],
        ),
        // 6. A video-only variant and sound-only renditions.
        (
            "a320",
            www("rendition/video"),
            "index.m3u8",
            vec!["-map", "0:v:0"],
        ),
        (
            "a320",
            www("rendition/en"),
            "index.m3u8",
            vec!["-map", "0:a:0"],
        ),
        (
            "de",
            www("rendition/de"),
            "index.m3u8",
            vec!["-map", "0:a:0"],
        ),
        // 7. Two clips, to be joined by a discontinuity.
        (
            "a320",
            disc_parts.clone(),
            "a.m3u8",
            vec!["-hls_segment_filename", s(&disc_a)],
        ),
        (
            "b320",
            disc_parts.clone(),
            "b.m3u8",
            vec!["-hls_segment_filename", s(&disc_b)],
        ),
    ];
    // Segmenting copies (no encoding): all at once, with the sources' frame hashes.
    let clips = thread::scope(|sc| {
        for (clip, dir, playlist, extra) in &jobs {
            let from = src(clip);
            sc.spawn(move || hls(&from, dir, playlist, extra));
        }
        let handles: Vec<_> = sources
            .iter()
            .map(|(name, video, _)| {
                let file = src(name);
                let has_video = video.is_some();
                sc.spawn(move || (*name, clip_of(&file, has_video)))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap())
            .collect::<HashMap<_, _>>()
    });
    let multi = ["a160", "a320", "a640"]
        .into_iter()
        .map(|c| (c, format!("/multi/{}/", &c[1..])))
        .collect::<Vec<_>>();
    load(&staged, "", &mut files);

    // The master of /multi, written by hand as CDNs do: peak bandwidth of its segments.
    let mut variants = Vec::new();
    let mut master = String::from("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-INDEPENDENT-SEGMENTS\n");
    // Listed middle, largest, smallest: the choice must not be by order.
    let mp4s: HashMap<&str, Vec<u8>> = ["a160", "a320", "a640"]
        .into_iter()
        .map(|c| (c, fs::read(src(c)).unwrap()))
        .collect();
    for (clip, folder) in multi {
        let playlist = format!("{folder}index.m3u8");
        let pl = MediaText::parse(&text(&files, &playlist));
        let peak = pl
            .segments
            .iter()
            .map(|seg| {
                let secs: f64 = seg[0]
                    .trim_start_matches("#EXTINF:")
                    .trim_end_matches(',')
                    .parse()
                    .unwrap();
                let bytes = files[&format!("{folder}{}", seg.last().unwrap())].len();
                (bytes as f64 * 8.0 / secs) as u64
            })
            .max()
            .unwrap();
        let bandwidth = peak.div_ceil(1000) * 1000;
        let segments = pl
            .segments
            .iter()
            .map(|seg| format!("{folder}{}", seg.last().unwrap()))
            .collect();
        variants.push(MultiVariant {
            clip,
            folder,
            bandwidth,
            segments,
        });
    }
    for i in [1, 2, 0] {
        let v = &variants[i];
        let (w, h) = size_of(v.clip);
        master.push_str(&format!(
            "#EXT-X-STREAM-INF:BANDWIDTH={},AVERAGE-BANDWIDTH={},RESOLUTION={w}x{h},CODECS=\"{},mp4a.40.2\",FRAME-RATE=25.000\n{}index.m3u8\n",
            v.bandwidth,
            v.bandwidth * 9 / 10,
            avc1_codec(&mp4s[v.clip]),
            v.folder.trim_start_matches("/multi/"),
        ));
    }
    assert!(
        variants.windows(2).all(|w| w[0].bandwidth < w[1].bandwidth),
        "the variants' bandwidths grow with their size"
    );
    files.insert(MULTI.to_string(), master.into_bytes());

    // 3. AES-128 with an explicit IV, and 4. without one (the IV is the media sequence
    // number) and a new key from the fourth segment on: the plain segments, encrypted here.
    encrypted(
        &mut files,
        "/aes-iv/",
        AES_IV_FIRST,
        &[(0, "key.bin", KEY_IV, Some(EXPLICIT_IV))],
    );
    encrypted(
        &mut files,
        "/aes-seq/",
        AES_SEQ_FIRST,
        &[(0, "key1.bin", KEY_1, None), (3, "key2.bin", KEY_2, None)],
    );

    // 6. The master of the renditions: no CODECS, the default rendition listed second.
    files.insert(
        RENDITION.to_string(),
        b"#EXTM3U\n#EXT-X-VERSION:3\n\
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"Deutsch\",LANGUAGE=\"de\",DEFAULT=NO,AUTOSELECT=NO,URI=\"de/index.m3u8\"\n\
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"English\",LANGUAGE=\"en\",DEFAULT=YES,AUTOSELECT=YES,URI=\"en/index.m3u8\"\n\
#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=320x240,AUDIO=\"aud\"\n\
video/index.m3u8\n"
            .to_vec(),
    );

    // 7. a's segments, a discontinuity, b's segments.
    let mut parts = HashMap::new();
    load(&disc_parts, "/disc", &mut parts);
    let a = MediaText::parse(&text(&parts, "/disc/a.m3u8"));
    let b = MediaText::parse(&text(&parts, "/disc/b.m3u8"));
    let mut disc = MediaText {
        header: a.header.clone(),
        segments: a.segments.clone(),
        ended: true,
    };
    for (i, seg) in b.segments.iter().enumerate() {
        let mut lines = seg.clone();
        if i == 0 {
            lines.insert(0, "#EXT-X-DISCONTINUITY".to_string());
        }
        disc.segments.push(lines);
    }
    parts.retain(|k, _| k.ends_with(".ts"));
    files.extend(parts);
    files.insert(DISC.to_string(), disc.render().into_bytes());

    // 8. The EVENT playlist (it grows by the server's Fault::Grow).
    let mut event = MediaText::parse(&text(&files, PLAIN));
    event.set_header(
        "#EXT-X-PLAYLIST-TYPE",
        "#EXT-X-PLAYLIST-TYPE:EVENT".to_string(),
    );
    for seg in &event.segments {
        let name = seg.last().unwrap();
        files.insert(
            format!("/event/{name}"),
            files[&format!("/plain/{name}")].clone(),
        );
    }
    files.insert(EVENT.to_string(), event.render().into_bytes());

    // 12. A page whose stream is a copy of /multi under the page's folder.
    let copies: Vec<(String, Vec<u8>)> = files
        .iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("/multi/")
                .map(|rest| (format!("/shop/stream/{rest}"), v.clone()))
        })
        .collect();
    files.extend(copies);
    files.insert(
        SHOP_PAGE.to_string(),
        b"<!doctype html>\n<html><head><title>Red Mug</title></head><body>\n\
<h1>Red Mug</h1>\n<video controls width=\"640\" src=\"stream/master.m3u8\"></video>\n\
</body></html>\n"
            .to_vec(),
    );
    files.insert(
        TWO_PAGE.to_string(),
        format!(
            "<!doctype html>\n<html><head><title>Two videos</title></head><body>\n\
<video controls src=\"{MULTI}\"></video>\n\
<video controls><source src=\"{FMP4}\" type=\"application/x-mpegURL\"></video>\n\
<p>The first one again:</p>\n<video controls src=\"{MULTI}\"></video>\n\
</body></html>\n"
        )
        .into_bytes(),
    );
    files.insert(FILE_MP4.to_string(), fs::read(src("a320")).unwrap());

    for v in &variants {
        assert_eq!(
            v.segments.len(),
            SECONDS as usize,
            "{}: one segment a second",
            v.folder
        );
    }

    Fixtures {
        files: Arc::new(files),
        clips,
        multi: variants,
        took: started.elapsed(),
    }
}

fn clip_of(file: &Path, has_video: bool) -> Clip {
    let bytes = fs::read(file).unwrap();
    let (width, height, frames, codecs) = if has_video {
        let name = file.file_stem().unwrap().to_str().unwrap();
        let (w, h) = size_of(name);
        (w, h, video_frames(file), avc1_codec(&bytes))
    } else {
        (0, 0, Vec::new(), String::new())
    };
    assert!(!has_video || frames.len() == 25 * SECONDS as usize);
    Clip {
        width,
        height,
        duration: probe_duration(file),
        frames,
        audio: audio_packets(file),
        codecs,
    }
}

fn size_of(clip: &str) -> (u32, u32) {
    match &clip[1..] {
        "160" => (160, 120),
        "320" => (320, 240),
        "640" => (640, 360),
        other => panic!("no size for {other}"),
    }
}

fn testsrc(filter: &str, w: u32, h: u32) -> String {
    format!("{filter}=size={w}x{h}:rate=25")
}

fn sine(hz: u32) -> String {
    format!("sine=frequency={hz}:sample_rate=44100")
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
