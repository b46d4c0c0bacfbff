//! `pad_left(text, length, pad)`: prepend `pad` until `text` is `length` characters long.
//!
//! `pad` must be exactly one character (an error otherwise; a length above 1,048,576 is an error too); a `text` already that long is returned unchanged; a missing
//! `text` gives the empty string.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `pad_left`.
pub const SIGNATURE: Signature = Signature {
    name: "pad_left",
    category: Category::Text,
    microsoft: &["PadLeft"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("length", TypeSpec::INTEGER),
        Param::new("pad", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: true,
    summary: "prepend `pad` until `text` is `length` characters long",
    examples: &[
        Example { call: r##"pad_left("User", 10, "0")"##, result: r##""000000User""## },
        Example { call: r##"pad_left("Username", 4, "0")"##, result: r##""Username""## },
        Example { call: r##"pad_left(null, 4, "0")"##, result: r##""""## },
        Example { call: r##"pad_left("User", 10, "ab")"##, result: r##"error: the pad "ab" is not one character"## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::padding;
use super::{Arg, CallError};
use crate::value::Value;

/// `text` padded with `pad` to `length` characters (a missing `length` leaves it unchanged).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    Ok(Value::String(match padding(args)? {
        Some((text, padding)) => format!("{padding}{text}"),
        None => String::new(),
    }))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let pad = |t: Value, n: i64, p: &str| run(super::SIGNATURE.call, vec![t, i(n), s(p)]);
        assert_eq!(pad(s("ab"), 4, "_"), Ok(s("__ab")));
        assert_eq!(pad(s("ab"), 2, "_"), Ok(s("ab")));
        assert_eq!(pad(s("ab"), -3, "_"), Ok(s("ab")));
        assert_eq!(pad(s("ë"), 2, "ë"), Ok(s("ëë")));
        assert_eq!(pad(Value::Null, 2, "0"), Ok(s("")));
        assert!(pad(s("a"), i64::MAX, "0").is_err());
        assert!(pad(s("ab"), 4, "").is_err());
        assert!(pad(s("ab"), 4, "xy").is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![s("ab"), Value::Null, s("0")]), Ok(s("ab")));
    }
}
