//! `now()`: the current date and time (utc).

use super::{Category, Example, Nulls, Signature, TypeSpec};

/// The signature of `now`.
pub const SIGNATURE: Signature = Signature {
    name: "now",
    category: Category::DateTime,
    microsoft: &["Now"],
    params: &[],
    returns: TypeSpec::DATETIME,
    nulls: Nulls::Handled,
    pure: false,
    fallible: false,
    summary: "the current date and time (utc)",
    examples: &[
        Example { call: "is_date(now())", result: "true" },
    ],
};
