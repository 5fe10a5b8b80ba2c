//! `imago users add --password-stdin` and `imago users passwd`: the web sign-in
//! password, set from the command line and checked the way the server checks it.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use imago_server::repo::{Repo, SqlRepo};

/// Runs `imago ARGS` with `stdin` piped in.
fn imago_with_stdin(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_imago"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn signs_in(data: &Path, name: &str, password: &str) -> bool {
    let repo = SqlRepo::open_in(data).await.unwrap();
    let ok = imago_server::accounts::sign_in(&repo, name, password)
        .await
        .unwrap()
        .is_some();
    repo.close().await;
    ok
}

#[tokio::test]
async fn passwords_are_set_from_stdin_and_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let d = data.to_str().unwrap();

    let out = imago_with_stdin(
        tmp.path(),
        &["users", "add", "ann", "--password-stdin", "--data", d],
        "first password 1\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The API key is still printed, and the password never is.
    let key = text(&out.stdout).trim().to_string();
    assert!(key.contains('.'), "{key}");
    assert!(!text(&out.stdout).contains("first password"));
    assert!(!text(&out.stderr).contains("first password"));

    let repo = SqlRepo::open_in(&data).await.unwrap();
    let hash = repo
        .user_by_name("ann")
        .await
        .unwrap()
        .unwrap()
        .password_hash
        .unwrap();
    repo.close().await;
    assert!(hash.starts_with("$argon2id$"), "{hash}");
    assert!(signs_in(&data, "ann", "first password 1").await);

    let out = imago_with_stdin(
        tmp.path(),
        &["users", "passwd", "ann", "--password-stdin", "--data", d],
        "second password 2\r\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(signs_in(&data, "ann", "second password 2").await);
    assert!(!signs_in(&data, "ann", "first password 1").await);
}

#[tokio::test]
async fn bad_passwords_and_unknown_users_are_bad_input() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let d = data.to_str().unwrap();

    // Too short: refused before the account is made, so no half-made account is left.
    let out = imago_with_stdin(
        tmp.path(),
        &["users", "add", "bob", "--password-stdin", "--data", d],
        "short\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("8 to 1024"),
        "{}",
        text(&out.stderr)
    );
    assert!(text(&out.stdout).is_empty());
    let repo = SqlRepo::open_in(&data).await.unwrap();
    repo.migrate().await.unwrap();
    assert!(repo.user_by_name("bob").await.unwrap().is_none());
    repo.close().await;

    let out = imago_with_stdin(
        tmp.path(),
        &["users", "passwd", "nobody", "--password-stdin", "--data", d],
        "long enough password\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("no user named \"nobody\""),
        "{}",
        text(&out.stderr)
    );

    let out = imago_with_stdin(
        tmp.path(),
        &["users", "passwd", "nobody", "--password-stdin", "--data", d],
        "",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("standard input was empty"),
        "{}",
        text(&out.stderr)
    );
}
