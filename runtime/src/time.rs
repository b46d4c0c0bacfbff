//! Dates and times: instants are microseconds since 1970-01-01T00:00:00Z, converted to and from the
//! proleptic Gregorian calendar with Howard Hinnant's days-from-civil algorithms.

/// Microseconds in a second.
pub const MICROS_PER_SECOND: i64 = 1_000_000;
/// Microseconds in a day.
pub const MICROS_PER_DAY: i64 = 86_400 * MICROS_PER_SECOND;

/// Days since 1970-01-01 of a calendar date.
pub fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The calendar date `(year, month, day)` of a day since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Whether `year` is a leap year.
pub fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// The number of days of a month.
pub fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The parts of an instant: `(year, month, day, hour, minute, second, microsecond)`, UTC.
pub fn parts(us: i64) -> (i64, i64, i64, i64, i64, i64, i64) {
    let days = us.div_euclid(MICROS_PER_DAY);
    let rest = us.rem_euclid(MICROS_PER_DAY);
    let (y, m, d) = civil_from_days(days);
    let secs = rest / MICROS_PER_SECOND;
    (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60, rest % MICROS_PER_SECOND)
}

/// An instant from its UTC parts (no range checks).
pub fn from_parts(y: i64, m: i64, d: i64, h: i64, mi: i64, s: i64, micros: i64) -> i64 {
    days_from_civil(y, m, d) * MICROS_PER_DAY + (h * 3600 + mi * 60 + s) * MICROS_PER_SECOND + micros
}

/// RFC 3339 in UTC: `2024-01-05T10:00:00Z`, with a fraction only when there is one.
pub fn format_rfc3339(us: i64) -> String {
    let (y, m, d, h, mi, s, micros) = parts(us);
    let frac = if micros == 0 { String::new() } else { format!(".{micros:06}").trim_end_matches('0').to_string() };
    format!("{y:04}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}Z")
}

/// Parses `YYYY-MM-DD` optionally followed by `T` (or a space) and `HH:MM[:SS[.fraction]]`, and
/// `Z` or an offset `±HH:MM`; no offset means UTC.
pub fn parse_datetime(text: &str) -> Option<i64> {
    parse_datetime_detailed(text).ok()
}

/// As [`parse_datetime`], saying what is wrong.
pub fn parse_datetime_detailed(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let num = |s: &str| -> Result<i64, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("`{s}` is not a number"));
        }
        // Digits only: read directly (at most six of them here).
        s.bytes()
            .try_fold(0i64, |n, b| n.checked_mul(10)?.checked_add(i64::from(b - b'0')))
            .ok_or_else(|| format!("`{s}` is not a number"))
    };
    let date = text.get(..10).ok_or("the date is incomplete")?;
    if date.as_bytes().get(4) != Some(&b'-') || date.as_bytes().get(7) != Some(&b'-') {
        return Err("the date is not written YYYY-MM-DD".into());
    }
    let year = num(date.get(..4).unwrap_or(""))?;
    let month = num(date.get(5..7).unwrap_or(""))?;
    let day = num(date.get(8..10).unwrap_or(""))?;
    if !(1..=12).contains(&month) {
        return Err(format!("month {month} does not exist"));
    }
    if day < 1 || day > days_in_month(year, month) {
        return Err(format!("day {day} does not exist in month {month} of {year}"));
    }
    let rest = text.get(10..).unwrap_or("");
    let (mut h, mut mi, mut s, mut micros, mut offset_min) = (0i64, 0i64, 0i64, 0i64, 0i64);
    if let Some(time) = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' ')) {
        if time.as_bytes().get(2) != Some(&b':') {
            return Err("the time is not written HH:MM".into());
        }
        h = num(time.get(..2).unwrap_or(""))?;
        mi = num(time.get(3..5).unwrap_or(""))?;
        let mut tail = time.get(5..).unwrap_or("");
        if let Some(t) = tail.strip_prefix(':') {
            s = num(t.get(..2).unwrap_or(""))?;
            tail = t.get(2..).unwrap_or("");
            if let Some(t) = tail.strip_prefix('.') {
                let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
                if digits.is_empty() {
                    return Err("a fraction of a second needs digits".into());
                }
                tail = t.get(digits.len()..).unwrap_or("");
                let six: String = digits.chars().chain(std::iter::repeat('0')).take(6).collect();
                micros = num(&six)?;
            }
        }
        if let Some(t) = tail.strip_prefix('Z') {
            tail = t;
        } else if let Some((sign, o)) =
            tail.strip_prefix('+').map(|o| (1, o)).or_else(|| tail.strip_prefix('-').map(|o| (-1, o)))
        {
            let oh = num(o.get(..2).unwrap_or(""))?;
            let om = num(o.get(3..5).unwrap_or(""))?;
            if oh > 23 || om > 59 || o.as_bytes().get(2) != Some(&b':') {
                return Err(format!("offset {o} is out of range"));
            }
            offset_min = sign * (oh * 60 + om);
            tail = o.get(5..).unwrap_or("");
        }
        if !tail.is_empty() {
            return Err(format!("unexpected `{tail}` after the time"));
        }
    } else if !rest.is_empty() {
        return Err(format!("unexpected `{rest}` after the date"));
    }
    if h > 23 || mi > 59 || s > 59 {
        return Err(format!("time {h:02}:{mi:02}:{s:02} is out of range"));
    }
    Ok(from_parts(year, month, day, h, mi, s, micros) - offset_min * 60 * MICROS_PER_SECOND)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for text in
            ["2024-01-05T10:00:00Z", "1969-12-31T23:59:59.5Z", "2000-02-29T00:00:00.000001Z", "9999-12-31T23:59:59Z"]
        {
            let us = parse_datetime(text).unwrap_or(i64::MIN);
            assert_eq!(format_rfc3339(us), text);
        }
    }

    #[test]
    fn offsets_and_errors() {
        assert_eq!(
            parse_datetime("2024-01-05T10:00+02:00").map(format_rfc3339).as_deref(),
            Some("2024-01-05T08:00:00Z")
        );
        assert_eq!(
            parse_datetime("2024-12-31T23:30:00-01:00").map(format_rfc3339).as_deref(),
            Some("2025-01-01T00:30:00Z")
        );
        assert_eq!(parse_datetime("2024-01-05").map(format_rfc3339).as_deref(), Some("2024-01-05T00:00:00Z"));
        assert!(parse_datetime("2023-02-29").is_none());
        assert!(parse_datetime("2023-13-01").is_none());
        assert!(parse_datetime("2023-01-01T24:00").is_none());
        assert!(parse_datetime("2023-01-01Tnoon").is_none());
        assert!(parse_datetime("01/02/2023").is_none());
    }
}
