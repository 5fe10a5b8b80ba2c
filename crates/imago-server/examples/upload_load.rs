//! The load client of `bench/serve/run.sh`: uploads files to a running `imago serve`
//! through `POST /api/1/upload` (multipart `source`, key in `X-API-Key`) with N uploads
//! in flight, checks every answer, then fetches some `.th.` and `.md.` variants back.
//! A benchmark tool, not a test.
//!
//! ```text
//! cargo run --release -p imago-server --example upload_load -- \
//!     --url http://127.0.0.1:PORT --key KEY [--concurrency 8] [--verify 10] FILE...
//! ```
//!
//! So that the client is not what is measured: every request body is built in memory
//! before the clock starts, and the client runs on one thread (tokio current-thread), as
//! its work per upload is a copy of 1 MB to a loopback socket. Prints one JSON line.
//! Exit code 1 when any upload or variant check failed.

use std::path::PathBuf;
use std::rc::Rc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::Value;

const BOUNDARY: &str = "imago-bench-boundary-5b1c7e";

struct Args {
    url: String,
    key: String,
    concurrency: usize,
    verify: usize,
    files: Vec<PathBuf>,
}

fn parse() -> Result<Args, String> {
    let mut a = Args {
        url: String::new(),
        key: String::new(),
        concurrency: 1,
        verify: 10,
        files: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = || it.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--url" => a.url = value()?.trim_end_matches('/').to_string(),
            "--key" => a.key = value()?,
            "--concurrency" => {
                a.concurrency = value()?
                    .parse::<usize>()
                    .map_err(|_| "--concurrency needs a whole number")?
                    .max(1)
            }
            "--verify" => {
                a.verify = value()?
                    .parse()
                    .map_err(|_| "--verify needs a whole number")?
            }
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
            _ => a.files.push(PathBuf::from(&arg)),
        }
    }
    if a.url.is_empty() || a.key.is_empty() || a.files.is_empty() {
        return Err("--url, --key and at least one file are needed".into());
    }
    Ok(a)
}

fn multipart(name: &str, bytes: &[u8]) -> Bytes {
    let mut body = Vec::with_capacity(bytes.len() + 256);
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"source\"; filename=\"{name}\"\r\nContent-Type: image/jpeg\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    Bytes::from(body)
}

/// What one upload answered: the variant URLs on success, a reason otherwise.
struct Answer {
    latency: Duration,
    result: Result<(String, String), String>,
}

async fn upload(client: &reqwest::Client, args: &Args, body: Bytes) -> Answer {
    let started = Instant::now();
    let sent = client
        .post(format!("{}/api/1/upload", args.url))
        .header("x-api-key", &args.key)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await;
    let result = match sent {
        Err(e) => Err(format!("request failed: {e}")),
        Ok(resp) => {
            let status = resp.status();
            match resp.json::<Value>().await {
                Err(e) => Err(format!("HTTP {status}, body is not JSON: {e}")),
                Ok(v) if status != 200 || v["status_code"] != 200 => Err(format!(
                    "HTTP {status}: {}",
                    v["error"]["message"].as_str().unwrap_or("no error message")
                )),
                Ok(v) => match (
                    v["image"]["thumb"]["url"].as_str(),
                    v["image"]["medium"]["url"].as_str(),
                ) {
                    (Some(t), Some(m)) if t.contains(".th.") && m.contains(".md.") => {
                        Ok((t.to_string(), m.to_string()))
                    }
                    _ => Err(format!("200 without .th./.md. URLs: {}", v["image"])),
                },
            }
        }
    };
    Answer {
        latency: started.elapsed(),
        result,
    }
}

