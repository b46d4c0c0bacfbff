//! The `csv` connector: a delimited text file with one object per line (RFC 4180).
//!
//! **Import** streams the file record by record (a quoted field may span lines). The header row
//! names the columns (with `header = false` the columns are the default ones, see below); columns
//! the schema does not declare are ignored. Values are typed by the schema: integers, `true` /
//! `false`, RFC 3339 date-times, GUIDs in text form, base64 for binary; an empty field is no
//! value. With several object types a column `objectType` names each row's type. A row that cannot
//! be read (a bad value, no anchor, an anchor seen before, an unknown type, more fields than
//! columns) is an entry error naming the file, the row's first line and the attribute; the import
//! goes on. The DN of an object is its anchor's text (DN style `none`).
//!
//! **Multi-valued fields** hold their values joined by `multi_value_separator`. A value that
//! contains the separator or a double quote is written in double quotes with its quotes doubled
//! (RFC 4180's rules, applied a second time inside the field): the values `a;b` and `c` are the
//! field `"a;b";c`, which the file holds as `"""a;b"";c"`. A value is read as quoted only when it
//! starts with a quote; backslashes are never special. Empty values are dropped (an empty value is
//! no value).
//!
//! **Delta import** reads a change file (option `delta_path`): the same columns as the file, with a
//! header, plus a column (option `change_type`, default `changeType`) saying `add`, `update` or
//! `delete` for each row — the delta file of MIM's delimited-text connectors. The file is a log that
//! its producer appends to: an `add` or `update` row is the object's whole new state (an empty
//! field is no value), a `delete` row needs only the anchor. The watermark is the position after
//! the last row read (`offset:line`), so the next delta import reads only the rows appended since;
//! a last line without its line break is not read until it is complete, and a change file shorter
//! than the watermark (replaced or truncated) is read from its first row again. Later rows for the
//! same anchor win.
//!
//! **Export** (object replace) loads the file at the first export (a missing file is empty),
//! applies each request to the objects by anchor, and at close rewrites the file atomically in
//! the original order with new objects appended, keeping the file's columns (and the columns and
//! values the schema does not know) and appending columns it lacks. A new file's columns are
//! `objectType` (several types only), then per type the anchor and the other attributes in the
//! plan's order. Encoding `latin1` maps bytes to the first 256 code points; a value outside them
//! cannot be exported (an error result for that object).

use super::files::{self, ObjectSet};
use super::{
    Connector, ConnectorError, EntryChange, EntryError, ExportRequest, ExportResult, ImportEntry, ImportMode,
    ImportPage,
};
use crate::model::ExportChange;
use crate::plan;
use crate::value::Value;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{self, BufReader, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// The column that names a row's object type when the connector has several.
const OBJECT_TYPE: &str = "objectType";

/// The change file's column that says what a row is, unless `change_type` names another.
const CHANGE_TYPE: &str = "changeType";

/// A csv file connector.
#[derive(Debug)]
pub struct CsvConnector {
    name: String,
    shown: String,
    path: PathBuf,
    format: Format,
    objects: Vec<plan::ObjectType>,
    /// The change file of delta imports: `(as written, resolved)`.
    delta: Option<(String, PathBuf)>,
    /// Its change type column.
    change_type: String,
    import: Option<Import>,
    export: Option<Export>,
}

/// How the file is written.
#[derive(Debug, Clone, Copy)]
struct Format {
    delimiter: char,
    separator: char,
    latin1: bool,
    header: bool,
}

/// A running import.
#[derive(Debug)]
struct Import {
    reader: Reader,
    columns: Vec<String>,
    page_size: usize,
    seen: files::SeenKeys,
    done: bool,
    /// A delta import: the change type column's index.
    delta: Option<usize>,
}

/// The objects an export works on.
#[derive(Debug)]
struct Export {
    columns: Vec<String>,
    set: ObjectSet<Vec<String>>,
    dirty: bool,
}

/// A record read: its first line and its fields, or why it cannot be read.
type Record = (usize, Result<Vec<String>, String>);

/// Reads records from the file.
#[derive(Debug)]
struct Reader {
    input: BufReader<File>,
    /// Bytes consumed so far (the position after the last record read).
    offset: u64,
    /// Only lines that end with a line break are read (a change log still being appended to).
    whole_lines: bool,
    line: usize,
    latin1: bool,
    delimiter: char,
    shown: String,
    buf: Vec<u8>,
}

impl Reader {
    /// The next record: its first line and its fields, or why it cannot be read; `None` at the
    /// end. Blank lines are skipped.
    fn next_record(&mut self) -> Result<Option<Record>, ConnectorError> {
        let mut text = String::new();
        let mut bad: Option<String> = None;
        let mut start = 0;
        let (record_offset, record_line) = (self.offset, self.line);
        loop {
            let more = files::read_line_bytes(&mut self.input, &mut self.buf, &self.shown)?;
            if self.whole_lines && (more && !self.buf.ends_with(b"\n") || !more && !text.is_empty()) {
                // The record is being written: it is read once it is complete.
                (self.offset, self.line) = (record_offset, record_line);
                return Ok(None);
            }
            if !more {
                if text.is_empty() {
                    return Ok(None);
                }
                // The file ends inside a quoted field.
                return Ok(Some((start, Err("a quoted field is not closed before the end of the file".to_owned()))));
            }
            self.line += 1;
            self.offset += self.buf.len() as u64;
            if text.is_empty() {
                start = self.line;
            }
            let mut bytes = self.buf.as_slice();
            if self.line == 1 {
                bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            }
            let decoded = if self.latin1 {
                bytes.iter().map(|&b| char::from(b)).collect::<String>()
            } else {
                match std::str::from_utf8(bytes) {
                    Ok(s) => s.to_owned(),
                    Err(e) => {
                        bad.get_or_insert(format!("line {} is not UTF-8 text: {e}", self.line));
                        String::from_utf8_lossy(bytes).into_owned()
                    }
                }
            };
            text.push_str(&decoded);
            let body = text.strip_suffix('\n').unwrap_or(&text);
            let body = body.strip_suffix('\r').unwrap_or(body);
            if body.is_empty() {
                // A blank line between records.
                text.clear();
                continue;
            }
            if let Some(fields) = split_quoted(body, self.delimiter, false) {
                return Ok(Some((start, bad.map_or(Ok(fields), Err))));
            }
        }
    }

    /// Continues after `offset`, which ends line `line`.
    fn seek(&mut self, offset: u64, line: usize) -> Result<(), ConnectorError> {
        self.input
            .seek(SeekFrom::Start(offset))
            .map_err(|e| ConnectorError(format!("cannot read {}: {e}", self.shown)))?;
        self.offset = offset;
        self.line = line;
        Ok(())
    }
}

/// Splits `text` into fields separated by `delimiter`, RFC 4180 style: a field that starts with
/// `"` is quoted, `""` inside it is one quote, and text after its closing quote is kept as is. A
/// quoted field that is not closed makes `None`, or (`lenient`) runs to the end.
fn split_quoted(text: &str, delimiter: char, lenient: bool) -> Option<Vec<String>> {
    let mut fields = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        let mut field = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next() {
                    None if lenient => break,
                    None => return None,
                    Some('"') if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    Some('"') => break,
                    Some(c) => field.push(c),
                }
            }
        }
        let mut ended = true;
        for c in chars.by_ref() {
            if c == delimiter {
                ended = false;
                break;
            }
            field.push(c);
        }
        fields.push(field);
        if ended {
            return Some(fields);
        }
    }
}

