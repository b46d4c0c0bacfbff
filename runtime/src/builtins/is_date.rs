//! `is_date(value)`: the value is a date and time or text that `to_datetime` can convert.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_date`.
pub const SIGNATURE: Signature = Signature {
    name: "is_date",
    category: Category::Evaluation,
    microsoft: &["IsDate"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is a date and time or text that `to_datetime` can convert",
    examples: &[
        Example { call: r##"is_date("2001-01-01")"##, result: "true" },
        Example { call: "is_date(now())", result: "true" },
        Example { call: r##"is_date("not a date")"##, result: "false" },
        Example { call: "is_date(null)", result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// Whether the value is a date and time, or text `to_datetime` can convert.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let value = arg(args, 0);
    Ok(Value::Boolean(match value { Value::DateTime(_) => true, Value::String(t) => super::support::parse_lenient(t).is_some(), _ => false }))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, list, run, s};
    use crate::value::Value;

    #[test]
    fn cases() {
        let is = |v: Value| run(super::SIGNATURE.call, vec![v]);
        assert_eq!(is(s("2024-02-29")), Ok(b(true)));
        assert_eq!(is(s("2023-02-29")), Ok(b(false)));
        assert_eq!(is(s("20240105100000.0Z")), Ok(b(true)));
        assert_eq!(is(Value::DateTime(0)), Ok(b(true)));
        assert_eq!(is(i(20240105)), Ok(b(false)));
        assert_eq!(is(list(&[])), Ok(b(false)));
        assert_eq!(is(Value::Null), Ok(b(false)));
    }
}
