//! `normalize_diacritics(text)`: replace letters with diacritics by their plain equivalents (ä to a, ß to ss, ø to oe).

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `normalize_diacritics`.
pub const SIGNATURE: Signature = Signature {
    name: "normalize_diacritics",
    category: Category::Text,
    microsoft: &["NormalizeDiacritics"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "replace letters with diacritics by their plain equivalents (ä to a, ß to ss, ø to oe)",
    examples: &[
        Example { call: r##"normalize_diacritics("Zoë")"##, result: r##""Zoe""## },
        Example { call: r##"normalize_diacritics("Jéssica Straße")"##, result: r##""Jessica Strasse""## },
        Example { call: r##"normalize_diacritics("Øre")"##, result: r##""OEre""## },
    ],
};
