//! `dn_component(dn, number)`: the value of the `number`th (1-based) component of `dn`, counted from the left.
//!
//! The value is unescaped. Missing when `dn` has fewer components; an error when `dn` is not a distinguished name.
//! Pass a reference through `str` first.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `dn_component`.
pub const SIGNATURE: Signature = Signature {
    name: "dn_component",
    category: Category::Directory,
    microsoft: &["DNComponent"],
    params: &[
        Param::new("dn", TypeSpec::STRING),
        Param::new("number", TypeSpec::INTEGER),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::MayBeMissing,
    pure: true,
    fallible: true,
    summary: "the value of the `number`th (1-based) component of `dn`, counted from the left",
    examples: &[
        Example { call: r##"dn_component("cn=Joe,ou=Sales,dc=contoso,dc=com", 1)"##, result: r##""Joe""## },
        Example { call: r##"dn_component("cn=Joe,ou=Sales,dc=contoso,dc=com", 2)"##, result: r##""Sales""## },
    ],
};
