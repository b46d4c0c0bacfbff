//! `len(text)`: the number of characters.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `len`.
pub const SIGNATURE: Signature = Signature {
    name: "len",
    category: Category::Text,
    microsoft: &["Len"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the number of characters",
    examples: &[
        Example { call: r##"len("John Doe")"##, result: "8" },
        Example { call: r##"len("")"##, result: "0" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{char_len, opt_str};
use super::{Arg, CallError};
use crate::value::Value;

/// The number of characters (not bytes).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    Ok(opt_str(args, 0, "text")?.map_or(Value::Null, |t| Value::Integer(char_len(t))))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn counts_characters() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("Zoë")]), Ok(i(3)));
        assert_eq!(run(super::SIGNATURE.call, vec![s("")]), Ok(i(0)));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
