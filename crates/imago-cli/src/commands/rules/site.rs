//! `imago rules suggest`: a site rule learned from product pages of one shop
//! (`imago_core::siterules::suggest`). The plain output is a rule file: the rule, then
//! what it reads on each page as `#` comments, so `> my-sites.toml` works; `--write
//! FILE` appends to the user's rule file instead, never truncating it, never adding a
//! name it already has, and only when the file with the rule still loads. Pages that
//! fail to load fail as in `imago product` (exit 1, or 2 for bad input); pages of two
//! sites, or a saved page without its address, are bad input (exit 2).

use std::path::Path;

use anyhow::{anyhow, Context, Result};
use imago_core::siterules::suggest::{suggest as learn, PageCheck, SitePage, SiteSuggestion};
use imago_core::siterules::SiteRules;
use imago_engine::grab::load_html;
use imago_engine::Client;
use serde_json::json;
use url::Url;

use super::read_if_present;
use crate::cli::SuggestSiteArgs;
use crate::{settings, BadInput, Outcome, ResultExt};

pub async fn suggest(args: SuggestSiteArgs) -> Result<Outcome> {
    let pages = settings::pages(&args.given)?;
    // The rules in force are read before any page is fetched, so a broken file is
    // reported at once. The file written to counts too: its names are not reused and
    // what it already reads is not learned again.
    let mut known = settings::site_rules(args.site_rules.as_deref())?;
    if let Some(path) = args.write.as_deref() {
        if args.site_rules.as_deref() != Some(path) {
            if let Some(text) = read_if_present(path)? {
                known.extend(SiteRules::from_toml(&text, &path.display().to_string()).bad_input()?);
            }
        }
    }

    let client = Client::new(settings::client(&args.net)?)?;
    let mut outcome = Outcome::Done;
    let mut loaded: Vec<(Url, String)> = Vec::new();
    for input in &pages {
        match load_html(&client, input).await {
            Ok(page) => loaded.push(page),
            Err(e) => {
                eprintln!("imago: {e}");
                outcome = if e.is_bad_input() || outcome == Outcome::BadInput {
                    Outcome::BadInput
                } else {
                    Outcome::SomeFailed
                };
            }
        }
    }
    if loaded.is_empty() {
        return Ok(outcome);
    }
    let site_pages: Vec<SitePage> = loaded
        .iter()
        .map(|(url, html)| SitePage { html, url })
        .collect();
    let s = learn(&site_pages, &known).map_err(|e| BadInput(anyhow!("{e}")))?;

    if args.json {
        crate::out::line(&to_json(&s).to_string());
    } else {
        crate::out::line(&plain(&s));
    }
    if s.is_empty() {
        eprintln!(
            "imago: nothing to suggest: no field or gallery could be anchored on {} \
             (or the rules in force read them already)",
            if loaded.len() == 1 {
                "this page"
            } else {
                "all these pages"
            }
        );
        return Ok(outcome);
    }
    if let Some(path) = &args.write {
        if append(path, &s)? {
            eprintln!("imago: appended rule `{}` to {}", s.name, path.display());
        } else if outcome == Outcome::Done {
            outcome = Outcome::SomeFailed;
        }
    }
    Ok(outcome)
}

/// Appends the rule unless `path` (re-read now: it may have changed since the run
/// began) has a rule of that name, after checking the file with it still loads.
/// Returns whether it was written.
fn append(path: &Path, s: &SiteSuggestion) -> Result<bool> {
    let before = read_if_present(path)?.unwrap_or_default();
    let origin = path.display().to_string();
    let existing = SiteRules::from_toml(&before, &origin).bad_input()?;
    if existing.rules().iter().any(|r| r.name == s.name) {
        eprintln!(
            "imago: {} already has a rule named `{}`: not written",
            path.display(),
            s.name
        );
        return Ok(false);
    }
    let mut text = String::new();
    if !before.is_empty() && !before.ends_with('\n') {
        text.push('\n');
    }
    if !before.is_empty() {
        text.push('\n');
    }
    text.push_str(&s.rule_toml);
    SiteRules::from_toml(&format!("{before}{text}"), &origin)
        .context("the suggested rule does not load beside the file's own")?;
    super::append_text(path, &text)?;
    Ok(true)
}

/// The rule, then per page what it reads, as comments: the whole is a rule file.
fn plain(s: &SiteSuggestion) -> String {
    let mut out = s.rule_toml.clone();
    for page in &s.checked {
        out.push_str(&format!("# {}\n", page.url));
        out.push_str(&page_lines(page));
    }
    if !s.unanchored.is_empty() {
        out.push_str(&format!(
            "# not suggested (no selector reads it right on every page): {}\n",
            s.unanchored.join(", ")
        ));
    }
    if !s.covered.is_empty() {
        out.push_str(&format!(
            "# already read by the rules in force: {}\n",
            s.covered.join(", ")
        ));
    }
    out.trim_end().to_string()
}

/// `#   price: 24.50 (the page without the rule: 24.50)`, one line per field, then the
/// gallery's count.
fn page_lines(page: &PageCheck) -> String {
    let mut out = String::new();
    for f in &page.fields {
        let got = f.rule.as_deref().unwrap_or("-");
        let note = match (&f.page, f.agrees) {
            (_, true) => String::new(),
            (Some(p), false) => format!(" (the page without the rule: {p})"),
            (None, false) => " (the page gives none without the rule)".to_string(),
        };
        out.push_str(&format!("#   {}: {got}{note}\n", f.field));
    }
    if let Some(g) = &page.gallery {
        out.push_str(&format!(
            "#   gallery: {} pictures ({} kept by the heuristics, {} by both)\n",
            g.rule, g.heuristic, g.both
        ));
    }
    out
}

/// `{"name", "host", "rule", "gallery", "fields", "unanchored", "covered", "pages"}`.
fn to_json(s: &SiteSuggestion) -> serde_json::Value {
    let fields: serde_json::Map<String, serde_json::Value> = s
        .fields
        .iter()
        .map(|(f, sel)| (f.clone(), json!(sel)))
        .collect();
    json!({
        "name": s.name,
        "host": s.host,
        "rule": s.rule_toml,
        "gallery": s.gallery,
        "fields": fields,
        "unanchored": s.unanchored,
        "covered": s.covered,
        "pages": s.checked,
    })
}
