//! `date_from_num(value)`: convert an active directory timestamp (100-nanosecond intervals since 1601-01-01 utc) to a date and time.
//!
//! Windows FILETIME, as Microsoft's `DateFromNum`; ticks below a microsecond are dropped. An error for negative numbers
//! and for dates after 9999-12-31 (like .NET).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `date_from_num`.
pub const SIGNATURE: Signature = Signature {
    name: "date_from_num",
    category: Category::DateTime,
    microsoft: &["DateFromNum"],
    params: &[
        Param::new("value", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::DATETIME,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert an active directory timestamp (100-nanosecond intervals since 1601-01-01 utc) to a date and time",
    examples: &[
        Example { call: "date_from_num(129699324000000000)", result: "@2012-01-01T23:00:00Z" },
        Example { call: r##"format_datetime(date_from_num(129699324000000000), "yyyy-MM-dd HH:mm:ss")"##, result: r##""2012-01-01 23:00:00""## },
        Example { call: r##"format_datetime(date_from_num(0), "yyyy-MM-dd")"##, result: r##""1601-01-01""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{in_range, opt_int};
use super::{Arg, CallError};
use crate::value::Value;

/// Microseconds from 1601-01-01 to 1970-01-01.
const FILETIME_EPOCH_MICROS: i64 = 11_644_473_600_000_000;

/// The instant of a FILETIME (100-ns ticks since 1601-01-01 UTC; sub-microsecond ticks dropped).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(ticks) = opt_int(args, 0, "value")? else {
        return Ok(Value::Null);
    };
    if ticks < 0 {
        return Err(CallError(format!("{ticks} is before 1601-01-01")));
    }
    in_range((ticks / 10).checked_sub(FILETIME_EPOCH_MICROS))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{dt, i, run};
    use crate::value::Value;

    #[test]
    fn filetimes() {
        assert_eq!(run(super::SIGNATURE.call, vec![i(116_444_736_000_000_000)]), Ok(dt("1970-01-01T00:00:00Z")));
        assert_eq!(run(super::SIGNATURE.call, vec![i(116_444_736_000_000_019)]), Ok(dt("1970-01-01T00:00:00.000001Z")));
        assert_eq!(run(super::SIGNATURE.call, vec![i(0)]), Ok(dt("1601-01-01T00:00:00Z")));
        assert!(run(super::SIGNATURE.call, vec![i(-1)]).is_err());
        assert!(run(super::SIGNATURE.call, vec![i(i64::MAX)]).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
