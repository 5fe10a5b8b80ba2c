//! `sortImages`: the command line's `--sort KEY [--reverse]`.

use imago_core::sort::{sort_images, SortKey};
use wasm_bindgen::prelude::*;

use crate::boundary::{list_from_js, to_js, Error};
use crate::filter::Item;

/// Reads a sort key as `--sort` does (`page`, `area`, `width`, `height`, `bytes`/`size`,
/// `url`).
pub fn sort_key(key: &str) -> Result<SortKey, Error> {
    SortKey::parse(key).ok_or_else(|| {
        Error::new(format!(
            "sort key {key:?}: use page, area, width, height, bytes or url"
        ))
    })
}

/// The indices of `items` in sorted order (stable; unknown values last either way).
pub fn sorted_indices(items: &[Item], key: SortKey, descending: bool) -> Vec<usize> {
    let mut order: Vec<(usize, &Item)> = items.iter().enumerate().collect();
    sort_images(&mut order, key, descending, |(_, item)| {
        (&item.image, &item.measured)
    });
    order.into_iter().map(|(i, _)| i).collect()
}

/// The order to show `items` (`{image, measured?}`) in: their indices, sorted by `key`.
/// Width and height fall back to the size the page declared.
#[wasm_bindgen(js_name = sortImages, unchecked_return_type = "number[]")]
pub fn sort_images_js(
    #[wasm_bindgen(unchecked_param_type = "Item[]")] items: JsValue,
    #[wasm_bindgen(unchecked_param_type = "SortKey")] key: &str,
    descending: Option<bool>,
) -> Result<JsValue, JsError> {
    let items: Vec<Item> = list_from_js("items", items)?;
    let key = sort_key(key)?;
    to_js(&sorted_indices(&items, key, descending.unwrap_or(false)))
}
