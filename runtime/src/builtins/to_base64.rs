//! `to_base64(text)`: encode text as base64 of its utf-16 (little-endian) bytes.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `to_base64`.
pub const SIGNATURE: Signature = Signature {
    name: "to_base64",
    category: Category::Conversion,
    microsoft: &["ConvertToBase64"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "encode text as base64 of its utf-16 (little-endian) bytes",
    examples: &[
        Example { call: r##"to_base64("Hello world!")"##, result: r##""SABlAGwAbABvACAAdwBvAHIAbABkACEA""## },
    ],
};
