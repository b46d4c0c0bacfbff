//! `instr_rev(text, search, start?, ignore_case?)`: the 1-based position of the last `search` in `text` ending at or before `start`, 0 when absent.
//!
//! `start` defaults to the end of `text`; `ignore_case` defaults to `false` (Microsoft's `vbBinaryCompare`).
//! An empty `search` gives `start`; a `start` past the end of `text` gives 0.
//!
//! Differs from Microsoft: `ignore_case` is a boolean instead of `vbTextCompare`/`vbBinaryCompare`, and a `start` of 0 or below -1 gives 0 instead of failing.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `instr_rev`.
pub const SIGNATURE: Signature = Signature {
    name: "instr_rev",
    category: Category::Text,
    microsoft: &["InStrRev"],
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
    summary: "the 1-based position of the last `search` in `text` ending at or before `start`, 0 when absent",
    examples: &[
        Example { call: r##"instr_rev("abbcdbbbef", "bb")"##, result: "7" },
        Example { call: r##"instr_rev("abc", "z")"##, result: "0" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{folded, matches_at, opt_int, opt_str};
use super::{Arg, CallError, boolean_or};
use crate::value::Value;

/// VB.NET's `InStrRev`: the 1-based position of the last match that ends at or before `start`
/// (`-1` or omitted: the end of `text`); `start` for an empty `search`; 0 when `start` is past the
/// end, 0 or below -1.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(text), Some(search)) = (opt_str(args, 0, "text")?, opt_str(args, 1, "search")?) else {
        return Ok(Value::Null);
    };
    let fold = boolean_or(args, 3, "ignore_case", false)?;
    let (hay, needle) = (folded(text, fold), folded(search, fold));
    let len = i64::try_from(hay.len()).unwrap_or(i64::MAX);
    let start = match opt_int(args, 2, "start")? {
        None | Some(-1) => len,
        Some(n) => n,
    };
    if start < 1 || start > len {
        return Ok(Value::Integer(0));
    }
    if needle.is_empty() {
        return Ok(Value::Integer(start));
    }
    let end = usize::try_from(start).unwrap_or(0);
    let last = end.checked_sub(needle.len()).and_then(|top| (0..=top).rev().find(|&at| matches_at(&hay, &needle, at)));
    Ok(Value::Integer(last.and_then(|at| i64::try_from(at + 1).ok()).unwrap_or(0)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, run, s};
    use crate::value::Value;

    #[test]
    fn edges() {
        let rev = |args: Vec<Value>| run(super::SIGNATURE.call, args);
        assert_eq!(rev(vec![s("abcabc"), s("bc")]), Ok(i(5)));
        assert_eq!(rev(vec![s("abcabc"), s("bc"), i(5)]), Ok(i(2)));
        assert_eq!(rev(vec![s("abcabc"), s("bc"), i(6)]), Ok(i(5)));
        assert_eq!(rev(vec![s("abcabc"), s("bc"), i(-1)]), Ok(i(5)));
        assert_eq!(rev(vec![s("abcabc"), s("BC"), i(-1), b(true)]), Ok(i(5)));
        assert_eq!(rev(vec![s("abc"), s(""), i(2)]), Ok(i(2)));
        assert_eq!(rev(vec![s("abc"), s("a"), i(0)]), Ok(i(0)));
        assert_eq!(rev(vec![s("abc"), s("a"), i(4)]), Ok(i(0)));
        assert_eq!(rev(vec![s("abc"), s("abcd")]), Ok(i(0)));
        assert_eq!(rev(vec![s(""), s("")]), Ok(i(0)));
        assert_eq!(rev(vec![Value::Null, s("a")]), Ok(Value::Null));
    }
}
