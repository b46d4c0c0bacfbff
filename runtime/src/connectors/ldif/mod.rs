//! The `ldif` connector: an LDIF content file of directory entries (RFC 2849).
//!
//! **Import** streams the file record by record: `version: 1`, comments (`#`, folded too), folded
//! lines (a continuation line starts with one space), `dn:` / `dn::` (base64), attribute lines
//! `name: value` and `name:: base64`, records separated by blank lines. Attribute names match the
//! schema case-insensitively (options such as `;binary` are dropped); other attributes are
//! ignored. Binary attributes hold the raw bytes of the value; other kinds are read from the
//! value's UTF-8 text. An entry's object type is the first declared type whose name is one of its
//! `objectClass` values (case-insensitive); with a single declared type every entry is of that
//! type. Entries of no declared type (containers such as `ou=people`) are not the connector's
//! objects and are skipped. A record that cannot be read (a `name:< url` value, a `changetype`
//! record, a bad value, no anchor, a DN or anchor seen before) is an entry error naming the file,
//! the line and the attribute; the import goes on.
//!
//! **Export** finds the entry of each request (by anchor, else by DN) through the content file's
//! key index ([`index`]) and reads that entry alone; it holds only the entries requests named
//! since the last flush. At each flush a content file smaller than `journal_above` bytes is
//! rewritten atomically (`version: 1`, then the entries in their original order, new ones
//! appended; an unchanged entry is copied byte for byte, comments between entries are dropped);
//! a larger one stays as it is and the changed entries go to its journal ([`journal`]), until the
//! journal reaches an eighth of the file and a rewrite takes them in. Each flush also
//! appends the RFC 2849 change records of the export to the change file (option `changes_path`;
//! by default the content path with `.ldif` replaced by `.changes.ldif`, or `.changes.ldif`
//! appended): `changetype: add` with every
//! attribute (and `objectClass: <type>`), `changetype: modify` with one `replace:` (new values) or
//! `delete:` (cleared attribute) block per changed attribute (a multi-valued attribute of which
//! fewer values went and came than it holds: a `delete:` block of those that went and an `add:`
//! block of those that came), `changetype: delete`, and
//! `changetype: modrdn` (`newrdn`, `deleteoldrdn: 1`, `newsuperior` when the parent changes) for
//! a new DN. A new change file starts with `version: 1`. Values that are not SAFE-STRINGs are
//! written base64 (`name::`); lines are folded at 76 characters.

mod index;
mod journal;

use super::files::{self, ObjectSet};
use super::{
    Connector, ConnectorError, EntryChange, EntryError, ExportRequest, ExportResult, ImportEntry, ImportMode,
    ImportPage,
};
use crate::model::ExportChange;
use crate::plan;
use crate::value::{Value, ValueKind};
use index::{Identity, KeyIndex, Loc};
use journal::{Appended, Journal};
use std::collections::{BTreeMap, HashMap};
use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Lines are folded to this many characters.
const FOLD: usize = 76;

/// The default of the `journal_above` option: content files of this many bytes or more keep a
/// journal and an index.
pub const JOURNAL_ABOVE: u64 = 16 * 1024 * 1024;

/// An ldif file connector.
#[derive(Debug)]
pub struct LdifConnector {
    name: String,
    shown: String,
    path: PathBuf,
    changes_path: PathBuf,
    objects: Vec<plan::ObjectType>,
    /// Content files of at least this many bytes keep a journal and a stored index.
    journal_above: u64,
    import: Option<Import>,
    export: Option<Export>,
}

/// A running import.
#[derive(Debug)]
struct Import {
    reader: Reader<BufReader<File>>,
    /// The journal's changes: content entries it names are skipped, and its entries come last.
    journal: Journal,
    /// The next of the journal's DNs to read, once the content file is read.
    next_in_journal: Option<usize>,
    page_size: usize,
    seen: files::SeenKeys,
    done: bool,
}

/// The content file an export reads stored entries from, with its key index.
#[derive(Debug)]
struct Content {
    file: File,
    identity: Identity,
    index: KeyIndex,
}

/// What an export works on: the entries requests named since the last flush (found through the
/// content file's index and the journal, read one by one), the DNs they took away, and the
/// change records made.
#[derive(Debug)]
struct Export {
    set: ObjectSet<Slot>,
    /// DNs deleted or renamed away since the last flush, in order.
    gone: Vec<String>,
    /// Renames since the last flush, by DN key (a renamed entry keeps its place in the file).
    renamed: HashMap<String, String>,
    /// The content file (`None`: there is none yet).
    content: Option<Content>,
    journal: Journal,
    changes: String,
    dirty: bool,
}

/// An entry a request named since the last flush.
#[derive(Debug)]
enum Slot {
    /// As stored (in the content file or the journal).
    Stored(Entry),
    /// Added or changed since the last flush.
    Changed(Entry),
    /// Deleted or renamed away since the last flush: its keys stay here so that a later request
    /// does not find the stored entry.
    Gone,
}

/// An attribute's name and its values' bytes.
type AttrValues = (String, Vec<Vec<u8>>);

/// A content entry.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    dn: String,
    /// Attributes as written (name with its options), values in order.
    attrs: Vec<AttrValues>,
}

impl Entry {
    /// The values of an attribute (by name without options, case-insensitive).
    fn values(&self, name: &str) -> Vec<&Vec<u8>> {
        self.attrs.iter().filter(|(n, _)| base_name(n).eq_ignore_ascii_case(name)).flat_map(|(_, v)| v.iter()).collect()
    }

    /// Adds a value read from a record to its attribute (names compared case-insensitively);
    /// true when the attribute is new to the entry.
    fn add(&mut self, name: String, value: Vec<u8>) -> bool {
        match self.attrs.iter_mut().find(|(n, _)| n.eq_ignore_ascii_case(&name)) {
            Some((_, values)) => {
                values.push(value);
                false
            }
            None => {
                self.attrs.push((name, vec![value]));
                true
            }
        }
    }

    /// Replaces an attribute's values (none: removes it), keeping its place.
    fn set(&mut self, name: &str, values: Vec<Vec<u8>>) {
        let position = self.attrs.iter().position(|(n, _)| base_name(n).eq_ignore_ascii_case(name));
        self.attrs.retain(|(n, _)| !base_name(n).eq_ignore_ascii_case(name));
        if values.is_empty() {
            return;
        }
        let at = position.unwrap_or(self.attrs.len()).min(self.attrs.len());
        self.attrs.insert(at, (name.to_owned(), values));
    }
}

/// An attribute description without its options (`cn;lang-en` → `cn`).
fn base_name(name: &str) -> &str {
    name.split(';').next().unwrap_or(name)
}

/// A record: its first line, and its logical lines with their line numbers.
type Record = (usize, Result<Vec<(usize, String)>, String>);

/// Reads records (blank-line separated, unfolded, comments dropped).
#[derive(Debug)]
struct Reader<R> {
    input: R,
    shown: String,
    line: usize,
    buf: Vec<u8>,
    first: bool,
    /// Bytes read so far.
    offset: u64,
    /// The bytes of the last record read: from its first line (after a `version:` line) to the
    /// end of its last line.
    span: (u64, u64),
    /// Emptied strings of records given back ([`Reader::recycle`]), for the lines of the next.
    spare: Vec<String>,
}

impl Reader<BufReader<File>> {
    fn new(file: File, shown: &str) -> Self {
        Reader::over(BufReader::with_capacity(1 << 16, file), shown)
    }
}

impl<B: AsRef<[u8]>> Reader<io::Cursor<B>> {
    /// A reader of records stored by the connector (an entry of the content file, a group of the
    /// journal): no `version:` line comes first.
    fn stored(bytes: B, shown: &str) -> Self {
        let mut reader = Reader::over(io::Cursor::new(bytes), shown);
        reader.first = false;
        reader
    }
}

impl<R: io::BufRead> Reader<R> {
    fn over(input: R, shown: &str) -> Self {
        Reader {
            input,
            shown: shown.to_owned(),
            line: 0,
            buf: Vec::new(),
            first: true,
            offset: 0,
            span: (0, 0),
            spare: Vec::new(),
        }
    }

    /// Takes back a record's lines: their strings hold the next records' lines (a few hundred
    /// are kept).
    fn recycle(&mut self, lines: Vec<(usize, String)>) {
        for (_, mut text) in lines {
            if self.spare.len() >= 512 {
                break;
            }
            text.clear();
            self.spare.push(text);
        }
    }

    /// The next record with at least one line; `None` at the end of the file.
    fn next_record(&mut self) -> Result<Option<Record>, ConnectorError> {
        let mut lines: Vec<(usize, String)> = Vec::new();
        // Where each of `lines` starts, and where the record's last line ends.
        let mut starts: Vec<u64> = Vec::new();
        let mut end = self.offset;
        let mut in_comment = false;
        let mut bad: Option<String> = None;
        let mut start = 0;
        loop {
            let line_start = self.offset;
            let more = files::read_line_bytes(&mut self.input, &mut self.buf, &self.shown)?;
            if more {
                self.line += 1;
                self.offset += self.buf.len() as u64;
            }
            let raw = self.buf.strip_suffix(b"\n").unwrap_or(&self.buf);
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            if !more || raw.is_empty() {
                in_comment = false;
                if lines.is_empty() && bad.is_none() {
                    if more {
                        continue;
                    }
                    return Ok(None);
                }
                if std::mem::take(&mut self.first)
                    && let Some((_, l)) = lines.first()
                    && l.to_ascii_lowercase().starts_with("version:")
                {
                    let version = l.get(8..).unwrap_or("").trim().to_owned();
                    lines.remove(0);
                    starts.remove(0);
                    if version != "1" && bad.is_none() {
                        bad = Some(format!("LDIF version `{version}` is not supported (only 1)"));
                    }
                    if lines.is_empty() && bad.is_none() {
                        continue;
                    }
                }
                self.span = (starts.first().copied().unwrap_or(end), end);
                return Ok(Some((start, bad.map_or(Ok(lines), Err))));
            }
            let text = match std::str::from_utf8(raw) {
                Ok(t) => std::borrow::Cow::Borrowed(t),
                Err(e) => {
                    if start == 0 || lines.is_empty() {
                        start = self.line;
                    }
                    bad.get_or_insert(format!("line {} is not UTF-8 text: {e}", self.line));
                    String::from_utf8_lossy(raw)
                }
            };
            if let Some(rest) = text.strip_prefix(' ') {
                if in_comment {
                    continue;
                }
                end = self.offset;
                match lines.last_mut() {
                    Some((_, last)) => last.push_str(rest),
                    None => {
                        if start == 0 {
                            start = self.line;
                        }
                        bad.get_or_insert(format!("line {} continues nothing (it starts with a space)", self.line));
                    }
                }
                continue;
            }
            if text.starts_with('#') {
                in_comment = true;
                continue;
            }
            in_comment = false;
            if lines.is_empty() {
                start = self.line;
            }
            // A line's text goes into a string of an earlier record where there is one.
            let mut owned = self.spare.pop().unwrap_or_default();
            owned.push_str(&text);
            lines.push((self.line, owned));
            starts.push(line_start);
            end = self.offset;
        }
    }
}

