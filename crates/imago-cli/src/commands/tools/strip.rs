//! `imago strip IN... [--keep-icc] (--in-place | -o DIR)`.

use anyhow::Result;
use imago_media::tools::{strip_metadata, StripOptions};

use super::files::{each, expand, write_atomic, Named, Outputs};
use super::report::{Event, Report};
use crate::cli::StripArgs;
use crate::Outcome;

pub fn strip(args: StripArgs) -> Result<Outcome> {
    let files = expand(&args.files.inputs)?;
    let outputs = if args.in_place {
        None
    } else {
        Some(Outputs::new(&args.out, " or --in-place")?)
    };
    let report = Report::new(&args.files, files.len());
    let limits = super::limits();
    let opts = StripOptions {
        keep_icc: args.keep_icc,
    };
    each(
        &files,
        &args.files,
        |i, file| -> Result<(), String> {
            let bytes = std::fs::read(file).map_err(|e| format!("cannot read it: {e}"))?;
            let done = strip_metadata(&bytes, &limits, &opts).map_err(|e| e.to_string())?;
            let target = match &outputs {
                // The same name and place: renamed over the original once written whole.
                None => file.to_path_buf(),
                Some(o) => o.path_for(&Named {
                    input: file,
                    n: i + 1,
                    ext: done.format.extension(),
                    width: done.width,
                    height: done.height,
                }),
            };
            match &outputs {
                None => write_atomic(&target, &done.bytes, true)?,
                Some(o) => o.write(&target, &done.bytes)?,
            }
            report.event(&Event::Done {
                input: &file.display().to_string(),
                output: &target.display().to_string(),
                bytes: done.bytes.len() as u64,
                note: done.reencoded.then_some(
                    "turned upright by its EXIF orientation and written again (the one re-encode)",
                ),
            });
            Ok(())
        },
        |_, file, result| {
            if let Err(reason) = result {
                report.failed(file, reason);
            }
        },
    )?;
    Ok(report.finish("stripped"))
}
