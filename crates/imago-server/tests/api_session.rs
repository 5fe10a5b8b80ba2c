//! Password sign-in for the web page: `POST /api/v2/session` trades a name and password
//! for a short-lived session key that works like an API key; wrong passwords get one
//! slow answer, and attempts are limited per address.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use std::time::{Duration, Instant};

use imago_server::accounts;
use serde_json::{json, Value};
use support::app::{chevereto_error, read_shared, start, start_on, TestApp};
use support::backend::Backend;

support::backend::on_every_repo!(
    a_password_gives_a_session_key_used_like_an_api_key,
    wrong_unknown_and_passwordless_sign_ins_look_alike,
    expired_sessions_are_refused_and_dropped,
);

async fn sign_in(app: &TestApp, name: &str, password: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/v2/session"))
        .json(&json!({"name": name, "password": password}))
        .send()
        .await
        .unwrap()
}

async fn a_password_gives_a_session_key_used_like_an_api_key(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    let api_key = app.user("ann").await;
    accounts::set_password(app.repo.as_ref(), "ann", "correct horse battery")
        .await
        .unwrap();
    let stored = app.repo.user_by_name("ann").await.unwrap().unwrap();
    let hash = stored.password_hash.unwrap();
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(!hash.contains("correct horse"));

    let before = imago_core::dates::unix_now();
    let res = sign_in(&app, "ann", "correct horse battery").await;
    let after = imago_core::dates::unix_now();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let body: Value = res.json().await.unwrap();
    let session = body["key"].as_str().unwrap().to_string();
    assert_eq!(body["user"], "ann");
    assert_ne!(session, api_key);
    // Twelve hours from the sign-in, whenever during the request it was stamped (argon2
    // in a debug build on a loaded machine can take longer than any fixed slack).
    let expires = body["expires_at"].as_i64().unwrap();
    assert!(
        (before + 12 * 3600..=after + 12 * 3600).contains(&expires),
        "{body}"
    );

    // The session key does what the API key does: account routes and uploads.
    let usage = app
        .get(&app.url("/api/v2/account/usage"), Some(&session))
        .await;
    assert_eq!(usage.status(), 200);
    let usage: Value = usage.json().await.unwrap();
    assert_eq!(usage["user"], "ann");
    let image = app
        .upload_ok(&session, &read_shared("formats/sample.png"), &[])
        .await;
    let mine = app.get(&app.url("/api/v2/images"), Some(&api_key)).await;
    let mine: Value = mine.json().await.unwrap();
    assert_eq!(mine["images"][0]["id"], image["id_encoded"], "{mine}");
    // `imago keys list` shows API keys only.
    let listed = accounts::list_keys(app.repo.as_ref(), "ann").await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(api_key.starts_with(&listed[0].prefix));

    // Signing out ends the session, and only a session ends this way.
    let res = app
        .client
        .delete(app.url("/api/v2/session"))
        .header("x-api-key", &api_key)
        .send()
        .await
        .unwrap();
    let body = chevereto_error(res, 400).await;
    assert_eq!(body["error"]["context"], "not_a_session");
    let res = app
        .client
        .delete(app.url("/api/v2/session"))
        .header("x-api-key", &session)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    let after = app
        .get(&app.url("/api/v2/account/usage"), Some(&session))
        .await;
    chevereto_error(after, 403).await;
    let still = app
        .get(&app.url("/api/v2/account/usage"), Some(&api_key))
        .await;
    assert_eq!(still.status(), 200);

    // A new password replaces the old one.
    accounts::set_password(app.repo.as_ref(), "ann", "another long one")
        .await
        .unwrap();
    assert_eq!(sign_in(&app, "ann", "another long one").await.status(), 200);
    assert_eq!(
        sign_in(&app, "ann", "correct horse battery").await.status(),
        401
    );
}

