//! A page's video saved as one MP4: HLS playlists read, the chosen variant's segments
//! (and its separate audio rendition's) fetched several at once, decrypted, checked
//! whole, then remuxed by the step the binary plugs in ([`Remux`]).
//!
//! Decisions a caller should know:
//! - **Only what is needed**: the master's variant is chosen by [`Quality`] and only its
//!   playlist, segments and keys are requested (plus its audio group's rendition).
//! - **No gaps**: a segment is retried like any request (5xx, timeouts) and also when it
//!   arrives cut short (shorter than `Content-Length`, or a TS packet or MP4 box cut,
//!   or padding that does not decrypt). One that stays unavailable fails the stream with
//!   its number and URL; no MP4 with a hole is ever written.
//! - **The client's manners**: the same [`Client`](crate::Client) as `grab` (its
//!   per-host limit, delays, cookies, User-Agent), the page as `Referer`.
//! - **Resumable**: finished segments are files in `DIR/.imago-video-<hash>/`
//!   (`work.rs`); a failed or interrupted run keeps them and the next run of the same
//!   stream fetches only the rest. Success leaves only the MP4.
//! - **Live and EVENT playlists** are reloaded until `EXT-X-ENDLIST`, until `live_max`
//!   of video is saved, or until they stop growing; saved from the first segment listed.

mod check;
mod crypto;
mod fetch;
mod file;
mod playlist;
mod remux;
mod sections;
mod segments;
mod work;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use url::Url;

use imago_core::hls::{self, HlsError, Playlist, Quality};

use crate::client::Client;
use crate::disk_error::DiskError;
use crate::error::FetchError;

pub use remux::{Remux, RemuxJob, Remuxed};

/// Segments in flight at once per stream when the caller does not say. Segments
/// usually come from one CDN host, so the client's per-host limit should be at least
/// this (`imago video` raises it).
pub const DEFAULT_WINDOW: usize = 12;

/// One stream to save.
#[derive(Clone)]
pub struct StreamRequest {
    /// A master or media playlist.
    pub url: Url,
    /// The page it plays on: sent as `Referer`.
    pub referer: Option<Url>,
    pub quality: Quality,
    /// Stop a live stream after this much video.
    pub live_max: Option<Duration>,
    /// Segments in flight at once.
    pub window: usize,
    /// The folder the MP4 goes into (its work folder is made there too).
    pub out_dir: PathBuf,
    /// The MP4's name without extension (sanitized here; `-2`, `-3` added when taken).
    pub stem: String,
}

/// The variant that was saved.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct VariantInfo {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub width: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub height: Option<u64>,
    pub bandwidth: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub codecs: Option<String>,
    /// The separate audio rendition's name, when one was added.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<String>,
}

/// A stream on disk.
#[derive(Clone, Debug)]
pub struct SavedStream {
    pub path: PathBuf,
    /// `None` when the URL was a media playlist (nothing to choose).
    pub variant: Option<VariantInfo>,
    pub width: u32,
    pub height: u32,
    pub duration_secs: f64,
    pub bytes: u64,
    /// Segments in the MP4 (video and audio renditions together).
    pub segments: u64,
    /// Of those, found on disk from an earlier run.
    pub resumed: u64,
    /// Something to know (a live stream cut by `live_max`).
    pub note: Option<String>,
}

/// Why a stream was not saved. Each message names the URL, and for a segment its number.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum VideoError {
    #[error("cannot fetch the playlist {url}: {source}")]
    Playlist { url: String, source: FetchError },
    #[error("{url}: {source}")]
    Hls { url: String, source: HlsError },
    #[error("{0} is a master playlist where a variant's playlist was expected")]
    NestedMaster(String),
    #[error("the playlist {0} lists no segment")]
    Empty(String),
    #[error("segment {sequence} ({url}): {source}")]
    Segment {
        sequence: u64,
        url: String,
        source: FetchError,
    },
    #[error("the key {url}: {source}")]
    Key { url: String, source: FetchError },
    #[error("the initialization section {url}: {source}")]
    Init { url: String, source: FetchError },
    #[error("cannot write {}: {source}", path.display())]
    Disk {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}")]
    Place(#[from] DiskError),
    #[error("cannot remux to MP4: {0}")]
    Remux(String),
    #[error("cannot download the video {url}: {source}")]
    File { url: String, source: FetchError },
    #[error("{0} is not a video file (no MP4, MOV or WebM header)")]
    NotVideo(String),
}

impl VideoError {
    /// The URL is not a playlist at all: the user's input, not a failure on the way.
    pub fn is_bad_input(&self) -> bool {
        matches!(
            self,
            VideoError::Hls {
                source: HlsError::NotAPlaylist,
                ..
            }
        )
    }
}

