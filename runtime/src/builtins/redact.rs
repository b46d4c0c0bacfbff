//! `redact(value)`: the value unchanged, shown as `[redacted]` in logs, previews and run history.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `redact`.
pub const SIGNATURE: Signature = Signature {
    name: "redact",
    category: Category::Flow,
    microsoft: &["Redact"],
    params: &[
        Param::new("value", TypeSpec::T),
    ],
    returns: TypeSpec::T,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the value unchanged, shown as `[redacted]` in logs, previews and run history",
    examples: &[
        Example { call: r##"redact("StringToBeRedacted")"##, result: r##""StringToBeRedacted""## },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// The value unchanged (the evaluator's logging is what hides it).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    Ok(arg(args, 0).clone())
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{list, run, s};
    use crate::value::Value;

    #[test]
    fn identity() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("x")]), Ok(s("x")));
        assert_eq!(run(super::SIGNATURE.call, vec![list(&["a"])]), Ok(list(&["a"])));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
