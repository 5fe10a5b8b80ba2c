//! Sizes and durations as people write them: one meaning for flags, `imago.toml`,
//! `IMAGO_*` variables and the extension's filter spec, and the errors they read.

use std::time::Duration;

use imago_core::units::{format_duration, format_size, parse_duration, parse_size, UnitError};

#[test]
fn plain_bytes() {
    assert_eq!(parse_size("512"), Ok(512));
    assert_eq!(parse_size("512b"), Ok(512));
    assert_eq!(parse_size(" 7 "), Ok(7));
    assert_eq!(parse_size("+8"), Ok(8));
    assert_eq!(parse_size("0"), Ok(0));
}

#[test]
fn si_prefixes_are_powers_of_1000() {
    assert_eq!(parse_size("20k"), Ok(20_000));
    assert_eq!(parse_size("20K"), Ok(20_000));
    assert_eq!(parse_size("20kB"), Ok(20_000));
    assert_eq!(parse_size("5MB"), Ok(5_000_000));
    assert_eq!(parse_size("5M"), Ok(5_000_000));
    assert_eq!(parse_size("1.5mb"), Ok(1_500_000));
    assert_eq!(parse_size("3GB"), Ok(3_000_000_000));
    assert_eq!(parse_size("1t"), Ok(1_000_000_000_000));
    assert_eq!(parse_size("0.001kb"), Ok(1));
}

#[test]
fn iec_prefixes_are_powers_of_1024() {
    assert_eq!(parse_size("300KiB"), Ok(300 * 1024));
    assert_eq!(parse_size("300kib"), Ok(300 * 1024));
    assert_eq!(parse_size("300Ki"), Ok(300 * 1024));
    assert_eq!(parse_size("5MiB"), Ok(5_242_880));
    assert_eq!(parse_size("1.5Mi"), Ok(1_572_864));
    assert_eq!(parse_size("2 GiB"), Ok(2 * 1024 * 1024 * 1024));
    assert_eq!(parse_size("1TiB"), Ok(1 << 40));
    assert_eq!(parse_size(".5KiB"), Ok(512));
}

#[test]
fn fractions_round_to_the_nearest_byte() {
    assert_eq!(parse_size("0.5"), Ok(1));
    assert_eq!(parse_size("0.4"), Ok(0));
    // 1.0001 KiB is 1024.1 bytes.
    assert_eq!(parse_size("1.0001KiB"), Ok(1024));
    assert_eq!(parse_size("1."), Ok(1));
}

#[test]
fn largest_and_too_large() {
    assert_eq!(parse_size("18446744073709551615"), Ok(u64::MAX));
    let err = parse_size("18446744073709551616").unwrap_err();
    assert!(err.to_string().contains("too large"), "{err}");
    assert!(parse_size("20000000TB").is_err());
    assert!(parse_size("99999999999999999999999999999999999999999999").is_err());
}

#[test]
fn size_errors_say_what_is_wrong() {
    assert_eq!(
        parse_size("20q").unwrap_err().to_string(),
        "bad size \"20q\": unknown unit \"q\" (kB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024) (examples: 512, 20kB, 300KiB, 1.5MB)"
    );
    assert_eq!(
        parse_size("-5k").unwrap_err().to_string(),
        "bad size \"-5k\": a size cannot be negative (examples: 512, 20kB, 300KiB, 1.5MB)"
    );
    assert!(parse_size("").unwrap_err().to_string().contains(": empty"));
    assert!(parse_size("k")
        .unwrap_err()
        .to_string()
        .contains("no number"));
    assert!(parse_size(".")
        .unwrap_err()
        .to_string()
        .contains("no number"));
    assert!(parse_size("1.2.3")
        .unwrap_err()
        .to_string()
        .contains("decimal point"));
    assert!(parse_size("1e3")
        .unwrap_err()
        .to_string()
        .contains("unknown unit \"e3\""));
    assert!(matches!(parse_size("abc"), Err(UnitError::BadSize { .. })));
}

#[test]
fn sizes_print_in_si_units_and_read_back() {
    assert_eq!(format_size(0), "0 B");
    assert_eq!(format_size(999), "999 B");
    assert_eq!(format_size(1000), "1 kB");
    assert_eq!(format_size(1500), "1.5 kB");
    assert_eq!(format_size(999_960), "1 MB");
    assert_eq!(format_size(5_000_000), "5 MB");
    assert_eq!(format_size(5_242_880), "5.2 MB");
    assert_eq!(format_size(3_000_000_000), "3 GB");
    for n in [0, 999, 1000, 1500, 5_000_000, 3_000_000_000] {
        assert_eq!(parse_size(&format_size(n)), Ok(n), "{n}");
    }
}

#[test]
fn durations_in_the_short_forms() {
    assert_eq!(parse_duration("500ms"), Ok(Duration::from_millis(500)));
    assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
    assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
    assert_eq!(parse_duration("1.5m"), Ok(Duration::from_secs(90)));
    assert_eq!(parse_duration("1h 30m"), Ok(Duration::from_secs(5400)));
    assert_eq!(parse_duration("7d"), Ok(Duration::from_secs(7 * 86_400)));
    assert_eq!(parse_duration("2w"), Ok(Duration::from_secs(14 * 86_400)));
    // A bare number is seconds.
    assert_eq!(parse_duration("3"), Ok(Duration::from_secs(3)));
    assert_eq!(parse_duration(" 0.25 "), Ok(Duration::from_millis(250)));
}

#[test]
fn durations_in_iso_8601_as_chevereto_writes_them() {
    assert_eq!(parse_duration("PT5M"), Ok(Duration::from_secs(300)));
    assert_eq!(parse_duration("P3D"), Ok(Duration::from_secs(3 * 86_400)));
    assert_eq!(
        parse_duration("P1DT1H1S"),
        Ok(Duration::from_secs(86_400 + 3600 + 1))
    );
    assert_eq!(parse_duration("P2W"), parse_duration("14d"));
    assert_eq!(parse_duration("pt1s"), Ok(Duration::from_secs(1)));
    for bad in [
        "P",
        "PT",
        "P5",
        "PT5X",
        "P1H",
        "PT1.5S",
        "P99999999999999999999D",
    ] {
        let e = parse_duration(bad).unwrap_err().to_string();
        assert!(e.contains("ISO 8601"), "{bad}: {e}");
    }
}

#[test]
fn duration_errors_say_what_is_wrong() {
    for bad in ["", "fast", "5 parsecs", "-1s", "1..5s", "5M3"] {
        let e = parse_duration(bad).unwrap_err();
        assert!(matches!(e, UnitError::BadDuration { .. }), "{bad}");
        let text = e.to_string();
        assert!(
            text.starts_with(&format!("bad duration {bad:?}: ")),
            "{text}"
        );
        assert!(
            text.ends_with("(examples: 500ms, 30s, 2m, 1h, 7d, P7D)"),
            "{text}"
        );
        assert_eq!(text.lines().count(), 1, "{text}");
    }
}

#[test]
fn durations_print_and_read_back() {
    for d in [
        Duration::from_millis(500),
        Duration::from_secs(90),
        Duration::from_secs(7 * 86_400),
        Duration::from_secs(3600 + 60 + 1),
    ] {
        let text = format_duration(d);
        assert_eq!(parse_duration(&text), Ok(d), "{text}");
    }
    assert_eq!(format_duration(Duration::from_secs(90)), "1m 30s");
}
