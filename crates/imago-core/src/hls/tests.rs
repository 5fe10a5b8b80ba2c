use super::*;

fn base() -> Url {
    Url::parse("https://cdn.example/v/master.m3u8").unwrap()
}

fn media_of(text: &str) -> Media {
    match parse(text.as_bytes(), &base()).unwrap() {
        Playlist::Media(m) => m,
        other => panic!("not a media playlist: {other:?}"),
    }
}

fn master_of(text: &str) -> Master {
    match parse(text.as_bytes(), &base()).unwrap() {
        Playlist::Master(m) => m,
        other => panic!("not a master playlist: {other:?}"),
    }
}

const MASTER: &str = "#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"English\",LANGUAGE=\"en\",DEFAULT=NO,AUTOSELECT=YES,URI=\"audio/en.m3u8\"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"aud\",NAME=\"Main\",DEFAULT=YES,URI=\"audio/main.m3u8\"
#EXT-X-STREAM-INF:BANDWIDTH=800000,RESOLUTION=640x360,AUDIO=\"aud\"
360/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=2500000,RESOLUTION=1280x720,CODECS=\"avc1.64001f\",AUDIO=\"aud\"
720/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=5000000,RESOLUTION=1920x1080,AUDIO=\"aud\"
https://other.example/1080/index.m3u8
#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=90000,URI=\"iframes.m3u8\"
";

#[test]
fn a_master_gives_its_variants_resolved_without_iframe_ones() {
    let m = master_of(MASTER);
    let urls: Vec<&str> = m.variants.iter().map(|v| v.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://cdn.example/v/360/index.m3u8",
            "https://cdn.example/v/720/index.m3u8",
            "https://other.example/1080/index.m3u8"
        ]
    );
    assert_eq!(m.variants[1].height, Some(720));
    assert_eq!(m.variants[1].codecs.as_deref(), Some("avc1.64001f"));
    assert_eq!(m.audio.len(), 2);
}

#[test]
fn quality_picks_by_bandwidth_and_height() {
    let m = master_of(MASTER);
    let h = |q: &str| choose(&m.variants, q.parse().unwrap()).unwrap().height;
    assert_eq!(h("best"), Some(1080));
    assert_eq!(h("worst"), Some(360));
    assert_eq!(h("720p"), Some(720));
    assert_eq!(h("720"), Some(720));
    // No 900p: the tallest below it. No 200p: the smallest.
    assert_eq!(h("900p"), Some(720));
    assert_eq!(h("200p"), Some(360));
    assert!("fast".parse::<Quality>().is_err());
    assert!("0p".parse::<Quality>().is_err());
}

#[test]
fn the_default_audio_rendition_goes_with_the_variant_even_without_codecs() {
    let m = master_of(MASTER);
    let v = choose(&m.variants, Quality::Best).unwrap();
    assert_eq!(v.codecs, None);
    let a = audio_rendition(&m, v).unwrap();
    assert_eq!(a.name, "Main");
    assert_eq!(
        a.url.as_ref().unwrap().as_str(),
        "https://cdn.example/v/audio/main.m3u8"
    );
}

#[test]
fn audio_muxed_in_the_variant_needs_no_rendition() {
    let m = master_of(
        "#EXTM3U
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID=\"a\",NAME=\"in\",DEFAULT=YES
#EXT-X-STREAM-INF:BANDWIDTH=1,AUDIO=\"a\"
v.m3u8
",
    );
    assert_eq!(audio_rendition(&m, &m.variants[0]), None);
}

