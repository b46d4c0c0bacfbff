//! `string_from_sid(value)`: convert a binary security identifier (`objectSid`) to its text form (`S-1-5-21-...`).
//!
//! An error when the value is not a well-formed security identifier.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `string_from_sid`.
pub const SIGNATURE: Signature = Signature {
    name: "string_from_sid",
    category: Category::Conversion,
    microsoft: &["StringFromSid"],
    params: &[
        Param::new("value", TypeSpec::BINARY),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert a binary security identifier (`objectSid`) to its text form (`S-1-5-21-...`)",
    examples: &[
        Example { call: r##"string_from_sid(to_guid("00000201-0000-0500-2000-000020020000"))"##, result: r##""S-1-5-32-544""## },
        Example { call: "string_from_sid(null)", result: "null" },
    ],
    call: super::Call::Values(self::call),
};

use super::{Arg, CallError, arg};
use crate::value::Value;

/// `S-<revision>-<authority>-<sub-authority>...` of a binary SID: a revision byte, a count of
/// sub-authorities, a 48-bit big-endian authority and that many 32-bit little-endian
/// sub-authorities (an authority of 2^32 or more is written in hexadecimal, as Windows does).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let bytes = match arg(args, 0) {
        Value::Null => return Ok(Value::Null),
        Value::Binary(bytes) => bytes,
        other => return Err(CallError(format!("{} is not a binary security identifier", other.to_literal()))),
    };
    let bad = || CallError(format!("{} bytes are not a security identifier", bytes.len()));
    let (Some(&revision), Some(&count)) = (bytes.first(), bytes.get(1)) else {
        return Err(bad());
    };
    let count = usize::from(count);
    if bytes.len() != 8 + 4 * count || count > 15 {
        return Err(bad());
    }
    let authority = bytes.get(2..8).ok_or_else(bad)?.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
    let mut text = if authority < (1 << 32) { format!("S-{revision}-{authority}") } else { format!("S-{revision}-0x{authority:012X}") };
    for chunk in bytes.get(8..).ok_or_else(bad)?.chunks_exact(4) {
        let mut sub = [0u8; 4];
        sub.copy_from_slice(chunk);
        text.push_str(&format!("-{}", u32::from_le_bytes(sub)));
    }
    Ok(Value::String(text))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn sids() {
        let sid = |b: Vec<u8>| run(super::SIGNATURE.call, vec![Value::Binary(b)]);
        let mut domain = vec![1, 5, 0, 0, 0, 0, 0, 5, 21, 0, 0, 0];
        for n in [0x1234_5678u32, 1, u32::MAX, 500] {
            domain.extend_from_slice(&n.to_le_bytes());
        }
        assert_eq!(sid(domain), Ok(s("S-1-5-21-305419896-1-4294967295-500")));
        assert_eq!(sid(vec![1, 0, 0, 0, 0, 0, 0, 1]), Ok(s("S-1-1")));
        assert_eq!(sid(vec![1, 0, 1, 0, 0, 0, 0, 0]), Ok(s("S-1-0x010000000000")));
        assert!(sid(vec![1, 2, 0, 0, 0, 0, 0, 5, 1, 0, 0, 0]).is_err());
        assert!(sid(vec![]).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
