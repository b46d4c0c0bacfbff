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
    call: super::Call::Values(self::call),
};

use super::support::opt_str;
use super::{Arg, CallError};
use crate::value::{Value, quote};

/// The `(source, target)` pairs of a pattern (the first pair for a source wins).
fn pairs(pattern: &str) -> Result<Vec<(char, String)>, CallError> {
    let pattern: String = pattern.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out: Vec<(char, String)> = Vec::new();
    for pair in pattern.split(',').filter(|p| !p.is_empty()) {
        let Some((source, target)) = pair.split_once(':') else {
            return Err(CallError(format!("the pair {} has no `:`", quote(pair))));
        };
        let mut chars = source.chars();
        let (Some(c), None) = (chars.next(), chars.next()) else {
            return Err(CallError(format!("the source {} is not one character", quote(source))));
        };
        if !out.iter().any(|(s, _)| *s == c) {
            out.push((c, target.to_string()));
        }
    }
    Ok(out)
}

/// Each character of `text` that is a source in `pattern` replaced by its target.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(text), Some(pattern)) = (opt_str(args, 0, "text")?, opt_str(args, 1, "pattern")?) else {
        return Ok(Value::Null);
    };
    let map = pairs(pattern)?;
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match map.iter().find(|(s, _)| *s == c) {
            Some((_, target)) => out.push_str(target),
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
    fn edges() {
        let rc = |t: &str, p: &str| run(super::SIGNATURE.call, vec![s(t), s(p)]);
        assert_eq!(rc("abcab", " a : x , b:"), Ok(s("xcx")));
        assert_eq!(rc("ab", "a:1,a:2"), Ok(s("1b")));
        assert_eq!(rc("ab", ""), Ok(s("ab")));
        assert_eq!(rc("ab", "a:1,"), Ok(s("1b")));
        assert!(rc("ab", ":x").is_err());
        assert!(rc("ab", "a").is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, s("a:b")]), Ok(Value::Null));
    }
}
