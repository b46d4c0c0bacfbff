//! `bool(value)`: convert to a boolean: a non-zero number is `true`, zero is `false`.
//!
//! Text `"true"`/`"false"` (any case) and integer text convert too; other text is an error.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `bool`.
pub const SIGNATURE: Signature = Signature {
    name: "bool",
    category: Category::Conversion,
    microsoft: &["CBool"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert to a boolean: a non-zero number is `true`, zero is `false`",
    examples: &[
        Example { call: "bool(5)", result: "true" },
        Example { call: "bool(0)", result: "false" },
        Example { call: "bool(true)", result: "true" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::{Value, quote};

/// The boolean of a value.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Boolean(b) => Ok(Value::Boolean(*b)),
        Value::Integer(n) => Ok(Value::Boolean(*n != 0)),
        Value::String(t) => match t.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            other => match other.parse::<i64>() {
                Ok(n) => Ok(Value::Boolean(n != 0)),
                Err(_) => Err(CallError(format!("{} is not a boolean", quote(t)))),
            },
        },
        other => Err(CallError(format!("{} is not a boolean", other.to_literal()))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let cb = |v: Value| run(super::SIGNATURE.call, vec![v]);
        assert_eq!(cb(i(-1)), Ok(b(true)));
        assert_eq!(cb(i(0)), Ok(b(false)));
        assert_eq!(cb(s(" TRUE ")), Ok(b(true)));
        assert_eq!(cb(s("False")), Ok(b(false)));
        assert_eq!(cb(s("0")), Ok(b(false)));
        assert_eq!(cb(s("12")), Ok(b(true)));
        assert!(cb(s("yes")).is_err());
        assert!(cb(Value::DateTime(0)).is_err());
        assert_eq!(cb(Value::Null), Ok(Value::Null));
    }
}
