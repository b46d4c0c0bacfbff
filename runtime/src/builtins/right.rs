//! `right(text, count)`: the last `count` characters; all of `text` when `count` is negative or too large.
//!
//! As in Microsoft's `Right`: a `count` of 0 gives the empty string, a negative `count` gives `text` unchanged and a
//! missing `text` gives the empty string (not a missing value).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `right`.
pub const SIGNATURE: Signature = Signature {
    name: "right",
    category: Category::Text,
    microsoft: &["Right"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("count", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the last `count` characters; all of `text` when `count` is negative or too large",
    examples: &[
        Example { call: r##"right("John Doe", 3)"##, result: r##""Doe""## },
        Example { call: r##"right("John Doe", 0)"##, result: r##""""## },
        Example { call: r##"right("Doe", 5)"##, result: r##""Doe""## },
        Example { call: "right(null, 3)", result: r##""""## },
    ],
};
