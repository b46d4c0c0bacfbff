//! `int(value)`: convert text or a number to an integer.
//!
//! Text is decimal digits with an optional sign and surrounding white space; anything else is an error.
//!
//! Differs from Microsoft: `CNum` has no decimals either, but here booleans are not numbers (VB would give -1 for true).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `int`.
pub const SIGNATURE: Signature = Signature {
    name: "int",
    category: Category::Conversion,
    microsoft: &["CNum"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert text or a number to an integer",
    examples: &[
        Example { call: r##"int("123")"##, result: "123" },
        Example { call: "int(7)", result: "7" },
        Example { call: r##"int("12a")"##, result: r##"error: "12a" is not a number"## },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::{Value, quote};

/// The integer of a value: an integer itself, or decimal text (surrounding white space and a
/// sign allowed).
pub(super) fn convert(value: &Value) -> Result<i64, CallError> {
    match value {
        Value::Integer(n) => Ok(*n),
        Value::String(t) => {
            let trimmed = t.trim();
            let digits = trimmed.strip_prefix(['+', '-']).unwrap_or(trimmed);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return Err(CallError(format!("{} is not a number", quote(t))));
            }
            trimmed.strip_prefix('+').unwrap_or(trimmed).parse().map_err(|_| CallError(format!("{} is out of the integer range", quote(t))))
        }
        other => Err(CallError(format!("{} is not a number", other.to_literal()))),
    }
}

/// `convert`, `Null` for `Null`.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        v => convert(v).map(Value::Integer),
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let int = |v: Value| run(super::SIGNATURE.call, vec![v]);
        assert_eq!(int(s(" -42 ")), Ok(i(-42)));
        assert_eq!(int(s("+7")), Ok(i(7)));
        assert_eq!(int(s("9223372036854775807")), Ok(i(i64::MAX)));
        assert!(int(s("9223372036854775808")).is_err());
        assert!(int(s("1.5")).is_err());
        assert!(int(s("-")).is_err());
        assert!(int(s("")).is_err());
        assert!(int(b(true)).is_err());
        assert_eq!(int(Value::Null), Ok(Value::Null));
    }
}
