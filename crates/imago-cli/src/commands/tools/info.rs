//! `imago info IN... [--json]`.

use anyhow::Result;
use imago_media::info::Info;

use super::files::{each, expand};
use super::report::Report;
use crate::cli::InfoArgs;
use crate::Outcome;

pub fn info(args: InfoArgs) -> Result<Outcome> {
    let files = expand(&args.files.inputs)?;
    let report = Report::new(&args.files, files.len());
    let limits = super::limits();
    // Read in parallel, printed in the order given.
    let found = each(
        &files,
        &args.files,
        |_, file| {
            let bytes = std::fs::read(file).map_err(|e| format!("cannot read it: {e}"))?;
            imago_media::info::info(&bytes, &limits).map_err(|e| e.to_string())
        },
        |_, _, _| {},
    )?;
    for (file, result) in files.iter().zip(found) {
        let name = file.display().to_string();
        if result.is_ok() {
            report.read_one();
        }
        match result {
            Ok(info) if report.json() => {
                let mut v = serde_json::to_value(&info).unwrap_or_default();
                if let Some(o) = v.as_object_mut() {
                    o.insert("event".into(), "info".into());
                    o.insert("input".into(), name.into());
                }
                report.print(&v.to_string());
            }
            Ok(info) => report.print(&line(&name, &info)),
            Err(reason) => report.failed(file, &reason),
        }
    }
    let outcome = report.finish("");
    Ok(outcome)
}

/// `photo.jpg: JPEG 3024x4032, 8-bit, orientation 6, profile "Display P3", EXIF XMP ICC,
/// GPS 48.858333, 2.294444`.
fn line(name: &str, i: &Info) -> String {
    let mut parts = vec![format!(
        "{} {}x{}",
        i.format.as_str().to_uppercase(),
        i.width,
        i.height
    )];
    if i.frames > 1 {
        parts.push(format!("{} frames", i.frames));
    }
    parts.push(format!("{}-bit", i.bit_depth));
    if let Some(o) = i.orientation.filter(|o| *o != 1) {
        parts.push(format!("orientation {o}"));
    }
    if let Some(p) = &i.color_profile {
        parts.push(format!("profile {p:?}"));
    }
    if i.metadata.is_empty() {
        parts.push("no metadata".into());
    } else {
        let names: Vec<_> = i.metadata.iter().map(|b| b.as_str()).collect();
        parts.push(names.join(" "));
    }
    if let Some(g) = i.gps {
        parts.push(format!("GPS {:.6}, {:.6}", g.latitude, g.longitude));
    }
    format!("{name}: {}", parts.join(", "))
}
