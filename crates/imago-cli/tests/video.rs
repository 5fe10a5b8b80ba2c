//! `imago video` end to end: HLS streams made here with Debian's ffmpeg from small
//! testsrc + sine clips, served on 127.0.0.1 by a server that counts requests and fails
//! some of them on purpose, saved as MP4 by the real binary. Each output is checked as a
//! user would (ffprobe: MP4, H.264 of the variant's size + AAC, the right duration) and
//! compared with its source frame for frame (framemd5): equal, not merely playable.

mod support;
mod video_support;

use std::time::Duration;

use serde_json::Value;
use video_support::fixtures::{
    AES_IV, AES_SEQ, DISC, EVENT, FILE_MP4, FMP4, MULTI, PLAIN, RANGE, RANGE_FILE, RENDITION,
    SHOP_MASTER, SHOP_PAGE, TWO_PAGE,
};
use video_support::{
    assert_frames_are_a_prefix, assert_mp4, fixtures, server, video, work_folders, Fault, Rule,
};

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

/// The common fields of a `saved` event: the stream URL, the page (or null), a duration
/// within 0.5 s of `seconds` and, when given, the number of segments.
fn assert_saved_fields(
    ev: &Value,
    url: &str,
    page: Option<&str>,
    seconds: f64,
    segments: Option<u64>,
) {
    assert_eq!(ev["url"], url, "saved.url: {ev}");
    match page {
        Some(p) => assert_eq!(ev["page"], p, "saved.page: {ev}"),
        None => assert!(ev["page"].is_null(), "saved.page is null: {ev}"),
    }
    let d = ev["duration"].as_f64().unwrap_or(-1.0);
    assert!(
        (d - seconds).abs() <= 0.5,
        "saved.duration {d}, want {seconds}: {ev}"
    );
    if let Some(n) = segments {
        assert_eq!(ev["segments"].as_u64(), Some(n), "saved.segments: {ev}");
    }
}

/// The one saved file of a run that saved one stream from `url`, checked against `clips`.
fn assert_one_saved(run: &video_support::Run, url: &str, clips: &[&str]) -> Value {
    run.assert_all_saved(1);
    let ev = run.saved_for(url).clone();
    let fx = fixtures();
    let clips: Vec<_> = clips.iter().map(|c| fx.clip(c)).collect();
    assert_mp4(&run.path_of(&ev), &clips);
    ev
}

// ---- variants ----------------------------------------------------------------------

#[test]
fn the_best_variant_is_saved_by_default_frame_exact_with_its_variant_described() {
    let fx = fixtures();
    eprintln!("fixtures made in {:?}", fx.took);
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(MULTI);
    let run = video(t.path(), &[&url]);
    let ev = assert_one_saved(&run, &url, &["a640"]);
    assert_saved_fields(&ev, &url, None, 6.0, Some(6));
    let best = &fx.multi[2];
    let v = &ev["variant"];
    assert_eq!(v["width"], 640, "variant: {ev}");
    assert_eq!(v["height"], 360, "variant: {ev}");
    assert_eq!(
        v["bandwidth"].as_u64(),
        Some(best.bandwidth),
        "variant: {ev}"
    );
    assert_eq!(
        v["codecs"],
        format!("{},mp4a.40.2", fx.clip("a640").codecs),
        "variant.codecs as the master says: {ev}"
    );
}

#[test]
fn only_the_chosen_variants_segments_are_requested() {
    let fx = fixtures();
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(MULTI);
    let run = video(t.path(), &[&url, "--quality", "worst"]);
    let ev = assert_one_saved(&run, &url, &["a160"]);
    assert_eq!(ev["variant"]["height"], 120, "{ev}");
    for seg in &fx.multi[0].segments {
        assert_eq!(srv.hits(seg), 1, "the chosen variant's {seg} fetched once");
    }
    for other in &fx.multi[1..] {
        for seg in &other.segments {
            assert_eq!(
                srv.hits(seg),
                0,
                "{seg} of a variant not chosen was requested"
            );
        }
    }
}

