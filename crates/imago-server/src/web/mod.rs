//! The web page: upload queue, links, albums, sign-in with a password or an API key, and
//! search by image, in English and Chinese. Every file is compiled into the binary (no CDN,
//! nothing fetched from elsewhere), served with its type, a strict Content-Security-Policy
//! and an ETag.
//!
//! Routes: `GET /` and `/upload` (the upload page), `/album/{id}` (an album, drawn by
//! the page from API v2), `/search` (search by image through `POST /api/v2/search`;
//! `/search?url=<image address>`, as the browser extension opens it, searches at once) and
//! `/assets/{*path}`. The limits the page checks before sending come from `/api/v2/config`
//! ([`config`], in the API's route table). The image page is the HTTP layer's viewer
//! `/v/{id}`.

mod assets;

use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

use crate::error::ApiError;
use crate::state::AppState;

pub use assets::{asset, Asset};

/// What the page may do: its own scripts, styles and requests only; images also from
/// `blob:` (local previews) and `data:`; no plugins, frames or foreign forms.
pub const PAGE_CSP: &str = "default-src 'self'; img-src 'self' blob: data:; \
media-src 'self' blob:; script-src 'self'; style-src 'self'; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The image formats the server takes, by the names the page's sniffer gives them. Videos
/// are added from [`VIDEOS`] when the server takes them (`[video]` enabled); otherwise
/// the page says "wrong type" before sending one.
pub const ACCEPTED: &[&str] = &["jpeg", "png", "gif", "bmp", "webp", "avif", "heic"];

/// The video formats the page sends when the server takes videos (as its sniffer names them).
pub const VIDEOS: &[&str] = &["mp4", "mov", "webm"];

/// The page's routes, to be merged into the application router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
        .route("/upload", get(page))
        .route("/album/{id}", get(album_page))
        .route("/search", get(search_page))
        .route("/assets/{*path}", get(serve_asset))
}

async fn page(headers: HeaderMap) -> Response {
    send(asset("index.html"), &headers)
}

async fn album_page(Path(id): Path<String>, headers: HeaderMap) -> Response {
    // The page reads the id from its own address; an id that cannot be one is 404 here
    // so that hostile paths never reach the script.
    if !crate::ids::is_public_id(&id) {
        return ApiError::NotFound.into_response();
    }
    send(asset("index.html"), &headers)
}

/// The search page; its `?url=` is read by the page's script alone.
async fn search_page(headers: HeaderMap) -> Response {
    send(asset("search.html"), &headers)
}

async fn serve_asset(Path(path): Path<String>, headers: HeaderMap) -> Response {
    send(asset(&path), &headers)
}

/// `GET /api/v2/config`: the limits the page checks before it sends a file, and the
/// features clients may offer. Routed from the API's table (`http::routes`), so the
/// OpenAPI test checks that it is documented.
pub(crate) async fn config(State(state): State<AppState>) -> Response {
    // Videos have their own size limit (see `video::VideoConfig`): the page checks a file
    // against the limit of the kind its bytes say it is.
    let video = &state.config.video;
    let videos: &[&str] = if video.enabled { VIDEOS } else { &[] };
    let accepted: Vec<&str> = ACCEPTED.iter().chain(videos).copied().collect();
    (
        [(header::CACHE_CONTROL, "no-cache")],
        Json(json!({
            "max_bytes": state.config.body_limit,
            "max_video_bytes": if video.enabled { video.max_bytes } else { 0 },
            "videos": videos,
            "accepted": accepted,
            "guest_uploads": state.config.guest_uploads,
            "max_pixels": state.config.max_pixels,
            // What clients may offer on top of uploads: "search" when this server
            // answers POST /api/v2/search (the extension then offers "search on my imago
            // server", which opens /search?url=...).
            "features": if state.search.is_some() { vec!["search"] } else { Vec::new() },
        })),
    )
        .into_response()
}

fn send(found: Option<&'static Asset>, headers: &HeaderMap) -> Response {
    let Some(asset) = found else {
        return ApiError::NotFound.into_response();
    };
    let etag = asset.etag();
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut response = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, HeaderValue::from_static(asset.mime))],
            asset.bytes,
        )
            .into_response()
    };
    let h = response.headers_mut();
    // Names carry no hash, so a new binary may change a file behind the same name:
    // the browser keeps its copy but asks again (304 while the ETag holds).
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    if let Ok(v) = HeaderValue::from_str(etag) {
        h.insert(header::ETAG, v);
    }
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(PAGE_CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    // Image addresses are shared; the page's own address should not travel with them.
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}
