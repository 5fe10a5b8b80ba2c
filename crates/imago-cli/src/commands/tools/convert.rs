//! `imago convert IN... --to FORMAT -o DIR` and `imago resize IN... --max N -o DIR`: one
//! pipeline (`imago_media::tools::convert_image`), two ways to ask for it.

use anyhow::Result;
use imago_media::tools::{convert_image, ConvertOptions};

use super::files::{each, expand, Named, Outputs};
use super::report::{Event, Report};
use crate::cli::{ConvertArgs, ResizeArgs, ToolInputs, ToolOutput};
use crate::{settings, Outcome};

pub fn convert(args: ConvertArgs) -> Result<Outcome> {
    let opts = ConvertOptions {
        to: Some(settings::target("--to", &args.to)?),
        resize: None,
        write: settings::encode(&args.encode)?,
    };
    run(&args.files, &args.out, &opts, "converted")
}

pub fn resize(args: ResizeArgs) -> Result<Outcome> {
    let opts = ConvertOptions {
        to: args
            .to
            .as_deref()
            .map(|t| settings::target("--to", t))
            .transpose()?,
        resize: Some(settings::resize(&args)?),
        write: settings::encode(&args.encode)?,
    };
    run(&args.files, &args.out, &opts, "resized")
}

fn run(files: &ToolInputs, out: &ToolOutput, opts: &ConvertOptions, verb: &str) -> Result<Outcome> {
    let inputs = expand(&files.inputs)?;
    let outputs = Outputs::new(out, "")?;
    let report = Report::new(files, inputs.len());
    let limits = super::limits();
    each(
        &inputs,
        files,
        |i, file| -> Result<(), String> {
            let bytes = std::fs::read(file).map_err(|e| format!("cannot read it: {e}"))?;
            let done = convert_image(&bytes, &limits, opts).map_err(|e| e.to_string())?;
            drop(bytes);
            let target = outputs.path_for(&Named {
                input: file,
                n: i + 1,
                ext: done.target.extension(),
                width: done.width,
                height: done.height,
            });
            outputs.write(&target, &done.bytes)?;
            let note = done.notes.join("; ");
            report.event(&Event::Done {
                input: &file.display().to_string(),
                output: &target.display().to_string(),
                bytes: done.bytes.len() as u64,
                note: (!note.is_empty()).then_some(note.as_str()),
            });
            Ok(())
        },
        |_, file, result| {
            if let Err(reason) = result {
                report.failed(file, reason);
            }
        },
    )?;
    Ok(report.finish(verb))
}