/// One attribute line: its name and value bytes.
fn parse_line(text: &str) -> Result<(String, Vec<u8>), String> {
    let Some((name, rest)) = text.split_once(':') else {
        return Err(format!("`{text}` is not `name: value`"));
    };
    let valid = !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | ';' | '.'));
    if !valid {
        return Err(format!("`{name}` is not an attribute name"));
    }
    if let Some(encoded) = rest.strip_prefix(':') {
        let bytes = crate::text::base64_decode(encoded.trim())
            .ok_or_else(|| format!("attribute `{name}`: the value is not base64"))?;
        return Ok((name.to_owned(), bytes));
    }
    if rest.starts_with('<') {
        return Err(format!("attribute `{name}`: values read from a URL (`{name}:< ...`) are not supported"));
    }
    Ok((name.to_owned(), rest.trim_start_matches(' ').as_bytes().to_vec()))
}

/// A record as an entry, with the line of each attribute.
fn parse_record(lines: &[(usize, String)]) -> Result<(Entry, Vec<usize>), (usize, String)> {
    let mut iter = lines.iter();
    let Some((dn_line, first)) = iter.next() else {
        return Err((0, "the record is empty".to_owned()));
    };
    let (name, dn) = parse_line(first).map_err(|e| (*dn_line, e))?;
    if !name.eq_ignore_ascii_case("dn") {
        return Err((*dn_line, format!("the record starts with `{name}`, not `dn:`")));
    }
    let dn = String::from_utf8(dn).map_err(|_| (*dn_line, "the DN is not UTF-8 text".to_owned()))?;
    let mut entry = Entry { dn, attrs: Vec::new() };
    let mut numbers = Vec::new();
    for (line, text) in iter {
        let (name, value) = parse_line(text).map_err(|e| (*line, e))?;
        if name.eq_ignore_ascii_case("changetype") || name.eq_ignore_ascii_case("control") {
            return Err((
                *line,
                format!("`{}` is a change record, not an entry: a content file cannot hold changes", text.trim()),
            ));
        }
        if entry.add(name, value) {
            numbers.push(*line);
        }
    }
    Ok((entry, numbers))
}

/// A DN compared case-insensitively, without the spaces around its parts.
fn normalize_dn(dn: &str) -> String {
    // Most DNs are ASCII with no escapes and no spaces around their commas: lower case is all.
    let bytes = dn.as_bytes();
    let space = |b: Option<&u8>| b.is_some_and(|b| matches!(b, b' ' | b'\t'..=b'\r'));
    let plain = dn.is_ascii()
        && !bytes.contains(&b'\\')
        && !space(bytes.first())
        && !space(bytes.last())
        && bytes
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b',')
            .all(|(i, _)| !space(i.checked_sub(1).and_then(|j| bytes.get(j))) && !space(bytes.get(i + 1)));
    if plain {
        return dn.to_ascii_lowercase();
    }
    normalize_dn_parts(dn)
}

/// [`normalize_dn`] part by part.
fn normalize_dn_parts(dn: &str) -> String {
    split_dn(dn).iter().map(|p| p.trim().to_lowercase()).collect::<Vec<_>>().join(",")
}

