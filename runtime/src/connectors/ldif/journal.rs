//! The journal of a large LDIF content file: the entries exports changed since the content file
//! was last written, appended at each flush, so that an export of a few changes to a large
//! directory writes those changes and not the whole file.
//!
//! The journal (`<content>.journal`) is LDIF text: a header comment naming the content file it
//! extends (its length and tail hash, see [`super::index::Identity`]), then groups of records,
//! one group per flush, each followed by the comment `# commit <bytes> <hash>` over the group's
//! bytes. A record is an entry's whole new state (an `LDIF content record`), or `changetype:
//! delete` for an entry that is gone (deleted, or renamed away). The latest record of a DN is its
//! state; a DN the journal does not name is as the content file has it. A group whose commit line
//! is missing or does not match (a flush cut short by a crash) is not part of the journal, and the
//! next flush writes over it.
//!
//! When the journal grows large, the connector writes a new content file with every change in it
//! (compaction). Before it puts the new file in place, it appends `# compacted <length> <hash>`
//! naming the new file: a journal whose compaction marker names the current content file was
//! already applied (the crash came between the rename and the journal's truncation) and is
//! dropped. A journal that names neither the current content file nor a compaction of it belongs
//! to a content file that something else replaced: the export stops with an error rather than
//! apply the journal to the wrong entries.

use super::index::{Identity, Loc, hash, read_exact_at};
use super::{ConnectorError, Reader};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

const HEADER: &str = "# metasync ldif journal 1 of ";
const COMMIT: &str = "# commit ";
const COMPACTED: &str = "# compacted ";

/// The keys of a record read from its lines (its DN key first), as the connector computes them.
pub(super) type KeysOf<'a> = &'a dyn Fn(&[(usize, String)]) -> Vec<String>;

/// A record to append: its keys (the DN key first) and its text (`dn:` line to last line, ending
/// in a newline); `gone` for a `changetype: delete` record.
#[derive(Debug)]
pub(super) struct Appended {
    pub keys: Vec<String>,
    pub text: String,
    pub gone: bool,
}

/// The journal of one content file.
#[derive(Debug)]
pub(super) struct Journal {
    path: PathBuf,
    shown: String,
    /// The file, once it exists.
    file: Option<File>,
    /// The end of the last committed group: where the next flush appends.
    end: u64,
    /// The number of lines up to `end`.
    lines: usize,
    /// The latest state of each DN (by DN key) the journal holds: where its entry is, or `None`
    /// when it is gone.
    dns: HashMap<String, Option<Loc>>,
    /// The DN keys in the order they first appear (new entries keep that order in the next
    /// content file).
    order: Vec<String>,
    /// Anchor keys of the journal's entries, to their DN keys (checked against the entry when read).
    anchors: HashMap<String, String>,
}

/// The path of the journal of `content`.
fn journal_path(content: &Path) -> PathBuf {
    let mut name = content.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".journal");
    content.with_file_name(name)
}

