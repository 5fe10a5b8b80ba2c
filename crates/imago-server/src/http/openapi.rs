//! `GET /api/v2/openapi.json`: a hand-written OpenAPI 3.1 description of every route.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Map, Value};

use crate::state::AppState;

fn op(summary: &str, tag: &str, auth: bool, params: &[&str], responses: Value) -> Value {
    let mut o = json!({"summary": summary, "tags": [tag], "responses": responses});
    if auth {
        o["security"] = json!([{"apiKey": []}, {"bearer": []}]);
    }
    if !params.is_empty() {
        o["parameters"] = Value::Array(
            params
                .iter()
                .map(|p| json!({"name": p, "in": "path", "required": true, "schema": {"type": "string"}}))
                .collect(),
        );
    }
    o
}

fn ok(schema: &str) -> Value {
    json!({
        "200": {"description": "OK", "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}},
        "default": {"$ref": "#/components/responses/Error"}
    })
}

fn ok_type(content_type: &str) -> Value {
    json!({
        "200": {"description": "OK", "content": {content_type: {}}},
        "default": {"$ref": "#/components/responses/Error"}
    })
}

fn no_content() -> Value {
    json!({"204": {"description": "Done"}, "default": {"$ref": "#/components/responses/Error"}})
}

fn json_body(schema: &str) -> Value {
    json!({"required": true, "content": {"application/json": {"schema": {"$ref": format!("#/components/schemas/{schema}")}}}})
}

/// The document (the base URL is this server's).
pub fn build(base_url: &str) -> Value {
    let paging = json!([
        {"name": "before", "in": "query", "schema": {"type": "string"}, "description": "Image id: the page after it."},
        {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        {"name": "album_id", "in": "query", "schema": {"type": "string"}}
    ]);
    let mut list_images = op(
        "List your images, newest first",
        "images",
        true,
        &[],
        ok("ImagePage"),
    );
    list_images["parameters"] = paging.clone();
    let mut album_images = op(
        "List an album's images",
        "albums",
        false,
        &["id"],
        ok("ImagePage"),
    );
    if let Some(params) = album_images["parameters"].as_array_mut() {
        params.extend(paging.as_array().into_iter().flatten().take(2).cloned());
    }
    let mut update_image = op(
        "Update title, description, album or nsfw",
        "images",
        true,
        &["id"],
        ok("Image"),
    );
    update_image["requestBody"] = json_body("ImagePatch");
    let mut create_album = op(
        "Create an album",
        "albums",
        true,
        &[],
        json!({
            "201": {"description": "Created", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Album"}}}},
            "default": {"$ref": "#/components/responses/Error"}
        }),
    );
    create_album["requestBody"] = json_body("NewAlbum");
    let mut update_album = op(
        "Rename, change visibility or default expiry",
        "albums",
        true,
        &["id"],
        ok("Album"),
    );
    update_album["requestBody"] = json_body("AlbumPatch");
    let upload_form = json!({
        "required": true,
        "content": {
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/UploadForm"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/UploadForm"}}
        }
    });
    let mut upload_post = op(
        "Upload (Chevereto API v1)",
        "v1",
        true,
        &[],
        json!({
            "200": {"description": "Uploaded (or the same bytes already were); json, txt or redirect by `format`",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/V1Upload"}}, "text/plain": {}}},
            "303": {"description": "format=redirect: to the viewer page"},
            "default": {"$ref": "#/components/responses/Error"}
        }),
    );
    upload_post["requestBody"] = upload_form;
    let upload_get = op(
        "Upload by query parameters (Chevereto API v1; source as URL or base64)",
        "v1",
        true,
        &[],
        ok("V1Upload"),
    );

    let mut paths = Map::new();
    let mut add = |path: &str, ops: Value| {
        paths.insert(path.to_string(), ops);
    };
    add(
        "/healthz",
        json!({"get": op("Liveness", "operations", false, &[], ok_type("text/plain"))}),
    );
    add(
        "/metrics",
        json!({"get": op("Prometheus metrics", "operations", false, &[], ok_type("text/plain"))}),
    );
    add(
        "/api/1/upload/",
        json!({"get": upload_get.clone(), "post": upload_post.clone()}),
    );
    add(
        "/api/1/upload",
        json!({"get": upload_get, "post": upload_post}),
    );
    add(
        "/sharex.sxcu",
        json!({"get": op("ShareX custom uploader for your key", "clients", true, &[], ok_type("application/json"))}),
    );
    add(
        "/upload.sh",
        json!({"get": op("curl upload script for your key", "clients", true, &[], ok_type("text/x-shellscript"))}),
    );
    add("/api/v2/images", json!({"get": list_images}));
    add(
        "/api/v2/images/{id}",
        json!({
            "get": op("One of your images", "images", true, &["id"], ok("Image")),
            "patch": update_image,
            "delete": op("Delete one of your images", "images", true, &["id"], no_content()),
        }),
    );
    add(
        "/api/v2/albums",
        json!({
            "get": op("Your albums", "albums", true, &[], ok("AlbumList")),
            "post": create_album,
        }),
    );
    add(
        "/api/v2/albums/{id}",
        json!({
            "get": op("An album (yours, or a public or unlisted one)", "albums", false, &["id"], ok("Album")),
            "patch": update_album,
            "delete": op("Delete an album (its images stay)", "albums", true, &["id"], no_content()),
        }),
    );
    add("/api/v2/albums/{id}/images", json!({"get": album_images}));
    add(
        "/api/v2/account/usage",
        json!({"get": op("Your totals", "account", true, &[], ok("Usage"))}),
    );
    let mut sign_in = op(
        "Sign in with a password: a session key, sent like an API key until it expires",
        "account",
        false,
        &[],
        ok("Session"),
    );
    sign_in["requestBody"] = json_body("SignIn");
    sign_in["description"] = json!("A wrong name or password answers 401 (sign_in_failed) after a fixed delay; attempts are limited per client address (429 with Retry-After). The password is set with `imago users add NAME --password` or `imago users passwd NAME`.");
    let mut signed = op(
        "Signed links to your image and its variants, for what cannot send a key (an <img>)",
        "images",
        true,
        &["id"],
        ok("SignedLinks"),
    );
    if let Some(params) = signed["parameters"].as_array_mut() {
        params.push(json!({"name": "ttl", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 604800}, "description": "Seconds the links work (default 3600)."}));
    }
    add("/api/v2/images/{id}/signed", json!({"get": signed}));
    add(
        "/api/v2/session",
        json!({
            "post": sign_in,
            "delete": op("End the session whose key the request carries", "account", true, &[], no_content()),
        }),
    );
    let mut search = op(
        "Search by image: the images you may find that are this picture, an edited copy or like it (best first)",
        "search",
        false,
        &[],
        ok("SearchResults"),
    );
    search["security"] = json!([{}, {"apiKey": []}, {"bearer": []}]);
    search["requestBody"] = json!({
        "required": true,
        "content": {
            "multipart/form-data": {"schema": {"$ref": "#/components/schemas/SearchForm"}},
            "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/SearchForm"}},
            "application/json": {"schema": {"$ref": "#/components/schemas/SearchForm"}}
        }
    });
    add("/api/v2/search", json!({"post": search}));
    add(
        "/api/v2/config",
        json!({"get": op(
            "What this server takes: size limits, accepted formats, features clients may offer",
            "operations", false, &[], ok("ServerConfig")
        )}),
    );
    add(
        "/api/v2/openapi.json",
        json!({"get": op("This document", "operations", false, &[], ok_type("application/json"))}),
    );
    add(
        "/delete/{id}/{token}",
        json!({
            "get": op("Confirmation page for a delete URL", "media", false, &["id", "token"], ok_type("text/html")),
            "post": op("Delete with the image's own token (no key)", "media", false, &["id", "token"], ok_type("application/json")),
        }),
    );
    add(
        "/i/{file}",
        json!({"get": op(
            "An image: {id}.{ext}, {id}.th.{ext} (thumbnail), {id}.md.{ext} (medium); ETag, Range",
            "media", false, &["file"],
            json!({"200": {"description": "The bytes"}, "206": {"description": "A range"}, "304": {"description": "Not modified"}, "404": {"description": "No such (visible, live) image"}})
        )}),
    );
    add(
        "/v/{id}",
        json!({"get": op("Viewer page", "media", false, &["id"], ok_type("text/html"))}),
    );

    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "imago serve",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Self-hosted image host. API v1 is Chevereto's upload API; API v2 is imago's own. Errors: {status_code, error: {message, code, context}, status_txt}, where context is a stable reason code."
        },
        "servers": [{"url": base_url}],
        "paths": paths,
        "components": {
            "securitySchemes": {
                "apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "bearer": {"type": "http", "scheme": "bearer"}
            },
            "responses": {
                "Error": {"description": "An error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
            },
            "schemas": schemas()
        }
    })
}