/// The RDNs of a DN (split at unescaped commas).
fn split_dn(dn: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut escaped = false;
    for c in dn.chars() {
        if escaped {
            escaped = false;
            current.push(c);
        } else if c == '\\' {
            escaped = true;
            current.push(c);
        } else if c == ',' {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
}

/// A DN's first RDN and its parent.
fn rdn_and_parent(dn: &str) -> (String, String) {
    let parts = split_dn(dn);
    let rdn = parts.first().map(|p| p.trim().to_owned()).unwrap_or_default();
    let parent: Vec<String> = parts.iter().skip(1).map(|p| p.trim().to_owned()).collect();
    (rdn, parent.join(","))
}

/// Whether a value can be written as it is (RFC 2849 SAFE-STRING, and no trailing space).
fn is_safe(value: &[u8]) -> bool {
    let Some((&first, _)) = value.split_first() else {
        return true;
    };
    !matches!(first, b' ' | b':' | b'<')
        && value.last() != Some(&b' ')
        && value.iter().all(|&b| (0x01..=0x7F).contains(&b) && b != b'\n' && b != b'\r')
}

/// `name: value` or `name:: base64`, folded at 76 characters, with its line ending.
fn attr_line(name: &str, value: &[u8]) -> String {
    let line = if value.is_empty() {
        format!("{name}:")
    } else if is_safe(value) {
        format!("{name}: {}", String::from_utf8_lossy(value))
    } else {
        format!("{name}:: {}", crate::text::base64_encode(value))
    };
    fold(&line)
}

/// A line folded at 76 characters (continuation lines start with one space).
fn fold(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::with_capacity(line.len() + line.len() / FOLD * 2 + 1);
    let (first, rest) = chars.split_at(chars.len().min(FOLD));
    out.extend(first);
    out.push('\n');
    for chunk in rest.chunks(FOLD - 1) {
        out.push(' ');
        out.extend(chunk);
        out.push('\n');
    }
    out
}

/// The lines of an entry's attributes.
fn entry_lines(out: &mut String, entry: &Entry) {
    for (name, values) in &entry.attrs {
        for v in values {
            out.push_str(&attr_line(name, v));
        }
    }
}

/// The bytes an LDIF file holds for a value: raw bytes for binary, the text otherwise.
fn value_bytes(attr: &plan::Attribute, value: &Value) -> Result<Vec<Vec<u8>>, String> {
    let values: Vec<Vec<u8>> = value
        .values()
        .iter()
        .flat_map(|v| match v {
            Value::Binary(bytes) => vec![bytes.clone()],
            other => files::value_texts(other).into_iter().map(String::into_bytes).collect(),
        })
        .filter(|v| !v.is_empty())
        .collect();
    if !attr.many && values.len() > 1 {
        return Err(format!("attribute `{}` is single-valued but was given {} values", attr.name, values.len()));
    }
    Ok(values)
}

/// The typed value of a schema attribute from an entry's bytes.
fn read_value(attr: &plan::Attribute, raw: &[&Vec<u8>]) -> Result<Option<Value>, String> {
    let mut values = Vec::new();
    for bytes in raw.iter().filter(|b| !b.is_empty()) {
        if attr.kind == ValueKind::Binary {
            values.push(Value::Binary((*bytes).clone()));
            continue;
        }
        let text = std::str::from_utf8(bytes).map_err(|_| "the value is not UTF-8 text".to_owned())?;
        values.push(files::parse_text(attr.kind, text)?);
    }
    files::finish_values(attr, values)
}

/// An error result that does not stop the run.
fn error(message: String) -> ExportResult {
    ExportResult::Error { message, stop: false }
}

/// The default change file of a content file.
fn default_changes_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let stem = name.strip_suffix(".ldif").or_else(|| name.strip_suffix(".LDIF")).unwrap_or(&name);
    path.with_file_name(format!("{stem}.changes.ldif"))
}

impl LdifConnector {
    /// The connector for a plan's `ldif` connector; `base` is the rule set's folder.
    pub fn new(connector: &plan::Connector, base: &Path) -> Result<Self, ConnectorError> {
        let (shown, path) = files::required_path(connector, base)?;
        let changes_path = match files::setting_path(connector, "changes_path", base)? {
            Some((_, p)) => p,
            None => default_changes_path(&path),
        };
        let journal_above = match files::setting_text(connector, "journal_above")? {
            None => JOURNAL_ABOVE,
            Some(text) => text.trim().replace('_', "").parse::<u64>().map_err(|_| {
                ConnectorError(format!(
                    "connector `{}`: option `journal_above` must be a number of bytes, not `{text}`",
                    connector.name
                ))
            })?,
        };
        Ok(LdifConnector {
            name: connector.name.clone(),
            shown,
            path,
            changes_path,
            objects: connector.objects.clone(),
            journal_above,
            import: None,
            export: None,
        })
    }

    /// The object type of an entry (`None`: not one of the connector's).
    fn entry_type(&self, entry: &Entry) -> Option<&plan::ObjectType> {
        if let [only] = self.objects.as_slice() {
            return Some(only);
        }
        let classes = entry.values("objectClass");
        self.objects.iter().find(|t| {
            classes.iter().any(|c| std::str::from_utf8(c).is_ok_and(|c| c.trim().eq_ignore_ascii_case(&t.name)))
        })
    }

    /// The import entry of a record (`Ok(None)`: an entry of no declared type).
    fn read_entry(
        &self,
        lines: &[(usize, String)],
        seen: &mut files::SeenKeys,
    ) -> Result<Option<ImportEntry>, (usize, String)> {
        let (entry, numbers) = parse_record(lines)?;
        let start = lines.first().map_or(0, |(l, _)| *l);
        let Some(ty) = self.entry_type(&entry) else {
            return Ok(None);
        };
        let line_of = |name: &str| {
            entry
                .attrs
                .iter()
                .position(|(n, _)| base_name(n).eq_ignore_ascii_case(name))
                .and_then(|i| numbers.get(i).copied())
                .unwrap_or(start)
        };
        let anchor_attr = files::anchor_of(ty).ok_or((start, "the object type has no anchor".to_owned()))?;
        let mut attributes = BTreeMap::new();
        for attr in &ty.attributes {
            match read_value(attr, &entry.values(&attr.name)) {
                Ok(Some(v)) => {
                    attributes.insert(attr.name.clone(), v);
                }
                Ok(None) => {}
                Err(why) => {
                    return Err((
                        line_of(&attr.name),
                        format!("entry `{}`: attribute `{}`: {why}", entry.dn, attr.name),
                    ));
                }
            }
        }
        let anchor = match attributes.get(&anchor_attr.name) {
            Some(Value::Binary(bytes)) => crate::text::base64_encode(bytes),
            Some(v) => files::value_texts(v).into_iter().next().unwrap_or_default(),
            None => String::new(),
        };
        if anchor.is_empty() {
            return Err((
                start,
                format!("entry `{}`: attribute `{}`: the anchor has no value", entry.dn, anchor_attr.name),
            ));
        }
        for k in [format!("d\0{}", normalize_dn(&entry.dn)), format!("a\0{}\0{anchor}", ty.name)] {
            if let Some(first) = seen.get(&k) {
                let what = if k.starts_with('d') { "DN" } else { "anchor" };
                return Err((
                    start,
                    format!("entry `{}`: the {what} is already used by the entry at line {first}", entry.dn),
                ));
            }
        }
        seen.insert(&format!("d\0{}", normalize_dn(&entry.dn)), start);
        seen.insert(&format!("a\0{}\0{anchor}", ty.name), start);
        Ok(Some(ImportEntry {
            object_type: ty.name.clone(),
            dn: entry.dn,
            anchor,
            change: EntryChange::Object,
            attributes,
        }))
    }

    /// The index keys of an entry: its DN, and its type and anchor when it has them.
    fn keys(&self, entry: &Entry) -> Vec<String> {
        let mut keys = vec![dn_key(&entry.dn)];
        if let Some(ty) = self.entry_type(entry)
            && let Some(a) = files::anchor_of(ty)
            && let Some(anchor) = self.anchor_text(a, entry)
        {
            keys.push(anchor_key(&ty.name, &anchor));
        }
        keys
    }

    /// The text of an entry's anchor.
    fn anchor_text(&self, anchor: &plan::Attribute, entry: &Entry) -> Option<String> {
        let first = entry.values(&anchor.name).into_iter().next()?;
        if anchor.kind == ValueKind::Binary {
            return Some(crate::text::base64_encode(first));
        }
        std::str::from_utf8(first).ok().filter(|t| !t.is_empty()).map(str::to_owned)
    }

    /// Opens what an export works on: the content file (a missing file is empty) with its key
    /// index, and its journal.
    fn open_export(&self) -> Result<Export, ConnectorError> {
        let content = self.open_content()?;
        let identity = content.as_ref().map(|c| c.identity);
        let journal = Journal::load(&self.path, identity, &|lines| self.stored_keys(lines))?;
        Ok(Export {
            set: ObjectSet::new(),
            gone: Vec::new(),
            renamed: HashMap::new(),
            content,
            journal,
            changes: String::new(),
            dirty: false,
        })
    }

    /// The content file and its key index: for a large file the stored index when it matches
    /// the file; otherwise built by reading the file once (and stored, for a large file).
    fn open_content(&self) -> Result<Option<Content>, ConnectorError> {
        let fail = |e: io::Error| ConnectorError(format!("cannot read {}: {e}", self.shown));
        let file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(fail(e)),
        };
        let identity = index::identity(&file).map_err(fail)?;
        let stored = index_path(&self.path);
        let large = identity.len >= self.journal_above;
        if large && let Some(index) = KeyIndex::open(&stored, identity).map_err(fail)? {
            return Ok(Some(Content { file, identity, index }));
        }
        let index = self.build_index(&file)?;
        if large {
            index
                .save(&stored, identity)
                .map_err(|e| ConnectorError(format!("cannot write {}: {e}", stored.display())))?;
        }
        Ok(Some(Content { file, identity, index }))
    }

    /// The key index of a content file, from each entry's DN, `objectClass` and anchor lines.
    fn build_index(&self, file: &File) -> Result<KeyIndex, ConnectorError> {
        let source = file.try_clone().map_err(|e| ConnectorError(format!("cannot open {}: {e}", self.shown)))?;
        let mut reader = Reader::new(source, &self.shown);
        let mut records = Vec::new();
        while let Some((line, lines)) = reader.next_record()? {
            let lines =
                lines.map_err(|why| ConnectorError(format!("cannot export to {}: line {line}: {why}", self.shown)))?;
            let (offset, end) = reader.span;
            let loc = Loc { offset, len: end.saturating_sub(offset), line };
            for key in self.stored_keys(&lines) {
                records.push((index::hash(key.as_bytes()), loc));
            }
            reader.recycle(lines);
        }
        Ok(KeyIndex::build(records))
    }

    /// The keys of a record read from its DN, `objectClass` and anchor lines (a record without a
    /// readable DN has none: it is kept as it is and no request can find it).
    fn stored_keys(&self, lines: &[(usize, String)]) -> Vec<String> {
        let Some(Ok((name, dn))) = lines.first().map(|(_, first)| parse_line(first)) else { return Vec::new() };
        let Ok(dn) = String::from_utf8(dn) else { return Vec::new() };
        if !name.eq_ignore_ascii_case("dn") {
            return Vec::new();
        }
        let wanted = |name: &str| {
            name.eq_ignore_ascii_case("objectClass")
                || self.objects.iter().filter_map(files::anchor_of).any(|a| a.name.eq_ignore_ascii_case(name))
        };
        let mut entry = Entry { dn, attrs: Vec::new() };
        for (_, text) in lines.iter().skip(1) {
            let Some((name, _)) = text.split_once(':') else { continue };
            if !wanted(base_name(name)) {
                continue;
            }
            if let Ok((name, value)) = parse_line(text) {
                entry.add(name, value);
            }
        }
        self.keys(&entry)
    }

    /// The keys of an entry's stored text (see [`LdifConnector::stored_keys`]).
    fn keys_of_text(&self, bytes: &[u8]) -> Vec<String> {
        match Reader::stored(bytes, &self.shown).next_record() {
            Ok(Some((_, Ok(lines)))) => self.stored_keys(&lines),
            _ => Vec::new(),
        }
    }

    /// An entry from its stored text (`line` and `shown` name where it is, for errors).
    fn parse_entry(bytes: Vec<u8>, line: usize, shown: &str) -> Result<Entry, String> {
        let fail = |why: String| format!("cannot read the entry at line {line} of {shown}: {why}");
        let Some((_, lines)) = Reader::stored(bytes, shown).next_record().map_err(|e| fail(e.0))? else {
            return Err(fail("the entry is empty".to_owned()));
        };
        let lines = lines.map_err(fail)?;
        let (entry, _) = parse_record(&lines).map_err(|(_, why)| fail(why))?;
        Ok(entry)
    }

    /// The entry at position `i` of an export (`None`: gone).
    fn entry_at(export: &Export, i: usize) -> Option<Entry> {
        match export.set.get(i) {
            Some(Slot::Stored(e) | Slot::Changed(e)) => Some(e.clone()),
            Some(Slot::Gone) | None => None,
        }
    }

    /// The position of the entry with this key: one a request named since the last flush, or the
    /// stored one, read now.
    fn locate(&self, export: &mut Export, key: &str) -> Result<Option<usize>, String> {
        if let Some(i) = export.set.find(key) {
            return Ok(match export.set.get(i) {
                Some(Slot::Stored(_) | Slot::Changed(_)) => Some(i),
                Some(Slot::Gone) | None => None,
            });
        }
        let Some(entry) = self.stored_entry(export, key)? else { return Ok(None) };
        let keys = self.keys(&entry);
        Ok(Some(export.set.push(Slot::Stored(entry), &keys)))
    }

    /// The stored entry with this key: the journal's version of a DN it names, else the content
    /// file's (through its index; an entry the journal names is not the content file's any more).
    fn stored_entry(&self, export: &Export, key: &str) -> Result<Option<Entry>, String> {
        let journal = &export.journal;
        let is_dn = key.starts_with("d\0");
        let dn = if is_dn { Some(key) } else { journal.anchor_dn(key) };
        if let Some(dn) = dn {
            match journal.state(dn) {
                Some(Some(loc)) => {
                    let shown = journal.shown();
                    let bytes = journal
                        .read(loc)
                        .map_err(|e| format!("cannot read the entry at line {} of {shown}: {e}", loc.line))?;
                    let entry = Self::parse_entry(bytes, loc.line, shown)?;
                    if self.keys(&entry).iter().any(|k| k == key) {
                        return Ok(Some(entry));
                    }
                }
                Some(None) if is_dn => return Ok(None),
                _ => {}
            }
        }
        let Some(content) = &export.content else { return Ok(None) };
        let candidates = content
            .index
            .candidates(index::hash(key.as_bytes()))
            .map_err(|e| format!("cannot read the index of {}: {e}", self.shown))?;
        for loc in candidates {
            let fail = |e: String| format!("cannot read the entry at line {} of {}: {e}", loc.line, self.shown);
            let mut bytes = vec![0; usize::try_from(loc.len).map_err(|e| fail(e.to_string()))?];
            index::read_exact_at(&content.file, &mut bytes, loc.offset).map_err(|e| fail(e.to_string()))?;
            let entry = Self::parse_entry(bytes, loc.line, &self.shown)?;
            let keys = self.keys(&entry);
            if keys.iter().any(|k| k == key) && keys.first().is_none_or(|dn| journal.state(dn).is_none()) {
                return Ok(Some(entry));
            }
        }
        Ok(None)
    }

    /// Finds the entry a request is about: by anchor, else by DN.
    fn find(
        &self,
        export: &mut Export,
        ty: &plan::ObjectType,
        request: &ExportRequest,
    ) -> Result<Option<usize>, String> {
        if let Some(a) = &request.anchor
            && let Some(i) = self.locate(export, &anchor_key(&ty.name, a))?
        {
            return Ok(Some(i));
        }
        if request.dn.is_empty() {
            return Ok(None);
        }
        self.locate(export, &dn_key(&request.dn))
    }
    /// The attribute values a request sets, checked: `(name, values)`.
    fn request_values(ty: &plan::ObjectType, request: &ExportRequest) -> Result<Vec<AttrValues>, String> {
        let mut out = Vec::new();
        for change in &request.attributes {
            let Some(attr) = ty.attributes.iter().find(|a| a.name.eq_ignore_ascii_case(&change.name)) else {
                continue;
            };
            out.push((attr.name.clone(), value_bytes(attr, &change.new)?));
        }
        Ok(out)
    }

    /// The entry an add creates.
    fn new_entry(&self, ty: &plan::ObjectType, request: &ExportRequest) -> Result<(Entry, String), String> {
        let dn = request.new_dn.clone().unwrap_or_else(|| request.dn.clone());
        crate::text::check_dn(&dn).map_err(|why| format!("the DN `{dn}` is not valid: {why}"))?;
        let anchor =
            files::add_anchor(request, ty, false).ok_or_else(|| "the new entry has no anchor value".to_owned())?;
        let mut entry = Entry { dn, attrs: vec![("objectClass".to_owned(), vec![ty.name.clone().into_bytes()])] };
        if let Some(a) = files::anchor_of(ty) {
            entry.set(&a.name, vec![anchor.clone().into_bytes()]);
        }
        for (name, values) in Self::request_values(ty, request)? {
            if !values.is_empty() {
                entry.set(&name, values);
            }
        }
        Ok((entry, anchor))
    }

    fn apply(&mut self, request: &ExportRequest) -> Result<ExportResult, ConnectorError> {
        if self.export.is_none() {
            self.export = Some(self.open_export()?);
        }
        let Some(mut export) = self.export.take() else {
            return Err(ConnectorError("the export could not be loaded".to_owned()));
        };
        let result = self.apply_to(&mut export, request).unwrap_or_else(error);
        self.export = Some(export);
        Ok(result)
    }

    /// Frees keys held by entries gone since the last flush, for an entry that takes them.
    fn take_keys(export: &mut Export, keys: &[String]) {
        for k in keys {
            if let Some(j) = export.set.find(k)
                && matches!(export.set.get(j), Some(Slot::Gone))
            {
                export.set.rekey(j, std::slice::from_ref(k), &[]);
            }
        }
    }

    /// Takes the entry at `i` away: its keys stay on the empty slot, so no later request finds the
    /// stored entry, and its DN is written as gone.
    fn retire(export: &mut Export, i: usize, dn: &str) {
        if let Some(slot) = export.set.get_mut(i) {
            *slot = Slot::Gone;
        }
        export.gone.push(dn.to_owned());
    }

    fn apply_to(&self, export: &mut Export, request: &ExportRequest) -> Result<ExportResult, String> {
        let ty = files::request_type(&self.objects, request)?;
        let found = self.find(export, ty, request)?;
        match request.change {
            ExportChange::Add | ExportChange::DeleteAdd => {
                let (entry, anchor) = self.new_entry(ty, request)?;
                let replaced = if request.change == ExportChange::DeleteAdd { found } else { None };
                let keys = self.keys(&entry);
                for k in &keys {
                    if let Some(j) = self.locate(export, k)?
                        && Some(j) != replaced
                    {
                        return Err(format!(
                            "an entry with the DN `{}` or the anchor `{anchor}` already exists",
                            entry.dn
                        ));
                    }
                }
                if let Some(i) = replaced
                    && let Some(old) = Self::entry_at(export, i)
                {
                    Self::retire(export, i, &old.dn);
                    export.changes.push_str(&delete_record(&old.dn));
                }
                export.changes.push_str(&add_record(&entry));
                Self::take_keys(export, &keys);
                export.set.push(Slot::Changed(entry), &keys);
                export.dirty = true;
                Ok(ExportResult::Success { anchor: Some(anchor) })
            }
            ExportChange::Update => {
                let Some(i) = found else {
                    return Ok(ExportResult::ConvertToAdd);
                };
                let sets = Self::request_values(ty, request)?;
                if let Some(new_dn) = &request.new_dn {
                    crate::text::check_dn(new_dn).map_err(|why| format!("the DN `{new_dn}` is not valid: {why}"))?;
                }
                let current = Self::entry_at(export, i).ok_or_else(|| "the entry vanished".to_owned())?;
                let old_keys = self.keys(&current);
                let mut entry = current.clone();
                let mut changes = String::new();
                if let Some(new_dn) = &request.new_dn
                    && normalize_dn(new_dn) != normalize_dn(&entry.dn)
                {
                    if self.locate(export, &dn_key(new_dn))?.is_some() {
                        return Err(format!("an entry with the DN `{new_dn}` already exists"));
                    }
                    changes.push_str(&modrdn_record(&entry.dn, new_dn));
                    entry.dn = new_dn.clone();
                }
                let mut modify = String::new();
                for (name, values) in sets {
                    let before: Vec<Vec<u8>> = entry.values(&name).into_iter().cloned().collect();
                    if before == values {
                        continue;
                    }
                    let many = ty.attributes.iter().any(|a| a.many && a.name.eq_ignore_ascii_case(&name));
                    modify_lines(&mut modify, &name, &before, &values, many);
                    entry.set(&name, values);
                }
                if !modify.is_empty() {
                    changes.push_str(&attr_line("dn", entry.dn.as_bytes()));
                    changes.push_str("changetype: modify\n");
                    changes.push_str(&modify);
                    changes.push('\n');
                }
                if entry != current {
                    let new_keys = self.keys(&entry);
                    if let Some(slot) = export.set.get_mut(i) {
                        *slot = Slot::Changed(entry);
                    }
                    Self::take_keys(export, &new_keys);
                    export.set.rekey(i, &old_keys, &new_keys);
                    // Keys the entry no longer has (a DN renamed away) go on finding nothing.
                    let dropped: Vec<String> = old_keys.iter().filter(|k| !new_keys.contains(k)).cloned().collect();
                    if !dropped.is_empty() {
                        export.set.push(Slot::Gone, &dropped);
                        if dropped.iter().any(|k| k.starts_with("d\0")) {
                            export.gone.push(current.dn.clone());
                            export.renamed.insert(dn_key(&current.dn), new_keys.first().cloned().unwrap_or_default());
                        }
                    }
                    export.changes.push_str(&changes);
                    export.dirty = true;
                }
                Ok(ExportResult::Success { anchor: None })
            }
            ExportChange::Delete => {
                // Already gone, as the request wants (a retry after a crash between the file's
                // write and the store's record finds it so): done, with nothing to write.
                let Some(i) = found else {
                    return Ok(ExportResult::Success { anchor: None });
                };
                if let Some(old) = Self::entry_at(export, i) {
                    Self::retire(export, i, &old.dn);
                    export.changes.push_str(&delete_record(&old.dn));
                    export.dirty = true;
                }
                Ok(ExportResult::Success { anchor: None })
            }
        }
    }

    /// Makes the exports since the last flush durable, then appends their change records. In
    /// this order a crash between the two leaves the entries where the next import sees them (and
    /// the engine drops the exports as done) rather than change records of entries the directory
    /// lacks, which the next export would write a second time.
    ///
    /// A small content file is written anew; a large one (`journal_above`) gets the changed
    /// entries appended to its journal, and is written anew only when the journal has grown to an
    /// eighth of it. The export then holds no entry until the next request.
    fn write(&self, export: &mut Export) -> Result<(), ConnectorError> {
        let content_len = export.content.as_ref().map_or(0, |c| c.identity.len);
        if let Some(content) = &export.content
            && content_len >= self.journal_above
        {
            let mut records = Vec::new();
            for dn in &export.gone {
                let mut text = attr_line("dn", dn.as_bytes());
                text.push_str("changetype: delete\n");
                records.push(Appended { keys: vec![dn_key(dn)], text, gone: true });
            }
            for slot in export.set.iter() {
                if let Slot::Changed(entry) = slot {
                    records.push(Appended { keys: self.keys(entry), text: entry_text(entry), gone: false });
                }
            }
            let identity = content.identity;
            export.journal.append(identity, records)?;
            export.set = ObjectSet::new();
            export.gone.clear();
            export.renamed.clear();
            if export.journal.len() > content_len / 8 {
                self.compact(export)?;
            }
        } else {
            self.compact(export)?;
        }
        if !export.changes.is_empty() {
            let fresh = std::fs::metadata(&self.changes_path).map_or(true, |m| m.len() == 0);
            let ends_with_blank = !fresh
                && file_tail(&self.changes_path, 4).is_ok_and(|b| b.ends_with(b"\n\n") || b.ends_with(b"\r\n\r\n"));
            let mut text = String::new();
            if fresh {
                text.push_str("version: 1\n\n");
            } else if !ends_with_blank {
                text.push('\n');
            }
            text.push_str(&export.changes);
            OpenOptions::new()
                .create(true)
                .append(true)
                .open(&self.changes_path)
                .and_then(|mut f| {
                    f.write_all(text.as_bytes())?;
                    f.sync_all()
                })
                .map_err(|e| ConnectorError(format!("cannot write {}: {e}", self.changes_path.display())))?;
        }
        Ok(())
    }

    /// Writes a new content file with every change in it: the content file's entries in their
    /// order, each as the journal or this export left it (an entry neither changed is copied byte
    /// for byte, with its folding, base64 and comments; comments between entries are dropped),
    /// then the new entries; then its index (stored for a large file), then empties the journal.
    fn compact(&self, export: &mut Export) -> Result<(), ConnectorError> {
        let tmp = files::tmp_path(&self.path);
        let written = self.write_compacted(export, &tmp);
        let (records, identity) = match written {
            Ok(w) => w,
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                return Err(e);
            }
        };
        let fail = |e: io::Error| ConnectorError(format!("cannot write {}: {e}", self.shown));
        // The journal names the new file before it replaces the old one: after a crash between
        // the two steps below, the journal is known to be in the file already.
        export.journal.mark_compacted(identity)?;
        std::fs::rename(&tmp, &self.path).map_err(fail)?;
        if let Some(dir) = self.path.parent().filter(|d| !d.as_os_str().is_empty())
            && let Ok(d) = File::open(dir)
        {
            // Best effort: not every platform can open a folder to sync it.
            let _ = d.sync_all();
        }
        export.journal.truncate()?;
        let file = File::open(&self.path).map_err(fail)?;
        let index = KeyIndex::build(records);
        let stored = index_path(&self.path);
        if identity.len >= self.journal_above {
            index
                .save(&stored, identity)
                .map_err(|e| ConnectorError(format!("cannot write {}: {e}", stored.display())))?;
        } else if stored.exists() {
            let _ = std::fs::remove_file(&stored);
        }
        export.content = Some(Content { file, identity, index });
        export.set = ObjectSet::new();
        export.gone.clear();
        export.renamed.clear();
        Ok(())
    }

    /// Writes the compacted content file at `tmp`, durably; returns its index records and
    /// identity.
    fn write_compacted(&self, export: &Export, tmp: &Path) -> Result<(Vec<(u64, Loc)>, Identity), ConnectorError> {
        // What holds a DN's current entry, when it is not the content file's.
        enum Now<'e> {
            Write(&'e Entry),
            Journal(Loc),
            Gone,
            Content,
        }
        let now = |dn: &str| -> Now<'_> {
            if let Some(i) = export.set.find(dn) {
                match export.set.get(i) {
                    Some(Slot::Changed(e)) => return Now::Write(e),
                    Some(Slot::Gone) => return Now::Gone,
                    _ => {}
                }
            }
            match export.journal.state(dn) {
                Some(Some(loc)) => Now::Journal(loc),
                Some(None) => Now::Gone,
                None => Now::Content,
            }
        };
        let fail = |e: io::Error| ConnectorError(format!("cannot write {}: {e}", self.shown));
        let journal_fail = |e: io::Error| ConnectorError(format!("cannot read {}: {e}", export.journal.shown()));
        let mut out = io::BufWriter::with_capacity(1 << 16, File::create(tmp).map_err(fail)?);
        let mut records: Vec<(u64, Loc)> = Vec::new();
        let mut placed_dns: std::collections::HashSet<String> = std::collections::HashSet::new();
        let mut placed = Placed { offset: 11, line: 2 };
        out.write_all(b"version: 1\n").map_err(fail)?;
        let mut put = |out: &mut io::BufWriter<File>, bytes: &[u8], keys: &[String]| -> Result<(), ConnectorError> {
            out.write_all(b"\n").map_err(fail)?;
            out.write_all(bytes).map_err(fail)?;
            let loc = placed.next(bytes);
            records.extend(keys.iter().map(|k| (index::hash(k.as_bytes()), loc)));
            Ok(())
        };
        if let Some(content) = &export.content {
            // Two handles with positions of their own: one reads records, one copies them.
            let records_file = File::open(&self.path).map_err(fail)?;
            let mut reader = Reader::new(records_file, &self.shown);
            let mut copier = Copier { source: Some(BufReader::with_capacity(1 << 16, &content.file)), at: None };
            let mut bytes = Vec::new();
            while let Some((line, lines)) = reader.next_record()? {
                let lines = lines
                    .map_err(|why| ConnectorError(format!("cannot export to {}: line {line}: {why}", self.shown)))?;
                let keys = self.stored_keys(&lines);
                reader.recycle(lines);
                let (offset, end) = reader.span;
                let state = keys.first().map(|dn| (dn.clone(), now(dn)));
                match state {
                    None | Some((_, Now::Content)) => {
                        bytes.clear();
                        copier.read(offset, end.saturating_sub(offset), &mut bytes).map_err(fail)?;
                        if bytes.last() != Some(&b'\n') {
                            bytes.push(b'\n');
                        }
                        put(&mut out, &bytes, &keys)?;
                    }
                    Some((dn, Now::Gone)) => {
                        // An entry renamed since the last flush keeps its place.
                        let mut to = export.renamed.get(&dn);
                        for _ in 0..export.renamed.len() {
                            let Some(new) = to else { break };
                            match now(new) {
                                Now::Write(entry) if placed_dns.insert(new.clone()) => {
                                    put(&mut out, entry_text(entry).as_bytes(), &self.keys(entry))?;
                                    break;
                                }
                                Now::Gone => to = export.renamed.get(new),
                                _ => break,
                            }
                        }
                        placed_dns.insert(dn);
                    }
                    Some((dn, Now::Write(entry))) => {
                        put(&mut out, entry_text(entry).as_bytes(), &self.keys(entry))?;
                        placed_dns.insert(dn);
                    }
                    Some((dn, Now::Journal(loc))) => {
                        let text = export.journal.read(loc).map_err(journal_fail)?;
                        put(&mut out, &text, &self.keys_of_text(&text))?;
                        placed_dns.insert(dn);
                    }
                }
            }
        }
        // New entries: the journal's, then this export's.
        for dn in export.journal.order() {
            if placed_dns.contains(dn) {
                continue;
            }
            match now(dn) {
                Now::Journal(loc) => {
                    let text = export.journal.read(loc).map_err(journal_fail)?;
                    put(&mut out, &text, &self.keys_of_text(&text))?;
                }
                Now::Write(entry) => put(&mut out, entry_text(entry).as_bytes(), &self.keys(entry))?,
                Now::Gone | Now::Content => {}
            }
            placed_dns.insert(dn.clone());
        }
        for slot in export.set.iter() {
            if let Slot::Changed(entry) = slot
                && placed_dns.insert(dn_key(&entry.dn))
            {
                put(&mut out, entry_text(entry).as_bytes(), &self.keys(entry))?;
            }
        }
        let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        drop(file);
        let identity = File::open(tmp).and_then(|f| index::identity(&f)).map_err(fail)?;
        Ok((records, identity))
    }
}

