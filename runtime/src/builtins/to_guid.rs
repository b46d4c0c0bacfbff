//! `to_guid(text)`: convert the text form of a guid, with or without braces, to its 16-byte binary form.
//!
//! The bytes are in Microsoft's order (`objectGUID`, .NET `Guid.ToByteArray`): the first three groups little-endian.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `to_guid`.
pub const SIGNATURE: Signature = Signature {
    name: "to_guid",
    category: Category::Conversion,
    microsoft: &["CGuid"],
    params: &[
        Param::new("text", TypeSpec::STRING),
    ],
    returns: TypeSpec::BINARY,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "convert the text form of a guid, with or without braces, to its 16-byte binary form",
    examples: &[
        Example { call: r##"is_guid(string_from_guid(to_guid("{0f8fad5b-d9cb-469f-a165-70867728950e}")))"##, result: "true" },
        Example { call: r##"to_guid("0f8fad5b")"##, result: r##"error: "0f8fad5b" is not a guid"## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{guid_to_bytes, opt_str};
use super::{Arg, CallError};
use crate::value::{Value, parse_guid, quote};

/// The 16 bytes of the GUID in Microsoft's order.
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(Value::Null);
    };
    let g = parse_guid(text).ok_or_else(|| CallError(format!("{} is not a guid", quote(text))))?;
    Ok(Value::Binary(guid_to_bytes(g)))
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{run, s};
    use crate::value::Value;

    #[test]
    fn bytes() {
        let bytes = [0x5b, 0xad, 0x8f, 0x0f, 0xcb, 0xd9, 0x9f, 0x46, 0xa1, 0x65, 0x70, 0x86, 0x77, 0x28, 0x95, 0x0e];
        assert_eq!(run(super::SIGNATURE.call, vec![s("{0F8FAD5B-D9CB-469F-A165-70867728950E}")]), Ok(Value::Binary(bytes.to_vec())));
        assert!(run(super::SIGNATURE.call, vec![s("0f8fad5bd9cb469fa16570867728950e")]).is_err());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null]), Ok(Value::Null));
    }
}
