//! HLS playlists (`imago_core::hls`), as a hostile server could write them: no panic, at
//! most `MAX_SEGMENTS` segments, every URL http(s), a variant chosen for every quality
//! of a master that has any.
#![no_main]

use imago_core::hls::{self, Playlist, Quality, MAX_SEGMENTS};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let base = url::Url::parse("https://cdn.example/v/master.m3u8").unwrap();
    let http = |u: &url::Url| matches!(u.scheme(), "http" | "https");
    match hls::parse(data, &base) {
        Ok(Playlist::Media(m)) => {
            assert!(m.segments.len() <= MAX_SEGMENTS);
            for s in &m.segments {
                assert!(http(&s.url));
                if let Some(k) = &s.key {
                    assert!(http(&k.url));
                }
                if let Some(r) = s.range {
                    std::hint::black_box(r.header());
                }
            }
            std::hint::black_box(m.duration());
        }
        Ok(Playlist::Master(m)) => {
            assert!(!m.variants.is_empty());
            for q in [Quality::Best, Quality::Worst, Quality::Height(720)] {
                let v = hls::choose(&m.variants, q).expect("a variant");
                assert!(http(&v.url));
                std::hint::black_box(hls::audio_rendition(&m, v));
            }
        }
        Err(_) => {}
    }
});
