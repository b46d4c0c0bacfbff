//! `dn_component_rev(dn, number, ignore_dc?)`: the value of the `number`th (1-based) component of `dn`, counted from the right.
//!
//! With `ignore_dc` (Microsoft's `"DC"` option) the `dc=` components are skipped. The value is unescaped. Missing when
//! `dn` has fewer components; an error when `dn` is not a distinguished name.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `dn_component_rev`.
pub const SIGNATURE: Signature = Signature {
    name: "dn_component_rev",
    category: Category::Directory,
    microsoft: &["DNComponentRev"],
    params: &[
        Param::new("dn", TypeSpec::STRING),
        Param::new("number", TypeSpec::INTEGER),
        Param::omittable("ignore_dc", TypeSpec::BOOLEAN),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::MayBeMissing,
    pure: true,
    fallible: true,
    summary: "the value of the `number`th (1-based) component of `dn`, counted from the right",
    examples: &[
        Example { call: r##"dn_component_rev("cn=Joe,ou=Atlanta,ou=GA,ou=US,dc=contoso,dc=com", 3)"##, result: r##""US""## },
        Example { call: r##"dn_component_rev("cn=Joe,ou=Atlanta,ou=GA,ou=US,dc=contoso,dc=com", 1, true)"##, result: r##""US""## },
        Example { call: r##"dn_component_rev("cn=Joe,ou=Atlanta,ou=GA,ou=US,dc=contoso,dc=com", 1)"##, result: r##""com""## },
    ],
};
