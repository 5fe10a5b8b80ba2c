//! The shared hostile and odd images through the tools' reader and `info`: hostile ones
//! refused one by one with a reason, quickly; odd ones read correctly (or, where the
//! shared README allows it, refused with a reason), none crashing anything.

mod common;

use std::time::{Duration, Instant};

use common::shared_files;
use imago_core::Format;
use imago_media::codecs::{read, ReadOptions};
use imago_media::info::info;
use imago_media::Limits;

const ALL: ReadOptions = ReadOptions {
    all_frames: true,
    shrink_to: None,
};

#[test]
fn hostile_files_are_refused_one_by_one_with_a_reason_and_quickly() {
    let limits = Limits {
        max_bytes: 512 << 20,
        ..Limits::default()
    };
    for (name, bytes) in shared_files("hostile") {
        let started = Instant::now();
        let err = read(&bytes, &limits, &ALL).err();
        let err = err.unwrap_or_else(|| panic!("{name}: read, but it must be refused"));
        assert!(!err.to_string().is_empty(), "{name}");
        assert!(
            info(&bytes, &limits).is_err(),
            "{name}: info must refuse it too"
        );
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{name}: took {:?}",
            started.elapsed()
        );
    }
}

#[test]
fn odd_files_are_read_as_they_are() {
    let limits = Limits::default();
    let mut read_ok = Vec::new();
    for (name, bytes) in shared_files("odd") {
        match read(&bytes, &limits, &ALL) {
            Ok(p) => read_ok.push((
                name,
                p.format,
                p.frames.len(),
                p.first().width(),
                p.first().height(),
            )),
            Err(e) => {
                // Allowed to be refused (with a reason): the damaged ones the README names.
                let allowed = [
                    "badrle.bmp",
                    "pal8badindex.bmp",
                    "truncated_mask_32bpp.ico",
                    "xcsn0g01.png",
                    "issue_1455_oversized.gif",
                ];
                assert!(allowed.contains(&name.as_str()), "{name}: {e}");
                assert!(!e.to_string().is_empty());
            }
        }
    }
    let find = |n: &str| read_ok.iter().find(|r| r.0 == n).cloned();
    assert_eq!(
        find("big-height.webp").map(|r| (r.1, r.2)),
        Some((Format::Webp, 99))
    );
    assert_eq!(find("looks-like-svg.webp").map(|r| r.1), Some(Format::Webp));
    // Four frames in the blocks, the fourth's LZW data damaged (the `gif` crate stops
    // there): the three before it, as a browser that stops at damage shows them.
    assert_eq!(
        find("invalid_multiframe.gif").map(|r| (r.1, r.2)),
        Some((Format::Gif, 3))
    );
    assert_eq!(
        find("avif-orientation-6.avif").map(|r| (r.3, r.4)),
        Some((3024, 4032))
    );
    eprintln!("{read_ok:?}");
}
