//! `ltrim(text)`: remove leading white space.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `ltrim`.
pub const SIGNATURE: Signature = Signature {
    name: "ltrim",
    category: Category::Text,
    microsoft: &["LTrim"],
    params: &[
        Param { name: "text", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::String),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "remove leading white space",
    examples: &[
        Example { call: r##"ltrim(" Test ")"##, result: r##""Test ""## },
    ],
};