#[test]
fn quality_by_height_saves_that_variant() {
    let fx = fixtures();
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(MULTI);
    let run = video(t.path(), &[&url, "--quality", "240p"]);
    let ev = assert_one_saved(&run, &url, &["a320"]);
    assert_eq!(
        (
            ev["variant"]["width"].as_u64(),
            ev["variant"]["height"].as_u64()
        ),
        (Some(320), Some(240))
    );
    for other in [&fx.multi[0], &fx.multi[2]] {
        for seg in &other.segments {
            assert_eq!(
                srv.hits(seg),
                0,
                "{seg} of a variant not chosen was requested"
            );
        }
    }
}

#[test]
fn a_media_playlist_given_directly_is_saved_without_a_variant() {
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(PLAIN);
    let run = video(t.path(), &[&url]);
    let ev = assert_one_saved(&run, &url, &["a320"]);
    assert_saved_fields(&ev, &url, None, 6.0, Some(6));
    assert!(
        ev.get("variant").is_none() || ev["variant"].is_null(),
        "no variant: {ev}"
    );
}

// ---- segment formats and encryption --------------------------------------------------

#[test]
fn fmp4_segments_are_saved_frame_exact() {
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(FMP4);
    let run = video(t.path(), &[&url]);
    let ev = assert_one_saved(&run, &url, &["a320"]);
    assert_saved_fields(&ev, &url, None, 6.0, Some(6));
    assert_eq!(
        srv.hits("/fmp4/init.mp4"),
        1,
        "the init segment fetched once"
    );
}

#[test]
fn aes_128_with_an_explicit_iv_is_decrypted() {
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(AES_IV);
    let run = video(t.path(), &[&url]);
    let ev = assert_one_saved(&run, &url, &["a320"]);
    assert_saved_fields(&ev, &url, None, 6.0, Some(6));
    assert_eq!(srv.hits("/aes-iv/key.bin"), 1, "the key fetched once");
}

#[test]
fn aes_128_with_the_sequence_number_as_iv_and_a_key_change_is_decrypted() {
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(AES_SEQ);
    let run = video(t.path(), &[&url]);
    let ev = assert_one_saved(&run, &url, &["a320"]);
    assert_saved_fields(&ev, &url, None, 6.0, Some(6));
    assert_eq!(srv.hits("/aes-seq/key1.bin"), 1, "key 1 fetched once");
    assert_eq!(srv.hits("/aes-seq/key2.bin"), 1, "key 2 fetched once");
}

#[test]
fn byte_ranges_of_one_file_are_saved_without_fetching_it_again_and_again() {
    let fx = fixtures();
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(RANGE);
    let run = video(t.path(), &[&url]);
    let ev = assert_one_saved(&run, &url, &["a320"]);
    assert_saved_fields(&ev, &url, None, 6.0, Some(6));
    let size = fx.files[RANGE_FILE].len();
    let sent = srv.bytes_sent(RANGE_FILE);
    assert!(
        sent <= size + size / 10,
        "{sent} bytes of {RANGE_FILE} sent for a file of {size}: its ranges, not the file each time ({:?})",
        srv.log().iter().filter(|h| h.path == RANGE_FILE).map(|h| h.range.clone()).collect::<Vec<_>>()
    );
}

// ---- audio renditions and discontinuities -----------------------------------------------

#[test]
fn a_separate_default_audio_rendition_is_muxed_in_even_without_codecs() {
    let fx = fixtures();
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(RENDITION);
    let run = video(t.path(), &[&url]);
    // a320 has the English (440 Hz) sound: its AAC packets must be in the MP4.
    let ev = assert_one_saved(&run, &url, &["a320"]);
    assert_saved_fields(&ev, &url, None, 6.0, None);
    assert_eq!(
        (
            ev["variant"]["width"].as_u64(),
            ev["variant"]["height"].as_u64()
        ),
        (Some(320), Some(240))
    );
    for seg in fx.segments_of("/rendition/de/index.m3u8") {
        assert_eq!(
            srv.hits(&seg),
            0,
            "{seg} of the rendition that is not DEFAULT was requested"
        );
    }
}

