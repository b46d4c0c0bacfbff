//! `trim(text)`: remove leading and trailing white space.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `trim`.
pub const SIGNATURE: Signature = Signature {
    name: "trim",
    category: Category::Text,
    microsoft: &["Trim"],
    params: &[Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false }],
    returns: TypeSpec::Kind(ValueKind::String),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove leading and trailing white space",
    examples: &[
        Example { call: r#"trim("  Ann ")"#, result: r#""Ann""# },
        Example { call: r#"trim("")"#, result: r#""""# },
    ],
};
