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
        Param::new("values", TypeSpec::Many(ValueKind::String)),
        Param::new("search", TypeSpec::STRING),
        Param::omittable("ignore_case", TypeSpec::BOOLEAN),
    ],
    returns: TypeSpec::INTEGER,
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
