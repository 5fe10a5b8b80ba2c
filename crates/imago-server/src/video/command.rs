//! Running ffmpeg and ffprobe: no shell (the arguments are a vector), no standard input,
//! bounded standard output and error, and a timeout after which the process is killed.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::process::Command;

/// Most of the standard error kept for the log; the rest is read and dropped so that a
/// chatty process never blocks on a full pipe.
const STDERR_KEPT: u64 = 16 * 1024;

/// Why a run gave no output.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The program could not be started: not installed, or not at the configured path.
    #[error("{0} cannot be started (not installed?)")]
    NotInstalled(PathBuf),
    #[error("{program} took more than {secs} s and was killed")]
    TimedOut { program: PathBuf, secs: u64 },
    #[error("{program} wrote more than {max} bytes and was killed")]
    TooMuchOutput { program: PathBuf, max: usize },
    #[error("{program}: {source}")]
    Io {
        program: PathBuf,
        source: std::io::Error,
    },
}

/// What a finished run left.
#[derive(Debug)]
pub struct Output {
    pub status: ExitStatus,
    pub stdout: Vec<u8>,
    /// The first 16 KB of the standard error, for the log.
    pub stderr: Vec<u8>,
}

impl Output {
    /// The last line of the standard error: ffmpeg's reason, for the log.
    pub fn reason(&self) -> String {
        let text = String::from_utf8_lossy(&self.stderr);
        text.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_string()
    }
}

/// Runs `program` with `args`; at most `max_stdout` bytes of output are accepted and the
/// whole run may take `timeout`. The child is killed on every early return (and when the
/// future is dropped).
pub async fn run(
    program: &Path,
    args: &[OsString],
    timeout: Duration,
    max_stdout: usize,
) -> Result<Output, RunError> {
    let io = |source| RunError::Io {
        program: program.to_path_buf(),
        source,
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound | std::io::ErrorKind::PermissionDenied => {
                RunError::NotInstalled(program.to_path_buf())
            }
            _ => io(e),
        })?;
    let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        return Err(io(std::io::Error::other("no pipes to the child")));
    };
    let work = async {
        let out = async {
            let buf = read_at_most(&mut stdout, max_stdout as u64 + 1).await?;
            if buf.len() > max_stdout {
                return Err(Overflow::Stdout);
            }
            Ok(buf)
        };
        let err = async {
            let kept = read_at_most(&mut stderr, STDERR_KEPT).await?;
            tokio::io::copy(&mut stderr, &mut tokio::io::sink()).await?;
            Ok(kept)
        };
        let (out, err) = tokio::try_join!(out, err)?;
        let status = child.wait().await?;
        Ok::<_, Overflow>((status, out, err))
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(Ok((status, stdout, stderr))) => Ok(Output {
            status,
            stdout,
            stderr,
        }),
        Ok(Err(Overflow::Stdout)) => {
            let _ = child.kill().await;
            Err(RunError::TooMuchOutput {
                program: program.to_path_buf(),
                max: max_stdout,
            })
        }
        Ok(Err(Overflow::Io(e))) => {
            let _ = child.kill().await;
            Err(io(e))
        }
        Err(_) => {
            let _ = child.kill().await;
            Err(RunError::TimedOut {
                program: program.to_path_buf(),
                secs: timeout.as_secs(),
            })
        }
    }
}

enum Overflow {
    Stdout,
    Io(std::io::Error),
}

impl From<std::io::Error> for Overflow {
    fn from(e: std::io::Error) -> Self {
        Overflow::Io(e)
    }
}

async fn read_at_most<R: AsyncRead + Unpin>(r: &mut R, max: u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(max).read_to_end(&mut buf).await?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[tokio::test]
    async fn a_missing_program_says_so() {
        let e = run(
            Path::new("/nonexistent/ffmpeg"),
            &[],
            Duration::from_secs(5),
            10,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, RunError::NotInstalled(_)), "{e}");
    }

    #[tokio::test]
    async fn a_slow_program_is_killed_at_the_timeout() {
        let started = std::time::Instant::now();
        let e = run(
            Path::new("sleep"),
            &args(&["30"]),
            Duration::from_millis(300),
            10,
        )
        .await
        .unwrap_err();
        assert!(matches!(e, RunError::TimedOut { .. }), "{e}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn output_past_the_bound_is_refused_at_once() {
        let started = std::time::Instant::now();
        // `yes` writes forever; the bound, not the timeout, must stop it.
        let e = run(Path::new("yes"), &[], Duration::from_secs(20), 1000)
            .await
            .unwrap_err();
        assert!(
            matches!(e, RunError::TooMuchOutput { max: 1000, .. }),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn arguments_reach_the_program_unquoted() {
        // No shell: the semicolon is part of the argument, not a second command.
        let out = run(
            Path::new("echo"),
            &args(&["a; echo b"]),
            Duration::from_secs(5),
            100,
        )
        .await
        .unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout, b"a; echo b\n");
    }
}
