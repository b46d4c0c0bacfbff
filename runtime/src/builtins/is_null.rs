//! `is_null(value)`: the value is missing (an absent attribute).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_null`.
pub const SIGNATURE: Signature = Signature {
    name: "is_null",
    category: Category::Evaluation,
    microsoft: &["IsNull"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is missing (an absent attribute)",
    examples: &[
        Example { call: "is_null(null)", result: "true" },
        Example { call: r##"is_null("")"##, result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// Whether the value is `Null`.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let value = arg(args, 0);
    Ok(Value::Boolean(value.is_null()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, list, run, s};
    use crate::value::Value;

    #[test]
    fn cases() {
        let is = |v: Value| run(super::SIGNATURE.call, vec![v]);
        assert_eq!(is(Value::Null), Ok(b(true)));
        assert_eq!(is(s("")), Ok(b(false)));
        assert_eq!(is(list(&[])), Ok(b(false)));
        assert_eq!(is(i(0)), Ok(b(false)));
    }
}
