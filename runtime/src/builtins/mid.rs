//! `mid(text, start, count)`: `count` characters from the 1-based position `start`, as many as there are.
//!
//! As in Microsoft's `Mid`: positions start at 1; a `count` of 0 gives the empty string; a negative `count`, a `start`
//! below 1 or past the end gives `text` unchanged; a missing `text` gives the empty string.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `mid`.
pub const SIGNATURE: Signature = Signature {
    name: "mid",
    category: Category::Text,
    microsoft: &["Mid"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("start", TypeSpec::INTEGER),
        Param::new("count", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "`count` characters from the 1-based position `start`, as many as there are",
    examples: &[
        Example { call: r##"mid("John Doe", 3, 5)"##, result: r##""hn Do""## },
        Example { call: r##"mid("John Doe", 6, 999)"##, result: r##""Doe""## },
        Example { call: r##"mid("John Doe", 1, 1)"##, result: r##""J""## },
        Example { call: r##"mid("John Doe", 0, 2)"##, result: r##""John Doe""## },
        Example { call: r##"mid("John Doe", 2, 0)"##, result: r##""""## },
        Example { call: "mid(null, 1, 2)", result: r##""""## },
    ],
    call: super::Call::Moves(self::call),
};

use super::CallError;
use super::support::{char_len, char_offset, sub_text, take_str, val_int};
use crate::value::Val;

/// Characters `start..start + count` (1-based), with Microsoft's edge cases: a slice of borrowed
/// text, computed text cut in place.
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    let Some(text) = take_str(args, 0, "text")? else {
        return Ok(Val::Str(""));
    };
    let (start, count) = (val_int(args, 1, "start")?, val_int(args, 2, "count")?);
    let (Some(start), Some(count)) = (start, count) else {
        return Ok(Val::text(text));
    };
    if count == 0 {
        return Ok(Val::Str(""));
    }
    if count < 0 || start < 1 || start > char_len(&text) {
        return Ok(Val::text(text));
    }
    let from = char_offset(&text, usize::try_from(start - 1).unwrap_or(0));
    let count = usize::try_from(count).unwrap_or(usize::MAX);
    let to = text.get(from..).map_or(text.len(), |rest| from + char_offset(rest, count));
    Ok(sub_text(text, from, to))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let mid = |t: &str, a: i64, n: i64| run(super::SIGNATURE.call, vec![s(t), i(a), i(n)]);
        assert_eq!(mid("Zoë Doe", 3, 3), Ok(s("ë D")));
        assert_eq!(mid("abc", 3, 1), Ok(s("c")));
        assert_eq!(mid("abc", 4, 1), Ok(s("abc")));
        assert_eq!(mid("abc", -1, 1), Ok(s("abc")));
        assert_eq!(mid("abc", 2, -1), Ok(s("abc")));
        assert_eq!(mid("abc", 2, i64::MAX), Ok(s("bc")));
        assert_eq!(mid("abc", i64::MIN, 0), Ok(s("")));
        assert_eq!(mid("", 1, 1), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(1), i(1)]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), Value::Null, i(1)]), Ok(s("abc")));
    }
}
