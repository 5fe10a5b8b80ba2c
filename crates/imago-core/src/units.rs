//! Byte sizes and durations as people write them, with one meaning wherever they are
//! written: command-line flags, `imago.toml`, `IMAGO_*` variables and the extension's
//! filter spec all parse with these functions.
//!
//! Sizes: a bare number is bytes; the SI prefixes (`k`, `M`, `G`, `T`, with or without
//! `B`) are powers of 1000 and the IEC ones (`Ki`, `Mi`, `Gi`, `Ti`, with or without `B`)
//! powers of 1024, so `5MB` is 5,000,000 bytes and `5MiB` 5,242,880. Case does not
//! matter; a fraction is rounded to the nearest byte.
//!
//! Durations: `500ms`, `30s`, `2m`, `1h`, `7d`, `2w`, combined (`1h 30m`) or fractional
//! (`1.5m`), as [`humantime`] reads them; a bare number is seconds; and ISO 8601
//! (`PT5M`, `P7D`), the form Chevereto's API uses for expiry.
//!
//! ```
//! use imago_core::units::{format_size, parse_duration, parse_size};
//!
//! assert_eq!(parse_size("5MB").unwrap(), 5_000_000);
//! assert_eq!(parse_size("5MiB").unwrap(), 5 * 1024 * 1024);
//! assert_eq!(format_size(5_000_000), "5 MB");
//! assert_eq!(parse_duration("P7D").unwrap(), parse_duration("7d").unwrap());
//! ```

use std::time::Duration;

/// A size or a duration that cannot be read; the message ends with examples of what can.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UnitError {
    /// A byte size such as `20q` or `-5k`.
    #[error("bad size {input:?}: {reason} (examples: 512, 20kB, 300KiB, 1.5MB)")]
    BadSize { input: String, reason: String },
    /// A duration such as `fast` or `P1H`.
    #[error("bad duration {input:?}: {reason} (examples: 500ms, 30s, 2m, 1h, 7d, P7D)")]
    BadDuration { input: String, reason: String },
}

/// Reads a byte size: `512`, `512b`, `20k`, `1.5MB`, `300KiB`, `2 GiB`.
pub fn parse_size(s: &str) -> Result<u64, UnitError> {
    let bad = |reason: &str| UnitError::BadSize {
        input: s.to_string(),
        reason: reason.to_string(),
    };
    let t = s.trim();
    if t.is_empty() {
        return Err(bad("empty"));
    }
    if t.starts_with('-') {
        return Err(bad("a size cannot be negative"));
    }
    let t = t.strip_prefix('+').unwrap_or(t);
    let num_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(num_end);
    let unit = unit.trim();
    let multiplier: u128 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1_000,
        "m" | "mb" => 1_000_000,
        "g" | "gb" => 1_000_000_000,
        "t" | "tb" => 1_000_000_000_000,
        "ki" | "kib" => 1 << 10,
        "mi" | "mib" => 1 << 20,
        "gi" | "gib" => 1 << 30,
        "ti" | "tib" => 1 << 40,
        _ => {
            return Err(bad(&format!(
                "unknown unit {unit:?} (kB, MB, GB are powers of 1000; KiB, MiB, GiB of 1024)"
            )))
        }
    };
    let (int_part, frac_part) = match num.split_once('.') {
        Some((i, f)) => (i, f),
        None => (num, ""),
    };
    if int_part.is_empty() && frac_part.is_empty() {
        return Err(bad("no number"));
    }
    if frac_part.contains('.') {
        return Err(bad("more than one decimal point"));
    }
    let too_large = || bad("too large");
    let mut value: u128 = 0;
    for d in int_part.bytes() {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(d - b'0')))
            .ok_or_else(too_large)?;
    }
    value = value.checked_mul(multiplier).ok_or_else(too_large)?;
    // Digits past 18 cannot change the rounded result of any unit up to TiB.
    let frac_digits = &frac_part[..frac_part.len().min(18)];
    if !frac_digits.is_empty() {
        let mut frac: u128 = 0;
        let mut scale: u128 = 1;
        for d in frac_digits.bytes() {
            frac = frac * 10 + u128::from(d - b'0');
            scale *= 10;
        }
        let part = (frac * multiplier + scale / 2) / scale;
        value = value.checked_add(part).ok_or_else(too_large)?;
    }
    u64::try_from(value).map_err(|_| too_large())
}

