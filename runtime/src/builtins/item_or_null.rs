//! `item_or_null(values, index)`: the value at the 1-based `index`; missing when out of range.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `item_or_null`.
pub const SIGNATURE: Signature = Signature {
    name: "item_or_null",
    category: Category::MultiValued,
    microsoft: &["ItemOrNull"],
    params: &[
        Param::new("values", TypeSpec::ManyT),
        Param::new("index", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::T,
    nulls: Nulls::MayBeMissing,
    pure: true,
    fallible: false,
    summary: "the value at the 1-based `index`; missing when out of range",
    examples: &[
        Example { call: r##"item_or_null(["a", "b"], 2)"##, result: r##""b""## },
        Example { call: r##"item_or_null(["a"], 2)"##, result: "null" },
    ],
};