async fn wrong_unknown_and_passwordless_sign_ins_look_alike(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    app.user("bob").await;
    app.user("cy").await; // no password: only API keys
    accounts::set_password(app.repo.as_ref(), "bob", "hunter22hunter22")
        .await
        .unwrap();
    let mut bodies = Vec::new();
    for (name, password) in [
        ("bob", "hunter22hunter23"),
        ("nobody", "hunter22hunter22"),
        ("cy", "hunter22hunter22"),
        ("../etc", "hunter22hunter22"),
    ] {
        let started = Instant::now();
        let res = sign_in(&app, name, password).await;
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(750),
            "{name}: answered in {took:?}"
        );
        let body = chevereto_error(res, 401).await;
        assert_eq!(body["error"]["context"], "sign_in_failed", "{body}");
        bodies.push(body);
    }
    assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{bodies:?}");

    // Not JSON, or a field missing: 400, and the answer never repeats the body.
    let res = app
        .client
        .post(app.url("/api/v2/session"))
        .header("content-type", "application/json")
        .body(r#"{"name": "bob", "password": 12345678"#)
        .send()
        .await
        .unwrap();
    let body = chevereto_error(res, 400).await;
    assert!(!body.to_string().contains("12345678"), "{body}");
    let res = app
        .client
        .post(app.url("/api/v2/session"))
        .json(&json!({"name": "bob"}))
        .send()
        .await
        .unwrap();
    chevereto_error(res, 400).await;
}

async fn expired_sessions_are_refused_and_dropped(backend: Backend) {
    let app = start_on(backend, |_| {}).await;
    app.user("dee").await;
    let dee = app.repo.user_by_name("dee").await.unwrap().unwrap();
    let now = imago_core::dates::unix_now();
    let secret = "0123456789abcdef";
    app.repo
        .add_session(dee.id, "ExpIred1", &accounts::sha256_hex(secret), now - 1)
        .await
        .unwrap();
    app.repo
        .add_session(dee.id, "LiveOne1", &accounts::sha256_hex(secret), now + 600)
        .await
        .unwrap();
    let res = app
        .get(
            &app.url("/api/v2/account/usage"),
            Some(&format!("ExpIred1.{secret}")),
        )
        .await;
    chevereto_error(res, 403).await;
    let res = app
        .get(
            &app.url("/api/v2/account/usage"),
            Some(&format!("LiveOne1.{secret}")),
        )
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(app.repo.drop_expired_sessions(now).await.unwrap(), 1);
    assert!(app.repo.key_by_prefix("ExpIred1").await.unwrap().is_none());
    assert!(app.repo.key_by_prefix("LiveOne1").await.unwrap().is_some());
}

#[tokio::test]
async fn sign_in_attempts_are_limited_per_address() {
    // The general per-address limit stays generous here: this is the sign-in's own,
    // ten attempts at once and then one every six seconds.
    let app = start(|_| {}).await;
    app.user("eve").await;
    accounts::set_password(app.repo.as_ref(), "eve", "open sesame please")
        .await
        .unwrap();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..14 {
        let client = app.client.clone();
        let url = app.url("/api/v2/session");
        let tx = tx.clone();
        tokio::spawn(async move {
            let res = client
                .post(url)
                .json(&json!({"name": "eve", "password": "guess guess"}))
                .send()
                .await
                .unwrap();
            let retry = res.headers().get("retry-after").cloned();
            let _ = tx.send((res.status().as_u16(), retry));
        });
    }
    drop(tx);
    // Refusals come at once; wrong passwords only after their delay.
    let (first, retry) = rx.recv().await.unwrap();
    assert_eq!(first, 429);
    let wait: u64 = retry.unwrap().to_str().unwrap().parse().unwrap();
    assert!((1..=6).contains(&wait), "{wait}");
    // Even the right password is not checked now.
    assert_eq!(
        sign_in(&app, "eve", "open sesame please").await.status(),
        429
    );
    let mut statuses = vec![first];
    while let Some((status, _)) = rx.recv().await {
        statuses.push(status);
    }
    let wrong = statuses.iter().filter(|s| **s == 401).count();
    let limited = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(wrong + limited, 14, "{statuses:?}");
    // Ten from the burst; an eleventh only if the burst took six seconds to arrive.
    assert!((10..=11).contains(&wrong), "{statuses:?}");
    // Other routes from the same address still answer.
    assert!(app.healthy().await);
}
