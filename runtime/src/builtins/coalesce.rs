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
    call: super::Call::Moves(self::call),
};

use super::CallError;
use crate::value::Val;

/// The first argument that is not `Null` (moved out, not copied).
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    Ok(args.iter_mut().find(|v| !v.is_null()).map(std::mem::take).unwrap_or(Val::NULL))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{list, run, s};
    use crate::value::Value;

    #[test]
    fn first_present() {
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, s(""), s("x")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, list(&[])]), Ok(list(&[])));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
        assert_eq!(run(super::SIGNATURE.call, vec![]), Ok(Value::Null));
    }
}
