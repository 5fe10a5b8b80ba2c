//! The HLS test server: the fixture files by path on 127.0.0.1, with what a real CDN
//! does to a downloader written down as data, a table of rules by path: answers that fail
//! a few times and then succeed, transfers cut short, segments that stay missing, slow
//! answers, a Referer the files require, and a playlist that grows while it is read.
//! Every request is logged (path, range, referer, status, bytes sent, time), so a test
//! asserts what was asked, how often, and how much was sent.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// What the server does to the requests of some paths instead of (or before) answering
/// them plainly.
#[derive(Clone, Debug)]
pub enum Fault {
    /// The first `times` requests of the path are answered `status`; later ones normally.
    FailFirst { times: usize, status: u16 },
    /// The first `times` answers announce the whole `Content-Length`, send half the body
    /// and close the connection; later ones are whole.
    CutShortFirst { times: usize },
    /// Every request is answered `status`.
    Always(u16),
    /// Every answer waits this long first.
    Delay(Duration),
    /// `403` unless the request's `Referer` is this path of this server (its full URL).
    RefererMustBe(String),
    /// The file is a media playlist revealed `step` segments more at each request of it
    /// (the n-th request lists the first `n * step`); `EXT-X-ENDLIST` is added once every
    /// segment is listed if `ends`, else never (a live stream that stopped growing).
    Grow { step: usize, ends: bool },
}

/// A fault on one path, or on every path under a folder.
#[derive(Clone, Debug)]
pub struct Rule {
    path: String,
    prefix: bool,
    pub fault: Fault,
}

impl Rule {
    /// On exactly `path` (`/plain/seg3.ts`).
    pub fn on(path: &str, fault: Fault) -> Rule {
        Rule {
            path: path.to_string(),
            prefix: false,
            fault,
        }
    }

    /// On every path that starts with `folder` (`/shop/stream/`).
    pub fn under(folder: &str, fault: Fault) -> Rule {
        Rule {
            path: folder.to_string(),
            prefix: true,
            fault,
        }
    }

    fn applies(&self, path: &str) -> bool {
        if self.prefix {
            path.starts_with(&self.path)
        } else {
            path == self.path
        }
    }
}

/// One request, as the server saw and answered it.
#[derive(Clone, Debug)]
pub struct Hit {
    pub method: String,
    /// Without the query string.
    pub path: String,
    pub range: Option<String>,
    pub referer: Option<String>,
    pub status: u16,
    /// Body bytes actually written.
    pub bytes: usize,
    /// When the request arrived.
    pub at: Instant,
}

struct State {
    files: Arc<HashMap<String, Vec<u8>>>,
    rules: Mutex<Vec<Rule>>,
    /// Requests per path so far, counted on arrival (faulted ones included).
    counts: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<Hit>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    base: String,
}

/// A running server; it lives until the test process ends.
pub struct HlsServer {
    pub base: String,
    state: Arc<State>,
}

impl HlsServer {
    /// Serves `files` (path → bytes) with the faults of `rules`.
    pub fn start(files: Arc<HashMap<String, Vec<u8>>>, rules: Vec<Rule>) -> HlsServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = Arc::new(State {
            files,
            rules: Mutex::new(rules),
            counts: Mutex::new(HashMap::new()),
            log: Mutex::new(Vec::new()),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
            base: base.clone(),
        });
        let s = state.clone();
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let s = s.clone();
                thread::spawn(move || serve(stream, &s));
            }
        });
        HlsServer { base, state }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Replaces the fault table (say, the missing segment is back).
    pub fn set_rules(&self, rules: Vec<Rule>) {
        *self.state.rules.lock().unwrap() = rules;
    }

    /// How many requests of `path` arrived (any method, any answer).
    pub fn hits(&self, path: &str) -> usize {
        self.state
            .counts
            .lock()
            .unwrap()
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    /// Every request so far, in order of arrival.
    pub fn log(&self) -> Vec<Hit> {
        self.state.log.lock().unwrap().clone()
    }

    /// The paths requested so far, in order of arrival (repeats kept).
    pub fn paths(&self) -> Vec<String> {
        self.log().into_iter().map(|h| h.path).collect()
    }

    /// Body bytes sent for `path`, all requests together.
    pub fn bytes_sent(&self, path: &str) -> usize {
        self.log()
            .iter()
            .filter(|h| h.path == path)
            .map(|h| h.bytes)
            .sum()
    }

    /// The most requests held by a [`Fault::Delay`] at one moment: how many a client had
    /// asked at once (one that asks one at a time never has two held).
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }
}

