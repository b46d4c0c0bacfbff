//! `date_diff(interval, date1, date2)`: the number of intervals (`yyyy`, `m`, `d`, `ww`, `h`, `n`, `s`) from `date1` to `date2`, negative when `date2` is earlier.
//!
//! As VB.NET's `DateDiff`: `yyyy`, `q` and `m` count calendar boundaries crossed (December 31 to January 1 is one
//! year); `d` (and `y`), `w` (7 days), `h`, `n` and `s` count whole elapsed units, truncated toward zero; `ww` counts
//! Sundays crossed. Intervals are case-insensitive; an unknown interval is an error.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `date_diff`.
pub const SIGNATURE: Signature = Signature {
    name: "date_diff",
    category: Category::DateTime,
    microsoft: &["DateDiff"],
    params: &[
        Param::new("interval", TypeSpec::STRING),
        Param::new("date1", TypeSpec::DATETIME),
        Param::new("date2", TypeSpec::DATETIME),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "the number of intervals (`yyyy`, `m`, `d`, `ww`, `h`, `n`, `s`) from `date1` to `date2`, negative when `date2` is earlier",
    examples: &[
        Example { call: r##"date_diff("d", @2021-08-18, @2021-08-31)"##, result: "13" },
        Example { call: r##"date_diff("d", to_datetime("2021-08-18"), to_datetime("2021-08-31"))"##, result: "13" },
        Example { call: r##"date_diff("d", to_datetime("2021-08-31"), to_datetime("2021-08-18"))"##, result: "-13" },
        Example { call: r##"date_diff("h", to_datetime("2021-08-24"), to_datetime("2021-08-25"))"##, result: "24" },
        Example { call: r##"date_diff("s", to_datetime("2021-08-24"), to_datetime("2021-08-25"))"##, result: "86400" },
        Example { call: r##"date_diff("x", now(), now())"##, result: r##"error: unknown interval "x""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{opt_datetime, opt_str, weekday};
use super::{Arg, CallError};
use crate::time::{MICROS_PER_DAY, MICROS_PER_SECOND, parts};
use crate::value::{Value, quote};

/// The number of intervals from `date1` to `date2`, as VB.NET's `DateDiff`.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(interval), Some(d1), Some(d2)) = (opt_str(args, 0, "interval")?, opt_datetime(args, 1, "date1")?, opt_datetime(args, 2, "date2")?) else {
        return Ok(Value::Null);
    };
    let span = i128::from(d2) - i128::from(d1);
    let whole = |unit: i64| span / i128::from(unit);
    let (y1, m1, ..) = parts(d1);
    let (y2, m2, ..) = parts(d2);
    let n: i128 = match interval.to_ascii_lowercase().as_str() {
        "yyyy" => i128::from(y2 - y1),
        "q" => i128::from((y2 - y1) * 4 + (m2 - 1) / 3 - (m1 - 1) / 3),
        "m" => i128::from((y2 - y1) * 12 + m2 - m1),
        "y" | "d" => whole(MICROS_PER_DAY),
        "w" => whole(7 * MICROS_PER_DAY),
        "ww" => {
            let sunday = |us: i64| i128::from(us) - i128::from(weekday(us)) * i128::from(MICROS_PER_DAY);
            (sunday(d2) - sunday(d1)) / i128::from(7 * MICROS_PER_DAY)
        }
        "h" => whole(3600 * MICROS_PER_SECOND),
        "n" => whole(60 * MICROS_PER_SECOND),
        "s" => whole(MICROS_PER_SECOND),
        _ => return Err(CallError(format!("unknown interval {}", quote(interval)))),
    };
    i64::try_from(n).map(Value::Integer).map_err(|_| CallError("the difference is out of the integer range".into()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{dt, i, run, s};
    use crate::value::Value;

    fn diff(interval: &str, a: &str, b: &str) -> Result<Value, super::CallError> {
        run(super::SIGNATURE.call, vec![s(interval), dt(a), dt(b)])
    }

    #[test]
    fn intervals() {
        assert_eq!(diff("yyyy", "2024-12-31T23:59:00Z", "2025-01-01T00:00:00Z"), Ok(i(1)));
        assert_eq!(diff("m", "2024-01-31T00:00:00Z", "2024-02-01T00:00:00Z"), Ok(i(1)));
        assert_eq!(diff("q", "2024-03-31T00:00:00Z", "2024-04-01T00:00:00Z"), Ok(i(1)));
        assert_eq!(diff("d", "2024-01-01T23:00:00Z", "2024-01-02T01:00:00Z"), Ok(i(0)));
        assert_eq!(diff("d", "2024-01-02T01:00:00Z", "2024-01-01T00:00:00Z"), Ok(i(-1)));
        assert_eq!(diff("w", "2024-01-01T00:00:00Z", "2024-01-14T00:00:00Z"), Ok(i(1)));
        assert_eq!(diff("ww", "2024-01-06T00:00:00Z", "2024-01-07T00:00:00Z"), Ok(i(1)));
        assert_eq!(diff("ww", "2024-01-07T00:00:00Z", "2024-01-13T00:00:00Z"), Ok(i(0)));
        assert_eq!(diff("n", "2024-01-01T00:00:00Z", "2024-01-01T00:01:59Z"), Ok(i(1)));
        assert!(diff("x", "2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z").is_err());
        assert!(run(super::SIGNATURE.call, vec![s("s"), Value::DateTime(i64::MIN), Value::DateTime(i64::MAX)]).is_ok());
        assert_eq!(run(super::SIGNATURE.call, vec![s("d"), Value::Null, dt("2024-01-01T00:00:00Z")]), Ok(Value::Null));
    }
}
