//! `proper_case(text, separators?)`: upper-case the first letter of every word and lower-case the rest.
//!
//! Without `separators`, words are separated by white space, punctuation and symbols (Entra's `PCase` through .NET
//! `ToTitleCase`); with `separators`, only by those characters.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `proper_case`.
pub const SIGNATURE: Signature = Signature {
    name: "proper_case",
    category: Category::Text,
    microsoft: &["PCase"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::omittable("separators", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "upper-case the first letter of every word and lower-case the rest",
    examples: &[
        Example { call: r##"proper_case("TEsT")"##, result: r##""Test""## },
        Example { call: r##"proper_case("PABLO GONSALVES (SECOND)")"##, result: r##""Pablo Gonsalves (Second)""## },
        Example { call: r##"proper_case("PINTO-DE'SILVA", " '-")"##, result: r##""Pinto-De'Silva""## },
    ],
};
