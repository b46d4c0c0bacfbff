//! `date_add(interval, number, date)`: add `number` intervals (`yyyy`, `q`, `m`, `y`, `d`, `w`, `ww`, `h`, `n`, `s`) to `date`.
//!
//! `number` may be negative. Intervals are case-insensitive: `yyyy` years, `q` quarters, `m` months (the day is clamped
//! to the end of the month: January 31 plus a month is February 28 or 29), `y` (day of year), `d` and `w` (weekday) days,
//! `ww` weeks, `h` hours, `n` minutes, `s` seconds. An unknown interval, or a result outside years 1 to 9999, is an error.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `date_add`.
pub const SIGNATURE: Signature = Signature {
    name: "date_add",
    category: Category::DateTime,
    microsoft: &["DateAdd"],
    params: &[
        Param::new("interval", TypeSpec::STRING),
        Param::new("number", TypeSpec::INTEGER),
        Param::new("date", TypeSpec::DATETIME),
    ],
    returns: TypeSpec::DATETIME,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "add `number` intervals (`yyyy`, `q`, `m`, `y`, `d`, `w`, `ww`, `h`, `n`, `s`) to `date`",
    examples: &[
        Example { call: r##"date_add("m", 3, @2001-01-01)"##, result: "@2001-04-01" },
        Example { call: r##"format_datetime(date_add("m", 3, to_datetime("2001-01-01")), "yyyy-MM-dd")"##, result: r##""2001-04-01""## },
        Example { call: r##"format_datetime(date_add("d", -10, to_datetime("2012-03-16")), "yyyy-MM-dd")"##, result: r##""2012-03-06""## },
        Example { call: r##"format_datetime(date_add("ww", 2, to_datetime("2012-03-16")), "yyyy-MM-dd")"##, result: r##""2012-03-30""## },
        Example { call: r##"date_add("x", 1, to_datetime("2001-01-01"))"##, result: r##"error: unknown interval "x""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{in_range, opt_datetime, opt_int, opt_str};
use super::{Arg, CallError};
use crate::time::{MICROS_PER_DAY, MICROS_PER_SECOND, days_in_month, from_parts, parts};
use crate::value::{Value, quote};

/// `date` moved by `number` months, the day clamped to the end of the month.
fn add_months(date: i64, number: i64) -> Option<i64> {
    let (y, m, d, h, mi, s, us) = parts(date);
    let index = y.checked_mul(12)?.checked_add(m - 1)?.checked_add(number)?;
    let (ny, nm) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    if !(1..=9999).contains(&ny) {
        return None;
    }
    Some(from_parts(ny, nm, d.min(days_in_month(ny, nm)), h, mi, s, us))
}

/// `date` plus `number` intervals.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(interval), Some(number), Some(date)) = (opt_str(args, 0, "interval")?, opt_int(args, 1, "number")?, opt_datetime(args, 2, "date")?) else {
        return Ok(Value::Null);
    };
    let step = |unit: i64| number.checked_mul(unit).and_then(|d| date.checked_add(d));
    let moved = match interval.to_ascii_lowercase().as_str() {
        "yyyy" => number.checked_mul(12).and_then(|n| add_months(date, n)),
        "q" => number.checked_mul(3).and_then(|n| add_months(date, n)),
        "m" => add_months(date, number),
        "y" | "d" | "w" => step(MICROS_PER_DAY),
        "ww" => step(7 * MICROS_PER_DAY),
        "h" => step(3600 * MICROS_PER_SECOND),
        "n" => step(60 * MICROS_PER_SECOND),
        "s" => step(MICROS_PER_SECOND),
        _ => return Err(CallError(format!("unknown interval {}", quote(interval)))),
    };
    in_range(moved)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{dt, i, run, s};
    use crate::value::Value;

    fn add(interval: &str, n: i64, date: &str) -> Result<Value, super::CallError> {
        run(super::SIGNATURE.call, vec![s(interval), i(n), dt(date)])
    }

    #[test]
    fn intervals() {
        assert_eq!(add("m", 1, "2024-01-31T10:00:00Z"), Ok(dt("2024-02-29T10:00:00Z")));
        assert_eq!(add("m", -1, "2024-03-31T00:00:00Z"), Ok(dt("2024-02-29T00:00:00Z")));
        assert_eq!(add("yyyy", 1, "2024-02-29T00:00:00Z"), Ok(dt("2025-02-28T00:00:00Z")));
        assert_eq!(add("q", 1, "2024-11-30T00:00:00Z"), Ok(dt("2025-02-28T00:00:00Z")));
        assert_eq!(add("y", 1, "2024-12-31T00:00:00Z"), Ok(dt("2025-01-01T00:00:00Z")));
        assert_eq!(add("w", -1, "2024-01-01T00:00:00Z"), Ok(dt("2023-12-31T00:00:00Z")));
        assert_eq!(add("WW", 1, "2024-01-01T00:00:00Z"), Ok(dt("2024-01-08T00:00:00Z")));
        assert_eq!(add("h", 25, "2024-01-01T00:00:00Z"), Ok(dt("2024-01-02T01:00:00Z")));
        assert_eq!(add("n", -1, "2024-01-01T00:00:00Z"), Ok(dt("2023-12-31T23:59:00Z")));
        assert_eq!(add("s", 61, "2024-01-01T00:00:00Z"), Ok(dt("2024-01-01T00:01:01Z")));
        assert!(add("m", i64::MAX, "2024-01-01T00:00:00Z").is_err());
        assert!(add("s", i64::MIN, "2024-01-01T00:00:00Z").is_err());
        assert!(add("yyyy", 8000, "2024-01-01T00:00:00Z").is_err());
        assert!(add("x", 1, "2024-01-01T00:00:00Z").is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![s("d"), Value::Null, dt("2024-01-01T00:00:00Z")]), Ok(Value::Null));
    }
}
