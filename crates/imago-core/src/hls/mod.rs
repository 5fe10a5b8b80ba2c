//! HLS playlists, read into what a downloader needs: a master's variants and audio
//! renditions, a media playlist's segments with every URL absolute and every inherited
//! tag resolved on the segment it applies to.
//!
//! The text is parsed by `m3u8-rs`; this module adds the rules the parser leaves to its
//! caller. `EXT-X-KEY` and `EXT-X-MAP` apply to every segment after them until the next
//! one (the parser attaches them to the first only); a key's IV, when the tag gives none,
//! is the segment's media sequence number (RFC 8216 §5.2), which is the case a popular
//! browser extension gets wrong; an `EXT-X-BYTERANGE` without an offset starts where the
//! previous segment's range of the same resource ended. Pure, so the browser extension
//! reads playlists with the same code (WebAssembly).

mod quality;

use url::Url;

pub use quality::{audio_rendition, choose, Quality};

/// The most segments one playlist may list: about a day of 2-second segments. A longer
/// list is a hostile or broken server, not a video.
pub const MAX_SEGMENTS: usize = 50_000;

/// A parsed playlist.
#[derive(Clone, Debug, PartialEq)]
pub enum Playlist {
    /// Variants of one stream at several bitrates, and its renditions.
    Master(Master),
    /// The segments of one rendition.
    Media(Media),
}

/// A master playlist.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Master {
    /// The variants a player may switch between (I-frame-only ones left out).
    pub variants: Vec<Variant>,
    /// The `EXT-X-MEDIA` audio renditions.
    pub audio: Vec<Rendition>,
}

/// One `EXT-X-STREAM-INF` variant.
#[derive(Clone, Debug, PartialEq)]
pub struct Variant {
    pub url: Url,
    /// Peak bits per second.
    pub bandwidth: u64,
    pub width: Option<u64>,
    pub height: Option<u64>,
    /// `CODECS` as written (`avc1.64001f,mp4a.40.2`), when given.
    pub codecs: Option<String>,
    /// The `AUDIO` group its sound comes from, when it is not muxed into its segments.
    pub audio_group: Option<String>,
}

/// One `EXT-X-MEDIA:TYPE=AUDIO` rendition.
#[derive(Clone, Debug, PartialEq)]
pub struct Rendition {
    pub group: String,
    pub name: String,
    pub language: Option<String>,
    /// Its own media playlist; `None` when its sound is inside the variant's segments.
    pub url: Option<Url>,
    pub default: bool,
    pub autoselect: bool,
}

/// A media playlist.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Media {
    pub segments: Vec<Segment>,
    /// `EXT-X-ENDLIST` is there: no segment will be added. Without it (a live or EVENT
    /// playlist) the playlist is reloaded for more.
    pub ended: bool,
    /// `EXT-X-TARGETDURATION`, seconds: how often a live playlist is reloaded.
    pub target_duration: u64,
}

impl Media {
    /// The sum of the segments' durations, seconds.
    pub fn duration(&self) -> f64 {
        self.segments.iter().map(|s| s.duration).sum()
    }

    /// The segments are fragmented MP4 (an `EXT-X-MAP` initialization section), not
    /// MPEG-TS.
    pub fn is_fmp4(&self) -> bool {
        self.segments.iter().any(|s| s.init.is_some())
    }
}

/// One segment, with everything needed to fetch and decrypt it.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    /// Its media sequence number: its identity across reloads of a live playlist.
    pub sequence: u64,
    pub url: Url,
    /// Only these bytes of `url` (`EXT-X-BYTERANGE`).
    pub range: Option<ByteRange>,
    /// AES-128 encryption, when the segment is encrypted.
    pub key: Option<Key>,
    /// The fMP4 initialization section that goes before it (`EXT-X-MAP`).
    pub init: Option<Init>,
    /// Seconds (`EXTINF`).
    pub duration: f64,
    /// `EXT-X-DISCONTINUITY` before it: timestamps and encoding may change here.
    pub discontinuity: bool,
}

