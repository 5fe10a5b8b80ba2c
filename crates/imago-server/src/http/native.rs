//! API v2: the account's images and albums, as JSON. Every route needs the key in a
//! header (`X-API-Key` or `Authorization: Bearer`), except the password sign-in that
//! hands the web page such a key (`POST /api/v2/session`).

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{header_key, image_json::image_v2, signed_in, Param, SignedIn};
use crate::error::ApiError;
use crate::ids::{base62, is_public_id};
use crate::ingest::delete_image as remove_image;
use crate::repo::{Album, ImageRecord, User, Visibility};
use crate::state::AppState;

const MAX_PAGE: u32 = 100;

#[derive(Debug, Default, Deserialize)]
pub(super) struct Paging {
    before: Option<String>,
    limit: Option<u32>,
    album_id: Option<String>,
}

fn page_json(state: &AppState, images: &[ImageRecord], limit: u32) -> Value {
    let now = imago_core::dates::unix_now();
    let live: Vec<Value> = images
        .iter()
        .filter(|r| r.expires_at.is_none_or(|t| t > now))
        .map(|r| image_v2(state, r))
        .collect();
    let next = (images.len() as u32 >= limit)
        .then(|| images.last().map(|r| r.id.clone()))
        .flatten();
    json!({"images": live, "next_before": next})
}

fn paging(query: Result<Query<Paging>, QueryRejection>) -> Result<Paging, ApiError> {
    query
        .map(|Query(p)| p)
        .map_err(|e| ApiError::bad_request("bad_query", e.body_text()))
}

fn limit_of(p: &Paging) -> u32 {
    p.limit.unwrap_or(50).clamp(1, MAX_PAGE)
}

fn cursor(p: &Paging) -> Result<Option<&str>, ApiError> {
    match p.before.as_deref() {
        Some(b) if !is_public_id(b) => Err(ApiError::bad_request(
            "invalid_cursor",
            "before is not an image id",
        )),
        other => Ok(other),
    }
}

pub(super) async fn list_images(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    query: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = paging(query)?;
    let limit = limit_of(&p);
    if let Some(a) = p.album_id.as_deref() {
        owned_album(&state, &user, a).await?;
    }
    let images = state
        .repo
        .list_images(user.id, p.album_id.as_deref(), cursor(&p)?, limit)
        .await?;
    Ok(Json(page_json(&state, &images, limit)))
}

/// The user's own, live image.
pub(super) async fn owned_image(
    state: &AppState,
    user: &User,
    id: &str,
) -> Result<ImageRecord, ApiError> {
    if !is_public_id(id) {
        return Err(ApiError::NotFound);
    }
    match state.repo.image(id).await? {
        Some(r)
            if r.user_id == Some(user.id)
                && r.expires_at
                    .is_none_or(|t| t > imago_core::dates::unix_now()) =>
        {
            Ok(r)
        }
        _ => Err(ApiError::NotFound),
    }
}

async fn owned_album(state: &AppState, user: &User, id: &str) -> Result<Album, ApiError> {
    if !is_public_id(id) {
        return Err(ApiError::NotFound);
    }
    match state.repo.album(id).await? {
        Some(a) if a.user_id == user.id => Ok(a),
        _ => Err(ApiError::NotFound),
    }
}

pub(super) async fn get_image(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Param(id): Param<String>,
) -> Result<Json<Value>, ApiError> {
    let r = owned_image(&state, &user, &id).await?;
    Ok(Json(image_v2(&state, &r)))
}

/// A JSON field that may be absent (leave), `null` (clear) or a value (set).
fn patch_field<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ImagePatch {
    #[serde(default, deserialize_with = "patch_field")]
    title: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    description: Option<Option<String>>,
    #[serde(default, deserialize_with = "patch_field")]
    album_id: Option<Option<String>>,
    nsfw: Option<bool>,
}

fn json_body<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::bad_request("bad_json", e.to_string()))
}

pub(super) async fn update_image(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Param(id): Param<String>,
    body: bytes::Bytes,
) -> Result<Json<Value>, ApiError> {
    let patch: ImagePatch = json_body(&body)?;
    let mut r = owned_image(&state, &user, &id).await?;
    if let Some(t) = patch.title {
        r.title = t.map(|s| s.trim().chars().take(200).collect());
    }
    if let Some(d) = patch.description {
        r.description = d.map(|s| s.trim().chars().take(5000).collect());
    }
    if let Some(a) = patch.album_id {
        if let Some(a) = &a {
            owned_album(&state, &user, a).await.map_err(|_| {
                ApiError::bad_request("invalid_album", "album_id is not one of your albums")
            })?;
        }
        r.album_id = a;
    }
    if let Some(n) = patch.nsfw {
        r.nsfw = n;
    }
    state.repo.update_image(&r).await?;
    Ok(Json(image_v2(&state, &r)))
}

