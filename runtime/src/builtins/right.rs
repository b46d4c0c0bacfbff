//! `right(text, count)`: the last `count` characters; all of `text` when `count` is negative or too large.
//!
//! As in Microsoft's `Right`: a `count` of 0 gives the empty string, a negative `count` gives `text` unchanged and a
//! missing `text` gives the empty string (not a missing value).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `right`.
pub const SIGNATURE: Signature = Signature {
    name: "right",
    category: Category::Text,
    microsoft: &["Right"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("count", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the last `count` characters; all of `text` when `count` is negative or too large",
    examples: &[
        Example { call: r##"right("John Doe", 3)"##, result: r##""Doe""## },
        Example { call: r##"right("John Doe", 0)"##, result: r##""""## },
        Example { call: r##"right("Doe", 5)"##, result: r##""Doe""## },
        Example { call: "right(null, 3)", result: r##""""## },
    ],
    call: self::call,
};

use super::support::{char_len, opt_int, opt_str};
use super::{Arg, CallError};
use crate::value::Value;

/// The last `count` characters (a missing `count` leaves `text` unchanged).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::String(String::new()));
    };
    let len = char_len(text);
    let count = match opt_int(args, 1, "count")? {
        Some(n) if (0..len).contains(&n) => usize::try_from(n).unwrap_or(0),
        _ => return Ok(Value::String(text.to_string())),
    };
    let skip = text.chars().count().saturating_sub(count);
    Ok(Value::String(text.chars().skip(skip).collect()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        assert_eq!(run(super::call, vec![s("Doe Zoë"), i(3)]), Ok(s("Zoë")));
        assert_eq!(run(super::call, vec![s("abc"), i(0)]), Ok(s("")));
        assert_eq!(run(super::call, vec![s("abc"), i(-5)]), Ok(s("abc")));
        assert_eq!(run(super::call, vec![s("abc"), i(i64::MAX)]), Ok(s("abc")));
        assert_eq!(run(super::call, vec![s("abc"), i(2)]), Ok(s("bc")));
        assert_eq!(run(super::call, vec![Value::Null, i(2)]), Ok(s("")));
        assert_eq!(run(super::call, vec![s("abc"), Value::Null]), Ok(s("abc")));
    }
}
