//! `merge`: raw candidates (from `discover`, `discoverCss` or the live-DOM collector) to
//! one image per picture, as the command line merges them.

use imago_core::{Candidate, Image};
use wasm_bindgen::prelude::*;

use crate::boundary::{list_from_js, to_js};

/// One image per picture, in page order (see [`imago_core::merge::merge`]).
pub fn merge_candidates(candidates: Vec<Candidate>) -> Vec<Image> {
    imago_core::merge::merge(candidates)
}

/// One image per picture: candidates sharing a `group` or a URL become one image with
/// its best URL and the others as `alternates`; lone placeholders are dropped.
#[wasm_bindgen(js_name = merge, unchecked_return_type = "Image[]")]
pub fn merge_js(
    #[wasm_bindgen(unchecked_param_type = "Candidate[]")] candidates: JsValue,
) -> Result<JsValue, JsError> {
    let candidates: Vec<Candidate> = list_from_js("candidates", candidates)?;
    to_js(&merge_candidates(candidates))
}
