//! The browser extension's collector, run in a page: the same file for both users.

use imago_core::discover::video::{VideoRef, MAX_VIDEOS};
use imago_core::Candidate;
use serde::Deserialize;
use serde_json::Value;
use url::Url;

/// `extension/generated/collector.js` (built by `npm run build` in `extension/` and
/// committed): it defines `globalThis.imagoCollector`.
pub(crate) const COLLECTOR_JS: &str = include_str!("../../../../extension/generated/collector.js");

/// At most this many candidates are taken from one page: a hostile page cannot make the
/// rest of the pipeline chew on millions.
pub(crate) const MAX_CANDIDATES: usize = 50_000;

/// A script (run in imago's isolated world, after the load event) that resolves once the
/// page has stopped changing its DOM for `quiet_ms`, or after `max_ms` at most: pages that
/// build their images on a timer get that time.
pub(crate) fn settle_script(quiet_ms: u64, max_ms: u64) -> String {
    format!(
        "new Promise((resolve) => {{
  const start = Date.now(); let last = start;
  const seen = new MutationObserver(() => {{ last = Date.now(); }});
  seen.observe(document, {{ subtree: true, childList: true, attributes: true,
    attributeFilter: ['src', 'srcset', 'style', 'class', 'poster', 'href'] }});
  const tick = () => {{
    const now = Date.now();
    if (now - last >= {quiet_ms} || now - start >= {max_ms}) {{ seen.disconnect(); resolve(now - start); }}
    else setTimeout(tick, 50);
  }};
  setTimeout(tick, 50);
}})"
    )
}

/// The call that collects, as the contract in `extension/src/shared/contracts.md` says.
pub(crate) fn collect_call(auto_scroll: bool, scroll_ms: u64) -> String {
    format!(
        "globalThis.imagoCollector.collect({{autoScroll: {auto_scroll}, scrollTimeMs: {scroll_ms}}})"
    )
}

/// `CollectResult` of `extension/src/shared/collect.ts`, as far as imago reads it.
#[derive(Deserialize)]
struct RawResult {
    #[serde(rename = "pageUrl")]
    page_url: String,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    candidates: Vec<Value>,
    /// The videos of the page and those it requested (`CollectedVideo`).
    #[serde(default)]
    videos: Vec<Value>,
}

/// What the collector found, checked.
#[derive(Debug)]
pub(crate) struct Collected {
    pub page_url: Option<Url>,
    pub title: Option<String>,
    pub candidates: Vec<Candidate>,
    pub warnings: Vec<String>,
    /// The videos the collector saw (elements, and what the page requested): http(s)
    /// only, each once.
    pub videos: Vec<VideoRef>,
}

/// Reads a `CollectResult`. Candidates are read one by one, so one the core does not
/// understand (a source kind added to the collector later) costs that one, with a
/// warning, not the page. Only http(s) and `data:` URLs are kept: `blob:` and the like
/// live only inside that browser.
pub(crate) fn parse_result(value: Value) -> Result<Collected, String> {
    let raw: RawResult =
        serde_json::from_value(value).map_err(|e| format!("not a collect result ({e})"))?;
    let mut warnings = Vec::new();
    let mut candidates = Vec::new();
    let mut unreadable = 0usize;
    let mut first_unreadable = None;
    let mut other_scheme = 0usize;
    let total = raw.candidates.len();
    for v in raw.candidates.into_iter().take(MAX_CANDIDATES) {
        match serde_json::from_value::<Candidate>(v) {
            Ok(c) if kept_url(&c.url) => candidates.push(c),
            Ok(_) => other_scheme += 1,
            Err(e) => {
                unreadable += 1;
                first_unreadable.get_or_insert_with(|| e.to_string());
            }
        }
    }
    if total > MAX_CANDIDATES {
        warnings.push(format!(
            "the page reported {total} candidates; only the first {MAX_CANDIDATES} are used"
        ));
    }
    if let Some(e) = first_unreadable {
        warnings.push(format!(
            "{unreadable} candidate(s) from the collector could not be read (first: {e})"
        ));
    }
    if other_scheme > 0 {
        warnings.push(format!(
            "{other_scheme} candidate(s) with a URL only the browser can open (blob:, ...) were left out"
        ));
    }
    let mut videos: Vec<VideoRef> = Vec::new();
    for v in raw.videos {
        // One the core does not read (a source added to the collector later) is left
        // out alone, like a candidate.
        let Ok(v) = serde_json::from_value::<VideoRef>(v) else {
            continue;
        };
        let http = v.url.starts_with("http://") || v.url.starts_with("https://");
        if http && !videos.iter().any(|seen| seen.url == v.url) && videos.len() < MAX_VIDEOS {
            videos.push(v);
        }
    }
    Ok(Collected {
        page_url: Url::parse(&raw.page_url).ok(),
        title: raw.title.filter(|t| !t.trim().is_empty()),
        candidates,
        warnings,
        videos,
    })
}

fn kept_url(url: &str) -> bool {
    let scheme = url.split(':').next().unwrap_or("").to_ascii_lowercase();
    matches!(scheme.as_str(), "http" | "https" | "data")
}

#[cfg(test)]
mod tests {
    use super::*;
    use imago_core::SourceKind;
    use serde_json::json;

    #[test]
    fn reads_the_collectors_shape_and_keeps_only_fetchable_urls() {
        let v = json!({
            "pageUrl": "http://127.0.0.1:1/p",
            "title": "Gallery",
            "frames": 0,
            "scrolled": false,
            "candidates": [
                {"url": "http://127.0.0.1:1/a.png", "kind": "img", "group": 0, "order": 0},
                {"url": "blob:http://127.0.0.1:1/1234", "kind": "img", "order": 1},
                {"url": "http://127.0.0.1:1/b.png", "kind": "no-such-kind", "order": 2},
                {"url": "data:image/png;base64,iVBORw0KGgo=", "kind": "background", "order": 3}
            ]
        });
        let c = parse_result(v).unwrap();
        assert_eq!(c.title.as_deref(), Some("Gallery"));
        assert_eq!(c.page_url.unwrap().as_str(), "http://127.0.0.1:1/p");
        let urls: Vec<_> = c.candidates.iter().map(|c| c.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://127.0.0.1:1/a.png",
                "data:image/png;base64,iVBORw0KGgo="
            ]
        );
        assert_eq!(c.candidates[1].kind, SourceKind::Background);
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
    }

    #[test]
    fn something_else_is_an_error_not_a_panic() {
        assert!(parse_result(json!(null)).is_err());
        assert!(parse_result(json!({"candidates": 3})).is_err());
    }

    #[test]
    fn the_embedded_collector_defines_the_global() {
        assert!(COLLECTOR_JS.contains("imagoCollector"));
    }
}