/// A field as written: quoted (quotes doubled) when it holds the delimiter, a quote or a line
/// break.
fn quote_field(field: &str, delimiter: char) -> String {
    if field.contains([delimiter, '"', '\r', '\n']) {
        format!("\"{}\"", field.replace('"', "\"\""))
    } else {
        field.to_owned()
    }
}

/// The values of a multi-valued field (empty values dropped).
fn split_values(field: &str, separator: char) -> Vec<String> {
    split_quoted(field, separator, true).unwrap_or_default().into_iter().filter(|v| !v.is_empty()).collect()
}

/// Values joined into one field, quoted where needed.
fn join_values(values: &[String], separator: char) -> String {
    let quoted: Vec<String> = values.iter().filter(|v| !v.is_empty()).map(|v| quote_field(v, separator)).collect();
    quoted.join(&separator.to_string())
}

impl CsvConnector {
    /// The connector for a plan's `csv` connector; `base` is the rule set's folder.
    pub fn new(connector: &plan::Connector, base: &Path) -> Result<Self, ConnectorError> {
        let (shown, path) = files::required_path(connector, base)?;
        let encoding = files::setting_text(connector, "encoding")?;
        let latin1 = match encoding.as_deref() {
            None | Some("utf8") => false,
            Some("latin1") => true,
            Some(other) => {
                return Err(ConnectorError(format!(
                    "connector `{}`: unknown encoding `{other}` (utf8 or latin1)",
                    connector.name
                )));
            }
        };
        let format = Format {
            delimiter: files::setting_char(connector, "delimiter", ',')?,
            separator: files::setting_char(connector, "multi_value_separator", ';')?,
            latin1,
            header: files::setting_bool(connector, "header", true)?,
        };
        Ok(CsvConnector {
            name: connector.name.clone(),
            shown,
            path,
            format,
            objects: connector.objects.clone(),
            delta: files::setting_path(connector, "delta_path", base)?,
            change_type: files::setting_text(connector, "change_type")?.unwrap_or_else(|| CHANGE_TYPE.to_owned()),
            import: None,
            export: None,
        })
    }

    /// The columns of a new file (or of one without a header).
    fn default_columns(&self) -> Vec<String> {
        let mut columns = Vec::new();
        if self.objects.len() > 1 {
            columns.push(OBJECT_TYPE.to_owned());
        }
        for ty in &self.objects {
            let anchor = files::anchor_of(ty);
            for a in anchor.into_iter().chain(ty.attributes.iter()) {
                if !columns.contains(&a.name) {
                    columns.push(a.name.clone());
                }
            }
        }
        columns
    }

    fn reader(&self, file: File, shown: &str) -> Reader {
        Reader {
            input: BufReader::new(file),
            offset: 0,
            whole_lines: false,
            line: 0,
            latin1: self.format.latin1,
            delimiter: self.format.delimiter,
            shown: shown.to_owned(),
            buf: Vec::new(),
        }
    }