#[test]
fn keys_and_maps_apply_until_the_next_tag_and_the_iv_defaults_to_the_sequence() {
    let m = media_of(
        "#EXTM3U
#EXT-X-TARGETDURATION:2
#EXT-X-MEDIA-SEQUENCE:7
#EXT-X-MAP:URI=\"init.mp4\"
#EXT-X-KEY:METHOD=AES-128,URI=\"k1.key\"
#EXTINF:2.0,
s7.m4s
#EXTINF:2.0,
s8.m4s
#EXT-X-KEY:METHOD=AES-128,URI=\"k2.key\",IV=0x000102030405060708090a0b0c0d0e0f
#EXTINF:1.5,
s9.m4s
#EXT-X-KEY:METHOD=NONE
#EXTINF:1.0,
s10.m4s
#EXT-X-ENDLIST
",
    );
    assert!(m.ended);
    assert!(m.is_fmp4());
    assert_eq!(m.segments.len(), 4);
    assert_eq!(m.duration(), 6.5);
    let seqs: Vec<u64> = m.segments.iter().map(|s| s.sequence).collect();
    assert_eq!(seqs, [7, 8, 9, 10]);
    let k = |i: usize| m.segments[i].key.clone();
    assert_eq!(k(0).unwrap().url.as_str(), "https://cdn.example/v/k1.key");
    assert_eq!(k(0).unwrap().iv, sequence_iv(7));
    assert_eq!(k(1).unwrap().iv[15], 8);
    assert_eq!(k(2).unwrap().url.as_str(), "https://cdn.example/v/k2.key");
    assert_eq!(
        k(2).unwrap().iv,
        [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]
    );
    assert_eq!(k(3), None);
    for s in &m.segments {
        assert_eq!(
            s.init.as_ref().unwrap().url.as_str(),
            "https://cdn.example/v/init.mp4"
        );
    }
}

#[test]
fn byte_ranges_without_an_offset_follow_the_previous_one() {
    let m = media_of(
        "#EXTM3U
#EXT-X-TARGETDURATION:2
#EXTINF:2,
#EXT-X-BYTERANGE:1000@0
all.ts
#EXTINF:2,
#EXT-X-BYTERANGE:500
all.ts
#EXTINF:2,
#EXT-X-BYTERANGE:300@5000
all.ts
",
    );
    assert!(!m.ended);
    let r: Vec<ByteRange> = m.segments.iter().map(|s| s.range.unwrap()).collect();
    assert_eq!(
        r,
        [
            ByteRange {
                offset: 0,
                length: 1000
            },
            ByteRange {
                offset: 1000,
                length: 500
            },
            ByteRange {
                offset: 5000,
                length: 300
            }
        ]
    );
    assert_eq!(r[1].header(), "bytes=1000-1499");
}

#[test]
fn a_first_range_without_offset_is_refused() {
    let err = parse(
        b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\n#EXT-X-BYTERANGE:500\na.ts\n",
        &base(),
    )
    .unwrap_err();
    assert!(matches!(err, HlsError::RangeWithoutOffset(_)), "{err}");
}

#[test]
fn discontinuities_are_kept_on_their_segment() {
    let m = media_of(
        "#EXTM3U
#EXT-X-TARGETDURATION:2
#EXTINF:2,
a.ts
#EXT-X-DISCONTINUITY
#EXTINF:2,
b.ts
#EXT-X-ENDLIST
",
    );
    assert!(!m.segments[0].discontinuity);
    assert!(m.segments[1].discontinuity);
    assert!(!m.is_fmp4());
}

#[test]
fn drm_bad_ivs_and_non_playlists_are_refused_with_reasons() {
    let sample = parse(
        b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=SAMPLE-AES,URI=\"skd://x\"\n#EXTINF:2,\na.ts\n",
        &base(),
    )
    .unwrap_err();
    assert_eq!(sample, HlsError::Protected("SAMPLE-AES".into()));
    let iv = parse(
        b"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-KEY:METHOD=AES-128,URI=\"k\",IV=0xZZ\n#EXTINF:2,\na.ts\n",
        &base(),
    )
    .unwrap_err();
    assert!(matches!(iv, HlsError::BadIv(_)));
    assert_eq!(
        parse(b"<html>", &base()).unwrap_err(),
        HlsError::NotAPlaylist
    );
    let js = parse(b"#EXTM3U\n#EXTINF:2,\njavascript:alert(1)\n", &base()).unwrap_err();
    assert!(matches!(js, HlsError::BadUrl(_)), "{js}");
}
