//! One rendition's segments into the work folder: several at once in a bounded window
//! (`buffer_unordered`: a slow segment does not hold the others back, and at most
//! `window` bodies are in memory), each fetched, decrypted, checked whole and written
//! as its own file. A live or EVENT playlist is reloaded for the segments it adds.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use std::sync::atomic::{AtomicU64, Ordering};

use futures_util::stream::{self, StreamExt};
use url::Url;

use imago_core::hls::{ByteRange, Init, Media, Segment};

use crate::client::Inner;
use crate::error::FetchError;

use super::check;
use super::crypto::{decrypt, Keys};
use super::fetch::fetch_checked;
use super::playlist::load_media;
use super::work::{init_file, segment_file, write_whole};
use super::VideoError;

/// Reloads of a live playlist that add nothing before it is taken as finished: a
/// server must add a segment within 1.5 target durations (RFC 8216 §6.2.1), so six is
/// a stream that stopped, not a slow one.
const IDLE_RELOADS: u32 = 6;

/// What one rendition needs to be fetched.
pub(crate) struct Track<'a> {
    pub(crate) inner: &'a Inner,
    pub(crate) keys: &'a Keys,
    pub(crate) referer: Option<&'a Url>,
    pub(crate) work: &'a Path,
    /// `v` for the video (or muxed) rendition, `a` for a separate audio one.
    pub(crate) letter: char,
    pub(crate) window: usize,
    pub(crate) live_max: Option<Duration>,
    /// Called after each finished segment with the count so far and the count listed.
    pub(crate) progress: &'a (dyn Fn(char, u64, u64) + Send + Sync),
}

/// A rendition on disk.
pub(crate) struct Fetched {
    pub(crate) segments: Vec<Segment>,
    /// Each initialization section's index (its file name).
    pub(crate) inits: HashMap<(Url, Option<ByteRange>), usize>,
    /// Segments found on disk from an earlier run.
    pub(crate) resumed: u64,
    /// Why a live playlist was left before its end, when it was.
    pub(crate) stopped: Option<String>,
}

impl Fetched {
    pub(crate) fn init_index(&self, init: &Init) -> Option<usize> {
        self.inits.get(&(init.url.clone(), init.range)).copied()
    }
}

pub(crate) async fn fetch_track(
    t: &Track<'_>,
    playlist: &Url,
    first: Media,
) -> Result<Fetched, VideoError> {
    let mut out = Fetched {
        segments: Vec::new(),
        inits: HashMap::new(),
        resumed: 0,
        stopped: None,
    };
    let mut media = first;
    let mut idle = 0;
    loop {
        let last = out.segments.last().map(|s| s.sequence);
        let new: Vec<Segment> = media
            .segments
            .iter()
            .filter(|s| last.is_none_or(|l| s.sequence > l))
            .cloned()
            .collect();
        if new.is_empty() {
            idle += 1;
        } else {
            idle = 0;
            fetch_inits(t, &new, &mut out.inits).await?;
            let listed = (out.segments.len() + new.len()) as u64;
            let before = out.segments.len() as u64;
            let counts = Counts {
                done: AtomicU64::new(before),
                resumed: AtomicU64::new(0),
                listed,
            };
            // Owned segments: a stream of references trips the compiler's proof that the
            // future is Send (a rustc limitation with higher-ranked lifetimes) where
            // callers need it to be.
            let mut running = stream::iter(new.clone())
                .map(|seg| fetch_counted(t, seg, &counts))
                .buffer_unordered(t.window.max(1));
            while let Some(done) = running.next().await {
                done?;
            }
            drop(running);
            let resumed = counts.resumed;
            out.resumed += resumed.into_inner();
            out.segments.extend(new);
        }
        if media.ended {
            break;
        }
        let saved: f64 = out.segments.iter().map(|s| s.duration).sum();
        if let Some(max) = t.live_max {
            if saved >= max.as_secs_f64() {
                out.stopped = Some(format!(
                    "a live stream: stopped after {saved:.0} s (--live-max)"
                ));
                break;
            }
        }
        if idle >= IDLE_RELOADS {
            out.stopped = Some(format!(
                "a live stream that stopped adding segments: saved the {saved:.0} s it listed"
            ));
            break;
        }
        // RFC 8216 §6.3.4: reload after a target duration, after half of one when the
        // last reload brought nothing new.
        let target = Duration::from_secs(media.target_duration.clamp(1, 10));
        tokio::time::sleep(if idle > 0 { target / 2 } else { target }).await;
        media = load_media(t.inner, playlist, t.referer).await?;
    }
    if out.segments.is_empty() {
        return Err(VideoError::Empty(playlist.to_string()));
    }
    Ok(out)
}

