//! `probeHeader`: format and size from the first bytes of an image, as the engine
//! probes before it downloads.

use imago_core::probe::{probe, Probe};
use imago_core::ImageInfo;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::boundary::to_js;

/// `{format, width, height, orientation?}`, `{needMore: n}` or `{notImage: reason}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Probed {
    Known(ImageInfo),
    NeedMore {
        #[serde(rename = "needMore")]
        need_more: usize,
    },
    NotImage {
        #[serde(rename = "notImage")]
        not_image: String,
    },
}

/// Probes `bytes`, the start of a file (the whole file when `complete`).
pub fn probe_bytes(bytes: &[u8], complete: bool) -> Probed {
    match probe(bytes, complete) {
        Probe::Known(info) => Probed::Known(info),
        Probe::NeedMore(need_more) => Probed::NeedMore { need_more },
        Probe::NotImage(not_image) => Probed::NotImage { not_image },
    }
}

/// Reads the header in `bytes`. `{needMore: n}` asks to call again with the first `n`
/// bytes; `complete` says `bytes` is the whole file (then a cut file is `notImage`).
#[wasm_bindgen(js_name = probeHeader, unchecked_return_type = "Probed")]
pub fn probe_header_js(bytes: &[u8], complete: Option<bool>) -> Result<JsValue, JsError> {
    to_js(&probe_bytes(bytes, complete.unwrap_or(false)))
}
