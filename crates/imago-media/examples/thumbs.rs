//! Times imago's thumbnailer alone, the way `imago serve` runs it: [`inspect`] then
//! [`process`] per file (strip the original, fit the medium, fit the thumbnail from the
//! medium), on a pool of worker threads each doing one file at a time, as the server's
//! decoder queue does. Used by `bench/serve/run.sh` against `vipsthumbnail`; not a test.
//!
//! ```text
//! cargo run --release -p imago-media --example thumbs -- \
//!     [--threads N] [--thumb 160] [--medium 640] [--out DIR] FILE...
//! ```
//!
//! Reading each file and writing its variants to `--out` (`NAME.th.jpg`, `NAME.md.jpg`)
//! are inside the timed loop, as they are for `vipsthumbnail`. Prints one JSON line:
//! files, threads, wall seconds, and the variants' total bytes.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use imago_media::{inspect, process, Limits, ProcessOptions, Variant};

struct Args {
    threads: usize,
    options: ProcessOptions,
    out: Option<PathBuf>,
    files: Vec<PathBuf>,
}

fn parse() -> Result<Args, String> {
    let mut args = Args {
        threads: 1,
        options: ProcessOptions::default(),
        out: None,
        files: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    let number = |flag: &str, v: Option<String>| -> Result<u32, String> {
        v.as_deref()
            .unwrap_or("")
            .parse()
            .map_err(|_| format!("{flag} needs a whole number"))
    };
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--threads" => args.threads = number("--threads", it.next())?.max(1) as usize,
            "--thumb" => args.options.thumb_size = number("--thumb", it.next())?,
            "--medium" => args.options.medium_size = number("--medium", it.next())?,
            "--out" => args.out = it.next().map(PathBuf::from),
            "--keep-metadata" => args.options.strip_metadata = false,
            flag if flag.starts_with("--") => return Err(format!("unknown flag {flag}")),
            _ => args.files.push(PathBuf::from(arg)),
        }
    }
    if args.files.is_empty() {
        return Err("no input files".into());
    }
    Ok(args)
}

/// Bytes written for one file: (thumbnail, medium).
fn one(path: &Path, args: &Args, limits: &Limits) -> Result<(usize, usize), String> {
    let fail = |e: &dyn std::fmt::Display| format!("{}: {e}", path.display());
    let bytes = std::fs::read(path).map_err(|e| fail(&e))?;
    let seen = inspect(&bytes, limits).map_err(|e| fail(&e))?;
    let done = process(&bytes, &seen, &args.options, limits).map_err(|e| fail(&e))?;
    let medium_len = done.medium.as_ref().map_or(0, |m| m.bytes.len());
    if let Some(dir) = &args.out {
        let stem = path.file_stem().unwrap_or_default().to_string_lossy();
        let write = |tag: &str, v: &Variant| {
            let name = format!("{stem}.{tag}.{}", v.format.extension());
            std::fs::write(dir.join(name), &v.bytes).map_err(|e| fail(&e))
        };
        write("th", &done.thumb)?;
        // The single-size comparison asks for thumbnail and medium of one size: the
        // medium is then a second copy of the thumbnail, not written.
        if let Some(m) = done.medium.as_ref() {
            if args.options.medium_size != args.options.thumb_size {
                write("md", m)?;
            }
        }
    }
    Ok((done.thumb.bytes.len(), medium_len))
}

fn main() {
    let args = match parse() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("thumbs: {e}\nusage: thumbs [--threads N] [--thumb PX] [--medium PX] [--out DIR] [--keep-metadata] FILE...");
            std::process::exit(2);
        }
    };
    if let Some(dir) = &args.out {
        if let Err(e) = std::fs::create_dir_all(dir) {
            eprintln!("thumbs: cannot create {}: {e}", dir.display());
            std::process::exit(2);
        }
    }
    let limits = Limits::default();
    let next = AtomicUsize::new(0);
    let totals = Mutex::new((0usize, 0usize, Vec::<String>::new()));
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..args.threads {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(path) = args.files.get(i) else { break };
                let result = one(path, &args, &limits);
                let mut t = totals.lock().unwrap_or_else(|p| p.into_inner());
                match result {
                    Ok((th, md)) => {
                        t.0 += th;
                        t.1 += md;
                    }
                    Err(e) => t.2.push(e),
                }
            });
        }
    });
    let wall = started.elapsed().as_secs_f64();
    let (thumb_bytes, medium_bytes, errors) =
        totals.into_inner().unwrap_or_else(|p| p.into_inner());
    for e in &errors {
        eprintln!("thumbs: {e}");
    }
    println!(
        "{{\"files\":{},\"failed\":{},\"threads\":{},\"thumb\":{},\"medium\":{},\"wall_s\":{wall:.3},\"thumb_bytes\":{thumb_bytes},\"medium_bytes\":{medium_bytes}}}",
        args.files.len(),
        errors.len(),
        args.threads,
        args.options.thumb_size,
        args.options.medium_size,
    );
    if !errors.is_empty() {
        std::process::exit(1);
    }
}
