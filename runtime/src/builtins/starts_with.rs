//! `starts_with(text, prefix)`: `text` begins with `prefix` (case-sensitive).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `starts_with`.
pub const SIGNATURE: Signature = Signature {
    name: "starts_with",
    category: Category::Text,
    microsoft: &[],
    params: &[
        Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
        Param { name: "prefix", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::Boolean),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "`text` begins with `prefix` (case-sensitive)",
    examples: &[
        Example { call: r##"starts_with("SMTP:jd@contoso.com", "SMTP:")"##, result: "true" },
        Example { call: r##"starts_with("smtp:jd@contoso.com", "SMTP:")"##, result: "false" },
    ],
};
