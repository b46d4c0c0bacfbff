//! `is_guid(value)`: the value is a guid or text in the form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, with or without braces.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_guid`.
pub const SIGNATURE: Signature = Signature {
    name: "is_guid",
    category: Category::Evaluation,
    microsoft: &["IsGuid"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the value is a guid or text in the form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, with or without braces",
    examples: &[
        Example { call: r##"is_guid("0f8fad5b-d9cb-469f-a165-70867728950e")"##, result: "true" },
        Example { call: r##"is_guid("{0f8fad5b-d9cb-469f-a165-70867728950e}")"##, result: "true" },
        Example { call: r##"is_guid("0f8fad5b")"##, result: "false" },
        Example { call: "is_guid(null)", result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// Whether the value is a GUID, or text `parse_guid` accepts.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let value = arg(args, 0);
    Ok(Value::Boolean(match value { Value::Guid(_) => true, Value::String(t) => crate::value::parse_guid(t).is_some(), _ => false }))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, list, run, s};
    use crate::value::Value;

    #[test]
    fn cases() {
        let is = |v: Value| run(super::SIGNATURE.call, vec![v]);
        assert_eq!(is(s("0f8fad5b-d9cb-469f-a165-70867728950E")), Ok(b(true)));
        assert_eq!(is(s("{0f8fad5b-d9cb-469f-a165-70867728950e}")), Ok(b(true)));
        assert_eq!(is(s("0f8fad5bd9cb469fa16570867728950e")), Ok(b(false)));
        assert_eq!(is(Value::Guid(7)), Ok(b(true)));
        assert_eq!(is(i(0)), Ok(b(false)));
        assert_eq!(is(list(&[])), Ok(b(false)));
        assert_eq!(is(Value::Null), Ok(b(false)));
    }
}
