//! The types the checker infers for expressions.

use crate::resolve::{AttrBase, AttrSchema};
use metasync_runtime::value::ValueKind;
use std::fmt;

/// The value type of an expression, without multiplicity and optionality.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Base {
    /// Unknown because of an error already reported: every check accepts it.
    Unknown,
    /// The `null` literal: no value of any type.
    Null,
    /// `authoritative null`: clears a metaverse value.
    AuthoritativeNull,
    /// `ignore`: the flow does nothing.
    Ignore,
    /// A scalar kind.
    Kind(ValueKind),
    /// A reference to a connector object type.
    CsRef(String, String),
    /// A reference to a metaverse type.
    MvRef(String),
}

/// The type of an expression.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Ty {
    /// The value type.
    pub base: Base,
    /// Several values (a list or a multi-valued attribute).
    pub many: bool,
    /// May have no value.
    pub optional: bool,
}

impl Ty {
    /// The unknown type.
    pub const UNKNOWN: Ty = Ty { base: Base::Unknown, many: false, optional: false };

    /// A required single value of `kind`.
    pub fn kind(kind: ValueKind) -> Ty {
        Ty { base: Base::Kind(kind), many: false, optional: false }
    }

    /// A required boolean.
    pub fn boolean() -> Ty {
        Ty::kind(ValueKind::Boolean)
    }

    /// The type of a connector attribute's values.
    pub fn of_cs_attr(connector: &str, attr: &AttrSchema) -> Ty {
        let base = match &attr.base {
            AttrBase::Kind(k) => Base::Kind(*k),
            AttrBase::Ref(t) => Base::CsRef(connector.to_string(), t.clone()),
        };
        Ty { base, many: attr.many, optional: attr.optional }
    }

    /// The type of a metaverse attribute's values.
    pub fn of_mv_attr(attr: &AttrSchema) -> Ty {
        let base = match &attr.base {
            AttrBase::Kind(k) => Base::Kind(*k),
            AttrBase::Ref(t) => Base::MvRef(t.clone()),
        };
        Ty { base, many: attr.many, optional: attr.optional }
    }

    /// The same type, possibly missing.
    #[must_use]
    pub fn optional(mut self, optional: bool) -> Ty {
        self.optional = optional;
        self
    }

    /// Unknown (no further diagnostics should come from it).
    pub fn is_unknown(&self) -> bool {
        self.base == Base::Unknown
    }

    /// The scalar kind, when it is one.
    pub fn scalar(&self) -> Option<ValueKind> {
        match self.base {
            Base::Kind(k) => Some(k),
            Base::CsRef(..) | Base::MvRef(_) => Some(ValueKind::Reference),
            _ => None,
        }
    }

    /// Whether values of the two types can be compared or combined (same value type, or one side
    /// unknown or null).
    pub fn compatible(&self, other: &Ty) -> bool {
        match (&self.base, &other.base) {
            (Base::Unknown | Base::Null, _) | (_, Base::Unknown | Base::Null) => true,
            (a, b) => a == b,
        }
    }

    /// The type of `if c then self else other` / `self ?? other` values: the common value type.
    pub fn join(&self, other: &Ty) -> Option<Ty> {
        let base = match (&self.base, &other.base) {
            (Base::Unknown, _) | (_, Base::Unknown) => Base::Unknown,
            (Base::Null | Base::AuthoritativeNull | Base::Ignore, b) => b.clone(),
            (a, Base::Null | Base::AuthoritativeNull | Base::Ignore) => a.clone(),
            (a, b) if a == b => a.clone(),
            _ => return None,
        };
        Some(Ty { base, many: self.many || other.many, optional: self.optional || other.optional })
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let base = match &self.base {
            Base::Unknown => "unknown".to_string(),
            Base::Null => "null".to_string(),
            Base::AuthoritativeNull => "authoritative null".to_string(),
            Base::Ignore => "ignore".to_string(),
            Base::Kind(k) => k.keyword().to_string(),
            Base::CsRef(c, o) => format!("ref {c}.{o}"),
            Base::MvRef(t) => format!("ref {t}"),
        };
        let base = if self.many { format!("[{base}]") } else { base };
        if self.optional && !matches!(self.base, Base::Null) { write!(f, "{base}?") } else { f.write_str(&base) }
    }
}
