//! `str(value)`: convert a number, boolean, reference, guid or date and time to text.
//!
//! Integers in decimal, booleans as `true`/`false`, dates and times in RFC 3339 (`2024-01-05T10:00:00Z`), GUIDs in
//! lower-case `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` form, binary in base64, text and references as they are; a list
//! gives its values' texts joined with `,`.
//!
//! Differs from Microsoft: `CStr` writes booleans as `True`/`False` and dates in the server's culture; here booleans are `true`/`false` and dates RFC 3339 in UTC.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `str`.
pub const SIGNATURE: Signature = Signature {
    name: "str",
    category: Category::Conversion,
    microsoft: &["CStr"],
    params: &[
        Param::new("value", TypeSpec::Any),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "convert a number, boolean, reference, guid or date and time to text",
    examples: &[
        Example { call: "str(123)", result: r##""123""## },
        Example { call: "str(-5)", result: r##""-5""## },
        Example { call: r##"str("Ann")"##, result: r##""Ann""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::to_text;
use super::{Arg, CallError, arg};
use crate::value::Value;

/// The text of a value (see the module documentation).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    Ok(to_text(arg(args, 0)).map_or(Value::Null, Value::String))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, dt, i, list, run, s};
    use crate::value::Value;

    #[test]
    fn kinds() {
        let cs = |v: Value| run(super::SIGNATURE.call, vec![v]);
        assert_eq!(cs(i(-5)), Ok(s("-5")));
        assert_eq!(cs(b(true)), Ok(s("true")));
        assert_eq!(cs(dt("2024-01-05T10:00:00Z")), Ok(s("2024-01-05T10:00:00Z")));
        assert_eq!(cs(Value::Guid(1)), Ok(s("00000000-0000-0000-0000-000000000001")));
        assert_eq!(cs(Value::Reference("cn=a".into())), Ok(s("cn=a")));
        assert_eq!(cs(Value::Binary(b"foo".to_vec())), Ok(s("Zm9v")));
        assert_eq!(cs(list(&["a", "b"])), Ok(s("a,b")));
        assert_eq!(cs(Value::Null), Ok(Value::Null));
    }
}
