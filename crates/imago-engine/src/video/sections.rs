//! The finished segments joined into the pieces the remux reads: one file per run of
//! segments between discontinuities (or changes of initialization section), the init
//! section first for fMP4. Each segment file is removed once appended, so the disk holds
//! the stream about once, not twice. A piece's extension says what it holds: `mp4`
//! (fMP4), `ts` (MPEG-TS) or `es` (packed audio: ADTS or MP3 behind an ID3 tag, which an
//! audio rendition may be), for the remux to pick its reader.

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
            let seg_path = segment_file(work, letter, seg.sequence);
            let ext = if init.is_some() {
                "mp4"
            } else {
                piece_kind(&seg_path)?
            };
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

/// `ts` when the segment starts with an MPEG-TS sync byte, `es` otherwise.
fn piece_kind(segment: &Path) -> io::Result<&'static str> {
    use std::io::Read;
    let mut first = [0u8; 1];
    let n = File::open(segment)?.read(&mut first)?;
    Ok(if n == 1 && first[0] == 0x47 {
        "ts"
    } else {
        "es"
    })
}
