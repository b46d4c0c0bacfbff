//! `pad_left(text, length, pad)`: prepend `pad` until `text` is `length` characters long.
//!
//! `pad` must be exactly one character (an error otherwise); a `text` already that long is returned unchanged; a missing
//! `text` gives the empty string.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `pad_left`.
pub const SIGNATURE: Signature = Signature {
    name: "pad_left",
    category: Category::Text,
    microsoft: &["PadLeft"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("length", TypeSpec::INTEGER),
        Param::new("pad", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
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
