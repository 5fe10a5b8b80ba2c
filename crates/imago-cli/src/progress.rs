//! How a grab shows itself: a progress bar on a terminal, one JSON event per line with
//! `--json`, or plain lines for failures when the output is not a terminal.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use imago_core::units::format_size;
use imago_engine::grab::{Event, Reporter, Summary};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    json: bool,
    bar: Option<ProgressBar>,
    /// JSON lines must not interleave: one writer at a time.
    out: Mutex<()>,
    saved_bytes: AtomicU64,
}

impl Progress {
    pub fn new(json: bool, quiet: bool) -> Progress {
        let bar = (!json && !quiet && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {pos}/{len} images {bar:30} {elapsed} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            json,
            bar,
            out: Mutex::new(()),
            saved_bytes: AtomicU64::new(0),
        }
    }

    fn line(&self, text: &str, to_stdout: bool) {
        let _guard = self.out.lock();
        match (&self.bar, to_stdout) {
            (Some(bar), false) => bar.println(text),
            (_, true) => crate::out::line(text),
            (None, false) => eprintln!("{text}"),
        }
    }

    /// The last word: a JSON summary line, or a sentence.
    pub fn finish(&self, s: &Summary) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
        if self.json {
            let mut v = serde_json::to_value(s).unwrap_or_default();
            if let Some(o) = v.as_object_mut() {
                o.insert("event".into(), "summary".into());
            }
            self.line(&v.to_string(), true);
        } else {
            eprintln!(
                "imago: {} page(s), {} image(s) found: {} saved ({}), {} skipped, {} failed{}",
                s.pages,
                s.found,
                s.saved,
                format_size(s.bytes),
                s.skipped,
                s.failed,
                if s.pages_failed > 0 {
                    format!(", {} page(s) could not be read", s.pages_failed)
                } else {
                    String::new()
                }
            );
        }
    }
}

impl Reporter for Progress {
    fn event(&self, event: &Event) {
        if self.json {
            if let Ok(text) = serde_json::to_string(event) {
                self.line(&text, true);
            }
            return;
        }
        match event {
            Event::Page {
                selected, warnings, ..
            } => {
                if let Some(bar) = &self.bar {
                    bar.inc_length(*selected as u64);
                }
                for w in warnings {
                    self.line(&format!("imago: warning: {w}"), false);
                }
            }
            Event::PageFailed { page, reason, .. } => {
                self.line(&format!("imago: page failed: {page}: {reason}"), false)
            }
            Event::Failed { url, reason, .. } => {
                self.line(&format!("imago: failed: {url}: {reason}"), false);
                self.tick();
            }
            Event::Saved { bytes, .. } => {
                let total = self.saved_bytes.fetch_add(*bytes, Ordering::Relaxed) + bytes;
                if let Some(bar) = &self.bar {
                    bar.set_message(format_size(total));
                }
                self.tick();
            }
            Event::Skipped { .. } => self.tick(),
            Event::Note { url, note, .. } => self.line(&format!("imago: {url}: {note}"), false),
        }
    }
}

impl Progress {
    fn tick(&self) {
        if let Some(bar) = &self.bar {
            bar.inc(1);
        }
    }
}

/// How `imago video` shows itself: a bar per stream on a terminal (segments done of
/// those listed), one JSON event per line with `--json`, or a line per stream.
pub struct VideoProgress {
    json: bool,
    quiet: bool,
    terminal: bool,
}

impl VideoProgress {
    pub fn new(json: bool, quiet: bool) -> VideoProgress {
        VideoProgress {
            json,
            quiet,
            terminal: std::io::stderr().is_terminal(),
        }
    }

    /// The progress callback of one stream (a bar, or nothing).
    pub fn stream(&self, url: &url::Url) -> impl Fn(char, u64, u64) + Send + Sync {
        let bar = (!self.json && !self.quiet && self.terminal).then(|| {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} {pos}/{len} segments {bar:30} {elapsed} {msg}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(imago_core::naming::url_name(url.as_str()));
            bar
        });
        move |track, done, listed| {
            // The bar follows the video track; a separate audio track runs beside it.
            if let (Some(bar), 'v') = (&bar, track) {
                bar.set_length(listed);
                bar.set_position(done);
                if done == listed {
                    bar.finish_and_clear();
                }
            }
        }
    }

    pub fn saved(
        &self,
        page: Option<&url::Url>,
        url: &url::Url,
        s: &imago_engine::video::SavedStream,
    ) {
        if self.json {
            crate::out::line(&crate::commands::video::saved_json(page, url, s).to_string());
        } else if !self.quiet {
            eprintln!(
                "imago: saved {} ({}x{}, {:.1} s, {})",
                s.path.display(),
                s.width,
                s.height,
                s.duration_secs,
                format_size(s.bytes)
            );
            if let Some(note) = &s.note {
                eprintln!("imago: {url}: {note}");
            }
        }
    }

    pub fn failed(&self, page: Option<&url::Url>, url: &url::Url, reason: &str) {
        if self.json {
            let v = serde_json::json!({
                "event": "failed", "page": page.map(url::Url::as_str), "url": url.as_str(), "reason": reason,
            });
            crate::out::line(&v.to_string());
        } else {
            eprintln!("imago: failed: {url}: {reason}");
        }
    }

    pub fn finish(&self, totals: &serde_json::Value) {
        if self.json {
            let mut v = totals.clone();
            v["event"] = "summary".into();
            crate::out::line(&v.to_string());
        }
    }
}
