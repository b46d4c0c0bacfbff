//! `remove_duplicates(values)`: the values without repeats, in first-seen order.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `remove_duplicates`.
pub const SIGNATURE: Signature = Signature {
    name: "remove_duplicates",
    category: Category::MultiValued,
    microsoft: &["RemoveDuplicates"],
    params: &[
        Param::new("values", TypeSpec::ManyT),
    ],
    returns: TypeSpec::ManyT,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the values without repeats, in first-seen order",
    examples: &[
        Example { call: r##"remove_duplicates(["a", "b", "a"])"##, result: r##"["a", "b"]"## },
    ],
};
