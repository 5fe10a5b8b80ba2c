//! Duration and picture size from the container's own header, for servers without
//! ffprobe. ISO files (MP4, MOV): `moov/mvhd` (time scale and duration) and the first
//! `moov/trak/tkhd` with a picture size. WebM: `Segment/Info` (TimestampScale,
//! Duration) and the first `Segment/Tracks/TrackEntry/Video` (PixelWidth,
//! PixelHeight). A header that does not say them is refused with that reason.

use imago_core::isobmff;

use super::{VideoError, VideoFacts};
use crate::VideoFormat;

/// Reads what the header says, or refuses the file with the reason.
pub(crate) fn read(bytes: &[u8], format: VideoFormat) -> Result<VideoFacts, VideoError> {
    let found = match format {
        VideoFormat::Mp4 | VideoFormat::Mov => iso(bytes),
        VideoFormat::Webm => webm(bytes),
    };
    found.ok_or_else(|| {
        VideoError::Unreadable(format!(
            "ffprobe is not installed and the header of this {} file does not give its \
             duration and picture size",
            format.extension().to_uppercase()
        ))
    })
}

fn be(b: &[u8], at: usize, n: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(n)?)?;
    Some(s.iter().fold(0u64, |acc, &x| (acc << 8) | u64::from(x)))
}

/// The boxes directly inside `b`: (type, body), read by the one walker in
/// `imago_core::isobmff`. The walk ends at the first box that does not fit (a file cut
/// short): what came before it is still read.
fn boxes(b: &[u8]) -> impl Iterator<Item = (isobmff::FourCc, &[u8])> {
    isobmff::boxes(b, 0, b.len())
        .map_while(Result::ok)
        .filter_map(move |span| Some((span.typ, b.get(span.body)?)))
}

/// The body of the first `name` box directly inside `b`.
fn child<'a>(b: &'a [u8], name: &[u8; 4]) -> Option<&'a [u8]> {
    let found = isobmff::find(b, 0, b.len(), name).ok()??;
    b.get(found.body)
}

fn iso(b: &[u8]) -> Option<VideoFacts> {
    let moov = child(b, b"moov")?;
    let mvhd = child(moov, b"mvhd")?;
    let (scale, duration) = match mvhd.first()? {
        0 => (be(mvhd, 12, 4)?, be(mvhd, 16, 4)?),
        1 => (be(mvhd, 20, 4)?, be(mvhd, 24, 8)?),
        _ => return None,
    };
    if scale == 0 {
        return None;
    }
    let (width, height) = boxes(moov)
        .filter(|(t, _)| t == b"trak")
        .filter_map(|(_, trak)| {
            let tkhd = child(trak, b"tkhd")?;
            // Width and height are 16.16 fixed point, the box's last eight bytes.
            let at = match tkhd.first()? {
                0 => 76,
                1 => 88,
                _ => return None,
            };
            let w = u32::try_from(be(tkhd, at, 4)? >> 16).ok()?;
            let h = u32::try_from(be(tkhd, at + 4, 4)? >> 16).ok()?;
            // The matrix (nine 32-bit values) ends where the sides start; its first
            // value is 0 when the picture is turned a quarter (a phone held upright).
            let quarter = be(tkhd, at - 36, 4)? == 0 && be(tkhd, at - 32, 4)? != 0;
            let (w, h) = if quarter { (h, w) } else { (w, h) };
            (w > 0 && h > 0).then_some((w, h))
        })
        .next()?;
    Some(VideoFacts {
        width,
        height,
        duration_secs: duration as f64 / scale as f64,
    })
}

/// An EBML variable-length number: the leading zeros of the first byte say how many
/// bytes follow. For sizes the marker bit is dropped; all ones means "unknown".
fn vint(b: &[u8], at: usize, keep_marker: bool) -> Option<(u64, usize)> {
    let first = *b.get(at)?;
    let len = first.leading_zeros() as usize + 1;
    if len > 8 {
        return None;
    }
    let mut v = if keep_marker {
        u64::from(first)
    } else {
        u64::from(first) & (0xFF >> len)
    };
    for i in 1..len {
        v = (v << 8) | u64::from(*b.get(at + i)?);
    }
    Some((v, len))
}

