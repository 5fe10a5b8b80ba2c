//! What the pipeline tells its caller: one event per item and a summary. The command line
//! turns these into progress bars or JSON lines; the library never prints.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::Serialize;

/// One thing that happened.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "event", rename_all = "kebab-case")]
pub enum Event {
    /// A page was read: this many images will be tried.
    Page {
        page: String,
        title: Option<String>,
        found: usize,
        selected: usize,
        #[serde(skip_serializing_if = "Vec::is_empty")]
        warnings: Vec<String>,
    },
    /// A page could not be read. `bad_input` when the user pointed at something that is
    /// not a page (exit code 2) rather than a page that failed on the way (exit code 1).
    PageFailed {
        page: String,
        bad_input: bool,
        reason: String,
    },
    /// An image is on disk (or in the zip) under `path`.
    Saved {
        page: String,
        url: String,
        path: String,
        bytes: u64,
        sha256: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        width: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        height: Option<u32>,
        #[serde(skip_serializing_if = "Option::is_none")]
        format: Option<String>,
    },
    /// An image was not downloaded, on purpose (filtered, in the archive, a duplicate).
    Skipped {
        page: String,
        url: String,
        reason: String,
        /// The saved file this one is (in the archive, or the same content): for callers
        /// that answer with a path, like the extension's helper. Not in the JSON line,
        /// whose `reason` already names it.
        #[serde(skip)]
        earlier: Option<String>,
    },
    /// An image could not be downloaded.
    Failed {
        page: String,
        url: String,
        reason: String,
    },
    /// Something to know about one image on its way (the `--convert` step dropped an
    /// animation's frames, re-encoded a turned photo); its `saved` event follows.
    Note {
        page: String,
        url: String,
        note: String,
    },
}

/// Receives events as they happen; called from several tasks at once.
pub trait Reporter: Send + Sync {
    fn event(&self, event: &Event);
}

/// Ignores everything (tests, library users who only want the summary).
pub struct NullReporter;
impl Reporter for NullReporter {
    fn event(&self, _: &Event) {}
}

/// Totals of a run, printed last (`{"event":"summary",...}` with `--json`).
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    pub pages: u64,
    pub pages_failed: u64,
    /// Pages that were bad input (not http(s), not HTML, unreadable).
    pub pages_bad_input: u64,
    pub found: u64,
    pub saved: u64,
    pub skipped: u64,
    pub failed: u64,
    pub bytes: u64,
}

/// Counts events into a [`Summary`] while passing them on.
pub(crate) struct Counting<'a> {
    inner: &'a dyn Reporter,
    pages: AtomicU64,
    pages_failed: AtomicU64,
    pages_bad_input: AtomicU64,
    found: AtomicU64,
    saved: AtomicU64,
    skipped: AtomicU64,
    failed: AtomicU64,
    bytes: AtomicU64,
}

impl<'a> Counting<'a> {
    pub(crate) fn new(inner: &'a dyn Reporter) -> Self {
        Counting {
            inner,
            pages: AtomicU64::new(0),
            pages_failed: AtomicU64::new(0),
            pages_bad_input: AtomicU64::new(0),
            found: AtomicU64::new(0),
            saved: AtomicU64::new(0),
            skipped: AtomicU64::new(0),
            failed: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
        }
    }

    pub(crate) fn summary(&self) -> Summary {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        Summary {
            pages: g(&self.pages),
            pages_failed: g(&self.pages_failed),
            pages_bad_input: g(&self.pages_bad_input),
            found: g(&self.found),
            saved: g(&self.saved),
            skipped: g(&self.skipped),
            failed: g(&self.failed),
            bytes: g(&self.bytes),
        }
    }
}

impl Reporter for Counting<'_> {
    fn event(&self, event: &Event) {
        let add = |a: &AtomicU64, n: u64| {
            a.fetch_add(n, Ordering::Relaxed);
        };
        match event {
            Event::Page { found, .. } => {
                add(&self.pages, 1);
                add(&self.found, *found as u64);
            }
            Event::PageFailed { bad_input, .. } => {
                add(&self.pages_failed, 1);
                if *bad_input {
                    add(&self.pages_bad_input, 1);
                }
            }
            Event::Saved { bytes, .. } => {
                add(&self.saved, 1);
                add(&self.bytes, *bytes);
            }
            Event::Skipped { .. } => add(&self.skipped, 1),
            Event::Failed { .. } => add(&self.failed, 1),
            Event::Note { .. } => {}
        }
        self.inner.event(event);
    }
}
