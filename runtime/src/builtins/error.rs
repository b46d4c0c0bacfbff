//! `error(message)`: fail the flow for this object with `message`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `error`.
pub const SIGNATURE: Signature = Signature {
    name: "error",
    category: Category::Flow,
    microsoft: &["Error"],
    params: &[
        Param::new("message", TypeSpec::STRING),
    ],
    returns: TypeSpec::Any,
    nulls: Nulls::Handled,
    pure: true,
    fallible: true,
    summary: "fail the flow for this object with `message`",
    examples: &[
        Example { call: r##"error("AccountName is required")"##, result: "error: AccountName is required" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::Value;

/// Always fails with `message` (line breaks become spaces; a missing message gives `error`).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let message = opt_str(args, 0, "message")?.unwrap_or("error");
    let one_line: Vec<&str> = message.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    let text = if one_line.is_empty() { "error".to_string() } else { one_line.join(" ") };
    Err(CallError(text))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use super::CallError;
    use crate::value::Value;

    #[test]
    fn fails() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("no name")]), Err(CallError("no name".into())));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a\nb")]), Err(CallError("a b".into())));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Err(CallError("error".into())));
        assert_eq!(run(super::SIGNATURE.call, vec![s("")]), Err(CallError("error".into())));
    }
}
