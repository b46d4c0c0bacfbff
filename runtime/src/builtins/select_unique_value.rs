//! `select_unique_value(candidates...)`: the first candidate that no other object of the target
//! connector space holds in the flow's target attribute.
//!
//! Entra provisioning's `SelectUniqueValue(rule1, rule2, ...)` for account names: candidates are
//! tried in order; a missing candidate is skipped; the call fails when none is unique. The
//! uniqueness test needs the target connector space, so the evaluator handles this function
//! itself in outbound flows; where there is no target (`metasync eval`, inbound flows), every
//! value counts as unique and the first present candidate is the result.
//! Differs from Microsoft: it may be used in any outbound flow, not only for directory accounts,
//! and it takes one candidate as well as several.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `select_unique_value`.
pub const SIGNATURE: Signature = Signature {
    name: "select_unique_value",
    category: Category::Flow,
    microsoft: &["SelectUniqueValue"],
    params: &[Param::variadic("candidates", TypeSpec::T)],
    returns: TypeSpec::T,
    nulls: Nulls::AllMissing,
    pure: false,
    fallible: true,
    summary: "the first candidate that no other object of the target connector space holds in the flow's target attribute",
    examples: &[
        Example { call: r##"select_unique_value("alee", "alee2")"##, result: r##""alee""## },
        Example { call: r##"select_unique_value(null, "alee2")"##, result: r##""alee2""## },
        Example { call: "select_unique_value(null, null)", result: "error: no candidate has a value" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError};
use crate::value::Value;

/// Without a target connector space: the first present candidate.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    args.iter()
        .map(|a| a.as_ref())
        .find(|v| !v.is_null())
        .cloned()
        .ok_or_else(|| CallError("no candidate has a value".to_string()))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn first_present() {
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, s("b"), s("c")]), Ok(s("b")));
        assert!(run(super::SIGNATURE.call, vec![Value::Null]).is_err());
        assert!(run(super::SIGNATURE.call, vec![]).is_err());
    }
}
