//! `discover` and `discoverCss`: the static discovery of the command line, for a page's
//! HTML and its stylesheets as the extension reads them.

use imago_core::discover::{discover_css, discover_html, DiscoverOptions};
use imago_core::{Candidate, SourceKind};
use serde::{Deserialize, Serialize};
use url::Url;
use wasm_bindgen::prelude::*;

use crate::boundary::{from_js, to_js, Error};
use crate::rules::site_rules;

/// What `discover` takes besides the HTML and its URL.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageOptions {
    /// `--deep`: image URLs in inline scripts and JSON; same-origin iframes listed.
    #[serde(default)]
    pub deep: bool,
    /// The user's site rules (TOML), used with the built-in ones.
    #[serde(default)]
    pub site_rules: Option<String>,
    /// `true`: only the product's own pictures ("only the product's images"); `false`:
    /// every image; absent: as the site rules say.
    #[serde(default)]
    pub main: Option<bool>,
}

/// What one HTML document holds.
#[derive(Debug, Clone, Serialize)]
pub struct Discovered {
    pub title: Option<String>,
    pub candidates: Vec<Candidate>,
    /// Linked stylesheets, for the caller to fetch and hand to `discoverCss`.
    pub stylesheets: Vec<String>,
    /// `deep` only: same-origin iframes, for the caller to fetch and hand to `discover`.
    pub iframes: Vec<String>,
}

/// What one stylesheet holds.
#[derive(Debug, Clone, Serialize)]
pub struct CssDiscovered {
    pub candidates: Vec<Candidate>,
    /// `@import`ed stylesheets, for the caller to fetch in turn.
    pub imports: Vec<String>,
}

fn absolute_url(what: &str, s: &str) -> Result<Url, Error> {
    Url::parse(s).map_err(|e| Error::new(format!("{what} {s:?}: not an absolute URL ({e})")))
}

/// Every candidate of `html`, resolved against `page_url` (and its `<base href>`).
pub fn discover_page(html: &str, page_url: &str, opts: &PageOptions) -> Result<Discovered, Error> {
    let page = absolute_url("pageUrl", page_url)?;
    let rules = site_rules(opts.site_rules.as_deref())?;
    let options = DiscoverOptions {
        deep: opts.deep,
        main: opts.main,
    };
    let found = discover_html(html, &page, &options, &rules);
    Ok(Discovered {
        title: found.title,
        candidates: found.candidates,
        stylesheets: found.stylesheets,
        iframes: found.iframes,
    })
}

/// The candidates of a linked stylesheet (kind `css-linked`), each given `order`.
pub fn discover_stylesheet(css: &str, css_url: &str, order: u32) -> Result<CssDiscovered, Error> {
    let url = absolute_url("cssUrl", css_url)?;
    let found = discover_css(css, &url, SourceKind::CssLinked, order);
    Ok(CssDiscovered {
        candidates: found.candidates,
        imports: found.imports,
    })
}

/// Every image candidate of a page's HTML, as `imago list` finds them.
#[wasm_bindgen(js_name = discover, unchecked_return_type = "Discovered")]
pub fn discover_js(
    html: &str,
    #[wasm_bindgen(js_name = pageUrl)] page_url: &str,
    #[wasm_bindgen(unchecked_param_type = "PageOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let opts: Option<PageOptions> = from_js("options", options)?;
    to_js(&discover_page(html, page_url, &opts.unwrap_or_default())?)
}

/// The image candidates of a linked stylesheet. Give each stylesheet its own `order`
/// (after the page's candidates) so `image-set()` groups of two sheets never mix.
#[wasm_bindgen(js_name = discoverCss, unchecked_return_type = "CssDiscovered")]
pub fn discover_css_js(
    css: &str,
    #[wasm_bindgen(js_name = cssUrl)] css_url: &str,
    order: u32,
) -> Result<JsValue, JsError> {
    to_js(&discover_stylesheet(css, css_url, order)?)
}
