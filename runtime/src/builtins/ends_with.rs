//! `ends_with(text, suffix)`: `text` ends with `suffix` (case-sensitive).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `ends_with`.
pub const SIGNATURE: Signature = Signature {
    name: "ends_with",
    category: Category::Text,
    microsoft: &[],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("suffix", TypeSpec::STRING),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "`text` ends with `suffix` (case-sensitive)",
    examples: &[
        Example { call: r##"ends_with("jd@contoso.com", "@contoso.com")"##, result: "true" },
        Example { call: r##"ends_with("jd@fabrikam.com", "@contoso.com")"##, result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::Value;

/// Whether `text` ends with `suffix`.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(text), Some(suffix)) = (opt_str(args, 0, "text")?, opt_str(args, 1, "suffix")?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Boolean(text.ends_with(suffix)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, run, s};
    use crate::value::Value;

    #[test]
    fn suffixes() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), s("bc")]), Ok(b(true)));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), s("BC")]), Ok(b(false)));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), s("")]), Ok(b(true)));
        assert_eq!(run(super::SIGNATURE.call, vec![s(""), s("a")]), Ok(b(false)));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, s("a")]), Ok(Value::Null));
    }
}
