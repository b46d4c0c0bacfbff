//! `error(message)`: fail the flow for this object with `message`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `error`.
pub const SIGNATURE: Signature = Signature {
    name: "error",
    category: Category::Flow,
    microsoft: &["Error"],
    params: &[
        Param::new("message", TypeSpec::STRING),
    ],
    returns: TypeSpec::Any,
    nulls: Nulls::Handled,
    pure: true,
    fallible: true,
    summary: "fail the flow for this object with `message`",
    examples: &[
        Example { call: r##"error("AccountName is required")"##, result: "error: AccountName is required" },
    ],
};
