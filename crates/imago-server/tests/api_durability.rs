//! Durability: the server is killed with SIGKILL in the middle of many concurrent
//! uploads and started again on the same data folder. Every upload that got a 200 is
//! served byte-exact, no record points at a missing or short blob, no temp file is left.
//!
//! The server runs in a child process: this test binary itself, re-run with only
//! `child_server` selected, `IMAGO_DURABILITY_CHILD` naming the data folder and the
//! backend's place (database schema, bucket prefix) in the environment. It runs on
//! every backend: on S3 and PostgreSQL, "on disk" means in the bucket and committed.

mod support {
    pub mod app;
    pub mod backend;
    pub mod services;
}

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use imago_server::{Config, RateLimit, Server};
use serde_json::Value;
use support::backend::{Backend, Place};

support::backend::on_every_backend!(uploads_that_got_200_survive_sigkill);

const CHILD_ENV: &str = "IMAGO_DURABILITY_CHILD";

/// The server half: does nothing unless run as the child.
#[tokio::test(flavor = "multi_thread")]
async fn child_server() {
    let Ok(dir) = std::env::var(CHILD_ENV) else {
        return;
    };
    let dir = PathBuf::from(dir);
    let config = Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        data_dir: dir.clone(),
        rate_per_key: RateLimit {
            per_minute: 0,
            burst: 0,
        },
        rate_per_ip: RateLimit {
            per_minute: 0,
            burst: 0,
        },
        ..Config::default()
    };
    let (repo, store) = Place::from_env().open(&dir).await;
    let server = Server::bind(config, repo, store).await.unwrap();
    let port_file = dir.join("port");
    std::fs::write(dir.join("port.new"), server.local_addr().port().to_string()).unwrap();
    std::fs::rename(dir.join("port.new"), &port_file).unwrap();
    // Stop when the parent goes away (its end of our stdin closes), so that a failed
    // parent leaves no server behind.
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        let mut sink = Vec::new();
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut sink);
        let _ = tx.send(());
    });
    server
        .run(async {
            let _ = rx.await;
        })
        .await
        .unwrap();
}

// The caller kills and waits for the child it gets back.
#[allow(clippy::zombie_processes)]
fn spawn_child(dir: &Path, place: &Place) -> (Child, u16) {
    let _ = std::fs::remove_file(dir.join("port"));
    let child = Command::new(std::env::current_exe().unwrap())
        .args(["child_server", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, dir)
        .envs(place.to_env())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(dir.join("port")) {
            return (child, text.trim().parse().unwrap());
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the child server did not start"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A 24-bit BMP of `side` x `side` whose pixels are derived from `seed`: every file is
/// different, and a BMP has no checksum to get wrong.
fn bmp(side: u32, seed: u32) -> Vec<u8> {
    let row = (side * 3).div_ceil(4) * 4;
    let pixels = row * side;
    let mut out = Vec::with_capacity(54 + pixels as usize);
    out.extend_from_slice(b"BM");
    out.extend_from_slice(&(54 + pixels).to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&54u32.to_le_bytes());
    out.extend_from_slice(&40u32.to_le_bytes());
    out.extend_from_slice(&side.to_le_bytes());
    out.extend_from_slice(&side.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&24u16.to_le_bytes());
    out.extend_from_slice(&[0; 4]);
    out.extend_from_slice(&pixels.to_le_bytes());
    out.extend_from_slice(&[0; 16]);
    for y in 0..side {
        for x in 0..row {
            out.push((x.wrapping_mul(7) ^ y.wrapping_mul(13) ^ seed.wrapping_mul(31)) as u8);
        }
    }
    out
}

async fn uploads_that_got_200_survive_sigkill(backend: Backend) {
    let place = backend.place("durability").await;
    let dir = tempfile::tempdir().unwrap();
    let key = {
        let (repo, _store) = place.open(dir.path()).await;
        imago_server::create_user(repo.as_ref(), "ann", false)
            .await
            .unwrap()
            .1
    };
    let (mut child, port) = spawn_child(dir.path(), &place);
    let client = reqwest::Client::builder().no_proxy().build().unwrap();
    let done = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for i in 0..32u32 {
        let client = client.clone();
        let key = key.clone();
        let done = done.clone();
        tasks.push(tokio::spawn(async move {
            let bytes = bmp(600, i);
            let (ct, body) = support::app::multipart(&[("source", Some("shot.bmp"), &bytes)]);
            let res = client
                .post(format!("http://127.0.0.1:{port}/api/1/upload"))
                .header("x-api-key", key)
                .header("content-type", ct)
                .body(body)
                .send()
                .await;
            let url = match res {
                Ok(r) if r.status() == 200 => {
                    let v: Value = r.json().await.ok()?;
                    done.fetch_add(1, Ordering::SeqCst);
                    v["image"]["url"].as_str().map(String::from)
                }
                _ => None,
            };
            url.map(|u| (u, bytes))
        }));
    }
    // Kill once some uploads are answered and others are still running.
    let started = Instant::now();
    while done.load(Ordering::SeqCst) < 4 && started.elapsed() < Duration::from_secs(120) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let mut answered = Vec::new();
    for t in tasks {
        if let Some(ok) = t.await.unwrap() {
            answered.push(ok);
        }
    }
    assert!(!answered.is_empty(), "no upload finished before the kill");
    eprintln!(
        "{}: {} of 32 uploads answered 200 before the kill",
        backend.name(),
        answered.len()
    );

    let (mut child, port) = spawn_child(dir.path(), &place);
    for (url, bytes) in &answered {
        let path = url.split_once("/i/").unwrap().1;
        let got = client
            .get(format!("http://127.0.0.1:{port}/i/{path}"))
            .send()
            .await
            .unwrap();
        assert_eq!(got.status(), 200, "{url}");
        assert_eq!(
            got.bytes().await.unwrap().as_ref(),
            bytes.as_slice(),
            "{url}"
        );
    }
    // Every record's blobs are whole; no temp file anywhere in the data folder.
    let (repo, store) = place.open(dir.path()).await;
    let user = repo.user_by_name("ann").await.unwrap().unwrap();
    let records = repo.list_images(user.id, None, None, 100).await.unwrap();
    assert!(records.len() >= answered.len());
    for r in &records {
        assert_eq!(
            store.size(&r.original_key).await.unwrap(),
            Some(r.size),
            "{}",
            r.id
        );
        for k in r.thumb_key.iter().chain(&r.medium_key) {
            assert!(store.size(k).await.unwrap().is_some(), "{k}");
        }
    }
    let mut stack = vec![dir.path().to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let entry = entry.unwrap();
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(
                !name.starts_with(".imago-tmp-"),
                "temp file left: {}",
                entry.path().display()
            );
            if entry.file_type().unwrap().is_dir() {
                if name == "tmp" {
                    assert_eq!(
                        std::fs::read_dir(entry.path()).unwrap().count(),
                        0,
                        "tmp/ not emptied"
                    );
                }
                stack.push(entry.path());
            }
        }
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
