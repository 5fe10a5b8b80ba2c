//! `imago users`, `imago keys` and `imago serve` from the command line.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use support::imago;

#[test]
fn users_and_keys_are_managed_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let data = data.to_str().unwrap();
    let out = imago(
        tmp.path(),
        &["users", "add", "alice", "--admin", "--data", data],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let key = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let (prefix, secret) = key.split_once('.').expect("a key is prefix.secret");
    assert!(prefix.len() >= 6 && secret.len() >= 32, "{key}");

    let again = imago(tmp.path(), &["users", "add", "alice", "--data", data]);
    assert_eq!(again.status.code(), Some(2), "a taken name is bad input");

    let listed = imago(tmp.path(), &["keys", "list", "alice", "--data", data]);
    let text = String::from_utf8_lossy(&listed.stdout);
    assert!(text.contains(prefix) && text.contains("active"), "{text}");
    assert!(!text.contains(secret), "the secret is never shown again");

    let revoked = imago(tmp.path(), &["keys", "revoke", prefix, "--data", data]);
    assert_eq!(revoked.status.code(), Some(0));
    let listed = imago(tmp.path(), &["keys", "list", "alice", "--data", data]);
    assert!(String::from_utf8_lossy(&listed.stdout).contains("revoked"));
    let twice = imago(tmp.path(), &["keys", "revoke", prefix, "--data", data]);
    assert_eq!(twice.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&twice.stderr).contains("no active key"));
}

/// A running `imago serve`, killed and reaped when dropped (also when a test fails).
struct Serving {
    child: Child,
    addr: String,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `imago serve` on a free port in `dir` (data in `dir/data`) with `args` and
/// `env`, and waits for the address it prints.
fn start_serve(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> Serving {
    let child = Command::new(env!("CARGO_BIN_EXE_imago"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(dir.join("data"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut serving = Serving {
        child,
        addr: String::new(),
    };
    let mut err = BufReader::new(serving.child.stderr.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        line.clear();
        if err.read_line(&mut line).unwrap() == 0 || Instant::now() > deadline {
            panic!("imago serve {args:?} {env:?} printed no address: {line}");
        }
        if let Some(rest) = line.trim().strip_prefix("imago: serving on http://") {
            serving.addr = rest.to_string();
            return serving;
        }
    }
}

/// Answer of `GET path` on `addr`, headers and body.
fn get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn serve_answers_on_the_address_it_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let serving = start_serve(tmp.path(), &[], &[]);
    let answer = get(&serving.addr, "/healthz");
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

/// `/api/v2/config` of `imago serve` started with `args` and `env` in `dir`.
fn served_config(dir: &std::path::Path, args: &[&str], env: &[(&str, &str)]) -> serde_json::Value {
    let answer = get(&start_serve(dir, args, env).addr, "/api/v2/config");
    let body = answer.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {answer}"))
}

#[test]
fn a_size_means_the_same_from_a_flag_the_environment_and_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let by_flag = served_config(tmp.path(), &["--body-limit", "5MB"], &[]);
    let by_env = served_config(tmp.path(), &[], &[("IMAGO_BODY_LIMIT", "5MB")]);
    std::fs::write(
        tmp.path().join("imago.toml"),
        "body_limit = \"5MB\"\n[video]\nmax_bytes = \"40MiB\"\n",
    )
    .unwrap();
    let by_file = served_config(tmp.path(), &[], &[]);
    // MB is SI (10^6 bytes), MiB is IEC (2^20 bytes), whichever way the value comes in.
    assert_eq!(by_flag["max_bytes"], 5_000_000, "--body-limit 5MB");
    assert_eq!(by_env["max_bytes"], 5_000_000, "IMAGO_BODY_LIMIT=5MB");
    assert_eq!(by_file["max_bytes"], 5_000_000, "body_limit = \"5MB\"");
    assert_eq!(by_file["max_video_bytes"], 40 * 1024 * 1024);
}

#[test]
fn a_port_in_use_is_a_runtime_failure_not_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let data = tmp.path().join("data");
    let out = imago(
        tmp.path(),
        &["serve", "--listen", &addr, "--data", data.to_str().unwrap()],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains(&addr), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert_eq!(err.matches("in use").count(), 1, "said once: {err}");
}

#[test]
fn an_unreachable_database_is_a_runtime_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let out = imago(
        tmp.path(),
        &[
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--database-url",
            "postgres://127.0.0.1:1/x",
        ],
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("postgres"), "{err}");
    // The reason, once, at once (a pool would retry for 30 s, then say "pool timed out").
    assert_eq!(err.matches("refused").count(), 1, "said once: {err}");
    let took = started.elapsed();
    assert!(took < Duration::from_secs(10), "failed after {took:?}");
}

#[test]
fn a_bad_server_setting_is_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let out = imago(tmp.path(), &["serve", "--body-limit", "5 parsecs"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--body-limit"), "{err}");
    std::fs::write(tmp.path().join("imago.toml"), "body_limit = \"lots\"\n").unwrap();
    let out = imago(tmp.path(), &["serve"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("imago.toml (body_limit)"), "{err}");
}
