//! `redact(value)`: the value unchanged, shown as `[redacted]` in logs, previews and run history.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `redact`.
pub const SIGNATURE: Signature = Signature {
    name: "redact",
    category: Category::Flow,
    microsoft: &["Redact"],
    params: &[
        Param::new("value", TypeSpec::T),
    ],
    returns: TypeSpec::T,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the value unchanged, shown as `[redacted]` in logs, previews and run history",
    examples: &[
        Example { call: r##"redact("StringToBeRedacted")"##, result: r##""StringToBeRedacted""## },
    ],
};
