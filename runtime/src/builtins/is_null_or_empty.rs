//! `is_null_or_empty(value)`: the value is missing or the empty string (the inverse of `is_present`).
//!
//! An empty list counts as empty too.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_null_or_empty`.
pub const SIGNATURE: Signature = Signature {
    name: "is_null_or_empty",
    category: Category::Evaluation,
    microsoft: &["IsNullOrEmpty"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is missing or the empty string (the inverse of `is_present`)",
    examples: &[
        Example { call: "is_null_or_empty(null)", result: "true" },
        Example { call: r##"is_null_or_empty("")"##, result: "true" },
        Example { call: r##"is_null_or_empty("a")"##, result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// Whether the value is `Null`, the empty string or an empty list.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let value = arg(args, 0);
    Ok(Value::Boolean(value.is_null() || matches!(value, Value::String(t) if t.is_empty()) || matches!(value, Value::List(l) if l.is_empty())))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, list, run, s};
    use crate::value::Value;

    #[test]
    fn cases() {
        let is = |v: Value| run(super::SIGNATURE.call, vec![v]);
        assert_eq!(is(s("")), Ok(b(true)));
        assert_eq!(is(list(&[])), Ok(b(true)));
        assert_eq!(is(Value::Null), Ok(b(true)));
        assert_eq!(is(s(" ")), Ok(b(false)));
        assert_eq!(is(i(0)), Ok(b(false)));
    }
}
