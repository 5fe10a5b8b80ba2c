//! `product` and `productCsv`: a shop page's fields as `imago product --json` prints them
//! (the object `grab --product` saves as `product.json`), and the page's row of
//! `products.csv`, both made by the core's [`imago_core::product::export`], so the
//! extension's export reads like the command line's.

use imago_core::product::export::{csv_lines, csv_row, from_json, to_json, CSV_COLUMNS};
use imago_core::product::{extract, Product};
use serde::Deserialize;
use serde_json::Value;
use url::Url;
use wasm_bindgen::prelude::*;

use crate::boundary::{from_js, list_from_js, Error};
use crate::rules::site_rules;

/// What `product` takes besides the HTML and its URL.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ProductOptions {
    /// The user's site rules (TOML), used with the built-in ones (`[site.fields]`).
    #[serde(default)]
    pub site_rules: Option<String>,
}

/// The product `html` (saved from `page_url`) names, as `imago product --json` prints it.
pub fn product_json(html: &str, page_url: &str, opts: &ProductOptions) -> Result<Value, Error> {
    Url::parse(page_url)
        .map_err(|e| Error::new(format!("pageUrl {page_url:?}: not an absolute URL ({e})")))?;
    let rules = site_rules(opts.site_rules.as_deref())?;
    Ok(to_json(page_url, &extract(html, page_url, &rules)))
}

/// One page of `products.csv`: the page, its product (what `product` returned), and
/// where its pictures were saved (`folder`, and the `files` in it).
#[derive(Debug, Clone, Deserialize)]
pub struct CsvRow {
    /// The page; the product's own `url` when absent.
    #[serde(default)]
    pub url: Option<String>,
    pub product: Value,
    #[serde(default)]
    pub folder: String,
    #[serde(default)]
    pub files: Vec<String>,
}

/// What `productCsv` takes besides the rows.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CsvOptions {
    /// A UTF-8 byte-order mark first (spreadsheet programs need it for non-ASCII text).
    #[serde(default)]
    pub bom: bool,
}

/// The core's `Product` again, from an object [`product_json`] returned (the
/// extension hands it back for `productCsv`).
pub fn product_from_json(product: &Value) -> Result<Product, Error> {
    from_json(product).map_err(Error::new)
}

/// `products.csv`: the header (`CSV_COLUMNS`), then one line per row.
pub fn product_csv(rows: &[CsvRow], opts: &CsvOptions) -> Result<String, Error> {
    let mut lines = vec![CSV_COLUMNS.map(String::from).to_vec()];
    for (i, row) in rows.iter().enumerate() {
        let product = product_from_json(&row.product)
            .map_err(|e| Error::new(format!("rows[{i}].product: {e}")))?;
        let url = match (&row.url, row.product.get("url").and_then(Value::as_str)) {
            (Some(url), _) => url.clone(),
            (None, Some(url)) => url.to_string(),
            (None, None) => return Err(Error::new(format!("rows[{i}]: no url"))),
        };
        lines.push(csv_row(&url, &product, &row.folder, &row.files));
    }
    String::from_utf8(csv_lines(lines, opts.bom))
        .map_err(|e| Error::new(format!("products.csv is not UTF-8: {e}")))
}

/// The product a page's HTML names, as `imago product --json` prints it (fields `null`
/// where the page does not say; `source` tells where each one came from).
#[wasm_bindgen(js_name = product, unchecked_return_type = "ProductJson")]
pub fn product_js(
    html: &str,
    #[wasm_bindgen(js_name = pageUrl)] page_url: &str,
    #[wasm_bindgen(unchecked_param_type = "ProductOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let opts: Option<ProductOptions> = from_js("options", options)?;
    // Through JSON text: the fields the page does not name stay `null`, as in
    // `product.json` (serde-wasm-bindgen would make them `undefined`).
    let json = product_json(html, page_url, &opts.unwrap_or_default())?;
    js_sys::JSON::parse(&json.to_string())
        .map_err(|_| JsError::new("cannot hand the product to JavaScript"))
}

/// `products.csv` as text: the header, then one row per page (`product` as `product`
/// returned it), with the command line's columns and cell rules.
#[wasm_bindgen(js_name = productCsv)]
pub fn product_csv_js(
    #[wasm_bindgen(unchecked_param_type = "ProductCsvRow[]")] rows: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ProductCsvOptions | undefined")] options: JsValue,
) -> Result<String, JsError> {
    let rows: Vec<CsvRow> = list_from_js("rows", rows)?;
    let opts: Option<CsvOptions> = from_js("options", options)?;
    Ok(product_csv(&rows, &opts.unwrap_or_default())?)
}