pub(super) async fn delete_image(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Param(id): Param<String>,
) -> Result<StatusCode, ApiError> {
    let r = owned_image(&state, &user, &id).await?;
    remove_image(&state, &r.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn album_json(a: &Album) -> Value {
    json!({
        "id": a.id,
        "name": a.name,
        "visibility": a.visibility.as_str(),
        "default_expiry_secs": a.default_expiry_secs,
        "created_at": a.created_at,
    })
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct NewAlbum {
    name: String,
    visibility: Option<String>,
    /// A duration: ISO 8601 (`P7D`) or short (`7d`).
    default_expiry: Option<String>,
}

fn album_name(name: &str) -> Result<String, ApiError> {
    let n = name.trim();
    if n.is_empty() || n.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "invalid_name",
            "album names are 1 to 200 characters",
        ));
    }
    Ok(n.to_string())
}

fn visibility(v: &str) -> Result<Visibility, ApiError> {
    Visibility::parse(v).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_visibility",
            "visibility is public, unlisted or private",
        )
    })
}

fn expiry(v: &str) -> Result<i64, ApiError> {
    super::expiry_secs(v)
        .ok_or_else(|| ApiError::bad_request("invalid_expiration", "a duration such as P7D or 7d"))
}

pub(super) async fn create_album(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    body: bytes::Bytes,
) -> Result<Response, ApiError> {
    let new: NewAlbum = json_body(&body)?;
    let mut album = Album {
        id: String::new(),
        user_id: user.id,
        name: album_name(&new.name)?,
        visibility: new
            .visibility
            .as_deref()
            .map(visibility)
            .transpose()?
            .unwrap_or(Visibility::Unlisted),
        default_expiry_secs: new.default_expiry.as_deref().map(expiry).transpose()?,
        created_at: imago_core::dates::unix_now(),
    };
    for _ in 0..5 {
        album.id = base62(8).map_err(|e| ApiError::Internal(e.to_string()))?;
        match state.repo.create_album(&album).await {
            Ok(()) => return Ok((StatusCode::CREATED, Json(album_json(&album))).into_response()),
            Err(crate::repo::RepoError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::Internal("no free album id after 5 draws".into()))
}

pub(super) async fn list_albums(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<Value>, ApiError> {
    let albums = state.repo.list_albums(user.id).await?;
    Ok(Json(
        json!({"albums": albums.iter().map(album_json).collect::<Vec<_>>()}),
    ))
}

/// An album the caller may see: their own, or another's public or unlisted one.
async fn visible_album(
    state: &AppState,
    headers: &HeaderMap,
    id: &str,
) -> Result<(Album, bool), ApiError> {
    if !is_public_id(id) {
        return Err(ApiError::NotFound);
    }
    let album = state.repo.album(id).await?.ok_or(ApiError::NotFound)?;
    let viewer = signed_in(state, header_key(headers).as_deref()).await?;
    let owner = viewer.is_some_and(|v| v.id == album.user_id);
    if owner || album.visibility != Visibility::Private {
        Ok((album, owner))
    } else {
        Err(ApiError::NotFound)
    }
}

pub(super) async fn get_album(
    State(state): State<AppState>,
    headers: HeaderMap,
    Param(id): Param<String>,
) -> Result<Json<Value>, ApiError> {
    let (album, _) = visible_album(&state, &headers, &id).await?;
    Ok(Json(album_json(&album)))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AlbumPatch {
    name: Option<String>,
    visibility: Option<String>,
    #[serde(default, deserialize_with = "patch_field")]
    default_expiry: Option<Option<String>>,
}

pub(super) async fn update_album(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Param(id): Param<String>,
    body: bytes::Bytes,
) -> Result<Json<Value>, ApiError> {
    let patch: AlbumPatch = json_body(&body)?;
    let mut album = owned_album(&state, &user, &id).await?;
    if let Some(n) = patch.name {
        album.name = album_name(&n)?;
    }
    if let Some(v) = patch.visibility {
        album.visibility = visibility(&v)?;
    }
    if let Some(e) = patch.default_expiry {
        album.default_expiry_secs = e.as_deref().map(expiry).transpose()?;
    }
    state.repo.update_album(&album).await?;
    Ok(Json(album_json(&album)))
}

pub(super) async fn delete_album(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
    Param(id): Param<String>,
) -> Result<StatusCode, ApiError> {
    let album = owned_album(&state, &user, &id).await?;
    state.repo.delete_album(&album.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub(super) async fn album_images(
    State(state): State<AppState>,
    headers: HeaderMap,
    Param(id): Param<String>,
    query: Result<Query<Paging>, QueryRejection>,
) -> Result<Json<Value>, ApiError> {
    let p = paging(query)?;
    let (album, owner) = visible_album(&state, &headers, &id).await?;
    let limit = limit_of(&p);
    let images = state
        .repo
        .list_images(album.user_id, Some(&album.id), cursor(&p)?, limit)
        .await?;
    let mut page = page_json(&state, &images, limit);
    if !owner {
        // Delete URLs are for the owner only.
        if let Some(list) = page.get_mut("images").and_then(Value::as_array_mut) {
            for image in list {
                if let Some(obj) = image.as_object_mut() {
                    obj.remove("delete_url");
                }
            }
        }
    }
    Ok(Json(page))
}

pub(super) async fn usage(
    State(state): State<AppState>,
    SignedIn(user): SignedIn,
) -> Result<Json<Value>, ApiError> {
    let u = state.repo.usage(user.id).await?;
    Ok(Json(json!({
        "user": user.name,
        "images": u.images,
        "bytes": u.bytes,
        "albums": u.albums,
        "body_limit": state.config.body_limit,
    })))
}

/// A failed sign-in answers no sooner than this after the request came in, whatever
/// failed (unknown name, no password set, wrong password), so timing tells nothing.
const SIGN_IN_FAIL_FLOOR: std::time::Duration = std::time::Duration::from_millis(750);

#[derive(Deserialize)]
pub(super) struct SignIn {
    name: String,
    password: String,
}

/// `POST /api/v2/session` with `{"name", "password"}`: a session key for the web page,
/// used like an API key until it expires. Attempts are limited per client address.
pub(super) async fn create_session(
    State(state): State<AppState>,
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let started = tokio::time::Instant::now();
    let client = super::client_ip(&state, peer.ip(), &headers);
    if let Err(wait) = state
        .sign_in_limiter
        .check(&client.to_string(), started.into_std())
    {
        state.metrics.reject("rate_limited");
        return Err(ApiError::RateLimited {
            retry_after_secs: wait,
        });
    }
    // The parser's own message could quote the body, and the body holds a password.
    let form: SignIn = serde_json::from_slice(&body).map_err(|_| {
        ApiError::bad_request(
            "bad_json",
            "send JSON {\"name\": \"...\", \"password\": \"...\"}",
        )
    })?;
    let outcome = crate::accounts::sign_in(state.repo.as_ref(), &form.name, &form.password).await;
    let session = match outcome {
        Ok(Some(session)) => session,
        Ok(None) => {
            state.metrics.reject("sign_in_failed");
            tokio::time::sleep_until(started + SIGN_IN_FAIL_FLOOR).await;
            return Err(ApiError::Refused {
                status: StatusCode::UNAUTHORIZED,
                code: "sign_in_failed",
                message: "wrong name or password".into(),
            });
        }
        Err(crate::accounts::AccountError::Repo(e)) => return Err(e.into()),
        Err(e) => return Err(ApiError::Internal(e.to_string())),
    };
    let body = json!({
        "key": session.key,
        "user": session.user.name,
        "is_admin": session.user.is_admin,
        "expires_at": session.expires_at,
        "expires_at_gmt": imago_core::dates::DateTime::from_unix(session.expires_at).gmt(),
    });
    Ok((
        [(axum::http::header::CACHE_CONTROL, "no-store")],
        Json(body),
    )
        .into_response())
}

/// `DELETE /api/v2/session`: ends the session whose key the request carries. API keys
/// are revoked with `imago keys revoke`, not here.
pub(super) async fn delete_session(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    let key = header_key(&headers).ok_or(ApiError::MissingKey)?;
    if crate::accounts::sign_out(state.repo.as_ref(), &key).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::bad_request(
            "not_a_session",
            "this key is not a live web session (API keys are revoked with `imago keys revoke`)",
        ))
    }
}
