//! `instr(text, search, start?, ignore_case?)`: the 1-based position of the first `search` in `text` at or after `start`, 0 when absent.
//!
//! `start` defaults to 1; `ignore_case` defaults to `false` (Microsoft's `vbBinaryCompare`; `true` is `vbTextCompare`).
//! An empty `search` gives `start`; an empty `text` or a `start` past its end gives 0.
//!
//! Differs from Microsoft: `ignore_case` is a boolean instead of `vbTextCompare`/`vbBinaryCompare`, and a `start` below 1 counts as 1 instead of failing.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `instr`.
pub const SIGNATURE: Signature = Signature {
    name: "instr",
    category: Category::Text,
    microsoft: &["InStr"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::new("search", TypeSpec::STRING),
        Param::omittable("start", TypeSpec::INTEGER),
        Param::omittable("ignore_case", TypeSpec::BOOLEAN),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the 1-based position of the first `search` in `text` at or after `start`, 0 when absent",
    examples: &[
        Example { call: r##"instr("The quick brown fox", "quick")"##, result: "5" },
        Example { call: r##"instr("repEated", "e", 3)"##, result: "7" },
        Example { call: r##"instr("repEated", "e", 3, true)"##, result: "4" },
        Example { call: r##"instr("abc", "z")"##, result: "0" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{folded, matches_at, opt_int, opt_str};
use super::{Arg, CallError, boolean_or};
use crate::value::Value;

/// VB.NET's `InStr`: 0 for an empty `text` or a `start` past its end; `start` for an empty
/// `search`; otherwise the 1-based position of the first match at or after `start`, or 0.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(text), Some(search)) = (opt_str(args, 0, "text")?, opt_str(args, 1, "search")?) else {
        return Ok(Value::Null);
    };
    let start = opt_int(args, 2, "start")?.unwrap_or(1).max(1);
    let fold = boolean_or(args, 3, "ignore_case", false)?;
    let (hay, needle) = (folded(text, fold), folded(search, fold));
    let from = usize::try_from(start - 1).unwrap_or(usize::MAX);
    if hay.is_empty() || from > hay.len() {
        return Ok(Value::Integer(0));
    }
    if needle.is_empty() {
        return Ok(Value::Integer(start));
    }
    let found = (from..hay.len()).find(|&at| matches_at(&hay, &needle, at));
    Ok(Value::Integer(found.and_then(|at| i64::try_from(at + 1).ok()).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let instr = |args: Vec<Value>| run(super::SIGNATURE.call, args);
        assert_eq!(instr(vec![s("ëabcabc"), s("bc")]), Ok(i(3)));
        assert_eq!(instr(vec![s("abcabc"), s("bc"), i(3)]), Ok(i(5)));
        assert_eq!(instr(vec![s("abcabc"), s("BC"), i(1), b(true)]), Ok(i(2)));
        assert_eq!(instr(vec![s("abcabc"), s("BC")]), Ok(i(0)));
        assert_eq!(instr(vec![s("abc"), s(""), i(2)]), Ok(i(2)));
        assert_eq!(instr(vec![s("abc"), s(""), i(4)]), Ok(i(4)));
        assert_eq!(instr(vec![s("abc"), s(""), i(5)]), Ok(i(0)));
        assert_eq!(instr(vec![s(""), s("")]), Ok(i(0)));
        assert_eq!(instr(vec![s("abc"), s("a"), i(-3)]), Ok(i(1)));
        assert_eq!(instr(vec![s("abc"), s("a"), i(i64::MAX)]), Ok(i(0)));
        assert_eq!(instr(vec![Value::Null, s("a")]), Ok(Value::Null));
    }
}
