//! The upload pipeline, top to bottom: size limit; album and expiry; the duplicate check
//! (same user, same bytes: the existing image; the SHA-256 was taken while the body was
//! received); then, one upload per core under the decoder permit (and one more than the
//! cores until their files are stored), the body read back from its spool (`spool.rs`:
//! memory up to 1 MiB while the bodies in memory stay within their 8 MiB budget, else a
//! temp file, so waiting uploads hold no large bodies in RAM), its format by magic bytes
//! with sides, pixel area and frames read from headers (`imago_media::inspect`, before
//! any decode; a video is held to the video size limit, an image to `body_limit`) and the
//! pixel work (an image: `imago_media::process`, bounded decode, orientation, metadata
//! stripping, thumbnail and medium, and the search codes; a video: `video.rs`, duration
//! and size, poster frame, metadata, see [`crate::video`]); blobs stored under keys named
//! by their own SHA-256; the record; its search codes in the repo and this node's index.
//!
//! A [`BlobGuard`] removes the blobs this upload stored if a later step fails, so a
//! failed upload leaves nothing behind. The answer is built only after every `put`
//! returned (the store makes it durable) and the record was committed.

use bytes::Bytes;
use imago_core::Format;
use imago_media::video::VideoReport;
use imago_media::{inspect, process, Limits, MediaKind, ProcessOptions, Variant};
use sha2::{Digest, Sha256};

use crate::accounts::sha256_hex;
use crate::error::ApiError;
use crate::ids;
use crate::repo::{ImageRecord, RepoError, User};
use crate::state::AppState;

mod spool;
mod video;

pub use spool::{MemoryBudget, Spool, Spooled, MEMORY_BUDGET, MEMORY_LIMIT};

/// One upload, as the handlers hand it over.
#[derive(Debug, Default)]
pub struct Upload {
    pub body: Spooled,
    /// `None`: a guest upload.
    pub user: Option<User>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub album_id: Option<String>,
    pub nsfw: bool,
    /// Seconds from now; `None`: the album's or the server's default.
    pub expires_in: Option<i64>,
}

/// The stored (or found again) image.
#[derive(Debug)]
pub struct Ingested {
    pub record: ImageRecord,
    /// The same bytes from the same user were already here.
    pub existing: bool,
    /// How a video was handled (poster, metadata); `None` for images and for a video
    /// found again (it was handled when first uploaded).
    pub video: Option<VideoReport>,
}

/// The files one upload stores, whatever it was.
struct Files {
    /// Its search codes (an image, when search is on and the picture could be read).
    code: Option<imago_search::Code>,
    original: Bytes,
    ext: &'static str,
    mime: &'static str,
    width: u32,
    height: u32,
    frames: u32,
    thumb: Variant,
    medium: Option<Variant>,
}

