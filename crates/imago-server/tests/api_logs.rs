//! The log tells what happened without ever holding a key, a delete token or a
//! password.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::Value;
use support::app::{read_shared, start};

#[derive(Clone)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_never_contain_keys_tokens_or_passwords() {
    let buf = Arc::new(Mutex::new(Vec::new()));
    let capture = Capture(buf.clone());
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || capture.clone())
        .init();

    let app = start(|_| {}).await;
    let key = app.user("ann").await;
    let mut session_secrets = Vec::new();
    let jpg = read_shared("formats/sample.jpg");
    let image = app.upload_ok(&key, &jpg, &[("title", "t")]).await;
    // The key as a query parameter and as a form field, a wrong key, a revoked key.
    app.client
        .post(app.url(&format!("/api/1/upload?key={key}")))
        .form(&[("source", "not base64 !!")])
        .send()
        .await
        .unwrap();
    app.client
        .post(app.url("/api/1/upload"))
        .form(&[("key", key.as_str()), ("source", "http://127.0.0.1/x.png")])
        .send()
        .await
        .unwrap();
    let (prefix, secret) = key.split_once('.').unwrap();
    app.upload(Some(&format!("{prefix}.{}", "f".repeat(64))), &jpg, &[])
        .await;
    app.get(&app.url("/sharex.sxcu"), Some(&key)).await;
    let delete = image["delete_url"].as_str().unwrap().to_string();
    let token = delete.rsplit('/').next().unwrap().to_string();
    app.get(&delete, None).await;
    app.client.post(&delete).send().await.unwrap();
    imago_server::revoke_key(app.repo.as_ref(), prefix)
        .await
        .unwrap();
    app.upload(Some(&key), &jpg, &[]).await;
    let _: Value = app
        .get(&app.url("/api/v2/openapi.json"), None)
        .await
        .json()
        .await
        .unwrap();

    // A password set, a wrong and a right sign-in, the session used and ended.
    imago_server::accounts::set_password(app.repo.as_ref(), "ann", "pw-in-no-log-1")
        .await
        .unwrap();
    for password in ["pw-in-no-log-2", "pw-in-no-log-1"] {
        let res = app
            .client
            .post(app.url("/api/v2/session"))
            .json(&serde_json::json!({"name": "ann", "password": password}))
            .send()
            .await
            .unwrap();
        if res.status() == 200 {
            let body: Value = res.json().await.unwrap();
            let session = body["key"].as_str().unwrap().to_string();
            session_secrets.push(session.split_once('.').unwrap().1.to_string());
            app.get(&app.url("/api/v2/account/usage"), Some(&session))
                .await;
            app.client
                .delete(app.url("/api/v2/session"))
                .header("x-api-key", &session)
                .send()
                .await
                .unwrap();
        }
    }
    assert_eq!(session_secrets.len(), 1);

    let text = String::from_utf8(buf.lock().unwrap().clone()).unwrap();
    assert!(
        text.contains("/api/1/upload") && text.contains("/delete/{id}/{token}"),
        "{text}"
    );
    assert!(
        !text.contains(secret),
        "the key's secret is in the log:\n{text}"
    );
    assert!(
        !text.contains(&token),
        "a delete token is in the log:\n{text}"
    );
    assert!(
        !text.contains("pw-in-no-log"),
        "a password is in the log:\n{text}"
    );
    assert!(
        !text.contains(&session_secrets[0]),
        "a session key is in the log:\n{text}"
    );
    assert!(text.contains("/api/v2/session"), "{text}");
}
