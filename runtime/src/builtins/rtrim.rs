//! `rtrim(text)`: remove trailing white space.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `rtrim`.
pub const SIGNATURE: Signature = Signature {
    name: "rtrim",
    category: Category::Text,
    microsoft: &["RTrim"],
    params: &[
        Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::String),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove trailing white space",
    examples: &[
        Example { call: r##"rtrim(" Test ")"##, result: r##"" Test""## },
    ],
};
