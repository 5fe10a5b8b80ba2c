use super::Icc;
use crate::container::jpeg::{pieces, Piece};

const ICC: &[u8] = b"ICC_PROFILE\0";
const JFIF: &[u8] = b"JFIF\0";
const EXIF: &[u8] = b"Exif\0\0";

/// Whether a segment is metadata (see the table in the module doc).
fn is_metadata(marker: u8, data: &[u8], icc: Icc) -> bool {
    match marker {
        // JFIF stays; a JFXX extension is a thumbnail, which may show what was cropped.
        0xE0 => !data.starts_with(JFIF),
        0xE2 => icc == Icc::Drop || !data.starts_with(ICC),
        0xE1 | 0xE3..=0xED | 0xEF | 0xFE => true,
        _ => false,
    }
}

pub(super) fn strip(b: &[u8], icc: Icc) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(b.len());
    // Where the bytes copied since the last kept segment begin. `FF` fill bytes at their
    // end belong to the marker that follows: they go with a dropped segment, since left
    // in place they would join the bytes after it into a marker that was never there.
    let mut loose_from = 0;
    for piece in pieces(b)? {
        match piece? {
            Piece::Segment { marker, data, .. } if is_metadata(marker, data, icc) => {
                while out.len() > loose_from && out.last() == Some(&0xFF) {
                    out.pop();
                }
            }
            Piece::Segment { raw, .. } => {
                out.extend_from_slice(raw);
                loose_from = out.len();
            }
            Piece::Other(raw) | Piece::End(raw) => out.extend_from_slice(raw),
        }
    }
    Ok(out)
}

/// The metadata segments of a JPEG, to carry over into a re-encoded copy: every one
/// [`strip`] would drop except an ICC profile (the encoder writes its own), with an EXIF
/// orientation set to 1 since the pixels are turned already. Segments after the first
/// scan are not carried.
pub(crate) fn metadata_segments(b: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    for piece in pieces(b)? {
        match piece? {
            Piece::Segment { marker: 0xDA, .. } => break,
            Piece::Segment { marker, data, raw } if is_metadata(marker, data, Icc::Keep) => {
                let mut seg = raw.to_vec();
                if marker == 0xE1 && data.starts_with(EXIF) {
                    // Segment: FF E1, length (2), then the data.
                    if let Some(tiff) = seg.get_mut(4 + EXIF.len()..) {
                        reset_orientation(tiff);
                    }
                }
                out.push(seg);
            }
            _ => {}
        }
    }
    Ok(out)
}

/// The ICC profile of a JPEG: the data of its `ICC_PROFILE` APP2 segments before the
/// first scan, joined in their sequence order (ICC.1, B.4). `None` when there is none or
/// the chunks do not make one whole (a count that differs, a number missing or twice):
/// a wrong profile would paint wrong colours, none only leaves them unmanaged.
pub(crate) fn icc_profile(b: &[u8]) -> Option<Vec<u8>> {
    // (sequence number from 1, chunk count, data)
    let mut chunks: Vec<(u8, u8, &[u8])> = Vec::new();
    for piece in pieces(b).ok()? {
        match piece.ok()? {
            Piece::Segment { marker: 0xDA, .. } => break,
            Piece::Segment {
                marker: 0xE2, data, ..
            } if data.starts_with(ICC) => {
                let [seq, count, rest @ ..] = &data[ICC.len()..] else {
                    return None;
                };
                chunks.push((*seq, *count, rest));
            }
            _ => {}
        }
    }
    let count = chunks.first()?.1;
    if usize::from(count) != chunks.len() || chunks.iter().any(|c| c.1 != count) {
        return None;
    }
    chunks.sort_unstable_by_key(|c| c.0);
    // Sorted, `count` of them, each numbered as its place: 1 to `count`, none twice.
    if chunks.iter().zip(1..).any(|(c, n)| c.0 != n) {
        return None;
    }
    Some(chunks.iter().flat_map(|c| c.2.iter().copied()).collect())
}

