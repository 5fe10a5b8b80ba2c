//! The axum application: routes, the per-address rate limit, latency metrics, and the
//! helpers handlers share (who is calling, what they may see).
//!
//! The router is built from one table ([`route_table`] lists it) so the OpenAPI test can
//! check that every route is documented.

mod clients;
mod image_json;
mod media;
mod native;
mod openapi;
mod search;
mod signed;
mod upload;

use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use axum::extract::{ConnectInfo, DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, MethodRouter};
use axum::Router;

use crate::accounts;
use crate::error::ApiError;
use crate::repo::{ImageRecord, User, Visibility};
use crate::state::AppState;

/// One route: its path (axum and OpenAPI share the `{param}` syntax), the methods it
/// answers and its handlers.
struct Route {
    path: &'static str,
    methods: &'static [&'static str],
    handler: MethodRouter<AppState>,
}

fn routes() -> Vec<Route> {
    let r = |path, methods, handler| Route {
        path,
        methods,
        handler,
    };
    vec![
        r("/healthz", &["get"], get(healthz)),
        r("/metrics", &["get"], get(metrics)),
        r(
            "/api/1/upload",
            &["get", "post"],
            get(upload::upload).post(upload::upload),
        ),
        // Chevereto's documentation writes the endpoint with a trailing slash.
        r(
            "/api/1/upload/",
            &["get", "post"],
            get(upload::upload).post(upload::upload),
        ),
        r("/sharex.sxcu", &["get"], get(clients::sharex)),
        r("/upload.sh", &["get"], get(clients::upload_sh)),
        r("/api/v2/images", &["get"], get(native::list_images)),
        r(
            "/api/v2/images/{id}",
            &["get", "patch", "delete"],
            get(native::get_image)
                .patch(native::update_image)
                .delete(native::delete_image),
        ),
        r(
            "/api/v2/albums",
            &["get", "post"],
            get(native::list_albums).post(native::create_album),
        ),
        r(
            "/api/v2/albums/{id}",
            &["get", "patch", "delete"],
            get(native::get_album)
                .patch(native::update_album)
                .delete(native::delete_album),
        ),
        r(
            "/api/v2/albums/{id}/images",
            &["get"],
            get(native::album_images),
        ),
        r("/api/v2/account/usage", &["get"], get(native::usage)),
        r(
            "/api/v2/search",
            &["post"],
            axum::routing::post(search::search),
        ),
        r(
            "/api/v2/session",
            &["post", "delete"],
            axum::routing::post(native::create_session).delete(native::delete_session),
        ),
        r("/api/v2/openapi.json", &["get"], get(openapi::document)),
        r("/api/v2/config", &["get"], get(crate::web::config)),
        r(
            "/delete/{id}/{token}",
            &["get", "post"],
            get(media::delete_page).post(media::delete_by_token),
        ),
        r(
            "/api/v2/images/{id}/signed",
            &["get"],
            get(signed::signed_links),
        ),
        r(
            "/i/{file}",
            &["get"],
            get(media::serve_file).layer(middleware::from_fn(signed::carry_signature)),
        ),
        r("/v/{id}", &["get"], get(media::viewer)),
    ]
}

/// Every (method, path) the router answers, in lower-case methods.
pub fn route_table() -> Vec<(&'static str, &'static str)> {
    routes()
        .iter()
        .flat_map(|r| r.methods.iter().map(move |m| (*m, r.path)))
        .collect()
}

/// The application. Serve it with `into_make_service_with_connect_info::<SocketAddr>()`
/// so per-address limits see the client's address.
pub fn router(state: AppState) -> Router {
    // Base64 makes a file a third larger; multipart adds headers. The decoded size is
    // checked in the pipeline against the limit of what it is (image or video).
    let transport_limit = state
        .config
        .upload_body_limit()
        .saturating_mul(4)
        .saturating_div(3)
        .saturating_add(64 * 1024);
    let mut app = crate::web::routes();
    for route in routes() {
        app = app.route(route.path, route.handler);
    }
    app.fallback(|| async { ApiError::NotFound })
        .layer(DefaultBodyLimit::max(transport_limit))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .with_state(state)
}

/// Per-address rate limit on the API routes, latency metrics and a log line per request
/// with the route's pattern (never the raw path or query: they may hold tokens).
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let pattern = req
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "(unmatched)".to_string());
    let method = req.method().clone();
    let limited = pattern.starts_with("/api/") || pattern.starts_with("/delete/");
    if limited {
        if let Some(ConnectInfo(addr)) = req.extensions().get::<ConnectInfo<SocketAddr>>() {
            let client = client_ip(&state, addr.ip(), req.headers());
            if let Err(wait) = state.ip_limiter.check(&client.to_string(), started) {
                state.metrics.reject("rate_limited");
                return ApiError::RateLimited {
                    retry_after_secs: wait,
                }
                .into_response();
            }
        }
    }
    let response = next.run(req).await;
    let took = started.elapsed();
    state.metrics.observe(took);
    tracing::info!(
        %method,
        route = %pattern,
        status = response.status().as_u16(),
        micros = u64::try_from(took.as_micros()).unwrap_or(u64::MAX),
        "request"
    );
    response
}

