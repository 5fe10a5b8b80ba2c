//! Pixel floods and decompression bombs are refused from their headers, in milliseconds,
//! before the pixels are allocated; a big JPEG is shrunk on load. A counting allocator
//! measures the peak memory of each call and the largest single block it asked for; the
//! tests of this file take a lock so that no other test allocates meanwhile.

mod common;

use common::png_chunk;
use flate2::write::ZlibEncoder;
use flate2::Compression;
use imago_media::{inspect, process, Inspected, Limits, MediaError, MediaKind, ProcessOptions};
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LARGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        LARGEST.fetch_max(layout.size(), Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

static ALONE: Mutex<()> = Mutex::new(());

/// Runs `f`, returning what it gave, how long it took, and the most memory it held at
/// once beyond what was held before.
fn measure<T>(f: impl FnOnce() -> T) -> (T, Duration, usize) {
    let before = CURRENT.load(Ordering::SeqCst);
    PEAK.store(before, Ordering::SeqCst);
    LARGEST.store(0, Ordering::SeqCst);
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    (out, took, PEAK.load(Ordering::SeqCst) - before)
}

/// A grayscale PNG whose header says `width` x `height` and whose image data is `zeros`
/// zero bytes deflated (about a thousandth of that on disk).
fn png_bomb(width: u32, height: u32, zeros: usize) -> Vec<u8> {
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 0, 0, 0, 0]);
    let mut z = ZlibEncoder::new(Vec::new(), Compression::best());
    let block = vec![0u8; 1 << 16];
    for _ in 0..zeros / block.len() {
        z.write_all(&block).unwrap();
    }
    let idat = z.finish().unwrap();
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png.extend(png_chunk(b"IHDR", &ihdr));
    png.extend(png_chunk(b"IDAT", &idat));
    png.extend(png_chunk(b"IEND", b""));
    png
}

/// A GIF with a 10 x 10 canvas and `frames` frames of `w` x `h` (each one LZW clear
/// and end code: the descriptor is what matters here).
fn gif_frames(frames: usize, w: u16, h: u16) -> Vec<u8> {
    let mut g = b"GIF89a\x0a\x00\x0a\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff".to_vec();
    for _ in 0..frames {
        g.push(0x2C);
        g.extend_from_slice(&[0, 0, 0, 0]);
        g.extend_from_slice(&w.to_le_bytes());
        g.extend_from_slice(&h.to_le_bytes());
        g.push(0);
        g.extend_from_slice(&[2, 2, 0x44, 0x01, 0]);
    }
    g.push(0x3B);
    g
}

fn refused(bytes: &[u8], limits: &Limits) -> (MediaError, Duration, usize) {
    let (out, took, peak) = measure(|| inspect(bytes, limits));
    (out.unwrap_err(), took, peak)
}

#[test]
fn floods_and_bombs_are_refused_fast_with_bounded_memory() {
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    let limits = Limits::default();
    // Header 60000 x 60000 (3.6 gigapixels), 4 MB of zeros deflated to a few KB.
    let huge = png_bomb(60_000, 60_000, 4 << 20);
    assert!(huge.len() < 16 << 10, "{} bytes", huge.len());
    let (e, took, peak) = refused(&huge, &limits);
    assert_eq!((e.code(), e.http_status()), ("dimensions_too_large", 413));
    assert!(
        took < Duration::from_millis(100) && peak < 64 << 10,
        "{took:?} {peak}"
    );

    // Sides within the limit, area not: 20000 x 20000 = 400 megapixels.
    let (e, took, peak) = refused(&png_bomb(20_000, 20_000, 4 << 20), &limits);
    assert_eq!((e.code(), e.http_status()), ("too_many_pixels", 413));
    assert!(
        took < Duration::from_millis(100) && peak < 64 << 10,
        "{took:?} {peak}"
    );

    // process() inspects again, so a forged description does not get past either.
    let bomb = png_bomb(20_000, 20_000, 4 << 20);
    let forged = Inspected {
        kind: MediaKind::Image(imago_core::Format::Png),
        width: 1,
        height: 1,
        frames: 1,
        orientation: None,
    };
    let (out, _, peak) = measure(|| process(&bomb, &forged, &ProcessOptions::default(), &limits));
    assert_eq!(out.unwrap_err().code(), "too_many_pixels");
    assert!(peak < 64 << 10, "{peak}");

    // A bomb under the header limits still cannot take more than the decode budget:
    // with 1 megapixel allowed, a 1000 x 1000 PNG decodes, and its 4 MB of zeros in
    // 3 KB are read no further than the million pixels it declares.
    let small = Limits {
        max_pixels: 1_000_000,
        ..Limits::default()
    };
    let dense = png_bomb(1000, 1000, 4 << 20);
    let (out, _, peak) = measure(|| {
        let seen = inspect(&dense, &small)?;
        process(&dense, &seen, &ProcessOptions::default(), &small)
    });
    let done = out.unwrap();
    assert_eq!((done.original.width, done.original.height), (1000, 1000));
    assert!(peak < 32 << 20, "{peak}");

    // An animation frame larger than its 10 x 10 canvas is checked too: a decoder
    // allocates the frame's own size.
    let (e, _, peak) = refused(&gif_frames(1, 30_000, 30_000), &limits);
    assert_eq!((e.code(), e.http_status()), ("dimensions_too_large", 413));
    assert!(peak < 64 << 10);
    let (e, _, _) = refused(&gif_frames(1, 15_000, 15_000), &limits);
    assert_eq!(e.code(), "too_many_pixels");

    // A frame flood: 5000 one-pixel frames against the default 1000.
    let (e, took, peak) = refused(&gif_frames(5000, 1, 1), &limits);
    assert_eq!((e.code(), e.http_status()), ("too_many_frames", 413));
    assert!(
        took < Duration::from_millis(100) && peak < 64 << 10,
        "{took:?} {peak}"
    );

    // Too many bytes: refused before reading them.
    let big = vec![0xFFu8; (limits.max_bytes + 1) as usize];
    let (e, took, peak) = refused(&big, &limits);
    assert_eq!((e.code(), e.http_status()), ("too_large", 413));
    assert!(
        took < Duration::from_millis(100) && peak < 4 << 10,
        "{took:?} {peak}"
    );
}

