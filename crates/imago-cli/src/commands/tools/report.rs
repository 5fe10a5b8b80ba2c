//! How a tool shows itself, as `grab` does: a progress bar on a terminal, one JSON event
//! per line with `--json`, failures on standard error otherwise.

use std::io::IsTerminal;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::Serialize;

use crate::cli::ToolInputs;
use crate::Outcome;

/// What happened to one file, or to the run.
#[derive(Debug, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event<'a> {
    /// A result was written.
    Done {
        input: &'a str,
        output: &'a str,
        bytes: u64,
        /// Something the user should know (the one re-encode, frames dropped).
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<&'a str>,
    },
    Failed {
        input: &'a str,
        reason: &'a str,
    },
    Summary {
        files: usize,
        done: usize,
        failed: usize,
    },
}

pub struct Report {
    json: bool,
    bar: Option<ProgressBar>,
    out: Mutex<()>,
    done: AtomicUsize,
    failed: AtomicUsize,
    files: usize,
}

impl Report {
    pub fn new(args: &ToolInputs, files: usize) -> Report {
        let bar =
            (!args.run.json && !args.run.quiet && std::io::stderr().is_terminal()).then(|| {
                let bar =
                    ProgressBar::with_draw_target(Some(files as u64), ProgressDrawTarget::stderr());
                bar.set_style(
                    ProgressStyle::with_template("{spinner} {pos}/{len} files {bar:30} {elapsed}")
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                );
                bar
            });
        Report {
            json: args.run.json,
            bar,
            out: Mutex::new(()),
            done: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            files,
        }
    }

    pub fn json(&self) -> bool {
        self.json
    }

    /// A line for standard output (a JSON event, or what `info` prints).
    pub fn print(&self, text: &str) {
        let _one = self.out.lock();
        match &self.bar {
            Some(bar) => bar.suspend(|| crate::out::line(text)),
            None => crate::out::line(text),
        }
    }

    fn say(&self, text: &str) {
        let _one = self.out.lock();
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    pub fn event(&self, e: &Event) {
        match e {
            Event::Done { .. } => {
                self.done.fetch_add(1, Ordering::Relaxed);
            }
            Event::Failed { .. } => {
                self.failed.fetch_add(1, Ordering::Relaxed);
            }
            Event::Summary { .. } => {}
        }
        if self.json {
            if let Ok(text) = serde_json::to_string(e) {
                self.print(&text);
            }
        } else {
            match e {
                Event::Failed { input, reason } => {
                    self.say(&format!("imago: failed: {input}: {reason}"))
                }
                Event::Done {
                    input,
                    note: Some(note),
                    ..
                } => self.say(&format!("imago: {input}: {note}")),
                _ => {}
            }
        }
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    /// A file read without writing anything (what `info` prints is its event).
    pub fn read_one(&self) {
        self.done.fetch_add(1, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }

    pub fn failed(&self, input: &Path, reason: &str) {
        self.event(&Event::Failed {
            input: &input.display().to_string(),
            reason,
        });
    }

    /// The summary, and the exit code it means.
    pub fn finish(&self, verb: &str) -> Outcome {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        let done = self.done.load(Ordering::Relaxed);
        let failed = self.failed.load(Ordering::Relaxed);
        if self.json {
            if let Ok(text) = serde_json::to_string(&Event::Summary {
                files: self.files,
                done,
                failed,
            }) {
                self.print(&text);
            }
        } else if !verb.is_empty() {
            eprintln!(
                "imago: {} file(s): {done} {verb}, {failed} failed",
                self.files
            );
        }
        if failed > 0 {
            Outcome::SomeFailed
        } else {
            Outcome::Done
        }
    }
}
