//! Running ffmpeg and ffprobe, synchronously: no shell (the arguments are a vector), no
//! standard input, bounded standard output and error, and a timeout after which the
//! process is killed. Two threads per run read the pipes; the calling thread waits for
//! them and the process, and kills it on every early return.

use std::ffi::OsString;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Most of the standard error kept for the log; the rest is read and dropped so that a
/// chatty process never blocks on a full pipe.
const STDERR_KEPT: u64 = 16 * 1024;

/// How often the exit of a process that closed its pipes is looked for.
const EXIT_POLL: Duration = Duration::from_millis(2);

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

/// What the pipe readers report.
enum Piped {
    Stdout(io::Result<Vec<u8>>),
    Stderr(io::Result<Vec<u8>>),
}

/// Runs `program` with `args`; at most `max_stdout` bytes of output are accepted and the
/// whole run may take `timeout`. The child is killed (and reaped) on every early return.
pub fn run(
    program: &Path,
    args: &[OsString],
    timeout: Duration,
    max_stdout: usize,
) -> Result<Output, RunError> {
    let deadline = Instant::now() + timeout;
    let io = |source| RunError::Io {
        program: program.to_path_buf(),
        source,
    };
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| match e.kind() {
            io::ErrorKind::NotFound | io::ErrorKind::PermissionDenied => {
                RunError::NotInstalled(program.to_path_buf())
            }
            _ => io(e),
        })?;
    let (Some(mut stdout), Some(mut stderr)) = (child.stdout.take(), child.stderr.take()) else {
        stop(&mut child);
        return Err(io(io::Error::other("no pipes to the child")));
    };
    let (tx, rx) = mpsc::channel();
    let err_tx = tx.clone();
    // The readers end when the pipes close: at the child's exit or its kill.
    std::thread::spawn(move || {
        let read = read_at_most(&mut stdout, max_stdout as u64 + 1);
        let _ = tx.send(Piped::Stdout(read));
    });
    std::thread::spawn(move || {
        let read = read_at_most(&mut stderr, STDERR_KEPT).and_then(|kept| {
            io::copy(&mut stderr, &mut io::sink())?;
            Ok(kept)
        });
        let _ = err_tx.send(Piped::Stderr(read));
    });

    let timed_out = |child: &mut Child| {
        stop(child);
        RunError::TimedOut {
            program: program.to_path_buf(),
            secs: timeout.as_secs(),
        }
    };
    let (mut out, mut err) = (None, None);
    while out.is_none() || err.is_none() {
        let left = deadline.saturating_duration_since(Instant::now());
        let read = match rx.recv_timeout(left) {
            Ok(read) => read,
            Err(mpsc::RecvTimeoutError::Timeout) => return Err(timed_out(&mut child)),
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                stop(&mut child);
                return Err(io(io::Error::other("a pipe reader stopped")));
            }
        };
        match read {
            Piped::Stdout(Ok(buf)) if buf.len() > max_stdout => {
                stop(&mut child);
                return Err(RunError::TooMuchOutput {
                    program: program.to_path_buf(),
                    max: max_stdout,
                });
            }
            Piped::Stdout(Ok(buf)) => out = Some(buf),
            Piped::Stderr(Ok(buf)) => err = Some(buf),
            Piped::Stdout(Err(e)) | Piped::Stderr(Err(e)) => {
                stop(&mut child);
                return Err(io(e));
            }
        }
    }
    // Both pipes are closed: the process has exited or is about to.
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => return Err(timed_out(&mut child)),
            Ok(None) => std::thread::sleep(EXIT_POLL),
            Err(e) => {
                stop(&mut child);
                return Err(io(e));
            }
        }
    };
    Ok(Output {
        status,
        stdout: out.unwrap_or_default(),
        stderr: err.unwrap_or_default(),
    })
}

/// Kills the child and reaps it, so no zombie is left behind.
fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

fn read_at_most<R: Read>(r: &mut R, max: u64) -> io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    r.take(max).read_to_end(&mut buf)?;
    Ok(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<OsString> {
        a.iter().map(OsString::from).collect()
    }

    #[test]
    fn a_missing_program_says_so() {
        let e = run(
            Path::new("/nonexistent/ffmpeg"),
            &[],
            Duration::from_secs(5),
            10,
        )
        .unwrap_err();
        assert!(matches!(e, RunError::NotInstalled(_)), "{e}");
    }

    #[test]
    fn a_slow_program_is_killed_at_the_timeout() {
        let started = Instant::now();
        let e = run(
            Path::new("sleep"),
            &args(&["30"]),
            Duration::from_millis(300),
            10,
        )
        .unwrap_err();
        assert!(matches!(e, RunError::TimedOut { .. }), "{e}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn output_past_the_bound_is_refused_at_once() {
        let started = Instant::now();
        // `yes` writes forever; the bound, not the timeout, must stop it.
        let e = run(Path::new("yes"), &[], Duration::from_secs(20), 1000).unwrap_err();
        assert!(
            matches!(e, RunError::TooMuchOutput { max: 1000, .. }),
            "{e}"
        );
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn arguments_reach_the_program_unquoted() {
        // No shell: the semicolon is part of the argument, not a second command.
        let out = run(
            Path::new("echo"),
            &args(&["a; echo b"]),
            Duration::from_secs(5),
            100,
        )
        .unwrap();
        assert!(out.status.success());
        assert_eq!(out.stdout, b"a; echo b\n");
    }

    #[test]
    fn the_reason_is_the_last_line_of_standard_error() {
        let out = run(
            Path::new("sh"),
            &args(&["-c", "echo first >&2; echo 'Invalid data' >&2; exit 1"]),
            Duration::from_secs(5),
            100,
        )
        .unwrap();
        assert!(!out.status.success());
        assert_eq!(out.reason(), "Invalid data");
    }
}
