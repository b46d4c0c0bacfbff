//! What the file connectors (csv, jsonl, ldif) share: settings, value text forms, the in-memory
//! object set an export works on, and atomic file replacement.

use super::{ConnectorError, ExportRequest, ImportMode};
use crate::model::AttrChange;
use crate::plan::{self, Setting};
use crate::value::{self, Value, ValueKind};
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A setting's text (literal, or read from the environment); `None` when it is not given.
pub(crate) fn setting_text(connector: &plan::Connector, name: &str) -> Result<Option<String>, ConnectorError> {
    let Some((_, setting)) = connector.settings.iter().find(|(n, _)| n == name) else {
        return Ok(None);
    };
    match setting {
        Setting::Literal(Value::String(s)) => Ok(Some(s.clone())),
        Setting::Literal(Value::Integer(n)) => Ok(Some(n.to_string())),
        Setting::Literal(Value::Boolean(b)) => Ok(Some(b.to_string())),
        Setting::Literal(other) => Err(ConnectorError(format!(
            "connector `{}`: option `{name}` has the value {}, which the connector cannot use",
            connector.name,
            other.to_literal()
        ))),
        Setting::Env(var) => std::env::var(var).map(Some).map_err(|_| {
            ConnectorError(format!(
                "connector `{}`: option `{name}` reads the environment variable `{var}`, which is not set",
                connector.name
            ))
        }),
        Setting::Secret(secret) => Err(ConnectorError(format!(
            "connector `{}`: option `{name}` cannot come from the secret `{secret}`",
            connector.name
        ))),
    }
}

/// The `path` setting: `(as written, resolved against base)`.
pub(crate) fn setting_path(
    connector: &plan::Connector,
    name: &str,
    base: &Path,
) -> Result<Option<(String, PathBuf)>, ConnectorError> {
    Ok(setting_text(connector, name)?.map(|p| {
        let resolved = base.join(&p);
        (p, resolved)
    }))
}

/// A setting that must be given.
pub(crate) fn required_path(connector: &plan::Connector, base: &Path) -> Result<(String, PathBuf), ConnectorError> {
    setting_path(connector, "path", base)?
        .ok_or_else(|| ConnectorError(format!("connector `{}`: the option `path` is required", connector.name)))
}

/// A one-character setting.
pub(crate) fn setting_char(connector: &plan::Connector, name: &str, default: char) -> Result<char, ConnectorError> {
    let Some(text) = setting_text(connector, name)? else {
        return Ok(default);
    };
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) if c != '"' && c != '\r' && c != '\n' => Ok(c),
        _ => Err(ConnectorError(format!(
            "connector `{}`: option `{name}` must be one character other than a quote or a line break, not {}",
            connector.name,
            value::quote(&text)
        ))),
    }
}

/// A boolean setting.
pub(crate) fn setting_bool(connector: &plan::Connector, name: &str, default: bool) -> Result<bool, ConnectorError> {
    match setting_text(connector, name)?.as_deref() {
        None => Ok(default),
        Some("true") => Ok(true),
        Some("false") => Ok(false),
        Some(other) => Err(ConnectorError(format!(
            "connector `{}`: option `{name}` must be true or false, not `{other}`",
            connector.name
        ))),
    }
}

/// The position a change file's watermark names: `(byte offset, lines before it)`.
pub(crate) fn change_position(connector: &str, shown: &str, mark: &str) -> Result<(u64, usize), ConnectorError> {
    mark.split_once(':').and_then(|(o, l)| Some((o.parse().ok()?, l.parse().ok()?))).ok_or_else(|| {
        ConnectorError(format!(
            "connector `{connector}`: the watermark `{mark}` is not a position in {shown} (offset:line); \
             run a full import to start again"
        ))
    })
}

/// The watermark after `offset`, which ends line `line`.
pub(crate) fn change_mark(offset: u64, line: usize) -> String {
    format!("{offset}:{line}")
}

/// The change file named by `delta_path`, or the error a delta import without one gets.
pub(crate) fn change_file<'c>(
    connector: &str,
    delta: Option<&'c (String, PathBuf)>,
) -> Result<&'c (String, PathBuf), ConnectorError> {
    delta.ok_or_else(|| {
        ConnectorError(format!(
            "connector `{connector}`: a delta import reads the change file named by the option `delta_path`, which is not set"
        ))
    })
}

/// File kinds have no delta import: a clear error for a delta request.
pub(crate) fn full_only(connector: &str, kind: &str, mode: &ImportMode) -> Result<(), ConnectorError> {
    match mode {
        ImportMode::Full => Ok(()),
        ImportMode::Delta(_) => Err(ConnectorError(format!(
            "connector `{connector}`: a {kind} file has no change log, so it cannot be delta imported \
             (its delta_import capability is false); run a full import"
        ))),
    }
}

