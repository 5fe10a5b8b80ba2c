//! A real server on 127.0.0.1:0 for the API tests, with a client and helpers to sign
//! up users and upload.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;

use imago_server::repo::Repo;
use imago_server::store::Store;
use imago_server::{AppState, Config, RateLimit, Server};
use serde_json::Value;
use tokio::sync::oneshot;

use super::backend::{Backend, Place};

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub repo: Arc<dyn Repo>,
    pub store: Arc<dyn Store>,
    /// The server's state, to run its jobs (the reaper) by hand.
    pub state: AppState,
    pub dir: tempfile::TempDir,
    stop: Option<oneshot::Sender<()>>,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The shared test images (`/work/shared/images/...`).
pub fn shared(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/images")
        .join(rel)
}

pub fn read_shared(rel: &str) -> Vec<u8> {
    std::fs::read(shared(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Starts a server with test settings (generous rate limits), changed by `edit`, on
/// the embedded default (SQLite and a folder).
pub async fn start(edit: impl FnOnce(&mut Config)) -> TestApp {
    start_with(edit, None).await
}

/// [`start`], with `fetcher` for uploads by URL instead of the production one.
pub async fn start_with(
    edit: impl FnOnce(&mut Config),
    fetcher: Option<Arc<dyn imago_server::UrlFetcher>>,
) -> TestApp {
    start_at(&Backend::SqliteFolder.place("api").await, edit, fetcher).await
}

/// [`start`] on `backend`, in a fresh database schema and bucket prefix.
pub async fn start_on(backend: Backend, edit: impl FnOnce(&mut Config)) -> TestApp {
    start_at(&backend.place("api").await, edit, None).await
}

/// A server (a node) on `place`, with its own data folder: two nodes on one place
/// share the database and the bucket, as a deployment of several nodes does.
pub async fn start_at(
    place: &Place,
    edit: impl FnOnce(&mut Config),
    fetcher: Option<Arc<dyn imago_server::UrlFetcher>>,
) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let mut config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.path().to_path_buf(),
        rate_per_key: RateLimit {
            per_minute: 100_000,
            burst: 10_000,
        },
        rate_per_ip: RateLimit {
            per_minute: 100_000,
            burst: 10_000,
        },
        reaper_interval_secs: 3600,
        ..Config::default()
    };
    // Uploads are hashed for search in every test; the embedding (tens of milliseconds
    // an upload) only where a test asks for it (tests/api_search.rs).
    config.search.embeddings = false;
    edit(&mut config);
    let (repo, store) = place.open(&config.data_dir).await;
    let mut server = Server::bind(config, repo.clone(), store.clone())
        .await
        .unwrap();
    if let Some(f) = fetcher {
        server = server.with_fetcher(f);
    }
    let state = server.state().clone();
    let base = format!("http://{}", server.local_addr());
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    let client = reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    TestApp {
        base,
        client,
        repo,
        store,
        state,
        dir,
        stop: Some(stop),
    }
}

/// A multipart/form-data body, built by hand: `(name, filename, bytes)`.
pub fn multipart(parts: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "imago-test-boundary-7d3f9a";
    let mut body = Vec::new();
    for (name, filename, bytes) in parts {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match filename {
            Some(f) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{f}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
        }
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Tells the server to stop, as Ctrl-C does: it takes no new connection and answers
    /// the requests in flight.
    pub fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }

    /// A new user; returns their full key.
    pub async fn user(&self, name: &str) -> String {
        imago_server::create_user(self.repo.as_ref(), name, false)
            .await
            .unwrap()
            .1
    }

    /// `POST /api/1/upload` with `source` as a file and extra text fields.
    pub async fn upload(
        &self,
        key: Option<&str>,
        bytes: &[u8],
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut parts: Vec<(&str, Option<&str>, &[u8])> =
            vec![("source", Some("upload.bin"), bytes)];
        for (k, v) in fields {
            parts.push((k, None, v.as_bytes()));
        }
        self.upload_parts(key, &parts).await
    }

    /// `POST /api/1/upload` of a multipart body made of `parts` (name, file name, bytes).
    pub async fn upload_parts(
        &self,
        key: Option<&str>,
        parts: &[(&str, Option<&str>, &[u8])],
    ) -> reqwest::Response {
        let (ct, body) = multipart(parts);
        let mut req = self
            .client
            .post(self.url("/api/1/upload"))
            .header("content-type", ct)
            .body(body);
        if let Some(key) = key {
            req = req.header("x-api-key", key);
        }
        req.send().await.unwrap()
    }

    /// An upload that must succeed; returns Chevereto's `image` object.
    pub async fn upload_ok(&self, key: &str, bytes: &[u8], fields: &[(&str, &str)]) -> Value {
        let res = self.upload(Some(key), bytes, fields).await;
        let status = res.status();
        let body: Value = res.json().await.unwrap();
        assert_eq!(status, 200, "{body}");
        body["image"].clone()
    }

    pub async fn get(&self, url: &str, key: Option<&str>) -> reqwest::Response {
        let mut req = self.client.get(url);
        if let Some(key) = key {
            req = req.header("x-api-key", key);
        }
        req.send().await.unwrap()
    }

    pub async fn healthy(&self) -> bool {
        self.get(&self.url("/healthz"), None).await.status() == 200
    }
}

/// Checks Chevereto's error shape and returns the message.
pub async fn chevereto_error(res: reqwest::Response, status: u16) -> Value {
    assert_eq!(res.status().as_u16(), status);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status_code"], status, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    assert!(body["error"]["context"].is_string(), "{body}");
    assert!(body["status_txt"].is_string(), "{body}");
    body
}
