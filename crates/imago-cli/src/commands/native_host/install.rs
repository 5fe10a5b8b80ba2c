//! `imago native-host --install / --uninstall`: the host manifest in each browser's
//! per-user `NativeMessagingHosts` folder.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use serde_json::json;

use crate::BadInput;

/// The name the extension connects to (`chrome.runtime.connectNative`).
pub const HOST_NAME: &str = "dev.imago.host";

/// Browsers and where each keeps its per-user configuration, below `~/.config` (or
/// `$XDG_CONFIG_HOME`, which they honor too). A browser is registered only when that
/// folder exists, so nothing is made for browsers the user does not have.
const BROWSERS: &[(&str, &str)] = &[
    ("Chromium", "chromium"),
    ("Google Chrome", "google-chrome"),
    ("Brave", "BraveSoftware/Brave-Browser"),
    ("Microsoft Edge", "microsoft-edge"),
];

/// `~/.config`, or `$XDG_CONFIG_HOME` when set.
fn config_home() -> Result<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_CONFIG_HOME").filter(|x| !x.is_empty()) {
        return Ok(PathBuf::from(x));
    }
    let home = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            BadInput(anyhow!(
                "native-host: HOME is not set, so the browsers' folders cannot be found"
            ))
        })?;
    Ok(Path::new(&home).join(".config"))
}

/// A Chrome extension id: 32 letters from a to p.
fn check_extension_id(id: &str) -> Result<()> {
    if id.len() == 32 && id.bytes().all(|b| (b'a'..=b'p').contains(&b)) {
        Ok(())
    } else {
        Err(BadInput(anyhow!(
            "--extension-id {id}: not an extension id (32 letters a-p; copy it from \
             chrome://extensions with Developer mode on)"
        ))
        .into())
    }
}

/// The manifest for this binary and that extension.
pub fn manifest(binary: &Path, extension_id: &str) -> serde_json::Value {
    json!({
        "name": HOST_NAME,
        "description": "imago desktop helper: saves images chosen in the imago browser extension",
        "path": binary,
        "type": "stdio",
        "allowed_origins": [format!("chrome-extension://{extension_id}/")],
    })
}

/// The browser folders to register in: the one given, or those of [`BROWSERS`] that
/// exist.
fn targets(user_data_dir: Option<&Path>) -> Result<Vec<(String, PathBuf)>> {
    if let Some(dir) = user_data_dir {
        if !dir.is_dir() {
            return Err(
                BadInput(anyhow!("--user-data-dir {}: no such folder", dir.display())).into(),
            );
        }
        return Ok(vec![(dir.display().to_string(), dir.to_path_buf())]);
    }
    let base = config_home()?;
    Ok(BROWSERS
        .iter()
        .map(|(name, dir)| (name.to_string(), base.join(dir)))
        .filter(|(_, dir)| dir.is_dir())
        .collect())
}

/// Writes the manifest for every browser found; prints each path.
pub fn install(extension_id: &str, user_data_dir: Option<&Path>) -> Result<()> {
    check_extension_id(extension_id)?;
    let binary = std::env::current_exe()
        .and_then(|p| p.canonicalize())
        .context("native-host --install: cannot find this program's own path")?;
    let text = serde_json::to_string_pretty(&manifest(&binary, extension_id))?;
    let mut wrote = 0;
    for (browser, profile) in targets(user_data_dir)? {
        let hosts = profile.join("NativeMessagingHosts");
        std::fs::create_dir_all(&hosts)
            .with_context(|| format!("cannot create {}", hosts.display()))?;
        let file = hosts.join(format!("{HOST_NAME}.json"));
        // Written beside, then renamed: the browser never reads half a manifest.
        let temp = hosts.join(format!(".{HOST_NAME}.json.tmp"));
        std::fs::write(&temp, &text)
            .and_then(|()| std::fs::rename(&temp, &file))
            .with_context(|| format!("cannot write {}", file.display()))?;
        crate::out::line(&format!("{browser}: {}", file.display()));
        wrote += 1;
    }
    if wrote == 0 {
        let base = config_home()?;
        return Err(BadInput(anyhow!(
            "native-host --install: no Chromium, Chrome, Brave or Edge settings folder under {}; \
             start the browser once, then run this again",
            base.display()
        ))
        .into());
    }
    Ok(())
}

/// Removes the manifests `install` wrote; prints each path removed.
pub fn uninstall(user_data_dir: Option<&Path>) -> Result<()> {
    let mut removed = 0;
    for (browser, profile) in targets(user_data_dir)? {
        let file = profile
            .join("NativeMessagingHosts")
            .join(format!("{HOST_NAME}.json"));
        match std::fs::remove_file(&file) {
            Ok(()) => {
                crate::out::line(&format!("{browser}: removed {}", file.display()));
                removed += 1;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", file.display())),
        }
    }
    if removed == 0 {
        eprintln!("imago: native-host --uninstall: nothing was registered");
    }
    Ok(())
}
