//! GIF: header and logical screen (13 bytes) with an optional global colour table, then
//! blocks: extensions (`0x21`, a label, data sub-blocks), images (`0x2C`, a descriptor, an
//! optional local colour table, the LZW code size, data sub-blocks), and the trailer
//! (`0x3B`).

use super::{le16, take};

/// One piece of the file, with all its bytes for copying.
pub(crate) enum Block<'a> {
    /// Header, logical screen descriptor and global colour table.
    Screen(&'a [u8]),
    /// An extension: its label and the data of its first sub-block (an application
    /// extension's identifier is there).
    Extension {
        label: u8,
        first: &'a [u8],
        raw: &'a [u8],
    },
    /// One frame: its size and bytes.
    Image {
        width: u16,
        height: u16,
        raw: &'a [u8],
    },
    Trailer(&'a [u8]),
    /// Bytes that are no block, after at least one image: the walk ends there, as
    /// decoders end (browsers show the frames before it).
    Garbage,
}

pub(crate) struct Blocks<'a> {
    b: &'a [u8],
    off: usize,
    done: bool,
    images: usize,
}

pub(crate) fn blocks(b: &[u8]) -> Blocks<'_> {
    Blocks {
        b,
        off: 0,
        done: false,
        images: 0,
    }
}

impl<'a> Iterator for Blocks<'a> {
    type Item = Result<Block<'a>, String>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let r = if self.off == 0 {
            self.screen()
        } else {
            self.block()
        };
        if matches!(r, Err(_) | Ok(Block::Trailer(_) | Block::Garbage)) {
            self.done = true;
        }
        Some(r)
    }
}

/// Bytes of a colour table announced by a packed field (flag in bit 7, size in bits 0-2).
fn colour_table_len(packed: u8) -> usize {
    if packed & 0x80 == 0 {
        0
    } else {
        3 << ((packed & 7) + 1)
    }
}

impl<'a> Blocks<'a> {
    fn screen(&mut self) -> Result<Block<'a>, String> {
        let head = take(self.b, 0, 13, "GIF logical screen")?;
        let len = 13 + colour_table_len(head[10]);
        let raw = take(self.b, 0, len, "GIF global colour table")?;
        self.off = len;
        Ok(Block::Screen(raw))
    }

    fn block(&mut self) -> Result<Block<'a>, String> {
        let start = self.off;
        let intro = take(self.b, start, 1, "GIF block")?[0];
        match intro {
            0x3B => {
                self.off = start + 1;
                Ok(Block::Trailer(&self.b[start..start + 1]))
            }
            0x21 => {
                let label = take(self.b, start + 1, 1, "GIF extension label")?[0];
                let (first, end) = self.sub_blocks(start + 2)?;
                self.off = end;
                Ok(Block::Extension {
                    label,
                    first,
                    raw: &self.b[start..end],
                })
            }
            0x2C => {
                let desc = take(self.b, start, 10, "GIF image descriptor")?;
                let width = le16(desc, 5, "GIF frame width")?;
                let height = le16(desc, 7, "GIF frame height")?;
                // Descriptor, local colour table, then the LZW minimum code size.
                let data = start + 10 + colour_table_len(desc[9]) + 1;
                take(self.b, data - 1, 1, "GIF image data")?;
                let (_, end) = self.sub_blocks(data)?;
                self.off = end;
                self.images += 1;
                Ok(Block::Image {
                    width,
                    height,
                    raw: &self.b[start..end],
                })
            }
            _ if self.images > 0 => Ok(Block::Garbage),
            other => Err(format!("unknown GIF block 0x{other:02x} at byte {start}")),
        }
    }

    /// Walks data sub-blocks from `off` to their zero terminator: the first sub-block's
    /// data and the offset just past the terminator.
    fn sub_blocks(&self, mut off: usize) -> Result<(&'a [u8], usize), String> {
        let mut first = None;
        loop {
            let len = usize::from(take(self.b, off, 1, "GIF sub-block")?[0]);
            if len == 0 {
                return Ok((first.unwrap_or_default(), off + 1));
            }
            let data = take(self.b, off + 1, len, "GIF sub-block")?;
            first.get_or_insert(data);
            off += 1 + len;
        }
    }
}
