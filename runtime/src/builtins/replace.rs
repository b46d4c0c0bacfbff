//! `replace(text, old, new)`: replace every occurrence of `old` with `new` (case-sensitive).
//!
//! An empty `old` leaves `text` unchanged.
//!
//! Differs from Microsoft: only the plain form of `Replace`; the Entra regular-expression and template forms are not covered, and `\n`-style escapes in `old`/`new` are the language's string escapes.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `replace`.
pub const SIGNATURE: Signature = Signature {
    name: "replace",
    category: Category::Text,
    microsoft: &["Replace"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("old", TypeSpec::STRING),
        Param::new("new", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "replace every occurrence of `old` with `new` (case-sensitive)",
    examples: &[
        Example { call: r##"replace("One Microsoft Way\r\nRedmond", "\r\n", ", ")"##, result: r##""One Microsoft Way, Redmond""## },
        Example { call: r##"replace("a-b-c", "-", "")"##, result: r##""abc""## },
        Example { call: r##"replace("Abc", "a", "x")"##, result: r##""Abc""## },
    ],
    call: super::Call::Moves(self::call),
};

use super::CallError;
use super::support::take_str;
use crate::value::Val;

/// Every `old` replaced with `new`; an empty `old` leaves `text` unchanged (as VB's `Replace`).
/// Text without `old` is returned as it is (no copy).
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    let text = take_str(args, 0, "text")?;
    let old = take_str(args, 1, "old")?;
    let new = take_str(args, 2, "new")?;
    let (Some(text), Some(old), Some(new)) = (text, old, new) else {
        return Ok(Val::NULL);
    };
    if let [byte] = old.as_bytes() {
        // One ASCII character (a space, a dot...): a byte scan, no substring search.
        let Some(first) = text.bytes().position(|b| b == *byte) else {
            return Ok(Val::text(text));
        };
        let mut out = String::with_capacity(text.len() + new.len());
        let mut plain = 0;
        for (i, b) in text.bytes().enumerate().skip(first) {
            if b == *byte {
                out.push_str(text.get(plain..i).unwrap_or(""));
                out.push_str(&new);
                plain = i + 1;
            }
        }
        out.push_str(text.get(plain..).unwrap_or(""));
        return Ok(Val::String(out));
    }
    if old.is_empty() || !text.contains(&*old) {
        return Ok(Val::text(text));
    }
    Ok(Val::String(text.replace(&*old, &new)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("aXbX"), s("X"), s("yy")]), Ok(s("ayybyy")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), s(""), s("y")]), Ok(s("abc")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("aaa"), s("aa"), s("b")]), Ok(s("ba")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), Value::Null, s("y")]), Ok(Value::Null));
    }
}
