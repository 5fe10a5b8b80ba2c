//! `--render` flags to a [`Renderer`], shared by `imago list` and `imago grab`.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{anyhow, Result};
use imago_engine::render::{RenderOptions, Renderer, DEFAULT_CHROMIUM};

use crate::cli::{NetArgs, RenderArgs};
use crate::settings;

/// The renderer when `--render` was given. The binary is checked now, so a wrong
/// `--chromium` is bad usage (exit 2) before any page is read; the browser itself starts
/// with the first page.
/// The browser sends `-A` when one was given, like imago's own requests.
pub fn renderer(args: &RenderArgs, net: &NetArgs) -> Result<Option<Arc<Renderer>>> {
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
        user_agent: net.user_agent.clone(),
    };
    Renderer::new(opts)
        .map(|r| Some(Arc::new(r)))
        .map_err(|e| anyhow!(e))
}

/// Runs `work`; with a browser running, Ctrl-C stops it so the caller can close the
/// browser and remove its profile before exiting (without this, the kernel's
/// parent-death signal still kills Chromium, but its profile folder would stay behind).
pub async fn until_interrupted<T>(
    renderer: &Option<Arc<Renderer>>,
    work: impl std::future::Future<Output = T>,
) -> Result<T> {
    if renderer.is_none() {
        return Ok(work.await);
    }
    tokio::select! {
        done = work => Ok(done),
        _ = tokio::signal::ctrl_c() => Err(crate::Interrupted("the browser was closed").into()),
    }
}

/// Closes the browser when the command is done (dropping it would kill it too; this lets
/// it end its helper processes itself first).
pub async fn finish(renderer: Option<Arc<Renderer>>) {
    if let Some(r) = renderer {
        r.shutdown().await;
    }
}
