//! `from_utf8_hex(text)`: decode hexadecimal digits of utf-8 bytes into text.

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
};
