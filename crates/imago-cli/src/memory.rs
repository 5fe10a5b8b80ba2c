//! How the allocator behaves in a long-running server.
//!
//! glibc's malloc serves a request of 128 KiB or more with its own `mmap` (given back to
//! the system on free) until such a block is freed: then it raises that threshold to the
//! freed block's size, and later blocks of a few MB (upload bodies, decoded rows, encoded
//! variants) come from the per-thread arenas, where freed space stays in the process. With
//! 64 uploads of 4.7 MB photos in flight the server peaked at 225 MB; with the threshold
//! held at 128 KiB, at 99 MB (`bench/serve/run.sh`, part `big`; bench/results.md (4c)).

/// Keeps glibc's mmap threshold at its default, 128 KiB, for the life of the process: big
/// blocks go back to the system when freed. Elsewhere (musl, macOS) it does nothing.
pub fn hold_mmap_threshold() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets a tuning parameter of the allocator; it is called once,
    // before the runtime starts its threads.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}
