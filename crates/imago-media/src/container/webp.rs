//! WebP: `RIFF`, the file size minus 8 (little-endian), `WEBP`, then chunks of fourcc (4),
//! size (4, little-endian), data padded to an even length.

use super::{le32, take};

/// One chunk: fourcc, data (without padding), and all its bytes with the padding.
pub(crate) struct Chunk<'a> {
    pub fourcc: [u8; 4],
    pub data: &'a [u8],
    pub raw: &'a [u8],
}

pub(crate) struct Chunks<'a> {
    b: &'a [u8],
    off: usize,
    end: usize,
}

/// The chunks inside the RIFF size (bytes past it are not part of the image).
pub(crate) fn chunks(b: &[u8]) -> Result<Chunks<'_>, String> {
    if b.get(..4) != Some(b"RIFF") || b.get(8..12) != Some(b"WEBP") {
        return Err("not a WebP RIFF header".into());
    }
    let size = le32(b, 4, "RIFF size")? as usize;
    let end = size
        .checked_add(8)
        .filter(|end| *end <= b.len())
        .ok_or_else(|| format!("WebP RIFF size {size} runs past the end of the file"))?;
    Ok(Chunks { b, off: 12, end })
}

impl<'a> Iterator for Chunks<'a> {
    type Item = Result<Chunk<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.off >= self.end {
            return None;
        }
        let r = self.read();
        if r.is_err() {
            self.off = self.end;
        }
        Some(r)
    }
}

impl<'a> Chunks<'a> {
    fn read(&mut self) -> Result<Chunk<'a>, String> {
        let start = self.off;
        let body = &self.b[..self.end];
        let head = take(body, start, 8, "WebP chunk header")?;
        let fourcc = [head[0], head[1], head[2], head[3]];
        let len = le32(body, start + 4, "WebP chunk size")? as usize;
        let padded = len.checked_add(len & 1).and_then(|l| l.checked_add(8));
        let padded = padded.ok_or_else(|| format!("WebP chunk at byte {start} is too long"))?;
        // The last chunk's padding byte is sometimes missing; decoders accept that.
        let raw_len = padded.min(self.end - start);
        let raw = take(body, start, raw_len, "WebP chunk")?;
        let data = take(body, start + 8, len, "WebP chunk")?;
        self.off = start + raw_len;
        Ok(Chunk { fourcc, data, raw })
    }
}
