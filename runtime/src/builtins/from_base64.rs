//! `from_base64(text, encoding?)`: decode base64 into text in the given encoding (`"Unicode"`, the default, `"UTF8"` or `"ASCII"`).
//!
//! `"Unicode"` is utf-16 little-endian, as in Microsoft's `ConvertFromBase64`. Invalid base64, bytes that are not valid
//! in the encoding, or an unknown encoding are errors.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `from_base64`.
pub const SIGNATURE: Signature = Signature {
    name: "from_base64",
    category: Category::Conversion,
    microsoft: &["ConvertFromBase64"],
    params: &[
        Param::new("text", TypeSpec::STRING),
        Param::omittable("encoding", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: r##"decode base64 into text in the given encoding (`"Unicode"`, the default, `"UTF8"` or `"ASCII"`)"##,
    examples: &[
        Example { call: r##"from_base64("SABlAGwAbABvACAAdwBvAHIAbABkACEA")"##, result: r##""Hello world!""## },
        Example { call: r##"from_base64("SGVsbG8gd29ybGQh", "UTF8")"##, result: r##""Hello world!""## },
        Example { call: r##"from_base64("not base64!")"##, result: "error: invalid base64" },
    ],
};
