//! `--render` flags to a [`Renderer`], shared by `imago list` and `imago grab`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use imago_engine::render::{RenderOptions, Renderer, DEFAULT_CHROMIUM};

use crate::cli::RenderArgs;
use crate::settings;

/// The renderer when `--render` was given. The binary is checked now, so a wrong
/// `--chromium` is bad usage (exit 2) before any page is read; the browser itself starts
/// with the first page.
pub fn renderer(args: &RenderArgs) -> Result<Option<Arc<Renderer>>> {
    if !args.render {
        return Ok(None);
    }
    let timeout = settings::duration("--render-timeout", &args.render_timeout)?;
    let defaults = RenderOptions::default();
    let opts = RenderOptions {
        chromium: args
            .chromium
            .clone()
            .unwrap_or_else(|| PathBuf::from(DEFAULT_CHROMIUM)),
        auto_scroll: args.scroll,
        scroll_time: settings::duration("--scroll-time", &args.scroll_time)?,
        load_timeout: defaults.load_timeout.min(timeout),
        settle_max: defaults.settle_max,
        timeout,
    };
    Renderer::new(opts)
        .map(|r| Some(Arc::new(r)))
        .map_err(|e| anyhow!(e))
}

/// Closes the browser when the command is done (dropping it would kill it too; this lets
/// it end its helper processes itself first).
pub async fn finish(renderer: Option<Arc<Renderer>>) {
    if let Some(r) = renderer {
        r.shutdown().await;
    }
}
