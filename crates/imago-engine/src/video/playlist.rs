//! Playlists fetched and read (the parsing is `imago_core::hls`).

use url::Url;

use imago_core::hls::{self, Media, Playlist};

use crate::client::Inner;
use crate::error::FetchError;

use super::fetch::fetch_checked;
use super::VideoError;

/// The most bytes a playlist may have: 50,000 segments of long URLs.
const MAX_PLAYLIST: u64 = 16 * 1024 * 1024;

/// Fetches and reads the playlist at `url`; its relative URIs resolve against the URL
/// its redirects ended at, as players do.
pub(crate) async fn load(
    inner: &Inner,
    url: &Url,
    referer: Option<&Url>,
) -> Result<Playlist, VideoError> {
    let (body, base) = fetch_checked(inner, url, referer, None, MAX_PLAYLIST, |b, u| {
        Ok::<_, FetchError>((b, u.clone()))
    })
    .await
    .map_err(|source| VideoError::Playlist {
        url: url.to_string(),
        source,
    })?;
    hls::parse(&body, &base).map_err(|source| VideoError::Hls {
        url: url.to_string(),
        source,
    })
}

/// A playlist that must be a media playlist (a variant's, a rendition's, a reload).
pub(crate) async fn load_media(
    inner: &Inner,
    url: &Url,
    referer: Option<&Url>,
) -> Result<Media, VideoError> {
    match load(inner, url, referer).await? {
        Playlist::Media(m) => Ok(m),
        Playlist::Master(_) => Err(VideoError::NestedMaster(url.to_string())),
    }
}