/// The anchor attribute of an object type.
pub(crate) fn anchor_of(ty: &plan::ObjectType) -> Option<&plan::Attribute> {
    ty.attributes.get(usize::from(ty.anchor))
}

/// One value of `kind` from its text form (an integer, `true`/`false`, RFC 3339, a GUID in text
/// form, base64 for binary).
pub(crate) fn parse_text(kind: ValueKind, text: &str) -> Result<Value, String> {
    match kind {
        ValueKind::String => Ok(Value::String(text.to_owned())),
        ValueKind::Reference => Ok(Value::Reference(text.to_owned())),
        ValueKind::Integer => {
            text.trim().parse().map(Value::Integer).map_err(|_| format!("`{text}` is not an integer"))
        }
        ValueKind::Boolean => match text.trim().to_ascii_lowercase().as_str() {
            "true" => Ok(Value::Boolean(true)),
            "false" => Ok(Value::Boolean(false)),
            _ => Err(format!("`{text}` is not `true` or `false`")),
        },
        ValueKind::DateTime => crate::time::parse_datetime_detailed(text)
            .map(Value::DateTime)
            .map_err(|why| format!("`{text}` is not an RFC 3339 date and time: {why}")),
        ValueKind::Guid => value::parse_guid(text).map(Value::Guid).ok_or_else(|| format!("`{text}` is not a GUID")),
        ValueKind::Binary => {
            crate::text::base64_decode(text).map(Value::Binary).ok_or_else(|| format!("`{text}` is not base64"))
        }
    }
}

/// The text form of one value (the inverse of [`parse_text`]); lists give their values' texts.
pub(crate) fn value_texts(v: &Value) -> Vec<String> {
    match v {
        Value::Null => Vec::new(),
        Value::String(s) | Value::Reference(s) => vec![s.clone()],
        Value::Integer(n) => vec![n.to_string()],
        Value::Boolean(b) => vec![b.to_string()],
        Value::DateTime(us) => vec![crate::time::format_rfc3339(*us)],
        Value::Guid(g) => vec![value::format_guid(*g)],
        Value::Binary(bytes) => vec![crate::text::base64_encode(bytes)],
        Value::List(items) => items.iter().flat_map(value_texts).collect(),
    }
}

/// The typed value of an attribute from its texts: `Ok(None)` when there is none (empty texts are
/// no value), a list for a multi-valued attribute, an error when a text is not of the attribute's
/// kind or a single-valued attribute has several values.
pub(crate) fn typed_value(attr: &plan::Attribute, texts: &[String]) -> Result<Option<Value>, String> {
    let mut values = Vec::new();
    for text in texts.iter().filter(|t| !t.is_empty()) {
        values.push(parse_text(attr.kind, text)?);
    }
    finish_values(attr, values)
}

/// Values gathered for an attribute as its value (`None` when there are none).
pub(crate) fn finish_values(attr: &plan::Attribute, mut values: Vec<Value>) -> Result<Option<Value>, String> {
    if values.is_empty() {
        return Ok(None);
    }
    if attr.many {
        return Ok(Some(Value::List(values)));
    }
    if values.len() > 1 {
        return Err(format!("it has {} values but is single-valued", values.len()));
    }
    Ok(values.pop())
}

/// The new value of the attribute `name` in a request, when the request sets it.
pub(crate) fn new_value<'a>(request: &'a ExportRequest, name: &str) -> Option<&'a Value> {
    request.attributes.iter().rev().find(|c| c.name == name).map(|c: &AttrChange| &c.new)
}

/// The anchor an add gives its object: the anchor attribute's new value, else the request's
/// anchor, else (DN style none) its DN.
pub(crate) fn add_anchor(request: &ExportRequest, ty: &plan::ObjectType, dn_is_anchor: bool) -> Option<String> {
    let from_attr = anchor_of(ty)
        .and_then(|a| new_value(request, &a.name))
        .and_then(|v| value_texts(v).into_iter().next())
        .filter(|t| !t.is_empty());
    from_attr
        .or_else(|| request.anchor.clone().filter(|a| !a.is_empty()))
        .or_else(|| (dn_is_anchor && !request.dn.is_empty()).then(|| request.dn.clone()))
}

/// The object type a request names.
pub(crate) fn request_type<'a>(
    objects: &'a [plan::ObjectType],
    request: &ExportRequest,
) -> Result<&'a plan::ObjectType, String> {
    objects
        .iter()
        .find(|t| t.name == request.object_type)
        .ok_or_else(|| format!("the connector has no object type `{}`", request.object_type))
}