/// The client's address: the peer, or, when the peer is a trusted proxy, the last
/// address of `X-Forwarded-For` (the one that proxy saw; earlier ones are the client's
/// own word).
fn client_ip(state: &AppState, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
    if !state.config.trusted_proxies.contains(&peer) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer)
}

async fn healthz() -> impl IntoResponse {
    ([(header::CACHE_CONTROL, "no-store")], "ok\n")
}

async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        state.metrics.render(),
    )
}

/// The key a request carries in a header: `X-API-Key`, or `Authorization: Bearer`.
fn header_key(headers: &HeaderMap) -> Option<String> {
    if let Some(v) = headers.get("x-api-key") {
        return v.to_str().ok().map(|s| s.trim().to_string());
    }
    let auth = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    auth.strip_prefix("Bearer ").map(|s| s.trim().to_string())
}

/// The user behind `key` (`None` without a key), rate-limited per key.
async fn signed_in(state: &AppState, key: Option<&str>) -> Result<Option<User>, ApiError> {
    let Some(key) = key.filter(|k| !k.is_empty()) else {
        return Ok(None);
    };
    let Some((user, api_key)) = accounts::authenticate(state.repo.as_ref(), key).await? else {
        state.metrics.reject("invalid_key");
        return Err(ApiError::InvalidKey);
    };
    if let Err(wait) = state.key_limiter.check(&api_key.prefix, Instant::now()) {
        state.metrics.reject("rate_limited");
        return Err(ApiError::RateLimited {
            retry_after_secs: wait,
        });
    }
    Ok(Some(user))
}

/// The signed-in user, or 401.
async fn require_user(state: &AppState, headers: &HeaderMap) -> Result<User, ApiError> {
    signed_in(state, header_key(headers).as_deref())
        .await?
        .ok_or(ApiError::MissingKey)
}

/// The account a request's key or session belongs to, as a handler argument; a request
/// without a valid one is answered as [`require_user`] answers it.
pub(crate) struct SignedIn(pub User);

impl axum::extract::FromRequestParts<AppState> for SignedIn {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, ApiError> {
        require_user(state, &parts.headers).await.map(SignedIn)
    }
}

/// Whether `viewer` may see `image`: not expired, and not in another user's private
/// album. Unlisted albums are reachable by link, like public ones.
async fn may_see(
    state: &AppState,
    image: &ImageRecord,
    viewer: Option<&User>,
) -> Result<bool, ApiError> {
    if image
        .expires_at
        .is_some_and(|t| t <= imago_core::dates::unix_now())
    {
        return Ok(false);
    }
    let Some(album_id) = &image.album_id else {
        return Ok(true);
    };
    let Some(album) = state.repo.album(album_id).await? else {
        return Ok(true);
    };
    Ok(album.visibility != Visibility::Private || viewer.is_some_and(|v| v.id == album.user_id))
}

/// Escapes text for HTML element content and quoted attributes.
fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A path parameter whose rejection (bad percent-encoding, not UTF-8) is a 404 in the
/// one error shape rather than axum's plain-text 400.
struct Param<T>(T);

impl<S, T> axum::extract::FromRequestParts<S> for Param<T>
where
    S: Send + Sync,
    T: serde::de::DeserializeOwned + Send,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, ApiError> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(t)| Param(t))
            .map_err(|_| ApiError::NotFound)
    }
}

/// An upload's expiry in whole seconds: a duration as [`imago_core::units::parse_duration`]
/// reads it, so Chevereto's ISO 8601 (`PT5M`, `P3D`) and the short forms (`5m`, `3d`)
/// both work. `None` for anything else, zero included.
fn expiry_secs(text: &str) -> Option<i64> {
    let d = imago_core::units::parse_duration(text).ok()?;
    i64::try_from(d.as_secs()).ok().filter(|s| *s > 0)
}

#[cfg(test)]
mod tests {
    use super::expiry_secs;

    #[test]
    fn expiries_from_chevereto_docs_and_short_forms() {
        assert_eq!(expiry_secs("PT5M"), Some(300));
        assert_eq!(expiry_secs("P3D"), Some(3 * 86_400));
        assert_eq!(expiry_secs("3d"), Some(3 * 86_400));
        for bad in ["", "P", "PT0S", "0", "soon", "P99999999999999999999D"] {
            assert_eq!(expiry_secs(bad), None, "{bad}");
        }
    }
}
