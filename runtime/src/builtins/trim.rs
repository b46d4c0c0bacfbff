//! `trim(text)`: remove leading and trailing white space.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `trim`.
pub const SIGNATURE: Signature = Signature {
    name: "trim",
    category: Category::Text,
    microsoft: &["Trim"],
    params: &[Param::new("text", TypeSpec::STRING)],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove leading and trailing white space",
    examples: &[
        Example { call: r#"trim("  Ann ")"#, result: r#""Ann""# },
        Example { call: r#"trim("")"#, result: r#""""# },
    ],
};
