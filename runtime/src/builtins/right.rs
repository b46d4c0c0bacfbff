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
    call: super::Call::Moves(self::call),
};

use super::CallError;
use super::support::{char_len, char_offset, sub_text, take_str, val_int};
use crate::value::Val;

/// The last `count` characters (a missing `count` leaves `text` unchanged): a slice of borrowed
/// text, computed text cut in place.
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    let Some(text) = take_str(args, 0, "text")? else {
        return Ok(Val::Str(""));
    };
    let count = val_int(args, 1, "count")?;
    let len = char_len(&text);
    let start = match count {
        Some(n) if (0..len).contains(&n) => char_offset(&text, usize::try_from(len - n).unwrap_or(0)),
        _ => 0,
    };
    let end = text.len();
    Ok(sub_text(text, start, end))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("Doe Zoë"), i(3)]), Ok(s("Zoë")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), i(0)]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), i(-5)]), Ok(s("abc")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), i(i64::MAX)]), Ok(s("abc")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), i(2)]), Ok(s("bc")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(2)]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), Value::Null]), Ok(s("abc")));
    }
}
