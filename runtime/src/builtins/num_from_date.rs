//! `num_from_date(value)`: convert a date and time to an active directory timestamp (100-nanosecond intervals since 1601-01-01 utc).
//!
//! An error for dates before 1601.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `num_from_date`.
pub const SIGNATURE: Signature = Signature {
    name: "num_from_date",
    category: Category::DateTime,
    microsoft: &["NumFromDate"],
    params: &[
        Param::new("value", TypeSpec::DATETIME),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert a date and time to an active directory timestamp (100-nanosecond intervals since 1601-01-01 utc)",
    examples: &[
        Example { call: "num_from_date(@2012-01-01T23:00:00Z)", result: "129699324000000000" },
        Example { call: r##"num_from_date(to_datetime("2012-01-01 23:00:00"))"##, result: "129699324000000000" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_datetime;
use super::{Arg, CallError};
use crate::value::Value;

/// Microseconds from 1601-01-01 to 1970-01-01.
const FILETIME_EPOCH_MICROS: i64 = 11_644_473_600_000_000;

/// The FILETIME (100-ns ticks since 1601-01-01 UTC) of an instant.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(us) = opt_datetime(args, 0, "value")? else {
        return Ok(Value::Null);
    };
    let ticks = us.checked_add(FILETIME_EPOCH_MICROS).filter(|t| *t >= 0).and_then(|t| t.checked_mul(10));
    ticks.map(Value::Integer).ok_or_else(|| CallError(format!("{} is out of the range of timestamps (1601 to 30828)", Value::DateTime(us).to_literal())))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{dt, i, run};
    use crate::value::Value;

    #[test]
    fn filetimes() {
        assert_eq!(run(super::SIGNATURE.call, vec![dt("1970-01-01T00:00:00.000001Z")]), Ok(i(116_444_736_000_000_010)));
        assert_eq!(run(super::SIGNATURE.call, vec![dt("1601-01-01T00:00:00Z")]), Ok(i(0)));
        assert!(run(super::SIGNATURE.call, vec![dt("1600-12-31T23:59:59Z")]).is_err());
        assert!(run(super::SIGNATURE.call, vec![Value::DateTime(i64::MAX)]).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