/// Runs the pipeline.
pub async fn ingest(state: &AppState, upload: Upload) -> Result<Ingested, ApiError> {
    let config = &state.config;
    // 1. Size: the transport limit already bounded the body; base64 decoding or a URL
    //    fetch may have produced the bytes, so check again. Images and videos have
    //    limits of their own, checked with the magic in step 4.
    let largest = config.upload_body_limit();
    if upload.body.len() > largest as u64 {
        return Err(ApiError::TooLarge(format!(
            "the file is {} bytes, more than the {} this server accepts",
            upload.body.len(),
            largest
        )));
    }
    // An image (its magic bytes say so) is held to the image limit now, rather than
    // refused only after waiting for a decoder in step 5.
    let image_limit = config.body_limit as u64;
    if upload.body.len() > image_limit && imago_core::probe::sniff(upload.body.head()).is_some() {
        return Err(ApiError::TooLarge(format!(
            "the image is {} bytes, more than the {image_limit} this server accepts",
            upload.body.len()
        )));
    }

    // 2. Owner's album and expiry.
    let now = imago_core::dates::unix_now();
    let owner = upload.user.as_ref().map(|u| u.id);
    let mut album_expiry = None;
    if let Some(album_id) = &upload.album_id {
        let album = match owner {
            Some(_) if ids::is_public_id(album_id) => state.repo.album(album_id).await?,
            _ => None,
        };
        match album {
            Some(a) if Some(a.user_id) == owner => album_expiry = a.default_expiry_secs,
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_album",
                    "album_id is not one of your albums",
                ))
            }
        }
    }
    let expires_at = upload
        .expires_in
        .or(album_expiry)
        .or(config.default_expiry_secs)
        .map(|secs| now.saturating_add(secs));

    // 3. Same bytes from the same user: the existing image. Guests never share records:
    //    the delete URL would go to whoever uploaded the bytes next.
    let sha256 = upload.body.sha256().to_string();
    if owner.is_some() {
        if let Some(record) = state.repo.image_by_sha256(owner, &sha256, now).await? {
            state.metrics.duplicate();
            return Ok(Ingested {
                record,
                existing: true,
                video: None,
            });
        }
    }

    // 4. One upload per core from here: the body comes into memory (from its spool) only
    //    now, so uploads waiting for their turn hold none. One more than the cores hold
    //    their bytes until they are stored (`in_hand`, released when this returns).
    let _in_hand = state
        .in_hand
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(format!("upload queue closed: {e}")))?;
    let permit = state
        .decoders
        .acquire()
        .await
        .map_err(|e| ApiError::Internal(format!("decoder queue closed: {e}")))?;
    let bytes = upload
        .body
        .bytes()
        .await
        .map_err(|e| ApiError::Internal(format!("reading the spooled upload: {e}")))?;

    // 5. Format by magic bytes (never name or Content-Type), then sides, pixel area
    //    and frames from the headers, all checked before any pixel is decoded.
    let media_limits = state.media_limits();
    let inspected = inspect(&bytes, &media_limits)?;
    if let MediaKind::Video(v) = inspected.kind {
        if !config.video.enabled {
            return Err(ApiError::UnsupportedType(format!(
                "{} videos are not accepted by this server (videos are turned off)",
                v.extension().to_uppercase()
            )));
        }
    }

    // 6. Pixels: decode with limits, orientation, metadata, variants; for a video its
    //    duration, poster frame and metadata through ffmpeg. CPU-bound, so off the
    //    async workers, still under the permit.
    let options = ProcessOptions {
        strip_metadata: upload.user.as_ref().map_or(config.strip_metadata, |u| {
            u.strip_metadata && config.strip_metadata
        }),
        heic_as_jpeg: config.heic_as_jpeg,
        ..ProcessOptions::default()
    };
    let (files, video) = match inspected.kind {
        MediaKind::Image(_) => (
            image_files(state, bytes, inspected, options, media_limits).await?,
            None,
        ),
        MediaKind::Video(format) => {
            let (files, report) =
                video::video_files(state, &bytes, format, options.strip_metadata, media_limits)
                    .await?;
            (files, Some(report))
        }
    };
    drop(permit);
    // The spooled body (and its temp file) is done with.
    drop(upload.body);

    // 7. Store under content-addressed keys (named by the stored bytes' hash); the
    //    guard drops what this upload added if a later step fails.
    let mut guard = BlobGuard::new(state);
    let original_key = blob_key("o", &files.original, files.ext);
    guard.put(&original_key, files.original.clone()).await?;
    let thumb_key = put_variant(&mut guard, "t", files.thumb).await?;
    let medium_key = match files.medium {
        Some(v) => Some(put_variant(&mut guard, "m", v).await?),
        None => None,
    };

    // 8. Record, with a fresh id (drawn again on the rare collision).
    let mut record = ImageRecord {
        id: String::new(),
        user_id: owner,
        album_id: upload.album_id,
        sha256,
        ext: files.ext.to_string(),
        mime: files.mime.to_string(),
        size: files.original.len() as u64,
        width: files.width,
        height: files.height,
        frames: files.frames,
        title: upload.title,
        description: upload.description,
        nsfw: upload.nsfw,
        original_key,
        thumb_key: Some(thumb_key),
        medium_key,
        delete_token_sha256: String::new(),
        created_at: now,
        expires_at,
    };
    let mut inserted = false;
    for _ in 0..5 {
        record.id = ids::base62(10).map_err(|e| ApiError::Internal(e.to_string()))?;
        record.delete_token_sha256 = sha256_hex(&state.delete_token(&record.id));
        match state.repo.insert_image(&record).await {
            Ok(()) => {
                inserted = true;
                break;
            }
            Err(RepoError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    if !inserted {
        return Err(ApiError::Internal("no free image id after 5 draws".into()));
    }
    if let Err(e) = guard.restore_shared().await {
        // The record points at blobs that are gone: take it back rather than answer 200.
        let _ = state.repo.delete_image(&record.id).await;
        return Err(e);
    }

    // 9. Search codes beside the record, before the answer, and into this node's index
    //    (the other nodes read them at their next search).
    if let (Some(search), Some(code)) = (&state.search, &files.code) {
        let stored = crate::search::record(&record.id, code);
        if let Err(e) = state.repo.put_fingerprint(&stored).await {
            let _ = state.repo.delete_image(&record.id).await;
            return Err(e.into());
        }
        if let Err(e) = search.index.catch_up(state.repo.as_ref()).await {
            tracing::warn!(error = %e, "the search index could not follow an upload yet");
        }
    }
    guard.disarm();
    state.metrics.upload(record.size);
    Ok(Ingested {
        record,
        existing: false,
        video,
    })
}

/// An image's files: decoded with limits, turned, stripped, thumbnailed; and its search
/// codes, of the bytes as uploaded (a picture too small to hash is stored unindexed).
async fn image_files(
    state: &AppState,
    bytes: Bytes,
    inspected: imago_media::Inspected,
    options: ProcessOptions,
    limits: Limits,
) -> Result<Files, ApiError> {
    let search = state.search.clone();
    let (processed, code) = tokio::task::spawn_blocking(move || {
        let processed = process(&bytes, &inspected, &options, &limits)?;
        let code = search.and_then(|s| match s.fingerprint(&bytes, &limits) {
            Ok(code) => Some(code),
            Err(e) => {
                tracing::warn!(error = %e, "an upload could not be fingerprinted for search");
                None
            }
        });
        Ok::<_, imago_media::MediaError>((processed, code))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("image processing task: {e}")))??;
    let original = processed.original;
    Ok(Files {
        code,
        ext: original.format.extension(),
        mime: original.format.mime(),
        width: original.width,
        height: original.height,
        frames: processed.frames,
        original: Bytes::from(original.bytes),
        thumb: processed.thumb,
        medium: processed.medium,
    })
}

async fn put_variant(
    guard: &mut BlobGuard<'_>,
    kind: &str,
    v: Variant,
) -> Result<String, ApiError> {
    let bytes = Bytes::from(v.bytes);
    let key = blob_key(kind, &bytes, v.format.extension());
    guard.put(&key, bytes).await?;
    Ok(key)
}

/// `o/ab/<sha256>.<ext>`, named by the SHA-256 of the bytes stored under it (not of the
/// upload: two users' uploads of one file may be stored differently, stripped or not);
/// the first byte of the hash fans the keys out over 256 folders per kind. One level, not
/// two: with 65,536 folders nearly every upload of a store under a few hundred thousand
/// images made new folders (a mkdir and a folder fsync each, 6% of an upload's CPU),
/// while 256 folders hold a million images at 4,000 files each, which ext4 and XFS index.
/// Keys are recorded with their images, so those stored under the two-level layout of
/// earlier versions are still found.
fn blob_key(kind: &str, bytes: &[u8], ext: &str) -> String {
    let sha256 = hex::encode(Sha256::digest(bytes));
    let a = sha256.get(0..2).unwrap_or("00");
    format!("{kind}/{a}/{sha256}.{ext}")
}

/// Blobs put by one upload, deleted again unless [`BlobGuard::disarm`] is called.
struct BlobGuard<'a> {
    state: &'a AppState,
    added: Vec<String>,
    /// Keys that existed already (another record's): if that record was deleted while
    /// this upload ran, its blobs went with it and must be put back.
    shared: Vec<(String, Bytes)>,
}

impl<'a> BlobGuard<'a> {
    fn new(state: &'a AppState) -> Self {
        BlobGuard {
            state,
            added: Vec::new(),
            shared: Vec::new(),
        }
    }

    /// Puts `bytes` unless the key exists already (same content, same key: another
    /// record owns it and the guard must never delete it).
    async fn put(&mut self, key: &str, bytes: Bytes) -> Result<(), ApiError> {
        if self.state.store.size(key).await?.is_some() {
            self.shared.push((key.to_string(), bytes));
            return Ok(());
        }
        self.state.store.put(key, bytes).await?;
        self.added.push(key.to_string());
        Ok(())
    }

    /// Called once the record that uses the shared keys is committed.
    async fn restore_shared(&mut self) -> Result<(), ApiError> {
        for (key, bytes) in std::mem::take(&mut self.shared) {
            if self.state.store.size(&key).await?.is_none() {
                self.state.store.put(&key, bytes).await?;
            }
        }
        Ok(())
    }

    fn disarm(mut self) {
        self.added.clear();
    }
}

impl Drop for BlobGuard<'_> {
    fn drop(&mut self) {
        if self.added.is_empty() {
            return;
        }
        let keys = std::mem::take(&mut self.added);
        let repo = self.state.repo.clone();
        let store = self.state.store.clone();
        // Drop cannot await; the clean-up runs on its own. A record that appeared in the
        // meantime (a concurrent upload of the same bytes) keeps its blob.
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                for key in keys {
                    if matches!(repo.blob_refs(&key).await, Ok(0)) {
                        if let Err(e) = store.delete(&key).await {
                            tracing::warn!(%key, error = %e, "could not remove a failed upload's blob");
                        }
                    }
                }
            });
        }
    }
}

