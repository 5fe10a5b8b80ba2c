//! A real server for the browser tests until `imago serve` is wired in the CLI: SQLite
//! and a local store in a temporary folder (or `--data DIR`), one user whose key, name
//! and web password are printed with the URL as one JSON line on stdout. Runs until
//! Ctrl-C or SIGTERM.
//!
//! `cargo run -p imago-server --example serve_for_e2e -- [--data DIR] [--body-limit BYTES] [--guest]`

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;

use imago_server::repo::{Repo, SqlRepo};
use imago_server::store::{LocalStore, Store};
use imago_server::{Config, RateLimit, Server};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut data: Option<PathBuf> = None;
    let mut config = Config {
        listen: "127.0.0.1:0".parse()?,
        // Every browser test shares this one server and address: the default limits would
        // answer 429 part way through the run. The limits have their own API tests.
        rate_per_key: RateLimit {
            per_minute: 60_000,
            burst: 10_000,
        },
        rate_per_ip: RateLimit {
            per_minute: 60_000,
            burst: 10_000,
        },
        ..Config::default()
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--data" => data = args.next().map(PathBuf::from),
            "--body-limit" => config.body_limit = args.next().ok_or("--body-limit N")?.parse()?,
            "--guest" => config.guest_uploads = true,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    // The folder lives as long as the process; a temporary one is removed at the end.
    let temp = tempfile::tempdir()?;
    config.data_dir = data.unwrap_or_else(|| temp.path().to_path_buf());
    let repo: Arc<dyn Repo> = Arc::new(SqlRepo::open_in(&config.data_dir).await?);
    let store: Arc<dyn Store> = Arc::new(LocalStore::open(config.data_dir.join("store")).await?);
    let server = Server::bind(config, repo.clone(), store).await?;
    let (_, api_key) = imago_server::create_user(repo.as_ref(), "e2e", false).await?;
    let password = "e2e correct horse";
    imago_server::accounts::set_password(repo.as_ref(), "e2e", password).await?;
    let url = format!("http://{}", server.local_addr());
    let line = serde_json::json!({"url": url, "key": api_key, "name": "e2e", "password": password});
    let mut out = std::io::stdout().lock();
    writeln!(out, "{line}")?;
    out.flush()?;
    drop(out);
    server
        .run(async {
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    .expect("SIGTERM handler");
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
        })
        .await?;
    Ok(())
}
