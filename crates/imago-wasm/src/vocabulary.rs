//! `vocabulary`: the names the core understands, so the extension's chips and help
//! texts come from the same lists as the command line's.

use imago_core::naming::Var;
use imago_core::sort::SortKey;
use imago_core::{Format, SourceKind};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::boundary::to_js;

/// Every format, source kind, sort key and name template variable.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vocabulary {
    pub formats: Vec<&'static str>,
    pub sources: Vec<&'static str>,
    pub sort_keys: Vec<&'static str>,
    pub name_variables: Vec<&'static str>,
}

/// The lists, in the order help texts show them.
pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        formats: Format::ALL.iter().map(|f| f.as_str()).collect(),
        sources: SourceKind::ALL.iter().map(|k| k.as_str()).collect(),
        sort_keys: SortKey::ALL.iter().map(|k| k.as_str()).collect(),
        name_variables: Var::ALL.iter().map(|v| v.as_str()).collect(),
    }
}

/// Every format, source kind, sort key and name template variable the core knows.
#[wasm_bindgen(js_name = vocabulary, unchecked_return_type = "Vocabulary")]
pub fn vocabulary_js() -> Result<JsValue, JsError> {
    to_js(&vocabulary())
}
