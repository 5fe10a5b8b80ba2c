//! Inputs found, work spread over the cores, outputs named and written atomically.

use std::ffi::OsStr;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{anyhow, Context, Result};
use imago_core::naming::{safe_relative_path, NameVars, Template, UniqueNames};
use rayon::prelude::*;

use crate::cli::{ToolInputs, ToolOutput};
use crate::{settings, BadInput, ResultExt};

/// Extensions a folder's files are taken by (a file named on the command line is taken
/// whatever its name: its bytes say what it is).
const IMAGE_EXTENSIONS: [&str; 15] = [
    "jpg", "jpeg", "jpe", "png", "apng", "gif", "webp", "bmp", "tif", "tiff", "ico", "avif",
    "heic", "heif", "jxl",
];

/// The files `inputs` name, in order: a folder gives its image files (sorted by name,
/// hidden ones left out, not its subfolders). A path that does not exist is bad input.
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for input in inputs {
        let meta = std::fs::metadata(input).map_err(|e| {
            let what = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
                _ => format!("cannot read it: {e}"),
            };
            BadInput(anyhow!("{}: {what}", input.display()))
        })?;
        if !meta.is_dir() {
            out.push(input.clone());
            continue;
        }
        let mut found: Vec<PathBuf> = std::fs::read_dir(input)
            .with_context(|| format!("{}: cannot list the folder", input.display()))
            .bad_input()?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && is_image_name(p))
            .collect();
        found.sort();
        out.extend(found);
    }
    if out.is_empty() {
        return Err(BadInput(anyhow!(
            "no image file found in {} (a folder's .jpg, .png, .webp, .avif, .heic, ... files are taken)",
            inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .into());
    }
    Ok(out)
}

/// Whether a folder's file is taken: not hidden, and named like an image.
pub fn is_image_name(p: &Path) -> bool {
    let hidden = p
        .file_name()
        .and_then(OsStr::to_str)
        .is_some_and(|n| n.starts_with('.'));
    let ext = p
        .extension()
        .and_then(OsStr::to_str)
        .map(str::to_ascii_lowercase);
    !hidden && ext.is_some_and(|e| IMAGE_EXTENSIONS.contains(&e.as_str()))
}

/// Runs `work` on every file, `jobs` at a time (default: one per core), in a pool of its
/// own; `done` sees each result as it comes (from the worker that made it).
pub fn each<T: Send>(
    files: &[PathBuf],
    args: &ToolInputs,
    work: impl Fn(usize, &Path) -> T + Sync,
    done: impl Fn(usize, &Path, &T) + Sync,
) -> Result<Vec<T>> {
    Ok(pool(args.run.jobs, "tool")?.install(|| {
        files
            .par_iter()
            .enumerate()
            .map(|(i, file)| {
                let out = work(i, file);
                done(i, file, &out);
                out
            })
            .collect()
    }))
}

/// A pool of `jobs` worker threads (default: one per core), named `imago-{what}-N`.
pub fn pool(jobs: Option<usize>, what: &'static str) -> Result<rayon::ThreadPool> {
    let jobs = jobs
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
        .max(1);
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .thread_name(move |i| format!("imago-{what}-{i}"))
        .build()
        .context("cannot start the worker threads")
}

/// Where results go, and the names handed out so far in this run.
pub struct Outputs {
    dir: PathBuf,
    name: Template,
    force: bool,
    date: String,
    taken: Mutex<UniqueNames>,
}

/// One file's result, ready to write.
pub struct Named<'a> {
    pub input: &'a Path,
    /// Position in the run, from 1.
    pub n: usize,
    pub ext: &'a str,
    pub width: u32,
    pub height: u32,
}

impl Outputs {
    /// `-o DIR` (created when missing) and `--name`.
    pub fn new(out: &ToolOutput, flag_hint: &str) -> Result<Outputs> {
        let Some(dir) = out.output.clone() else {
            return Err(BadInput(anyhow!("say where the results go: -o DIR{flag_hint}")).into());
        };
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("-o {}: cannot create the folder", dir.display()))?;
        Ok(Outputs {
            dir,
            name: settings::template("--name", &out.name)?,
            force: out.force,
            date: settings::today(),
            taken: Mutex::new(UniqueNames::new()),
        })
    }

    /// The path for one result: the template's name, unique within the run.
    pub fn path_for(&self, r: &Named) -> PathBuf {
        let url = url::Url::from_file_path(std::path::absolute(r.input).unwrap_or_default())
            .map(String::from)
            .unwrap_or_default();
        let vars = NameVars {
            n: r.n,
            url: &url,
            width: Some(r.width),
            height: Some(r.height),
            ext: Some(r.ext),
            date: &self.date,
            ..NameVars::default()
        };
        let rel = safe_relative_path("", &self.name.render(&vars));
        let rel = self
            .taken
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .claim(rel);
        self.dir.join(rel.to_path_buf())
    }

    /// Writes `bytes` to `path` whole or not at all; an existing file is kept unless
    /// `--force`.
    pub fn write(&self, path: &Path, bytes: &[u8]) -> Result<(), String> {
        write_atomic(path, bytes, self.force)
    }
}

/// `bytes` into a temporary file beside `path`, synced, then renamed onto it (refusing
/// to replace a file unless `replace`). A replaced file's permissions are kept; a new
/// one is readable by all, as files a user writes usually are (temporary files start
/// private).
pub fn write_atomic(path: &Path, bytes: &[u8], replace: bool) -> Result<(), String> {
    let taken = || format!("{} exists already (--force replaces it)", path.display());
    // Checked first so a taken name costs no write; the rename checks again (a file that
    // appears meanwhile is not replaced either).
    if !replace && path.exists() {
        return Err(taken());
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    let fail = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let permissions = match std::fs::metadata(path) {
        Ok(m) if replace => m.permissions(),
        _ => {
            use std::os::unix::fs::PermissionsExt;
            std::fs::Permissions::from_mode(0o644)
        }
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".imago-")
        .suffix(".part")
        .permissions(permissions)
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(bytes).map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    if replace {
        tmp.persist(path).map_err(|e| fail(e.error))?;
    } else {
        tmp.persist_noclobber(path).map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                taken()
            } else {
                fail(e.error)
            }
        })?;
    }
    Ok(())
}
