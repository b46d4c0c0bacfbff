//! `coalesce(values...)`: the first argument that is not missing.
//!
//! An empty string is a value, not a missing one (as in Entra's `Coalesce`); pass a literal last for a default.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `coalesce`.
pub const SIGNATURE: Signature = Signature {
    name: "coalesce",
    category: Category::Evaluation,
    microsoft: &["Coalesce"],
    params: &[
        Param::variadic("values", TypeSpec::T),
    ],
    returns: TypeSpec::T,
    nulls: Nulls::AllMissing,
    pure: true,
    fallible: false,
    summary: "the first argument that is not missing",
    examples: &[
        Example { call: r##"coalesce(null, "John.Doe@contoso.com")"##, result: r##""John.Doe@contoso.com""## },
        Example { call: r##"coalesce("", "x")"##, result: r##""""## },
        Example { call: "coalesce(null, null)", result: "null" },
    ],
};
