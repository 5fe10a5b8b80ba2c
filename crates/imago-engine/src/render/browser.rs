//! The Chromium process: started headless with a fresh profile, reached over its DevTools
//! port, and gone (with every child it started, and its profile folder) when the
//! [`Browser`] is dropped, whatever way the run ends.

use std::collections::VecDeque;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use serde_json::json;

use super::cdp::Conn;
use super::RenderError;

/// The flags every run uses: headless, no first-run chores, no traffic of the browser's
/// own (updates, sync, safe browsing lists), and nothing kept between runs.
const FLAGS: &[&str] = &[
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-dev-shm-usage",
    "--password-store=basic",
    "--use-mock-keychain",
    "--mute-audio",
    "--hide-scrollbars",
    "--no-pings",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
    "--disable-default-apps",
    "--disable-breakpad",
    "--window-size=1280,1024",
    "--remote-debugging-port=0",
];

/// How long Chromium may take to open its DevTools port.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// How long a polite `Browser.close` may take before the process is told to end.
const CLOSE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long Chromium may take to end after SIGTERM before its group is killed.
#[cfg(target_os = "linux")]
const TERM_GRACE: Duration = Duration::from_secs(3);
/// Lines of Chromium's standard error kept for the error message of a failed start.
const STDERR_LINES: usize = 12;

/// A running headless Chromium.
pub(crate) struct Browser {
    path: PathBuf,
    child: Mutex<Option<Child>>,
    port: u16,
    /// The browser-wide connection (create and close tabs).
    conn: tokio::sync::Mutex<Conn>,
    stderr: Arc<Mutex<VecDeque<String>>>,
    /// Removed after the process is gone (fields drop after `Drop::drop`).
    _profile: tempfile::TempDir,
}

