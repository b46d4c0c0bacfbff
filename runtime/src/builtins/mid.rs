//! `mid(text, start, count)`: `count` characters from the 1-based position `start`, as many as there are.
//!
//! As in Microsoft's `Mid`: positions start at 1; a `count` of 0 gives the empty string; a negative `count`, a `start`
//! below 1 or past the end gives `text` unchanged; a missing `text` gives the empty string.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `mid`.
pub const SIGNATURE: Signature = Signature {
    name: "mid",
    category: Category::Text,
    microsoft: &["Mid"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("start", TypeSpec::INTEGER),
        Param::new("count", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "`count` characters from the 1-based position `start`, as many as there are",
    examples: &[
        Example { call: r##"mid("John Doe", 3, 5)"##, result: r##""hn Do""## },
        Example { call: r##"mid("John Doe", 6, 999)"##, result: r##""Doe""## },
        Example { call: r##"mid("John Doe", 1, 1)"##, result: r##""J""## },
        Example { call: r##"mid("John Doe", 0, 2)"##, result: r##""John Doe""## },
        Example { call: r##"mid("John Doe", 2, 0)"##, result: r##""""## },
        Example { call: "mid(null, 1, 2)", result: r##""""## },
    ],
};
