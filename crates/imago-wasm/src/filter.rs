//! `filter`: the command line's `--min-width`, `--format`, `--include`, ... as one JSON
//! spec, read by the same parsers (`20k`, `16:9`, `re:...`), rejecting with the same
//! reason text (`width 120 below --min-width 300`).

use imago_core::filter::{
    normalize_domain, parse_aspect, parse_size, Filter, RejectKind, UrlPattern,
};
use imago_core::{Format, Image, Measured, SourceKind};
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
    /// The core's filter; the error names the field and the value, as the command line
    /// names the flag.
    pub fn to_filter(&self) -> Result<Filter, Error> {
        let size = |field: &str, v: &Option<NumberOrText>| {
            v.as_ref()
                .map(|v| {
                    let s = v.text();
                    parse_size(&s).map_err(|e| Error::new(format!("{field} {s}: {e}")))
                })
                .transpose()
        };
        let aspect = |field: &str, v: &Option<NumberOrText>| {
            v.as_ref()
                .map(|v| {
                    let s = v.text();
                    parse_aspect(&s).map_err(|e| Error::new(format!("{field} {s}: {e}")))
                })
                .transpose()
        };
        let patterns = |field: &str, list: &[String]| {
            list.iter()
                .map(|s| UrlPattern::parse(s).map_err(|e| Error::new(format!("{field} {s}: {e}"))))
                .collect::<Result<Vec<_>, Error>>()
        };
        let domains = |field: &str, list: &[String]| {
            for d in list {
                normalize_domain(d).map_err(|e| Error::new(format!("{field} {d}: {e}")))?;
            }
            Ok::<_, Error>(list.to_vec())
        };
        let formats = self
            .formats
            .iter()
            .map(|f| {
                Format::parse(f).ok_or_else(|| {
                    let all: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
                    Error::new(format!(
                        "formats {f}: unknown format (one of {})",
                        all.join(", ")
                    ))
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        let kinds = self
            .sources
            .iter()
            .map(|k| {
                SourceKind::parse(k).ok_or_else(|| {
                    let all: Vec<&str> = SourceKind::ALL.iter().map(|k| k.as_str()).collect();
                    Error::new(format!(
                        "sources {k}: unknown source (one of {})",
                        all.join(", ")
                    ))
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Filter {
            min_width: self.min_width,
            max_width: self.max_width,
            min_height: self.min_height,
            max_height: self.max_height,
            min_bytes: size("minBytes", &self.min_bytes)?,
            max_bytes: size("maxBytes", &self.max_bytes)?,
            min_aspect: aspect("minAspect", &self.min_aspect)?,
            max_aspect: aspect("maxAspect", &self.max_aspect)?,
            formats,
            include: patterns("include", &self.include)?,
            exclude: patterns("exclude", &self.exclude)?,
            allow_domains: domains("allowDomains", &self.allow_domains)?,
            deny_domains: domains("denyDomains", &self.deny_domains)?,
            kinds,
        })
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
