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

/// The text argument with `trim` applied (`trim`, `ltrim` and `rtrim`): no copy.
pub fn trimmed<'a>(args: &mut [Val<'a>], trim: fn(&str) -> &str) -> Result<Val<'a>, CallError> {
    // Borrowed text (the common case: an attribute) is sliced where it lies.
    match args.first() {
        Some(Val::Str(s)) => return Ok(Val::Str(trim(s))),
        Some(Val::Ref(crate::value::Value::String(s))) => return Ok(Val::Str(trim(s))),
        _ => {}
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
    }
}
