//! The scalar kinds of attribute values.
//!
//! The type checker and the connector schemas use exactly this list; an attribute's full type
//! adds multiplicity, optionality and (for references) the referenced object type, which are
//! properties of the declaration rather than of a value.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of a single attribute value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValueKind {
    /// UTF-8 text.
    String,
    /// A signed 64-bit integer.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// An instant in time (UTC).
    DateTime,
    /// Raw bytes.
    Binary,
    /// A 128-bit GUID / UUID.
    Guid,
    /// A reference to another object (a DN in a connector space, an id in the metaverse).
    Reference,
}

impl ValueKind {
    /// Every kind, in declaration order.
    pub const ALL: [ValueKind; 7] = [
        ValueKind::String,
        ValueKind::Integer,
        ValueKind::Boolean,
        ValueKind::DateTime,
        ValueKind::Binary,
        ValueKind::Guid,
        ValueKind::Reference,
    ];

    /// The keyword that names this kind in `.sync` files.
    pub fn keyword(self) -> &'static str {
        match self {
            ValueKind::String => "string",
            ValueKind::Integer => "integer",
            ValueKind::Boolean => "boolean",
            ValueKind::DateTime => "datetime",
            ValueKind::Binary => "binary",
            ValueKind::Guid => "guid",
            ValueKind::Reference => "ref",
        }
    }

    /// The kind named by a `.sync` keyword (`ref` is written with its target type and is not
    /// accepted here).
    pub fn from_keyword(word: &str) -> Option<ValueKind> {
        ValueKind::ALL
            .into_iter()
            .find(|kind| *kind != ValueKind::Reference && kind.keyword() == word)
    }
}

impl fmt::Display for ValueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.keyword())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_round_trip() {
        for kind in ValueKind::ALL {
            if kind == ValueKind::Reference {
                assert_eq!(ValueKind::from_keyword("ref"), None);
            } else {
                assert_eq!(ValueKind::from_keyword(kind.keyword()), Some(kind));
            }
        }
    }
}
