//! `contains(values, search, ignore_case?)`: the 1-based index of the first value that contains `search`, 0 when none does.
//!
//! As Microsoft's `Contains`: a substring search in each value, case-sensitive unless `ignore_case` is `true`
//! (`CaseInsensitive`). The index suits `item`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};
use crate::value::ValueKind;

/// The signature of `contains`.
pub const SIGNATURE: Signature = Signature {
    name: "contains",
    category: Category::MultiValued,
    microsoft: &["Contains"],
    params: &[
        Param { name: "values", ty: TypeSpec::Many(ValueKind::String), omittable: false, variadic: false },
        Param { name: "search", ty: TypeSpec::Kind(ValueKind::String), omittable: false, variadic: false },
        Param { name: "ignore_case", ty: TypeSpec::Kind(ValueKind::Boolean), omittable: true, variadic: false },
    ],
    returns: TypeSpec::Kind(ValueKind::Integer),
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the 1-based index of the first value that contains `search`, 0 when none does",
    examples: &[
        Example { call: r##"contains(["smtp:jd@contoso.com", "SMTP:john.doe@contoso.com"], "SMTP:")"##, result: "2" },
        Example { call: r##"contains(["smtp:jd@contoso.com"], "SMTP:")"##, result: "0" },
        Example { call: r##"contains(["smtp:jd@contoso.com"], "SMTP:", true)"##, result: "1" },
    ],
};