impl Journal {
    /// The journal of the content file `content` whose identity is `identity` (`None`: there is
    /// no content file yet): loaded, and dropped when a completed compaction already applied it.
    pub(super) fn load(
        content: &Path,
        identity: Option<Identity>,
        keys_of: KeysOf<'_>,
    ) -> Result<Journal, ConnectorError> {
        let path = journal_path(content);
        let shown = path.display().to_string();
        let mut journal = Journal {
            path,
            shown,
            file: None,
            end: 0,
            lines: 0,
            dns: HashMap::new(),
            order: Vec::new(),
            anchors: HashMap::new(),
        };
        let fail = |e: io::Error, shown: &str| ConnectorError(format!("cannot read {shown}: {e}"));
        let mut file = match OpenOptions::new().read(true).write(true).open(&journal.path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(journal),
            Err(e) => return Err(fail(e, &journal.shown)),
        };
        let mut bytes = Vec::new();
        file.read_to_end(&mut bytes).map_err(|e| fail(e, &journal.shown))?;
        journal.file = Some(file);
        if bytes.is_empty() {
            return Ok(journal);
        }
        // Lines with where each starts; `lines` counts the lines before `at`.
        let mut at = 0;
        let mut lines = 0;
        let line_at = |at: usize| -> Option<&[u8]> {
            let rest = bytes.get(at..).filter(|r| !r.is_empty())?;
            let len = rest.iter().position(|&b| b == b'\n').map_or(rest.len(), |p| p + 1);
            rest.get(..len)
        };
        if !line_at(0).is_some_and(|l| l.ends_with(b"\n")) {
            // The first flush was cut short within the header: nothing was committed.
            journal.truncate()?;
            return Ok(journal);
        }
        let Some(extends) = line_at(0).and_then(|l| identity_after(l, HEADER)) else {
            return Err(ConnectorError(format!(
                "{} is not a metasync LDIF journal (its first line is not `{HEADER}...`): move it away to export to {}",
                journal.shown,
                content.display()
            )));
        };
        at += line_at(0).map_or(0, <[u8]>::len);
        lines += 1;
        journal.end = at as u64;
        journal.lines = lines;
        let mut group_start = (at, lines);
        while let Some(line) = line_at(at) {
            let start = at;
            at += line.len();
            lines += 1;
            if let Some(done) = identity_after(line, COMPACTED) {
                if Some(done) == identity {
                    // A compaction wrote the current content file from this journal.
                    journal.truncate()?;
                    return Ok(journal);
                }
                // A compaction that did not replace the content file: the journal goes on.
                group_start = (at, lines);
                journal.end = at as u64;
                journal.lines = lines;
                continue;
            }
            let Some(rest) = line.strip_prefix(COMMIT.as_bytes()) else { continue };
            let group = bytes.get(group_start.0..start).unwrap_or_default();
            let committed = std::str::from_utf8(rest).ok().and_then(|t| {
                let mut parts = t.split_whitespace();
                let len: usize = parts.next()?.parse().ok()?;
                let h = u64::from_str_radix(parts.next()?, 16).ok()?;
                Some(len == group.len() && h == hash(group))
            });
            if committed != Some(true) || !line.ends_with(b"\n") {
                break;
            }
            journal.read_group(group, group_start.0 as u64, group_start.1, keys_of)?;
            group_start = (at, lines);
            journal.end = at as u64;
            journal.lines = lines;
        }
        if Some(extends) != identity {
            if journal.dns.is_empty() {
                journal.truncate()?;
                return Ok(journal);
            }
            return Err(ConnectorError(format!(
                "{} holds changes to a version of {} that is not the one there now (the content file was replaced \
                 since): restore that file, or move the journal away to drop its changes",
                journal.shown,
                content.display()
            )));
        }
        Ok(journal)
    }

    /// Records the entries of one committed group (at `offset`, after `lines_before` lines).
    fn read_group(
        &mut self,
        group: &[u8],
        offset: u64,
        lines_before: usize,
        keys_of: KeysOf<'_>,
    ) -> Result<(), ConnectorError> {
        let mut reader = Reader::stored(group, &self.shown);
        while let Some((line, lines)) = reader.next_record()? {
            let lines =
                lines.map_err(|why| ConnectorError(format!("{}: line {}: {why}", self.shown, lines_before + line)))?;
            let gone = lines.iter().any(|(_, l)| l.eq_ignore_ascii_case("changetype: delete"));
            let keys = keys_of(&lines);
            let (start, end) = reader.span;
            let loc = Loc { offset: offset + start, len: end - start, line: lines_before + line };
            self.note(&keys, if gone { None } else { Some(loc) });
        }
        Ok(())
    }

    /// Notes a DN's new state.
    fn note(&mut self, keys: &[String], state: Option<Loc>) {
        let Some((dn, anchors)) = keys.split_first() else { return };
        if self.dns.insert(dn.clone(), state).is_none() {
            self.order.push(dn.clone());
        }
        if state.is_some() {
            for a in anchors {
                self.anchors.insert(a.clone(), dn.clone());
            }
        }
    }

    /// The journal file's name, for messages.
    pub(super) fn shown(&self) -> &str {
        &self.shown
    }

    /// Its committed size in bytes.
    pub(super) fn len(&self) -> u64 {
        self.end
    }

    /// The state of a DN: `None` when the journal does not name it; `Some(None)` when it is gone.
    pub(super) fn state(&self, dn_key: &str) -> Option<Option<Loc>> {
        self.dns.get(dn_key).copied()
    }

    /// The DN key of the journal's entry with this anchor key, if one had it.
    pub(super) fn anchor_dn(&self, anchor_key: &str) -> Option<&str> {
        self.anchors.get(anchor_key).map(String::as_str)
    }

