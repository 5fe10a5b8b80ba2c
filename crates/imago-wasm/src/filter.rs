//! `filter`: the command line's `--min-width`, `--format`, `--include`, ... as one JSON
//! spec, read by the same parsers (`20k`, `16:9`, `re:...`), rejecting with the same
//! reason text (`width 120 below --min-width 300`).

use imago_core::filter::{Filter, RejectKind};
use imago_core::filter_spec::FilterText;
use imago_core::{Image, Measured};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::boundary::{from_js, list_from_js, to_js, Error};

/// A byte size or an aspect ratio: a number, or text the command line reads (`20k`,
/// `16:9`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum NumberOrText {
    Number(f64),
    Text(String),
}

impl NumberOrText {
    fn text(&self) -> String {
        match self {
            NumberOrText::Number(n) => n.to_string(),
            NumberOrText::Text(s) => s.clone(),
        }
    }
}

/// The filter flags of `imago list` / `imago grab`, named in camelCase. Unknown fields
/// are errors, so a typo does not silently keep everything.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct FilterSpec {
    pub min_width: Option<u32>,
    pub max_width: Option<u32>,
    pub min_height: Option<u32>,
    pub max_height: Option<u32>,
    pub min_bytes: Option<NumberOrText>,
    pub max_bytes: Option<NumberOrText>,
    pub min_aspect: Option<NumberOrText>,
    pub max_aspect: Option<NumberOrText>,
    #[serde(default)]
    pub formats: Vec<String>,
    #[serde(default)]
    pub include: Vec<String>,
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub allow_domains: Vec<String>,
    #[serde(default)]
    pub deny_domains: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
}

impl FilterSpec {
    /// The core's filter, checked by the same code as the command line's flags; the
    /// error names the JSON field and the value (`minBytes 20q: ...`).
    pub fn to_filter(&self) -> Result<Filter, Error> {
        let text = |v: &Option<NumberOrText>| v.as_ref().map(NumberOrText::text);
        FilterText {
            min_width: self.min_width,
            max_width: self.max_width,
            min_height: self.min_height,
            max_height: self.max_height,
            min_bytes: text(&self.min_bytes),
            max_bytes: text(&self.max_bytes),
            min_aspect: text(&self.min_aspect),
            max_aspect: text(&self.max_aspect),
            formats: self.formats.clone(),
            include: self.include.clone(),
            exclude: self.exclude.clone(),
            allow_domains: self.allow_domains.clone(),
            deny_domains: self.deny_domains.clone(),
            sources: self.sources.clone(),
        }
        .build()
        .map_err(|e| Error::new(format!("{} {}: {}", e.field.json(), e.value, e.message)))
    }
}

/// An image and what is known of its file (from a probe, or the size the browser
/// decoded). Other fields the caller keeps on its objects are ignored.
#[derive(Debug, Clone, Deserialize)]
pub struct Item {
    pub image: Image,
    #[serde(default)]
    pub measured: Measured,
}

/// One image turned away: its index in the input and why, in the command line's words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejected {
    pub index: usize,
    /// What rejected it: `width`, `height`, `bytes`, `aspect`, `format`, `include`,
    /// `exclude`, `domain` or `source`.
    pub rule: &'static str,
    /// `width 120 below --min-width 300`, `domain ads.example.com denied`, ...
    pub reason: String,
}

/// Indices of the items kept (in input order) and of those rejected, with reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Filtered {
    pub kept: Vec<usize>,
    pub rejected: Vec<Rejected>,
    /// Whether a size, byte count, ratio or format can reject something: probe the
    /// unmeasured images and filter again.
    pub needs_measure: bool,
}

fn rule_name(kind: RejectKind) -> &'static str {
    match kind {
        RejectKind::Width => "width",
        RejectKind::Height => "height",
        RejectKind::Bytes => "bytes",
        RejectKind::Aspect => "aspect",
        RejectKind::Format => "format",
        RejectKind::Include => "include",
        RejectKind::Exclude => "exclude",
        RejectKind::Domain => "domain",
        RejectKind::Kind => "source",
        _ => "other",
    }
}

/// Checks each item as `imago grab` does: what the URL tells first, then what was
/// measured (an unknown value passes).
pub fn filter_items(items: &[Item], filter: &Filter) -> Filtered {
    let mut out = Filtered {
        kept: Vec::with_capacity(items.len()),
        rejected: Vec::new(),
        needs_measure: filter.needs_measure(),
    };
    for (index, item) in items.iter().enumerate() {
        let verdict = filter
            .check_image(&item.image)
            .and_then(|()| filter.check_measured(&item.measured));
        match verdict {
            Ok(()) => out.kept.push(index),
            Err(why) => out.rejected.push(Rejected {
                index,
                rule: rule_name(why.kind()),
                reason: why.reason().to_string(),
            }),
        }
    }
    out
}

/// Filters `items` (`{image, measured?}`) by `spec` (the command line's filter flags in
/// camelCase). Throws on a spec that cannot be read, naming the field.
#[wasm_bindgen(js_name = filter, unchecked_return_type = "Filtered")]
pub fn filter_js(
    #[wasm_bindgen(unchecked_param_type = "Item[]")] items: JsValue,
    #[wasm_bindgen(unchecked_param_type = "FilterSpec")] spec: JsValue,
) -> Result<JsValue, JsError> {
    let items: Vec<Item> = list_from_js("items", items)?;
    let spec: Option<FilterSpec> = from_js("filterSpec", spec)?;
    let filter = spec.unwrap_or_default().to_filter()?;
    to_js(&filter_items(&items, &filter))
}

/// Checks a filter spec without filtering: throws the same error `filter` would.
#[wasm_bindgen(js_name = checkFilterSpec)]
pub fn check_filter_spec_js(
    #[wasm_bindgen(unchecked_param_type = "FilterSpec")] spec: JsValue,
) -> Result<(), JsError> {
    let spec: Option<FilterSpec> = from_js("filterSpec", spec)?;
    spec.unwrap_or_default().to_filter()?;
    Ok(())
}