// Shrink-on-load is told apart by the largest block allocated: decoding in full asks
// for one 11.5 MB pixel buffer, shrink-on-load never for more than its scaled one. The
// counting allocator sees Rust's allocations only: libjpeg-turbo (the shrinking decoder)
// takes its working rows with C's malloc, a few MCU rows for a baseline JPEG, bounded by
// the header's sides, which are checked against the limits before it starts.
#[test]
fn big_jpeg_is_shrunk_on_load_for_its_variants() {
    // Held from the start: building the fixture allocates 11.5 MB, which must not land
    // inside the other test's measurement.
    let _alone = ALONE.lock().unwrap_or_else(|e| e.into_inner());
    // 2400 x 1600, left half red: 11.5 MB as RGB in full. For a 640 medium the decoder
    // reads it at 1/2 scale (1200 x 800, 2.9 MB) and never holds the full size.
    let img = image::DynamicImage::ImageRgb8(common::two_colour(2400, 1600));
    let jpeg = common::encode(&img, image::ImageFormat::Jpeg);
    drop(img);
    let limits = Limits::default();
    let (out, _, peak) = measure(|| {
        let seen = inspect(&jpeg, &limits)?;
        process(&jpeg, &seen, &ProcessOptions::default(), &limits)
    });
    let largest = LARGEST.load(Ordering::SeqCst);
    let done = out.unwrap();
    eprintln!("shrink-on-load: largest block {largest} bytes, peak {peak} bytes");
    const FULL_RGB: usize = 2400 * 1600 * 3;
    const HALF_RGBA: usize = 1200 * 800 * 4;
    assert!(
        largest <= HALF_RGBA,
        "largest block {largest} bytes: more than a half-size image, the full size \
         ({FULL_RGB} bytes) was decoded"
    );
    // The measure tells the two paths apart: a plain full-size decode of the same file
    // asks for the whole 2400 x 1600 RGB buffer in one block.
    let (full, _, _) = measure(|| image::load_from_memory(&jpeg));
    let full_largest = LARGEST.load(Ordering::SeqCst);
    drop(full.unwrap());
    eprintln!("full decode: largest block {full_largest} bytes");
    assert!(full_largest >= FULL_RGB, "{full_largest}");
    // The scaled pixels, the variants and the stored copy of the file, at once, stay far
    // below the full-size buffer.
    assert!(peak < FULL_RGB, "peak {peak} bytes");
    assert_eq!((done.original.width, done.original.height), (2400, 1600));
    assert_eq!(done.original.bytes, jpeg);
    let medium = done.medium.unwrap();
    assert_eq!((medium.width, medium.height), (640, 427));
    assert_eq!((done.thumb.width, done.thumb.height), (160, 107));
    let thumb = image::load_from_memory(&done.thumb.bytes)
        .unwrap()
        .to_rgb8();
    assert!(common::near(*thumb.get_pixel(20, 50), common::RED));
    assert!(common::near(*thumb.get_pixel(140, 50), common::BLUE));
}
