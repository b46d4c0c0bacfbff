//! `format_datetime(value, format)`: format a date and time with a .net custom format string (`yyyy-MM-dd HH:mm:ss`).
//!
//! Microsoft Entra Connect's `FormatDateTime(value, format)`. Entra provisioning's four-argument form (parse text in one
//! format, write another) is `format_datetime(to_datetime(text), format)`. An invalid format is an error.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `format_datetime`.
pub const SIGNATURE: Signature = Signature {
    name: "format_datetime",
    category: Category::DateTime,
    microsoft: &["FormatDateTime"],
    params: &[
        Param::new("value", TypeSpec::DATETIME),
        Param::new("format", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "format a date and time with a .net custom format string (`yyyy-MM-dd HH:mm:ss`)",
    examples: &[
        Example { call: r##"format_datetime(@2007-12-25, "yyyy-MM-dd")"##, result: r##""2007-12-25""## },
        Example { call: r##"format_datetime(to_datetime("12/25/2007"), "yyyy-MM-dd")"##, result: r##""2007-12-25""## },
        Example { call: r##"format_datetime(date_from_num(129699324000000000), "yyyyMMddHHmmss.0Z")"##, result: r##""20120101230000.0Z""## },
    ],
};
