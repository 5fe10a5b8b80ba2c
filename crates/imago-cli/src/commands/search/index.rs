//! `imago index DIR... --db FILE`: fingerprint the image files under folders into the
//! index. A file whose length and modification time are those it was indexed with is not
//! read again; one gone from a folder given is removed from the index.

use std::path::PathBuf;
use std::sync::mpsc;

use anyhow::{Context, Result};
use imago_search::{Entry, Store};

use super::report::{Event, Report};
use super::walk;
use crate::cli::IndexArgs;
use crate::{Outcome, ResultExt};

/// Rows written to the index per transaction.
const BATCH: usize = 256;

pub fn index(args: IndexArgs) -> Result<Outcome> {
    let files = walk::image_files(&args.inputs)?;
    let mut store = Store::open(&args.db, args.rebuild)
        .with_context(|| format!("--db {}", args.db.display()))
        .bad_input()?;
    let embedder = super::embedder(&args.model, args.run.quiet || args.run.json)?;
    let report = Report::new(args.run.json, args.run.quiet, files.len(), "files");

    // 1. What changed since the last run (or lacks the embedding the model can now add).
    let mut todo = Vec::new();
    let mut unchanged = 0;
    for file in &files {
        let key = file.display().to_string();
        let now = std::fs::metadata(file).ok().map(|m| super::stamp(&m));
        let then = store.stamp(&key)?;
        let same = matches!((now, then), (Some(n), Some((size, modified, embedded)))
            if n == (size, modified) && (embedded || embedder.is_none()));
        if same {
            unchanged += 1;
            report.step();
        } else {
            todo.push(file.clone());
        }
    }

    // 2. Fingerprints on the pool, written by this thread in batches as they come.
    let (tx, rx) = mpsc::sync_channel::<(PathBuf, Result<Entry, String>)>(BATCH);
    let pool = crate::commands::tools::pool(args.run.jobs, "search")?;
    let mut indexed = 0;
    let mut failed = 0;
    let written: Result<()> = std::thread::scope(|scope| {
        scope.spawn(|| {
            use rayon::prelude::*;
            pool.install(|| {
                todo.par_iter().for_each_with(tx, |tx, file| {
                    let entry =
                        super::fingerprint_file(file, embedder.as_ref()).map(|(fp, meta)| {
                            let (size, modified) = super::stamp(&meta);
                            Entry {
                                key: file.display().to_string(),
                                size,
                                modified,
                                width: fp.width,
                                height: fp.height,
                                format: fp.format.as_str().to_string(),
                                code: fp.code,
                            }
                        });
                    // The receiver only stops early on a database error, which is reported.
                    let _ = tx.send((file.clone(), entry));
                });
            });
        });
        let mut batch = Vec::with_capacity(BATCH);
        for (file, entry) in rx {
            report.step();
            match entry {
                Ok(entry) => batch.push(entry),
                Err(reason) => {
                    failed += 1;
                    report.event(&Event::Failed {
                        path: &file.display().to_string(),
                        reason: &reason,
                    });
                }
            }
            if batch.len() == BATCH {
                indexed += write(&mut store, &mut batch, &report)?;
            }
        }
        indexed += write(&mut store, &mut batch, &report)?;
        Ok(())
    });
    written?;

    // 3. Files gone from the folders given.
    let folders = walk::folders(&args.inputs);
    let found: std::collections::HashSet<String> =
        files.iter().map(|f| f.display().to_string()).collect();
    let gone: Vec<String> = store
        .keys()?
        .into_iter()
        .filter(|k| !found.contains(k) && folders.iter().any(|d| PathBuf::from(k).starts_with(d)))
        .collect();
    let removed = store.remove(&gone)?;
    for path in &gone {
        report.event(&Event::Removed { path });
    }
    let pictures = store.keys()?.len();
    report.finish();
    report.event(&Event::IndexSummary {
        files: files.len(),
        indexed,
        unchanged,
        removed,
        failed,
        pictures,
    });
    Ok(if failed > 0 {
        Outcome::SomeFailed
    } else {
        Outcome::Done
    })
}

/// Writes `batch` (then empties it) and says each file was indexed.
fn write(store: &mut Store, batch: &mut Vec<Entry>, report: &Report) -> Result<usize> {
    store.put(batch)?;
    for e in batch.iter() {
        report.event(&Event::Indexed { path: &e.key });
    }
    let n = batch.len();
    batch.clear();
    Ok(n)
}
