//! One page in one tab: open, navigate, wait for load and for the DOM to settle, run the
//! collector in an isolated world, close the tab.

use std::time::Duration;

use serde_json::{json, Value};
use url::Url;

use super::browser::Browser;
use super::cdp::Conn;
use super::collector::{collect_call, parse_result, settle_script, COLLECTOR_JS};
use super::{RenderError, RenderOptions, Rendered};

/// Renders `url` in a new tab of `browser`; the tab is closed on every way out.
pub(crate) async fn render_in_tab(
    browser: &Browser,
    url: &Url,
    opts: &RenderOptions,
) -> Result<Rendered, RenderError> {
    let target = {
        let mut conn = browser.conn().lock().await;
        let created = bounded(
            url,
            "opening a tab",
            opts.timeout,
            conn.call("Target.createTarget", json!({"url": "about:blank"})),
        )
        .await?;
        created
            .get("targetId")
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| RenderError::Protocol("Target.createTarget: no targetId".into()))?
    };
    let page_ws = format!("ws://127.0.0.1:{}/devtools/page/{target}", browser.port());
    let opened = bounded(
        url,
        "connecting to the tab",
        opts.timeout,
        Conn::open(&page_ws),
    )
    .await;
    let result = match opened {
        Ok(mut page) => {
            let r = bounded(
                url,
                "rendering the page",
                opts.timeout,
                drive(&mut page, url, opts),
            )
            .await;
            page.close().await;
            r
        }
        Err(e) => Err(e),
    };
    let mut conn = browser.conn().lock().await;
    let close = conn.call("Target.closeTarget", json!({"targetId": target}));
    // A tab that will not close goes with the browser at the end of the run.
    let _ = tokio::time::timeout(Duration::from_secs(5), close).await;
    result
}

async fn bounded<T>(
    url: &Url,
    what: &'static str,
    after: Duration,
    f: impl std::future::Future<Output = Result<T, RenderError>>,
) -> Result<T, RenderError> {
    tokio::time::timeout(after, f).await.unwrap_or_else(|_| {
        Err(RenderError::Timeout {
            url: url.to_string(),
            what,
            after,
        })
    })
}

async fn drive(page: &mut Conn, url: &Url, opts: &RenderOptions) -> Result<Rendered, RenderError> {
    let mut warnings = Vec::new();
    page.call("Page.enable", json!({})).await?;
    page.call("Page.setLifecycleEventsEnabled", json!({"enabled": true}))
        .await?;
    page.clear_events();
    let nav = page
        .call("Page.navigate", json!({"url": url.as_str()}))
        .await?;
    if let Some(err) = nav
        .get("errorText")
        .and_then(Value::as_str)
        .filter(|e| !e.is_empty())
    {
        return Err(RenderError::Navigate {
            url: url.to_string(),
            reason: err.to_string(),
        });
    }
    let frame = nav
        .get("frameId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let loader = nav
        .get("loaderId")
        .and_then(Value::as_str)
        .map(str::to_string);
    let loaded = page.wait_event(|method, p| {
        method == "Page.lifecycleEvent"
            && p.get("name").and_then(Value::as_str) == Some("load")
            && p.get("frameId").and_then(Value::as_str) == Some(frame.as_str())
            && (loader.is_none() || p.get("loaderId").and_then(Value::as_str) == loader.as_deref())
    });
    // A page whose load never ends (a stalled image, a long poll) is still read: what it
    // shows by then is what a person would see.
    match tokio::time::timeout(opts.load_timeout, loaded).await {
        Ok(r) => {
            r?;
        }
        Err(_) => warnings.push(format!(
            "{url}: still loading after {}s; collected what was there",
            opts.load_timeout.as_secs_f32()
        )),
    }

    // The collector runs in a world of its own, as a content script does: the page's
    // scripts cannot see or replace `imagoCollector`, nor patch what it calls.
    let world = page
        .call(
            "Page.createIsolatedWorld",
            json!({"frameId": frame, "worldName": "imago", "grantUniveralAccess": false}),
        )
        .await?;
    let context = world
        .get("executionContextId")
        .and_then(Value::as_i64)
        .ok_or_else(|| RenderError::Protocol("Page.createIsolatedWorld: no context".into()))?;

    let settle_ms = opts.settle_max.as_millis().min(u128::from(u32::MAX)) as u64;
    evaluate(page, url, context, &settle_script(700, settle_ms), true).await?;
    evaluate(page, url, context, COLLECTOR_JS, false).await?;
    let scroll_ms = opts.scroll_time.as_millis().min(u128::from(u32::MAX)) as u64;
    let value = evaluate(
        page,
        url,
        context,
        &collect_call(opts.auto_scroll, scroll_ms),
        true,
    )
    .await?;
    let collected = parse_result(value).map_err(|reason| RenderError::Collector {
        url: url.to_string(),
        reason,
    })?;
    warnings.extend(
        collected
            .warnings
            .into_iter()
            .map(|w| format!("{url}: {w}")),
    );
    // The document as its scripts left it, for what reads the page's text and data
    // (`imago product --render`); a page past the cap is read from its candidates only.
    let html = evaluate(page, url, context, OUTER_HTML_JS, false).await?;
    let html = match html {
        Value::String(s) => Some(s),
        _ => {
            warnings.push(format!(
                "{url}: the page's HTML is over {} MiB; not kept",
                MAX_HTML >> 20
            ));
            None
        }
    };
    Ok(Rendered {
        page_url: collected.page_url.unwrap_or_else(|| url.clone()),
        title: collected.title,
        candidates: collected.candidates,
        warnings,
        html,
        videos: collected.videos,
    })
}

/// The most HTML a rendered page hands over: far more than any real page.
const MAX_HTML: usize = 32 << 20;

/// The live document's HTML, or `null` past [`MAX_HTML`] characters.
const OUTER_HTML_JS: &str =
    "(() => { const h = document.documentElement.outerHTML; return h.length > 33554432 ? null : h; })()";

/// `Runtime.evaluate` in `context`; a thrown exception becomes a collector error.
async fn evaluate(
    page: &mut Conn,
    url: &Url,
    context: i64,
    expression: &str,
    await_promise: bool,
) -> Result<Value, RenderError> {
    let r = page
        .call(
            "Runtime.evaluate",
            json!({
                "expression": expression,
                "contextId": context,
                "awaitPromise": await_promise,
                "returnByValue": true,
                "userGesture": false,
            }),
        )
        .await?;
    if let Some(ex) = r.get("exceptionDetails") {
        let text = ex
            .pointer("/exception/description")
            .and_then(Value::as_str)
            .or_else(|| ex.get("text").and_then(Value::as_str))
            .unwrap_or("an exception");
        return Err(RenderError::Collector {
            url: url.to_string(),
            reason: text.lines().next().unwrap_or(text).to_string(),
        });
    }
    Ok(r.pointer("/result/value").cloned().unwrap_or(Value::Null))
}
