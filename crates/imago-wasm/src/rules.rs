//! The user's own rule files as the options page holds them (TOML text): HD rules
//! (`hdCandidates`) and site rules (`discover`), each tried before the built-in
//! ones exactly as `imago --hd-rules FILE` / `--site-rules FILE` do, and `validateRules`
//! to tell the user which line of which file is wrong.

use std::cell::RefCell;

use imago_core::hdrules::{HdRules, Rewrite};
use imago_core::siterules::SiteRules;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::boundary::{to_js, Error};

/// The name the user's HD rule text goes by in errors (`hd-rules:3: ...`).
pub const HD_ORIGIN: &str = "hd-rules";
/// The name the user's site rule text goes by in errors.
pub const SITE_ORIGIN: &str = "site-rules";

thread_local! {
    // The grid asks for the HD candidates of each of up to thousands of images with the
    // same user text: compile it once, not per image. Wasm has one thread.
    static HD_CACHE: RefCell<Option<(String, HdRules)>> = const { RefCell::new(None) };
    static SITE_CACHE: RefCell<Option<(String, SiteRules)>> = const { RefCell::new(None) };
}

/// Text that holds no rule at all (a cleared options field) counts as no file.
fn given(text: Option<&str>) -> Option<&str> {
    text.filter(|t| !t.trim().is_empty())
}

/// The built-in HD rules with the user's (if any) tried first.
pub fn hd_rules(user: Option<&str>) -> Result<HdRules, Error> {
    let mut rules = HdRules::builtin();
    let Some(text) = given(user) else {
        return Ok(rules);
    };
    let user_rules = HD_CACHE.with(|cache| {
        if let Some((cached, rules)) = cache.borrow().as_ref() {
            if cached == text {
                return Ok(rules.clone());
            }
        }
        let compiled =
            HdRules::from_toml(text, HD_ORIGIN).map_err(|e| Error::new(e.to_string()))?;
        *cache.borrow_mut() = Some((text.to_string(), compiled.clone()));
        Ok(compiled)
    })?;
    rules.extend_front(user_rules);
    Ok(rules)
}

/// The built-in site rules extended by the user's (if any).
pub fn site_rules(user: Option<&str>) -> Result<SiteRules, Error> {
    let mut rules = builtin_site_rules();
    let Some(text) = given(user) else {
        return Ok(rules);
    };
    let user_rules = SITE_CACHE.with(|cache| {
        if let Some((cached, rules)) = cache.borrow().as_ref() {
            if cached == text {
                return Ok(rules.clone());
            }
        }
        let parsed =
            SiteRules::from_toml(text, SITE_ORIGIN).map_err(|e| Error::new(e.to_string()))?;
        *cache.borrow_mut() = Some((text.to_string(), parsed.clone()));
        Ok(parsed)
    })?;
    rules.extend(user_rules);
    Ok(rules)
}

fn builtin_site_rules() -> SiteRules {
    thread_local! {
        static BUILTIN: SiteRules = SiteRules::builtin();
    }
    BUILTIN.with(SiteRules::clone)
}

/// HD candidates of `url`, best first (see [`HdRules::candidates`]).
pub fn hd_candidates(url: &str, user: Option<&str>) -> Result<Vec<Rewrite>, Error> {
    Ok(hd_rules(user)?.candidates(url))
}

/// Where a rule file is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleError {
    /// [`HD_ORIGIN`] or [`SITE_ORIGIN`].
    pub origin: String,
    /// 1-based line.
    pub line: usize,
    pub message: String,
}

/// `{ok: true}` or `{error: {origin, line, message}}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Validation {
    Ok { ok: bool },
    Bad { error: RuleError },
}

/// Checks the user's HD and site rule texts (either may be absent), HD first.
pub fn validate(hd: Option<&str>, site: Option<&str>) -> Validation {
    if let Some(text) = given(hd) {
        if let Err(e) = HdRules::from_toml(text, HD_ORIGIN) {
            return Validation::Bad {
                error: RuleError {
                    origin: e.origin,
                    line: e.line,
                    message: e.message,
                },
            };
        }
    }
    if let Some(text) = given(site) {
        if let Err(e) = SiteRules::from_toml(text, SITE_ORIGIN) {
            return Validation::Bad {
                error: RuleError {
                    origin: e.origin,
                    line: e.line,
                    message: e.message,
                },
            };
        }
    }
    Validation::Ok { ok: true }
}

/// The original-size URLs the HD rules propose for `url`, best first, each with the
/// rule that made it. Throws when the user's rules do not load (`hd-rules:LINE: ...`).
#[wasm_bindgen(js_name = hdCandidates, unchecked_return_type = "Rewrite[]")]
pub fn hd_candidates_js(
    url: &str,
    #[wasm_bindgen(js_name = userRules)] user_rules: Option<String>,
) -> Result<JsValue, JsError> {
    to_js(&hd_candidates(url, user_rules.as_deref())?)
}

/// Checks the user's rule texts: `{ok: true}` or `{error: {origin, line, message}}`.
#[wasm_bindgen(js_name = validateRules, unchecked_return_type = "Validation")]
pub fn validate_rules_js(
    #[wasm_bindgen(js_name = hdRules)] hd_rules: Option<String>,
    #[wasm_bindgen(js_name = siteRules)] site_rules: Option<String>,
) -> Result<JsValue, JsError> {
    to_js(&validate(hd_rules.as_deref(), site_rules.as_deref()))
}
