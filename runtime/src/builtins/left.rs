//! `left(text, count)`: the first `count` characters; all of `text` when `count` is negative or too large.
//!
//! As in Microsoft's `Left`: a `count` of 0 gives the empty string, a negative `count` gives `text` unchanged and a
//! missing `text` gives the empty string (not a missing value).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `left`.
pub const SIGNATURE: Signature = Signature {
    name: "left",
    category: Category::Text,
    microsoft: &["Left"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("count", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the first `count` characters; all of `text` when `count` is negative or too large",
    examples: &[
        Example { call: r##"left("John Doe", 3)"##, result: r##""Joh""## },
        Example { call: r##"left("John Doe", 0)"##, result: r##""""## },
        Example { call: r##"left("John Doe", -1)"##, result: r##""John Doe""## },
        Example { call: r##"left("Jo", 3)"##, result: r##""Jo""## },
        Example { call: "left(null, 3)", result: r##""""## },
    ],
};