#[test]
fn a_discontinuity_joins_both_clips_with_continuous_timestamps() {
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(DISC);
    let run = video(t.path(), &[&url]);
    // assert_mp4 checks 12 s, a320's frames then b320's, and no jump or overlap in time.
    let ev = assert_one_saved(&run, &url, &["a320", "b320"]);
    assert_saved_fields(&ev, &url, None, 12.0, Some(12));
}

// ---- live playlists ---------------------------------------------------------------

#[test]
fn a_growing_event_playlist_is_followed_until_it_ends() {
    let fx = fixtures();
    let srv = server(vec![Rule::on(
        EVENT,
        Fault::Grow {
            step: 2,
            ends: true,
        },
    )]);
    let t = tmp();
    let url = srv.url(EVENT);
    let run = video(t.path(), &[&url]);
    let ev = assert_one_saved(&run, &url, &["a320"]);
    assert_saved_fields(&ev, &url, None, 6.0, Some(6));
    assert!(
        srv.hits(EVENT) >= 3,
        "reloaded until ENDLIST: {} loads",
        srv.hits(EVENT)
    );
    for seg in fx.segments_of(EVENT) {
        assert_eq!(srv.hits(&seg), 1, "{seg} fetched once");
    }
    // RFC 8216 6.3.4: after a load that changed, wait the target duration (1 s) before the
    // next; half of it is the least any reload may wait.
    let loads: Vec<_> = srv.log().into_iter().filter(|h| h.path == EVENT).collect();
    for w in loads.windows(2) {
        let gap = w[1].at - w[0].at;
        assert!(
            gap >= Duration::from_millis(450),
            "the playlist reloaded after only {gap:?}"
        );
    }
}

#[test]
fn a_live_playlist_that_never_ends_is_saved_up_to_live_max() {
    let srv = server(vec![Rule::on(
        EVENT,
        Fault::Grow {
            step: 1,
            ends: false,
        },
    )]);
    let t = tmp();
    let url = srv.url(EVENT);
    let run = video(t.path(), &[&url, "--live-max", "3s"]);
    assert!(
        run.took < Duration::from_secs(60),
        "stopped: took {:?}",
        run.took
    );
    run.assert_all_saved(1);
    let ev = run.saved_for(&url);
    let n = assert_frames_are_a_prefix(&run.path_of(ev), fixtures().clip("a320"));
    assert_eq!(n % 25, 0, "whole segments ({n} frames)");
}

// ---- failures and retries ---------------------------------------------------------------

#[test]
fn a_segment_answered_503_twice_is_retried_and_the_video_is_whole() {
    let seg = "/plain/seg2.ts";
    let srv = server(vec![Rule::on(
        seg,
        Fault::FailFirst {
            times: 2,
            status: 503,
        },
    )]);
    let t = tmp();
    let url = srv.url(PLAIN);
    let run = video(t.path(), &[&url]);
    assert_one_saved(&run, &url, &["a320"]);
    assert_eq!(srv.hits(seg), 3, "503, 503, then 200");
}

#[test]
fn a_segment_cut_short_is_fetched_again_not_saved_half() {
    let seg = "/plain/seg3.ts";
    let srv = server(vec![Rule::on(seg, Fault::CutShortFirst { times: 1 })]);
    let t = tmp();
    let url = srv.url(PLAIN);
    let run = video(t.path(), &[&url]);
    assert_one_saved(&run, &url, &["a320"]);
    assert_eq!(srv.hits(seg), 2, "cut short, then whole");
}