/// An entry's text: its `dn:` line and attribute lines.
fn entry_text(entry: &Entry) -> String {
    let mut text = attr_line("dn", entry.dn.as_bytes());
    entry_lines(&mut text, entry);
    text
}

/// The path of the stored key index of `content`.
fn index_path(content: &Path) -> PathBuf {
    let mut name = content.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".index");
    content.with_file_name(name)
}
/// Reads stored entries from a source file, in file order without a seek each (a seek when one
/// is out of order).
struct Copier<'f> {
    source: Option<BufReader<&'f File>>,
    /// The position `source` reads next (`None`: not known yet, the file is shared).
    at: Option<u64>,
}

impl Copier<'_> {
    /// Reads `len` bytes at `offset` into `out`.
    fn read(&mut self, offset: u64, len: u64, out: &mut Vec<u8>) -> io::Result<()> {
        let Some(source) = self.source.as_mut() else {
            return Err(io::Error::other("the content file is not open"));
        };
        if self.at != Some(offset) {
            match self.at.and_then(|at| offset.checked_sub(at)).and_then(|d| i64::try_from(d).ok()) {
                Some(ahead) => source.seek_relative(ahead)?,
                None => {
                    source.seek(SeekFrom::Start(offset))?;
                }
            }
        }
        let len_usize = usize::try_from(len).map_err(io::Error::other)?;
        out.resize(len_usize, 0);
        source.read_exact(out)?;
        self.at = Some(offset + len);
        Ok(())
    }
}

