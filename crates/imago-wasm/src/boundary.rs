//! Crossing into JavaScript: values go through serde (serde-wasm-bindgen) both ways, and
//! what goes wrong becomes a thrown `Error` whose message a person can act on.
//!
//! Each area keeps its logic in plain Rust functions over serde types (tested natively);
//! the `#[wasm_bindgen]` functions only convert with these helpers.

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

/// Input from JavaScript that cannot be used, in words (`minBytes 20q: bad size ...`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Error(pub String);

impl Error {
    /// An error whose message names what was wrong.
    pub fn new(message: impl Into<String>) -> Error {
        Error(message.into())
    }
}

/// A Rust value as a plain JavaScript value: structs and maps become objects, `None`
/// becomes `undefined`, skipped fields are absent.
pub(crate) fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsError> {
    let ser = serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true);
    value
        .serialize(&ser)
        .map_err(|e| JsError::new(&format!("cannot hand the result to JavaScript: {e}")))
}

/// A JavaScript value as `T`; `what` names the argument in the error.
pub(crate) fn from_js<T: DeserializeOwned>(what: &str, value: JsValue) -> Result<T, JsError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

/// A JavaScript array as `Vec<T>`, each element read on its own so the error says which
/// one is wrong (`candidates[3]: missing field `order``).
pub(crate) fn list_from_js<T: DeserializeOwned>(
    what: &str,
    value: JsValue,
) -> Result<Vec<T>, JsError> {
    if !js_sys::Array::is_array(&value) {
        return Err(JsError::new(&format!("{what}: expected an array")));
    }
    js_sys::Array::from(&value)
        .iter()
        .enumerate()
        .map(|(i, v)| {
            serde_wasm_bindgen::from_value(v)
                .map_err(|e| JsError::new(&format!("{what}[{i}]: {e}")))
        })
        .collect()
}