#[test]
fn a_segment_that_stays_404_fails_the_stream_and_names_the_segment() {
    let srv = server(vec![Rule::on("/plain/seg4.ts", Fault::Always(404))]);
    let t = tmp();
    let url = srv.url(PLAIN);
    let run = video(t.path(), &[&url]);
    assert_eq!(run.code(), Some(1), "exit 1\n{}", run.explain());
    assert!(run.saved().is_empty(), "nothing saved\n{}", run.explain());
    let failed = run.failed();
    assert_eq!(failed.len(), 1, "one failed event\n{}", run.explain());
    assert_eq!(failed[0]["url"], url.as_str(), "{}", failed[0]);
    let reason = failed[0]["reason"].as_str().unwrap_or("");
    assert!(
        reason.contains("seg4.ts"),
        "the reason names the segment: {reason:?}"
    );
    assert_eq!(run.summary(), (0, 1));
    let names = video_support::entries(&run.dir);
    assert!(
        names
            .iter()
            .all(|n| n.starts_with(video_support::WORK_PREFIX)),
        "no MP4, no partial file, only the work folder kept for a resume: {names:?}"
    );
    assert_eq!(
        work_folders(&run.dir).len(),
        1,
        "the work folder is kept: {names:?}"
    );
}

#[test]
fn a_failed_stream_resumes_from_its_finished_segments() {
    let fx = fixtures();
    let missing = "/plain/seg4.ts";
    // The missing segment answers late, so the ones before it are finished by then.
    let srv = server(vec![
        Rule::on(missing, Fault::Delay(Duration::from_secs(1))),
        Rule::on(missing, Fault::Always(404)),
    ]);
    let t = tmp();
    let url = srv.url(PLAIN);
    let first = video(t.path(), &[&url]);
    assert_eq!(
        first.code(),
        Some(1),
        "the first run fails\n{}",
        first.explain()
    );

    srv.set_rules(vec![]);
    let segs = fx.segments_of(PLAIN);
    let before: Vec<usize> = segs.iter().map(|s| srv.hits(s)).collect();
    let second = video(t.path(), &[&url]);
    let ev = assert_one_saved(&second, &url, &["a320"]);
    assert_saved_fields(&ev, &url, None, 6.0, Some(6));
    for (i, seg) in segs.iter().enumerate().take(4) {
        assert_eq!(
            srv.hits(seg),
            before[i],
            "{seg} was finished by the first run, yet the second fetched it again"
        );
    }
    assert!(
        srv.hits(missing) > before[4],
        "the missing segment was asked again"
    );
}

#[test]
fn one_failing_stream_does_not_stop_the_others() {
    let srv = server(vec![Rule::on("/plain/seg1.ts", Fault::Always(404))]);
    let t = tmp();
    let (bad, good) = (srv.url(PLAIN), srv.url(FMP4));
    let run = video(t.path(), &[&bad, &good]);
    assert_eq!(run.code(), Some(1), "exit 1\n{}", run.explain());
    assert_eq!(run.summary(), (1, 1), "{}", run.explain());
    assert_eq!(run.failed()[0]["url"], bad.as_str());
    let ev = run.saved_for(&good);
    assert_mp4(&run.path_of(ev), &[fixtures().clip("a320")]);
    let mp4s: Vec<_> = video_support::entries(&run.dir)
        .into_iter()
        .filter(|n| n.ends_with(".mp4"))
        .collect();
    assert_eq!(mp4s.len(), 1, "only the good stream's MP4: {mp4s:?}");
}

#[test]
fn segments_are_fetched_several_at_once() {
    let srv = server(vec![Rule::under(
        "/plain/seg",
        Fault::Delay(Duration::from_millis(300)),
    )]);
    let t = tmp();
    let url = srv.url(PLAIN);
    let run = video(t.path(), &[&url]);
    assert_one_saved(&run, &url, &["a320"]);
    assert!(
        srv.max_in_flight() >= 2,
        "segments fetched one at a time (at most {} request at once)",
        srv.max_in_flight()
    );
}

// ---- pages and Referer ------------------------------------------------------------

#[test]
fn a_page_video_is_fetched_with_the_page_as_referer() {
    let srv = server(vec![Rule::under(
        "/shop/stream/",
        Fault::RefererMustBe(SHOP_PAGE.into()),
    )]);
    let t = tmp();
    let (page, master) = (srv.url(SHOP_PAGE), srv.url(SHOP_MASTER));
    let run = video(t.path(), &[&page]);
    let ev = assert_one_saved(&run, &master, &["a640"]);
    assert_saved_fields(&ev, &master, Some(&page), 6.0, Some(6));
    for hit in srv
        .log()
        .iter()
        .filter(|h| h.path.starts_with("/shop/stream/"))
    {
        assert_eq!(
            hit.referer.as_deref(),
            Some(page.as_str()),
            "{} sent with the page as Referer",
            hit.path
        );
    }
}