struct Request {
    method: String,
    path: String,
    range: Option<String>,
    referer: Option<String>,
    close: bool,
}

fn read_request(reader: &mut BufReader<TcpStream>) -> Option<Request> {
    let mut first = String::new();
    if reader.read_line(&mut first).ok()? == 0 {
        return None;
    }
    let mut parts = first.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next().unwrap_or("/");
    let version = parts.next().unwrap_or("HTTP/1.1");
    // An absolute-form target (a proxy request) is reduced to its path.
    let target = match target.find("://") {
        Some(i) => target[i + 3..]
            .find('/')
            .map_or("/", |j| &target[i + 3 + j..]),
        None => target,
    };
    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    let mut req = Request {
        method,
        path,
        range: None,
        referer: None,
        close: version == "HTTP/1.0",
    };
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim().to_string();
        match name.trim().to_ascii_lowercase().as_str() {
            "range" => req.range = Some(value),
            "referer" => req.referer = Some(value),
            "content-length" => content_length = value.parse().unwrap_or(0),
            "connection" => {
                let v = value.to_ascii_lowercase();
                if v.contains("close") {
                    req.close = true;
                } else if v.contains("keep-alive") {
                    req.close = false;
                }
            }
            _ => {}
        }
    }
    let mut sink = vec![0; content_length];
    reader.read_exact(&mut sink).ok()?;
    Some(req)
}

fn serve(stream: TcpStream, state: &State) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut stream = stream;
    while let Some(req) = read_request(&mut reader) {
        let keep = answer(&mut stream, state, &req);
        if !keep || req.close {
            let _ = stream.shutdown(Shutdown::Both);
            return;
        }
    }
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or("") {
        "m3u8" => "application/vnd.apple.mpegurl",
        "ts" => "video/mp2t",
        "m4s" | "mp4" => "video/mp4",
        "aac" => "audio/aac",
        "html" => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// `bytes=a-b`, `bytes=a-` or `bytes=-n` of a body of `len` bytes: the inclusive range, or
/// `Err(())` when it cannot be satisfied. Only one range is supported (all a player asks).
fn parse_range(spec: &str, len: usize) -> Result<(usize, usize), ()> {
    let spec = spec.trim().strip_prefix("bytes=").ok_or(())?;
    if spec.contains(',') {
        return Err(());
    }
    let (a, b) = spec.split_once('-').ok_or(())?;
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: usize = b.parse().map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        (len.saturating_sub(n), len.checked_sub(1).ok_or(())?)
    } else {
        let start: usize = a.parse().map_err(|_| ())?;
        let end = if b.is_empty() {
            len.checked_sub(1).ok_or(())?
        } else {
            b.parse::<usize>()
                .map_err(|_| ())?
                .min(len.saturating_sub(1))
        };
        (start, end)
    };
    if start >= len || start > end {
        return Err(());
    }
    Ok((start, end))
}