/// The 64-bit FNV-1a hash of `bytes`: stable across versions and platforms, as stored indexes
/// need.
pub(crate) fn fnv64(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// The keys (anchors, DNs) an import has seen, with the line of each: kept as 128-bit hashes,
/// not as text, so that a million objects' keys take tens of megabytes, not hundreds. Two keys
/// share a hash with a probability of about one in 10^26 for a million keys.
#[derive(Debug, Default)]
pub(crate) struct SeenKeys(HashMap<u128, usize>);

impl SeenKeys {
    fn hash(key: &str) -> u128 {
        use std::hash::{Hash, Hasher};
        let mut sip = std::collections::hash_map::DefaultHasher::new();
        key.hash(&mut sip);
        (u128::from(sip.finish()) << 64) | u128::from(fnv64(key.as_bytes()))
    }

    /// The line `key` was seen at.
    pub(crate) fn get(&self, key: &str) -> Option<usize> {
        self.0.get(&Self::hash(key)).copied()
    }

    /// Records `key` at `line` (a key seen before keeps its first line).
    pub(crate) fn insert(&mut self, key: &str, line: usize) {
        self.0.entry(Self::hash(key)).or_insert(line);
    }

    /// The line `key` was first seen at; otherwise records it at `line` and gives `None`.
    pub(crate) fn first(&mut self, key: &str, line: usize) -> Option<usize> {
        let first = self.get(key);
        if first.is_none() {
            self.insert(key, line);
        }
        first
    }
}

/// The objects an export works on, in file order (removed ones leave a hole, new ones are
/// appended), with an index of keys (anchors, DNs) to positions.
#[derive(Debug)]
pub(crate) struct ObjectSet<R> {
    records: Vec<Option<R>>,
    index: HashMap<String, usize>,
}

impl<R> ObjectSet<R> {
    /// An empty set.
    pub(crate) fn new() -> Self {
        ObjectSet { records: Vec::new(), index: HashMap::new() }
    }

    /// Appends a record with its keys (a key already taken keeps its first record).
    pub(crate) fn push(&mut self, record: R, keys: &[String]) -> usize {
        let i = self.records.len();
        self.records.push(Some(record));
        for k in keys {
            self.index.entry(k.clone()).or_insert(i);
        }
        i
    }

    /// The position of the record with this key.
    pub(crate) fn find(&self, key: &str) -> Option<usize> {
        self.index.get(key).copied()
    }

    /// The record at a position.
    pub(crate) fn get(&self, i: usize) -> Option<&R> {
        self.records.get(i).and_then(Option::as_ref)
    }

    /// The record at a position, to change (call [`ObjectSet::rekey`] after).
    pub(crate) fn get_mut(&mut self, i: usize) -> Option<&mut R> {
        self.records.get_mut(i).and_then(Option::as_mut)
    }

    /// Moves a record's keys from `old` to `new`.
    pub(crate) fn rekey(&mut self, i: usize, old: &[String], new: &[String]) {
        for k in old {
            if self.index.get(k) == Some(&i) {
                self.index.remove(k);
            }
        }
        for k in new {
            self.index.entry(k.clone()).or_insert(i);
        }
    }

    /// Removes the record at a position (its keys are `keys`).
    pub(crate) fn remove(&mut self, i: usize, keys: &[String]) -> Option<R> {
        self.rekey(i, keys, &[]);
        self.records.get_mut(i).and_then(Option::take)
    }

    /// Puts a record back in a hole (a delete-add keeps the object's place).
    pub(crate) fn put(&mut self, i: usize, record: R, keys: &[String]) {
        if let Some(slot) = self.records.get_mut(i) {
            *slot = Some(record);
            self.rekey(i, &[], keys);
        } else {
            self.push(record, keys);
        }
    }

    /// The records in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = &R> {
        self.records.iter().flatten()
    }
}

/// Replaces `path` atomically: writes `<file>.tmp` in the same folder, syncs it to disk, renames
/// it over the file (and syncs the folder where the platform allows). The temporary file is
/// removed when anything fails.
pub(crate) fn write_atomic(
    path: &Path,
    write: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), ConnectorError> {
    let tmp = tmp_path(path);
    let result = (|| -> io::Result<()> {
        let file = File::create(&tmp)?;
        let mut out = BufWriter::new(file);
        write(&mut out)?;
        let file = out.into_inner().map_err(io::IntoInnerError::into_error)?;
        file.sync_all()?;
        drop(file);
        fs::rename(&tmp, path)?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            // Best effort: not every platform can open a folder to sync it.
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    })();
    result.map_err(|e| {
        let _ = fs::remove_file(&tmp);
        ConnectorError(format!("cannot write {}: {e}", path.display()))
    })
}