/// Removes an image's record and every blob no other record uses.
pub async fn delete_image(state: &AppState, id: &str) -> Result<bool, ApiError> {
    let Some(record) = state.repo.delete_image(id).await? else {
        return Ok(false);
    };
    drop_unused_blobs(state, &record).await;
    Ok(true)
}

/// Deletes the blobs of a removed record that no remaining record uses.
pub async fn drop_unused_blobs(state: &AppState, record: &ImageRecord) {
    let mut keys = vec![record.original_key.clone()];
    keys.extend(record.thumb_key.clone());
    keys.extend(record.medium_key.clone());
    keys.sort();
    keys.dedup();
    for key in keys {
        match state.repo.blob_refs(&key).await {
            Ok(0) => {
                if let Err(e) = state.store.delete(&key).await {
                    tracing::warn!(%key, error = %e, "could not delete a blob");
                }
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(%key, error = %e, "could not count a blob's users"),
        }
    }
}

/// The media type of a stored blob, from the extension of its key.
pub fn mime_of_key(key: &str) -> Option<&'static str> {
    let ext = key.rsplit_once('.')?.1;
    Format::ALL
        .into_iter()
        .find(|f| f.extension() == ext)
        .map(Format::mime)
}

/// The extension of a stored blob's key.
pub fn ext_of_key(key: &str) -> &str {
    key.rsplit_once('.').map_or("", |(_, e)| e)
}

#[cfg(test)]
mod tests {
    use super::blob_key;

    #[test]
    fn blob_keys_fan_out_over_one_level_of_folders() {
        assert_eq!(
            blob_key("o", b"abc", "jpg"),
            "o/ba/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.jpg"
        );
    }
}
