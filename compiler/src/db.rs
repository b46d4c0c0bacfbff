//! The salsa database: inputs, items and the top-level queries.
//!
//! Inputs are the texts of the rule set's files ([`SourceFile`]) and the list of files
//! ([`Workspace`], a singleton). Each file is cut into items (one salsa tracked [`Item`] per
//! top-level item, identified by file, kind and name); an item's parse result and its offset in
//! the file are separate tracked fields, so editing one item re-parses the file (cheap) but
//! leaves the other items' ASTs equal, and everything computed from them is reused.
//!
//! Checks are per item ([`check_item`]) or per workspace ([`crate::workspace::check_workspace`])
//! and return [`Finding`]s with item-relative spans; [`check`] turns them into file diagnostics
//! with absolute spans at the very end, which costs one pass over the findings and is never cached.

use crate::diagnostics::{Code, Diagnostic, FileDiagnostic};
use crate::span::Span;
use crate::syntax::lexer::{TokenKind, lex};
use crate::syntax::parser::{ParsedItem, parse_item};
use crate::syntax::segment::{ItemKind, segment};
use std::sync::Arc;

/// One `.sync` file.
#[salsa::input(debug)]
pub struct SourceFile {
    /// The path as the user gave it (used in diagnostics).
    #[returns(deref)]
    pub path: String,
    /// The file's text.
    #[returns(deref)]
    pub text: String,
}

/// The files that form the rule set being checked.
#[salsa::input(singleton, debug)]
pub struct Workspace {
    /// The files, in a stable order.
    #[returns(ref)]
    pub files: Vec<SourceFile>,
}

/// One top-level item of a file.
#[salsa::tracked(debug)]
pub struct Item<'db> {
    /// The file it is in.
    #[returns(copy)]
    pub file: SourceFile,
    /// Its kind.
    #[returns(copy)]
    pub kind: ItemKind,
    /// Its name (connector or profile name, rule or test string, empty for metaverse blocks).
    #[returns(ref)]
    pub key: String,
    /// The parse result, spans relative to the item's start.
    #[tracked]
    #[returns(deref)]
    pub parsed: Arc<ParsedItem>,
    /// Where the item starts in its file.
    #[tracked]
    #[returns(copy)]
    pub offset: u32,
}

/// The text of one item, interned so that parsing it is memoized: after an edit, the file is cut
/// into items again, but only items whose text changed are parsed again.
#[salsa::interned(debug)]
pub struct ItemText<'db> {
    /// The item's text.
    #[returns(ref)]
    pub text: String,
}

/// Parses one item's text (memoized by text).
#[salsa::tracked(returns(clone))]
pub fn parse_item_text<'db>(db: &'db dyn Db, text: ItemText<'db>) -> Arc<ParsedItem> {
    Arc::new(parse_item(text.text(db)))
}

/// A diagnostic whose spans are relative to items: the primary span to `item`, each secondary
/// label to the item in `anchors` at the same index (or to `item` when `None`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, salsa::SalsaValue)]
pub struct Finding<'db> {
    /// The item the primary span is relative to.
    pub item: Item<'db>,
    /// The diagnostic.
    pub diagnostic: Diagnostic,
    /// Per secondary label, the item its span is relative to.
    pub anchors: Vec<Option<Item<'db>>>,
}

impl<'db> Finding<'db> {
    /// A finding whose spans are all relative to `item`.
    pub fn new(item: Item<'db>, diagnostic: Diagnostic) -> Finding<'db> {
        let anchors = vec![None; diagnostic.secondary.len()];
        Finding { item, diagnostic, anchors }
    }

    /// Adds a secondary label relative to another item.
    #[must_use]
    pub fn with_secondary_at(mut self, other: Item<'db>, span: Span, message: impl Into<String>) -> Finding<'db> {
        self.diagnostic = self.diagnostic.with_secondary(span, message);
        self.anchors.push(Some(other));
        self
    }
}

/// A file's items and the diagnostics that belong to no item (junk between items, bad tokens).
#[derive(Debug, Clone, PartialEq, Eq, salsa::SalsaValue)]
pub struct FileItems<'db> {
    /// The items in order.
    pub items: Vec<Item<'db>>,
    /// Diagnostics with absolute spans.
    pub diagnostics: Vec<Diagnostic>,
}

/// The database trait every query takes.
#[salsa::db]
pub trait Db: salsa::Database {}

/// The database.
#[salsa::db]
#[derive(Clone, Default)]
pub struct Database {
    storage: salsa::Storage<Self>,
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database").finish_non_exhaustive()
    }
}

