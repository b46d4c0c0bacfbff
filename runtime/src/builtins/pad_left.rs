//! `pad_left(text, length, pad)`: prepend `pad` until `text` is `length` characters long.
//!
//! `pad` must be exactly one character (an error otherwise); a `text` already that long is returned unchanged; a missing
//! `text` gives the empty string.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `pad_left`.
pub const SIGNATURE: Signature = Signature {
    name: "pad_left",
    category: Category::Text,
    microsoft: &["PadLeft"],
    params: &[
        Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
        Param { name: "length", ty: TypeSpec::Kind(ValueKind::Integer), omittable: false, variadic: false },
        Param { name: "pad", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::String),
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
};
