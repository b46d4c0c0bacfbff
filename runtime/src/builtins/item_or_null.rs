//! `item_or_null(values, index)`: the value at the 1-based `index`; missing when out of range.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `item_or_null`.
pub const SIGNATURE: Signature = Signature {
    name: "item_or_null",
    category: Category::MultiValued,
    microsoft: &["ItemOrNull"],
    params: &[
        Param::new("values", TypeSpec::ManyT),
        Param::new("index", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::T,
    nulls: Nulls::MayBeMissing,
    pure: true,
    fallible: false,
    summary: "the value at the 1-based `index`; missing when out of range",
    examples: &[
        Example { call: r##"item_or_null(["a", "b"], 2)"##, result: r##""b""## },
        Example { call: r##"item_or_null(["a"], 2)"##, result: "null" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_int;
use super::{Arg, CallError, arg};
use crate::value::Value;

/// The value at the 1-based `index` (a single value is a list of one), `Null` when there is none.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let all = arg(args, 0).values();
    let Some(index) = opt_int(args, 1, "index")? else {
        return Ok(Value::Null);
    };
    let found = index.checked_sub(1).and_then(|i| usize::try_from(i).ok()).and_then(|i| all.get(i));
    Ok(found.cloned().unwrap_or(Value::Null))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, list, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        assert_eq!(run(super::SIGNATURE.call, vec![list(&["a", "b"]), i(1)]), Ok(s("a")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a"), i(1)]), Ok(s("a")));
        assert_eq!(run(super::SIGNATURE.call, vec![list(&["a"]), i(0)]), Ok(Value::Null));
        assert_eq!(run(super::SIGNATURE.call, vec![list(&["a"]), i(-1)]), Ok(Value::Null));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(1)]), Ok(Value::Null));
        assert_eq!(run(super::SIGNATURE.call, vec![list(&["a"]), Value::Null]), Ok(Value::Null));
    }
}