fn schemas() -> Value {
    let mut all = api_schemas();
    if let (Value::Object(all), Value::Object(account)) = (&mut all, account_schemas()) {
        all.extend(account);
    }
    all
}

/// The sign-in's schemas (apart: one `json!` that large exceeds the macro's recursion
/// limit).
fn account_schemas() -> Value {
    let s = json!({"type": "string"});
    json!({
        "SignIn": {"type": "object", "required": ["name", "password"], "properties": {
            "name": s, "password": {"type": "string", "format": "password"}
        }},
        "SignedLinks": {"type": "object", "properties": {
            "id": s, "url": s, "thumb_url": {"type": ["string", "null"]},
            "medium_url": {"type": ["string", "null"]}, "expires_at": {"type": "integer"}
        }},
        "ServerConfig": {"type": "object", "properties": {
            "max_bytes": {"type": "integer", "description": "Largest image upload, in bytes"},
            "max_video_bytes": {"type": "integer", "description": "Largest video upload, in bytes (0: videos are off)"},
            "videos": {"type": "array", "items": s, "description": "Video formats taken (mp4, mov, webm)"},
            "accepted": {"type": "array", "items": s, "description": "Every format taken, images then videos"},
            "guest_uploads": {"type": "boolean"},
            "max_pixels": {"type": "integer", "description": "Largest image, in pixels"},
            "features": {"type": "array", "items": s, "description": "What clients may offer beyond uploads (e.g. search)"}
        }},
        "SearchForm": {"type": "object", "required": ["source"], "properties": {
            "source": {"description": "The picture: a file, base64, or an http(s) URL the server fetches (SSRF-guarded)"},
            "k": {"type": "integer", "minimum": 1, "maximum": 100, "description": "Results wanted (20)"}
        }},
        "SearchResults": {"type": "object", "properties": {
            "results": {"type": "array", "items": {"$ref": "#/components/schemas/SearchResult"}},
            "model": {"type": "boolean", "description": "Whether the embedding model ran: without it only identical, resized and turned copies are found"}
        }},
        "SearchResult": {"type": "object", "properties": {
            "id": s, "url": s, "url_viewer": s, "thumb_url": {"type": ["string", "null"]},
            "medium_url": {"type": ["string", "null"]}, "title": {"type": ["string", "null"]},
            "width": {"type": "integer"}, "height": {"type": "integer"}, "mime": s,
            "score": {"type": "number", "description": "1 for the same picture; falling with the bits that differ; the cosine for a similar one"},
            "match": {"type": "string", "enum": ["exact", "near", "similar"]},
            "similarity": {"type": "number", "description": "The embeddings' cosine, when both have one"},
            "mine": {"type": "boolean", "description": "The caller's own image (links of a private album's image are signed)"}
        }},
        "Session": {"type": "object", "properties": {
            "key": {"type": "string", "description": "prefix.secret: send it as X-API-Key"},
            "user": s, "is_admin": {"type": "boolean"},
            "expires_at": {"type": "integer"}, "expires_at_gmt": s
        }}
    })
}