/// `profile` as the APP2 `ICC_PROFILE` segments that carry it (ICC.1, B.4: chunks of at
/// most 65,519 bytes, numbered from 1), ready for [`splice_after_header`]. `None` when it
/// needs more than 255 chunks (over 16 MB: no real profile is).
pub(crate) fn icc_segments(profile: &[u8]) -> Option<Vec<Vec<u8>>> {
    const CHUNK: usize = 65_535 - 2 - ICC.len() - 2;
    let chunks: Vec<&[u8]> = profile.chunks(CHUNK).collect();
    let count = u8::try_from(chunks.len()).ok()?;
    chunks
        .iter()
        .zip(1u8..)
        .map(|(data, seq)| {
            let len = u16::try_from(2 + ICC.len() + 2 + data.len()).ok()?;
            let mut seg = Vec::with_capacity(2 + usize::from(len));
            seg.extend_from_slice(&[0xFF, 0xE2]);
            seg.extend_from_slice(&len.to_be_bytes());
            seg.extend_from_slice(ICC);
            seg.extend_from_slice(&[seq, count]);
            seg.extend_from_slice(data);
            Some(seg)
        })
        .collect()
}

/// `encoded` (a fresh JPEG) with `segments` inserted after its start marker and JFIF
/// header.
pub(crate) fn splice_after_header(encoded: &[u8], segments: &[Vec<u8>]) -> Vec<u8> {
    let mut at = 2;
    if encoded.get(2..4) == Some(&[0xFF, 0xE0][..]) {
        if let Some(len) = encoded.get(4..6) {
            at = (4 + usize::from(u16::from_be_bytes([len[0], len[1]]))).min(encoded.len());
        }
    }
    let extra: usize = segments.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(encoded.len() + extra);
    out.extend_from_slice(&encoded[..at]);
    for seg in segments {
        out.extend_from_slice(seg);
    }
    out.extend_from_slice(&encoded[at..]);
    out
}

