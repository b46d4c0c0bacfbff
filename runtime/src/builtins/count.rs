//! `count(values)`: the number of values of a multi-valued value; 0 when it is missing.
//!
//! A single value counts 1.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `count`.
pub const SIGNATURE: Signature = Signature {
    name: "count",
    category: Category::MultiValued,
    microsoft: &["Count"],
    params: &[
        Param::new("values", TypeSpec::ManyAny),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the number of values of a multi-valued value; 0 when it is missing",
    examples: &[
        Example { call: r##"count(["SMTP:a@contoso.com", "smtp:b@contoso.com"])"##, result: "2" },
        Example { call: "count([])", result: "0" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// The number of values (one value alone counts 1, a missing one 0).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    Ok(Value::Integer(i64::try_from(arg(args, 0).values().len()).unwrap_or(i64::MAX)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, list, run, s};
    use crate::value::Value;

    #[test]
    fn counts() {
        assert_eq!(run(super::SIGNATURE.call, vec![list(&["a", "b"])]), Ok(i(2)));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a")]), Ok(i(1)));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(i(0)));
        assert_eq!(run(super::SIGNATURE.call, vec![]), Ok(i(0)));
    }
}
