//! `trim(text)`: remove leading and trailing white space.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `trim`.
pub const SIGNATURE: Signature = Signature {
    name: "trim",
    category: Category::Text,
    microsoft: &["Trim"],
    params: &[Param::new("text", TypeSpec::STRING)],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove leading and trailing white space",
    examples: &[
        Example { call: r#"trim("  Ann ")"#, result: r#""Ann""# },
        Example { call: r#"trim("")"#, result: r#""""# },
    ],
    call: super::Call::Moves(self::call),
};

use super::CallError;
use super::support::take_str;
use crate::value::Val;

/// `text.trim()`: white space is every Unicode white-space character, as .NET's `String.Trim`. A
/// slice of borrowed text, computed text cut in place.
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    trimmed(args, str::trim)
}

/// An ASCII byte that is not white space (`char::is_whitespace` holds for ASCII only on space and
/// `\t`..`\r`).
fn visible_ascii(b: u8) -> bool {
    b.is_ascii() && !matches!(b, b' ' | b'\t'..=b'\r')
}

/// The text argument with `trim` applied (`trim`, `ltrim` and `rtrim`): no copy.
pub fn trimmed<'a>(args: &mut [Val<'a>], trim: fn(&str) -> &str) -> Result<Val<'a>, CallError> {
    // Borrowed text (the common case: an attribute) is sliced where it lies; text that starts
    // and ends with a visible ASCII character is returned whole without looking further.
    let borrowed = match args.first() {
        Some(Val::Str(s)) => Some(*s),
        Some(Val::Ref(crate::value::Value::String(s))) => Some(s.as_str()),
        _ => None,
    };
    if let Some(s) = borrowed {
        if let (Some(&first), Some(&last)) = (s.as_bytes().first(), s.as_bytes().last())
            && visible_ascii(first)
            && visible_ascii(last)
        {
            return Ok(args.first_mut().map(std::mem::take).unwrap_or_default());
        }
        return Ok(Val::Str(trim(s)));
    }
    let Some(text) = take_str(args, 0, "text")? else { return Ok(Val::NULL) };
    let t = trim(&text);
    let start = t.as_ptr() as usize - text.as_ptr() as usize;
    let end = start + t.len();
    Ok(super::support::sub_text(text, start, end))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn trims() {
        let out = run(super::SIGNATURE.call, vec![s("\t a b\u{a0}\n")]);
        assert_eq!(out, Ok(s("\t a b\u{a0}\n".trim())));
        assert_eq!(run(super::SIGNATURE.call, vec![s("   ")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
        // The ASCII fast path agrees with `str::trim` (and `run` checks it against the path for
        // computed text).
        for t in ["\u{b}A\u{c}", "\u{1f}A\u{1f}", "A", "A \r", "\u{85}A", "A\u{a0}", "", "é"] {
            assert_eq!(run(super::SIGNATURE.call, vec![s(t)]), Ok(s(t.trim())), "{t:?}");
        }
    }
}
