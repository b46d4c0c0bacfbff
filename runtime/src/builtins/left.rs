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
    call: super::Call::Moves(self::call),
};

use super::CallError;
use super::support::{char_offset, sub_text, take_str, val_int};
use crate::value::Val;

/// The first `count` characters (a missing `count` leaves `text` unchanged): a slice of borrowed
/// text, computed text cut in place.
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    let Some(text) = take_str(args, 0, "text")? else {
        return Ok(Val::Str(""));
    };
    let count = val_int(args, 1, "count")?;
    let end = match count.map(usize::try_from) {
        Some(Ok(n)) => char_offset(&text, n),
        _ => text.len(),
    };
    Ok(sub_text(text, 0, end))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("Zoë Doe"), i(3)]), Ok(s("Zoë")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), i(0)]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), i(-5)]), Ok(s("abc")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), i(i64::MAX)]), Ok(s("abc")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), i(3)]), Ok(s("abc")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(2)]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), Value::Null]), Ok(s("abc")));
    }
}
