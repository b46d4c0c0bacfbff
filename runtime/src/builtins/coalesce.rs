//! `coalesce(values...)`: the first argument that is not missing.
//!
//! An empty string is a value, not a missing one (as in Entra's `Coalesce`); pass a literal last for a default.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `coalesce`.
pub const SIGNATURE: Signature = Signature {
    name: "coalesce",
    category: Category::Evaluation,
    microsoft: &["Coalesce"],
    params: &[
        Param::variadic("values", TypeSpec::T),
    ],
    returns: TypeSpec::T,
    nulls: Nulls::AllMissing,
    pure: true,
    fallible: false,
    summary: "the first argument that is not missing",
    examples: &[
        Example { call: r##"coalesce(null, "John.Doe@contoso.com")"##, result: r##""John.Doe@contoso.com""## },
        Example { call: r##"coalesce("", "x")"##, result: r##""""## },
        Example { call: "coalesce(null, null)", result: "null" },
    ],
    call: self::call,
};

use super::{Arg, CallError};
use crate::value::Value;

/// The first argument that is not `Null`.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    Ok(args.iter().map(|a| a.as_ref()).find(|v| !v.is_null()).cloned().unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{list, run, s};
    use crate::value::Value;

    #[test]
    fn first_present() {
        assert_eq!(run(super::call, vec![Value::Null, s(""), s("x")]), Ok(s("")));
        assert_eq!(run(super::call, vec![Value::Null, list(&[])]), Ok(list(&[])));
        assert_eq!(run(super::call, vec![Value::Null]), Ok(Value::Null));
        assert_eq!(run(super::call, vec![]), Ok(Value::Null));
    }
}
