//! `imago rules ...`: rules learned from pages, each checked before it is offered
//! (`suggest`, site rules, in `rules/site.rs`).
//!
//! `suggest-hd` reads pages (URLs or saved files), collects the thumbnail/full-size
//! pairs they show and prints the HD rules `imago_core::hdrules::suggest` learns from
//! them. The plain output is itself a rule file (notes are `#` comments), so
//! `> my-hd.toml` works; `--write FILE` appends to the user's rule file instead, never
//! truncating it and never adding a name it already has. A page without pairs is not
//! an error (exit 0, with a note): there is nothing to learn, and nothing failed.

use std::io::Write;
use std::path::Path;

use anyhow::{anyhow, Context, Result};
use imago_core::hdrules::suggest::{pairs_from_html, suggest, HostReport, Pair, Suggestion};
use imago_core::hdrules::HdRules;
use imago_engine::grab::load_html;
use imago_engine::Client;
use serde_json::json;

use crate::cli::{RulesCommand, SuggestHdArgs};
use crate::{settings, BadInput, Outcome, ResultExt};

mod site;

pub async fn run(cmd: RulesCommand) -> Result<Outcome> {
    match cmd {
        RulesCommand::SuggestHd(args) => suggest_hd(args).await,
        RulesCommand::Suggest(args) => site::suggest(args).await,
    }
}

async fn suggest_hd(args: SuggestHdArgs) -> Result<Outcome> {
    let pages = settings::pages(&args.given)?;
    // The rules in force are known before any page is fetched, so a broken rule file is
    // reported at once. Thumbnails they already rewrite are not learned from: a
    // suggested rule would be tried before them and could only replace their guess.
    let mut known = HdRules::builtin();
    if let Some(path) = &args.write {
        if let Some(text) = read_if_present(path)? {
            known.extend_front(HdRules::from_toml(&text, &path.display().to_string()).bad_input()?);
        }
    }

    let client = Client::new(settings::client(&args.net)?)?;
    let mut outcome = Outcome::Done;
    let mut pairs: Vec<Pair> = Vec::new();
    for input in &pages {
        let (url, html) = match load_html(&client, input).await {
            Ok(page) => page,
            Err(e) => {
                eprintln!("imago: {e}");
                outcome = if e.is_bad_input() || outcome == Outcome::BadInput {
                    Outcome::BadInput
                } else {
                    Outcome::SomeFailed
                };
                continue;
            }
        };
        let found = pairs_from_html(&html, &url);
        if found.is_empty() {
            // A saved page read without --base-url has `file:` image URLs, which no HD
            // rule rewrites: say so, since that is the usual cause.
            let hint = if url.scheme() == "file" {
                "; for a saved page, give --base-url so its relative URLs resolve"
            } else {
                ""
            };
            eprintln!(
                "imago: no thumbnail/full-size pairs found on {} (a thumbnail inside a link \
                 to its image, an srcset with several sizes, a zoom attribute){hint}",
                input.label()
            );
        }
        pairs.extend(found);
    }

    let reports = suggest(&pairs, &known);
    for r in &reports {
        if args.json {
            for s in &r.suggestions {
                crate::out::line(&to_json(s).to_string());
            }
            for line in notes(r) {
                eprintln!("imago: {line}");
            }
        } else {
            crate::out::line(&plain(r));
        }
    }
    let offered: Vec<&Suggestion> = reports.iter().flat_map(|r| &r.suggestions).collect();
    let learnable: usize = reports.iter().map(|r| r.pairs).sum();
    if offered.is_empty() && learnable > 0 {
        eprintln!(
            "imago: no HD rule to suggest: no rule maps these pairs without misleading others"
        );
    } else if offered.is_empty() && !pairs.is_empty() {
        eprintln!(
            "imago: nothing to suggest: the rules in force already rewrite every thumbnail found"
        );
    }
    if let Some(path) = &args.write {
        if !offered.is_empty() {
            let written = append(path, &offered)?;
            eprintln!(
                "imago: appended {written} rule{} to {}",
                if written == 1 { "" } else { "s" },
                path.display()
            );
        }
    }
    Ok(outcome)
}

