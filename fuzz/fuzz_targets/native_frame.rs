//! The native-messaging frame reader of `imago native-host` on any byte stream: frames
//! are read until the end, an oversized length or a cut frame; no panic, and no body
//! larger than what arrived.
#![no_main]

use imago_engine::native_frame::{read, Incoming, MAX_IN};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut input = data;
    futures_executor::block_on(async {
        loop {
            match read(&mut input).await {
                Ok(Incoming::Message(m)) => assert!(m.len() <= data.len()),
                Ok(Incoming::TooLong(n)) => {
                    assert!(n > MAX_IN);
                    break;
                }
                Ok(Incoming::End) | Ok(Incoming::Truncated { .. }) | Err(_) => break,
            }
        }
    });
});
