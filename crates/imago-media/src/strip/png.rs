use super::Icc;
use crate::container::png::{chunks, SIGNATURE};

const METADATA: [&[u8; 4]; 5] = [b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"tIME"];

pub(super) fn strip(b: &[u8], icc: Icc) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(b.len());
    out.extend_from_slice(SIGNATURE);
    for chunk in chunks(b)? {
        let chunk = chunk?;
        let profile = &chunk.kind == b"iCCP" && icc == Icc::Drop;
        if !METADATA.contains(&&chunk.kind) && !profile {
            out.extend_from_slice(chunk.raw);
        }
    }
    Ok(out)
}
