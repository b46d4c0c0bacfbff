//! `normalize_diacritics(text)`: replace letters with diacritics by their plain equivalents (ä to a, ß to ss, ø to oe).
//!
//! Covers Latin-1, Latin Extended-A and the common Vietnamese letters, and drops combining accents (U+0300 to
//! U+036F); other characters are kept.

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
    call: super::Call::Values(self::call),
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::Value;

/// Plain equivalents: `(characters, replacement)`.
const TABLE: &[(&str, &str)] = &[
    ("ÀÁÂÃÄÅĀĂĄǍǺȀȂȦẠẢẤẦẨẪẬẮẰẲẴẶ", "A"),
    ("àáâãäåāăąǎǻȁȃȧạảấầẩẫậắằẳẵặ", "a"),
    ("ÆǼǢ", "AE"),
    ("æǽǣ", "ae"),
    ("ÇĆĈĊČ", "C"),
    ("çćĉċč", "c"),
    ("ĎĐÐ", "D"),
    ("ďđð", "d"),
    ("ÈÉÊËĒĔĖĘĚȄȆẸẺẼẾỀỂỄỆ", "E"),
    ("èéêëēĕėęěȅȇẹẻẽếềểễệ", "e"),
    ("ĜĞĠĢǦǴ", "G"),
    ("ĝğġģǧǵ", "g"),
    ("ĤĦȞ", "H"),
    ("ĥħȟ", "h"),
    ("ÌÍÎÏĨĪĬĮİǏȈȊỈỊ", "I"),
    ("ìíîïĩīĭįıǐȉȋỉị", "i"),
    ("Ĳ", "IJ"),
    ("ĳ", "ij"),
    ("Ĵ", "J"),
    ("ĵ", "j"),
    ("ĶǨ", "K"),
    ("ķǩĸ", "k"),
    ("ĹĻĽĿŁ", "L"),
    ("ĺļľŀł", "l"),
    ("ÑŃŅŇǸ", "N"),
    ("ñńņňŉǹ", "n"),
    ("ÒÓÔÕÖŌŎŐƠǑȌȎȪȬȮȰỌỎỐỒỔỖỘỚỜỞỠỢ", "O"),
    ("òóôõöōŏőơǒȍȏȫȭȯȱọỏốồổỗộớờởỡợ", "o"),
    ("ØǾŒ", "OE"),
    ("øǿœ", "oe"),
    ("ŔŖŘȐȒ", "R"),
    ("ŕŗřȑȓ", "r"),
    ("ŚŜŞŠȘ", "S"),
    ("śŝşšșſ", "s"),
    ("ß", "ss"),
    ("ẞ", "SS"),
    ("ŢŤŦȚ", "T"),
    ("ţťŧț", "t"),
    ("Þ", "TH"),
    ("þ", "th"),
    ("ÙÚÛÜŨŪŬŮŰŲƯǓǕǗǙǛȔȖỤỦỨỪỬỮỰ", "U"),
    ("ùúûüũūŭůűųưǔǖǘǚǜȕȗụủứừửữự", "u"),
    ("Ŵ", "W"),
    ("ŵ", "w"),
    ("ÝŶŸȲỲỴỶỸ", "Y"),
    ("ýÿŷȳỳỵỷỹ", "y"),
    ("ŹŻŽ", "Z"),
    ("źżž", "z"),
];

/// `text` with every character of the table replaced; combining marks (U+0300 to U+036F) that
/// follow a letter are dropped.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::Null);
    };
    // Most names are plain ASCII: nothing to look up.
    if text.is_ascii() {
        return Ok(Value::String(text.to_string()));
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
            continue;
        }
        if ('\u{300}'..='\u{36f}').contains(&c) {
            continue;
        }
        match TABLE.iter().find(|(from, _)| from.contains(c)) {
            Some((_, to)) => out.push_str(to),
            None => out.push(c),
        }
    }
    Ok(Value::String(out))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn plain_letters() {
        let n = |t: &str| run(super::SIGNATURE.call, vec![s(t)]);
        assert_eq!(n("ÅÄÖ åäö Łódź Ærø Ünïcödé"), Ok(s("AAO aao Lodz AEroe Unicode")));
        assert_eq!(n("Zoe\u{308}"), Ok(s("Zoe")));
        assert_eq!(n("漢字 ok"), Ok(s("漢字 ok")));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
