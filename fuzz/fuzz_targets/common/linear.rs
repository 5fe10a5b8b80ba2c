//! The speed half of the discovery targets: an input may take no more than a few times
//! the time per byte of an ordinary page, measured in the same (instrumented) build on
//! first use. A quadratic input fails here as a crash, and libFuzzer keeps it.
//!
//! Times are the thread's CPU time, not the wall clock: on a shared machine a process
//! starved of CPU between the reference and the input (a long run at nice 19 beside
//! Chromium tests) made an ordinary stylesheet look 100x slower than the reference.

use std::sync::OnceLock;
use std::time::Duration;

/// CPU time this thread has used so far.
fn thread_cpu() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid place for the answer; the clock is one Linux always has.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// The CPU time `f` takes on this thread.
fn cpu_time_of(f: &dyn Fn()) -> Duration {
    let start = thread_cpu();
    f();
    thread_cpu().saturating_sub(start)
}

/// How many times the reference page's time per byte an input may take.
const FACTOR: f64 = 10.0;
/// Below this size fixed costs dominate and timings are noise.
const MIN_BYTES: usize = 16 * 1024;
/// Added to every allowance: a scheduler hiccup on a shared machine.
const SLACK: Duration = Duration::from_millis(50);

/// An ordinary page, as the corpus holds them: text, images with `srcset` and lazy
/// attributes, a stylesheet, inline styles, JSON-LD and scripts.
fn reference_page() -> String {
    let mut s = String::from(
        "<!doctype html><html><head><title>Story</title>\
         <meta property=\"og:image\" content=\"https://cdn.example/og.jpg\">\
         <style>.hero{background:url(/img/hero.jpg)} .a{color:red} @media (min-width:9px){.b{background-image:image-set(url(b.png) 1x, url(b2.png) 2x)}}</style>\
         <script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"image\":[\"https://cdn.example/ld.jpg\"]}</script>\
         </head><body>",
    );
    let mut i = 0;
    while s.len() < 256 * 1024 {
        s.push_str(&format!(
            "<div class=\"card c{i}\" style=\"background-image:url('/bg/{i}.jpg')\"><a href=\"/story/{i}\">\
             <img src=\"/thumb/{i}.jpg\" srcset=\"/img/{i}-320.jpg 320w, /img/{i}-640.jpg 640w, /img/{i}-1280.jpg 1280w\" \
             data-src=\"/lazy/{i}.jpg\" alt=\"Picture {i} &amp; more\" width=\"640\" height=\"360\"></a>\
             <p>Some words of the story, number {i}, with <b>markup</b> and a <a href=\"/x\">link</a>.</p>\
             <script>var g{i} = {{\"src\":\"https:\\/\\/cdn.example\\/js\\/{i}.webp\"}};</script></div>\n"
        ));
        i += 1;
    }
    s.push_str("</body></html>");
    s
}

fn best_of_three(f: &dyn Fn()) -> Duration {
    (0..3)
        .map(|_| cpu_time_of(f))
        .min()
        .unwrap_or_default()
}

/// Seconds per byte of the reference page under `run`.
fn reference(run: &dyn Fn(&str)) -> f64 {
    static REF: OnceLock<f64> = OnceLock::new();
    *REF.get_or_init(|| {
        let page = reference_page();
        best_of_three(&|| run(&page)).as_secs_f64() / page.len() as f64
    })
}

/// Runs `run` on `input` and panics when it took far longer per byte than on an
/// ordinary page (a second run must agree, so one slow moment is not a finding).
pub fn check(input: &str, run: &dyn Fn(&str)) {
    let per_byte = reference(run);
    let took = cpu_time_of(&|| run(input));
    if input.len() < MIN_BYTES {
        return;
    }
    let allowed = Duration::from_secs_f64(per_byte * input.len() as f64 * FACTOR) + SLACK;
    if took > allowed {
        let again = best_of_three(&|| run(input));
        assert!(
            again <= allowed,
            "not linear: {} bytes took {:?} (again {:?}); an ordinary page of that size \
             takes {:?}, {FACTOR}x that is the bound",
            input.len(),
            took,
            again,
            Duration::from_secs_f64(per_byte * input.len() as f64),
        );
    }
}
