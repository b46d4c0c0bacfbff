//! `split(text, delimiter, limit?)`: split `text` at every `delimiter` character into a multi-valued string.
//!
//! `delimiter` must be one character (an error otherwise, as in Microsoft's `Split`); `limit` caps the number of values.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `split`.
pub const SIGNATURE: Signature = Signature {
    name: "split",
    category: Category::MultiValued,
    microsoft: &["Split"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("delimiter", TypeSpec::STRING),
        Param::omittable("limit", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::Many(ValueKind::String),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "split `text` at every `delimiter` character into a multi-valued string",
    examples: &[
        Example { call: r##"split("SMTP:john.doe@contoso.com,smtp:jd@contoso.com", ",")"##, result: r##"["SMTP:john.doe@contoso.com", "smtp:jd@contoso.com"]"## },
        Example { call: r##"split("a", ",")"##, result: r##"["a"]"## },
    ],
};