/// The initialization sections `segments` need that are not on disk yet, fetched once
/// each, in order.
async fn fetch_inits(
    t: &Track<'_>,
    segments: &[Segment],
    inits: &mut HashMap<(Url, Option<ByteRange>), usize>,
) -> Result<(), VideoError> {
    for init in segments.iter().filter_map(|s| s.init.as_ref()) {
        let id = (init.url.clone(), init.range);
        if inits.contains_key(&id) {
            continue;
        }
        let index = inits.len();
        let path = init_file(t.work, t.letter, index);
        if !path.exists() {
            let key = match &init.key {
                Some((url, iv)) => Some((key_for(t, url).await?, *iv)),
                None => None,
            };
            let data = fetch_checked(
                t.inner,
                &init.url,
                t.referer,
                init.range,
                t.inner.cfg.max_bytes,
                |body, _| match &key {
                    Some((k, iv)) => decrypt(body, k, iv),
                    None => Ok(body),
                },
            )
            .await
            .map_err(|source| VideoError::Init {
                url: init.url.to_string(),
                source,
            })?;
            write_whole(&path, &data).await?;
        }
        inits.insert(id, index);
    }
    Ok(())
}

async fn key_for(t: &Track<'_>, url: &Url) -> Result<[u8; 16], VideoError> {
    t.keys
        .get(t.inner, url, t.referer)
        .await
        .map_err(|source| VideoError::Key {
            url: url.to_string(),
            source,
        })
}

/// Segments finished so far in one round of a track, for its progress.
struct Counts {
    done: AtomicU64,
    resumed: AtomicU64,
    listed: u64,
}

/// One segment of a round, counted when it is on disk.
async fn fetch_counted(t: &Track<'_>, seg: Segment, counts: &Counts) -> Result<(), VideoError> {
    if fetch_segment(t, &seg).await? {
        counts.resumed.fetch_add(1, Ordering::Relaxed);
    }
    let n = counts.done.fetch_add(1, Ordering::Relaxed) + 1;
    (t.progress)(t.letter, n, counts.listed);
    Ok(())
}

/// Fetches one segment into its file; `true` when the file was there already.
async fn fetch_segment(t: &Track<'_>, seg: &Segment) -> Result<bool, VideoError> {
    let path = segment_file(t.work, t.letter, seg.sequence);
    if tokio::fs::metadata(&path).await.is_ok_and(|m| m.len() > 0) {
        return Ok(true);
    }
    let key = match &seg.key {
        Some(k) => Some((key_for(t, &k.url).await?, k.iv)),
        None => None,
    };
    let fmp4 = seg.init.is_some();
    let data = fetch_checked(
        t.inner,
        &seg.url,
        t.referer,
        seg.range,
        t.inner.cfg.max_bytes,
        |body, _| -> Result<Vec<u8>, FetchError> {
            let clear = match &key {
                Some((k, iv)) => decrypt(body, k, iv)?,
                None => body,
            };
            if fmp4 || clear.first() == Some(&0x47) {
                check::whole(&clear)?;
            }
            Ok(clear)
        },
    )
    .await
    .map_err(|source| VideoError::Segment {
        sequence: seg.sequence,
        url: seg.url.to_string(),
        source,
    })?;
    write_whole(&path, &data).await?;
    Ok(false)
}
