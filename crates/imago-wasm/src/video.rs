//! `videos` and `readPlaylist`: the videos a page names (`imago list --video`'s rows)
//! and what an HLS playlist offers (variants, duration), read by the core, so the
//! extension's video cards say what the command line says.

use imago_core::discover::video::{find_videos, VideoRef};
use imago_core::hls::{self, Playlist};
use serde::Serialize;
use url::Url;
use wasm_bindgen::prelude::*;

use crate::boundary::{to_js, Error};

/// The videos of a page's HTML, each once, in page order.
pub fn page_videos(html: &str, page_url: &str) -> Result<Vec<VideoRef>, Error> {
    let page = Url::parse(page_url)
        .map_err(|e| Error::new(format!("pageUrl {page_url:?}: not an absolute URL ({e})")))?;
    Ok(find_videos(html, &page))
}

/// One variant of a master playlist.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct VariantRow {
    pub url: String,
    pub width: Option<u64>,
    pub height: Option<u64>,
    pub bandwidth: u64,
    pub codecs: Option<String>,
    /// The separate audio rendition that plays with it, by name.
    pub audio: Option<String>,
}

/// What a playlist offers.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PlaylistInfo {
    /// `master` (variants to choose from) or `media` (segments).
    pub kind: &'static str,
    /// Best first; empty for a media playlist.
    pub variants: Vec<VariantRow>,
    /// The playlists of a master's audio renditions (a player requests them too: they
    /// are this stream, not streams of their own).
    pub renditions: Vec<String>,
    /// A media playlist's length in seconds (`null` for a master: its variants' lists
    /// say).
    pub duration: Option<f64>,
    pub segments: Option<usize>,
    /// No `EXT-X-ENDLIST`: still growing.
    pub live: Option<bool>,
    pub encrypted: Option<bool>,
}

/// Reads the playlist `text` fetched from `url`.
pub fn read_playlist(text: &str, url: &str) -> Result<PlaylistInfo, Error> {
    let base = Url::parse(url)
        .map_err(|e| Error::new(format!("url {url:?}: not an absolute URL ({e})")))?;
    match hls::parse(text.as_bytes(), &base).map_err(|e| Error::new(e.to_string()))? {
        Playlist::Master(m) => {
            let mut rows: Vec<VariantRow> = m
                .variants
                .iter()
                .map(|v| VariantRow {
                    url: v.url.to_string(),
                    width: v.width,
                    height: v.height,
                    bandwidth: v.bandwidth,
                    codecs: v.codecs.clone(),
                    audio: hls::audio_rendition(&m, v).map(|a| a.name.clone()),
                })
                .collect();
            rows.sort_by_key(|v| std::cmp::Reverse((v.bandwidth, v.height)));
            Ok(PlaylistInfo {
                kind: "master",
                variants: rows,
                renditions: m
                    .audio
                    .iter()
                    .filter_map(|a| a.url.as_ref().map(Url::to_string))
                    .collect(),
                duration: None,
                segments: None,
                live: None,
                encrypted: None,
            })
        }
        Playlist::Media(m) => Ok(PlaylistInfo {
            kind: "media",
            variants: Vec::new(),
            renditions: Vec::new(),
            duration: Some((m.duration() * 1000.0).round() / 1000.0),
            segments: Some(m.segments.len()),
            live: Some(!m.ended),
            encrypted: Some(m.segments.iter().any(|s| s.key.is_some())),
        }),
    }
}

/// The videos of a page's HTML (HLS playlists and files), each once.
#[wasm_bindgen(js_name = videos, unchecked_return_type = "VideoRef[]")]
pub fn videos_js(
    html: &str,
    #[wasm_bindgen(js_name = pageUrl)] page_url: &str,
) -> Result<JsValue, JsError> {
    to_js(&page_videos(html, page_url)?)
}

/// What an HLS playlist offers: a master's variants (best first), a media playlist's
/// duration and segments.
#[wasm_bindgen(js_name = readPlaylist, unchecked_return_type = "PlaylistInfo")]
pub fn read_playlist_js(text: &str, url: &str) -> Result<JsValue, JsError> {
    to_js(&read_playlist(text, url)?)
}
