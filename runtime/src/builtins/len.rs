//! `len(text)`: the number of characters.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `len`.
pub const SIGNATURE: Signature = Signature {
    name: "len",
    category: Category::Text,
    microsoft: &["Len"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the number of characters",
    examples: &[
        Example { call: r##"len("John Doe")"##, result: "8" },
        Example { call: r##"len("")"##, result: "0" },
    ],
};
