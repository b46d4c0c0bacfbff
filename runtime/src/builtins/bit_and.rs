//! `bit_and(value1, value2)`: bitwise and of two integers.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `bit_and`.
pub const SIGNATURE: Signature = Signature {
    name: "bit_and",
    category: Category::Math,
    microsoft: &["BitAnd"],
    params: &[
        Param::new("value1", TypeSpec::INTEGER),
        Param::new("value2", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::INTEGER,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "bitwise and of two integers",
    examples: &[
        Example { call: "bit_and(15, 247)", result: "7" },
        Example { call: "bit_and(512, 2)", result: "0" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::opt_int;
use super::{Arg, CallError};
use crate::value::Value;

/// `value1 & value2`.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(a), Some(b)) = (opt_int(args, 0, "value1")?, opt_int(args, 1, "value2")?) else {
        return Ok(Value::Null);
    };
    Ok(Value::Integer(a & b))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{i, run};
    use crate::value::Value;

    #[test]
    fn bits() {
        let minus_one = std::hint::black_box(-1);
        assert_eq!(run(super::SIGNATURE.call, vec![i(12), i(10)]), Ok(i(12 & 10)));
        assert_eq!(run(super::SIGNATURE.call, vec![i(-1), i(5)]), Ok(i(minus_one & 5)));
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, i(5)]), Ok(Value::Null));
    }
}
