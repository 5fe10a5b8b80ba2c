//! The finished segments joined into the pieces the remux reads: one file per run of
//! segments between discontinuities (or changes of initialization section), the init
//! section first for fMP4. Each segment file is removed once appended, so the disk holds
//! the stream about once, not twice.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::segments::Fetched;
use super::work::{init_file, segment_file};

/// Writes the pieces of one rendition and returns their paths, in play order.
pub(crate) fn join(work: &Path, letter: char, track: &Fetched) -> io::Result<Vec<PathBuf>> {
    let mut pieces = Vec::new();
    let mut current: Option<(BufWriter<File>, Option<usize>)> = None;
    for seg in &track.segments {
        let init = seg.init.as_ref().and_then(|i| track.init_index(i));
        let starts_piece = match &current {
            None => true,
            Some((_, open_init)) => seg.discontinuity || init != *open_init,
        };
        if starts_piece {
            if let Some((mut w, _)) = current.take() {
                w.flush()?;
            }
            let ext = if init.is_some() { "mp4" } else { "ts" };
            let path = work.join(format!("{letter}-piece-{}.{ext}", pieces.len()));
            let mut w = BufWriter::with_capacity(1 << 20, File::create(&path)?);
            if let Some(i) = init {
                io::copy(&mut File::open(init_file(work, letter, i))?, &mut w)?;
            }
            pieces.push(path);
            current = Some((w, init));
        }
        let seg_path = segment_file(work, letter, seg.sequence);
        if let Some((w, _)) = current.as_mut() {
            io::copy(&mut File::open(&seg_path)?, w)?;
        }
        std::fs::remove_file(&seg_path)?;
    }
    if let Some((mut w, _)) = current.take() {
        w.flush()?;
        w.get_ref().sync_all()?;
    }
    Ok(pieces)
}
