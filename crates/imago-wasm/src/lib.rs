//! imago's core for the browser extension: a thin `#[wasm_bindgen]` layer over
//! [`imago_core`], so a filter, a name template or an HD rule behaves in the extension
//! exactly as on the command line.
//!
//! Values cross as plain JavaScript objects through serde (the shapes of
//! `imago_core::model`; TypeScript declarations are emitted from [`types`]). Input that
//! cannot be used throws an `Error` whose message names the argument or the field; rule
//! files report their line as a value (`validateRules`). Nothing here panics on input.
//!
//! Each area is a module with plain Rust functions (tested natively with `cargo test`)
//! and the `#[wasm_bindgen]` function that converts around them:
//!
//! | JavaScript | Rust |
//! |---|---|
//! | `discover(html, pageUrl, {deep, siteRules})` | [`discover::discover_page`] |
//! | `discoverCss(css, cssUrl, order)` | [`discover::discover_stylesheet`] |
//! | `merge(candidates)` | [`merge::merge_candidates`] |
//! | `hdCandidates(url, userRules?)` | [`rules::hd_candidates`] |
//! | `validateRules(hdRules?, siteRules?)` | [`rules::validate`] |
//! | `filter(items, filterSpec)`, `checkFilterSpec(spec)` | [`filter::filter_items`] |
//! | `sortImages(items, key, descending?)` | [`sort::sorted_indices`] |
//! | `renderNames(template, folderTemplate, items, date)` | [`naming::render_names`] |
//! | `probeHeader(bytes, complete?)` | [`probe::probe_bytes`] |
//! | `vocabulary()` | [`vocabulary::vocabulary`] |
//! | `new AdLists(lists)`, `.blocked(urls, pageUrl)` | [`adlists::blocked_indices`] |
//! | `product(html, pageUrl, {siteRules})` | [`product::product_json`] |
//! | `productCsv(rows, {bom})` | [`product::product_csv`] |
//! | `suggestSiteRule(html, pageUrl, {siteRules})` | [`suggest::suggest_site_rule`] |
//! | `suggestHdRules(html, pageUrl, {hdRules})` | [`suggest::suggest_hd_rules`] |
//! | `ruleNames(kind, text)` | [`suggest::rule_names`] |
//! | `videos(html, pageUrl)` | [`video::page_videos`] |
//! | `readPlaylist(text, url)` | [`video::read_playlist`] |
//!
//! Build it with `scripts/build-wasm-pkg.sh` (into `crates/imago-wasm/pkg/`).

pub mod adlists;
mod boundary;
pub mod discover;
pub mod filter;
pub mod merge;
pub mod naming;
pub mod probe;
pub mod product;
pub mod rules;
pub mod sort;
pub mod suggest;
pub mod types;
pub mod video;
pub mod vocabulary;

pub use boundary::Error;

/// Runs when the module is instantiated: with the `panic-hook` feature, a panic (always
/// a bug here) prints its message to the console.
#[cfg(all(target_arch = "wasm32", feature = "panic-hook"))]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
fn start() {
    console_error_panic_hook::set_once();
}