/// Fetches a variant and reads its size from its header: `Err` unless it is a JPEG
/// that fits inside `side`.
async fn check_variant(client: &reqwest::Client, url: &str, side: u32) -> Result<(), String> {
    let resp = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if resp.status() != 200 {
        return Err(format!("{url}: HTTP {}", resp.status()));
    }
    let bytes = resp.bytes().await.map_err(|e| format!("{url}: {e}"))?;
    let seen = imago_media::inspect(&bytes, &imago_media::Limits::default())
        .map_err(|e| format!("{url}: not an image: {e}"))?;
    let fits = seen.width.max(seen.height) == side;
    if seen.kind != imago_media::MediaKind::Image(imago_core::Format::Jpeg) || !fits {
        return Err(format!(
            "{url}: {:?} {}x{}, expected a JPEG whose longer side is {side}",
            seen.kind, seen.width, seen.height
        ));
    }
    Ok(())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn run(args: Args) -> Result<bool, String> {
    let mut bodies = Vec::with_capacity(args.files.len());
    let mut total_bytes = 0u64;
    for path in &args.files {
        let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
        total_bytes += bytes.len() as u64;
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        bodies.push(multipart(&name, &bytes));
    }
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .timeout(Duration::from_secs(300))
        .build()
        .map_err(|e| e.to_string())?;
    let args = Rc::new(args);
    let queue = Rc::new(std::cell::RefCell::new(bodies.into_iter()));
    let started = Instant::now();
    let local = tokio::task::LocalSet::new();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let (client, args, queue) = (client.clone(), args.clone(), queue.clone());
        workers.push(local.spawn_local(async move {
            let mut answers = Vec::new();
            loop {
                let next = queue.borrow_mut().next();
                let Some(body) = next else { break };
                answers.push(upload(&client, &args, body).await);
            }
            answers
        }));
    }
    let answers: Vec<Answer> = local
        .run_until(async {
            let mut all = Vec::new();
            for w in workers {
                all.extend(w.await.unwrap_or_default());
            }
            all
        })
        .await;
    let wall = started.elapsed().as_secs_f64();

    let mut latencies: Vec<Duration> = answers.iter().map(|a| a.latency).collect();
    latencies.sort();
    let mut failures: Vec<String> = answers
        .iter()
        .filter_map(|a| a.result.as_ref().err().cloned())
        .collect();
    let ok: Vec<&(String, String)> = answers
        .iter()
        .filter_map(|a| a.result.as_ref().ok())
        .collect();
    // Variants spread over the run, not only the first uploads.
    let step = (ok.len() / args.verify.max(1)).max(1);
    let mut verified = 0;
    for (thumb, medium) in ok.iter().step_by(step).take(args.verify) {
        for (url, side) in [(thumb, 160), (medium, 640)] {
            match check_variant(&client, url, side).await {
                Ok(()) => verified += 1,
                Err(e) => failures.push(e),
            }
        }
    }
    for f in failures.iter().take(5) {
        eprintln!("upload_load: {f}");
    }
    println!(
        "{{\"concurrency\":{},\"uploads\":{},\"ok\":{},\"failed\":{},\"wall_s\":{wall:.3},\"uploads_per_s\":{:.2},\"mb_per_s\":{:.2},\"p50_ms\":{:.0},\"p95_ms\":{:.0},\"max_ms\":{:.0},\"variants_checked\":{verified}}}",
        args.concurrency,
        answers.len(),
        ok.len(),
        failures.len(),
        answers.len() as f64 / wall,
        total_bytes as f64 / 1e6 / wall,
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95),
        percentile(&latencies, 1.0),
    );
    Ok(failures.is_empty())
}

fn main() {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("upload_load: {e}\nusage: upload_load --url URL --key KEY [--concurrency N] [--verify N] FILE...");
            std::process::exit(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("upload_load: no runtime: {e}");
            std::process::exit(2);
        }
    };
    match runtime.block_on(run(args)) {
        Ok(true) => {}
        Ok(false) => std::process::exit(1),
        Err(e) => {
            eprintln!("upload_load: {e}");
            std::process::exit(2);
        }
    }
}
