//! `split(text, delimiter, limit?)`: split `text` at every `delimiter` character into a multi-valued string.
//!
//! `delimiter` must be one character (an error otherwise, as in Microsoft's `Split`); `limit` caps the number of values.
//! As VB's `Split`: with a `limit` the last value holds the rest of the text, a negative `limit` means no limit and 0
//! gives no values; empty text gives no values; consecutive delimiters give empty values.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `split`.
pub const SIGNATURE: Signature = Signature {
    name: "split",
    category: Category::MultiValued,
    microsoft: &["Split"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("delimiter", TypeSpec::STRING),
        Param::omittable("limit", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::Many(ValueKind::String),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "split `text` at every `delimiter` character into a multi-valued string",
    examples: &[
        Example { call: r##"split("SMTP:john.doe@contoso.com,smtp:jd@contoso.com", ",")"##, result: r##"["SMTP:john.doe@contoso.com", "smtp:jd@contoso.com"]"## },
        Example { call: r##"split("a", ",")"##, result: r##"["a"]"## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{opt_int, opt_str};
use super::{Arg, CallError};
use crate::value::{Value, quote};

/// The pieces of `text` between `delimiter` characters, at most `limit` of them (the last one
/// keeps the rest of the text).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(text), Some(delimiter)) = (opt_str(args, 0, "text")?, opt_str(args, 1, "delimiter")?) else {
        return Ok(Value::Null);
    };
    let mut chars = delimiter.chars();
    let (Some(d), None) = (chars.next(), chars.next()) else {
        return Err(CallError(format!("the delimiter {} is not one character", quote(delimiter))));
    };
    let limit = match opt_int(args, 2, "limit")? {
        Some(n) if n >= 0 => usize::try_from(n).unwrap_or(usize::MAX),
        _ => usize::MAX,
    };
    if text.is_empty() || limit == 0 {
        return Ok(Value::List(Vec::new()));
    }
    Ok(Value::List(text.splitn(limit, d).map(|p| Value::String(p.to_string())).collect()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, list, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let split = |args: Vec<Value>| run(super::SIGNATURE.call, args);
        assert_eq!(split(vec![s("a,,b,"), s(",")]), Ok(list(&["a", "", "b", ""])));
        assert_eq!(split(vec![s("a,b,c"), s(","), i(2)]), Ok(list(&["a", "b,c"])));
        assert_eq!(split(vec![s("a,b,c"), s(","), i(-1)]), Ok(list(&["a", "b", "c"])));
        assert_eq!(split(vec![s("a,b,c"), s(","), i(0)]), Ok(list(&[])));
        assert_eq!(split(vec![s(""), s(",")]), Ok(list(&[])));
        assert_eq!(split(vec![s("aëb"), s("ë")]), Ok(list(&["a", "b"])));
        assert!(split(vec![s("a"), s("")]).is_err());
        assert!(split(vec![s("a"), s(", ")]).is_err());
        assert_eq!(split(vec![Value::Null, s(",")]), Ok(Value::Null));
    }
}
