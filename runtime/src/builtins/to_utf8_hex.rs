//! `to_utf8_hex(text)`: encode text as upper-case hexadecimal digits of its utf-8 bytes.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `to_utf8_hex`.
pub const SIGNATURE: Signature = Signature {
    name: "to_utf8_hex",
    category: Category::Conversion,
    microsoft: &["ConvertToUTF8Hex"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "encode text as upper-case hexadecimal digits of its utf-8 bytes",
    examples: &[
        Example { call: r##"to_utf8_hex("Hello world!")"##, result: r##""48656C6C6F20776F726C6421""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::Value;

/// Two upper-case hexadecimal digits per UTF-8 byte.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::Null);
    };
    Ok(Value::String(text.bytes().map(|b| format!("{b:02X}")).collect()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn hex() {
        assert_eq!(run(super::SIGNATURE.call, vec![s("é!")]), Ok(s("C3A921")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
