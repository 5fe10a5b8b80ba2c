//! What `index`, `search` and `dedupe` say: one serializable [`Event`] printed as a JSON
//! line with `--json`, else drawn as a progress bar and sentences on standard error.

use std::io::IsTerminal;
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

/// One thing that happened.
#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event<'a> {
    /// A file's fingerprint was written to the index.
    Indexed { path: &'a str },
    /// A file that was indexed is gone from its folder, and from the index.
    Removed { path: &'a str },
    /// A file could not be read or fingerprinted.
    Failed { path: &'a str, reason: &'a str },
    /// A picture and its duplicates: `keep` is the best copy.
    Group {
        keep: &'a str,
        duplicates: Vec<Duplicate<'a>>,
    },
    /// A duplicate moved (`to`) or deleted (`to` null).
    Moved { path: &'a str, to: Option<&'a str> },
    /// `index`'s summary.
    IndexSummary {
        files: usize,
        indexed: usize,
        unchanged: usize,
        removed: usize,
        failed: usize,
        pictures: usize,
    },
    /// `dedupe`'s summary.
    DedupeSummary {
        files: usize,
        groups: usize,
        duplicates: usize,
        moved: usize,
        deleted: usize,
        failed: usize,
    },
}

/// A duplicate in a [`Event::Group`].
#[derive(Debug, Serialize)]
pub struct Duplicate<'a> {
    pub path: &'a str,
    #[serde(rename = "match")]
    pub kind: imago_search::MatchKind,
    pub score: f32,
}

pub struct Report {
    json: bool,
    bar: Option<ProgressBar>,
    out: Mutex<()>,
}

impl Report {
    /// A bar of `files` steps on a terminal, unless `json` or `quiet`.
    pub fn new(json: bool, quiet: bool, files: usize, what: &str) -> Report {
        let bar = (!json && !quiet && std::io::stderr().is_terminal()).then(|| {
            let bar =
                ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
            let template = format!("{{spinner}} {{pos}}/{{len}} {what} {{bar:30}} {{elapsed}}");
            bar.set_style(
                ProgressStyle::with_template(&template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Report {
            json,
            bar,
            out: Mutex::new(()),
        }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    /// One step of the bar done.
    pub fn step(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// `e` as a JSON line, or as the sentence `plain` gives (standard error); events
    /// without a sentence are silent without `--json`.
    pub fn event(&self, e: &Event) {
        if self.json {
            if let Ok(text) = serde_json::to_string(e) {
                self.line(&text, false);
            }
            return;
        }
        if let Some(text) = plain(e) {
            self.line(&text, true);
        }
    }

    /// A line of results for standard output.
    pub fn print(&self, text: &str) {
        self.line(text, false);
    }

    fn line(&self, text: &str, stderr: bool) {
        let _one = self.out.lock();
        let write = || {
            if stderr {
                eprintln!("{text}");
            } else {
                crate::out::line(text);
            }
        };
        match &self.bar {
            Some(bar) => bar.suspend(write),
            None => write(),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

fn plain(e: &Event) -> Option<String> {
    Some(match e {
        Event::Failed { path, reason } => format!("imago: failed: {path}: {reason}"),
        Event::IndexSummary {
            files,
            indexed,
            unchanged,
            removed,
            failed,
            pictures,
        } => format!(
            "imago: {files} file(s): {indexed} indexed, {unchanged} unchanged, {failed} failed; {removed} removed; {pictures} picture(s) in the index"
        ),
        Event::DedupeSummary {
            files,
            groups,
            duplicates,
            moved,
            deleted,
            failed,
        } => format!(
            "imago: {files} file(s): {duplicates} duplicate(s) in {groups} group(s), {moved} moved, {deleted} deleted, {failed} failed"
        ),
        _ => return None,
    })
}
