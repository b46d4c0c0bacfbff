//! Loading a rule set from paths and checking it: the facade the CLI, the tests and the
//! benchmarks share.

use crate::db::{Database, SourceFile, Workspace, check};
use crate::diagnostics::FileDiagnostic;
use crate::diagnostics::render::Sources;
use std::fmt;
use std::path::{Path, PathBuf};

/// A rule set could not be read.
#[derive(Debug)]
pub enum LoadError {
    /// A path given does not exist.
    NotFound(PathBuf),
    /// A file or folder could not be read.
    Io(PathBuf, std::io::Error),
    /// A file is not UTF-8.
    NotUtf8(PathBuf),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound(p) => write!(f, "`{}` does not exist", p.display()),
            LoadError::Io(p, e) => write!(f, "cannot read `{}`: {e}", p.display()),
            LoadError::NotUtf8(p) => write!(f, "`{}` is not UTF-8 text", p.display()),
        }
    }
}

impl std::error::Error for LoadError {}

/// The `.sync` files named by `paths`: files as given, folders searched recursively, sorted,
/// without duplicates.
pub fn discover(paths: &[PathBuf]) -> Result<Vec<PathBuf>, LoadError> {
    let mut out = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                LoadError::NotFound(path.clone())
            } else {
                LoadError::Io(path.clone(), e)
            }
        })?;
        if meta.is_dir() {
            walk(path, &mut out)?;
        } else {
            out.push(path.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), LoadError> {
    let entries = std::fs::read_dir(dir).map_err(|e| LoadError::Io(dir.to_path_buf(), e))?;
    let mut children: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| LoadError::Io(dir.to_path_buf(), e))?;
        children.push(entry.path());
    }
    children.sort();
    for child in children {
        let name = child.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') || name == "target" {
            continue;
        }
        if child.is_dir() {
            walk(&child, out)?;
        } else if child.extension().is_some_and(|e| e == "sync") {
            out.push(child);
        }
    }
    Ok(())
}

/// Reads files into `(display path, text)` pairs.
pub fn read_files(files: &[PathBuf]) -> Result<Vec<(String, String)>, LoadError> {
    files
        .iter()
        .map(|p| {
            let bytes = std::fs::read(p).map_err(|e| LoadError::Io(p.clone(), e))?;
            let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8(p.clone()))?;
            Ok((p.to_string_lossy().replace('\\', "/"), text))
        })
        .collect()
}

/// A loaded rule set in a salsa database, ready to check and to edit.
#[derive(Debug)]
pub struct RuleSet {
    /// The database.
    pub db: Database,
    /// The files, in order.
    pub files: Vec<SourceFile>,
}

impl RuleSet {
    /// A rule set of the given `(path, text)` files in a fresh database.
    pub fn new(files: Vec<(String, String)>) -> RuleSet {
        RuleSet::in_database(Database::default(), files)
    }

    /// A rule set in the given database (tests pass one that records salsa events).
    pub fn in_database(db: Database, files: Vec<(String, String)>) -> RuleSet {
        let handles: Vec<SourceFile> = files.into_iter().map(|(p, t)| SourceFile::new(&db, p, t)).collect();
        Workspace::new(&db, handles.clone());
        RuleSet { db, files: handles }
    }

    /// Every diagnostic, with absolute spans, sorted.
    pub fn check(&self) -> Vec<FileDiagnostic> {
        check(&self.db)
    }

    /// Replaces the text of file `index`.
    pub fn set_text(&mut self, index: usize, text: String) {
        use salsa::Setter;
        if let Some(file) = self.files.get(index).copied() {
            file.set_text(&mut self.db).to(text);
        }
    }

    /// The sources, for renderers.
    pub fn sources(&self) -> Sources {
        let mut sources = Sources::new();
        for f in &self.files {
            sources.insert(f.path(&self.db), f.text(&self.db));
        }
        sources
    }
}

/// Checks `(path, text)` files and returns the diagnostics.
pub fn check_texts(files: Vec<(String, String)>) -> Vec<FileDiagnostic> {
    RuleSet::new(files).check()
}
