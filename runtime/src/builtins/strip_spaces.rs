//! `strip_spaces(text)`: remove every space character.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `strip_spaces`.
pub const SIGNATURE: Signature = Signature {
    name: "strip_spaces",
    category: Category::Text,
    microsoft: &["StripSpaces"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove every space character",
    examples: &[
        Example { call: r##"strip_spaces(" John  Smith ")"##, result: r##""JohnSmith""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::Value;

/// `text` without its space characters (U+0020 only, as Entra's `StripSpaces`).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    Ok(opt_str(args, 0, "text")?.map_or(Value::Null, |t| Value::String(t.replace(' ', ""))))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn strips_only_spaces() {
        assert_eq!(run(super::SIGNATURE.call, vec![s(" a\tb c ")]), Ok(s("a\tbc")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("   ")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
