//! The `jsonl` connector: a JSON lines file, one JSON object per line.
//!
//! **Import** streams the file line by line. Each object's keys are attribute names; keys the
//! schema does not declare are ignored. Values are typed by the schema with
//! [`Value::from_json`]: numbers or numeric strings for integers, `true`/`false` (or the strings)
//! for booleans, RFC 3339 strings for date-times, GUIDs in text form, base64 strings for binary;
//! numbers and booleans are also read as text for string attributes. A multi-valued attribute is
//! an array (a single value is read as a one-value list). `null`, `""` and `[]` are no value.
//! With several object types the key `objectType` names each object's type. A line that cannot
//! be read (not a JSON object, a bad value, no anchor, an anchor seen before, an unknown type) is
//! an entry error naming the file, the line and the attribute; the import goes on. The DN of an
//! object is its anchor's text (DN style `none`).
//!
//! **Delta import** reads a change file (option `delta_path`): JSON lines like the file's, each
//! with a key (option `change_type`, default `changeType`) saying `add`, `replace`, `update` or
//! `delete`. `add` and `replace` give the object's whole new state; `update` gives only the
//! attributes that changed (`null`, `""` or `[]` clears one, keys not given stay as they are);
//! `delete` needs only the anchor. The file is a log that its producer appends to; the watermark
//! is the position after the last line read (`offset:line`), a last line without its line break is
//! not read until it is complete, and a change file shorter than the watermark (replaced or
//! truncated) is read from its start again.
//!
//! **Export** (object replace) loads the file at the first export (a missing file is empty),
//! applies each request by anchor, and at close rewrites the file atomically in the original
//! order with new objects appended. Keys keep their order in the file, keys the schema does not
//! know are kept, and lines that are not JSON objects are written back unchanged. Values are
//! written with [`Value::to_json`]; a cleared attribute loses its key. New objects have
//! `objectType` (several types only), then the anchor, then the exported attributes.

use super::files::{self, ObjectSet};
use super::{
    Connector, ConnectorError, EntryChange, EntryError, ExportRequest, ExportResult, ImportEntry, ImportMode,
    ImportPage,
};
use crate::model::ExportChange;
use crate::plan;
use crate::value::Value;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The key that names an object's type when the connector has several.
const OBJECT_TYPE: &str = "objectType";

/// The change file's key that says what a line is, unless `change_type` names another.
const CHANGE_TYPE: &str = "changeType";

/// A jsonl file connector.
#[derive(Debug)]
pub struct JsonlConnector {
    name: String,
    shown: String,
    path: PathBuf,
    objects: Vec<plan::ObjectType>,
    /// The change file of delta imports: `(as written, resolved)`.
    delta: Option<(String, PathBuf)>,
    /// Its change type key.
    change_type: String,
    import: Option<Import>,
    export: Option<Export>,
}

/// A running import.
#[derive(Debug)]
struct Import {
    input: BufReader<File>,
    /// The file as shown in messages.
    shown: String,
    line: usize,
    /// Bytes consumed so far.
    offset: u64,
    buf: Vec<u8>,
    page_size: usize,
    seen: files::SeenKeys,
    done: bool,
    /// A delta import (of a change file).
    delta: bool,
}

/// The objects an export works on.
#[derive(Debug)]
struct Export {
    set: ObjectSet<Line>,
    dirty: bool,
}

/// A line of the file.
#[derive(Debug, Clone, PartialEq)]
enum Line {
    /// A JSON object, its keys in file order.
    Object(Vec<(String, Json)>),
    /// Anything else, kept as written.
    Other(String),
}

/// A JSON object with its keys in order.
struct Ordered(Vec<(String, Json)>);

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Ordered, D::Error> {
        struct Fields;
        impl<'de> Visitor<'de> for Fields {
            type Value = Ordered;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut fields = Vec::new();
                while let Some(entry) = map.next_entry::<String, Json>()? {
                    fields.push(entry);
                }
                Ok(Ordered(fields))
            }
        }
        deserializer.deserialize_map(Fields)
    }
}