/// The elements directly inside `b`: (id, body). An unknown size runs to the end.
fn elements(b: &[u8]) -> impl Iterator<Item = (u64, &[u8])> {
    let mut at = 0usize;
    std::iter::from_fn(move || {
        let (id, id_len) = vint(b, at, true)?;
        let (size, size_len) = vint(b, at + id_len, false)?;
        let start = at + id_len + size_len;
        let unknown = size == (1u64 << (7 * size_len)) - 1;
        let end = if unknown {
            b.len()
        } else {
            start.checked_add(usize::try_from(size).ok()?)?.min(b.len())
        };
        let body = b.get(start..end)?;
        at = end;
        Some((id, body))
    })
}

fn element(b: &[u8], id: u64) -> Option<&[u8]> {
    elements(b).find(|(i, _)| *i == id).map(|(_, body)| body)
}

fn uint(b: &[u8]) -> Option<u64> {
    (b.len() <= 8).then(|| be(b, 0, b.len()))?
}

fn webm(b: &[u8]) -> Option<VideoFacts> {
    const SEGMENT: u64 = 0x1853_8067;
    const INFO: u64 = 0x1549_A966;
    const TIMESTAMP_SCALE: u64 = 0x2A_D7B1;
    const DURATION: u64 = 0x4489;
    const TRACKS: u64 = 0x1654_AE6B;
    const TRACK_ENTRY: u64 = 0xAE;
    const VIDEO: u64 = 0xE0;
    const PIXEL_WIDTH: u64 = 0xB0;
    const PIXEL_HEIGHT: u64 = 0xBA;

    let segment = element(b, SEGMENT)?;
    let info = element(segment, INFO)?;
    let scale = element(info, TIMESTAMP_SCALE)
        .and_then(uint)
        .unwrap_or(1_000_000);
    let ticks = match element(info, DURATION)? {
        d if d.len() == 4 => f64::from(f32::from_be_bytes(d.try_into().ok()?)),
        d if d.len() == 8 => f64::from_be_bytes(d.try_into().ok()?),
        _ => return None,
    };
    let (width, height) = elements(element(segment, TRACKS)?)
        .filter(|(id, _)| *id == TRACK_ENTRY)
        .filter_map(|(_, entry)| {
            let video = element(entry, VIDEO)?;
            let w = u32::try_from(uint(element(video, PIXEL_WIDTH)?)?).ok()?;
            let h = u32::try_from(uint(element(video, PIXEL_HEIGHT)?)?).ok()?;
            Some((w, h))
        })
        .next()?;
    let duration_secs = ticks * scale as f64 / 1e9;
    (duration_secs.is_finite() && duration_secs >= 0.0).then_some(VideoFacts {
        width,
        height,
        duration_secs,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iso_box(typ: &[u8; 4], body: &[u8]) -> Vec<u8> {
        let mut b = ((body.len() + 8) as u32).to_be_bytes().to_vec();
        b.extend_from_slice(typ);
        b.extend_from_slice(body);
        b
    }

    #[test]
    fn iso_duration_and_size_from_mvhd_and_tkhd() {
        // mvhd v0: version/flags, two times, time scale 1000, duration 2500.
        let mut mvhd = vec![0u8; 100];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&2500u32.to_be_bytes());
        // An audio track first (no size), then the picture: 320 x 240 in 16.16.
        let audio = iso_box(b"trak", &iso_box(b"tkhd", &[0u8; 84]));
        let mut tkhd = vec![0u8; 84];
        tkhd[76..80].copy_from_slice(&(320u32 << 16).to_be_bytes());
        tkhd[80..84].copy_from_slice(&(240u32 << 16).to_be_bytes());
        let video = iso_box(b"trak", &iso_box(b"tkhd", &tkhd));
        let moov = iso_box(b"moov", &[iso_box(b"mvhd", &mvhd), audio, video].concat());
        let file = [iso_box(b"ftyp", b"isom\0\0\0\0isom"), moov].concat();
        let f = read(&file, VideoFormat::Mp4).unwrap();
        assert_eq!((f.width, f.height, f.duration_secs), (320, 240, 2.5));

        // The same track turned 90 degrees: matrix {0, 1, 0, -1, 0, 0, 0, 0, 1}.
        let mut turned = tkhd.clone();
        turned[40..44].copy_from_slice(&0u32.to_be_bytes());
        turned[44..48].copy_from_slice(&0x0001_0000u32.to_be_bytes());
        turned[52..56].copy_from_slice(&0xFFFF_0000u32.to_be_bytes());
        let trak = iso_box(b"trak", &iso_box(b"tkhd", &turned));
        let moov = iso_box(b"moov", &[iso_box(b"mvhd", &mvhd), trak].concat());
        let f = read(&moov, VideoFormat::Mp4).unwrap();
        assert_eq!((f.width, f.height), (240, 320));
    }

    #[test]
    fn a_file_cut_anywhere_in_its_boxes_is_a_reason() {
        let mut mvhd = vec![0u8; 100];
        mvhd[12..16].copy_from_slice(&1000u32.to_be_bytes());
        mvhd[16..20].copy_from_slice(&2500u32.to_be_bytes());
        let mut tkhd = vec![0u8; 84];
        tkhd[76..80].copy_from_slice(&(320u32 << 16).to_be_bytes());
        tkhd[80..84].copy_from_slice(&(240u32 << 16).to_be_bytes());
        let trak = iso_box(b"trak", &iso_box(b"tkhd", &tkhd));
        let moov = iso_box(b"moov", &[iso_box(b"mvhd", &mvhd), trak].concat());
        let file = [iso_box(b"ftyp", b"isom\0\0\0\0isom"), moov].concat();
        assert!(read(&file, VideoFormat::Mp4).is_ok());
        for cut in 0..file.len() {
            let e = read(&file[..cut], VideoFormat::Mp4).unwrap_err();
            assert!(
                e.to_string().contains("does not give its duration"),
                "{cut}: {e}"
            );
        }
    }

    #[test]
    fn a_header_without_moov_is_a_reason() {
        let file = iso_box(b"ftyp", b"isom\0\0\0\0isom");
        let e = read(&file, VideoFormat::Mp4).unwrap_err().to_string();
        assert!(e.contains("does not give its duration"), "{e}");
    }

    fn ebml(id: &[u8], body: &[u8]) -> Vec<u8> {
        // A one-byte size up to 126, else an eight-byte one.
        let mut b = id.to_vec();
        if body.len() < 127 {
            b.push(0x80 | body.len() as u8);
        } else {
            b.push(0x01);
            b.extend_from_slice(&(body.len() as u64).to_be_bytes()[1..]);
        }
        b.extend_from_slice(body);
        b
    }

    #[test]
    fn webm_duration_and_size_from_info_and_tracks() {
        let info = ebml(
            &[0x15, 0x49, 0xA9, 0x66],
            &[
                ebml(&[0x2A, 0xD7, 0xB1], &[0x0F, 0x42, 0x40]),
                ebml(&[0x44, 0x89], &2000.0f64.to_be_bytes()),
            ]
            .concat(),
        );
        let video = ebml(
            &[0xE0],
            &[ebml(&[0xB0], &[0x01, 0x40]), ebml(&[0xBA], &[0xF0])].concat(),
        );
        let tracks = ebml(&[0x16, 0x54, 0xAE, 0x6B], &ebml(&[0xAE], &video));
        // The Segment's size "unknown", as live muxers write it.
        let mut segment = vec![
            0x18, 0x53, 0x80, 0x67, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF,
        ];
        segment.extend([info, tracks].concat());
        let file = [
            ebml(&[0x1A, 0x45, 0xDF, 0xA3], &ebml(&[0x42, 0x82], b"webm")),
            segment,
        ]
        .concat();
        let f = read(&file, VideoFormat::Webm).unwrap();
        assert_eq!((f.width, f.height, f.duration_secs), (320, 240, 2.0));
    }
}
