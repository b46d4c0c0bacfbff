//! `strip_spaces(text)`: remove every space character.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `strip_spaces`.
pub const SIGNATURE: Signature = Signature {
    name: "strip_spaces",
    category: Category::Text,
    microsoft: &["StripSpaces"],
    params: &[
        Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::String),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove every space character",
    examples: &[
        Example { call: r##"strip_spaces(" John  Smith ")"##, result: r##""JohnSmith""## },
    ],
};