    /// The DN keys the journal names, in the order they first appeared.
    pub(super) fn order(&self) -> &[String] {
        &self.order
    }

    /// The bytes of an entry of the journal.
    pub(super) fn read(&self, loc: Loc) -> io::Result<Vec<u8>> {
        let Some(file) = &self.file else { return Err(io::Error::other("the journal is not open")) };
        let mut bytes = vec![0; usize::try_from(loc.len).map_err(io::Error::other)?];
        read_exact_at(file, &mut bytes, loc.offset)?;
        Ok(bytes)
    }

    /// Appends one group of records and its commit line, durably, for the content file of
    /// `identity` (named in the header of a new journal).
    pub(super) fn append(&mut self, identity: Identity, records: Vec<Appended>) -> Result<(), ConnectorError> {
        let fail = |e: io::Error| ConnectorError(format!("cannot write {}: {e}", self.shown));
        if self.file.is_none() {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&self.path)
                .map_err(fail)?;
            self.file = Some(file);
        }
        let mut text = String::new();
        let mut lines = self.lines;
        if self.end == 0 {
            text.push_str(&format!("{HEADER}{} {:016x}\n", identity.len, identity.tail));
            lines = 1;
        }
        let group_start = self.end + text.len() as u64;
        let mut group = String::new();
        let mut placed = Vec::with_capacity(records.len());
        // Lines of the file before the next record.
        let mut before = lines;
        for r in records {
            let loc = Loc { offset: group_start + group.len() as u64, len: r.text.len() as u64, line: before + 1 };
            before += count_lines(r.text.as_bytes()) + 1;
            group.push_str(&r.text);
            group.push('\n');
            placed.push((r.keys, (!r.gone).then_some(loc)));
        }
        text.push_str(&group);
        text.push_str(&format!("{COMMIT}{} {:016x}\n", group.len(), hash(group.as_bytes())));
        let end = self.end;
        let Some(file) = self.file.as_mut() else { return Err(fail(io::Error::other("the journal is not open"))) };
        // A group cut short by a crash after the last commit is written over.
        file.set_len(end).map_err(fail)?;
        file.seek(SeekFrom::Start(end)).map_err(fail)?;
        file.write_all(text.as_bytes()).map_err(fail)?;
        file.sync_data().map_err(fail)?;
        self.end = end + text.len() as u64;
        self.lines = before + 1;
        for (keys, state) in placed {
            self.note(&keys, state);
        }
        Ok(())
    }

    /// Appends the compaction marker naming the new content file, durably (before that file
    /// replaces the old one).
    pub(super) fn mark_compacted(&mut self, new: Identity) -> Result<(), ConnectorError> {
        let fail = |e: io::Error| ConnectorError(format!("cannot write {}: {e}", self.shown));
        let end = self.end;
        let Some(file) = self.file.as_mut() else { return Ok(()) };
        if end == 0 {
            return Ok(());
        }
        file.set_len(end).map_err(fail)?;
        file.seek(SeekFrom::Start(end)).map_err(fail)?;
        file.write_all(format!("{COMPACTED}{} {:016x}\n", new.len, new.tail).as_bytes()).map_err(fail)?;
        file.sync_data().map_err(fail)
    }

    /// Empties the journal (its changes are in the content file now).
    pub(super) fn truncate(&mut self) -> Result<(), ConnectorError> {
        if let Some(file) = &self.file {
            file.set_len(0)
                .and_then(|()| file.sync_data())
                .map_err(|e| ConnectorError(format!("cannot write {}: {e}", self.shown)))?;
        }
        self.end = 0;
        self.lines = 0;
        self.dns.clear();
        self.order.clear();
        self.anchors.clear();
        Ok(())
    }
}

/// The identity written after `prefix` on a line (`<length> <hex hash>`).
fn identity_after(line: &[u8], prefix: &str) -> Option<Identity> {
    let text = std::str::from_utf8(line.strip_prefix(prefix.as_bytes())?).ok()?;
    let mut parts = text.split_whitespace();
    let len = parts.next()?.parse().ok()?;
    let tail = u64::from_str_radix(parts.next()?, 16).ok()?;
    Some(Identity { len, tail })
}

fn count_lines(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| b == b'\n').count()
}
