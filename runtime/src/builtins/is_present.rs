//! `is_present(value)`: the value is neither missing nor the empty string (the inverse of `is_null_or_empty`).
//!
//! An empty list is not present.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_present`.
pub const SIGNATURE: Signature = Signature {
    name: "is_present",
    category: Category::Evaluation,
    microsoft: &["IsPresent"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is neither missing nor the empty string (the inverse of `is_null_or_empty`)",
    examples: &[
        Example { call: r##"is_present("Ann")"##, result: "true" },
        Example { call: r##"is_present("")"##, result: "false" },
        Example { call: "is_present(null)", result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// Whether the value is neither `Null`, the empty string nor an empty list.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let value = arg(args, 0);
    Ok(Value::Boolean(!(value.is_null() || matches!(value, Value::String(t) if t.is_empty()) || matches!(value, Value::List(l) if l.is_empty()))))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, list, run, s};
    use crate::value::Value;

    #[test]
    fn cases() {
        let is = |v: Value| run(super::SIGNATURE.call, vec![v]);
        assert_eq!(is(s("")), Ok(b(false)));
        assert_eq!(is(list(&[])), Ok(b(false)));
        assert_eq!(is(Value::Null), Ok(b(false)));
        assert_eq!(is(s(" ")), Ok(b(true)));
        assert_eq!(is(i(0)), Ok(b(true)));
    }
}