    /// Starts a delta import: the change file from the watermark on.
    fn start_delta(&self, mark: Option<&str>) -> Result<(Reader, Vec<String>, usize), ConnectorError> {
        let (shown, path) = files::change_file(&self.name, self.delta.as_ref())?;
        let file = files::open_for_import(path, shown)?;
        let length = file.metadata().map_err(|e| ConnectorError(format!("cannot read {shown}: {e}")))?.len();
        let mut reader = self.reader(file, shown);
        reader.whole_lines = true;
        let columns = match reader.next_record()? {
            Some((_, Ok(fields))) => fields,
            Some((line, Err(why))) => {
                return Err(ConnectorError(format!("{shown}:{line}: cannot read the header: {why}")));
            }
            None => return Ok((reader, Vec::new(), 0)),
        };
        let change = columns.iter().position(|c| *c == self.change_type).ok_or_else(|| {
            ConnectorError(format!(
                "{shown}: the change file has no `{}` column to say whether each row is an add, an update or a delete",
                self.change_type
            ))
        })?;
        if let Some(mark) = mark {
            let (offset, line) = files::change_position(&self.name, shown, mark)?;
            // A file shorter than the watermark was replaced: it is read from its first row.
            if offset >= reader.offset && offset <= length {
                reader.seek(offset, line)?;
            }
        }
        Ok((reader, columns, change))
    }

    /// One row of a change file.
    fn read_change(&self, columns: &[String], fields: &[String], change: usize) -> Result<ImportEntry, String> {
        let kind = fields.get(change).map(|f| f.trim().to_ascii_lowercase()).unwrap_or_default();
        match kind.as_str() {
            "add" | "update" | "modify" | "replace" => self.read_row(columns, fields),
            "delete" => {
                let ty = self.row_type(columns, fields)?;
                let anchor_attr = files::anchor_of(ty).ok_or("the object type has no anchor")?;
                let anchor = columns
                    .iter()
                    .position(|c| *c == anchor_attr.name)
                    .and_then(|i| fields.get(i))
                    .filter(|a| !a.is_empty())
                    .ok_or_else(|| format!("attribute `{}`: a delete row needs the anchor", anchor_attr.name))?;
                Ok(ImportEntry {
                    object_type: ty.name.clone(),
                    dn: anchor.clone(),
                    anchor: anchor.clone(),
                    change: EntryChange::Delete,
                    attributes: BTreeMap::new(),
                })
            }
            "" => Err(format!("the row has no `{}` (add, update or delete)", self.change_type)),
            other => Err(format!("`{}` `{other}` is not add, update or delete", self.change_type)),
        }
    }

    /// The object type of a row.
    fn row_type(&self, columns: &[String], fields: &[String]) -> Result<&plan::ObjectType, String> {
        if let [only] = self.objects.as_slice() {
            return Ok(only);
        }
        let name = columns
            .iter()
            .position(|c| c == OBJECT_TYPE)
            .and_then(|i| fields.get(i))
            .filter(|n| !n.is_empty())
            .ok_or_else(|| format!("the row has no `{OBJECT_TYPE}`"))?;
        self.objects
            .iter()
            .find(|t| &t.name == name)
            .ok_or_else(|| format!("`{OBJECT_TYPE}` `{name}` is not an object type of the connector"))
    }

    /// The object a row describes.
    fn read_row(&self, columns: &[String], fields: &[String]) -> Result<ImportEntry, String> {
        if fields.len() > columns.len() {
            return Err(format!("the row has {} fields but there are {} columns", fields.len(), columns.len()));
        }
        let ty = self.row_type(columns, fields)?;
        let field = |name: &str| -> &str {
            columns.iter().position(|c| c == name).and_then(|i| fields.get(i)).map_or("", String::as_str)
        };
        let anchor_attr = files::anchor_of(ty).ok_or("the object type has no anchor")?;
        let mut attributes = BTreeMap::new();
        let mut problems = Vec::new();
        for attr in &ty.attributes {
            let text = field(&attr.name);
            let texts = if attr.many { split_values(text, self.format.separator) } else { vec![text.to_owned()] };
            match files::typed_value(attr, &texts) {
                Ok(Some(v)) => {
                    attributes.insert(attr.name.clone(), v);
                }
                Ok(None) => {}
                Err(why) => problems.push(format!("attribute `{}`: {why}", attr.name)),
            }
        }
        let anchor_value = attributes.get(&anchor_attr.name);
        if !problems.is_empty() {
            return Err(problems.join("; "));
        }
        let anchor = anchor_value
            .and_then(|v| files::value_texts(v).into_iter().next())
            .ok_or_else(|| format!("attribute `{}`: the anchor has no value", anchor_attr.name))?;
        Ok(ImportEntry {
            object_type: ty.name.clone(),
            dn: anchor.clone(),
            anchor,
            change: EntryChange::Object,
            attributes,
        })
    }

    /// The index keys of a stored row.
    fn keys(&self, columns: &[String], fields: &[String]) -> Vec<String> {
        let Ok(ty) = self.row_type(columns, fields) else {
            return Vec::new();
        };
        let Some(anchor) = files::anchor_of(ty) else {
            return Vec::new();
        };
        let text =
            columns.iter().position(|c| c == &anchor.name).and_then(|i| fields.get(i)).map_or("", String::as_str);
        if text.is_empty() { Vec::new() } else { vec![key(&ty.name, text)] }
    }

