//! The scalar kinds of attribute values.
//!
//! The type checker and the connector schemas use exactly this list; an attribute's full type
//! adds multiplicity, optionality and (for references) the referenced object type, which are
//! properties of the declaration rather than of a value.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
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
        ValueKind::ALL.into_iter().find(|kind| *kind != ValueKind::Reference && kind.keyword() == word)
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
    fn literals_and_json() {
        let v = Value::List(vec![Value::String("a\"b".into()), Value::Integer(-3), Value::Boolean(true), Value::Null]);
        assert_eq!(v.to_literal(), r#"["a\"b", -3, true, null]"#);
        assert_eq!(Value::DateTime(0).to_literal(), "@1970-01-01T00:00:00Z");
        let g = parse_guid("{3F2504E0-4F89-11D3-9A0C-0305E82C3301}");
        assert_eq!(g.map(format_guid).as_deref(), Some("3f2504e0-4f89-11d3-9a0c-0305e82c3301"));
        assert!(parse_guid("3f2504e0-4f89-11d3-9a0c").is_none());
        assert_eq!(Value::Binary(b"hi".to_vec()).to_literal(), r#"binary("aGk=")"#);
        let json = serde_json::json!(["2024-01-05T10:00:00Z"]);
        let parsed = Value::from_json(&json, ValueKind::DateTime);
        assert_eq!(parsed.as_ref().map(Value::to_json), Ok(json));
        assert!(Value::from_json(&serde_json::json!("soon"), ValueKind::DateTime).is_err());
        assert!(Value::from_json(&serde_json::json!(1.5), ValueKind::Integer).is_err());
        assert_eq!(Value::from_json(&serde_json::json!("42"), ValueKind::Integer), Ok(Value::Integer(42)));
        assert_eq!(Value::Null.values().len(), 0);
        assert_eq!(Value::Integer(1).values().len(), 1);
    }

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

/// One attribute value, or the values of a multi-valued attribute.
///
/// `Null` is "no value": an attribute that is absent, or present without a value, reads as `Null`
/// in expressions (as Microsoft's `IsPresent` sees both alike). An empty string and an empty list
/// are values, distinct from `Null` (`is_empty` and `is_null_or_empty` tell them apart). Whether an
/// attribute was absent from an import or cleared by it is the engine's concern, not the
/// evaluator's.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "lowercase")]
pub enum Value {
    /// No value.
    Null,
    /// Text.
    String(String),
    /// A signed 64-bit integer.
    Integer(i64),
    /// `true` or `false`.
    Boolean(bool),
    /// An instant, in microseconds since 1970-01-01T00:00:00Z.
    DateTime(i64),
    /// Bytes.
    Binary(Vec<u8>),
    /// A GUID, as its 128-bit number (the canonical text form read left to right).
    Guid(u128),
    /// A reference: the DN or anchor of a connector object, or the id of a metaverse object.
    Reference(String),
    /// The values of a multi-valued attribute, or a list literal.
    List(Vec<Value>),
}

impl Value {
    /// The value's kind (`None` for `Null` and lists).
    pub fn kind(&self) -> Option<ValueKind> {
        Some(match self {
            Value::Null | Value::List(_) => return None,
            Value::String(_) => ValueKind::String,
            Value::Integer(_) => ValueKind::Integer,
            Value::Boolean(_) => ValueKind::Boolean,
            Value::DateTime(_) => ValueKind::DateTime,
            Value::Binary(_) => ValueKind::Binary,
            Value::Guid(_) => ValueKind::Guid,
            Value::Reference(_) => ValueKind::Reference,
        })
    }

    /// `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, when this is one.
    pub fn as_int(&self) -> Option<i64> {
        match self {
            Value::Integer(n) => Some(*n),
            _ => None,
        }
    }

    /// The boolean, when this is one.
    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Boolean(b) => Some(*b),
            _ => None,
        }
    }

    /// The values: the list's elements, one value alone, or none for `Null`.
    pub fn values(&self) -> &[Value] {
        match self {
            Value::Null => &[],
            Value::List(items) => items,
            one => std::slice::from_ref(one),
        }
    }

    /// The value as written in `.sync` files (`"text"`, `42`, `@2024-01-05T10:00:00Z`, `[...]`); a
    /// GUID as its text (as test records write it), bytes as `binary("<base64>")`.
    pub fn to_literal(&self) -> String {
        match self {
            Value::Null => "null".to_string(),
            Value::String(s) => quote(s),
            Value::Integer(n) => n.to_string(),
            Value::Boolean(b) => b.to_string(),
            Value::DateTime(us) => format!("@{}", crate::time::format_rfc3339(*us)),
            // The language has no binary literal: shown as the base64 text, marked.
            Value::Binary(bytes) => format!("binary({})", quote(&crate::text::base64_encode(bytes))),
            // GUIDs are written as text in test records: shown the same way.
            Value::Guid(g) => quote(&format_guid(*g)),
            Value::Reference(r) => format!("ref({})", quote(r)),
            Value::List(items) => format!("[{}]", items.iter().map(Value::to_literal).collect::<Vec<_>>().join(", ")),
        }
    }

    /// The value as JSON: strings, numbers, booleans and lists as themselves; datetimes in RFC 3339;
    /// binary in base64; GUIDs in their text form; references as their text.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::String(s) | Value::Reference(s) => J::String(s.clone()),
            Value::Integer(n) => J::from(*n),
            Value::Boolean(b) => J::Bool(*b),
            Value::DateTime(us) => J::String(crate::time::format_rfc3339(*us)),
            Value::Binary(bytes) => J::String(crate::text::base64_encode(bytes)),
            Value::Guid(g) => J::String(format_guid(*g)),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
        }
    }

    /// A value of `kind` from JSON (for `metasync eval --object` and connector data): strings are
    /// parsed for datetimes (RFC 3339), GUIDs and binary (base64); arrays give lists.
    pub fn from_json(json: &serde_json::Value, kind: ValueKind) -> Result<Value, String> {
        use serde_json::Value as J;
        match json {
            J::Null => Ok(Value::Null),
            J::Array(items) => {
                items.iter().map(|i| Value::from_json(i, kind)).collect::<Result<Vec<_>, _>>().map(Value::List)
            }
            J::Bool(b) if kind == ValueKind::Boolean => Ok(Value::Boolean(*b)),
            J::Number(n) if kind == ValueKind::Integer => {
                n.as_i64().map(Value::Integer).ok_or_else(|| format!("{n} is not a 64-bit integer"))
            }
            J::String(s) => match kind {
                ValueKind::String => Ok(Value::String(s.clone())),
                ValueKind::Reference => Ok(Value::Reference(s.clone())),
                ValueKind::DateTime => crate::time::parse_datetime(s)
                    .map(Value::DateTime)
                    .ok_or_else(|| format!("`{s}` is not a date and time")),
                ValueKind::Guid => parse_guid(s).map(Value::Guid).ok_or_else(|| format!("`{s}` is not a GUID")),
                ValueKind::Binary => {
                    crate::text::base64_decode(s).map(Value::Binary).ok_or_else(|| format!("`{s}` is not base64"))
                }
                ValueKind::Integer => {
                    s.trim().parse().map(Value::Integer).map_err(|_| format!("`{s}` is not an integer"))
                }
                ValueKind::Boolean => match s.to_ascii_lowercase().as_str() {
                    "true" => Ok(Value::Boolean(true)),
                    "false" => Ok(Value::Boolean(false)),
                    _ => Err(format!("`{s}` is not a boolean")),
                },
            },
            other => Err(format!("{other} is not a {kind}")),
        }
    }
}

