//! `ltrim(text)`: remove leading white space.
//!
//! Differs from Microsoft: `LTrim` removes only spaces; here every Unicode white-space character (as .NET `TrimStart`).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `ltrim`.
pub const SIGNATURE: Signature = Signature {
    name: "ltrim",
    category: Category::Text,
    microsoft: &["LTrim"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove leading white space",
    examples: &[
        Example { call: r##"ltrim(" Test ")"##, result: r##""Test ""## },
    ],
    call: super::Call::Moves(self::call),
};

use super::CallError;
use crate::value::Val;

/// `text.trim_start()`: white space is every Unicode white-space character, as .NET's `String.Trim`.
fn call<'a>(args: &mut [Val<'a>]) -> Result<Val<'a>, CallError> {
    super::trim::trimmed(args, str::trim_start)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn trims() {
        let out = run(super::SIGNATURE.call, vec![s("\t a b\u{a0}\n")]);
        assert_eq!(out, Ok(s("\t a b\u{a0}\n".trim_start())));
        assert_eq!(run(super::SIGNATURE.call, vec![s("   ")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
