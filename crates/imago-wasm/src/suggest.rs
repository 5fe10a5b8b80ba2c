//! `suggestSiteRule`, `suggestHdRules` and `ruleNames`: the rules `imago rules suggest`
//! and `imago rules suggest-hd` learn, from the one page a tab shows, with the rules in
//! force (built in and the user's, as the extension's other calls build them) as the
//! known ones: what they already read or rewrite is not learned again, and the names
//! offered are not theirs. Nothing leaves the page: the core reads its HTML.

use imago_core::hdrules::suggest::{pairs_from_html, suggest as suggest_hd, Suggestion};
use imago_core::hdrules::HdRules;
use imago_core::product::{extract, Found, Product, Source};
use imago_core::siterules::suggest::{suggest as suggest_site, PageCheck, SitePage};
use imago_core::siterules::SiteRules;
use serde::{Deserialize, Serialize};
use url::Url;
use wasm_bindgen::prelude::*;

use crate::boundary::{from_js, to_js, Error};
use crate::rules::{hd_rules, site_rules, HD_ORIGIN, SITE_ORIGIN};

/// What `suggestSiteRule` takes besides the HTML and its URL.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct SiteSuggestOptions {
    /// The user's site rules (TOML), in force with the built-in ones.
    #[serde(default)]
    pub site_rules: Option<String>,
}

/// What `suggestHdRules` takes besides the HTML and its URL.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct HdSuggestOptions {
    /// The user's HD rules (TOML), in force before the built-in ones.
    #[serde(default)]
    pub hd_rules: Option<String>,
}

/// One field a suggested site rule reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SuggestedField {
    pub field: String,
    /// A CSS selector, or `url:REGEX`.
    pub selector: String,
    /// What the rule reads on the page (a price's amount, an availability's name).
    pub value: Option<String>,
}

/// A site rule offered for the page's site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteRuleSuggestion {
    /// `suggested-<host>`, not a name of the rules in force.
    pub name: String,
    /// The host glob the rule matches.
    pub host: String,
    /// One `[[site]]` table.
    pub rule_toml: String,
    pub fields: Vec<SuggestedField>,
    /// The rule's `gallery` selectors (empty: none learned).
    pub gallery: Vec<String>,
    /// Fields the page gives that no selector reads right.
    pub unanchored: Vec<String>,
    /// Fields (and `gallery`) the rules in force already read: not learned again.
    pub covered: Vec<String>,
    /// What the rule reads on the page, beside what the page gives without it.
    pub pages: Vec<PageCheck>,
}

/// The page's address, which must be a web page's for a rule to name its site.
fn page_url(page_url: &str) -> Result<Url, Error> {
    Url::parse(page_url)
        .map_err(|e| Error::new(format!("pageUrl {page_url:?}: not an absolute URL ({e})")))
}

/// Whether the page (read with the rules in force) names a product: a price, or an
/// identifier its structured data or a rule gives. A title alone is every page's (the
/// learner would anchor an `og:title`), and the page heuristics' SKU can be any long
/// number in a URL: neither is a product to learn a rule from. (The grid's panel asks
/// the same, `namesProduct` in extension/src/grid/product.ts.)
fn names_product(p: &Product) -> bool {
    let trusted =
        |f: &Option<Found<String>>| f.as_ref().is_some_and(|f| f.source != Source::Heuristic);
    p.price.is_some() || trusted(&p.sku) || trusted(&p.mpn) || trusted(&p.gtin)
}

/// A site rule for the site of `html` (read at `page_url`), or why none can be learned:
/// not a web page, no product on it, or nothing on it that a selector reads (the rules
/// in force read it all already).
pub fn suggest_site_rule(
    html: &str,
    page_url_text: &str,
    opts: &SiteSuggestOptions,
) -> Result<SiteRuleSuggestion, Error> {
    let url = page_url(page_url_text)?;
    let known = site_rules(opts.site_rules.as_deref())?;
    // (A page that is not a web page's is left to the learner, which says so.)
    let web = matches!(url.scheme(), "http" | "https");
    if web && !names_product(&extract(html, url.as_str(), &known)) {
        return Err(Error::new(
            "nothing to suggest: this page shows no product (no price, SKU, MPN or GTIN)",
        ));
    }
    let s = suggest_site(&[SitePage { html, url: &url }], &known)
        .map_err(|e| Error::new(e.to_string()))?;
    if s.is_empty() {
        let why = if s.covered.is_empty() {
            "no product field or gallery on this page that a selector reads"
        } else {
            "the rules in force already read what this page shows"
        };
        return Err(Error::new(format!("nothing to suggest: {why}")));
    }
    let first = s.checked.first();
    let fields = s
        .fields
        .iter()
        .map(|(field, selector)| SuggestedField {
            field: field.clone(),
            selector: selector.clone(),
            value: first
                .and_then(|p| p.fields.iter().find(|f| &f.field == field))
                .and_then(|f| f.rule.clone()),
        })
        .collect();
    Ok(SiteRuleSuggestion {
        name: s.name,
        host: s.host,
        rule_toml: s.rule_toml,
        fields,
        gallery: s.gallery,
        unanchored: s.unanchored,
        covered: s.covered,
        pages: s.checked,
    })
}

