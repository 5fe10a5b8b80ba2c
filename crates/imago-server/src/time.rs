//! Clock and calendar helpers: unix seconds, Chevereto's `YYYY-MM-DD HH:MM:SS` dates,
//! HTTP dates and ISO 8601 durations (`PT5M`, `P1D`).

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the unix epoch, now.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// `YYYY-MM-DD HH:MM:SS` in UTC, the way Chevereto writes `date_gmt`.
pub fn gmt_string(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}",
        secs / 3600,
        (secs / 60) % 60,
        secs % 60
    )
}

/// An HTTP date (`Last-Modified`).
pub fn http_date(unix: i64) -> String {
    let t = UNIX_EPOCH + std::time::Duration::from_secs(u64::try_from(unix).unwrap_or(0));
    httpdate::fmt_http_date(t)
}

/// Parses an HTTP date into unix seconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let t = httpdate::parse_http_date(s).ok()?;
    let secs = t.duration_since(UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
}

// Howard Hinnant's days-to-civil algorithm: exact for the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Parses an ISO 8601 duration (`PT5M`, `P1D`, `P1Y2M3DT4H5M6S`, `P2W`) into seconds.
/// Years count 365 days and months 30, as date-less durations must; fractions are refused.
pub fn parse_iso_duration(text: &str) -> Option<i64> {
    let rest = text.trim().strip_prefix(['P', 'p'])?;
    if rest.is_empty() {
        return None;
    }
    let mut total: i64 = 0;
    let mut in_time = false;
    let mut number: Option<i64> = None;
    let mut any = false;
    for c in rest.chars() {
        match c {
            'T' | 't' if !in_time && number.is_none() => in_time = true,
            '0'..='9' => {
                let digit = i64::from(c.to_digit(10)?);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_from_chevereto_docs() {
        assert_eq!(parse_iso_duration("PT5M"), Some(300));
        assert_eq!(parse_iso_duration("P3D"), Some(3 * 86_400));
        assert_eq!(parse_iso_duration("P1DT1H1S"), Some(86_400 + 3600 + 1));
        assert_eq!(parse_iso_duration("PT1S"), Some(1));
        for bad in [
            "",
            "P",
            "PT",
            "5M",
            "P5",
            "PT5X",
            "P1H",
            "PT1.5S",
            "P99999999999999999999D",
        ] {
            assert_eq!(parse_iso_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn gmt_dates() {
        assert_eq!(gmt_string(0), "1970-01-01 00:00:00");
        // 2014-06-04 19:32:33 UTC, the date in Chevereto's documented example answer.
        assert_eq!(gmt_string(1_401_910_353), "2014-06-04 19:32:33");
        assert_eq!(gmt_string(951_782_400), "2000-02-29 00:00:00");
    }
}
