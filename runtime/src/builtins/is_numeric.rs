//! `is_numeric(value)`: the value can be converted to an integer by `int`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_numeric`.
pub const SIGNATURE: Signature = Signature {
    name: "is_numeric",
    category: Category::Evaluation,
    microsoft: &["IsNumeric"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value can be converted to an integer by `int`",
    examples: &[
        Example { call: r##"is_numeric("123")"##, result: "true" },
        Example { call: "is_numeric(42)", result: "true" },
        Example { call: r##"is_numeric("12a")"##, result: "false" },
        Example { call: "is_numeric(null)", result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// Whether `int` converts the value.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let value = arg(args, 0);
    Ok(Value::Boolean(super::int::convert(value).is_ok()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, list, run, s};
    use crate::value::Value;

    #[test]
    fn cases() {
        let is = |v: Value| run(super::SIGNATURE.call, vec![v]);
        assert_eq!(is(s(" -12 ")), Ok(b(true)));
        assert_eq!(is(s("+7")), Ok(b(true)));
        assert_eq!(is(s("1.5")), Ok(b(false)));
        assert_eq!(is(s("")), Ok(b(false)));
        assert_eq!(is(s("99999999999999999999")), Ok(b(false)));
        assert_eq!(is(i(0)), Ok(b(true)));
        assert_eq!(is(list(&[])), Ok(b(false)));
        assert_eq!(is(Value::Null), Ok(b(false)));
    }
}
