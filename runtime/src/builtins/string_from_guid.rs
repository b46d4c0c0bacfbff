//! `string_from_guid(value)`: convert a 16-byte binary guid (`objectGUID`) to its text form.
//!
//! The bytes are in Microsoft's order (the first three groups little-endian); the text is lower case without braces.
//! An error when the value is not 16 bytes long.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `string_from_guid`.
pub const SIGNATURE: Signature = Signature {
    name: "string_from_guid",
    category: Category::Conversion,
    microsoft: &["StringFromGuid"],
    params: &[
        Param::new("value", TypeSpec::BINARY),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert a 16-byte binary guid (`objectGUID`) to its text form",
    examples: &[
        Example { call: r##"is_guid(string_from_guid(to_guid("0f8fad5b-d9cb-469f-a165-70867728950e")))"##, result: "true" },
        Example { call: r##"string_from_guid(to_guid("{0F8FAD5B-D9CB-469F-A165-70867728950E}"))"##, result: r##""0f8fad5b-d9cb-469f-a165-70867728950e""## },
        Example { call: "string_from_guid(null)", result: "null" },
    ],
    call: super::Call::Values(self::call),
};

use super::support::guid_from_bytes;
use super::{Arg, CallError, arg};
use crate::value::{Value, format_guid};

/// The lower-case text form of a 16-byte GUID in Microsoft's order (or of a GUID value).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    match arg(args, 0) {
        Value::Null => Ok(Value::Null),
        Value::Guid(g) => Ok(Value::String(format_guid(*g))),
        Value::Binary(bytes) => guid_from_bytes(bytes)
            .map(|g| Value::String(format_guid(g)))
            .ok_or_else(|| CallError(format!("a guid has 16 bytes, not {}", bytes.len()))),
        other => Err(CallError(format!("{} is not a binary guid", other.to_literal()))),
    }
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn text() {
        let bytes = [0x5b, 0xad, 0x8f, 0x0f, 0xcb, 0xd9, 0x9f, 0x46, 0xa1, 0x65, 0x70, 0x86, 0x77, 0x28, 0x95, 0x0e];
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Binary(bytes.to_vec())]), Ok(s("0f8fad5b-d9cb-469f-a165-70867728950e")));
        assert!(run(super::SIGNATURE.call, vec![Value::Binary(vec![1; 15])]).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