/// Progress of one stream: the track (`v` video or muxed, `a` separate audio),
/// segments finished, segments listed so far.
pub type Progress = dyn Fn(char, u64, u64) + Send + Sync;

/// What a stream offers, for `imago list --video` (nothing is downloaded but playlists).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct StreamInfo {
    /// The master's variants, best first (empty for a media playlist).
    pub variants: Vec<VariantInfo>,
    /// Seconds, from the best variant's playlist.
    pub duration: f64,
    pub segments: usize,
    /// No `EXT-X-ENDLIST`: a live or EVENT stream, still growing.
    pub live: bool,
    /// The segments are encrypted (AES-128).
    pub encrypted: bool,
}

impl Client {
    /// Reads a stream's playlists: its variants, and the best one's length.
    pub async fn read_stream(
        &self,
        url: &Url,
        referer: Option<&Url>,
    ) -> Result<StreamInfo, VideoError> {
        let inner = &*self.inner;
        let (variants, media) = match playlist::load(inner, url, referer).await? {
            Playlist::Media(m) => (Vec::new(), m),
            Playlist::Master(master) => {
                let mut sorted: Vec<&hls::Variant> = master.variants.iter().collect();
                sorted.sort_by_key(|v| std::cmp::Reverse((v.bandwidth, v.height)));
                let best = sorted.first().ok_or_else(|| VideoError::Hls {
                    url: url.to_string(),
                    source: HlsError::NoVariant,
                })?;
                let media = playlist::load_media(inner, &best.url, referer).await?;
                let rows = sorted
                    .iter()
                    .map(|v| VariantInfo {
                        width: v.width,
                        height: v.height,
                        bandwidth: v.bandwidth,
                        codecs: v.codecs.clone(),
                        audio: hls::audio_rendition(&master, v).map(|a| a.name.clone()),
                    })
                    .collect();
                (rows, media)
            }
        };
        Ok(StreamInfo {
            variants,
            duration: (media.duration() * 1000.0).round() / 1000.0,
            segments: media.segments.len(),
            live: !media.ended,
            encrypted: media.segments.iter().any(|s| s.key.is_some()),
        })
    }

    /// Saves one HLS stream as MP4 (see the module documentation).
    pub async fn save_stream(
        &self,
        req: &StreamRequest,
        remux: Arc<dyn Remux>,
        progress: &Progress,
    ) -> Result<SavedStream, VideoError> {
        // Whether the remux can run is asked while the playlists load (it starts
        // programs), and answered before any segment is fetched.
        let ready = tokio::task::spawn_blocking({
            let remux = remux.clone();
            move || remux.ready()
        });
        let inner = &*self.inner;
        let referer = req.referer.as_ref();
        let (video_url, media, audio, variant) =
            match playlist::load(inner, &req.url, referer).await? {
                Playlist::Media(m) => (req.url.clone(), m, None, None),
                Playlist::Master(master) => {
                    let chosen = hls::choose(&master.variants, req.quality)
                        .ok_or_else(|| VideoError::Hls {
                            url: req.url.to_string(),
                            source: HlsError::NoVariant,
                        })?
                        .clone();
                    let audio = hls::audio_rendition(&master, &chosen).cloned();
                    let media = playlist::load_media(inner, &chosen.url, referer).await?;
                    let info = VariantInfo {
                        width: chosen.width,
                        height: chosen.height,
                        bandwidth: chosen.bandwidth,
                        codecs: chosen.codecs.clone(),
                        audio: audio.as_ref().map(|a| a.name.clone()),
                    };
                    (chosen.url, media, audio, Some(info))
                }
            };
        ready
            .await
            .map_err(|e| VideoError::Remux(format!("the check stopped: {e}")))?
            .map_err(VideoError::Remux)?;
        let audio_url = audio.and_then(|a| a.url);
        let mut names = vec![&video_url];
        names.extend(audio_url.as_ref());
        std::fs::create_dir_all(&req.out_dir).map_err(|e| VideoError::Disk {
            path: req.out_dir.clone(),
            source: e,
        })?;
        let work = work::folder_for(&req.out_dir, &names);
        std::fs::create_dir_all(&work).map_err(|e| VideoError::Disk {
            path: work.clone(),
            source: e,
        })?;

        let keys = crypto::Keys::default();
        let track = |letter| segments::Track {
            inner,
            keys: &keys,
            referer,
            work: &work,
            letter,
            window: req.window,
            live_max: req.live_max,
            progress,
        };
        let (v_track, a_track) = (track('v'), track('a'));
        let video = segments::fetch_track(&v_track, &video_url, media);
        let (video, audio) = match &audio_url {
            None => (video.await?, None),
            Some(url) => {
                let audio = async {
                    let media = playlist::load_media(inner, url, referer).await?;
                    segments::fetch_track(&a_track, url, media).await
                };
                let (v, a) = tokio::try_join!(video, audio)?;
                (v, Some(a))
            }
        };

        let segments =
            video.segments.len() as u64 + audio.as_ref().map_or(0, |a| a.segments.len() as u64);
        let resumed = video.resumed + audio.as_ref().map_or(0, |a| a.resumed);
        let note = video.stopped.clone();
        let out_dir = req.out_dir.clone();
        let stem = req.stem.clone();
        let work_dir = work.clone();
        let (path, remuxed, bytes) = tokio::task::spawn_blocking(move || {
            finish(&work_dir, &out_dir, &stem, &video, audio.as_ref(), &*remux)
        })
        .await
        .map_err(|e| VideoError::Remux(format!("the remux stopped: {e}")))??;
        // Only now is the work folder done with: a failure above keeps it for a resume.
        let _ = std::fs::remove_dir_all(&work);
        Ok(SavedStream {
            path,
            variant,
            width: remuxed.width,
            height: remuxed.height,
            duration_secs: remuxed.duration_secs,
            bytes,
            segments,
            resumed,
            note,
        })
    }
}

