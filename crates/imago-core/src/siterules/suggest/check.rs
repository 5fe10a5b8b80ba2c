//! What a rule does on a page, beside what the page gives without it: the fields it
//! reads (through [`crate::product::extract`], as `imago product` reads them) and the
//! pictures its `gallery` keeps (through discovery in main mode, as `--main` keeps them).

use serde::Serialize;
use url::Url;

use super::fields::{targets, Target};
use super::gallery;
use crate::product::{extract, Found, Price, Product, Source};
use crate::siterules::SiteRules;

/// One page under a suggested rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PageCheck {
    pub url: String,
    pub fields: Vec<FieldCheck>,
    /// `None` when the rule names no gallery.
    pub gallery: Option<GalleryCheck>,
}

/// One field of a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldCheck {
    pub field: String,
    /// What the rule reads (`None`: its selector gives nothing here).
    pub rule: Option<String>,
    /// What the page gives without it (the rules in force, the structured data, the
    /// page heuristics).
    pub page: Option<String>,
    /// The two agree (a price by its amount, an availability by its name).
    pub agrees: bool,
}

/// The product's pictures on a page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GalleryCheck {
    /// Pictures main mode keeps with the rule's `gallery` (0 when it matches nothing).
    pub rule: usize,
    /// Pictures main mode keeps on its heuristics alone.
    pub heuristic: usize,
    /// Pictures both keep.
    pub both: usize,
}

/// Reads `html` (saved from `url`) with `rule` alone and with `known` (the rules in
/// force without it), for the fields the rule names and its gallery.
pub fn check_page(html: &str, url: &Url, rule: &SiteRules, known: &SiteRules) -> PageCheck {
    let with = extract(html, url.as_str(), rule);
    let without = extract(html, url.as_str(), known);
    let page_targets = targets(&without);
    let named: Vec<String> = rule
        .fields_for(url)
        .iter()
        .map(|(f, _)| f.to_string())
        .collect();
    let fields = super::fields::LEARNED
        .iter()
        .filter(|f| named.iter().any(|n| n == *f))
        .map(|&field| {
            let rule_value = from_rule(&with, field);
            let target = page_targets.iter().find(|(f, _)| *f == field).map(|(_, t)| t);
            FieldCheck {
                field: field.to_string(),
                agrees: matches!((&rule_value, target), (Some(v), Some(t)) if agrees(t, v, url.as_str())),
                rule: rule_value,
                page: target.map(|t| t.shown().to_string()),
            }
        })
        .collect();
    let has_gallery = rule.matching(url).iter().any(|r| !r.gallery.is_empty());
    let gallery = has_gallery.then(|| {
        let kept = gallery::heuristic(html, url);
        let got = gallery::with_rules(html, url, rule).unwrap_or_default();
        GalleryCheck {
            rule: got.len(),
            heuristic: kept.len(),
            both: kept.intersection(&got).count(),
        }
    });
    PageCheck {
        url: url.to_string(),
        fields,
        gallery,
    }
}

/// A field's value when the rule gave it: an amount for a price.
pub(super) fn from_rule(p: &Product, field: &str) -> Option<String> {
    fn text(f: &Option<Found<String>>) -> Option<String> {
        f.as_ref()
            .filter(|f| f.source == Source::SiteRule)
            .map(|f| f.value.clone())
    }
    fn amount(f: &Option<Found<Price>>) -> Option<String> {
        f.as_ref()
            .filter(|f| f.source == Source::SiteRule)
            .map(|f| f.value.amount.clone())
    }
    match field {
        "title" => text(&p.title),
        "price" => amount(&p.price),
        "list_price" => amount(&p.list_price),
        "sku" => text(&p.sku),
        "brand" => text(&p.brand),
        "availability" => text(&p.availability),
        _ => None,
    }
}

/// Whether a value a rule gave (already normalized: an amount, an availability name)
/// is the target.
pub(super) fn agrees(target: &Target, value: &str, url: &str) -> bool {
    match target {
        Target::Amount(want) => super::fields::same_amount(want, value),
        Target::Availability(want) => want == value,
        Target::Text(_) => target.accepts(value, url),
    }
}
