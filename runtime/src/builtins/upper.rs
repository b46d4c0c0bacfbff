//! `upper(text)`: convert every character to upper case (invariant culture).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `upper`.
pub const SIGNATURE: Signature = Signature {
    name: "upper",
    category: Category::Text,
    microsoft: &["UCase", "ToUpper"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "convert every character to upper case (invariant culture)",
    examples: &[
        Example { call: r##"upper("TeSt")"##, result: r##""TEST""## },
    ],
};
