//! `from_base64(text, encoding?)`: decode base64 into text in the given encoding (`"Unicode"`, the default, `"UTF8"` or `"ASCII"`).
//!
//! `"Unicode"` is utf-16 little-endian, as in Microsoft's `ConvertFromBase64`. Invalid base64, bytes that are not valid
//! in the encoding, or an unknown encoding are errors.
//!
//! Differs from Microsoft: bytes that are not valid in the encoding are an error instead of being replaced by `?` or U+FFFD.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `from_base64`.
pub const SIGNATURE: Signature = Signature {
    name: "from_base64",
    category: Category::Conversion,
    microsoft: &["ConvertFromBase64"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::omittable("encoding", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: r##"decode base64 into text in the given encoding (`"Unicode"`, the default, `"UTF8"` or `"ASCII"`)"##,
    examples: &[
        Example { call: r##"from_base64("SABlAGwAbABvACAAdwBvAHIAbABkACEA")"##, result: r##""Hello world!""## },
        Example { call: r##"from_base64("SGVsbG8gd29ybGQh", "UTF8")"##, result: r##""Hello world!""## },
        Example { call: r##"from_base64("not base64!")"##, result: "error: invalid base64" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{decode, encoding, opt_str};
use super::{Arg, CallError};
use crate::value::Value;

/// The text whose bytes in the encoding (UTF-16LE by default) the base64 spells.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::Null);
    };
    let enc = encoding(opt_str(args, 1, "encoding")?)?;
    let bytes = crate::text::base64_decode(text).ok_or_else(|| CallError(format!("invalid base64: `{text}`")))?;
    decode(&bytes, enc).map(Value::String)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn encodings() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("6QA=")]), Ok(s("é")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("w6k="), s("utf8")]), Ok(s("é")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("YWI="), s("ASCII")]), Ok(s("ab")));
        assert!(run(super::SIGNATURE.call, vec![s("w6k="), s("ASCII")]).is_err());
        assert!(run(super::SIGNATURE.call, vec![s("6Q==")]).is_err());
        assert!(run(super::SIGNATURE.call, vec![s("ANg=")]).is_err());
        assert!(run(super::SIGNATURE.call, vec![s("YWI="), s("latin9")]).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![s("")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
