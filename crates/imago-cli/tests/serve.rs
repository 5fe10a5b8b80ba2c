//! `imago users`, `imago keys` and `imago serve` from the command line.

mod support;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
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

#[test]
fn serve_answers_on_the_address_it_prints() {
    let tmp = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_imago"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data"])
        .arg(tmp.path().join("data"))
        .current_dir(tmp.path())
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    let addr = loop {
        line.clear();
        if err.read_line(&mut line).unwrap() == 0 || Instant::now() > deadline {
            let _ = child.kill();
            panic!("imago serve printed no address");
        }
        if let Some(rest) = line.trim().strip_prefix("imago: serving on http://") {
            break rest.to_string();
        }
    };
    let mut s = TcpStream::connect(&addr).unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    s.read_to_string(&mut answer).unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
