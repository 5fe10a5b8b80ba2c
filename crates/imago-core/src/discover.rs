//! Finding every image of an HTML document.
//!
//! CONTRACT (the engine codes against this; the body is being written):

use crate::model::{Candidate, SourceKind};
use crate::siterules::SiteRules;
use url::Url;

/// How far discovery looks.
#[derive(Clone, Debug, Default)]
pub struct DiscoverOptions {
    /// `--deep`: image URLs inside inline scripts and JSON.
    pub deep: bool,
}

/// What one HTML document holds.
#[derive(Clone, Debug, Default)]
pub struct Collected {
    /// `<title>` (or `og:title`), entity-decoded and trimmed.
    pub title: Option<String>,
    pub candidates: Vec<Candidate>,
    /// Absolute URLs of linked stylesheets, for the engine to fetch and pass to
    /// [`discover_css`].
    pub stylesheets: Vec<String>,
    /// `--deep` only: absolute URLs of same-origin iframes, for the engine to fetch and
    /// pass to [`discover_html`] (one level).
    pub iframes: Vec<String>,
}

/// Every candidate of `html`, resolved against `page_url` (and `<base href>`).
pub fn discover_html(
    html: &str,
    page_url: &Url,
    opts: &DiscoverOptions,
    rules: &SiteRules,
) -> Collected {
    let _ = (html, page_url, opts, rules);
    todo!("discovery is being written")
}

/// What one stylesheet holds.
#[derive(Clone, Debug, Default)]
pub struct CssFound {
    pub candidates: Vec<Candidate>,
    /// Absolute URLs of `@import`ed stylesheets.
    pub imports: Vec<String>,
}

/// Image candidates of a stylesheet at `css_url`; `order` is given to each candidate.
pub fn discover_css(css: &str, css_url: &Url, kind: SourceKind, order: u32) -> CssFound {
    let _ = (css, css_url, kind, order);
    todo!("discovery is being written")
}