/// Finds the binary: a path with a `/` as given, a bare name on `PATH`. Checks that it
/// is an executable file, so a wrong `--chromium` fails before any page is read.
pub(crate) fn find_binary(path: &Path) -> Result<PathBuf, RenderError> {
    let no = |reason: &str| RenderError::NoBrowser {
        path: path.to_path_buf(),
        reason: reason.to_string(),
    };
    let found = if path.components().count() > 1 || path.is_absolute() {
        Some(path.to_path_buf())
    } else {
        std::env::var_os("PATH").and_then(|dirs| {
            std::env::split_paths(&dirs)
                .map(|d| d.join(path))
                .find(|p| p.is_file())
        })
    };
    let found = found.ok_or_else(|| no("not found on PATH"))?;
    let meta = std::fs::metadata(&found).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => no("no such file"),
        _ => no(&e.to_string()),
    })?;
    if !meta.is_file() {
        return Err(no("not a file"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o111 == 0 {
            return Err(no("not executable"));
        }
    }
    Ok(found)
}

impl Browser {
    /// Starts Chromium and connects to it.
    pub(crate) async fn launch(
        path: &Path,
        user_agent: Option<&str>,
    ) -> Result<Browser, RenderError> {
        let launch_err = |reason: String, stderr: String| RenderError::Launch {
            path: path.to_path_buf(),
            reason,
            stderr,
        };
        let profile = tempfile::Builder::new()
            .prefix("imago-chromium-")
            .tempdir()
            .map_err(|e| launch_err(format!("cannot create a profile folder: {e}"), "".into()))?;
        let tmp = profile.path().join("tmp");
        std::fs::create_dir_all(&tmp)
            .map_err(|e| launch_err(format!("cannot create {}: {e}", tmp.display()), "".into()))?;
        let mut cmd = Command::new(path);
        cmd.args(FLAGS)
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            // Chromium keeps its crash database and caches under these, outside the
            // profile: keep them in the profile too, so nothing stays in the user's home.
            .env("XDG_CONFIG_HOME", profile.path().join("config"))
            .env("XDG_CACHE_HOME", profile.path().join("cache"))
            // And its temporary files (`org.chromium.Chromium.*`), which a browser that is
            // stopped rather than closed leaves behind.
            .env("TMPDIR", &tmp)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        if let Some(ua) = user_agent {
            cmd.arg(format!("--user-agent={ua}"));
        }
        own_process_group(&mut cmd);
        let mut child = cmd
            .spawn()
            .map_err(|e| launch_err(format!("cannot run it: {e}"), "".into()))?;
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        if let Some(err) = child.stderr.take() {
            let keep = Arc::clone(&stderr);
            // A thread, not a task: it ends by itself at EOF, when the last Chromium
            // process is gone, and never blocks the runtime.
            let _ = std::thread::Builder::new()
                .name("imago-chromium-stderr".into())
                .spawn(move || {
                    for line in std::io::BufReader::new(err).lines() {
                        let Ok(line) = line else { break };
                        let mut k = keep.lock().unwrap_or_else(PoisonError::into_inner);
                        if k.len() >= STDERR_LINES {
                            k.pop_front();
                        }
                        k.push_back(line);
                    }
                });
        }
        // From here on the process is owned by a guard: an early return kills it.
        let mut guard = Launching {
            child: Some(child),
            profile: Some(profile),
        };
        let (port, ws_path) = match wait_for_port(&mut guard).await {
            Ok(p) => p,
            Err(reason) => return Err(launch_err(reason, joined(&stderr))),
        };
        let url = format!("ws://127.0.0.1:{port}{ws_path}");
        let mut conn = match tokio::time::timeout(Duration::from_secs(10), Conn::open(&url)).await {
            Ok(Ok(c)) => c,
            Ok(Err(e)) => return Err(launch_err(e.to_string(), joined(&stderr))),
            Err(_) => {
                return Err(launch_err(
                    "its DevTools port did not answer the WebSocket handshake".into(),
                    joined(&stderr),
                ))
            }
        };
        // A page must not drop files into the user's Downloads folder behind imago's back.
        let deny = conn.call("Browser.setDownloadBehavior", json!({"behavior": "deny"}));
        match tokio::time::timeout(Duration::from_secs(10), deny).await {
            Ok(Ok(_)) => {}
            Ok(Err(e)) => return Err(launch_err(e.to_string(), joined(&stderr))),
            Err(_) => {
                return Err(launch_err(
                    "no answer to Browser.setDownloadBehavior".into(),
                    joined(&stderr),
                ))
            }
        }
        let Some((child, profile)) = guard.release() else {
            return Err(launch_err("lost the process".into(), joined(&stderr)));
        };
        Ok(Browser {
            path: path.to_path_buf(),
            child: Mutex::new(Some(child)),
            port,
            conn: tokio::sync::Mutex::new(conn),
            stderr,
            _profile: profile,
        })
    }

    /// The DevTools port on 127.0.0.1.
    pub(crate) fn port(&self) -> u16 {
        self.port
    }

    /// The binary that runs.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The last lines Chromium wrote to its standard error.
    pub(crate) fn stderr_tail(&self) -> String {
        joined(&self.stderr)
    }

    /// The browser-wide DevTools connection.
    pub(crate) fn conn(&self) -> &tokio::sync::Mutex<Conn> {
        &self.conn
    }

    /// Asks Chromium to close (so it ends its own children cleanly), waits a little, then
    /// kills whatever is left. Dropping the `Browser` afterwards only removes the profile.
    pub(crate) async fn shutdown(&self) {
        {
            // The answer may never come (the browser closes the socket as it goes).
            let mut conn = self.conn.lock().await;
            let close = conn.call("Browser.close", json!({}));
            let _ = tokio::time::timeout(Duration::from_secs(2), close).await;
        }
        let until = Instant::now() + CLOSE_TIMEOUT;
        while Instant::now() < until {
            let done = {
                let mut child = self.child.lock().unwrap_or_else(PoisonError::into_inner);
                match child.as_mut().map(|c| c.try_wait()) {
                    Some(Ok(Some(_))) | None => true,
                    Some(Ok(None)) => false,
                    Some(Err(_)) => true,
                }
            };
            if done {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.kill();
    }

    /// Kills the process group (Chromium and every helper process it started) and reaps
    /// the main process. Safe to call twice.
    fn kill(&self) {
        let child = self
            .child
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(child) = child {
            kill_tree(child, Some(self._profile.path()));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Owns the process while it starts: dropped early, it kills it and removes the profile.
struct Launching {
    child: Option<Child>,
    profile: Option<tempfile::TempDir>,
}

impl Launching {
    fn release(&mut self) -> Option<(Child, tempfile::TempDir)> {
        Some((self.child.take()?, self.profile.take()?))
    }
}

impl Drop for Launching {
    fn drop(&mut self) {
        if let Some(child) = self.child.take() {
            kill_tree(child, self.profile.as_ref().map(|p| p.path()));
        }
    }
}

/// Reads `DevToolsActivePort` (port, then the browser's WebSocket path) from the profile,
/// which Chromium writes once it listens.
async fn wait_for_port(guard: &mut Launching) -> Result<(u16, String), String> {
    let file = match &guard.profile {
        Some(p) => p.path().join("DevToolsActivePort"),
        None => return Err("no profile folder".into()),
    };
    let start = Instant::now();
    loop {
        if let Ok(text) = std::fs::read_to_string(&file) {
            let mut lines = text.lines();
            if let (Some(port), Some(path)) = (lines.next(), lines.next()) {
                if let (Ok(port), true) = (port.trim().parse::<u16>(), path.starts_with('/')) {
                    return Ok((port, path.trim().to_string()));
                }
            }
        }
        if let Some(child) = guard.child.as_mut() {
            if let Ok(Some(status)) = child.try_wait() {
                // Give the stderr thread a moment to read the last words.
                tokio::time::sleep(Duration::from_millis(100)).await;
                return Err(format!(
                    "it exited ({status}) before opening its DevTools port"
                ));
            }
        }
        if start.elapsed() > START_TIMEOUT {
            return Err(format!(
                "no DevTools port after {}s",
                START_TIMEOUT.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn joined(stderr: &Mutex<VecDeque<String>>) -> String {
    let lines = stderr.lock().unwrap_or_else(PoisonError::into_inner);
    lines.iter().cloned().collect::<Vec<_>>().join(" | ")
}

/// Puts Chromium in a process group of its own (so one signal reaches its helpers too),
/// and on Linux asks the kernel to kill it if imago dies without running its destructors
/// (a signal, an abort).
fn own_process_group(cmd: &mut Command) {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::process::CommandExt;
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            cmd.pre_exec(|| {
                libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
                Ok(())
            });
        }
    }
    #[cfg(not(unix))]
    let _ = cmd;
}

/// Ends Chromium: SIGTERM first, which it answers by closing its tabs and ending and
/// reaping its own helpers (a SIGKILL of all at once would leave them to init, as
/// zombies where init does not reap); after [`TERM_GRACE`] the whole process group is
/// killed. Reaps `child`, and waits (briefly) until no live member of the group is left,
/// so the profile folder is removed after them.
fn kill_tree(mut child: Child, profile: Option<&Path>) {
    #[cfg(target_os = "linux")]
    {
        let pid = child.id() as libc::pid_t;
        if matches!(child.try_wait(), Ok(None)) {
            // SAFETY: signals the process we started and still own (not yet reaped).
            unsafe {
                libc::kill(pid, libc::SIGTERM);
            }
            let until = Instant::now() + TERM_GRACE;
            while matches!(child.try_wait(), Ok(None)) && Instant::now() < until {
                std::thread::sleep(Duration::from_millis(20));
            }
        }
        // SAFETY: a negative pid signals the group we created for it; no memory involved.
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
        let _ = child.wait();
        let until = Instant::now() + Duration::from_secs(3);
        while group_alive(pid) && Instant::now() < until {
            std::thread::sleep(Duration::from_millis(20));
        }
        // Chromium's crash handler runs in a process group of its own and outlives the
        // browser for a moment; it is ours when its command line names our profile.
        if let Some(profile) = profile {
            let until = Instant::now() + Duration::from_secs(3);
            loop {
                let strays = processes_naming(profile);
                if strays.is_empty() || Instant::now() >= until {
                    break;
                }
                for stray in strays {
                    // SAFETY: a signal to a process whose command line names the
                    // profile folder this run created; no memory involved.
                    unsafe {
                        libc::kill(stray, libc::SIGKILL);
                    }
                }
                std::thread::sleep(Duration::from_millis(20));
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = child.kill();
        let _ = child.wait();
    }
}

/// Live (not zombie) processes whose command line holds `profile`'s path.
#[cfg(target_os = "linux")]
fn processes_naming(profile: &Path) -> Vec<libc::pid_t> {
    let needle = profile.as_os_str().as_encoded_bytes();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    dir.flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<libc::pid_t>().ok())
        .filter(|pid| {
            let zombie = std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .ok()
                .and_then(|st| {
                    st.rsplit_once(')')
                        .map(|(_, r)| r.trim_start().starts_with('Z'))
                })
                .unwrap_or(true);
            !zombie
                && std::fs::read(format!("/proc/{pid}/cmdline"))
                    .is_ok_and(|cmd| cmd.windows(needle.len()).any(|w| w == needle))
        })
        .collect()
}

/// Whether a process of group `pgid` is still running (zombies do not count: they hold
/// no files and their parent reaps them).
#[cfg(target_os = "linux")]
fn group_alive(pgid: libc::pid_t) -> bool {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return false;
    };
    dir.flatten().any(|e| {
        let name = e.file_name();
        let Some(pid) = name
            .to_str()
            .filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
        else {
            return false;
        };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            return false;
        };
        // Fields after the command name (which may hold spaces) in parentheses.
        let Some(rest) = stat.rsplit_once(')').map(|(_, r)| r) else {
            return false;
        };
        let mut fields = rest.split_whitespace();
        let state = fields.next().unwrap_or("");
        let _ppid = fields.next();
        let pgrp = fields.next().and_then(|p| p.parse::<libc::pid_t>().ok());
        pgrp == Some(pgid) && state != "Z"
    })
}