#[test]
fn a_stream_that_needs_a_referer_fails_without_it_and_saves_with_the_flag() {
    let srv = server(vec![Rule::under(
        "/shop/stream/",
        Fault::RefererMustBe(SHOP_PAGE.into()),
    )]);
    let (page, master) = (srv.url(SHOP_PAGE), srv.url(SHOP_MASTER));

    let t = tmp();
    let refused = video(t.path(), &[&master]);
    assert_eq!(
        refused.code(),
        Some(1),
        "403 without the Referer\n{}",
        refused.explain()
    );
    assert_eq!(refused.summary(), (0, 1));

    let t = tmp();
    let run = video(t.path(), &[&master, "--referer", &page]);
    assert_one_saved(&run, &master, &["a640"]);
}

#[test]
fn a_page_with_two_videos_saves_each_stream_once() {
    let srv = server(vec![]);
    let t = tmp();
    let page = srv.url(TWO_PAGE);
    let run = video(t.path(), &[&page]);
    run.assert_all_saved(2);
    let fx = fixtures();
    for (stream, clip) in [(MULTI, "a640"), (FMP4, "a320")] {
        let ev = run.saved_for(&srv.url(stream));
        assert_eq!(ev["page"], page.as_str(), "{ev}");
        assert_mp4(&run.path_of(ev), &[fx.clip(clip)]);
    }
}

#[test]
fn a_plain_mp4_url_is_saved() {
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(FILE_MP4);
    let run = video(t.path(), &[&url]);
    assert_one_saved(&run, &url, &["a320"]);
}

// ---- the fixtures themselves ------------------------------------------------------------

/// CBC garbles only a segment's first 16 bytes under a wrong IV; the encrypted fixtures are
/// built so that even that changes the frames. Here the AES-SEQ stream is decrypted with
/// the right IVs (the frames are the source's) and with the usual wrong ones (zero; the
/// segment's index instead of its media sequence number): the frames differ, so a test
/// of the command could not pass with a wrong IV rule.
#[test]
fn wrong_iv_rules_would_change_the_frames() {
    use video_support::fixtures::{aes_cbc_decrypt, AES_SEQ_FIRST, KEY_1, KEY_2};
    let fx = fixtures();
    let segs = fx.segments_of(AES_SEQ);
    let clip = fx.clip("a320");
    type IvRule = fn(u64) -> u128;
    let rules: [(&str, IvRule); 3] = [
        ("media sequence number", |i| u128::from(AES_SEQ_FIRST + i)),
        ("zero", |_| 0),
        ("index in the playlist", |i| u128::from(i)),
    ];
    for (rule, iv_of) in rules {
        let mut ts = Vec::new();
        for (i, seg) in segs.iter().enumerate() {
            let key = if i < 3 { &KEY_1 } else { &KEY_2 };
            let iv = iv_of(i as u64).to_be_bytes();
            ts.extend(aes_cbc_decrypt(key, &iv, &fx.files[seg]));
        }
        let t = tmp();
        let frames = video_support::video_frames(&video_support::remux_ts(t.path(), &ts));
        if rule == "media sequence number" {
            assert!(
                frames == clip.frames,
                "the right IVs give the source's frames"
            );
        } else {
            assert!(
                frames != clip.frames,
                "an IV of {rule} would pass unnoticed"
            );
        }
    }
}

// ---- usage -----------------------------------------------------------------------

