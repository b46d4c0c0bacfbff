//! `item(values, index)`: the value at the 1-based `index`; an error when out of range.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `item`.
pub const SIGNATURE: Signature = Signature {
    name: "item",
    category: Category::MultiValued,
    microsoft: &["Item"],
    params: &[
        Param::new("values", TypeSpec::ManyT),
        Param::new("index", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::T,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "the value at the 1-based `index`; an error when out of range",
    examples: &[
        Example { call: r##"item(["a", "b", "c"], 2)"##, result: r##""b""## },
        Example { call: r##"item(["a"], 2)"##, result: "error: index 2 is out of range (1 value)" },
        Example { call: r##"item(["a"], 0)"##, result: "error: index 0 is out of range (1 value)" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_int;
use super::{Arg, CallError, arg};
use crate::value::Value;

/// The value at the 1-based `index` (a single value is a list of one).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let values = arg(args, 0);
    let Some(index) = opt_int(args, 1, "index")? else {
        return Ok(Value::Null);
    };
    if values.is_null() {
        return Ok(Value::Null);
    }
    let all = values.values();
    let found = index.checked_sub(1).and_then(|i| usize::try_from(i).ok()).and_then(|i| all.get(i));
    match found {
        Some(v) => Ok(v.clone()),
        None => {
            let n = all.len();
            let plural = if n == 1 { "value" } else { "values" };
            Err(CallError(format!("index {index} is out of range ({n} {plural})")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, list, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        assert_eq!(run(super::SIGNATURE.call, vec![list(&["a", "b"]), i(2)]), Ok(s("b")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a"), i(1)]), Ok(s("a")));
        assert!(run(super::SIGNATURE.call, vec![list(&["a"]), i(0)]).is_err());
        assert!(run(super::SIGNATURE.call, vec![list(&["a"]), i(i64::MIN)]).is_err());
        assert!(run(super::SIGNATURE.call, vec![list(&[]), i(1)]).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(1)]), Ok(Value::Null));
    }
}
