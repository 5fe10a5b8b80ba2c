//! `imago stitch IN... (--vertical | --horizontal | --grid CxR) -o OUT`.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use imago_media::codecs::{read, write, Picture, ReadOptions};
use imago_media::tools::{stitch as join, StitchOptions};
use rayon::prelude::*;

use super::files::{expand, write_atomic};
use crate::cli::StitchArgs;
use crate::{settings, BadInput, Outcome};

pub fn stitch(args: StitchArgs) -> Result<Outcome> {
    let ext = args
        .output
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    let target = settings::target("-o", ext).map_err(|_| {
        BadInput(anyhow!(
            "-o {}: name the result .jpg, .png, .webp, .avif or .gif (its extension says the format)",
            args.output.display()
        ))
    })?;
    if !args.force && args.output.exists() {
        return Err(BadInput(anyhow!(
            "-o {}: exists already (--force replaces it)",
            args.output.display()
        ))
        .into());
    }
    let background = settings::colour("--background", &args.encode.background)?;
    let opts = StitchOptions {
        layout: settings::layout(&args)?,
        gap: args.gap,
        background: [background[0], background[1], background[2], 255],
        width: args.width,
        max_height: args.max_height.max(1),
    };
    let write_opts = settings::encode(&args.encode)?;
    let inputs = expand(&args.inputs)?;
    let limits = super::limits();
    // Decoded on all cores (each is held until the join anyway), the first failure
    // in the given order reported.
    let decoded: Vec<Result<_>> = inputs
        .par_iter()
        .map(|file| {
            let picture = std::fs::read(file)
                .map_err(|e| anyhow!("cannot read it: {e}"))
                .and_then(|b| {
                    read(&b, &limits, &ReadOptions::default()).map_err(|e| anyhow!("{e}"))
                })
                .with_context(|| format!("{}", file.display()))
                .map_err(BadInput)?;
            let Picture { mut frames, .. } = picture;
            Ok(frames.swap_remove(0).image)
        })
        .collect();
    let pictures = decoded.into_iter().collect::<Result<Vec<_>>>()?;
    let parts = join(&pictures, &opts).map_err(|e| BadInput(anyhow!("{e}")))?;
    drop(pictures);
    let names = part_names(&args.output, parts.len());
    for (part, path) in parts.into_iter().zip(&names) {
        let picture = Picture::still(target.format(), part);
        let written = write(&picture, target, &write_opts)?;
        write_atomic(path, &written.bytes, args.force).map_err(|e| anyhow!(e))?;
        eprintln!(
            "imago: wrote {} ({}x{})",
            path.display(),
            written.width,
            written.height
        );
    }
    Ok(Outcome::Done)
}

/// `OUT` itself for one part; `OUT-1.ext`, `OUT-2.ext`, ... for several.
fn part_names(out: &Path, parts: usize) -> Vec<PathBuf> {
    if parts == 1 {
        return vec![out.to_path_buf()];
    }
    let stem = out
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("stitched");
    let ext = out.extension().and_then(|s| s.to_str()).unwrap_or_default();
    (1..=parts)
        .map(|n| out.with_file_name(format!("{stem}-{n}.{ext}")))
        .collect()
}
