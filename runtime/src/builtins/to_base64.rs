//! `to_base64(text, encoding?)`: encode text as base64 of its utf-16 (little-endian) bytes.
//!
//! As Microsoft's `ConvertToBase64`, `"Unicode"` (utf-16 little-endian) by default; `encoding` may be `"UTF8"` or
//! `"ASCII"` as in `ConvertFromBase64` (non-ASCII text in `"ASCII"` and an unknown encoding are errors).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `to_base64`.
pub const SIGNATURE: Signature = Signature {
    name: "to_base64",
    category: Category::Conversion,
    microsoft: &["ConvertToBase64"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::omittable("encoding", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "encode text as base64 of its utf-16 (little-endian) bytes",
    examples: &[
        Example { call: r##"to_base64("Hello world!")"##, result: r##""SABlAGwAbABvACAAdwBvAHIAbABkACEA""## },
        Example { call: r##"to_base64("Hello world!", "UTF8")"##, result: r##""SGVsbG8gd29ybGQh""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{encode, encoding, opt_str};
use super::{Arg, CallError};
use crate::value::Value;

/// Base64 of the text's bytes in the encoding (UTF-16LE by default).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::Null);
    };
    let enc = encoding(opt_str(args, 1, "encoding")?)?;
    Ok(Value::String(crate::text::base64_encode(&encode(text, enc)?)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn encodings() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("é")]), Ok(s("6QA=")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("é"), s("utf-8")]), Ok(s("w6k=")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("ab"), s("ASCII")]), Ok(s("YWI=")));
        assert!(run(super::SIGNATURE.call, vec![s("é"), s("ASCII")]).is_err());
        assert!(run(super::SIGNATURE.call, vec![s("a"), s("EBCDIC")]).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![s("")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