    /// Loads the file for an export (a missing file is empty).
    fn load(&self) -> Result<Export, ConnectorError> {
        let mut export = Export { columns: Vec::new(), set: ObjectSet::new(), dirty: false };
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                export.columns = self.default_columns();
                return Ok(export);
            }
            Err(e) => return Err(ConnectorError(format!("cannot open {}: {e}", self.shown))),
        };
        let mut reader = self.reader(file, &self.shown);
        let mut first = true;
        if !self.format.header {
            export.columns = self.default_columns();
            first = false;
        }
        while let Some((line, fields)) = reader.next_record()? {
            let fields =
                fields.map_err(|why| ConnectorError(format!("cannot export to {}: line {line}: {why}", self.shown)))?;
            if first {
                export.columns = fields;
                first = false;
                continue;
            }
            let keys = self.keys(&export.columns, &fields);
            export.set.push(fields, &keys);
        }
        if first {
            export.columns = self.default_columns();
        }
        Ok(export)
    }

    /// The field text of an attribute's value.
    fn field_text(&self, attr: &plan::Attribute, value: &Value) -> Result<String, String> {
        let texts = files::value_texts(value);
        let text = if attr.many {
            join_values(&texts, self.format.separator)
        } else if texts.len() > 1 {
            return Err(format!("attribute `{}` is single-valued but was given {} values", attr.name, texts.len()));
        } else {
            texts.into_iter().next().unwrap_or_default()
        };
        if self.format.latin1 && text.chars().any(|c| u32::from(c) > 0xFF) {
            return Err(format!(
                "attribute `{}`: {} cannot be written in latin1",
                attr.name,
                crate::value::quote(&text)
            ));
        }
        Ok(text)
    }

    /// The fields a request sets: `(column, text)`, the anchor first for adds.
    fn request_fields(
        &self,
        ty: &plan::ObjectType,
        request: &ExportRequest,
        anchor: Option<&str>,
    ) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        if let Some(anchor) = anchor {
            if self.objects.len() > 1 {
                out.push((OBJECT_TYPE.to_owned(), ty.name.clone()));
            }
            if let Some(a) = files::anchor_of(ty) {
                out.push((a.name.clone(), anchor.to_owned()));
            }
        }
        for change in &request.attributes {
            // Attributes outside the schema are not the connector's (attribute inclusion).
            let Some(attr) = ty.attributes.iter().find(|a| a.name == change.name) else {
                continue;
            };
            if anchor.is_some() && files::anchor_of(ty).is_some_and(|a| a.name == attr.name) {
                continue;
            }
            out.push((attr.name.clone(), self.field_text(attr, &change.new)?));
        }
        Ok(out)
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
            ExportChange::Add => {
                let Some(anchor) = files::add_anchor(request, ty, true) else {
                    return error("the new object has no anchor value".to_owned());
                };
                if export.set.find(&key(&ty.name, &anchor)).is_some() {
                    return error(format!("an object with the anchor `{anchor}` already exists"));
                }
                match self.new_row(export, ty, request, &anchor) {
                    Ok(row) => {
                        let keys = self.keys(&export.columns, &row);
                        export.set.push(row, &keys);
                        export.dirty = true;
                        ExportResult::Success { anchor: Some(anchor) }
                    }
                    Err(message) => error(message),
                }
            }
            ExportChange::Update => {
                let Some(i) = found else {
                    return ExportResult::ConvertToAdd;
                };
                let sets = match self.request_fields(ty, request, None) {
                    Ok(s) => s,
                    Err(message) => return error(message),
                };
                let columns_before = export.columns.clone();
                let indexes: Vec<(usize, String)> =
                    sets.into_iter().map(|(column, text)| (column_index(&mut export.columns, &column), text)).collect();
                let Some(row) = export.set.get_mut(i) else {
                    return error("the object vanished".to_owned());
                };
                let old_keys = self.keys(&columns_before, row);
                for (index, text) in indexes {
                    set_field(row, index, text);
                }
                let new_keys = self.keys(&export.columns, row);
                export.set.rekey(i, &old_keys, &new_keys);
                export.dirty = true;
                ExportResult::Success { anchor: None }
            }
            ExportChange::Delete => {
                // Already gone, as the request wants (a retry after a crash between the file's
                // write and the store's record finds it so): done, with nothing to write.
                let Some(i) = found else {
                    return ExportResult::Success { anchor: None };
                };
                let keys = export.set.get(i).map(|row| self.keys(&export.columns, row)).unwrap_or_default();
                export.set.remove(i, &keys);
                export.dirty = true;
                ExportResult::Success { anchor: None }
            }
            ExportChange::DeleteAdd => {
                let Some(anchor) = files::add_anchor(request, ty, true) else {
                    return error("the new object has no anchor value".to_owned());
                };
                let row = match self.new_row(export, ty, request, &anchor) {
                    Ok(row) => row,
                    Err(message) => return error(message),
                };
                if let Some(i) = found {
                    let keys = export.set.get(i).map(|old| self.keys(&export.columns, old)).unwrap_or_default();
                    export.set.remove(i, &keys);
                    if export.set.find(&key(&ty.name, &anchor)).is_some() {
                        return error(format!("an object with the anchor `{anchor}` already exists"));
                    }
                    let keys = self.keys(&export.columns, &row);
                    export.set.put(i, row, &keys);
                } else {
                    if export.set.find(&key(&ty.name, &anchor)).is_some() {
                        return error(format!("an object with the anchor `{anchor}` already exists"));
                    }
                    let keys = self.keys(&export.columns, &row);
                    export.set.push(row, &keys);
                }
                export.dirty = true;
                ExportResult::Success { anchor: Some(anchor) }
            }
        }
    }

    /// A new row for an add.
    fn new_row(
        &self,
        export: &mut Export,
        ty: &plan::ObjectType,
        request: &ExportRequest,
        anchor: &str,
    ) -> Result<Vec<String>, String> {
        let sets = self.request_fields(ty, request, Some(anchor))?;
        if self.format.latin1 && anchor.chars().any(|c| u32::from(c) > 0xFF) {
            return Err(format!("the anchor `{anchor}` cannot be written in latin1"));
        }
        let mut row = Vec::new();
        for (column, text) in sets {
            let index = column_index(&mut export.columns, &column);
            set_field(&mut row, index, text);
        }
        Ok(row)
    }

    /// Writes the export's objects to the file.
    fn write(&self, export: &Export) -> Result<(), ConnectorError> {
        let format = self.format;
        files::write_atomic(&self.path, |out| {
            let mut line = String::new();
            let mut write_row = |out: &mut dyn Write, fields: &mut dyn Iterator<Item = &str>| {
                line.clear();
                for (i, f) in fields.enumerate() {
                    if i > 0 {
                        line.push(format.delimiter);
                    }
                    line.push_str(&quote_field(f, format.delimiter));
                }
                line.push('\n');
                if format.latin1 {
                    let bytes: Option<Vec<u8>> = line.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect();
                    let bytes = bytes.ok_or_else(|| {
                        io::Error::new(io::ErrorKind::InvalidData, "a value cannot be written in latin1")
                    })?;
                    out.write_all(&bytes)
                } else {
                    out.write_all(line.as_bytes())
                }
            };
            if format.header {
                write_row(out, &mut export.columns.iter().map(String::as_str))?;
            }
            let width = export.columns.len();
            for row in export.set.iter() {
                let mut fields = row.iter().map(String::as_str).chain(std::iter::repeat("")).take(width.max(row.len()));
                write_row(out, &mut fields)?;
            }
            Ok(())
        })
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

/// The index of a column, added at the end when the file lacks it.
fn column_index(columns: &mut Vec<String>, name: &str) -> usize {
    if let Some(i) = columns.iter().position(|c| c == name) {
        return i;
    }
    columns.push(name.to_owned());
    columns.len() - 1
}

/// Sets a row's field, padding the row as needed.
fn set_field(row: &mut Vec<String>, index: usize, text: String) {
    if row.len() <= index {
        row.resize(index + 1, String::new());
    }
    if let Some(field) = row.get_mut(index) {
        *field = text;
    }
}

impl Connector for CsvConnector {
    fn open(&mut self) -> Result<(), ConnectorError> {
        Ok(())
    }

    fn discover(&mut self) -> Result<Vec<plan::ObjectType>, ConnectorError> {
        Ok(self.objects.clone())
    }

    fn start_import(&mut self, mode: ImportMode, page_size: usize) -> Result<(), ConnectorError> {
        if let ImportMode::Delta(mark) = &mode {
            let (reader, columns, change) = self.start_delta(mark.as_deref())?;
            let done = columns.is_empty();
            self.import = Some(Import {
                reader,
                columns,
                page_size: page_size.max(1),
                seen: files::SeenKeys::default(),
                done,
                delta: Some(change),
            });
            return Ok(());
        }
        let file = files::open_for_import(&self.path, &self.shown)?;
        let mut reader = self.reader(file, &self.shown);
        let columns = if self.format.header {
            match reader.next_record()? {
                Some((_, Ok(fields))) => fields,
                Some((line, Err(why))) => {
                    return Err(ConnectorError(format!("{}:{line}: cannot read the header: {why}", self.shown)));
                }
                None => Vec::new(),
            }
        } else {
            self.default_columns()
        };
        self.import = Some(Import {
            reader,
            columns,
            page_size: page_size.max(1),
            seen: files::SeenKeys::default(),
            done: false,
            delta: None,
        });
        Ok(())
    }

    fn next_page(&mut self) -> Result<Option<ImportPage>, ConnectorError> {
        let Some(mut import) = self.import.take() else {
            return Err(ConnectorError(format!("connector `{}`: no import was started", self.name)));
        };
        let mut entries = Vec::new();
        while !import.done && entries.len() < import.page_size {
            let Some((line, fields)) = import.reader.next_record()? else {
                import.done = true;
                break;
            };
            let object = format!("{}:{line}", import.reader.shown);
            if let Some(change) = import.delta {
                let entry = fields.and_then(|fields| self.read_change(&import.columns, &fields, change));
                entries.push(entry.map_err(|message| EntryError { object, message }));
                continue;
            }
            let entry = fields
                .and_then(|fields| self.read_row(&import.columns, &fields))
                .and_then(|entry| {
                    let k = key(&entry.object_type, &entry.anchor);
                    match import.seen.first(&k, line) {
                        Some(first) => {
                            Err(format!("the anchor `{}` is already used by the object at line {first}", entry.anchor))
                        }
                        None => Ok(entry),
                    }
                })
                .map_err(|message| EntryError { object: object.clone(), message });
            entries.push(entry);
        }
        let watermark = import.delta.map(|_| files::change_mark(import.reader.offset, import.reader.line));
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
                self.write(&export)?;
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
        let mut mgr = attr("manager", ValueKind::Reference, false);
        mgr.references = Some("person".into());
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
                mgr,
            ],
        )
    }

    /// A delta import from `mark`: its entries and the last watermark.
    fn delta(c: &mut dyn Connector, mark: Option<&str>) -> (Vec<Result<ImportEntry, EntryError>>, Option<String>) {
        c.start_import(ImportMode::Delta(mark.map(str::to_owned)), 2).unwrap_or_else(|e| panic!("{e}"));
        let (mut all, mut last) = (Vec::new(), mark.map(str::to_owned));
        while let Some(p) = c.next_page().unwrap_or_else(|e| panic!("{e}")) {
            assert!(p.watermark.is_some(), "every page of a delta import has a watermark");
            last = p.watermark;
            all.extend(p.entries);
        }
        (all, last)
    }

    #[test]
    fn delta_import_reads_the_change_file_from_the_watermark() {
        let dir = temp_dir("csv-delta");
        let changes = dir.join("p.changes.csv");
        std::fs::write(
            &changes,
            "changeType,id,name,age\nadd,7,Ann,30\nupdate,1,\"Doe, Jane\",43\ndelete,2,,\nrename,3,,\ndelete,,,\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let plan = connector("csv", &[("path", "p.csv"), ("delta_path", "p.changes.csv")], vec![person_type()]);
        let mut c = CsvConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let (all, mark) = delta(&mut c, None);
        let good = ok(&all);
        assert_eq!(good.len(), 3);
        assert_eq!((good[0].anchor.as_str(), good[0].change), ("7", EntryChange::Object));
        assert_eq!(good[1].attributes.get("age"), Some(&Value::Integer(43)));
        assert_eq!((good[2].anchor.as_str(), good[2].change), ("2", EntryChange::Delete));
        assert!(good[2].attributes.is_empty());
        let errs = errors(&all);
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].object, "p.changes.csv:5");
        assert!(errs[0].message.contains("`changeType` `rename` is not add, update or delete"), "{}", errs[0].message);
        assert!(errs[1].message.contains("a delete row needs the anchor"), "{}", errs[1].message);
        // Nothing new: nothing read, the watermark stays.
        let (again, same) = delta(&mut c, mark.as_deref());
        assert!(again.is_empty());
        assert_eq!(same, mark);
        // Appended rows are read from the watermark on; a line still being written waits.
        let mut file = std::fs::OpenOptions::new().append(true).open(&changes).unwrap_or_else(|e| panic!("{e}"));
        file.write_all(b"update,7,Ann Lee,31\nadd,8,Bo").unwrap_or_else(|e| panic!("{e}"));
        let (more, mark2) = delta(&mut c, mark.as_deref());
        assert_eq!(ok(&more).len(), 1);
        assert_eq!(ok(&more)[0].attributes.get("name"), Some(&Value::String("Ann Lee".into())));
        file.write_all(b"b,40\n").unwrap_or_else(|e| panic!("{e}"));
        let (last, _) = delta(&mut c, mark2.as_deref());
        assert_eq!(ok(&last).len(), 1);
        assert_eq!(ok(&last)[0].attributes.get("name"), Some(&Value::String("Bob".into())));
        // A replaced file.
        std::fs::write(&changes, "changeType,id,name,age\n").unwrap_or_else(|e| panic!("{e}"));
        let (replaced, _) = delta(&mut c, mark2.as_deref());
        assert!(replaced.is_empty(), "a replaced, shorter file is read from its start");
        let bad = c.start_import(ImportMode::Delta(Some("nonsense".into())), 2);
        assert!(bad.is_err_and(|e| e.0.contains("not a position")));
    }

    #[test]
    fn delta_import_needs_the_change_type_column() {
        let dir = temp_dir("csv-delta-column");
        std::fs::write(dir.join("c.csv"), "id,name\n1,Ann\n").unwrap_or_else(|e| panic!("{e}"));
        let plan = connector("csv", &[("path", "p.csv"), ("delta_path", "c.csv")], vec![person_type()]);
        let mut c = CsvConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let started = c.start_import(ImportMode::Delta(None), 2);
        assert!(started.is_err_and(|e| e.0.contains("c.csv: the change file has no `changeType` column")));
        let plan = connector(
            "csv",
            &[("path", "p.csv"), ("delta_path", "c.csv"), ("change_type", "name")],
            vec![person_type()],
        );
        let mut c = CsvConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let (all, _) = delta(&mut c, None);
        assert!(errors(&all)[0].message.contains("`name` `ann` is not add, update or delete"));
    }

    const SAMPLE: &str = "id,name,age,active,hired,guid,photo,tags,manager,unknown\n\
1,\"Doe, Jane\",42,true,2024-01-05T10:00:00Z,3F2504E0-4F89-11D3-9A0C-0305E82C3301,aGk=,a;b;\"c;d\",2,x\n\
2,\"Say \"\"hi\"\"\nthere\",,FALSE,,,,,,\n\
\n\
3,Bob,abc,true,,,,,,\n\
,NoAnchor,,,,,,,,\n\
1,Again,,,,,,,,\n\
4,Late,1,maybe,yesterday,not-a-guid,!!,,,\n\
5,Extra,1,true,,,,,,,,\n";

    #[test]
    fn imports_every_value_kind() {
        let dir = temp_dir("csv-kinds");
        std::fs::write(dir.join("p.csv"), SAMPLE).unwrap_or_else(|e| panic!("{e}"));
        let plan = connector("csv", &[("path", "p.csv")], vec![person_type()]);
        let mut c = CsvConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let all = import_all(&mut c, 2);
        let good = ok(&all);
        assert_eq!(good.len(), 2);
        let one = good[0];
        assert_eq!((one.dn.as_str(), one.anchor.as_str()), ("1", "1"));
        assert_eq!(one.object_type, "person");
        assert_eq!(one.change, EntryChange::Object);
        let a = &one.attributes;
        assert_eq!(a.get("name"), Some(&Value::String("Doe, Jane".into())));
        assert_eq!(a.get("age"), Some(&Value::Integer(42)));
        assert_eq!(a.get("active"), Some(&Value::Boolean(true)));
        assert_eq!(a.get("hired"), crate::time::parse_datetime("2024-01-05T10:00:00Z").map(Value::DateTime).as_ref());
        assert_eq!(a.get("guid").map(|g| g.to_json()), Some(serde_json::json!("3f2504e0-4f89-11d3-9a0c-0305e82c3301")));
        assert_eq!(a.get("photo"), Some(&Value::Binary(b"hi".to_vec())));
        assert_eq!(
            a.get("tags"),
            Some(&Value::List(vec![Value::String("a".into()), Value::String("b".into()), Value::String("c;d".into())]))
        );
        assert_eq!(a.get("manager"), Some(&Value::Reference("2".into())));
        assert!(!a.contains_key("unknown"));
        let two = good[1];
        assert_eq!(two.attributes.get("name"), Some(&Value::String("Say \"hi\"\nthere".into())));
        assert_eq!(two.attributes.get("active"), Some(&Value::Boolean(false)));
        assert!(!two.attributes.contains_key("age"), "empty means absent");
        assert!(!two.attributes.contains_key("tags"));

        let errs = errors(&all);
        let shown: Vec<(&str, bool)> = errs.iter().map(|e| (e.object.as_str(), e.message.contains('`'))).collect();
        assert_eq!(
            shown.iter().map(|s| s.0).collect::<Vec<_>>(),
            ["p.csv:6", "p.csv:7", "p.csv:8", "p.csv:9", "p.csv:10"]
        );
        assert!(errs[0].message.contains("attribute `age`") && errs[0].message.contains("abc"));
        assert!(errs[1].message.contains("attribute `id`"), "{}", errs[1].message);
        assert!(errs[2].message.contains("already used by the object at line 2"));
        for attribute in ["active", "hired", "guid", "photo"] {
            assert!(errs[3].message.contains(&format!("attribute `{attribute}`")), "{}", errs[3].message);
        }
        assert!(errs[4].message.contains("fields"));
    }

    #[test]
    fn several_object_types_and_no_delta() {
        let dir = temp_dir("csv-types");
        let text = "objectType,id,name,members\nperson,1,Ann,\ngroup,g1,Staff,1;2\nrobot,r,,\n,x,,\n";
        std::fs::write(dir.join("m.csv"), text).unwrap_or_else(|e| panic!("{e}"));
        let person =
            object("person", "id", vec![attr("id", ValueKind::String, false), attr("name", ValueKind::String, false)]);
        let group = object(
            "group",
            "id",
            vec![
                attr("id", ValueKind::String, false),
                attr("name", ValueKind::String, false),
                attr("members", ValueKind::Reference, true),
            ],
        );
        let plan = connector("csv", &[("path", "m.csv")], vec![person, group]);
        let mut c = CsvConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let all = import_all(&mut c, 10);
        let good = ok(&all);
        assert_eq!(good.iter().map(|e| e.object_type.as_str()).collect::<Vec<_>>(), ["person", "group"]);
        assert_eq!(
            good[1].attributes.get("members"),
            Some(&Value::List(vec![Value::Reference("1".into()), Value::Reference("2".into())]))
        );
        let errs = errors(&all);
        assert_eq!(errs.len(), 2);
        assert!(errs[0].message.contains("robot"));
        assert_eq!(errs[1].object, "m.csv:5");
        let delta = c.start_import(ImportMode::Delta(None), 10);
        assert!(delta.is_err_and(|e| e.0.contains("`delta_path`")));
    }

    #[test]
    fn reads_the_example_hr_file() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/examples/hr-to-directory");
        let s = |n: &str| attr(n, ValueKind::String, false);
        let d = |n: &str| attr(n, ValueKind::DateTime, false);
        let person = object(
            "person",
            "employeeId",
            vec![
                s("employeeId"),
                s("givenName"),
                s("surname"),
                s("preferredName"),
                s("department"),
                s("title"),
                s("managerId"),
                s("employeeType"),
                s("status"),
                s("workPhone"),
                s("location"),
                d("hireDate"),
                d("terminationDate"),
            ],
        );
        let plan = connector("csv", &[("path", "data/hr.csv")], vec![person]);
        let mut c = CsvConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let all = import_all(&mut c, 7);
        assert!(errors(&all).is_empty(), "{:?}", errors(&all));
        let good = ok(&all);
        let text = std::fs::read_to_string(dir.join("data/hr.csv")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(good.len(), text.lines().filter(|l| !l.is_empty()).count() - 1);
        let first = good[0];
        assert_eq!(first.anchor, "1001");
        assert_eq!(first.attributes.get("preferredName"), Some(&Value::String("Maggie".into())));
        assert!(!first.attributes.contains_key("managerId"));
        assert!(first.attributes.get("hireDate").is_some_and(|v| matches!(v, Value::DateTime(_))));
        let maria = good.iter().find(|e| e.anchor == "1003").unwrap_or_else(|| panic!("no 1003"));
        assert_eq!(maria.attributes.get("givenName"), Some(&Value::String("María".into())));
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
        let dir = temp_dir("csv-export");
        let path = dir.join("p.csv");
        std::fs::write(&path, "id,unknown,name,age,tags\n1,keep me,Ann,30,a\n2,,Bob,40,\n3,,Cy,50,\n")
            .unwrap_or_else(|e| panic!("{e}"));
        let plan = connector("csv", &[("path", "p.csv")], vec![person_type()]);
        let mut c = CsvConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        c.open().unwrap_or_else(|e| panic!("{e}"));
        let tags =
            Value::List(vec![Value::String("x;y".into()), Value::String("\"q\"".into()), Value::String("z".into())]);
        let batch = vec![
            request(
                ExportChange::Add,
                "4",
                vec![
                    change("id", Value::String("4".into())),
                    change("name", Value::String("Dee, D".into())),
                    change("tags", tags.clone()),
                    change("photo", Value::Binary(vec![0, 255])),
                    change("nope", Value::Integer(1)),
                ],
            ),
            request(
                ExportChange::Update,
                "1",
                vec![change("age", Value::Integer(31)), change("active", Value::Boolean(true))],
            ),
            request(ExportChange::Update, "2", vec![change("name", Value::Null)]),
            request(ExportChange::Delete, "3", vec![]),
            request(ExportChange::Delete, "9", vec![]),
            request(ExportChange::Update, "8", vec![change("name", Value::String("Eight".into()))]),
            request(
                ExportChange::DeleteAdd,
                "2",
                vec![change("id", Value::String("2".into())), change("name", Value::String("Bobby".into()))],
            ),
            request(ExportChange::Add, "1", vec![change("id", Value::String("1".into()))]),
        ];
        let results = c.export(&batch).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(results[0], ExportResult::Success { anchor: Some("4".into()) });
        assert_eq!(results[1], ExportResult::Success { anchor: None });
        assert_eq!(results[2], ExportResult::Success { anchor: None });
        // Deleting what is not there succeeds and writes nothing.
        assert_eq!(results[3], ExportResult::Success { anchor: None });
        assert_eq!(results[4], ExportResult::Success { anchor: None });
        assert_eq!(results[5], ExportResult::ConvertToAdd);
        assert_eq!(results[6], ExportResult::Success { anchor: Some("2".into()) });
        assert!(matches!(&results[7], ExportResult::Error { message, .. } if message.contains("already exists")));
        c.close().unwrap_or_else(|e| panic!("{e}"));
        assert!(!files::tmp_path(&path).exists());
        let written = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            written,
            "id,unknown,name,age,tags,photo,active\n\
             1,keep me,Ann,31,a,,true\n\
             2,,Bobby,,,,\n\
             4,,\"Dee, D\",,\"\"\"x;y\"\";\"\"\"\"\"\"q\"\"\"\"\"\";z\",AP8=,\n"
        );
        let all = import_all(&mut c, 100);
        assert!(errors(&all).is_empty());
        let good = ok(&all);
        assert_eq!(good.iter().map(|e| e.anchor.as_str()).collect::<Vec<_>>(), ["1", "2", "4"]);
        assert_eq!(good[0].attributes.get("age"), Some(&Value::Integer(31)));
        assert_eq!(good[1].attributes.get("name"), Some(&Value::String("Bobby".into())));
        assert_eq!(good[2].attributes.get("tags"), Some(&tags));
        assert_eq!(good[2].attributes.get("photo"), Some(&Value::Binary(vec![0, 255])));

        // Nothing changed: the file is not written.
        let before = std::fs::metadata(&path).and_then(|m| m.modified()).ok();
        c.open().unwrap_or_else(|e| panic!("{e}"));
        let r = c.export(&[request(ExportChange::Delete, "7", vec![])]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r[0], ExportResult::Success { anchor: None });
        c.close().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::metadata(&path).and_then(|m| m.modified()).ok(), before);
    }

    #[test]
    fn new_latin1_file_with_other_delimiter() {
        let dir = temp_dir("csv-latin1");
        let path = dir.join("new.csv");
        let plan = connector(
            "csv",
            &[("path", "new.csv"), ("delimiter", "\t"), ("multi_value_separator", "|"), ("encoding", "latin1")],
            vec![person_type()],
        );
        let mut c = CsvConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        c.open().unwrap_or_else(|e| panic!("{e}"));
        let results = c
            .export(&[
                request(
                    ExportChange::Add,
                    "é1",
                    vec![
                        change("id", Value::String("é1".into())),
                        change("name", Value::String("Zoë".into())),
                        change("tags", Value::List(vec![Value::String("a|b".into()), Value::String("c".into())])),
                    ],
                ),
                request(
                    ExportChange::Add,
                    "2",
                    vec![change("id", Value::String("2".into())), change("name", Value::String("€".into()))],
                ),
            ])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(results[0], ExportResult::Success { anchor: Some("é1".into()) });
        assert!(matches!(&results[1], ExportResult::Error { message, .. } if message.contains("latin1")));
        c.close().unwrap_or_else(|e| panic!("{e}"));
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            bytes,
            b"id\tactive\tage\tguid\thired\tmanager\tname\tphoto\ttags\n\xe91\t\t\t\t\t\tZo\xeb\t\t\"\"\"a|b\"\"|c\"\n"
                .to_vec()
        );
        let all = import_all(&mut c, 5);
        let good = ok(&all);
        assert_eq!(good[0].anchor, "é1");
        assert_eq!(good[0].attributes.get("name"), Some(&Value::String("Zoë".into())));
        assert_eq!(
            good[0].attributes.get("tags"),
            Some(&Value::List(vec![Value::String("a|b".into()), Value::String("c".into())]))
        );
    }

    #[test]
    fn multi_value_fields() {
        for values in [vec!["a"], vec!["a;b", "c"], vec![";x", "y;"], vec!["\"q\"", "r\"s"], vec!["a\nb", ""]] {
            let owned: Vec<String> = values.iter().map(|v| (*v).to_owned()).collect();
            let joined = join_values(&owned, ';');
            let expected: Vec<String> = owned.iter().filter(|v| !v.is_empty()).cloned().collect();
            assert_eq!(split_values(&joined, ';'), expected, "{joined}");
        }
        assert_eq!(split_values("a;;b;", ';'), ["a", "b"]);
        assert_eq!(split_values("x\"y;z", ';'), ["x\"y", "z"]);
    }
}