/// A sub-range of a resource.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ByteRange {
    pub offset: u64,
    pub length: u64,
}

impl ByteRange {
    /// The value of an HTTP `Range` header for it.
    pub fn header(&self) -> String {
        let last = self.offset.saturating_add(self.length.saturating_sub(1));
        format!("bytes={}-{last}", self.offset)
    }
}

/// An AES-128 key: where to fetch its 16 bytes, and the IV for this segment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Key {
    pub url: Url,
    pub iv: [u8; 16],
}

/// An fMP4 initialization section.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Init {
    pub url: Url,
    pub range: Option<ByteRange>,
    /// The key it is encrypted with, when an `EXT-X-KEY` came before its `EXT-X-MAP`.
    pub key: Option<(Url, [u8; 16])>,
}

/// Why a playlist cannot be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum HlsError {
    #[error("not an HLS playlist (it does not start with #EXTM3U)")]
    NotAPlaylist,
    #[error("the playlist cannot be read: {0}")]
    Syntax(String),
    #[error("encrypted with {0}, which only a licensed player can decrypt (DRM); imago saves clear and AES-128 streams")]
    Protected(String),
    #[error("bad IV {0:?} in EXT-X-KEY (expected 0x and 32 hex digits)")]
    BadIv(String),
    #[error("bad URL {0:?} in the playlist")]
    BadUrl(String),
    #[error("EXT-X-BYTERANGE without an offset on the first range of {0}")]
    RangeWithoutOffset(String),
    #[error("EXT-X-KEY with METHOD=AES-128 and no URI")]
    KeyWithoutUri,
    #[error("the playlist lists more than {MAX_SEGMENTS} segments")]
    TooManySegments,
    #[error("the master playlist has no variant to download")]
    NoVariant,
}

/// Reads a playlist fetched from `base` (its final URL, after redirects).
pub fn parse(bytes: &[u8], base: &Url) -> Result<Playlist, HlsError> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if !text.trim_ascii_start().starts_with(b"#EXTM3U") {
        return Err(HlsError::NotAPlaylist);
    }
    // The parser's error holds the unparsed rest of the bytes, not a message: where it
    // stopped is what a person can use.
    let parsed = m3u8_rs::parse_playlist_res(text)
        .map_err(|_| HlsError::Syntax("a line does not follow the m3u8 format".to_string()))?;
    match parsed {
        m3u8_rs::Playlist::MasterPlaylist(m) => master(m, base).map(Playlist::Master),
        m3u8_rs::Playlist::MediaPlaylist(m) => media(m, base).map(Playlist::Media),
    }
}

fn join(base: &Url, uri: &str) -> Result<Url, HlsError> {
    let url = base
        .join(uri.trim())
        .map_err(|_| HlsError::BadUrl(uri.to_string()))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        _ => Err(HlsError::BadUrl(uri.to_string())),
    }
}

fn master(m: m3u8_rs::MasterPlaylist, base: &Url) -> Result<Master, HlsError> {
    let mut out = Master::default();
    for v in m.variants.into_iter().filter(|v| !v.is_i_frame) {
        out.variants.push(Variant {
            url: join(base, &v.uri)?,
            bandwidth: v.bandwidth,
            width: v.resolution.map(|r| r.width),
            height: v.resolution.map(|r| r.height),
            codecs: v.codecs,
            audio_group: v.audio,
        });
    }
    for a in m.alternatives {
        if a.media_type != m3u8_rs::AlternativeMediaType::Audio {
            continue;
        }
        out.audio.push(Rendition {
            url: a.uri.as_deref().map(|u| join(base, u)).transpose()?,
            group: a.group_id,
            name: a.name,
            language: a.language,
            default: a.default,
            autoselect: a.autoselect,
        });
    }
    if out.variants.is_empty() {
        return Err(HlsError::NoVariant);
    }
    Ok(out)
}

