//! `lower(text)`: convert every character to lower case (invariant culture).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `lower`.
pub const SIGNATURE: Signature = Signature {
    name: "lower",
    category: Category::Text,
    microsoft: &["LCase", "ToLower"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "convert every character to lower case (invariant culture)",
    examples: &[
        Example { call: r##"lower("TeSt")"##, result: r##""test""## },
        Example { call: r##"lower("ÉLODIE")"##, result: r##""élodie""## },
    ],
};
