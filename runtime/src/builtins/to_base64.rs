//! `to_base64(text)`: encode text as base64 of its utf-16 (little-endian) bytes.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `to_base64`.
pub const SIGNATURE: Signature = Signature {
    name: "to_base64",
    category: Category::Conversion,
    microsoft: &["ConvertToBase64"],
    params: &[
        Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::String),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "encode text as base64 of its utf-16 (little-endian) bytes",
    examples: &[
        Example { call: r##"to_base64("Hello world!")"##, result: r##""SABlAGwAbABvACAAdwBvAHIAbABkACEA""## },
    ],
};
