//! `date_diff(interval, date1, date2)`: the number of intervals (`yyyy`, `m`, `d`, `ww`, `h`, `n`, `s`) from `date1` to `date2`, negative when `date2` is earlier.
//!
//! An unknown interval is an error.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `date_diff`.
pub const SIGNATURE: Signature = Signature {
    name: "date_diff",
    category: Category::DateTime,
    microsoft: &["DateDiff"],
    params: &[
        Param::new("interval", TypeSpec::STRING),
        Param::new("date1", TypeSpec::DATETIME),
        Param::new("date2", TypeSpec::DATETIME),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "the number of intervals (`yyyy`, `m`, `d`, `ww`, `h`, `n`, `s`) from `date1` to `date2`, negative when `date2` is earlier",
    examples: &[
        Example { call: r##"date_diff("d", @2021-08-18, @2021-08-31)"##, result: "13" },
        Example { call: r##"date_diff("d", to_datetime("2021-08-18"), to_datetime("2021-08-31"))"##, result: "13" },
        Example { call: r##"date_diff("d", to_datetime("2021-08-31"), to_datetime("2021-08-18"))"##, result: "-13" },
        Example { call: r##"date_diff("h", to_datetime("2021-08-24"), to_datetime("2021-08-25"))"##, result: "24" },
        Example { call: r##"date_diff("s", to_datetime("2021-08-24"), to_datetime("2021-08-25"))"##, result: "86400" },
        Example { call: r##"date_diff("x", now(), now())"##, result: r##"error: unknown interval "x""## },
    ],
};
