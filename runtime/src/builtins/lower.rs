//! `lower(text)`: convert every character to lower case (invariant culture).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `lower`.
pub const SIGNATURE: Signature = Signature {
    name: "lower",
    category: Category::Text,
    microsoft: &["LCase", "ToLower"],
    params: &[
        Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::String),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "convert every character to lower case (invariant culture)",
    examples: &[
        Example { call: r##"lower("TeSt")"##, result: r##""test""## },
        Example { call: r##"lower("ÉLODIE")"##, result: r##""élodie""## },
    ],
};
