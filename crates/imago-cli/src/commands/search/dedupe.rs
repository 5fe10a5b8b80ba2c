//! `imago dedupe DIR... [--move-to DIR | --delete] [--yes]`: groups of files that are the
//! same picture (the same bytes, or near: resized, recompressed, converted, framed), each
//! with the copy worth keeping. Turned and mirrored copies are not grouped: they may be
//! meant. Nothing is moved or deleted without `--yes`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use imago_core::Format;
use imago_search::{Codes, Fingerprint, Hit, Query};

use super::report::{Duplicate, Event, Report};
use super::walk;
use crate::cli::DedupeArgs;
use crate::{BadInput, Outcome};

pub fn dedupe(args: DedupeArgs) -> Result<Outcome> {
    if (args.delete || args.move_to.is_some()) && !args.yes {
        let what = if args.delete { "--delete" } else { "--move-to" };
        return Err(BadInput(anyhow!(
            "{what} changes your files: run `imago dedupe` without it to see the groups, then again with {what} --yes"
        ))
        .into());
    }
    let files = walk::image_files(&args.inputs)?;
    if let Some(dir) = &args.move_to {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("--move-to {}: cannot create the folder", dir.display()))?;
    }
    let report = Report::new(args.run.json, args.run.quiet, files.len(), "files");

    // 1. Fingerprints, in parallel.
    let read: Vec<Result<(Fingerprint, u64), String>> = {
        use rayon::prelude::*;
        crate::commands::tools::pool(args.run.jobs, "search")?.install(|| {
            files
                .par_iter()
                .map(|f| {
                    let r = super::fingerprint_file(f, None).map(|(fp, meta)| (fp, meta.len()));
                    report.step();
                    r
                })
                .collect()
        })
    };
    report.finish();
    let mut failed = 0;
    let mut pictures = Vec::new();
    let mut codes = Codes::default();
    for (file, r) in files.iter().zip(read) {
        match r {
            Ok((fp, bytes)) => {
                codes.push(&fp.code);
                pictures.push(Picture {
                    path: file,
                    fp,
                    bytes,
                });
            }
            Err(reason) => {
                failed += 1;
                report.event(&Event::Failed {
                    path: &file.display().to_string(),
                    reason: &reason,
                });
            }
        }
    }

    // 2. Groups: every pair that matches upright joins its two groups.
    let mut groups = Groups::new(pictures.len());
    let mut hits: Vec<Option<Hit>> = vec![None; pictures.len()];
    for (i, p) in pictures.iter().enumerate() {
        let query = Query::upright(&p.fp.code);
        for (j, first) in hits.iter_mut().enumerate().skip(i + 1) {
            if let Some(hit) = codes.compare(j, &query) {
                groups.join(i, j);
                *first = first.or(Some(hit));
            }
        }
    }

    // 3. The best copy of each group stays; the others are reported, moved or deleted.
    let (mut duplicates, mut moved, mut deleted, mut group_count) = (0, 0, 0, 0);
    for members in groups.members() {
        if members.len() < 2 {
            continue;
        }
        group_count += 1;
        let keep = *members
            .iter()
            .max_by(|a, b| {
                pictures[**a]
                    .rank()
                    .cmp(&pictures[**b].rank())
                    .then(b.cmp(a))
            })
            .unwrap_or(&members[0]);
        let kept = &pictures[keep];
        let keep_query = Query::upright(&kept.fp.code);
        let others: Vec<usize> = members.iter().copied().filter(|m| *m != keep).collect();
        let paths: Vec<String> = others
            .iter()
            .map(|m| pictures[*m].path.display().to_string())
            .collect();
        let dups: Vec<Duplicate> = others
            .iter()
            .zip(&paths)
            .map(|(m, path)| {
                // Against the copy kept, which the user compares with; a member joined
                // through another may only match that one.
                let hit = codes.compare(*m, &keep_query).or(hits[*m]);
                Duplicate {
                    path,
                    kind: hit.map_or(imago_search::MatchKind::Near, |h| h.kind),
                    score: hit.map_or(0.0, |h| (h.score * 1000.0).round() / 1000.0),
                }
            })
            .collect();
        duplicates += dups.len();
        let keep_path = kept.path.display().to_string();
        if report.json() {
            report.event(&Event::Group {
                keep: &keep_path,
                duplicates: dups,
            });
        } else {
            report.print(&format!("keep  {}  ({})", keep_path, kept.describe()));
            for (d, m) in dups.iter().zip(&others) {
                report.print(&format!(
                    "  {:<5} {:.2}  {}  ({})",
                    imago_search::MatchKind::as_str(d.kind),
                    d.score,
                    d.path,
                    pictures[*m].describe()
                ));
            }
        }
        for m in &others {
            let path = pictures[*m].path;
            let shown = path.display().to_string();
            let done = match &args.move_to {
                Some(dir) => move_into(path, dir).map(Some),
                None if args.delete => std::fs::remove_file(path)
                    .map(|()| None)
                    .map_err(|e| format!("cannot delete it: {e}")),
                None => continue,
            };
            match done {
                Ok(to) => {
                    if to.is_some() {
                        moved += 1;
                    } else {
                        deleted += 1;
                    }
                    let to = to.map(|p| p.display().to_string());
                    report.event(&Event::Moved {
                        path: &shown,
                        to: to.as_deref(),
                    });
                }
                Err(reason) => {
                    failed += 1;
                    report.event(&Event::Failed {
                        path: &shown,
                        reason: &reason,
                    });
                }
            }
        }
    }
    report.event(&Event::DedupeSummary {
        files: files.len(),
        groups: group_count,
        duplicates,
        moved,
        deleted,
        failed,
    });
    Ok(if failed > 0 {
        Outcome::SomeFailed
    } else {
        Outcome::Done
    })
}

