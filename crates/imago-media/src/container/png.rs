//! PNG: the signature, then chunks of length (4, big-endian), type (4), data, CRC (4).

use super::{be32, take};

pub(crate) const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// One chunk: its type, its data, and all its bytes (length to CRC) for copying.
pub(crate) struct Chunk<'a> {
    pub kind: [u8; 4],
    pub data: &'a [u8],
    pub raw: &'a [u8],
}

/// The chunks up to and including `IEND` (bytes after it are ignored, as decoders do).
pub(crate) struct Chunks<'a> {
    b: &'a [u8],
    off: usize,
    done: bool,
}

pub(crate) fn chunks(b: &[u8]) -> Result<Chunks<'_>, String> {
    if b.get(..8) != Some(&SIGNATURE[..]) {
        return Err("not a PNG signature".into());
    }
    Ok(Chunks {
        b,
        off: 8,
        done: false,
    })
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Result<Chunk<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if self.off >= self.b.len() {
            self.done = true;
            return Some(Err("PNG ends without an IEND chunk".into()));
        }
        let chunk = self.read();
        match &chunk {
            Ok(c) if &c.kind == b"IEND" => self.done = true,
            Ok(_) => {}
            Err(_) => self.done = true,
        }
        Some(chunk)
    }
}

impl<'a> Chunks<'a> {
    fn read(&mut self) -> Result<Chunk<'a>, String> {
        let start = self.off;
        let len = be32(self.b, start, "PNG chunk length")?;
        // The spec caps lengths at 2^31-1; a larger one is damage, not a big chunk.
        if len > i32::MAX as u32 {
            return Err(format!("PNG chunk at byte {start} claims {len} bytes"));
        }
        let total = (len as usize)
            .checked_add(12)
            .ok_or_else(|| format!("PNG chunk at byte {start} is too long"))?;
        let raw = take(self.b, start, total, "PNG chunk")?;
        let kind = [raw[4], raw[5], raw[6], raw[7]];
        self.off = start + total;
        Ok(Chunk {
            kind,
            data: &raw[8..8 + len as usize],
            raw,
        })
    }
}