/// Where the next entry goes in a file being written.
struct Placed {
    offset: u64,
    line: usize,
}

impl Placed {
    /// Where `bytes` go, written after a blank line at the current position.
    fn next(&mut self, bytes: &[u8]) -> Loc {
        let offset = self.offset + 1;
        let line = self.line + 1;
        let len = bytes.len() as u64;
        self.offset = offset + len;
        self.line = line + bytes.iter().filter(|&&b| b == b'\n').count();
        Loc { offset, len, line }
    }
}
/// The last `n` bytes of a file (fewer when it is shorter).
fn file_tail(path: &Path, n: u64) -> io::Result<Vec<u8>> {
    let mut file = File::open(path)?;
    let len = file.metadata()?.len();
    file.seek(SeekFrom::Start(len.saturating_sub(n)))?;
    let mut out = Vec::new();
    file.read_to_end(&mut out)?;
    Ok(out)
}

/// The DN key of a record, from its first line.
fn record_dn_key(lines: &[(usize, String)]) -> Option<String> {
    let (name, dn) = parse_line(&lines.first()?.1).ok()?;
    if !name.eq_ignore_ascii_case("dn") {
        return None;
    }
    Some(dn_key(&String::from_utf8(dn).ok()?))
}

/// The index key of a DN.
fn dn_key(dn: &str) -> String {
    format!("d\0{}", normalize_dn(dn))
}

/// The index key of an anchor.
fn anchor_key(object_type: &str, anchor: &str) -> String {
    format!("a\0{object_type}\0{anchor}")
}

/// The `modify` blocks that take an attribute from `before` to `after`: `delete:` when it has no
/// value left; for a multi-valued attribute, `delete:` of the values that went and `add:` of those
/// that came when they are fewer than its values (one member more in a group of 50,000 is one
/// line, not 50,000); otherwise `replace:` with every value. Values are compared as bytes; their
/// order is not a change.
fn modify_lines(out: &mut String, name: &str, before: &[Vec<u8>], after: &[Vec<u8>], many: bool) {
    let mut block = |op: &str, values: &[&Vec<u8>]| {
        out.push_str(&attr_line(op, name.as_bytes()));
        for v in values {
            out.push_str(&attr_line(name, v));
        }
        out.push_str("-\n");
    };
    if after.is_empty() {
        block("delete", &[]);
        return;
    }
    if many && !before.is_empty() {
        let old: std::collections::HashSet<&[u8]> = before.iter().map(Vec::as_slice).collect();
        let new: std::collections::HashSet<&[u8]> = after.iter().map(Vec::as_slice).collect();
        let added: Vec<&Vec<u8>> = after.iter().filter(|v| !old.contains(v.as_slice())).collect();
        let removed: Vec<&Vec<u8>> = before.iter().filter(|v| !new.contains(v.as_slice())).collect();
        if added.len() + removed.len() < after.len() {
            if !removed.is_empty() {
                block("delete", &removed);
            }
            if !added.is_empty() {
                block("add", &added);
            }
            return;
        }
    }
    block("replace", &after.iter().collect::<Vec<_>>());
}

/// `changetype: add` with every attribute.
fn add_record(entry: &Entry) -> String {
    let mut out = attr_line("dn", entry.dn.as_bytes());
    out.push_str("changetype: add\n");
    entry_lines(&mut out, entry);
    out.push('\n');
    out
}

/// `changetype: delete`.
fn delete_record(dn: &str) -> String {
    let mut out = attr_line("dn", dn.as_bytes());
    out.push_str("changetype: delete\n\n");
    out
}

/// `changetype: modrdn` from one DN to another.
fn modrdn_record(old: &str, new: &str) -> String {
    let (new_rdn, new_parent) = rdn_and_parent(new);
    let (_, old_parent) = rdn_and_parent(old);
    let mut out = attr_line("dn", old.as_bytes());
    out.push_str("changetype: modrdn\n");
    out.push_str(&attr_line("newrdn", new_rdn.as_bytes()));
    out.push_str("deleteoldrdn: 1\n");
    if normalize_dn(&old_parent) != normalize_dn(&new_parent) {
        out.push_str(&attr_line("newsuperior", new_parent.as_bytes()));
    }
    out.push('\n');
    out
}

impl Connector for LdifConnector {
    fn open(&mut self) -> Result<(), ConnectorError> {
        Ok(())
    }

    fn discover(&mut self) -> Result<Vec<plan::ObjectType>, ConnectorError> {
        Ok(self.objects.clone())
    }

    fn start_import(&mut self, mode: ImportMode, page_size: usize) -> Result<(), ConnectorError> {
        files::full_only(&self.name, "ldif", &mode)?;
        let file = files::open_for_import(&self.path, &self.shown)?;
        let identity =
            index::identity(&file).map_err(|e| ConnectorError(format!("cannot read {}: {e}", self.shown)))?;
        let journal = Journal::load(&self.path, Some(identity), &|lines| self.stored_keys(lines))?;
        self.import = Some(Import {
            reader: Reader::new(file, &self.shown),
            journal,
            next_in_journal: None,
            page_size: page_size.max(1),
            seen: files::SeenKeys::default(),
            done: false,
        });
        Ok(())
    }

    fn next_page(&mut self) -> Result<Option<ImportPage>, ConnectorError> {
        let Some(mut import) = self.import.take() else {
            return Err(ConnectorError(format!("connector `{}`: no import was started", self.name)));
        };
        let mut entries = Vec::new();
        while !import.done && entries.len() < import.page_size {
            let (shown, start, lines) = match import.next_in_journal {
                None => match import.reader.next_record()? {
                    Some((start, lines)) => (std::borrow::Cow::Borrowed(self.shown.as_str()), start, lines),
                    None => {
                        import.next_in_journal = Some(0);
                        continue;
                    }
                },
                Some(at) => {
                    let Some(dn) = import.journal.order().get(at) else {
                        import.done = true;
                        break;
                    };
                    import.next_in_journal = Some(at + 1);
                    let Some(Some(loc)) = import.journal.state(dn) else { continue };
                    let shown = import.journal.shown();
                    let bytes =
                        import.journal.read(loc).map_err(|e| ConnectorError(format!("cannot read {shown}: {e}")))?;
                    let Some((line, lines)) = Reader::stored(bytes, shown).next_record()? else { continue };
                    (std::borrow::Cow::Owned(shown.to_owned()), loc.line + line - 1, lines)
                }
            };
            let read = match lines {
                Ok(lines) => {
                    // An entry of the content file that the journal changed is read from there.
                    let superseded = import.next_in_journal.is_none()
                        && record_dn_key(&lines).is_some_and(|dn| import.journal.state(&dn).is_some());
                    let read = if superseded { Ok(None) } else { self.read_entry(&lines, &mut import.seen) };
                    import.reader.recycle(lines);
                    read
                }
                Err(why) => Err((start, why)),
            };
            match read {
                Ok(Some(entry)) => entries.push(Ok(entry)),
                Ok(None) => {}
                Err((line, message)) => entries.push(Err(EntryError { object: format!("{shown}:{line}"), message })),
            }
        }
        self.import = Some(import);
        if entries.is_empty() {
            return Ok(None);
        }
        Ok(Some(ImportPage { entries, watermark: None }))
    }

    fn export(&mut self, batch: &[ExportRequest]) -> Result<Vec<ExportResult>, ConnectorError> {
        batch.iter().map(|r| self.apply(r)).collect()
    }

