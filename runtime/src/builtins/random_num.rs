//! `random_num(start, end)`: a random integer from `start` to `end`.
//!
//! Both bounds are included and may come in either order. The generator is a clock-seeded xorshift: fine for
//! spreading values, not for secrets.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `random_num`.
pub const SIGNATURE: Signature = Signature {
    name: "random_num",
    category: Category::Math,
    microsoft: &["RandomNum"],
    params: &[
        Param::new("start", TypeSpec::INTEGER),
        Param::new("end", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: false,
    fallible: false,
    summary: "a random integer from `start` to `end`",
    examples: &[
        Example { call: "random_num(7, 7)", result: "7" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{opt_int, random_u64};
use super::{Arg, CallError};
use crate::value::Value;

/// A uniformly distributed integer between the bounds, both included (in either order).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(a), Some(b)) = (opt_int(args, 0, "start")?, opt_int(args, 1, "end")?) else {
        return Ok(Value::Null);
    };
    let (lo, hi) = (a.min(b), a.max(b));
    let span = u128::from(hi.abs_diff(lo)) + 1;
    let offset = (u128::from(random_u64()) << 64 | u128::from(random_u64())) % span;
    let value = i128::from(lo) + i128::try_from(offset).unwrap_or(0);
    Ok(Value::Integer(i64::try_from(value).unwrap_or(lo)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run};
    use crate::value::Value;

    #[test]
    fn within_bounds() {
        for _ in 0..200 {
            let got = run(super::SIGNATURE.call, vec![i(5), i(-3)]);
            assert!(matches!(got, Ok(Value::Integer(n)) if (-3..=5).contains(&n)), "{got:?}");
        }
        assert_eq!(run(super::SIGNATURE.call, vec![i(7), i(7)]), Ok(i(7)));
        assert!(run(super::SIGNATURE.call, vec![i(i64::MIN), i(i64::MAX)]).is_ok());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(7)]), Ok(Value::Null));
    }
}