fn media(m: m3u8_rs::MediaPlaylist, base: &Url) -> Result<Media, HlsError> {
    if m.segments.len() > MAX_SEGMENTS {
        return Err(HlsError::TooManySegments);
    }
    let mut out = Media {
        segments: Vec::with_capacity(m.segments.len()),
        ended: m.end_list,
        target_duration: m.target_duration,
    };
    // What the last tags said, carried forward to every later segment.
    let mut key: Option<(Url, Option<[u8; 16]>)> = None;
    let mut init: Option<Init> = None;
    // Where the last range of each resource ended, for ranges without an offset.
    let mut range_end: Option<(Url, u64)> = None;
    for (i, s) in m.segments.into_iter().enumerate() {
        let sequence = m.media_sequence.saturating_add(i as u64);
        // m3u8-rs 6.0.1 refuses `METHOD=NONE` without an IV (its check is the wrong way
        // round) and passes the tag on as unknown: it still ends the encryption.
        if s.unknown_tags.iter().any(|t| {
            t.tag == "X-KEY" && t.rest.as_deref().is_some_and(|r| r.contains("METHOD=NONE"))
        }) {
            key = None;
        }
        if let Some(k) = &s.key {
            key = match &k.method {
                m3u8_rs::KeyMethod::None => None,
                m3u8_rs::KeyMethod::AES128 => {
                    let uri = k.uri.as_deref().ok_or(HlsError::KeyWithoutUri)?;
                    let iv = k.iv.as_deref().map(parse_iv).transpose()?;
                    Some((join(base, uri)?, iv))
                }
                other => return Err(HlsError::Protected(other.to_string())),
            };
        }
        if let Some(map) = &s.map {
            let url = join(base, &map.uri)?;
            let range = map.byte_range.as_ref().map(|r| ByteRange {
                offset: r.offset.unwrap_or(0),
                length: r.length,
            });
            // The spec: an EXT-X-MAP under an EXT-X-KEY is encrypted with it, and its IV
            // must be explicit (no media sequence number applies to it).
            let key = key
                .as_ref()
                .map(|(u, iv)| (u.clone(), iv.unwrap_or_else(|| sequence_iv(sequence))));
            init = Some(Init { url, range, key });
        }
        let url = join(base, &s.uri)?;
        let range = match &s.byte_range {
            None => None,
            Some(r) => {
                let offset = match (r.offset, &range_end) {
                    (Some(o), _) => o,
                    (None, Some((u, end))) if *u == url => *end,
                    (None, _) => return Err(HlsError::RangeWithoutOffset(url.to_string())),
                };
                range_end = Some((url.clone(), offset.saturating_add(r.length)));
                Some(ByteRange {
                    offset,
                    length: r.length,
                })
            }
        };
        out.segments.push(Segment {
            sequence,
            range,
            key: key.as_ref().map(|(u, iv)| Key {
                url: u.clone(),
                iv: iv.unwrap_or_else(|| sequence_iv(sequence)),
            }),
            init: init.clone(),
            duration: f64::from(s.duration).max(0.0),
            discontinuity: s.discontinuity,
            url,
        });
    }
    Ok(out)
}

/// The IV a key tag without one implies: the media sequence number, big-endian, in 16
/// bytes.
pub fn sequence_iv(sequence: u64) -> [u8; 16] {
    let mut iv = [0u8; 16];
    iv[8..].copy_from_slice(&sequence.to_be_bytes());
    iv
}

fn parse_iv(text: &str) -> Result<[u8; 16], HlsError> {
    let bad = || HlsError::BadIv(text.to_string());
    let hex = text
        .trim()
        .strip_prefix("0x")
        .or_else(|| text.trim().strip_prefix("0X"))
        .ok_or_else(bad)?;
    if hex.len() > 32 || hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(bad());
    }
    // Shorter values are numbers: left-padded with zeros.
    let padded = format!("{hex:0>32}");
    let mut iv = [0u8; 16];
    for (i, byte) in iv.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&padded[i * 2..i * 2 + 2], 16).map_err(|_| bad())?;
    }
    Ok(iv)
}

#[cfg(test)]
mod tests;
