//! Pixel buffers and resizers kept from one image to the next.
//!
//! The binaries set glibc's mmap threshold to 128 KiB (`imago-cli/src/memory.rs`) so that
//! memory goes back to the system as soon as it is freed and a server's footprint stays
//! flat. The price is that every buffer of that size or more is fresh from the kernel,
//! and each of its pages faults when first written: for a 1 MB upload, the decoded pixels,
//! the resizer's scratch and the medium variant made about 1,400 of its 2,400 page faults
//! (perf record -e page-faults on the serve benchmark). Kept here, they are written over
//! instead. What is kept is bounded in count and in bytes, so a few very large images
//! cannot pin their memory: a buffer over the budget is simply freed.

use fast_image_resize::Resizer;
use std::sync::Mutex;

/// Bytes of pixel buffers kept in all. Three images in hand (the server's default on two
/// cores) each need about 3.2 MB for a 2000 x 1500 photo shrunk on load for a 640 px
/// medium.
const KEPT_BYTES: usize = 16 << 20;

/// Buffers kept, at most.
const KEPT_BUFFERS: usize = 8;

/// glibc's mmap threshold as the binaries hold it: smaller buffers come from the heap,
/// which reuses memory by itself, so keeping them gains nothing.
const MMAP_THRESHOLD: usize = 128 << 10;

/// Resizers kept, at most (each holds its scratch buffer).
const KEPT_RESIZERS: usize = 4;

static BUFFERS: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());
static RESIZERS: Mutex<Vec<Resizer>> = Mutex::new(Vec::new());

/// A buffer of `len` zero bytes, reusing a kept one when one is large enough (the
/// smallest such). Zeroing memory already mapped costs a fraction of faulting it in.
pub(super) fn zeroed(len: usize) -> Vec<u8> {
    let kept = {
        let mut kept = BUFFERS.lock().unwrap_or_else(|p| p.into_inner());
        let best = kept
            .iter()
            .enumerate()
            .filter(|(_, b)| b.capacity() >= len)
            .min_by_key(|(_, b)| b.capacity())
            .map(|(i, _)| i);
        best.map(|i| kept.swap_remove(i))
    };
    match kept {
        Some(mut buf) => {
            buf.clear();
            buf.resize(len, 0);
            buf
        }
        None => vec![0; len],
    }
}

/// Gives a buffer back to be reused, or frees it when keeping it would pass the bounds
/// (the smallest kept ones make way for a larger one: those are the costly ones).
pub(super) fn give(buf: Vec<u8>) {
    if buf.capacity() < MMAP_THRESHOLD || buf.capacity() > KEPT_BYTES {
        return;
    }
    let freed = {
        let mut kept = BUFFERS.lock().unwrap_or_else(|p| p.into_inner());
        kept.push(buf);
        kept.sort_unstable_by_key(|b| std::cmp::Reverse(b.capacity()));
        let mut total = 0;
        let fits = kept
            .iter()
            .take_while(|b| {
                total += b.capacity();
                total <= KEPT_BYTES
            })
            .count()
            .min(KEPT_BUFFERS);
        kept.split_off(fits)
    };
    // Unmapped outside the lock.
    drop(freed);
}

/// A resizer with its scratch buffer from an earlier image, or a new one.
pub(super) fn resizer() -> Resizer {
    RESIZERS
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .pop()
        .unwrap_or_default()
}

/// Gives a resizer back; past [`KEPT_RESIZERS`] it is freed.
pub(super) fn give_resizer(resizer: Resizer) {
    let mut kept = RESIZERS.lock().unwrap_or_else(|p| p.into_inner());
    if kept.len() < KEPT_RESIZERS {
        kept.push(resizer);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // One test, as the pool is global: two tests in parallel would see each other's buffers.
    #[test]
    fn buffers_are_reused_zeroed_and_bounded() {
        let big = 1 << 20;
        let mut a = zeroed(big);
        a.iter_mut().for_each(|b| *b = 0xAB);
        let ptr = a.as_ptr();
        give(a);
        // The same memory comes back, zeroed, for a request it fits.
        let b = zeroed(big / 2);
        assert_eq!(b.as_ptr(), ptr);
        assert_eq!(b.len(), big / 2);
        assert!(b.iter().all(|&x| x == 0));
        give(b);

        // Small buffers are not kept; one over the budget is not either.
        give(vec![0; 1024]);
        give(Vec::with_capacity(KEPT_BYTES + 1));
        {
            let kept = BUFFERS.lock().unwrap();
            assert!(kept.iter().all(|b| b.capacity() >= MMAP_THRESHOLD));
            assert!(kept.iter().all(|b| b.capacity() <= KEPT_BYTES));
        }

        // Filling past the bounds keeps the largest, within both.
        for i in 0..20 {
            give(Vec::with_capacity((2 + i % 5) << 20));
        }
        let kept = BUFFERS.lock().unwrap();
        let total: usize = kept.iter().map(Vec::capacity).sum();
        assert!(total <= KEPT_BYTES, "{total} kept");
        assert!(kept.len() <= KEPT_BUFFERS);
        assert!(kept.iter().any(|b| b.capacity() >= 6 << 20));
    }
}
