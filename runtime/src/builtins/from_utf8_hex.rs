//! `from_utf8_hex(text)`: decode hexadecimal digits of utf-8 bytes into text.
//!
//! Digits of either case; an odd number of digits, a non-digit or bytes that are not utf-8 are errors.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `from_utf8_hex`.
pub const SIGNATURE: Signature = Signature {
    name: "from_utf8_hex",
    category: Category::Conversion,
    microsoft: &["ConvertFromUTF8Hex"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "decode hexadecimal digits of utf-8 bytes into text",
    examples: &[
        Example { call: r##"from_utf8_hex("48656C6C6F20776F726C6421")"##, result: r##""Hello world!""## },
        Example { call: r##"from_utf8_hex("4G")"##, result: "error: invalid hexadecimal" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::Value;

/// The text whose UTF-8 bytes the hexadecimal digits spell (either case).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::Null);
    };
    let digits = text.as_bytes();
    if digits.len() % 2 != 0 {
        return Err(CallError(format!("invalid hexadecimal: `{text}` has an odd number of digits")));
    }
    let bytes = digits
        .chunks(2)
        .map(|pair| std::str::from_utf8(pair).ok().filter(|p| p.bytes().all(|b| b.is_ascii_hexdigit())).and_then(|p| u8::from_str_radix(p, 16).ok()))
        .collect::<Option<Vec<u8>>>()
        .ok_or_else(|| CallError(format!("invalid hexadecimal: `{text}`")))?;
    String::from_utf8(bytes).map(Value::String).map_err(|_| CallError(format!("`{text}` is not utf-8 text")))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let h = |t: &str| run(super::SIGNATURE.call, vec![s(t)]);
        assert_eq!(h("c3a921"), Ok(s("é!")));
        assert_eq!(h(""), Ok(s("")));
        assert!(h("ABC").is_err());
        assert!(h("+1").is_err());
        assert!(h("C3").is_err());
        assert!(h("éé").is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
