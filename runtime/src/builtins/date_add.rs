//! `date_add(interval, number, date)`: add `number` intervals (`yyyy`, `q`, `m`, `y`, `d`, `w`, `ww`, `h`, `n`, `s`) to `date`.
//!
//! `number` may be negative. An unknown interval is an error.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `date_add`.
pub const SIGNATURE: Signature = Signature {
    name: "date_add",
    category: Category::DateTime,
    microsoft: &["DateAdd"],
    params: &[
        Param::new("interval", TypeSpec::STRING),
        Param::new("number", TypeSpec::INTEGER),
        Param::new("date", TypeSpec::DATETIME),
    ],
    returns: TypeSpec::DATETIME,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "add `number` intervals (`yyyy`, `q`, `m`, `y`, `d`, `w`, `ww`, `h`, `n`, `s`) to `date`",
    examples: &[
        Example { call: r##"date_add("m", 3, @2001-01-01)"##, result: "@2001-04-01" },
        Example { call: r##"format_datetime(date_add("m", 3, to_datetime("2001-01-01")), "yyyy-MM-dd")"##, result: r##""2001-04-01""## },
        Example { call: r##"format_datetime(date_add("d", -10, to_datetime("2012-03-16")), "yyyy-MM-dd")"##, result: r##""2012-03-06""## },
        Example { call: r##"format_datetime(date_add("ww", 2, to_datetime("2012-03-16")), "yyyy-MM-dd")"##, result: r##""2012-03-30""## },
        Example { call: r##"date_add("x", 1, to_datetime("2001-01-01"))"##, result: r##"error: unknown interval "x""## },
    ],
};