/// The text of `path`, `None` when there is no such file yet.
fn read_if_present(path: &Path) -> Result<Option<String>> {
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(BadInput(anyhow!(
            "{}: cannot read the rule file: {e}",
            path.display()
        ))
        .into()),
    }
}

/// Appends the rules whose names `path` does not have yet (re-read now: it may have
/// changed since the run began), after checking the whole file still loads. Returns how
/// many were written.
fn append(path: &Path, offered: &[&Suggestion]) -> Result<usize> {
    let before = read_if_present(path)?.unwrap_or_default();
    let existing = HdRules::from_toml(&before, &path.display().to_string()).bad_input()?;
    let names: Vec<&str> = existing.names().collect();
    let mut text = String::new();
    let mut written = 0;
    for s in offered {
        if names.contains(&s.name.as_str()) {
            eprintln!(
                "imago: {} already has a rule named `{}`: not written",
                path.display(),
                s.name
            );
            continue;
        }
        text.push('\n');
        text.push_str(&comment(s));
        text.push_str(&s.rule_toml);
        written += 1;
    }
    if written == 0 {
        return Ok(0);
    }
    if !before.is_empty() && !before.ends_with('\n') {
        text.insert(0, '\n');
    }
    // The file as it will be must load, or nothing is written.
    HdRules::from_toml(&format!("{before}{text}"), &path.display().to_string())
        .context("the suggested rules do not load beside the file's own")?;
    append_text(path, &text)?;
    Ok(written)
}

/// Adds `text` at the end of the rule file `path` (created when missing; what it held
/// stays as it was), flushed to disk.
pub(super) fn append_text(path: &Path, text: &str) -> Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("{}: cannot open the rule file", path.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("{}: cannot write the rule file", path.display()))
}

/// One host as a piece of rule file: each rule after a comment saying what it was
/// checked on, then the notes.
fn plain(r: &HostReport) -> String {
    let mut out = String::new();
    for s in &r.suggestions {
        out.push_str(&comment(s));
        out.push_str(&s.rule_toml);
        out.push('\n');
    }
    for line in notes(r) {
        out.push_str(&format!("# {line}\n"));
    }
    out.trim_end().to_string()
}

/// `# host: checked N of N pairs, e.g.` and up to three examples.
fn comment(s: &Suggestion) -> String {
    let mut out = format!(
        "# {}: checked {} of {} pairs, e.g.\n",
        s.host, s.checked, s.pairs
    );
    for (thumb, full) in &s.examples {
        out.push_str(&format!("#   {thumb}\n#   -> {full}\n"));
    }
    out
}

/// What a host's report says besides its rules.
fn notes(r: &HostReport) -> Vec<String> {
    let mut out = Vec::new();
    if r.known > 0 {
        out.push(format!(
            "{}: {} pair{} already rewritten by the rules in force (built-in or yours)",
            r.host,
            r.known,
            if r.known == 1 { "" } else { "s" }
        ));
    }
    if let Some(first) = r.unexplained.first() {
        out.push(format!(
            "{}: {} of {} pairs no rule explains, e.g. {} -> {}",
            r.host,
            r.unexplained.len(),
            r.pairs,
            first.thumb,
            first.full
        ));
    }
    out
}

/// `{"host", "name", "rule", "pairs", "checked", "examples": [{"thumb", "full"}]}`.
fn to_json(s: &Suggestion) -> serde_json::Value {
    let examples: Vec<_> = s
        .examples
        .iter()
        .map(|(thumb, full)| json!({"thumb": thumb, "full": full}))
        .collect();
    json!({
        "host": s.host,
        "name": s.name,
        "rule": s.rule_toml,
        "pairs": s.pairs,
        "checked": s.checked,
        "examples": examples,
    })
}
