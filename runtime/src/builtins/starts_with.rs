//! `starts_with(text, prefix)`: `text` begins with `prefix` (case-sensitive).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `starts_with`.
pub const SIGNATURE: Signature = Signature {
    name: "starts_with",
    category: Category::Text,
    microsoft: &[],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("prefix", TypeSpec::STRING),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "`text` begins with `prefix` (case-sensitive)",
    examples: &[
        Example { call: r##"starts_with("SMTP:jd@contoso.com", "SMTP:")"##, result: "true" },
        Example { call: r##"starts_with("smtp:jd@contoso.com", "SMTP:")"##, result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::Value;

/// Whether `text` begins with `prefix`.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(text), Some(prefix)) = (opt_str(args, 0, "text")?, opt_str(args, 1, "prefix")?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Boolean(text.starts_with(prefix)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, run, s};
    use crate::value::Value;

    #[test]
    fn prefixes() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), s("ab")]), Ok(b(true)));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), s("AB")]), Ok(b(false)));
        assert_eq!(run(super::SIGNATURE.call, vec![s("abc"), s("")]), Ok(b(true)));
        assert_eq!(run(super::SIGNATURE.call, vec![s(""), s("a")]), Ok(b(false)));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a"), Value::Null]), Ok(Value::Null));
    }
}