struct Picture<'a> {
    path: &'a Path,
    fp: Fingerprint,
    bytes: u64,
}

impl Picture<'_> {
    /// What makes a copy better: more pixels, then a format that lost less, then more
    /// bytes (less compressed).
    fn rank(&self) -> (u64, u8, u64) {
        let pixels = u64::from(self.fp.width) * u64::from(self.fp.height);
        let format = match self.fp.format {
            Format::Png | Format::Tiff | Format::Bmp | Format::Jxl => 3,
            Format::Gif | Format::Ico => 1,
            _ => 2,
        };
        (pixels, format, self.bytes)
    }

    fn describe(&self) -> String {
        format!(
            "{}x{} {}, {}",
            self.fp.width,
            self.fp.height,
            self.fp.format.as_str().to_uppercase(),
            imago_core::units::format_size(self.bytes)
        )
    }
}

/// `path` moved into `dir` under its own name, or `name-2.ext`, ... when that is taken;
/// never over a file. Across file systems it is copied, synced, then removed.
fn move_into(path: &Path, dir: &Path) -> Result<PathBuf, String> {
    let name = path
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| "image".into());
    let stem = Path::new(&name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = Path::new(&name)
        .extension()
        .map(|e| format!(".{}", e.to_string_lossy()))
        .unwrap_or_default();
    for n in 1.. {
        let target = if n == 1 {
            dir.join(&name)
        } else {
            dir.join(format!("{stem}-{n}{ext}"))
        };
        if target.exists() {
            continue;
        }
        // A hard link claims the name atomically (no race with another file appearing).
        match std::fs::hard_link(path, &target) {
            Ok(()) => {
                std::fs::remove_file(path).map_err(|e| format!("cannot move it: {e}"))?;
                return Ok(target);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => {
                let bytes = std::fs::read(path).map_err(|e| format!("cannot read it: {e}"))?;
                crate::commands::tools::write_atomic(&target, &bytes, false)?;
                std::fs::remove_file(path).map_err(|e| format!("cannot move it: {e}"))?;
                return Ok(target);
            }
        }
    }
    unreachable!("some name is free")
}

/// Union-find over the pictures' positions.
struct Groups {
    parent: Vec<usize>,
}

impl Groups {
    fn new(n: usize) -> Groups {
        Groups {
            parent: (0..n).collect(),
        }
    }

    fn root(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    fn join(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.root(a), self.root(b));
        if ra != rb {
            self.parent[ra.max(rb)] = ra.min(rb);
        }
    }

    /// The groups, each sorted, in the order of their first member.
    fn members(&mut self) -> Vec<Vec<usize>> {
        let mut by_root: std::collections::BTreeMap<usize, Vec<usize>> = Default::default();
        for i in 0..self.parent.len() {
            let r = self.root(i);
            by_root.entry(r).or_default().push(i);
        }
        by_root.into_values().collect()
    }
}
