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

/// The message of an error serde-wasm-bindgen raised (a JavaScript `Error`), without
/// the `Error: ` its `Display` puts in front.
fn message(e: serde_wasm_bindgen::Error) -> String {
    match JsValue::from(e).dyn_into::<js_sys::Error>() {
        Ok(error) => error.message().into(),
        Err(other) => format!("{other:?}"),
    }
}

/// A small JavaScript object (options, a filter spec) as `T`, with `undefined` and
/// `null` as `None`; `what` names the argument in the error.
///
/// It goes through `serde_json::Value` because serde-wasm-bindgen reads only the fields
/// a struct declares and so never sees an unknown one: `deny_unknown_fields` must turn
/// `{minWidht: 300}` into an error, not into a filter that keeps everything.
pub(crate) fn from_js<T: DeserializeOwned>(what: &str, value: JsValue) -> Result<T, JsError> {
    let json: serde_json::Value = if value.is_undefined() {
        serde_json::Value::Null
    } else {
        serde_wasm_bindgen::from_value(value)
            .map_err(|e| JsError::new(&format!("{what}: {}", message(e))))?
    };
    serde_json::from_value(json).map_err(|e| JsError::new(&format!("{what}: {e}")))
}

/// A JavaScript array as `Vec<T>`, each element read on its own so the error says which
/// one is wrong (`candidates[3]: missing field `order``). Fields an element has beyond
/// `T`'s are ignored: the caller's objects may carry their own (a thumbnail's state).
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
                .map_err(|e| JsError::new(&format!("{what}[{i}]: {}", message(e))))
        })
        .collect()
}
