//! `remove_duplicates(values)`: the values without repeats, in first-seen order.
//!
//! Comparison is exact (case-sensitive); a single value gives a list of one.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `remove_duplicates`.
pub const SIGNATURE: Signature = Signature {
    name: "remove_duplicates",
    category: Category::MultiValued,
    microsoft: &["RemoveDuplicates"],
    params: &[
        Param::new("values", TypeSpec::ManyT),
    ],
    returns: TypeSpec::ManyT,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the values without repeats, in first-seen order",
    examples: &[
        Example { call: r##"remove_duplicates(["a", "b", "a"])"##, result: r##"["a", "b"]"## },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// The values without repeats (exact, case-sensitive comparison).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let values = arg(args, 0);
    if values.is_null() {
        return Ok(Value::Null);
    }
    let mut out: Vec<Value> = Vec::new();
    for v in values.values() {
        if !out.contains(v) {
            out.push(v.clone());
        }
    }
    Ok(Value::List(out))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, list, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        assert_eq!(run(super::SIGNATURE.call, vec![list(&["a", "A", "a", "b", "A"])]), Ok(list(&["a", "A", "b"])));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a")]), Ok(list(&["a"])));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::List(vec![i(1), i(1)])]), Ok(Value::List(vec![i(1)])));
        assert_eq!(run(super::SIGNATURE.call, vec![list(&[])]), Ok(list(&[])));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
