//! `append(text, suffix)`: append `suffix` to `text`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `append`.
pub const SIGNATURE: Signature = Signature {
    name: "append",
    category: Category::Text,
    microsoft: &["Append"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("suffix", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "append `suffix` to `text`",
    examples: &[
        Example { call: r##"append("John.Doe@contoso.com", ".test")"##, result: r##""John.Doe@contoso.com.test""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::Value;

/// `text` followed by `suffix`.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(text), Some(suffix)) = (opt_str(args, 0, "text")?, opt_str(args, 1, "suffix")?) else {
        return Ok(Value::Null);
    };
    Ok(Value::String(format!("{text}{suffix}")))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn appends() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("a"), s("b")]), Ok(s("ab")));
        assert_eq!(run(super::SIGNATURE.call, vec![s(""), s("")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, s("b")]), Ok(Value::Null));
    }
}
