//! `pad_right(text, length, pad)`: append `pad` until `text` is `length` characters long.
//!
//! `pad` must be exactly one character (an error otherwise); a `text` already that long is returned unchanged; a missing
//! `text` gives the empty string.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `pad_right`.
pub const SIGNATURE: Signature = Signature {
    name: "pad_right",
    category: Category::Text,
    microsoft: &["PadRight"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("length", TypeSpec::INTEGER),
        Param::new("pad", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: true,
    summary: "append `pad` until `text` is `length` characters long",
    examples: &[
        Example { call: r##"pad_right("User", 10, "0")"##, result: r##""User000000""## },
        Example { call: r##"pad_right("Username", 4, "0")"##, result: r##""Username""## },
        Example { call: r##"pad_right(null, 4, "0")"##, result: r##""""## },
    ],
};
