//! `is_string(value)`: the value is text.
//!
//! Microsoft's `IsString` is true when the expression "can be evaluated to a string type"; values
//! here are typed, so that is: the value is a string (the empty string included).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_string`.
pub const SIGNATURE: Signature = Signature {
    name: "is_string",
    category: Category::Evaluation,
    microsoft: &["IsString"],
    params: &[Param::new("value", TypeSpec::Any)],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is text",
    examples: &[
        Example { call: r##"is_string("abc")"##, result: "true" },
        Example { call: r##"is_string("")"##, result: "true" },
        Example { call: "is_string(42)", result: "false" },
        Example { call: "is_string(null)", result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    Ok(Value::Boolean(matches!(arg(args, 0), Value::String(_))))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, list, run, s};
    use crate::value::Value;

    #[test]
    fn cases() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("x")]), Ok(b(true)));
        assert_eq!(run(super::SIGNATURE.call, vec![i(1)]), Ok(b(false)));
        assert_eq!(run(super::SIGNATURE.call, vec![list(&["a"])]), Ok(b(false)));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(b(false)));
        assert_eq!(run(super::SIGNATURE.call, vec![]), Ok(b(false)));
    }
}
