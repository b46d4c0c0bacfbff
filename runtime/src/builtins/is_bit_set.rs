//! `is_bit_set(value, flag)`: the bit that `flag` holds is set in `value`.
//!
//! `flag` is a mask (as Microsoft's `IsBitSet(&HF, 4)`): every bit it holds must be set; a `flag` of 0 gives `false`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `is_bit_set`.
pub const SIGNATURE: Signature = Signature {
    name: "is_bit_set",
    category: Category::Evaluation,
    microsoft: &["IsBitSet"],
    params: &[
        Param::new("value", TypeSpec::INTEGER),
        Param::new("flag", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::BOOLEAN,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "the bit that `flag` holds is set in `value`",
    examples: &[
        Example { call: "is_bit_set(15, 4)", result: "true" },
        Example { call: "is_bit_set(0, 4)", result: "false" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_int;
use super::{Arg, CallError};
use crate::value::Value;

/// Whether every bit of the mask `flag` is set in `value` (`false` for a `flag` of 0).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(value), Some(flag)) = (opt_int(args, 0, "value")?, opt_int(args, 1, "flag")?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Boolean(flag != 0 && value & flag == flag))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{b, i, run};
    use crate::value::Value;

    #[test]
    fn masks() {
        let set = |v: i64, f: i64| run(super::SIGNATURE.call, vec![i(v), i(f)]);
        assert_eq!(set(0x202, 2), Ok(b(true)));
        assert_eq!(set(0x202, 0x200), Ok(b(true)));
        assert_eq!(set(0x202, 3), Ok(b(false)));
        assert_eq!(set(-1, i64::MIN), Ok(b(true)));
        assert_eq!(set(5, 0), Ok(b(false)));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(1)]), Ok(Value::Null));
    }
}
