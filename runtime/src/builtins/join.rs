//! `join(separator, values...)`: concatenate the values, and every value of multi-valued ones, with `separator` between them.
//!
//! Entra's `Join(separator, source1, source2, ...)`: each argument after the separator is a single value or a list whose
//! values are all joined. Missing and empty values are left out (no doubled separators). Microsoft Entra Connect's
//! `Join(attribute, delimiter)` is `join(delimiter, attribute)`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `join`.
pub const SIGNATURE: Signature = Signature {
    name: "join",
    category: Category::Text,
    microsoft: &["Join"],
    params: &[
        Param::new("separator", TypeSpec::STRING),
        Param::variadic("values", TypeSpec::Many(ValueKind::String)),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "concatenate the values, and every value of multi-valued ones, with `separator` between them",
    examples: &[
        Example { call: r##"join(" ", "Ann", "Lee")"##, result: r##""Ann Lee""## },
        Example { call: r##"join(",", ["SMTP:a@contoso.com", "smtp:b@contoso.com"])"##, result: r##""SMTP:a@contoso.com,smtp:b@contoso.com""## },
        Example { call: r##"join(", ", "", "Doe", "John")"##, result: r##""Doe, John""## },
        Example { call: r##"join("", "a", ["b", "c"])"##, result: r##""abc""## },
    ],
};
