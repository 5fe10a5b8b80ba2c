//! An image as clients see it: its URLs, and the JSON that describes it in each API —
//! Chevereto's shape for API v1 (`POST /api/1/upload`, [`chevereto_upload_answer`]) and
//! ours for API v2 ([`image_v2`]). The account key never appears in a URL; the delete URL
//! carries the image's own token.

use serde_json::{json, Value};

use crate::ingest::ext_of_key;
use crate::repo::ImageRecord;
use crate::state::AppState;
use imago_core::dates::DateTime;

/// The URLs of one image.
pub struct Urls {
    pub url: String,
    pub viewer: String,
    pub thumb: String,
    pub medium: Option<String>,
    pub delete: String,
}

pub fn urls(state: &AppState, r: &ImageRecord) -> Urls {
    let base = &state.base_url;
    let variant = |tag: &str, key: &Option<String>| {
        key.as_ref()
            .map(|k| format!("{base}/i/{}.{tag}.{}", r.id, ext_of_key(k)))
    };
    let url = format!("{base}/i/{}.{}", r.id, r.ext);
    Urls {
        thumb: variant("th", &r.thumb_key).unwrap_or_else(|| url.clone()),
        medium: variant("md", &r.medium_key),
        viewer: format!("{base}/v/{}", r.id),
        delete: format!("{base}/delete/{}/{}", r.id, state.delete_token(&r.id)),
        url,
    }
}

fn variant_json(r: &ImageRecord, key: &Option<String>, tag: &str, url: &str) -> Value {
    let ext = key.as_deref().map_or(r.ext.as_str(), ext_of_key);
    let mime = key
        .as_deref()
        .and_then(crate::ingest::mime_of_key)
        .unwrap_or(r.mime.as_str());
    json!({
        "filename": format!("{}.{tag}.{ext}", r.id),
        "name": format!("{}.{tag}", r.id),
        "mime": mime,
        "extension": ext,
        "url": url,
    })
}

/// Chevereto's `image` object (API v1).
pub fn chevereto_image(
    state: &AppState,
    r: &ImageRecord,
    original_filename: Option<&str>,
) -> Value {
    let u = urls(state, r);
    let display = u.medium.clone().unwrap_or_else(|| u.url.clone());
    let date = DateTime::from_unix(r.created_at).gmt();
    let ratio = if r.height > 0 {
        f64::from(r.width) / f64::from(r.height)
    } else {
        0.0
    };
    let filename = format!("{}.{}", r.id, r.ext);
    json!({
        "name": r.id,
        "id_encoded": r.id,
        "filename": filename,
        "original_filename": original_filename.unwrap_or(&filename),
        "extension": r.ext,
        "mime": r.mime,
        "size": r.size,
        "width": r.width,
        "height": r.height,
        "ratio": ratio,
        "frames": r.frames,
        "date": date,
        "date_gmt": date,
        "title": r.title,
        "description": r.description,
        "nsfw": if r.nsfw { "1" } else { "0" },
        "storage_mode": "imago",
        "sha256": r.sha256,
        "album_id": r.album_id,
        "url": u.url,
        "url_viewer": u.viewer,
        "url_short": u.viewer,
        "display_url": display,
        "thumb": variant_json(r, &r.thumb_key, "th", &u.thumb),
        "medium": variant_json(r, &r.medium_key, "md", &display),
        "delete_url": u.delete,
        "expiration_date_gmt": r.expires_at.map(|t| DateTime::from_unix(t).gmt()),
    })
}

/// Chevereto's whole success answer to an upload (API v1).
pub fn chevereto_upload_answer(
    state: &AppState,
    r: &ImageRecord,
    original_filename: Option<&str>,
) -> Value {
    json!({
        "status_code": 200,
        "success": {"message": "image uploaded", "code": 200},
        "image": chevereto_image(state, r, original_filename),
        "status_txt": "OK",
    })
}

/// An image in API v2 (its owner is asking: the delete URL is included).
pub fn image_v2(state: &AppState, r: &ImageRecord) -> Value {
    let u = urls(state, r);
    json!({
        "id": r.id,
        "url": u.url,
        "url_viewer": u.viewer,
        "thumb_url": u.thumb,
        "medium_url": u.medium,
        "delete_url": u.delete,
        "title": r.title,
        "description": r.description,
        "album_id": r.album_id,
        "mime": r.mime,
        "extension": r.ext,
        "size": r.size,
        "width": r.width,
        "height": r.height,
        "frames": r.frames,
        "sha256": r.sha256,
        "nsfw": r.nsfw,
        "created_at": r.created_at,
        "expires_at": r.expires_at,
    })
}
