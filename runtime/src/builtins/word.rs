//! `word(text, number, delimiters)`: the `number`th (1-based) word of `text`, words being separated by any character of `delimiters`.
//!
//! A `number` below 1 or past the last word, or a missing `text`, gives the empty string.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `word`.
pub const SIGNATURE: Signature = Signature {
    name: "word",
    category: Category::Text,
    microsoft: &["Word"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("number", TypeSpec::INTEGER),
        Param::new("delimiters", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Handled,
    pure: true,
    fallible: false,
    summary: "the `number`th (1-based) word of `text`, words being separated by any character of `delimiters`",
    examples: &[
        Example { call: r##"word("The quick brown fox", 3, " ")"##, result: r##""brown""## },
        Example { call: r##"word("This,string!has&many separators", 3, ",!&#")"##, result: r##""has""## },
        Example { call: r##"word("The quick brown fox", 5, " ")"##, result: r##""""## },
        Example { call: r##"word("The quick brown fox", 0, " ")"##, result: r##""""## },
        Example { call: r##"word(null, 1, " ")"##, result: r##""""## },
    ],
};