/// An HD rule offered for one image host of the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HdRuleSuggestion {
    pub host: String,
    pub name: String,
    /// One `[[rule]]` table.
    pub rule_toml: String,
    /// Pairs of the host the rule rewrites, and of those, how many to their full size.
    pub pairs: usize,
    pub checked: usize,
    /// Up to three (thumbnail, full size) pairs it maps.
    pub examples: Vec<(String, String)>,
}

impl From<Suggestion> for HdRuleSuggestion {
    fn from(s: Suggestion) -> Self {
        HdRuleSuggestion {
            host: s.host,
            name: s.name,
            rule_toml: s.rule_toml,
            pairs: s.pairs,
            checked: s.checked,
            examples: s.examples,
        }
    }
}

/// HD rules from the thumbnail/full-size pairs `html` shows (a thumbnail inside a link
/// to its image, an srcset ladder, a zoom attribute), every host's in page order; empty
/// when the page has no pairs or the rules in force rewrite them all.
pub fn suggest_hd_rules(
    html: &str,
    page_url_text: &str,
    opts: &HdSuggestOptions,
) -> Result<Vec<HdRuleSuggestion>, Error> {
    let url = page_url(page_url_text)?;
    let known = hd_rules(opts.hd_rules.as_deref())?;
    let pairs = pairs_from_html(html, &url);
    Ok(suggest_hd(&pairs, &known)
        .into_iter()
        .flat_map(|r| r.suggestions)
        .map(HdRuleSuggestion::from)
        .collect())
}

/// Which rule text [`rule_names`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleKind {
    Hd,
    Site,
}

/// The names of the rules in the user's `text` (only theirs, not the built-in ones), or
/// the error with its line when the text does not load.
pub fn rule_names(kind: RuleKind, text: &str) -> Result<Vec<String>, Error> {
    if text.trim().is_empty() {
        return Ok(Vec::new());
    }
    match kind {
        RuleKind::Hd => HdRules::from_toml(text, HD_ORIGIN)
            .map(|r| r.names().map(String::from).collect())
            .map_err(|e| Error::new(e.to_string())),
        RuleKind::Site => SiteRules::from_toml(text, SITE_ORIGIN)
            .map(|r| r.rules().iter().map(|r| r.name.clone()).collect())
            .map_err(|e| Error::new(e.to_string())),
    }
}

/// A site rule learned from the page (`imago rules suggest`), with what it reads there.
/// Throws with the reason when nothing can be learned (no product on the page, the
/// rules in force already read it, not a web page).
#[wasm_bindgen(js_name = suggestSiteRule, unchecked_return_type = "SiteRuleSuggestion")]
pub fn suggest_site_rule_js(
    html: &str,
    #[wasm_bindgen(js_name = pageUrl)] page_url: &str,
    #[wasm_bindgen(unchecked_param_type = "SiteSuggestOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let opts: Option<SiteSuggestOptions> = from_js("options", options)?;
    // Through JSON text: the values a page does not give stay `null`.
    let s = suggest_site_rule(html, page_url, &opts.unwrap_or_default())?;
    let json = serde_json::to_string(&s)
        .map_err(|e| JsError::new(&format!("cannot hand the suggestion to JavaScript: {e}")))?;
    js_sys::JSON::parse(&json).map_err(|_| JsError::new("cannot hand the suggestion to JavaScript"))
}

/// The HD rules learned from the page's thumbnail/full-size pairs (`imago rules
/// suggest-hd`), each checked on every pair of its host.
#[wasm_bindgen(js_name = suggestHdRules, unchecked_return_type = "HdRuleSuggestion[]")]
pub fn suggest_hd_rules_js(
    html: &str,
    #[wasm_bindgen(js_name = pageUrl)] page_url: &str,
    #[wasm_bindgen(unchecked_param_type = "HdSuggestOptions | undefined")] options: JsValue,
) -> Result<JsValue, JsError> {
    let opts: Option<HdSuggestOptions> = from_js("options", options)?;
    to_js(&suggest_hd_rules(
        html,
        page_url,
        &opts.unwrap_or_default(),
    )?)
}

/// The names of the rules in a user's rule text; throws (`hd-rules:3: ...`) when it
/// does not load.
#[wasm_bindgen(js_name = ruleNames)]
pub fn rule_names_js(
    #[wasm_bindgen(unchecked_param_type = "\"hd\" | \"site\"")] kind: JsValue,
    text: &str,
) -> Result<Vec<String>, JsError> {
    let kind: RuleKind = from_js("kind", kind)?;
    Ok(rule_names(kind, text)?)
}