fn api_schemas() -> Value {
    let s = json!({"type": "string"});
    let ns = json!({"type": ["string", "null"]});
    let int = json!({"type": "integer"});
    let nint = json!({"type": ["integer", "null"]});
    json!({
        "Error": {"type": "object", "required": ["status_code", "error"], "properties": {
            "status_code": int, "status_txt": s,
            "error": {"type": "object", "properties": {"message": s, "code": int, "context": s}}
        }},
        "Image": {"type": "object", "properties": {
            "id": s, "url": s, "url_viewer": s, "thumb_url": s, "medium_url": ns, "delete_url": s,
            "title": ns, "description": ns, "album_id": ns, "mime": s, "extension": s,
            "size": int, "width": int, "height": int, "frames": int, "sha256": s,
            "nsfw": {"type": "boolean"}, "created_at": int, "expires_at": nint
        }},
        "ImagePage": {"type": "object", "properties": {
            "images": {"type": "array", "items": {"$ref": "#/components/schemas/Image"}},
            "next_before": ns
        }},
        "ImagePatch": {"type": "object", "additionalProperties": false, "properties": {
            "title": ns, "description": ns, "album_id": ns, "nsfw": {"type": "boolean"}
        }},
        "Album": {"type": "object", "properties": {
            "id": s, "name": s, "visibility": {"enum": ["public", "unlisted", "private"]},
            "default_expiry_secs": nint, "created_at": int
        }},
        "AlbumList": {"type": "object", "properties": {"albums": {"type": "array", "items": {"$ref": "#/components/schemas/Album"}}}},
        "NewAlbum": {"type": "object", "required": ["name"], "additionalProperties": false, "properties": {
            "name": s, "visibility": {"enum": ["public", "unlisted", "private"]},
            "default_expiry": {"type": "string", "description": "a duration: ISO 8601 (P7D) or short (7d, 12h)"}
        }},
        "AlbumPatch": {"type": "object", "additionalProperties": false, "properties": {
            "name": s, "visibility": {"enum": ["public", "unlisted", "private"]}, "default_expiry": ns
        }},
        "Usage": {"type": "object", "properties": {"user": s, "images": int, "bytes": int, "albums": int, "body_limit": int}},
        "UploadForm": {"type": "object", "required": ["source"], "properties": {
            "source": {"description": "A file, a base64 string or an http(s) URL"},
            "key": s, "title": s, "description": s, "album_id": s,
            "nsfw": {"enum": ["0", "1"]},
            "expiration": {"type": "string", "description": "a duration: ISO 8601 (PT5M) or short (5m, 7d)"},
            "format": {"enum": ["json", "txt", "redirect"]}
        }},
        "V1Upload": {"type": "object", "properties": {
            "status_code": int, "status_txt": s,
            "success": {"type": "object", "properties": {"message": s, "code": int}},
            "image": {"type": "object", "properties": {
                "name": s, "extension": s, "size": int, "width": int, "height": int,
                "date": s, "date_gmt": s, "title": ns, "description": ns, "nsfw": s,
                "url": s, "url_viewer": s, "display_url": s, "delete_url": s,
                "thumb": {"type": "object", "properties": {"url": s}},
                "medium": {"type": "object", "properties": {"url": s}},
                "expiration_date_gmt": ns
            }}
        }}
    })
}

pub(super) async fn document(State(state): State<AppState>) -> Json<Value> {
    Json(build(&state.base_url))
}
