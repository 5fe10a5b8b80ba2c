//! A small HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose, and stand-in images.
//!
//! It writes raw bytes, so a test can lie in `Content-Length`, stop halfway, stall, or
//! ignore `Range` — things a well-behaved server library would refuse to do. Every
//! connection serves one request and closes.
#![allow(dead_code)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use imago_engine::ClientConfig;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use url::Url;

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Request {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    /// When it arrived.
    pub at: Instant,
}

impl Request {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// One step of an answer.
#[derive(Clone, Debug)]
pub enum Step {
    Write(Vec<u8>),
    Sleep(Duration),
}

/// What the server does for one request: its steps, then it closes the connection.
#[derive(Clone, Debug)]
pub struct Reply(pub Vec<Step>);

impl Reply {
    /// A status line, headers (plus `Connection: close`) and a body, as given: nothing
    /// is added, so `Content-Length` may lie or be absent.
    pub fn raw(status: u16, headers: &[(&str, String)], body: &[u8]) -> Reply {
        let mut head = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (n, v) in headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str("Connection: close\r\n\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(body);
        Reply(vec![Step::Write(bytes)])
    }

    /// A well-formed answer with an honest `Content-Length`.
    pub fn status(status: u16, headers: &[(&str, String)], body: &[u8]) -> Reply {
        let mut all: Vec<(&str, String)> = headers.to_vec();
        all.push(("Content-Length", body.len().to_string()));
        Reply::raw(status, &all, body)
    }

    /// `200 OK` with a content type.
    pub fn ok(content_type: &str, body: &[u8]) -> Reply {
        Reply::status(200, &[("Content-Type", content_type.to_string())], body)
    }

    /// Serves `body` honoring `Range: bytes=a-b` / `bytes=a-` (206 with
    /// `Content-Range`), and `If-Range` against `etag`.
    pub fn ranged(req: &Request, content_type: &str, body: &[u8], etag: Option<&str>) -> Reply {
        let mut headers = vec![
            ("Content-Type", content_type.to_string()),
            ("Accept-Ranges", "bytes".to_string()),
        ];
        if let Some(e) = etag {
            headers.push(("ETag", e.to_string()));
        }
        let if_range_ok = match (req.header("if-range"), etag) {
            (Some(asked), Some(e)) => asked == e,
            (Some(_), None) => false,
            (None, _) => true,
        };
        let range = req
            .header("range")
            .filter(|_| if_range_ok)
            .and_then(parse_range);
        match range {
            Some((start, end)) => {
                let len = body.len();
                if start >= len {
                    headers.push(("Content-Range", format!("bytes */{len}")));
                    return Reply::status(416, &headers, b"");
                }
                let end = end.unwrap_or(len - 1).min(len - 1);
                headers.push(("Content-Range", format!("bytes {start}-{end}/{len}")));
                Reply::status(206, &headers, &body[start..=end])
            }
            None => Reply::status(200, &headers, body),
        }
    }

    /// Splits the last write after `at` bytes and sleeps `pause` there.
    pub fn stall_after(self, at: usize, pause: Duration) -> Reply {
        let mut steps = Vec::new();
        for step in self.0 {
            match step {
                Step::Write(bytes) if bytes.len() > at => {
                    steps.push(Step::Write(bytes[..at].to_vec()));
                    steps.push(Step::Sleep(pause));
                    steps.push(Step::Write(bytes[at..].to_vec()));
                }
                other => steps.push(other),
            }
        }
        Reply(steps)
    }

    /// Waits before answering at all.
    pub fn delayed(mut self, pause: Duration) -> Reply {
        self.0.insert(0, Step::Sleep(pause));
        self
    }
}

fn parse_range(value: &str) -> Option<(usize, Option<usize>)> {
    let spec = value.trim().strip_prefix("bytes=")?;
    let (a, b) = spec.split_once('-')?;
    let start = a.trim().parse().ok()?;
    let end = if b.trim().is_empty() {
        None
    } else {
        Some(b.trim().parse().ok()?)
    };
    Some((start, end))
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

type Handler = dyn Fn(&Request, usize) -> Reply + Send + Sync;

struct State {
    requests: Mutex<Vec<Request>>,
    hits: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    handler: Box<Handler>,
}

/// A running test server; it stops when the test's runtime ends.
pub struct Server {
    addr: std::net::SocketAddr,
    state: Arc<State>,
}

impl Server {
    /// Starts a server whose `handler` gets each request and how many earlier requests
    /// had the same path (0 for the first).
    pub async fn start(
        handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static,
    ) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let state = Arc::new(State {
            requests: Mutex::new(Vec::new()),
            hits: Mutex::new(HashMap::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            handler: Box::new(handler),
        });
        let s = state.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(serve(stream, s.clone()));
            }
        });
        Server { addr, state }
    }

