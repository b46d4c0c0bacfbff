//! `append(text, suffix)`: append `suffix` to `text`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `append`.
pub const SIGNATURE: Signature = Signature {
    name: "append",
    category: Category::Text,
    microsoft: &["Append"],
    params: &[
        Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
        Param { name: "suffix", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::String),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "append `suffix` to `text`",
    examples: &[
        Example { call: r##"append("John.Doe@contoso.com", ".test")"##, result: r##""John.Doe@contoso.com.test""## },
    ],
};