/// `<file>.tmp` next to `path`.
pub(crate) fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".tmp");
    path.with_file_name(name)
}

/// Opens a file for import, with a message naming it.
pub(crate) fn open_for_import(path: &Path, shown: &str) -> Result<File, ConnectorError> {
    File::open(path).map_err(|e| ConnectorError(format!("cannot open {shown}: {e}")))
}

/// Reads one line (up to and including `\n`) into `buf`; `false` at the end of the file.
pub(crate) fn read_line_bytes(
    reader: &mut dyn io::BufRead,
    buf: &mut Vec<u8>,
    shown: &str,
) -> Result<bool, ConnectorError> {
    buf.clear();
    reader.read_until(b'\n', buf).map(|n| n > 0).map_err(|e| ConnectorError(format!("cannot read {shown}: {e}")))
}

#[cfg(test)]
pub(crate) mod test_support {
    //! Building plan connectors by hand for connector tests.

    use crate::connectors::{Connector, EntryError, ImportEntry, ImportMode};
    use crate::plan::{self, Attribute, ObjectType, Operation, Setting};
    use crate::value::{Value, ValueKind};

    /// Everything a full import gives, page by page (no page larger than `page`), the connector
    /// opened before and closed after.
    #[expect(clippy::panic, reason = "a failing test panics")]
    pub(crate) fn import_all(c: &mut dyn Connector, page: usize) -> Vec<Result<ImportEntry, EntryError>> {
        c.open().unwrap_or_else(|e| panic!("{e}"));
        c.start_import(ImportMode::Full, page).unwrap_or_else(|e| panic!("{e}"));
        let mut all = Vec::new();
        while let Some(p) = c.next_page().unwrap_or_else(|e| panic!("{e}")) {
            assert!(p.entries.len() <= page);
            all.extend(p.entries);
        }
        assert!(matches!(c.next_page(), Ok(None)), "pages after the last one");
        c.close().unwrap_or_else(|e| panic!("{e}"));
        all
    }

    /// An attribute: `name`, its kind, multi-valued or not.
    pub(crate) fn attr(name: &str, kind: ValueKind, many: bool) -> Attribute {
        Attribute {
            name: name.to_owned(),
            kind,
            references: None,
            many,
            optional: true,
            required: false,
            operation: Operation::ImportExport,
        }
    }

    /// An object type; attributes are sorted by name as the plan keeps them.
    pub(crate) fn object(name: &str, anchor: &str, mut attributes: Vec<Attribute>) -> ObjectType {
        attributes.sort_by(|a, b| a.name.cmp(&b.name));
        let anchor = attributes.iter().position(|a| a.name == anchor).and_then(|p| u16::try_from(p).ok()).unwrap_or(0);
        ObjectType { name: name.to_owned(), attributes, anchor, filters: Vec::new() }
    }

    /// A connector of `kind` with string settings.
    pub(crate) fn connector(kind: &str, settings: &[(&str, &str)], mut objects: Vec<ObjectType>) -> plan::Connector {
        objects.sort_by(|a, b| a.name.cmp(&b.name));
        let mut settings: Vec<(String, Setting)> = settings
            .iter()
            .map(|(k, v)| {
                let value = match *v {
                    "true" => Value::Boolean(true),
                    "false" => Value::Boolean(false),
                    other => Value::String(other.to_owned()),
                };
                ((*k).to_owned(), Setting::Literal(value))
            })
            .collect();
        settings.sort_by(|a, b| a.0.cmp(&b.0));
        plan::Connector {
            name: "test".to_owned(),
            kind: kind.to_owned(),
            settings,
            containers: Vec::new(),
            capabilities: Vec::new(),
            objects,
        }
    }

    /// A fresh empty folder under the target directory's temp area.
    pub(crate) fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("metasync-conn-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::create_dir_all(&dir);
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::SeenKeys;

    #[test]
    fn seen_keys_keep_the_first_line() {
        let mut seen = SeenKeys::default();
        assert_eq!(seen.first("a\0person\0E1", 2), None);
        assert_eq!(seen.first("a\0person\0E2", 3), None);
        assert_eq!(seen.first("a\0person\0E1", 9), Some(2));
        assert_eq!(seen.get("a\0person\0E3"), None);
        seen.insert("a\0person\0E2", 10);
        assert_eq!(seen.get("a\0person\0E2"), Some(3));
        // Many keys, none taken for another.
        for i in 0..100_000 {
            assert_eq!(seen.first(&format!("d\0uid=u{i},ou=people"), i), None);
        }
    }
}
