//! `replace_chars(text, pattern)`: replace single characters by the `source:target` pairs in `pattern`.
//!
//! `pattern` is `s1:t1,s2:t2,...`: each source is exactly one character (case-sensitive), a target may be longer or
//! empty (the character is removed); white space in `pattern` is ignored; `,` and `:` cannot be replaced. A source that is
//! empty or longer than one character is an error.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `replace_chars`.
pub const SIGNATURE: Signature = Signature {
    name: "replace_chars",
    category: Category::Text,
    microsoft: &["ReplaceChars"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("pattern", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "replace single characters by the `source:target` pairs in `pattern`",
    examples: &[
        Example { call: r##"replace_chars("Räksmörgås", "’:,Å:A,Ä:A,Ö:O,å:a,ä:a,ö:o")"##, result: r##""Raksmorgas""## },
        Example { call: r##"replace_chars("O’Neil", "’:,Å:A,Ä:A,Ö:O,å:a,ä:a,ö:o")"##, result: r##""ONeil""## },
        Example { call: r##"replace_chars("Öl", "Ö:Oe")"##, result: r##""Oel""## },
        Example { call: r##"replace_chars("abc", "ab:x")"##, result: r##"error: the source "ab" is not one character"## },
    ],
};