/// [`parse_size`] for a size held in memory (`usize`), refused when it does not fit.
pub fn parse_size_usize(s: &str) -> Result<usize, UnitError> {
    let n = parse_size(s)?;
    usize::try_from(n).map_err(|_| UnitError::BadSize {
        input: s.to_string(),
        reason: "too large for this machine".to_string(),
    })
}

/// A byte count as a person reads it, in SI units (as the extension's grid shows
/// sizes), which [`parse_size`] reads back: `512 B`, `19.5 kB`, `1.5 MB`.
pub fn format_size(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut v = bytes as f64 / 1000.0;
    let mut unit = 0;
    // 999,960 bytes would print as "1000 kB" at one decimal: it is "1 MB".
    while v >= 999.95 && unit < UNITS.len() - 1 {
        v /= 1000.0;
        unit += 1;
    }
    let s = format!("{v:.1}");
    let s = s.strip_suffix(".0").unwrap_or(&s);
    format!("{s} {}", UNITS[unit])
}

/// Reads a duration: `500ms`, `2m`, `1h 30m`, `7d`, `90` (seconds) or ISO 8601 `P7D`.
pub fn parse_duration(s: &str) -> Result<Duration, UnitError> {
    let bad = |reason: String| UnitError::BadDuration {
        input: s.to_string(),
        reason,
    };
    let t = s.trim();
    if t.is_empty() {
        return Err(bad("empty".to_string()));
    }
    if t.starts_with(['P', 'p']) {
        return parse_iso_duration(t)
            .map(Duration::from_secs)
            .ok_or_else(|| bad("not an ISO 8601 duration such as P30D or PT1H".to_string()));
    }
    if t.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        // A bare number is seconds; humantime alone would ask for a unit.
        let secs: f64 = t
            .parse()
            .map_err(|_| bad("not a number of seconds".to_string()))?;
        return Duration::try_from_secs_f64(secs).map_err(|_| bad("too large".to_string()));
    }
    humantime::parse_duration(t).map_err(|e| bad(e.to_string()))
}

/// A duration as [`parse_duration`] reads it back: `500ms`, `1h 30m`, `7days`.
pub fn format_duration(d: Duration) -> String {
    humantime::format_duration(d).to_string()
}

/// ISO 8601 (`PT5M`, `P1D`, `P1Y2M3DT4H5M6S`, `P2W`) in whole seconds. Years count 365
/// days and months 30, as date-less durations must; fractions are refused.
fn parse_iso_duration(text: &str) -> Option<u64> {
    let rest = text.strip_prefix(['P', 'p'])?;
    if rest.is_empty() {
        return None;
    }
    let mut total: u64 = 0;
    let mut in_time = false;
    let mut number: Option<u64> = None;
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' | 't' if !in_time && number.is_none() => in_time = true,
            '0'..='9' => {
                let digit = u64::from(c.to_digit(10)?);
                number = Some(number.unwrap_or(0).checked_mul(10)?.checked_add(digit)?);
            }
            _ => {
                let n = number.take()?;
                let unit = match (in_time, c.to_ascii_uppercase()) {
                    (false, 'Y') => 365 * 86_400,
                    (false, 'M') => 30 * 86_400,
                    (false, 'W') => 7 * 86_400,
                    (false, 'D') => 86_400,
                    (true, 'H') => 3600,
                    (true, 'M') => 60,
                    (true, 'S') => 1,
                    _ => return None,
                };
                total = total.checked_add(n.checked_mul(unit)?)?;
                any = true;
            }
        }
    }
    (number.is_none() && any).then_some(total)
}
