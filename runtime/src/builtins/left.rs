//! `left(text, count)`: the first `count` characters; all of `text` when `count` is negative or too large.
//!
//! As in Microsoft's `Left`: a `count` of 0 gives the empty string, a negative `count` gives `text` unchanged and a
//! missing `text` gives the empty string (not a missing value).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `left`.
pub const SIGNATURE: Signature = Signature {
    name: "left",
    category: Category::Text,
    microsoft: &["Left"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("count", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the first `count` characters; all of `text` when `count` is negative or too large",
    examples: &[
        Example { call: r##"left("John Doe", 3)"##, result: r##""Joh""## },
        Example { call: r##"left("John Doe", 0)"##, result: r##""""## },
        Example { call: r##"left("John Doe", -1)"##, result: r##""John Doe""## },
        Example { call: r##"left("Jo", 3)"##, result: r##""Jo""## },
        Example { call: "left(null, 3)", result: r##""""## },
    ],
    call: self::call,
};

use super::support::{char_len, opt_int, opt_str};
use super::{Arg, CallError};
use crate::value::Value;

/// The first `count` characters (a missing `count` leaves `text` unchanged).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::String(String::new()));
    };
    let len = char_len(text);
    let count = match opt_int(args, 1, "count")? {
        Some(n) if (0..len).contains(&n) => usize::try_from(n).unwrap_or(0),
        _ => return Ok(Value::String(text.to_string())),
    };
    Ok(Value::String(text.chars().take(count).collect()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        assert_eq!(run(super::call, vec![s("Zoë Doe"), i(3)]), Ok(s("Zoë")));
        assert_eq!(run(super::call, vec![s("abc"), i(0)]), Ok(s("")));
        assert_eq!(run(super::call, vec![s("abc"), i(-5)]), Ok(s("abc")));
        assert_eq!(run(super::call, vec![s("abc"), i(i64::MAX)]), Ok(s("abc")));
        assert_eq!(run(super::call, vec![s("abc"), i(3)]), Ok(s("abc")));
        assert_eq!(run(super::call, vec![Value::Null, i(2)]), Ok(s("")));
        assert_eq!(run(super::call, vec![s("abc"), Value::Null]), Ok(s("abc")));
    }
}