    pub fn url(&self, path: &str) -> Url {
        Url::parse(&format!("http://{}{}", self.addr, path)).expect("test URL")
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        self.state.requests.lock().unwrap().clone()
    }

    /// Requests so far for `path`.
    pub fn requests_for(&self, path: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    /// The most requests that were being answered at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }
}

async fn serve(mut stream: TcpStream, state: Arc<State>) {
    let Some(req) = read_request(&mut stream).await else {
        return;
    };
    let nth = {
        let mut hits = state.hits.lock().unwrap();
        let n = hits.entry(req.path.clone()).or_insert(0);
        let nth = *n;
        *n += 1;
        nth
    };
    state.requests.lock().unwrap().push(req.clone());
    let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    state.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let reply = (state.handler)(&req, nth);
    for step in reply.0 {
        match step {
            Step::Write(bytes) => {
                if stream.write_all(&bytes).await.is_err() {
                    break;
                }
                let _ = stream.flush().await;
            }
            Step::Sleep(d) => tokio::time::sleep(d).await,
        }
    }
    state.in_flight.fetch_sub(1, Ordering::SeqCst);
    let _ = stream.shutdown().await;
}

async fn read_request(stream: &mut TcpStream) -> Option<Request> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 || buf.len() > 64 * 1024 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let text = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let path = first.next()?.to_string();
    let headers = lines
        .take_while(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    Some(Request {
        method,
        path,
        headers,
        at: Instant::now(),
    })
}

/// Settings for tests: short clocks, quick retries.
pub fn config() -> ClientConfig {
    ClientConfig {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(10),
        retries: 2,
        backoff_base: Duration::from_millis(10),
        max_retry_after: Duration::from_secs(5),
        ..ClientConfig::default()
    }
}

/// Filler that is not all one byte, so a misplaced block changes the hash.
pub fn filler(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 24) as u8
        })
        .collect()
}

fn crc32(data: &[u8]) -> u32 {
    let mut table = [0u32; 256];
    for (i, slot) in table.iter_mut().enumerate() {
        let mut c = i as u32;
        for _ in 0..8 {
            c = if c & 1 != 0 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
        }
        *slot = c;
    }
    let mut crc = 0xFFFF_FFFFu32;
    for &b in data {
        crc = table[((crc ^ b as u32) & 0xFF) as usize] ^ (crc >> 8);
    }
    crc ^ 0xFFFF_FFFF
}

fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    let mut body = kind.to_vec();
    body.extend_from_slice(data);
    out.extend_from_slice(&body);
    out.extend_from_slice(&crc32(&body).to_be_bytes());
    out
}

/// A PNG of `width` x `height` (RGBA, 8 bits) that is `total` bytes long: signature,
/// IHDR, one IDAT of filler, IEND. `total` must be at least 57.
pub fn png(width: u32, height: u32, total: usize) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    out.extend(png_chunk(b"IHDR", &ihdr));
    let iend = png_chunk(b"IEND", &[]);
    let idat_len = total - out.len() - 12 - iend.len();
    out.extend(png_chunk(b"IDAT", &filler(idat_len, width ^ height)));
    out.extend(iend);
    assert_eq!(out.len(), total);
    out
}

/// A baseline JPEG of `width` x `height`, `total` bytes long, with `app1` bytes of
/// metadata (an APP1 segment) before its frame header when `app1 > 0`.
pub fn jpeg(width: u16, height: u16, app1: usize, total: usize) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    out.extend_from_slice(&[0xFF, 0xE0, 0x00, 0x10]);
    out.extend_from_slice(b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x00\x00");
    if app1 > 0 {
        // Not an "Exif" segment, so its content is never parsed: only its length counts.
        let len = (app1 + 2) as u16;
        out.extend_from_slice(&[0xFF, 0xE1]);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(b"XMP\0");
        out.extend(filler(app1 - 4, 7));
    }
    out.extend_from_slice(&[0xFF, 0xC0, 0x00, 0x11, 0x08]);
    out.extend_from_slice(&height.to_be_bytes());
    out.extend_from_slice(&width.to_be_bytes());
    out.extend_from_slice(&[0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01]);
    out.extend_from_slice(&[
        0xFF, 0xDA, 0x00, 0x0C, 0x03, 0x01, 0x00, 0x02, 0x11, 0x03, 0x11, 0x00, 0x3F, 0x00,
    ]);
    // Entropy-coded filler without 0xFF, so no marker appears by accident.
    let pad = total - out.len() - 2;
    out.extend(filler(pad, u32::from(width)).into_iter().map(|b| b & 0x7F));
    out.extend_from_slice(&[0xFF, 0xD9]);
    assert_eq!(out.len(), total);
    out
}

/// SHA-256 in lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(bytes))
}

/// Files in `dir` (names), sorted.
pub fn files_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