/// `"text"` with the language's escapes.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A GUID in its canonical text form `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (lower case).
pub fn format_guid(g: u128) -> String {
    let h = format!("{g:032x}");
    let part = |a: usize, b: usize| h.get(a..b).unwrap_or("");
    format!("{}-{}-{}-{}-{}", part(0, 8), part(8, 12), part(12, 16), part(16, 20), part(20, 32))
}

/// A GUID from its text form (braces optional, any case).
pub fn parse_guid(text: &str) -> Option<u128> {
    let t = text.trim();
    let t = t.strip_prefix('{').and_then(|t| t.strip_suffix('}')).unwrap_or(t);
    let groups: Vec<&str> = t.split('-').collect();
    let ok = groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()));
    if !ok {
        return None;
    }
    u128::from_str_radix(&groups.concat(), 16).ok()
}

/// A value while an expression is evaluated: borrowed from the object or the plan where it can
/// be, owned where it was computed.
///
/// Text has its own two variants so that a function can hand back part of its argument without
/// copying (`trim` of an attribute is a slice of the attribute) and can reuse a computed
/// argument's buffer (`upper` of a concatenation changes the concatenation in place). Text is
/// in any of four forms: a part of a value ([`Val::Str`]), computed ([`Val::String`]), or a whole
/// borrowed or owned `Value::String`; every accessor accepts them all.
#[derive(Debug, Clone, PartialEq)]
pub enum Val<'a> {
    /// No value (also what a function leaves behind in an argument it took).
    Null,
    /// Borrowed text (an attribute, a constant, or a part of one).
    Str(&'a str),
    /// Computed text.
    String(String),
    /// A borrowed value.
    Ref(&'a Value),
    /// A computed value (`Null` too).
    Owned(Value),
}

impl Default for Val<'_> {
    fn default() -> Self {
        Val::NULL
    }
}

impl<'a> Val<'a> {
    /// No value.
    pub const NULL: Val<'static> = Val::Null;

    /// A borrowed value (kept whole, so that it can be handed on as a `&Value`).
    pub fn borrowed(v: &'a Value) -> Val<'a> {
        Val::Ref(v)
    }

    /// A computed value (text as [`Val::String`]).
    pub fn owned(v: Value) -> Val<'a> {
        match v {
            Value::Null => Val::Null,
            Value::String(s) => Val::String(s),
            other => Val::Owned(other),
        }
    }

    /// The value when it is not text (`None` for text of either form).
    pub fn as_value(&self) -> Option<&Value> {
        match self {
            Val::Str(_) | Val::String(_) | Val::Ref(Value::String(_)) | Val::Owned(Value::String(_)) => None,
            Val::Null => Some(&Value::Null),
            Val::Ref(v) => Some(v),
            Val::Owned(v) => Some(v),
        }
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            Val::String(s) | Val::Ref(Value::String(s)) | Val::Owned(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// `Null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null | Val::Ref(Value::Null) | Val::Owned(Value::Null))
    }

    /// Text as a value (borrowed text stays borrowed).
    pub fn text(t: Cow<'a, str>) -> Val<'a> {
        match t {
            Cow::Borrowed(s) => Val::Str(s),
            Cow::Owned(s) => Val::String(s),
        }
    }

    /// The value, owned (borrowed text and values are copied).
    pub fn into_value(self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Str(s) => Value::String(s.to_string()),
            Val::String(s) => Value::String(s),
            Val::Ref(v) => v.clone(),
            Val::Owned(v) => v,
        }
    }

    /// The value as a `Cow` (borrowed text is copied: a `Cow` cannot hold a part of a value).
    pub fn into_cow(self) -> Cow<'a, Value> {
        match self {
            Val::Ref(v) => Cow::Borrowed(v),
            other => Cow::Owned(other.into_value()),
        }
    }
}