#[test]
fn bad_usage_exits_2() {
    let srv = server(vec![]);
    let url = srv.url(PLAIN);
    let t = tmp();
    let out = t.path().join("out");
    let out = out.to_str().unwrap();
    for args in [
        vec!["video", "-o", out],
        vec!["video", url.as_str(), "-o", out, "--quality", "sideways"],
        vec!["video", "not a url", "-o", out],
    ] {
        let o = support::imago(t.path(), &args);
        assert_eq!(
            o.status.code(),
            Some(2),
            "imago {args:?}: exit 2\n{}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
    assert_eq!(srv.hits(PLAIN), 0, "nothing fetched on bad usage");
}

// ---- grab --video and list --video ---------------------------------------------------

#[test]
fn grab_video_saves_the_page_stream_beside_its_images_by_the_name_template() {
    let srv = server(vec![Rule::under(
        "/shop/stream/",
        Fault::RefererMustBe(SHOP_PAGE.into()),
    )]);
    let t = tmp();
    let page = srv.url(SHOP_PAGE);
    let out = t.path().join("out");
    let run = video_support::imago_limited(
        t.path(),
        &[
            "grab",
            &page,
            "-o",
            out.to_str().unwrap(),
            "--video",
            "--folder",
            "{title}",
            "--name",
            "{title}-{n}.{ext}",
            "--json",
            "--no-archive",
        ],
        video_support::TIME_LIMIT,
    );
    let events = support::json_lines(&run);
    let saved: Vec<&Value> = events.iter().filter(|e| e["event"] == "saved").collect();
    let master = srv.url(SHOP_MASTER);
    let ev = saved
        .iter()
        .find(|e| e["url"] == master.as_str())
        .unwrap_or_else(|| panic!("no saved event for the stream: {events:?}"));
    assert_eq!(ev["format"], "mp4", "{ev}");
    assert_eq!(
        (ev["width"].as_u64(), ev["height"].as_u64()),
        (Some(640), Some(360))
    );
    let path = std::path::PathBuf::from(ev["path"].as_str().unwrap());
    assert_eq!(
        path.parent().unwrap(),
        out.canonicalize().unwrap().join("Red Mug")
    );
    let name = path.file_name().unwrap().to_str().unwrap();
    assert!(
        name.starts_with("Red Mug-") && name.ends_with(".mp4"),
        "{name}"
    );
    assert_eq!(
        ev["sha256"].as_str().unwrap(),
        support::sha256_hex(&std::fs::read(&path).unwrap())
    );
    assert_mp4(&path, &[fixtures().clip("a640")]);
    assert!(work_folders(&out.join("Red Mug")).is_empty());
}

#[test]
fn list_video_prints_each_stream_with_its_variants_best_first() {
    let srv = server(vec![]);
    let t = tmp();
    let page = srv.url(SHOP_PAGE);
    let run = video_support::imago_limited(
        t.path(),
        &["list", &page, "--video", "--json"],
        video_support::TIME_LIMIT,
    );
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let rows = support::json_lines(&run);
    assert_eq!(rows.len(), 1, "{rows:?}");
    let row = &rows[0];
    assert_eq!(row["url"], srv.url(SHOP_MASTER).as_str());
    assert_eq!(row["kind"], "hls");
    let heights: Vec<u64> = row["variants"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["height"].as_u64().unwrap())
        .collect();
    assert_eq!(heights, [360, 240, 120], "{row}");
    assert!(
        (row["duration"].as_f64().unwrap() - 6.0).abs() < 0.5,
        "{row}"
    );
    assert_eq!(row["live"], false);
    // Playlists only: no segment was downloaded to list it.
    assert!(srv.log().iter().all(|h| !h.path.ends_with(".ts")));
}

#[test]
fn without_ffmpeg_the_stream_fails_before_any_segment_is_fetched() {
    let srv = server(vec![]);
    let t = tmp();
    let url = srv.url(PLAIN);
    let run = video(t.path(), &[&url, "--ffmpeg", "/nonexistent/bin/ffmpeg"]);
    assert_eq!(run.code(), Some(1), "{}", run.explain());
    let failed = run.failed();
    assert_eq!(failed.len(), 1, "{}", run.explain());
    let reason = failed[0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("/nonexistent/bin/ffmpeg cannot be started"),
        "{reason}"
    );
    assert!(srv.log().iter().all(|h| !h.path.ends_with(".ts")));
}