impl Database {
    /// A database that reports every salsa event to `on_event` (tests count executions with it).
    pub fn with_events(on_event: impl Fn(salsa::Event) + Send + Sync + 'static) -> Database {
        Database { storage: salsa::Storage::new(Some(Box::new(on_event))) }
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {}

/// Cuts a file into items and parses each one.
#[salsa::tracked(returns(ref))]
pub fn file_items(db: &dyn Db, file: SourceFile) -> FileItems<'_> {
    let text = file.text(db);
    let tokens = lex(text);
    let mut items = Vec::new();
    let mut diagnostics = Vec::new();
    for seg in segment(text, &tokens) {
        let range = seg.span.range();
        if seg.kind == ItemKind::Junk {
            let shown: String = text.get(range.clone()).unwrap_or("").chars().take(30).collect();
            diagnostics.push(
                Diagnostic::new(Code::E0001, seg.span, format!("expected an item, found `{}`", shown.trim()))
                    .with_label("not part of any item")
                    .with_help(
                        "a file holds `connector`, `metaverse`, `inbound`, `outbound`, `profile` and `test` items",
                    ),
            );
            continue;
        }
        let item_text = text.get(range).unwrap_or("");
        let mut parsed = parse_item_text(db, ItemText::new(db, item_text.to_string()));
        let bad: Vec<Span> = tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Error && t.span.start >= seg.span.start && t.span.end <= seg.span.end)
            .map(|t| Span { start: t.span.start - seg.span.start, end: t.span.end - seg.span.start })
            .collect();
        if !bad.is_empty() {
            // The pest error at the bad token says nothing more than E0002 does.
            let parsed = Arc::make_mut(&mut parsed);
            parsed
                .diagnostics
                .retain(|d| d.code != Code::E0001 || !bad.iter().any(|b| b.start == d.primary.span.start));
            for (i, span) in bad.iter().enumerate() {
                let slice = item_text.get(span.range()).unwrap_or("");
                let diag = if slice.starts_with('"') || slice.starts_with("r\"") {
                    Diagnostic::new(Code::E0002, *span, "unterminated string")
                        .with_label("this string has no closing `\"`")
                        .with_help("close the string on the same line; write `\\n` for a line break inside it")
                } else {
                    Diagnostic::new(Code::E0002, *span, format!("unexpected character `{}`", slice.escape_debug()))
                        .with_label("not part of the language")
                        .with_help(
                            "names are letters, digits and `_`; quote other names with backticks: `` `msDS-attr` ``",
                        )
                };
                parsed.diagnostics.insert(i, diag);
            }
        }
        let key = seg.name.clone().unwrap_or_default();
        items.push(Item::new(db, file, seg.kind, key, parsed, seg.span.start));
    }
    FileItems { items, diagnostics }
}

/// Every item of the workspace, file by file.
pub fn all_items(db: &dyn Db) -> Vec<Item<'_>> {
    let Some(ws) = Workspace::try_get(db) else { return Vec::new() };
    ws.files(db).iter().flat_map(|f| file_items(db, *f).items.iter().copied()).collect()
}

/// Every diagnostic of the workspace, with absolute spans, sorted by file and position.
pub fn check(db: &dyn Db) -> Vec<FileDiagnostic> {
    let Some(ws) = Workspace::try_get(db) else { return Vec::new() };
    let mut out = Vec::new();
    for file in ws.files(db) {
        let path = file.path(db).to_string();
        for d in &file_items(db, *file).diagnostics {
            out.push(FileDiagnostic { path: path.clone(), diagnostic: d.clone() });
        }
        for item in &file_items(db, *file).items {
            for finding in crate::typeck::check_item(db, *item) {
                out.push(absolute(db, finding));
            }
        }
    }
    for finding in crate::workspace::check_workspace(db, ws) {
        out.push(absolute(db, finding));
    }
    out.sort_by(|a, b| {
        (a.path.as_str(), a.diagnostic.primary.span.start, a.diagnostic.code).cmp(&(
            b.path.as_str(),
            b.diagnostic.primary.span.start,
            b.diagnostic.code,
        ))
    });
    out.dedup();
    out
}

fn absolute<'db>(db: &'db dyn Db, finding: &Finding<'db>) -> FileDiagnostic {
    let item = finding.item;
    let path = item.file(db).path(db).to_string();
    let mut diag = finding.diagnostic.clone();
    diag.primary.span = diag.primary.span.shift(item.offset(db));
    for (label, anchor) in diag.secondary.iter_mut().zip(finding.anchors.iter().chain(std::iter::repeat(&None))) {
        let other = anchor.unwrap_or(item);
        label.span = label.span.shift(other.offset(db));
        let other_path = other.file(db).path(db);
        if other_path != path {
            label.file = Some(other_path.to_string());
        }
    }
    FileDiagnostic { path, diagnostic: diag }
}