/// Joins the pieces, remuxes them and moves the MP4 into place.
fn finish(
    work: &Path,
    out_dir: &Path,
    stem: &str,
    video: &segments::Fetched,
    audio: Option<&segments::Fetched>,
    remux: &dyn Remux,
) -> Result<(PathBuf, Remuxed, u64), VideoError> {
    let disk = |source| VideoError::Disk {
        path: work.to_path_buf(),
        source,
    };
    let v = sections::join(work, 'v', video).map_err(disk)?;
    let a = match audio {
        Some(a) => sections::join(work, 'a', a).map_err(disk)?,
        None => Vec::new(),
    };
    let out = work.join("out.mp4");
    let remuxed = remux
        .remux(&RemuxJob {
            video: &v,
            audio: &a,
            out: &out,
        })
        .map_err(VideoError::Remux)?;
    let bytes = std::fs::metadata(&out).map_err(disk)?.len();
    let path = place_numbered(out_dir, stem, "mp4", &out)?;
    Ok((path, remuxed, bytes))
}

/// Moves `temp` to `dir/stem.ext`, or `stem-2.ext`, ... when the name is taken: a file
/// the user has is never replaced.
fn place_numbered(dir: &Path, stem: &str, ext: &str, temp: &Path) -> Result<PathBuf, VideoError> {
    let stem = imago_core::naming::sanitize_file_name(stem);
    let stem = if stem.is_empty() {
        "video".to_string()
    } else {
        stem
    };
    for n in 1..=1000u32 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        match crate::place::place(dir, &[name], temp) {
            Ok(p) => return Ok(p),
            Err(DiskError::Exists { .. }) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(VideoError::Remux(format!(
        "no free name for {stem}.{ext} in {}",
        dir.display()
    )))
}

/// The SHA-256 of a saved file, for the `saved` event (read in 1 MiB pieces: a video
/// is not held in memory).
pub fn file_sha256(path: &Path) -> std::io::Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// A name for the stream's file when the caller has none better: the playlist's file
/// name, or its folder's when the file is one of the usual generic names
/// (`master.m3u8`, `index.m3u8`, `playlist.m3u8`).
pub fn stem_for(url: &Url) -> String {
    const GENERIC: [&str; 6] = ["master", "index", "playlist", "prog_index", "main", "video"];
    let mut parts: Vec<&str> = url
        .path_segments()
        .map(|s| s.filter(|p| !p.is_empty()).collect())
        .unwrap_or_default();
    while let Some(last) = parts.pop() {
        let stem = last.rsplit_once('.').map_or(last, |(s, _)| s);
        let decoded = percent_decode(stem);
        if !decoded.is_empty() && !GENERIC.contains(&decoded.to_ascii_lowercase().as_str()) {
            return decoded;
        }
    }
    "video".to_string()
}

fn percent_decode(s: &str) -> String {
    url::form_urlencoded::parse(format!("x={}", s.replace('+', "%2B")).as_bytes())
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_else(|| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::stem_for;

    #[test]
    fn stems_skip_generic_playlist_names() {
        let s = |u: &str| stem_for(&url::Url::parse(u).unwrap());
        assert_eq!(s("https://cdn/v/launch-film/master.m3u8"), "launch-film");
        assert_eq!(s("https://cdn/clip%20one.m3u8?x=1"), "clip one");
        assert_eq!(s("https://cdn/index.m3u8"), "video");
        assert_eq!(s("https://cdn/a+b.m3u8"), "a+b");
    }
}