/// Answers one request; `false` when the connection must be closed.
fn answer(stream: &mut TcpStream, state: &State, req: &Request) -> bool {
    let at = Instant::now();
    let n = {
        let mut counts = state.counts.lock().unwrap();
        let c = counts.entry(req.path.clone()).or_insert(0);
        *c += 1;
        *c
    };
    let rules: Vec<Rule> = state
        .rules
        .lock()
        .unwrap()
        .iter()
        .filter(|r| r.applies(&req.path))
        .cloned()
        .collect();

    let mut status = 200u16;
    let mut cut_short = false;
    let mut body = state.files.get(&req.path).cloned();
    if body.is_none() {
        status = 404;
    }
    for rule in &rules {
        match &rule.fault {
            Fault::Delay(d) => {
                // Counted while held: a client that asks one at a time never has two here,
                // as its next request waits for this answer.
                let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                state.max_in_flight.fetch_max(now, Ordering::SeqCst);
                thread::sleep(*d);
                state.in_flight.fetch_sub(1, Ordering::SeqCst);
            }
            Fault::FailFirst { times, status: s } if n <= *times => status = *s,
            Fault::FailFirst { .. } => {}
            Fault::Always(s) => status = *s,
            Fault::CutShortFirst { times } => cut_short |= n <= *times,
            Fault::RefererMustBe(page) => {
                let want = format!("{}{}", state.base, page);
                if req.referer.as_deref() != Some(want.as_str()) && status == 200 {
                    status = 403;
                }
            }
            Fault::Grow { step, ends } => {
                if let Some(full) = &body {
                    body = Some(grown(full, n * step, *ends));
                }
            }
        }
    }

    let mut head_extra = String::new();
    let payload: Vec<u8> = if status != 200 {
        format!("<html><body>{status}</body></html>").into_bytes()
    } else {
        let full = body.unwrap_or_default();
        match req.range.as_deref() {
            None => full,
            Some(spec) => match parse_range(spec, full.len()) {
                Ok((start, end)) => {
                    status = 206;
                    head_extra = format!("Content-Range: bytes {start}-{end}/{}\r\n", full.len());
                    full[start..=end].to_vec()
                }
                Err(()) => {
                    status = 416;
                    head_extra = format!("Content-Range: bytes */{}\r\n", full.len());
                    Vec::new()
                }
            },
        }
    };
    let ok = matches!(status, 200 | 206);
    let cut_short = cut_short && ok;
    let reason = match status {
        200 => "OK",
        206 => "Partial Content",
        403 => "Forbidden",
        404 => "Not Found",
        416 => "Range Not Satisfiable",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Whatever",
    };
    let ctype = if ok {
        content_type(&req.path)
    } else {
        "text/html"
    };
    let head = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\
         Accept-Ranges: bytes\r\nCache-Control: no-cache\r\n{head_extra}{}\r\n",
        payload.len(),
        if cut_short {
            "Connection: close\r\n"
        } else {
            ""
        },
    );
    let send: &[u8] = if req.method == "HEAD" {
        &[]
    } else if cut_short {
        &payload[..payload.len() / 2]
    } else {
        &payload
    };
    let wrote = stream.write_all(head.as_bytes()).is_ok() && stream.write_all(send).is_ok();
    let _ = stream.flush();
    state.log.lock().unwrap().push(Hit {
        method: req.method.clone(),
        path: req.path.clone(),
        range: req.range.clone(),
        referer: req.referer.clone(),
        status,
        bytes: if wrote { send.len() } else { 0 },
        at,
    });
    wrote && !cut_short
}

/// The first `listed` segments of the media playlist `full` (its header kept, its
/// `EXT-X-ENDLIST` dropped), and `EXT-X-ENDLIST` again if `ends` and all are listed.
pub fn grown(full: &[u8], listed: usize, ends: bool) -> Vec<u8> {
    let text = String::from_utf8_lossy(full);
    let pl = super::fixtures::MediaText::parse(&text);
    let shown = listed.min(pl.segments.len());
    let mut out = pl.header.join("\n");
    out.push('\n');
    for seg in &pl.segments[..shown] {
        for line in seg {
            out.push_str(line);
            out.push('\n');
        }
    }
    if ends && shown == pl.segments.len() {
        out.push_str("#EXT-X-ENDLIST\n");
    }
    out.into_bytes()
}
