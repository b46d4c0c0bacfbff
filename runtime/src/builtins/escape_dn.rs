//! `escape_dn(value)`: escape an attribute value for use in a distinguished name (rfc 4514).
//!
//! Escapes `"`, `+`, `,`, `;`, `<`, `>` and `\`, a leading `#` or space and a trailing space. Microsoft's
//! `EscapeDNComponent` is given the whole component (`"cn=" & [displayName]`); here the value alone is escaped:
//! `"cn=" + escape_dn(displayName)`.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `escape_dn`.
pub const SIGNATURE: Signature = Signature {
    name: "escape_dn",
    category: Category::Directory,
    microsoft: &["EscapeDNComponent"],
    params: &[
        Param::new("value", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: false,
    summary: "escape an attribute value for use in a distinguished name (rfc 4514)",
    examples: &[
        Example { call: r##"escape_dn("Doe, John")"##, result: r##""Doe\\, John""## },
        Example { call: r##"escape_dn("#1 fan")"##, result: r##""\\#1 fan""## },
        Example { call: r##"escape_dn("Ann")"##, result: r##""Ann""## },
    ],
};