/// Sets the Orientation tag (0x0112) of IFD0 to 1 in place; a damaged TIFF block is left
/// as it is.
fn reset_orientation(tiff: &mut [u8]) {
    let big = match tiff.get(..2) {
        Some(b"MM") => true,
        Some(b"II") => false,
        _ => return,
    };
    let rd16 = |t: &[u8], o: usize| -> Option<u16> {
        let s = t.get(o..o.checked_add(2)?)?;
        Some(if big {
            u16::from_be_bytes([s[0], s[1]])
        } else {
            u16::from_le_bytes([s[0], s[1]])
        })
    };
    let Some(ifd) = tiff.get(4..8).map(|s| {
        let a = [s[0], s[1], s[2], s[3]];
        (if big {
            u32::from_be_bytes(a)
        } else {
            u32::from_le_bytes(a)
        }) as usize
    }) else {
        return;
    };
    let Some(count) = rd16(tiff, ifd) else { return };
    for i in 0..usize::from(count) {
        let entry = ifd + 2 + i * 12;
        if rd16(tiff, entry) == Some(0x0112) {
            let one = if big { [0, 1] } else { [1, 0] };
            if let Some(value) = tiff.get_mut(entry + 8..entry + 10) {
                value.copy_from_slice(&one);
            }
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{icc_profile, icc_segments, splice_after_header, strip, Icc};

    /// An APP2 `ICC_PROFILE` segment: chunk `seq` of `count`, holding `data`.
    fn icc_chunk(seq: u8, count: u8, data: &[u8]) -> Vec<u8> {
        let len = u16::try_from(2 + 12 + 2 + data.len()).unwrap();
        let mut seg = vec![0xFF, 0xE2];
        seg.extend_from_slice(&len.to_be_bytes());
        seg.extend_from_slice(b"ICC_PROFILE\0");
        seg.extend_from_slice(&[seq, count]);
        seg.extend_from_slice(data);
        seg
    }

    fn jpeg_with(segments: &[Vec<u8>]) -> Vec<u8> {
        let mut jpeg = vec![0xFF, 0xD8];
        for seg in segments {
            jpeg.extend_from_slice(seg);
        }
        jpeg.extend_from_slice(&[0xFF, 0xD9]);
        jpeg
    }

    #[test]
    fn icc_chunks_are_joined_in_their_sequence_order() {
        let jpeg = jpeg_with(&[icc_chunk(2, 2, b"world"), icc_chunk(1, 2, b"hello ")]);
        assert_eq!(icc_profile(&jpeg).as_deref(), Some(&b"hello world"[..]));
    }

    #[test]
    fn an_incomplete_icc_profile_is_none() {
        let missing = jpeg_with(&[icc_chunk(1, 2, b"hello ")]);
        assert_eq!(icc_profile(&missing), None);
        let twice = jpeg_with(&[icc_chunk(1, 2, b"a"), icc_chunk(1, 2, b"b")]);
        assert_eq!(icc_profile(&twice), None);
        let counts_differ = jpeg_with(&[icc_chunk(1, 2, b"a"), icc_chunk(2, 3, b"b")]);
        assert_eq!(icc_profile(&counts_differ), None);
        assert_eq!(icc_profile(&jpeg_with(&[])), None);
    }

    /// Found by the media_container fuzz target: fill bytes (`FF`) before a dropped
    /// segment, left in place, joined the bytes after it into a marker that was never
    /// there (`FF DB` with a length past the end), so the stripped file did not read
    /// back.
    #[test]
    fn fill_bytes_before_a_dropped_segment_make_no_new_marker() {
        let jpeg: &[u8] = &[
            0xFF, 0xD8, // start of image
            0x00, 0xFF, // junk ending in a fill byte
            0xFF, 0xE1, 0x00, 0x04, b'A', b'A', // APP1: metadata, dropped
            0xDB, 0xFF, 0xFF, 0x00, // junk that starts with DB
            0xFF, 0xD9, // end of image
        ];
        let once = strip(jpeg, Icc::Keep).expect("the file reads");
        let twice = strip(&once, Icc::Keep).expect("the stripped file reads back");
        assert_eq!(once, twice);
        assert_eq!(once, [0xFF, 0xD8, 0x00, 0xDB, 0xFF, 0xFF, 0x00, 0xFF, 0xD9]);
    }

    /// Found by the media_container fuzz target: junk, a dropped APP1, then `FF 00` where
    /// a marker belongs. Read as a segment with a length, its bytes were copied whole; in
    /// the stripped file the junk before it ran on through `FF 00` (a stuffed byte) and
    /// found the `FF DB` inside it, whose length ran past the end. Either the file is
    /// refused, or its stripped copy strips again to itself.
    #[test]
    fn a_non_marker_after_a_dropped_segment_reads_the_same_after_stripping() {
        let jpeg: &[u8] = &[
            0xFF, 0xD8, // start of image
            0x00, // junk
            0xFF, 0xE1, 0x00, 0x04, b'A', b'A', // APP1: metadata, dropped
            0xFF, 0x00, 0x00, 0x04, 0xFF, 0xDB, // `FF 00`: no marker
            0xFF, 0xD9, // end of image
        ];
        if let Ok(once) = strip(jpeg, Icc::Keep) {
            let twice = strip(&once, Icc::Keep).expect("the stripped file reads back");
            assert_eq!(once, twice);
        }
    }

    /// `FF` then a byte that is no marker (`00`, `02`-`BF`) where a marker belongs is junk,
    /// skipped to the next marker as libjpeg does, not a segment with a length.
    #[test]
    fn ff_then_a_non_marker_where_a_marker_belongs_is_junk() {
        let jpeg: &[u8] = &[
            0xFF, 0xD8, // start of image
            0xFF, 0x00, 0x01, 0x02, // junk
            0xFF, 0xDB, 0x00, 0x04, 0x01, 0x02, // a segment (DQT) that stays
            0xFF, 0xD9, // end of image
        ];
        assert_eq!(strip(jpeg, Icc::Keep).expect("the file reads"), jpeg);
    }

    #[test]
    fn icc_segments_read_back_as_the_profile_at_every_chunk_boundary() {
        for len in [1usize, 65_519, 65_520, 3 * 65_519 + 7] {
            let profile: Vec<u8> = (0..len).map(|i| (i % 253) as u8).collect();
            let segments = icc_segments(&profile).unwrap();
            assert_eq!(segments.len(), len.div_ceil(65_519), "{len}");
            let jpeg = splice_after_header(&jpeg_with(&[]), &segments);
            assert_eq!(icc_profile(&jpeg), Some(profile), "{len}");
        }
        assert!(icc_segments(&vec![0; 255 * 65_519 + 1]).is_none());
    }
}