    fn flush(&mut self) -> Result<(), ConnectorError> {
        if let Some(mut export) = self.export.take() {
            if export.dirty {
                self.write(&mut export)?;
                export.changes.clear();
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

    fn ok(entries: &[Result<ImportEntry, EntryError>]) -> Vec<&ImportEntry> {
        entries.iter().filter_map(|e| e.as_ref().ok()).collect()
    }

    fn errors(entries: &[Result<ImportEntry, EntryError>]) -> Vec<&EntryError> {
        entries.iter().filter_map(|e| e.as_ref().err()).collect()
    }

    fn directory_types() -> Vec<plan::ObjectType> {
        let s = |n: &str| attr(n, ValueKind::String, false);
        let mut manager = attr("manager", ValueKind::Reference, false);
        manager.references = Some("inetOrgPerson".into());
        let person = object(
            "inetOrgPerson",
            "uid",
            vec![
                s("uid"),
                s("cn"),
                s("sn"),
                s("givenName"),
                s("mail"),
                s("title"),
                s("telephoneNumber"),
                s("roomNumber"),
                manager,
                s("employeeNumber"),
                s("departmentNumber"),
                attr("jpegPhoto", ValueKind::Binary, false),
                attr("age", ValueKind::Integer, false),
                attr("when", ValueKind::DateTime, false),
                attr("active", ValueKind::Boolean, false),
                attr("entryUUID", ValueKind::Guid, false),
            ],
        );
        let group =
            object("groupOfNames", "cn", vec![s("cn"), s("description"), attr("member", ValueKind::Reference, true)]);
        vec![person, group]
    }

    #[test]
    fn reads_the_example_directory() {
        let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/examples/hr-to-directory");
        let mut dir = example.clone();
        // Where the README's main job has run here, the file is that run's export: read the
        // committed one (the README's two commands in a row pass).
        if example.join(".metasync").exists()
            && let Ok(out) = std::process::Command::new("git")
                .current_dir(&example)
                .args(["show", "HEAD:./data/directory.ldif"])
                .output()
            && out.status.success()
        {
            dir = temp_dir("ldif-example");
            let _ = std::fs::create_dir_all(dir.join("data"));
            let _ = std::fs::write(dir.join("data/directory.ldif"), out.stdout);
        }
        let plan = connector("ldif", &[("path", "data/directory.ldif")], directory_types());
        let mut c = LdifConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let all = import_all(&mut c, 2);
        assert!(errors(&all).is_empty(), "{:?}", errors(&all));
        let good = ok(&all);
        assert_eq!(
            good.iter().map(|e| e.dn.as_str()).collect::<Vec<_>>(),
            [
                "uid=maria.garcia,ou=people,dc=example,dc=org",
                "uid=gkim,ou=people,dc=example,dc=org",
                "uid=svc-backup,ou=people,dc=example,dc=org"
            ]
        );
        let maria = good[0];
        assert_eq!(maria.object_type, "inetOrgPerson");
        assert_eq!(maria.anchor, "maria.garcia");
        assert_eq!(maria.attributes.get("cn"), Some(&Value::String("María García".into())));
        assert_eq!(maria.attributes.get("givenName"), Some(&Value::String("María".into())));
        assert_eq!(maria.attributes.get("employeeNumber"), Some(&Value::String("1003".into())));
        assert!(!good[2].attributes.contains_key("description"), "not in the inetOrgPerson schema");
    }

    const SAMPLE: &str = "version: 1\n\
# a comment\n\
#  folded\n\
\n\
dn: uid=ann,ou=people,dc=example,dc=org\n\
objectClass: top\n\
objectclass: inetOrgPerson\n\
UID: ann\n\
cn: Ann\n\x20\x20Long\n\
sn:: TMOpdnk=\n\
jpegPhoto:: AAEC/w==\n\
age: 42\n\
when: 2024-01-05T10:00:00Z\n\
active: TRUE\n\
entryUUID: 3f2504e0-4f89-11d3-9a0c-0305e82c3301\n\
manager: uid=bob,ou=people,dc=example,dc=org\n\
title:\n\
ignored: x\n\
\n\
dn: ou=people,dc=example,dc=org\n\
objectClass: organizationalUnit\n\
ou: people\n\
\n\
dn: cn=staff,ou=groups,dc=example,dc=org\n\
objectClass: groupOfNames\n\
cn: staff\n\
member: uid=ann,ou=people,dc=example,dc=org\n\
member: uid=bob,ou=people,dc=example,dc=org\n\
\n\
dn: uid=bad,ou=people,dc=example,dc=org\n\
objectClass: inetOrgPerson\n\
uid: bad\n\
age: abc\n\
\n\
dn: uid=url,ou=people,dc=example,dc=org\n\
objectClass: inetOrgPerson\n\
uid: url\n\
jpegPhoto:< file:///tmp/photo.jpg\n\
\n\
dn: uid=chg,ou=people,dc=example,dc=org\n\
changetype: add\n\
uid: chg\n\
\n\
dn: uid=noanchor,ou=people,dc=example,dc=org\n\
objectClass: inetOrgPerson\n\
\n\
dn: uid=ann2,ou=people,dc=example,dc=org\n\
objectClass: inetOrgPerson\n\
uid: ann\n\
cn: Two\n\
cn: Values\n\
\n\
dn: uid=ann,ou=people,dc=example,dc=org\n\
objectClass: inetOrgPerson\n\
uid: other\n\
";

    #[test]
    fn imports_every_value_kind_and_reports_bad_records() {
        let dir = temp_dir("ldif-kinds");
        std::fs::write(dir.join("d.ldif"), SAMPLE).unwrap_or_else(|e| panic!("{e}"));
        let plan = connector("ldif", &[("path", "d.ldif")], directory_types());
        let mut c = LdifConnector::new(&plan, &dir).unwrap_or_else(|e| panic!("{e}"));
        let all = import_all(&mut c, 3);
        let good = ok(&all);
        assert_eq!(good.len(), 2, "{:?}", errors(&all));
        let ann = &good[0].attributes;
        assert_eq!(good[0].anchor, "ann");
        assert_eq!(ann.get("uid"), Some(&Value::String("ann".into())));
        assert_eq!(ann.get("cn"), Some(&Value::String("Ann Long".into())));
        assert_eq!(ann.get("sn"), Some(&Value::String("Lévy".into())));
        assert_eq!(ann.get("jpegPhoto"), Some(&Value::Binary(vec![0, 1, 2, 255])));
        assert_eq!(ann.get("age"), Some(&Value::Integer(42)));
        assert!(matches!(ann.get("when"), Some(Value::DateTime(_))));
        assert_eq!(ann.get("active"), Some(&Value::Boolean(true)));
        assert!(matches!(ann.get("entryUUID"), Some(Value::Guid(_))));
        assert_eq!(ann.get("manager"), Some(&Value::Reference("uid=bob,ou=people,dc=example,dc=org".into())));
        assert!(!ann.contains_key("title") && !ann.contains_key("ignored"));
        assert_eq!(good[1].object_type, "groupOfNames");
        assert_eq!(good[1].attributes.get("member").map(|m| m.values().len()), Some(2));
        let errs = errors(&all);
        let places: Vec<&str> = errs.iter().map(|e| e.object.as_str()).collect();
        assert_eq!(places, ["d.ldif:34", "d.ldif:39", "d.ldif:42", "d.ldif:45", "d.ldif:51", "d.ldif:54"]);
        assert!(errs[0].message.contains("attribute `age`") && errs[0].message.contains("uid=bad"));
        assert!(errs[1].message.contains("URL"));
        assert!(errs[2].message.contains("change record"));
        assert!(errs[3].message.contains("attribute `uid`"));
        assert!(errs[4].message.contains("attribute `cn`") && errs[4].message.contains("2 values"));
        assert!(errs[5].message.contains("DN is already used by the entry at line 5"), "{}", errs[5].message);
        assert!(c.start_import(ImportMode::Delta(None), 5).is_err());
    }

    #[test]
    fn folding_and_base64() {
        assert_eq!(attr_line("cn", b"plain"), "cn: plain\n");
        assert_eq!(attr_line("cn", b" lead"), "cn:: IGxlYWQ=\n");
        assert_eq!(attr_line("cn", b":colon"), "cn:: OmNvbG9u\n");
        assert_eq!(attr_line("cn", b"<angle"), "cn:: PGFuZ2xl\n");
        assert_eq!(attr_line("cn", b"trail "), "cn:: dHJhaWwg\n");
        assert_eq!(attr_line("cn", "é".as_bytes()), "cn:: w6k=\n");
        assert_eq!(attr_line("cn", b"a\nb"), "cn:: YQpi\n");
        assert_eq!(attr_line("cn", b"a\0b"), "cn:: YQBi\n");
        assert_eq!(attr_line("cn", b"in:side ok"), "cn: in:side ok\n");
        let long = "x".repeat(200);
        let folded = attr_line("description", long.as_bytes());
        let lines: Vec<&str> = folded.lines().collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].len(), 76);
        assert!(lines[1].starts_with(' ') && lines[1].len() == 76);
        assert!(lines.iter().all(|l| l.len() <= 76));
        let unfolded: String = lines.iter().enumerate().map(|(i, l)| if i == 0 { *l } else { &l[1..] }).collect();
        assert_eq!(unfolded, format!("description: {long}"));
    }

    /// An opened connector over `dir/dir.ldif` with the directory's types.
    fn open_dir_ldif(dir: &Path) -> LdifConnector {
        let plan = connector("ldif", &[("path", "dir.ldif")], directory_types());
        let mut c = LdifConnector::new(&plan, dir).unwrap_or_else(|e| panic!("{e}"));
        c.open().unwrap_or_else(|e| panic!("{e}"));
        c
    }

    fn change(name: &str, new: Value) -> AttrChange {
        AttrChange { name: name.into(), old: Value::Null, new }
    }

    fn request(
        change: ExportChange,
        ty: &str,
        dn: &str,
        anchor: Option<&str>,
        attributes: Vec<AttrChange>,
    ) -> ExportRequest {
        ExportRequest {
            id: 1,
            object_type: ty.into(),
            dn: dn.into(),
            anchor: anchor.map(str::to_owned),
            change,
            new_dn: None,
            attributes,
        }
    }

    /// `flush` makes the exports so far durable (content, then change records); exports after it
    /// are written by the next flush or by close, and no change record is written twice.
    #[test]
    fn flush_writes_the_exports_so_far() {
        let dir = temp_dir("ldif-flush");
        let path = dir.join("dir.ldif");
        std::fs::write(&path, "version: 1\n").unwrap_or_else(|e| panic!("{e}"));
        let mut c = open_dir_ldif(&dir);
        let add = |uid: &str| {
            request(
                ExportChange::Add,
                "inetOrgPerson",
                &format!("uid={uid},ou=people,dc=example,dc=org"),
                None,
                vec![change("uid", Value::String(uid.into())), change("cn", Value::String(uid.into()))],
            )
        };
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        c.export(&[add("ann")]).unwrap_or_else(|e| panic!("{e}"));
        assert!(!read("dir.ldif").contains("uid=ann"), "nothing written before the flush");
        c.flush().unwrap_or_else(|e| panic!("{e}"));
        assert!(read("dir.ldif").contains("dn: uid=ann"));
        assert_eq!(read("dir.changes.ldif").matches("changetype: add").count(), 1);
        c.flush().unwrap_or_else(|e| panic!("{e}"));
        c.export(&[add("bob")]).unwrap_or_else(|e| panic!("{e}"));
        c.close().unwrap_or_else(|e| panic!("{e}"));
        let content = read("dir.ldif");
        assert!(content.contains("dn: uid=ann") && content.contains("dn: uid=bob"), "{content}");
        let changes = read("dir.changes.ldif");
        assert_eq!(changes.matches("changetype: add").count(), 2, "{changes}");
        assert_eq!(changes.matches("dn: uid=ann").count(), 1, "{changes}");
    }

    /// Entries an export does not change are copied as they are (their folding, base64 and
    /// comments); a changed entry is written anew; after a flush the entries are read from the
    /// file just written, so an update after it starts from the first one's result.
    #[test]
    fn unchanged_entries_are_copied_as_they_are() {
        let dir = temp_dir("ldif-copy");
        let ann = "dn: uid=ann,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: ann\n# kept\ncn:: QW5u\nsn: A\n description: folded\n";
        let bob = "dn: uid=bob,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: bob\ncn: Bob\nsn: B\n";
        let cy = "dn: uid=cy,ou=people,dc=example,dc=org\r\nobjectClass: inetOrgPerson\r\nuid: cy\r\ncn: Cy\r\nsn: C";
        std::fs::write(dir.join("dir.ldif"), format!("version: 1\n# people\n{ann}\n\n\n{bob}\n{cy}"))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut c = open_dir_ldif(&dir);
        let title = |t: &str| {
            request(
                ExportChange::Update,
                "inetOrgPerson",
                "uid=bob,ou=people,dc=example,dc=org",
                Some("bob"),
                vec![change("title", Value::String(t.into()))],
            )
        };
        let read = || std::fs::read_to_string(dir.join("dir.ldif")).unwrap_or_default();
        assert_eq!(c.export(&[title("One")]).ok(), Some(vec![ExportResult::Success { anchor: None }]));
        c.flush().unwrap_or_else(|e| panic!("{e}"));
        let bob_one = "dn: uid=bob,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: bob\ncn: Bob\nsn: B\ntitle: One\n";
        assert_eq!(read(), format!("version: 1\n\n{ann}\n{bob_one}\n{cy}\n"));
        // The second update is read from the rewritten file, and so is everything it copies.
        c.export(&[title("Two")]).unwrap_or_else(|e| panic!("{e}"));
        let delete =
            request(ExportChange::Delete, "inetOrgPerson", "uid=ann,ou=people,dc=example,dc=org", Some("ann"), vec![]);
        assert_eq!(c.export(&[delete]).ok(), Some(vec![ExportResult::Success { anchor: None }]));
        c.close().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read(), format!("version: 1\n\n{}\n{cy}\n", bob_one.replace("One", "Two")));
        let changes = std::fs::read_to_string(dir.join("dir.changes.ldif")).unwrap_or_default();
        assert_eq!(changes.matches("replace: title").count(), 2, "{changes}");
        assert!(changes.contains("dn: uid=ann,ou=people,dc=example,dc=org\nchangetype: delete\n"), "{changes}");
        // The result imports as the connector's three entries less the deleted one.
        let mut c = open_dir_ldif(&dir);
        c.start_import(ImportMode::Full, 10).unwrap_or_else(|e| panic!("{e}"));
        let entries = import_all(&mut c, 10);
        assert_eq!(ok(&entries).len(), 2, "{entries:?}");
        assert!(errors(&entries).is_empty(), "{entries:?}");
    }

