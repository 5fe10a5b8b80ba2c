//! `renderNames`: folder and file templates to safe, unique relative paths, exactly as
//! `imago grab --folder T --name T` names files.

use imago_core::naming::{safe_relative_path, NameVars, Template, UniqueNames};
use serde::Deserialize;
use wasm_bindgen::prelude::*;

use crate::boundary::{list_from_js, to_js, Error};

/// What is known of one image to name. Other fields the caller keeps are ignored, so an
/// `Image` with `pageUrl` and `title` added will do.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NameItem {
    /// The URL the file comes from (after HD rewriting, if one answered).
    pub url: String,
    /// The page it was found on.
    pub page_url: String,
    /// The page title.
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub alt: Option<String>,
    #[serde(default)]
    pub width: Option<u32>,
    #[serde(default)]
    pub height: Option<u32>,
    /// The extension of the probed format (`jpg`); else one is taken from the URL.
    #[serde(default)]
    pub ext: Option<String>,
    /// The content's SHA-256 in hex, for `{hash8}`.
    #[serde(default)]
    pub hash8: Option<String>,
    /// `{n}`; the position in the list (from 1) when absent.
    #[serde(default)]
    pub n: Option<usize>,
}

fn template(what: &str, text: &str) -> Result<Template, Error> {
    Template::parse(text).map_err(|e| Error::new(format!("{what} {text:?}: {e}")))
}

/// One path per item, `/`-separated, relative, unique among the items. `date` is
/// `YYYY-MM-DD` for `{date}` (the core has no clock).
pub fn render_names(
    name: &str,
    folder: &str,
    items: &[NameItem],
    date: &str,
) -> Result<Vec<String>, Error> {
    let name = template("name template", name)?;
    let folder = template("folder template", folder)?;
    let mut taken = UniqueNames::new();
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        // The folder is the page's: rendered with the page's URL as the CLI does, so
        // `{host}` in a folder template is the page host there too.
        let page_vars = NameVars {
            n: 0,
            url: &item.page_url,
            page_url: &item.page_url,
            title: item.title.as_deref(),
            date,
            ..NameVars::default()
        };
        let vars = NameVars {
            n: item.n.unwrap_or(i.saturating_add(1)),
            url: &item.url,
            alt: item.alt.as_deref(),
            width: item.width,
            height: item.height,
            ext: item.ext.as_deref(),
            hash8: item.hash8.as_deref(),
            ..page_vars
        };
        let path = safe_relative_path(&folder.render(&page_vars), &name.render(&vars));
        out.push(taken.claim(path).to_string());
    }
    Ok(out)
}

/// Paths for `items` from a file name template and a folder template (`{n:03}-{name}.{ext}`,
/// `{page_host}/{title}`): sanitized for every system, never leaving the download
/// folder, unique within the call. Throws on a template that does not parse.
#[wasm_bindgen(js_name = renderNames, unchecked_return_type = "string[]")]
pub fn render_names_js(
    template: &str,
    #[wasm_bindgen(js_name = folderTemplate)] folder_template: &str,
    #[wasm_bindgen(unchecked_param_type = "NameItem[]")] items: JsValue,
    date: &str,
) -> Result<JsValue, JsError> {
    let items: Vec<NameItem> = list_from_js("items", items)?;
    to_js(&render_names(template, folder_template, &items, date)?)
}