/// The value of a key (the last one, when a key is repeated).
fn get<'a>(fields: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    fields.iter().rev().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// The text of a scalar JSON value, for anchors and object types.
fn scalar_text(json: &Json) -> Option<String> {
    match json {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// One JSON value of an attribute (`None`: no value).
fn one_value(attr: &plan::Attribute, json: &Json) -> Result<Option<Value>, String> {
    use crate::value::ValueKind;
    match json {
        Json::Null => Ok(None),
        Json::String(s) if s.is_empty() => Ok(None),
        Json::Array(_) | Json::Object(_) => Err(format!("{json} is not a single value")),
        Json::Number(_) | Json::Bool(_) if matches!(attr.kind, ValueKind::String | ValueKind::Reference) => {
            let text = scalar_text(json).unwrap_or_default();
            files::parse_text(attr.kind, &text).map(Some)
        }
        other => Value::from_json(other, attr.kind).map(Some),
    }
}

/// The value of an attribute from its JSON.
fn attr_value(attr: &plan::Attribute, json: &Json) -> Result<Option<Value>, String> {
    let items: Vec<&Json> = match json {
        Json::Array(items) => items.iter().collect(),
        one => vec![one],
    };
    let mut values = Vec::new();
    for item in items {
        if let Some(v) = one_value(attr, item)? {
            values.push(v);
        }
    }
    files::finish_values(attr, values)
}

/// The JSON an attribute's value is written as (`None`: no key).
fn attr_json(attr: &plan::Attribute, value: &Value) -> Result<Option<Json>, String> {
    let values = value.values();
    if values.is_empty() {
        return Ok(None);
    }
    if attr.many {
        return Ok(Some(Json::Array(values.iter().map(Value::to_json).collect())));
    }
    match values {
        [one] => Ok(Some(one.to_json())),
        _ => Err(format!("attribute `{}` is single-valued but was given {} values", attr.name, values.len())),
    }
}

/// The line of an object as written: `{"key": value, ...}`.
fn object_line(fields: &[(String, Json)]) -> String {
    let parts: Vec<String> = fields.iter().map(|(k, v)| format!("{}: {}", Json::String(k.clone()), v)).collect();
    format!("{{{}}}", parts.join(", "))
}

impl JsonlConnector {
    /// The connector for a plan's `jsonl` connector; `base` is the rule set's folder.
    pub fn new(connector: &plan::Connector, base: &Path) -> Result<Self, ConnectorError> {
        let (shown, path) = files::required_path(connector, base)?;
        Ok(JsonlConnector {
            name: connector.name.clone(),
            shown,
            path,
            objects: connector.objects.clone(),
            delta: files::setting_path(connector, "delta_path", base)?,
            change_type: files::setting_text(connector, "change_type")?.unwrap_or_else(|| CHANGE_TYPE.to_owned()),
            import: None,
            export: None,
        })
    }

    /// The object type of an object.
    fn object_type(&self, fields: &[(String, Json)]) -> Result<&plan::ObjectType, String> {
        if let [only] = self.objects.as_slice() {
            return Ok(only);
        }
        let name = get(fields, OBJECT_TYPE)
            .and_then(scalar_text)
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("the object has no `{OBJECT_TYPE}`"))?;
        self.objects
            .iter()
            .find(|t| t.name == name)
            .ok_or_else(|| format!("`{OBJECT_TYPE}` `{name}` is not an object type of the connector"))
    }

    /// The entry a line describes: a whole object, or in a change file (`delta`) what its change
    /// type says.
    fn read_line(&self, text: &str, delta: bool) -> Result<ImportEntry, String> {
        let Ordered(fields) =
            serde_json::from_str::<Ordered>(text).map_err(|e| format!("the line is not a JSON object: {e}"))?;
        let ty = self.object_type(&fields)?;
        let anchor_attr = files::anchor_of(ty).ok_or("the object type has no anchor")?;
        let change = if delta {
            let kind = get(&fields, &self.change_type).and_then(scalar_text).unwrap_or_default();
            match kind.trim().to_ascii_lowercase().as_str() {
                "add" | "replace" => EntryChange::Object,
                "update" | "modify" => EntryChange::Update,
                "delete" => EntryChange::Delete,
                "" => return Err(format!("the line has no `{}` (add, replace, update or delete)", self.change_type)),
                other => {
                    return Err(format!("`{}` `{other}` is not add, replace, update or delete", self.change_type));
                }
            }
        } else {
            EntryChange::Object
        };
        let mut attributes = BTreeMap::new();
        let mut problems = Vec::new();
        for attr in &ty.attributes {
            let Some(json) = get(&fields, &attr.name) else {
                continue;
            };
            if change == EntryChange::Delete && attr.name != anchor_attr.name {
                continue;
            }
            match attr_value(attr, json) {
                Ok(Some(v)) => {
                    attributes.insert(attr.name.clone(), v);
                }
                // An update clears what it gives as null, "" or [].
                Ok(None) if change == EntryChange::Update => {
                    attributes.insert(attr.name.clone(), Value::Null);
                }
                Ok(None) => {}
                Err(why) => problems.push(format!("attribute `{}`: {why}", attr.name)),
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let anchor = attributes
            .get(&anchor_attr.name)
            .and_then(|v| files::value_texts(v).into_iter().next())
            .ok_or_else(|| format!("attribute `{}`: the anchor has no value", anchor_attr.name))?;
        if change == EntryChange::Delete {
            attributes.clear();
        }
        Ok(ImportEntry { object_type: ty.name.clone(), dn: anchor.clone(), anchor, change, attributes })
    }

    /// The index keys of a stored line.
    fn keys(&self, line: &Line) -> Vec<String> {
        let Line::Object(fields) = line else {
            return Vec::new();
        };
        let Ok(ty) = self.object_type(fields) else {
            return Vec::new();
        };
        files::anchor_of(ty)
            .and_then(|a| get(fields, &a.name))
            .and_then(scalar_text)
            .filter(|t| !t.is_empty())
            .map(|t| vec![key(&ty.name, &t)])
            .unwrap_or_default()
    }

    /// Loads the file for an export (a missing file is empty).
    fn load(&self) -> Result<Export, ConnectorError> {
        let mut export = Export { set: ObjectSet::new(), dirty: false };
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(export),
            Err(e) => return Err(ConnectorError(format!("cannot open {}: {e}", self.shown))),
        };
        let mut input = BufReader::new(file);
        let mut buf = Vec::new();
        let mut number = 0;
        while files::read_line_bytes(&mut input, &mut buf, &self.shown)? {
            number += 1;
            let text = std::str::from_utf8(&buf).map_err(|e| {
                ConnectorError(format!("cannot export to {}: line {number} is not UTF-8 text: {e}", self.shown))
            })?;
            let text = text.trim_end_matches(['\n', '\r']);
            if text.trim().is_empty() {
                continue;
            }
            let line = match serde_json::from_str::<Ordered>(text) {
                Ok(Ordered(fields)) => Line::Object(fields),
                Err(_) => Line::Other(text.to_owned()),
            };
            let keys = self.keys(&line);
            export.set.push(line, &keys);
        }
        Ok(export)
    }

    /// The keys a request sets (`None`: remove the key), checked before anything changes.
    fn request_fields(
        &self,
        ty: &plan::ObjectType,
        request: &ExportRequest,
    ) -> Result<Vec<(String, Option<Json>)>, String> {
        let mut out = Vec::new();
        for change in &request.attributes {
            // Attributes outside the schema are not the connector's (attribute inclusion).
            let Some(attr) = ty.attributes.iter().find(|a| a.name == change.name) else {
                continue;
            };
            out.push((attr.name.clone(), attr_json(attr, &change.new)?));
        }
        Ok(out)
    }

    /// A new object for an add.
    fn new_object(&self, ty: &plan::ObjectType, request: &ExportRequest, anchor: &str) -> Result<Line, String> {
        let mut fields = Vec::new();
        if self.objects.len() > 1 {
            fields.push((OBJECT_TYPE.to_owned(), Json::String(ty.name.clone())));
        }
        if let Some(a) = files::anchor_of(ty) {
            fields.push((a.name.clone(), Json::String(anchor.to_owned())));
        }
        let mut line = Line::Object(fields);
        set_fields(&mut line, self.request_fields(ty, request)?);
        Ok(line)
    }

    fn apply(&mut self, request: &ExportRequest) -> Result<ExportResult, ConnectorError> {
        if self.export.is_none() {
            self.export = Some(self.load()?);
        }
        let Some(mut export) = self.export.take() else {
            return Err(ConnectorError("the export could not be loaded".to_owned()));
        };
        let result = self.apply_to(&mut export, request);
        self.export = Some(export);
        Ok(result)
    }

    fn apply_to(&self, export: &mut Export, request: &ExportRequest) -> ExportResult {
        let ty = match files::request_type(&self.objects, request) {
            Ok(t) => t,
            Err(message) => return error(message),
        };
        let current = request.anchor.as_deref().unwrap_or(&request.dn);
        let found = export.set.find(&key(&ty.name, current));
        match request.change {
            ExportChange::Add | ExportChange::DeleteAdd => {
                let Some(anchor) = files::add_anchor(request, ty, true) else {
                    return error("the new object has no anchor value".to_owned());
                };
                let line = match self.new_object(ty, request, &anchor) {
                    Ok(l) => l,
                    Err(message) => return error(message),
                };
                let replaced = match (request.change, found) {
                    (ExportChange::DeleteAdd, Some(i)) => {
                        let keys = export.set.get(i).map(|l| self.keys(l)).unwrap_or_default();
                        export.set.remove(i, &keys);
                        Some(i)
                    }
                    _ => None,
                };
                if export.set.find(&key(&ty.name, &anchor)).is_some() {
                    return error(format!("an object with the anchor `{anchor}` already exists"));
                }
                let keys = self.keys(&line);
                match replaced {
                    Some(i) => export.set.put(i, line, &keys),
                    None => {
                        export.set.push(line, &keys);
                    }
                }
                export.dirty = true;
                ExportResult::Success { anchor: Some(anchor) }
            }
            ExportChange::Update => {
                let Some(i) = found else {
                    return ExportResult::ConvertToAdd;
                };
                let sets = match self.request_fields(ty, request) {
                    Ok(s) => s,
                    Err(message) => return error(message),
                };
                let old = export.set.get(i).map(|l| self.keys(l)).unwrap_or_default();
                let Some(line) = export.set.get_mut(i) else {
                    return error("the object vanished".to_owned());
                };
                set_fields(line, sets);
                let new = self.keys(line);
                export.set.rekey(i, &old, &new);
                export.dirty = true;
                ExportResult::Success { anchor: None }
            }
            ExportChange::Delete => {
                // Already gone, as the request wants (a retry after a crash between the file's
                // write and the store's record finds it so): done, with nothing to write.
                let Some(i) = found else {
                    return ExportResult::Success { anchor: None };
                };
                let keys = export.set.get(i).map(|l| self.keys(l)).unwrap_or_default();
                export.set.remove(i, &keys);
                export.dirty = true;
                ExportResult::Success { anchor: None }
            }
        }
    }
}

/// Sets (or removes) keys of an object, keeping the order of the keys it has.
fn set_fields(line: &mut Line, sets: Vec<(String, Option<Json>)>) {
    let Line::Object(fields) = line else {
        return;
    };
    for (name, json) in sets {
        match json {
            None => fields.retain(|(k, _)| k != &name),
            Some(json) => {
                let mut json = Some(json);
                for (k, v) in fields.iter_mut() {
                    if k == &name
                        && let Some(j) = json.take()
                    {
                        *v = j;
                    }
                }
                if let Some(j) = json {
                    fields.push((name, j));
                }
            }
        }
    }
}

/// An error result that does not stop the run.
fn error(message: String) -> ExportResult {
    ExportResult::Error { message, stop: false }
}

/// The index key of an object.
fn key(object_type: &str, anchor: &str) -> String {
    format!("{object_type}\0{anchor}")
}

impl Connector for JsonlConnector {
    fn open(&mut self) -> Result<(), ConnectorError> {
        Ok(())
    }

    fn discover(&mut self) -> Result<Vec<plan::ObjectType>, ConnectorError> {
        Ok(self.objects.clone())
    }

    fn start_import(&mut self, mode: ImportMode, page_size: usize) -> Result<(), ConnectorError> {
        let (shown, path, delta) = match &mode {
            ImportMode::Full => (self.shown.clone(), self.path.clone(), false),
            ImportMode::Delta(_) => {
                let (shown, path) = files::change_file(&self.name, self.delta.as_ref())?;
                (shown.clone(), path.clone(), true)
            }
        };
        let file = files::open_for_import(&path, &shown)?;
        let length = file.metadata().map_err(|e| ConnectorError(format!("cannot read {shown}: {e}")))?.len();
        let mut input = BufReader::new(file);
        let (mut offset, mut line) = (0, 0);
        if let ImportMode::Delta(Some(mark)) = &mode {
            let (at, after) = files::change_position(&self.name, &shown, mark)?;
            // A file shorter than the watermark was replaced: it is read from its start.
            if at <= length {
                input.seek(SeekFrom::Start(at)).map_err(|e| ConnectorError(format!("cannot read {shown}: {e}")))?;
                (offset, line) = (at, after);
            }
        }
        self.import = Some(Import {
            input,
            shown,
            line,
            offset,
            buf: Vec::new(),
            page_size: page_size.max(1),
            seen: files::SeenKeys::default(),
            done: false,
            delta,
        });
        Ok(())
    }

    fn next_page(&mut self) -> Result<Option<ImportPage>, ConnectorError> {
        let Some(mut import) = self.import.take() else {
            return Err(ConnectorError(format!("connector `{}`: no import was started", self.name)));
        };
        let mut entries = Vec::new();
        while !import.done && entries.len() < import.page_size {
            let more = files::read_line_bytes(&mut import.input, &mut import.buf, &import.shown)?;
            // A change file's last line without its line break is still being written.
            if !more || (import.delta && !import.buf.ends_with(b"\n")) {
                import.done = true;
                break;
            }
            import.line += 1;
            import.offset += import.buf.len() as u64;
            let line = import.line;
            let entry = std::str::from_utf8(&import.buf)
                .map_err(|e| format!("the line is not UTF-8 text: {e}"))
                .map(|t| t.trim_end_matches(['\n', '\r']));
            if entry.as_ref().is_ok_and(|t| t.trim().is_empty()) {
                continue;
            }
            if import.delta {
                let entry = entry.and_then(|text| self.read_line(text, true));
                entries
                    .push(entry.map_err(|message| EntryError { object: format!("{}:{line}", import.shown), message }));
                continue;
            }
            let entry = entry
                .and_then(|text| self.read_line(text, false))
                .and_then(|entry| {
                    let k = key(&entry.object_type, &entry.anchor);
                    match import.seen.first(&k, line) {
                        Some(first) => {
                            Err(format!("the anchor `{}` is already used by the object at line {first}", entry.anchor))
                        }
                        None => Ok(entry),
                    }
                })
                .map_err(|message| EntryError { object: format!("{}:{line}", import.shown), message });
            entries.push(entry);
        }
        let watermark = import.delta.then(|| files::change_mark(import.offset, import.line));
        self.import = Some(import);
        if entries.is_empty() {
            return Ok(None);
        }
        Ok(Some(ImportPage { entries, watermark }))
    }

    fn export(&mut self, batch: &[ExportRequest]) -> Result<Vec<ExportResult>, ConnectorError> {
        batch.iter().map(|r| self.apply(r)).collect()
    }

    fn flush(&mut self) -> Result<(), ConnectorError> {
        if let Some(mut export) = self.export.take() {
            if export.dirty {
                files::write_atomic(&self.path, |out: &mut dyn Write| {
                    for line in export.set.iter() {
                        match line {
                            Line::Object(fields) => out.write_all(object_line(fields).as_bytes())?,
                            Line::Other(text) => out.write_all(text.as_bytes())?,
                        }
                        out.write_all(b"\n")?;
                    }
                    Ok(())
                })?;
                export.dirty = false;
            }
            self.export = Some(export);
        }
        Ok(())
    }

    fn close(&mut self) -> Result<(), ConnectorError> {
        self.import = None;
        self.flush()?;
        self.export = None;
        Ok(())
    }
}

#[cfg(test)]
#[expect(clippy::panic, clippy::indexing_slicing, reason = "a failing test panics")]
mod tests {
    use super::*;
    use crate::connectors::files::test_support::{attr, connector, import_all, object, temp_dir};
    use crate::model::AttrChange;
    use crate::value::ValueKind;

    fn ok(entries: &[Result<ImportEntry, EntryError>]) -> Vec<&ImportEntry> {
        entries.iter().filter_map(|e| e.as_ref().ok()).collect()
    }

    fn errors(entries: &[Result<ImportEntry, EntryError>]) -> Vec<&EntryError> {
        entries.iter().filter_map(|e| e.as_ref().err()).collect()
    }

    fn person_type() -> plan::ObjectType {
        object(
            "person",
            "id",
            vec![
                attr("id", ValueKind::String, false),
                attr("name", ValueKind::String, false),
                attr("age", ValueKind::Integer, false),
                attr("active", ValueKind::Boolean, false),
                attr("hired", ValueKind::DateTime, false),
                attr("guid", ValueKind::Guid, false),
                attr("photo", ValueKind::Binary, false),
                attr("tags", ValueKind::String, true),
                attr("manager", ValueKind::Reference, false),
            ],
        )
    }

    #[test]
    fn delta_import_reads_changes_from_the_watermark() {
        let dir = temp_dir("jsonl-delta");
        let changes = dir.join("p.changes.jsonl");
        let text = r#"{"changeType": "add", "id": "7", "name": "Ann", "age": 30}
{"changeType": "update", "id": "7", "age": null, "tags": ["x"]}
{"changeType": "delete", "id": "8", "name": "ignored"}
{"changeType": "rename", "id": "9"}
{"id": "9"}
"#;
        std::fs::write(&changes, text).unwrap_or_else(|e| panic!("{e}"));
        let plan = connector("jsonl", &[("path", "p.jsonl"), ("delta_path", "p.changes.jsonl")], vec![person_type()]);
        let mut c = JsonlConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let read = |c: &mut JsonlConnector, mark: Option<String>| {
            c.start_import(ImportMode::Delta(mark.clone()), 2).unwrap_or_else(|e| panic!("{e}"));
            let (mut all, mut last) = (Vec::new(), mark);
            while let Some(p) = c.next_page().unwrap_or_else(|e| panic!("{e}")) {
                last = p.watermark;
                all.extend(p.entries);
            }
            (all, last)
        };
        let (all, mark) = read(&mut c, None);
        let good = ok(&all);
        assert_eq!(good.len(), 3);
        assert_eq!(good[0].change, EntryChange::Object);
        assert_eq!(good[1].change, EntryChange::Update);
        assert_eq!(good[1].attributes.get("age"), Some(&Value::Null), "an update clears what it gives as null");
        assert_eq!(good[1].attributes.get("name"), None, "keys not given stay as they are");
        assert_eq!((good[2].anchor.as_str(), good[2].change), ("8", EntryChange::Delete));
        assert!(good[2].attributes.is_empty());
        let errs = errors(&all);
        assert_eq!(errs[0].object, "p.changes.jsonl:4");
        assert!(errs[0].message.contains("`rename` is not add, replace, update or delete"));
        assert!(errs[1].message.contains("has no `changeType`"));
        assert_eq!(mark, Some(format!("{}:5", text.len())));
        let mut file = std::fs::OpenOptions::new().append(true).open(&changes).unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"{\"changeType\": \"delete\", \"id\": \"7\"}\n{\"changeType\"")
            .unwrap_or_else(|e| panic!("{e}"));
        let (more, mark2) = read(&mut c, mark);
        assert_eq!(ok(&more).len(), 1, "the incomplete last line waits");
        assert_eq!(ok(&more)[0].change, EntryChange::Delete);
        let (none, mark3) = read(&mut c, mark2.clone());
        assert!(none.is_empty());
        assert_eq!(mark3, mark2);
        let plan = connector("jsonl", &[("path", "p.jsonl")], vec![person_type()]);
        let mut plain = JsonlConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        assert!(plain.start_import(ImportMode::Delta(None), 2).is_err_and(|e| e.0.contains("`delta_path`")));
    }

    #[test]
    fn imports_every_value_kind() {
        let dir = temp_dir("jsonl-kinds");
        let text = r#"{"id": "1", "name": "Ann \"A\"", "age": 42, "active": true, "hired": "2024-01-05T10:00:00Z", "guid": "{3F2504E0-4F89-11D3-9A0C-0305E82C3301}", "photo": "aGk=", "tags": ["a", "", "b;c"], "manager": "2", "other": {"x": 1}}
{"id": 2, "name": "", "age": "7", "active": "false", "tags": "solo", "hired": null}

{"id": "3", "age": "abc"}
not json
{"name": "no anchor"}
{"id": "1"}
{"id": "4", "active": 1, "tags": [["nested"]], "name": ["x", "y"]}
"#;
        std::fs::write(dir.join("p.jsonl"), text).unwrap_or_else(|e| panic!("{e}"));
        let plan = connector("jsonl", &[("path", "p.jsonl")], vec![person_type()]);
        let mut c = JsonlConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let all = import_all(&mut c, 3);
        let good = ok(&all);
        assert_eq!(good.len(), 2);
        let a = &good[0].attributes;
        assert_eq!(a.get("name"), Some(&Value::String("Ann \"A\"".into())));
        assert_eq!(a.get("age"), Some(&Value::Integer(42)));
        assert_eq!(a.get("active"), Some(&Value::Boolean(true)));
        assert!(matches!(a.get("hired"), Some(Value::DateTime(_))));
        assert!(matches!(a.get("guid"), Some(Value::Guid(_))));
        assert_eq!(a.get("photo"), Some(&Value::Binary(b"hi".to_vec())));
        assert_eq!(a.get("tags"), Some(&Value::List(vec![Value::String("a".into()), Value::String("b;c".into())])));
        assert_eq!(a.get("manager"), Some(&Value::Reference("2".into())));
        let b = good[1];
        assert_eq!((b.anchor.as_str(), b.dn.as_str()), ("2", "2"));
        assert!(!b.attributes.contains_key("name") && !b.attributes.contains_key("hired"));
        assert_eq!(b.attributes.get("age"), Some(&Value::Integer(7)));
        assert_eq!(b.attributes.get("active"), Some(&Value::Boolean(false)));
        assert_eq!(b.attributes.get("tags"), Some(&Value::List(vec![Value::String("solo".into())])));
        let errs = errors(&all);
        assert_eq!(
            errs.iter().map(|e| e.object.as_str()).collect::<Vec<_>>(),
            ["p.jsonl:4", "p.jsonl:5", "p.jsonl:6", "p.jsonl:7", "p.jsonl:8"]
        );
        assert!(errs[0].message.contains("attribute `age`") && errs[0].message.contains("abc"));
        assert!(errs[1].message.contains("not a JSON object"));
        assert!(errs[2].message.contains("attribute `id`"));
        assert!(errs[3].message.contains("line 1"));
        for attribute in ["active", "tags", "name"] {
            assert!(errs[4].message.contains(&format!("attribute `{attribute}`")), "{}", errs[4].message);
        }
    }

    #[test]
    fn several_object_types_and_the_example() {
        let dir = temp_dir("jsonl-types");
        let text = "{\"objectType\": \"group\", \"id\": \"g\", \"members\": [\"1\"]}\n{\"objectType\": \"person\", \"id\": \"1\"}\n{\"id\": \"x\"}\n";
        std::fs::write(dir.join("m.jsonl"), text).unwrap_or_else(|e| panic!("{e}"));
        let person = object("person", "id", vec![attr("id", ValueKind::String, false)]);
        let group = object(
            "group",
            "id",
            vec![attr("id", ValueKind::String, false), attr("members", ValueKind::Reference, true)],
        );
        let plan = connector("jsonl", &[("path", "m.jsonl")], vec![person, group]);
        let mut c = JsonlConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let all = import_all(&mut c, 10);
        assert_eq!(ok(&all).iter().map(|e| e.object_type.as_str()).collect::<Vec<_>>(), ["group", "person"]);
        assert!(errors(&all)[0].message.contains("objectType"));
        assert!(c.start_import(ImportMode::Delta(Some("1".into())), 1).is_err());

        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/examples/hr-to-directory");
        let s = |n: &str| attr(n, ValueKind::String, false);
        let badge = object(
            "badge",
            "badgeId",
            vec![
                s("badgeId"),
                s("employeeId"),
                s("printedName"),
                s("mail"),
                s("phone"),
                s("room"),
                attr("active", ValueKind::Boolean, false),
            ],
        );
        let plan = connector("jsonl", &[("path", "data/badges.jsonl")], vec![badge]);
        let mut c = JsonlConnector::new(&plan, &example).unwrap_or_else(|e| panic!("{e}"));
        let all = import_all(&mut c, 4);
        assert!(errors(&all).is_empty(), "{:?}", errors(&all));
        assert_eq!(ok(&all)[0].anchor, "B-5001");
    }

    fn change(name: &str, new: Value) -> AttrChange {
        AttrChange { name: name.into(), old: Value::Null, new }
    }

    fn request(change: ExportChange, anchor: &str, attributes: Vec<AttrChange>) -> ExportRequest {
        ExportRequest {
            id: 1,
            object_type: "person".into(),
            dn: anchor.into(),
            anchor: (change != ExportChange::Add).then(|| anchor.to_owned()),
            change,
            new_dn: None,
            attributes,
        }
    }

    #[test]
    fn export_round_trip() {
        let dir = temp_dir("jsonl-export");
        let path = dir.join("p.jsonl");
        std::fs::write(&path, "{\"name\": \"Ann\", \"id\": \"1\", \"x\": [1, 2], \"age\": 3}\nkeep this line\n{\"id\": \"2\", \"name\": \"Bob\"}\n{\"id\": \"3\"}\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let plan = connector("jsonl", &[("path", "p.jsonl")], vec![person_type()]);
        let mut c = JsonlConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        c.open().unwrap_or_else(|e| panic!("{e}"));
        let hired = crate::time::parse_datetime("2024-01-05T10:00:00Z").map(Value::DateTime).unwrap_or(Value::Null);
        let results = c
            .export(&[
                request(
                    ExportChange::Add,
                    "4",
                    vec![
                        change("id", Value::String("4".into())),
                        change("tags", Value::List(vec![Value::String("t".into())])),
                        change("hired", hired.clone()),
                        change("guid", Value::Guid(1)),
                        change("zzz", Value::Integer(1)),
                    ],
                ),
                request(
                    ExportChange::Update,
                    "1",
                    vec![
                        change("age", Value::Null),
                        change("active", Value::Boolean(false)),
                        change("name", Value::String("Anne".into())),
                    ],
                ),
                request(ExportChange::Delete, "3", vec![]),
                request(ExportChange::Delete, "3", vec![]),
                request(ExportChange::Update, "5", vec![]),
                request(
                    ExportChange::DeleteAdd,
                    "2",
                    vec![change("id", Value::String("2".into())), change("age", Value::Integer(9))],
                ),
                request(ExportChange::Add, "4", vec![change("id", Value::String("4".into()))]),
            ])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(results[0], ExportResult::Success { anchor: Some("4".into()) });
        assert_eq!(results[1], ExportResult::Success { anchor: None });
        assert_eq!(results[2], ExportResult::Success { anchor: None });
        // Deleting what is already gone succeeds and writes nothing.
        assert_eq!(results[3], ExportResult::Success { anchor: None });
        assert_eq!(results[4], ExportResult::ConvertToAdd);
        assert_eq!(results[5], ExportResult::Success { anchor: Some("2".into()) });
        assert!(matches!(&results[6], ExportResult::Error { .. }));
        c.close().unwrap_or_else(|e| panic!("{e}"));
        assert!(!files::tmp_path(&path).exists());
        assert_eq!(
            std::fs::read_to_string(&path).unwrap_or_default(),
            "{\"name\": \"Anne\", \"id\": \"1\", \"x\": [1,2], \"active\": false}\n\
             keep this line\n\
             {\"id\": \"2\", \"age\": 9}\n\
             {\"id\": \"4\", \"tags\": [\"t\"], \"hired\": \"2024-01-05T10:00:00Z\", \"guid\": \"00000000-0000-0000-0000-000000000001\"}\n"
        );
        let all = import_all(&mut c, 10);
        let good = ok(&all);
        assert_eq!(good.iter().map(|e| e.anchor.as_str()).collect::<Vec<_>>(), ["1", "2", "4"]);
        assert_eq!(good[0].attributes.len(), 3);
        assert_eq!(good[2].attributes.get("hired"), Some(&hired));
        assert_eq!(errors(&all).len(), 1, "the kept line");
    }
}
