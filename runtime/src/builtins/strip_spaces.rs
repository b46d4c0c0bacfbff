//! `strip_spaces(text)`: remove every space character.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `strip_spaces`.
pub const SIGNATURE: Signature = Signature {
    name: "strip_spaces",
    category: Category::Text,
    microsoft: &["StripSpaces"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove every space character",
    examples: &[
        Example { call: r##"strip_spaces(" John  Smith ")"##, result: r##""JohnSmith""## },
    ],
};
