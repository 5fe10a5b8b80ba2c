//! Is a clear segment whole? `Content-Length` catches most cut transfers; these catch a
//! body that ended early without one (or a server that lied in it), by the container's
//! own framing: MPEG-TS is 188-byte packets that each start with 0x47, fMP4 is boxes
//! whose sizes add up to the length. Anything else (packed audio) is taken as it came.

use crate::error::FetchError;

const TS_PACKET: usize = 188;
const TS_SYNC: u8 = 0x47;

pub(crate) fn whole(data: &[u8]) -> Result<(), FetchError> {
    if data.is_empty() {
        return Err(FetchError::Damaged("the segment is empty".into()));
    }
    if data[0] == TS_SYNC {
        if !data.len().is_multiple_of(TS_PACKET) {
            return Err(FetchError::Damaged(format!(
                "{} bytes of MPEG-TS end inside a packet (cut short)",
                data.len()
            )));
        }
        if let Some(n) = data.chunks(TS_PACKET).position(|p| p[0] != TS_SYNC) {
            return Err(FetchError::Damaged(format!(
                "MPEG-TS packet {n} does not start with the sync byte"
            )));
        }
        return Ok(());
    }
    if looks_like_box(data) {
        for b in imago_core::isobmff::boxes(data, 0, data.len()) {
            b.map_err(|e| FetchError::Damaged(format!("fMP4 segment: {e} (cut short)")))?;
        }
    }
    Ok(())
}

/// A size and a four-letter type at the start: an ISO-BMFF box.
fn looks_like_box(data: &[u8]) -> bool {
    data.get(4..8)
        .is_some_and(|t| t.iter().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ts_cut_inside_a_packet_or_out_of_sync_is_damaged() {
        let mut ts = vec![0u8; TS_PACKET * 3];
        for p in ts.chunks_mut(TS_PACKET) {
            p[0] = TS_SYNC;
        }
        assert!(whole(&ts).is_ok());
        assert!(whole(&ts[..TS_PACKET * 2 + 100]).is_err());
        ts[TS_PACKET] = 0;
        assert!(whole(&ts).is_err());
    }

    #[test]
    fn boxes_that_run_past_the_end_are_damaged() {
        let mut mp4 = Vec::new();
        mp4.extend_from_slice(&16u32.to_be_bytes());
        mp4.extend_from_slice(b"moof");
        mp4.extend_from_slice(&[0; 8]);
        mp4.extend_from_slice(&24u32.to_be_bytes());
        mp4.extend_from_slice(b"mdat");
        mp4.extend_from_slice(&[1; 16]);
        assert!(whole(&mp4).is_ok());
        assert!(whole(&mp4[..30]).is_err());
        // Packed audio (ID3 then ADTS) has no framing to check.
        assert!(whole(b"ID3\x04\0\0\0\0\0\0\xff\xf1").is_ok());
    }
}
