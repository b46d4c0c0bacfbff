//! `string_from_sid(value)`: convert a binary security identifier (`objectSid`) to its text form (`S-1-5-21-...`).
//!
//! An error when the value is not a well-formed security identifier.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `string_from_sid`.
pub const SIGNATURE: Signature = Signature {
    name: "string_from_sid",
    category: Category::Conversion,
    microsoft: &["StringFromSid"],
    params: &[
        Param::new("value", TypeSpec::BINARY),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert a binary security identifier (`objectSid`) to its text form (`S-1-5-21-...`)",
    examples: &[
        Example { call: "string_from_sid(null)", result: "null" },
    ],
};
