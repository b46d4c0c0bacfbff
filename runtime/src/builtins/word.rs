//! `word(text, number, delimiters)`: the `number`th (1-based) word of `text`, words being separated by any character of `delimiters`.
//!
//! A `number` below 1 or past the last word, or a missing `text`, gives the empty string.
//! Consecutive delimiters do not make empty words (`word("a,,b", 2, ",")` is `"b"`).

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
    call: super::Call::Values(self::call),
};

use super::support::{opt_int, opt_str};
use super::{Arg, CallError};
use crate::value::Value;

/// The `number`th non-empty run of characters between delimiters.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let empty = || Ok(Value::String(String::new()));
    let (Some(text), Some(number)) = (opt_str(args, 0, "text")?, opt_int(args, 1, "number")?) else {
        return empty();
    };
    let delimiters = opt_str(args, 2, "delimiters")?.unwrap_or("");
    let Some(index) = number.checked_sub(1).and_then(|n| usize::try_from(n).ok()) else {
        return empty();
    };
    let word = text.split(|c: char| delimiters.contains(c)).filter(|w| !w.is_empty()).nth(index);
    Ok(Value::String(word.unwrap_or("").to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let word = |t: &str, n: i64, d: &str| run(super::SIGNATURE.call, vec![s(t), i(n), s(d)]);
        assert_eq!(word("a,,b", 2, ","), Ok(s("b")));
        assert_eq!(word(",a", 1, ","), Ok(s("a")));
        assert_eq!(word("a b", 1, ""), Ok(s("a b")));
        assert_eq!(word("a b", -1, " "), Ok(s("")));
        assert_eq!(word("a b", i64::MIN, " "), Ok(s("")));
        assert_eq!(word("", 1, " "), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a"), Value::Null, s(" ")]), Ok(s("")));
        assert_eq!(run(super::SIGNATURE.call, vec![s("a b"), i(2), Value::Null]), Ok(s("")));
    }
}
