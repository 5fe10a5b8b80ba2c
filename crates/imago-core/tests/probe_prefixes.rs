//! For every shared image and every prefix length: no panic, `NeedMore` always asks for
//! more than it was given, and once a prefix is `Known` every longer prefix gives the
//! same answer (what the engine relies on to stop reading early).

use imago_core::probe::{probe, Probe, MAX_NEED};

const IMAGES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/images");

fn all_files() -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for dir in ["formats", "odd", "hostile"] {
        let path = format!("{IMAGES}/{dir}");
        for entry in std::fs::read_dir(&path).unwrap_or_else(|e| panic!("{path}: {e}")) {
            let entry = entry.expect("directory entry");
            let bytes = std::fs::read(entry.path()).expect("readable file");
            files.push((
                format!("{dir}/{}", entry.file_name().to_string_lossy()),
                bytes,
            ));
        }
    }
    files.sort();
    assert!(files.len() >= 30, "the shared images are there");
    files
}

/// Every prefix length, the empty prefix and the whole file included.
fn lengths(len: usize) -> std::ops::RangeInclusive<usize> {
    0..=len
}

#[test]
fn every_prefix_of_every_file_is_answered_consistently() {
    for (name, bytes) in all_files() {
        let mut first_known: Option<(usize, Probe)> = None;
        for n in lengths(bytes.len()) {
            let prefix = &bytes[..n];
            let partial = probe(prefix, false);
            let whole = probe(prefix, true);
            if let Probe::NeedMore(need) = partial {
                assert!(need > n, "{name}[..{n}]: NeedMore({need})");
                assert!(need <= MAX_NEED, "{name}[..{n}]: NeedMore({need})");
            }
            assert!(
                !matches!(whole, Probe::NeedMore(_)),
                "{name}[..{n}] complete: {whole:?}"
            );
            // A complete file and a prefix agree whenever the prefix is enough.
            if let Probe::Known(_) = partial {
                assert_eq!(whole, partial, "{name}[..{n}]");
            }
            match (&first_known, &partial) {
                (Some((at, answer)), _) => {
                    assert_eq!(&partial, answer, "{name}: Known at {at}, then at {n}")
                }
                (None, Probe::Known(_)) => first_known = Some((n, partial.clone())),
                (None, _) => {}
            }
        }
    }
}

#[test]
fn once_refused_a_file_is_not_asked_for_more() {
    // A NotImage answer is final for a prefix: growing it must not turn it into a
    // NeedMore (the engine would have stopped). It may only stay NotImage... unless the
    // longer prefix is Known for the same bytes, which would mean the refusal was wrong.
    for (name, bytes) in all_files() {
        let mut refused_at = None;
        for n in lengths(bytes.len()) {
            match (probe(&bytes[..n], false), refused_at) {
                (Probe::NotImage(_), None) => refused_at = Some(n),
                (Probe::NotImage(_), Some(_)) | (_, None) => {}
                (other, Some(at)) => panic!("{name}: refused at {at}, then {other:?} at {n}"),
            }
        }
    }
}
