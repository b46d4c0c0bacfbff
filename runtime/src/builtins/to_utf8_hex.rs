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
};
