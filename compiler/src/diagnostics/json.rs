//! JSON output.
//!
//! One object per diagnostic, for editors and scripts. Positions are given twice: as 1-based
//! lines and columns (columns count characters, that is Unicode code points) and as the byte
//! range. Byte ranges are clamped to the file's text and to character boundaries, exactly as the
//! human renderer clamps them, so every range can be used to slice the file; a file missing from
//! [`Sources`] counts as empty.

use super::render::Sources;
use super::{Code, FileDiagnostic, Label, Severity};
use crate::span::{Span, clamp_range, line_col};
use serde_json::{Value, json};
use std::ops::Range;

/// Where each code's docs page is published; the page of `E0103` is `DOCS_BASE` + `E0103.md`.
pub const DOCS_BASE: &str = "https://github.com/metasync/metasync/blob/main/docs/errors/";

/// The published docs page of `code`.
pub fn docs_url(code: Code) -> String {
    format!("{DOCS_BASE}{}.md", code.as_str())
}

/// A span resolved against its file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Location {
    /// The clamped byte range.
    pub(crate) bytes: Range<usize>,
    /// 1-based line of the first byte.
    pub(crate) line: usize,
    /// 1-based column (in characters) of the first byte.
    pub(crate) column: usize,
    /// 1-based line of the end (one past the last byte).
    pub(crate) end_line: usize,
    /// 1-based column (in characters) of the end: one past the last character.
    pub(crate) end_column: usize,
}

impl Location {
    /// Resolves `span` against `text`.
    pub(crate) fn new(text: &str, span: Span) -> Location {
        let bytes = clamp_range(text, span);
        let (line, column) = line_col(text, bytes.start);
        let (end_line, end_column) = line_col(text, bytes.end);
        Location { bytes, line, column, end_line, end_column }
    }
}

/// The severity as written in machine output.
pub(crate) fn severity_str(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `diags`, in the order given, as a JSON array.
pub fn to_json(diags: &[FileDiagnostic], sources: &Sources) -> Value {
    Value::Array(diags.iter().map(|fd| diagnostic_json(fd, sources)).collect())
}

fn diagnostic_json(fd: &FileDiagnostic, sources: &Sources) -> Value {
    let diag = &fd.diagnostic;
    let at = Location::new(sources.text(&fd.path), diag.primary.span);
    json!({
        "file": fd.path,
        "line": at.line,
        "column": at.column,
        "end_line": at.end_line,
        "end_column": at.end_column,
        "byte_range": [at.bytes.start, at.bytes.end],
        "code": diag.code.as_str(),
        "severity": severity_str(diag.severity),
        "message": diag.message,
        "label": diag.primary.message,
        "help": diag.help,
        "labels": diag.secondary.iter().map(|label| label_json(&fd.path, label, sources)).collect::<Vec<_>>(),
        "url": docs_url(diag.code),
    })
}

fn label_json(own_file: &str, label: &Label, sources: &Sources) -> Value {
    let file = label.file.as_deref().unwrap_or(own_file);
    let at = Location::new(sources.text(file), label.span);
    json!({
        "file": file,
        "line": at.line,
        "column": at.column,
        "end_line": at.end_line,
        "end_column": at.end_column,
        "byte_range": [at.bytes.start, at.bytes.end],
        "message": label.message,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::fixtures::{sample_diagnostics, sample_sources};

    #[test]
    fn json_output() {
        insta::assert_json_snapshot!(to_json(&sample_diagnostics(), &sample_sources()));
    }

    #[test]
    fn byte_ranges_slice_the_file() {
        let sources = sample_sources();
        let out = to_json(&sample_diagnostics(), &sources);
        let first = out.get(0).cloned().unwrap_or_default();
        assert_eq!(first.get("byte_range"), Some(&json!([66, 77])));
        let text = sources.get("rules/hr.sync").unwrap_or_default();
        assert_eq!(text.get(66..77), Some("displayName"));
        // `  flow naïve.` is 13 characters but 14 bytes.
        assert_eq!(first.get("column"), Some(&json!(14)));
    }

    #[test]
    fn missing_file_counts_as_empty() {
        let out = to_json(&sample_diagnostics(), &Sources::new());
        let first = out.get(0).cloned().unwrap_or_default();
        assert_eq!(first.get("byte_range"), Some(&json!([0, 0])));
        assert_eq!(first.get("line"), Some(&json!(1)));
        assert_eq!(first.get("column"), Some(&json!(1)));
    }

    #[test]
    fn docs_url_names_the_page() {
        assert_eq!(docs_url(Code::W0001), "https://github.com/metasync/metasync/blob/main/docs/errors/W0001.md");
    }
}