    #[test]
    fn export_writes_content_and_change_records() {
        let dir = temp_dir("ldif-export");
        let path = dir.join("dir.ldif");
        std::fs::write(
            &path,
            "version: 1\n\n# people\ndn: uid=ann,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: ann\ncn: Ann\nsn: A\nextra: kept\n\n\
             dn: uid=bob,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: bob\ncn: Bob\nsn: B\n\n\
             dn: cn=staff,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: staff\nmember: uid=ann,ou=people,dc=example,dc=org\n",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let mut c = open_dir_ldif(&dir);
        let person = "inetOrgPerson";
        let mut rename = request(
            ExportChange::Update,
            person,
            "uid=bob,ou=people,dc=example,dc=org",
            Some("bob"),
            vec![change("title", Value::String("Boss".into()))],
        );
        rename.new_dn = Some("uid=bob,ou=staff,dc=example,dc=org".into());
        let batch = vec![
            request(
                ExportChange::Add,
                person,
                "uid=cy,ou=people,dc=example,dc=org",
                None,
                vec![
                    change("uid", Value::String("cy".into())),
                    change("cn", Value::String("Cy Léon".into())),
                    change("sn", Value::String("Léon".into())),
                    change("jpegPhoto", Value::Binary(vec![0, 1])),
                    change("age", Value::Integer(7)),
                    change("mail", Value::Null),
                ],
            ),
            request(
                ExportChange::Update,
                person,
                "uid=ann,ou=people,dc=example,dc=org",
                Some("ann"),
                vec![
                    change("cn", Value::String("Anne".into())),
                    change("sn", Value::Null),
                    change("mail", Value::Null),
                    change("uid", Value::String("ann".into())),
                ],
            ),
            rename,
            request(
                ExportChange::Update,
                "groupOfNames",
                "cn=staff,ou=groups,dc=example,dc=org",
                None,
                vec![change(
                    "member",
                    Value::List(vec![
                        Value::Reference("uid=ann,ou=people,dc=example,dc=org".into()),
                        Value::Reference("uid=cy,ou=people,dc=example,dc=org".into()),
                    ]),
                )],
            ),
            request(ExportChange::Delete, person, "uid=zed,ou=people,dc=example,dc=org", Some("zed"), vec![]),
            request(ExportChange::Update, person, "uid=dee,ou=people,dc=example,dc=org", Some("dee"), vec![]),
            request(
                ExportChange::DeleteAdd,
                person,
                "uid=ann,ou=people,dc=example,dc=org",
                Some("ann"),
                vec![
                    change("uid", Value::String("ann".into())),
                    change("cn", Value::String("Ann New".into())),
                    change("sn", Value::String("N".into())),
                ],
            ),
            request(
                ExportChange::Delete,
                "groupOfNames",
                "cn=staff,ou=groups,dc=example,dc=org",
                Some("staff"),
                vec![],
            ),
            request(
                ExportChange::Add,
                person,
                "uid=cy,ou=people,dc=example,dc=org",
                None,
                vec![change("uid", Value::String("cy".into()))],
            ),
        ];
        let results = c.export(&batch).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(results[0], ExportResult::Success { anchor: Some("cy".into()) });
        assert_eq!(results[1], ExportResult::Success { anchor: None });
        assert_eq!(results[2], ExportResult::Success { anchor: None });
        assert_eq!(results[3], ExportResult::Success { anchor: None });
        // Deleting what is not there succeeds and writes no change record.
        assert_eq!(results[4], ExportResult::Success { anchor: None });
        assert_eq!(results[5], ExportResult::ConvertToAdd);
        assert_eq!(results[6], ExportResult::Success { anchor: Some("ann".into()) });
        assert_eq!(results[7], ExportResult::Success { anchor: None });
        assert!(matches!(&results[8], ExportResult::Error { message, .. } if message.contains("already exists")));
        c.close().unwrap_or_else(|e| panic!("{e}"));
        assert!(!files::tmp_path(&path).exists());
        let changes = std::fs::read_to_string(dir.join("dir.changes.ldif")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            changes,
            "version: 1\n\
\n\
dn: uid=cy,ou=people,dc=example,dc=org\n\
changetype: add\n\
objectClass: inetOrgPerson\n\
uid: cy\n\
cn:: Q3kgTMOpb24=\n\
sn:: TMOpb24=\n\
jpegPhoto:: AAE=\n\
age: 7\n\
\n\
dn: uid=ann,ou=people,dc=example,dc=org\n\
changetype: modify\n\
replace: cn\n\
cn: Anne\n\
-\n\
delete: sn\n\
-\n\
\n\
dn: uid=bob,ou=people,dc=example,dc=org\n\
changetype: modrdn\n\
newrdn: uid=bob\n\
deleteoldrdn: 1\n\
newsuperior: ou=staff,dc=example,dc=org\n\
\n\
dn: uid=bob,ou=staff,dc=example,dc=org\n\
changetype: modify\n\
replace: title\n\
title: Boss\n\
-\n\
\n\
dn: cn=staff,ou=groups,dc=example,dc=org\n\
changetype: modify\n\
add: member\n\
member: uid=cy,ou=people,dc=example,dc=org\n\
-\n\
\n\
dn: uid=ann,ou=people,dc=example,dc=org\n\
changetype: delete\n\
\n\
dn: uid=ann,ou=people,dc=example,dc=org\n\
changetype: add\n\
objectClass: inetOrgPerson\n\
uid: ann\n\
cn: Ann New\n\
sn: N\n\
\n\
dn: cn=staff,ou=groups,dc=example,dc=org\n\
changetype: delete\n\
\n"
        );
        let content = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            content,
            "version: 1\n\
\n\
dn: uid=ann,ou=people,dc=example,dc=org\n\
objectClass: inetOrgPerson\n\
uid: ann\n\
cn: Ann New\n\
sn: N\n\
\n\
dn: uid=bob,ou=staff,dc=example,dc=org\n\
objectClass: inetOrgPerson\n\
uid: bob\n\
cn: Bob\n\
sn: B\n\
title: Boss\n\
\n\
dn: uid=cy,ou=people,dc=example,dc=org\n\
objectClass: inetOrgPerson\n\
uid: cy\n\
cn:: Q3kgTMOpb24=\n\
sn:: TMOpb24=\n\
jpegPhoto:: AAE=\n\
age: 7\n"
        );
        // A re-import sees exactly the exported state.
        let all = import_all(&mut c, 10);
        assert!(errors(&all).is_empty());
        let good = ok(&all);
        assert_eq!(good.iter().map(|e| e.anchor.as_str()).collect::<Vec<_>>(), ["ann", "bob", "cy"]);
        assert_eq!(good[1].dn, "uid=bob,ou=staff,dc=example,dc=org");
        assert_eq!(good[2].attributes.get("cn"), Some(&Value::String("Cy Léon".into())));
        assert_eq!(good[2].attributes.get("jpegPhoto"), Some(&Value::Binary(vec![0, 1])));

        // A second export appends to the change file; nothing changed writes nothing.
        c.open().unwrap_or_else(|e| panic!("{e}"));
        let r = c
            .export(&[request(ExportChange::Delete, person, "uid=cy,ou=people,dc=example,dc=org", None, vec![])])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r[0], ExportResult::Success { anchor: None });
        c.close().unwrap_or_else(|e| panic!("{e}"));
        let again = std::fs::read_to_string(dir.join("dir.changes.ldif")).unwrap_or_default();
        assert_eq!(again, format!("{changes}dn: uid=cy,ou=people,dc=example,dc=org\nchangetype: delete\n\n"));
        let before = std::fs::read_to_string(&path).unwrap_or_default();
        c.open().unwrap_or_else(|e| panic!("{e}"));
        let r = c
            .export(&[request(
                ExportChange::Update,
                person,
                "uid=bob,ou=staff,dc=example,dc=org",
                Some("bob"),
                vec![change("title", Value::String("Boss".into()))],
            )])
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r[0], ExportResult::Success { anchor: None });
        c.close().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read_to_string(&path).unwrap_or_default(), before);
        assert_eq!(std::fs::read_to_string(dir.join("dir.changes.ldif")).unwrap_or_default().len(), again.len());
    }

    /// A connector whose content file keeps a journal from `journal_above` bytes.
    fn journaled(dir: &Path, journal_above: &str) -> LdifConnector {
        let plan = connector("ldif", &[("path", "dir.ldif"), ("journal_above", journal_above)], directory_types());
        let mut c = LdifConnector::new(&plan, dir).unwrap_or_else(|e| panic!("{e}"));
        c.open().unwrap_or_else(|e| panic!("{e}"));
        c
    }

    /// `n` people (`u0` ... ) and the group `staff` of the first three, as content records.
    fn people(n: usize) -> String {
        let mut text = String::from("version: 1\n");
        for i in 0..n {
            text.push_str(&format!(
                "\ndn: uid=u{i},ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: u{i}\ncn: User {i}\nsn: S{i}\n"
            ));
        }
        text.push_str("\ndn: cn=staff,ou=groups,dc=example,dc=org\nobjectClass: groupOfNames\ncn: staff\n");
        for i in 0..3 {
            text.push_str(&format!("member: uid=u{i},ou=people,dc=example,dc=org\n"));
        }
        text
    }

    fn person_dn(uid: &str) -> String {
        format!("uid={uid},ou=people,dc=example,dc=org")
    }

    /// What a full import gives: `(DN, attribute values)` of each entry, sorted by DN.
    fn imported(c: &mut LdifConnector) -> Vec<(String, BTreeMap<String, Value>)> {
        c.start_import(ImportMode::Full, 1000).unwrap_or_else(|e| panic!("{e}"));
        let entries = import_all(c, 1000);
        assert!(errors(&entries).is_empty(), "{:?}", errors(&entries));
        let mut out: Vec<_> = ok(&entries).into_iter().map(|e| (e.dn.clone(), e.attributes.clone())).collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// A large directory keeps its content file and appends the entries an export changed to its
    /// journal; requests, imports and a later export see the journal's version; the content file
    /// is written anew (compacted) once the journal reaches an eighth of it, and the result is
    /// the same directory as a small file written anew at each flush.
    #[test]
    fn a_large_directory_keeps_a_journal() {
        let big = temp_dir("ldif-journal");
        let small = temp_dir("ldif-journal-small");
        let original = people(2_000);
        for d in [&big, &small] {
            std::fs::write(d.join("dir.ldif"), &original).unwrap_or_else(|e| panic!("{e}"));
        }
        let person = "inetOrgPerson";
        let title = |uid: &str, t: &str| {
            request(
                ExportChange::Update,
                person,
                &person_dn(uid),
                Some(uid),
                vec![change("title", Value::String(t.into()))],
            )
        };
        let mut rename = title("u5", "Moved");
        rename.new_dn = Some("uid=u5,ou=staff,dc=example,dc=org".into());
        let batches = [
            vec![title("u1", "One")],
            vec![
                title("u1", "Two"),
                request(ExportChange::Delete, person, &person_dn("u2"), Some("u2"), vec![]),
                request(
                    ExportChange::Add,
                    person,
                    &person_dn("new"),
                    None,
                    vec![change("uid", Value::String("new".into()))],
                ),
                rename,
                request(
                    ExportChange::Update,
                    "groupOfNames",
                    "cn=staff,ou=groups,dc=example,dc=org",
                    Some("staff"),
                    vec![change(
                        "member",
                        Value::List(vec![Value::Reference(person_dn("u0")), Value::Reference(person_dn("new"))]),
                    )],
                ),
            ],
            // What the journal holds is found again: an add of a DN it added fails, a delete of
            // one it deleted succeeds with nothing to do, an update of one it changed applies.
            vec![
                request(
                    ExportChange::Add,
                    person,
                    &person_dn("new"),
                    None,
                    vec![change("uid", Value::String("new".into()))],
                ),
                request(ExportChange::Delete, person, &person_dn("u2"), Some("u2"), vec![]),
                title("new", "Newcomer"),
                request(
                    ExportChange::DeleteAdd,
                    person,
                    &person_dn("u3"),
                    Some("u3"),
                    vec![change("uid", Value::String("u3".into())), change("cn", Value::String("Again".into()))],
                ),
            ],
        ];
        let mut results = Vec::new();
        for (b, batch) in batches.iter().enumerate() {
            for (dir, above) in [(&big, "0"), (&small, "1000000000")] {
                // A new connector each time: what it finds comes from the files alone.
                let mut c = journaled(dir, above);
                let r = c.export(batch).unwrap_or_else(|e| panic!("{e}"));
                c.close().unwrap_or_else(|e| panic!("{e}"));
                results.push((b, r));
            }
        }
        for pair in results.chunks(2) {
            assert_eq!(pair[0], pair[1], "the journal and a rewrite answer alike");
        }
        let answers: Vec<&ExportResult> = results.iter().step_by(2).flat_map(|(_, r)| r).collect();
        assert!(matches!(answers[6], ExportResult::Error { message, .. } if message.contains("already exists")));
        assert_eq!(answers[7], &ExportResult::Success { anchor: None });
        assert_eq!(answers[8], &ExportResult::Success { anchor: None });
        assert_eq!(answers[9], &ExportResult::Success { anchor: Some("u3".into()) });
        // The content file is as it was; the journal and the index are beside it.
        let read = |d: &Path, name: &str| std::fs::read_to_string(d.join(name)).unwrap_or_default();
        assert_eq!(read(&big, "dir.ldif"), original);
        assert!(read(&big, "dir.ldif.journal").starts_with("# metasync ldif journal 1 of "));
        assert_eq!(read(&big, "dir.ldif.journal").matches("# commit ").count(), 3);
        assert!(big.join("dir.ldif.index").exists());
        assert!(!small.join("dir.ldif.journal").exists() && !small.join("dir.ldif.index").exists());
        assert_eq!(read(&big, "dir.changes.ldif"), read(&small, "dir.changes.ldif"));
        let expected = imported(&mut journaled(&small, "1000000000"));
        assert_eq!(imported(&mut journaled(&big, "0")), expected);
        assert!(expected.iter().any(|(dn, a)| dn == "uid=u5,ou=staff,dc=example,dc=org"
            && a.get("title") == Some(&Value::String("Moved".into()))));
        assert!(!expected.iter().any(|(dn, _)| dn == &person_dn("u2") || dn == &person_dn("u5")));
        // Enough changes make the journal an eighth of the file: it is compacted into it.
        let mut c = journaled(&big, "0");
        let many: Vec<ExportRequest> = (10..400).map(|i| title(&format!("u{i}"), "Busy")).collect();
        c.export(&many).unwrap_or_else(|e| panic!("{e}"));
        c.close().unwrap_or_else(|e| panic!("{e}"));
        let mut s = journaled(&small, "1000000000");
        s.export(&many).unwrap_or_else(|e| panic!("{e}"));
        s.close().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(read(&big, "dir.ldif.journal"), "", "compacted");
        // The same entries as rewriting at each flush, byte for byte; an entry renamed in a
        // journal moves to the end of the file.
        let entries = |text: String| {
            let mut e: Vec<String> = text.split("\n\n").map(|x| x.trim_end().to_owned()).collect();
            e.sort();
            e
        };
        let (compacted, rewritten) = (entries(read(&big, "dir.ldif")), entries(read(&small, "dir.ldif")));
        assert_eq!(compacted.len(), rewritten.len());
        let only = |a: &[String], b: &[String]| a.iter().filter(|x| !b.contains(x)).cloned().collect::<Vec<_>>();
        assert_eq!(only(&compacted, &rewritten), only(&rewritten, &compacted), "entries of one file only");
        assert_eq!(imported(&mut journaled(&big, "0")), imported(&mut journaled(&small, "1000000000")));
        // And the rebuilt index finds entries in the new file.
        let mut c = journaled(&big, "0");
        assert_eq!(c.export(&[title("u1999", "Last")]).ok(), Some(vec![ExportResult::Success { anchor: None }]));
        c.close().unwrap_or_else(|e| panic!("{e}"));
        assert!(read(&big, "dir.ldif.journal").contains("title: Last"));
    }

    /// A flush cut short leaves a group without its commit line: it is not part of the journal,
    /// and the next flush writes over it. A compaction cut short after its new file is in place
    /// leaves a journal that names that file: it is dropped. A journal of a content file that was
    /// replaced since is an error, not applied to the wrong entries.
    #[test]
    fn the_journal_survives_crashes_and_refuses_another_file() {
        let dir = temp_dir("ldif-journal-crash");
        std::fs::write(dir.join("dir.ldif"), people(50)).unwrap_or_else(|e| panic!("{e}"));
        let title = |uid: &str, t: &str| {
            request(
                ExportChange::Update,
                "inetOrgPerson",
                &person_dn(uid),
                Some(uid),
                vec![change("title", Value::String(t.into()))],
            )
        };
        let export = |batch: &[ExportRequest]| {
            let mut c = journaled(&dir, "0");
            let r = c.export(batch).unwrap_or_else(|e| panic!("{e}"));
            c.close().unwrap_or_else(|e| panic!("{e}"));
            r
        };
        let journal = dir.join("dir.ldif.journal");
        export(&[title("u1", "One")]);
        let committed = std::fs::read(&journal).unwrap_or_default();
        // A torn group: an entry of u1 without its commit line.
        let mut torn = committed.clone();
        torn.extend_from_slice(b"dn: uid=u1,ou=people,dc=example,dc=org\nobjectClass: inetOrgPerson\nuid: u1\n\n");
        std::fs::write(&journal, &torn).unwrap_or_else(|e| panic!("{e}"));
        let title_of = |uid: &str| {
            imported(&mut journaled(&dir, "0"))
                .into_iter()
                .find(|(dn, _)| dn == &person_dn(uid))
                .and_then(|(_, a)| a.get("title").cloned())
        };
        assert_eq!(title_of("u1"), Some(Value::String("One".into())), "the torn group is not read");
        export(&[title("u2", "Two")]);
        let after = std::fs::read_to_string(&journal).unwrap_or_default();
        assert!(after.starts_with(std::str::from_utf8(&committed).unwrap_or_default()));
        assert_eq!(after.matches("uid: u1\n").count(), 1, "written over: {after}");
        assert_eq!(title_of("u2"), Some(Value::String("Two".into())));
        // A first flush cut short within the journal's header line: an empty journal.
        let whole = std::fs::read(&journal).unwrap_or_default();
        std::fs::write(&journal, whole.get(..20).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(title_of("u2"), None, "nothing was committed");
        std::fs::write(&journal, &whole).unwrap_or_else(|e| panic!("{e}"));
        // The content file replaced by another: the journal is refused, naming both files.
        let content = std::fs::read(dir.join("dir.ldif")).unwrap_or_default();
        std::fs::write(dir.join("dir.ldif"), people(40)).unwrap_or_else(|e| panic!("{e}"));
        let mut c = journaled(&dir, "0");
        let refused = c.export(&[title("u3", "Three")]);
        assert!(
            matches!(&refused, Err(e) if e.0.contains("dir.ldif.journal") && e.0.contains("replaced")),
            "{refused:?}"
        );
        assert!(c.start_import(ImportMode::Full, 10).is_err());
        // A compaction that put its file in place and was stopped before emptying the journal:
        // the marker names the file there now, so the journal is dropped.
        std::fs::write(dir.join("dir.ldif"), &content).unwrap_or_else(|e| panic!("{e}"));
        let new_content = people(7);
        std::fs::write(dir.join("dir.ldif"), &new_content).unwrap_or_else(|e| panic!("{e}"));
        let id = index::identity(&File::open(dir.join("dir.ldif")).unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|e| panic!("{e}"));
        let mut marked = std::fs::read(&journal).unwrap_or_default();
        marked.extend_from_slice(format!("# compacted {} {:016x}\n", id.len, id.tail).as_bytes());
        std::fs::write(&journal, marked).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(imported(&mut journaled(&dir, "0")).len(), 7 + 1);
        assert_eq!(std::fs::read_to_string(&journal).unwrap_or_default(), "");
        // A stale index (the file edited by hand) is rebuilt.
        std::fs::write(dir.join("dir.ldif"), people(9)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(export(&[title("u8", "Eight")]), vec![ExportResult::Success { anchor: None }]);
        assert_eq!(title_of("u8"), Some(Value::String("Eight".into())));
    }

    #[test]
    fn change_file_naming() {
        assert_eq!(default_changes_path(Path::new("data/directory.ldif")), Path::new("data/directory.changes.ldif"));
        assert_eq!(default_changes_path(Path::new("dir/export")), Path::new("dir/export.changes.ldif"));
    }

    #[test]
    fn multi_valued_changes_are_written_value_by_value() {
        let v = |items: &[&str]| items.iter().map(|i| i.as_bytes().to_vec()).collect::<Vec<_>>();
        let lines = |before: &[&str], after: &[&str], many: bool| {
            let mut out = String::new();
            super::modify_lines(&mut out, "member", &v(before), &v(after), many);
            out
        };
        assert_eq!(
            lines(&["a", "b", "c"], &["a", "c", "d"], true),
            "delete: member\nmember: b\n-\nadd: member\nmember: d\n-\n"
        );
        assert_eq!(lines(&["a", "b"], &["a", "b", "c"], true), "add: member\nmember: c\n-\n");
        assert_eq!(lines(&["a", "b"], &["b", "a"], true), "", "order is not a change");
        // Most values changed, a single-valued attribute, a first value: every value at once.
        assert_eq!(lines(&["a"], &["b", "c"], true), "replace: member\nmember: b\nmember: c\n-\n");
        assert_eq!(lines(&["a", "b"], &["a", "c"], false), "replace: member\nmember: a\nmember: c\n-\n");
        assert_eq!(lines(&[], &["a"], true), "replace: member\nmember: a\n-\n");
        assert_eq!(lines(&["a"], &[], true), "delete: member\n-\n");
    }

    #[test]
    fn plain_dns_are_normalized_as_part_by_part() {
        for dn in [
            "",
            "CN=Ann Lee,OU=People,DC=Example,DC=Org",
            "cn=a, ou=b",
            "cn=a ,ou=b",
            " cn=a",
            "cn=a ",
            "cn=Doe\\, John,ou=x",
            "cn=Élodie,ou=X",
            "cn=a\tb,OU=\x0bY",
            "cn=a,,ou=b",
            ",",
        ] {
            assert_eq!(super::normalize_dn(dn), super::normalize_dn_parts(dn), "{dn:?}");
        }
        let plan = connector("ldif", &[("path", "a.ldif"), ("changes_path", "log/c.ldif")], directory_types());
        let c = LdifConnector::new(&plan, Path::new("/base")).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.changes_path, Path::new("/base/log/c.ldif"));
    }
}
