//! Human rendering with ariadne.
//!
//! Design notes:
//! - Spans are byte ranges (see `span.rs`), so the ariadne config uses [`ariadne::IndexType::Byte`];
//!   ariadne's default (character indices) would misplace every label after a multi-byte character.
//! - Every span is clamped to its file's text and to character boundaries before it reaches
//!   ariadne, which slices lines with it and would panic on a span past the end of the file or
//!   inside a character. A file missing from [`Sources`] is shown as empty text rather than
//!   skipped (ariadne would print to stderr itself), so rendering never panics and never writes
//!   anywhere but the returned string.
//! - ariadne writes its header as `[E0103] Error: message`; we want the rustc-style
//!   `error[E0103]: message`, so ariadne renders the report without a message and its header line
//!   is replaced by ours. Messages never contain line breaks (see the message rules in `mod.rs`),
//!   so the header is exactly one line.

use super::json::docs_url;
use super::{FileDiagnostic, Severity};
use crate::span::clamp_range;
use ariadne::{Color, Config, Fmt, IndexType, Label, Report, ReportKind};
use std::collections::BTreeMap;
use std::ffi::OsStr;
use std::ops::Range;

/// The text of each file that diagnostics point into, by path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sources {
    files: BTreeMap<String, String>,
}

impl Sources {
    /// No files.
    pub fn new() -> Sources {
        Sources::default()
    }

    /// Adds (or replaces) the text of the file at `path`.
    pub fn insert(&mut self, path: impl Into<String>, text: impl Into<String>) {
        self.files.insert(path.into(), text.into());
    }

    /// The text of the file at `path`, if it was inserted.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files.get(path).map(String::as_str)
    }

    /// The text of the file at `path`, or the empty text when it is unknown (renderers show a
    /// missing file as empty rather than failing).
    pub(crate) fn text(&self, path: &str) -> &str {
        self.get(path).unwrap_or("")
    }
}

/// An ariadne span: a file and a byte range in it.
type AriadneSpan = (String, Range<usize>);

/// Renders `diags`, in the order given, as ariadne reports (one after another, each ending with
/// a line break). `color` adds ANSI colours; pass [`color_wanted`] for a terminal.
pub fn render_human(diags: &[FileDiagnostic], sources: &Sources, color: bool) -> String {
    // One cache for all reports, holding every file any label points into.
    let mut files: BTreeMap<&str, &str> = BTreeMap::new();
    for fd in diags {
        files.insert(&fd.path, sources.text(&fd.path));
        for label in &fd.diagnostic.secondary {
            if let Some(file) = &label.file {
                files.insert(file, sources.text(file));
            }
        }
    }
    let mut cache = ariadne::sources(files.iter().map(|(path, text)| ((*path).to_owned(), *text)));

    let mut out = String::new();
    for fd in diags {
        out.push_str(&render_one(fd, sources, color, &mut cache));
    }
    out
}

fn render_one(fd: &FileDiagnostic, sources: &Sources, color: bool, cache: &mut impl ariadne::Cache<String>) -> String {
    let diag = &fd.diagnostic;
    let (kind, kind_name, kind_color) = match diag.severity {
        Severity::Error => (ReportKind::Error, "error", Color::Red),
        Severity::Warning => (ReportKind::Warning, "warning", Color::Yellow),
    };
    let span_in = |file: &str, span| -> AriadneSpan { (file.to_owned(), clamp_range(sources.text(file), span)) };

    let primary_span = span_in(&fd.path, diag.primary.span);
    // (span, message, colour) of every label, primary first.
    let mut labels = vec![(primary_span.clone(), &diag.primary.message, kind_color)];
    for secondary in &diag.secondary {
        let file = secondary.file.as_deref().unwrap_or(&fd.path);
        labels.push((span_in(file, secondary.span), &secondary.message, Color::Blue));
    }
    // ariadne shows labels in `order`, starting a new snippet whenever the file changes or a label
    // lies above the previous one; ordering by file (the diagnostic's own first) and then offset
    // gives one snippet per file, with the lines in order.
    let mut file_rank: Vec<&str> = vec![&fd.path];
    for ((file, _), _, _) in &labels {
        if !file_rank.contains(&file.as_str()) {
            file_rank.push(file);
        }
    }
    let rank = |file: &str| file_rank.iter().position(|f| *f == file).unwrap_or(usize::MAX);
    let mut order: Vec<usize> = (0..labels.len()).collect();
    order.sort_by_key(|&i| labels.get(i).map(|((file, range), _, _)| (rank(file), range.start)));

    let mut builder = Report::build(kind, primary_span)
        .with_config(Config::default().with_index_type(IndexType::Byte).with_color(color));
    for (position, &i) in (0_i32..).zip(&order) {
        let Some((span, message, label_color)) = labels.get(i) else {
            continue;
        };
        // A label without a message draws no underline, so an empty message is still given.
        let mut label = Label::new(span.clone()).with_message(message).with_order(position);
        if i == 0 {
            label = label.with_priority(1);
        }
        if color {
            label = label.with_color(*label_color);
        }
        builder = builder.with_label(label);
    }
    if let Some(help) = &diag.help {
        builder = builder.with_help(help);
    }
    let code = diag.code.as_str();
    builder = builder.with_note(format!("see `metasync explain {code}` or {}", docs_url(diag.code)));

    let mut buffer = Vec::new();
    let body = match builder.finish().write(cache, &mut buffer) {
        Ok(()) => String::from_utf8_lossy(&buffer).into_owned(),
        // Writing into a Vec cannot fail; should it anyway, the header alone still says what is wrong.
        Err(_) => String::new(),
    };
    // Drop ariadne's header line (see the module notes) and put ours in its place.
    let body = body.split_once('\n').map_or("", |(_, rest)| rest);

    let title = format!("{kind_name}[{code}]");
    let message = diag.message.replace(['\r', '\n'], " ");
    let header = if color { format!("{}", title.fg(kind_color)) } else { title };
    format!("{header}: {message}\n{body}")
}

/// A one-line count of the diagnostics: `2 errors, 1 warning`, `1 error`, `no problems`.
pub fn summary_line(diags: &[FileDiagnostic]) -> String {
    let errors = diags.iter().filter(|fd| fd.diagnostic.severity == Severity::Error).count();
    let warnings = diags.len() - errors;
    let count = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (0, 0) => "no problems".to_owned(),
        (e, 0) => count(e, "error"),
        (0, w) => count(w, "warning"),
        (e, w) => format!("{}, {}", count(e, "error"), count(w, "warning")),
    }
}

/// Whether to colour output going to a stream: only for a terminal, and never when the
/// `NO_COLOR` environment variable is set to a non-empty value (<https://no-color.org>).
pub fn color_wanted(stream_is_terminal: bool) -> bool {
    color_wanted_with(std::env::var_os("NO_COLOR").as_deref(), stream_is_terminal)
}

/// [`color_wanted`] with the value of `NO_COLOR` passed in (tests cannot safely set variables).
fn color_wanted_with(no_color: Option<&OsStr>, stream_is_terminal: bool) -> bool {
    stream_is_terminal && no_color.is_none_or(OsStr::is_empty)
}

#[cfg(test)]
pub(crate) mod fixtures {
    //! Sample files and diagnostics shared by the renderers' snapshot tests.
    use super::Sources;
    use crate::diagnostics::{Code, Diagnostic, FileDiagnostic};
    use crate::span::Span;

    /// Two files with multi-byte characters before the spans (`é` is 2 bytes, `→` is 3).
    pub(crate) fn sample_sources() -> Sources {
        let mut sources = Sources::new();
        sources.insert(
            "rules/hr.sync",
            "# Zoë's rules → HR\ninbound hr.person -> person {\n  flow naïve.displayName -> displayName\n}\n",
        );
        sources.insert("schemas/ad.sync", "connector ad: ldap {\n  object user { cn: string }\n}\n");
        sources
    }

    /// Diagnostics over [`sample_sources`]: an error with a label, help and a secondary label in
    /// another file; a warning without label text; an error whose span is past the end of its file.
    pub(crate) fn sample_diagnostics() -> Vec<FileDiagnostic> {
        let hr = sample_sources().get("rules/hr.sync").unwrap_or_default().to_owned();
        let attr = hr.find("displayName").unwrap_or_default();
        let ad = "connector ad: ldap {\n  object ";
        vec![
            FileDiagnostic {
                path: "rules/hr.sync".to_owned(),
                diagnostic: Diagnostic::new(
                    Code::E0103,
                    Span::new(attr, attr + "displayName".len()),
                    "unknown attribute `displayName` on `hr.person`",
                )
                .with_label("not declared on `hr.person`")
                .with_secondary_in("schemas/ad.sync", Span::new(ad.len(), ad.len() + 4), "`user` is declared here")
                .with_help("did you mean `cn`?"),
            },
            FileDiagnostic {
                path: "schemas/ad.sync".to_owned(),
                diagnostic: Diagnostic::new(Code::W0001, Span::new(10, 12), "connector `ad` is never used"),
            },
            FileDiagnostic {
                path: "rules/hr.sync".to_owned(),
                diagnostic: Diagnostic::new(Code::E0001, Span::new(500, 510), "expected `}`")
                    .with_label("the file ends here")
                    .with_secondary(
                        Span::new(hr.find('{').unwrap_or_default(), hr.find('{').unwrap_or_default() + 1),
                        "unclosed `{`",
                    ),
            },
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::fixtures::{sample_diagnostics, sample_sources};
    use super::*;
    use crate::diagnostics::{Code, Diagnostic};
    use crate::span::Span;

    #[test]
    fn human_output() {
        let diags = sample_diagnostics();
        let mut out = render_human(&diags, &sample_sources(), false);
        out.push_str(&summary_line(&diags));
        assert!(!out.contains('\u{1b}'), "no colour codes when colour is off");
        insta::assert_snapshot!(out);
    }

    #[test]
    fn coloured_output_has_colour_codes() {
        let out = render_human(&sample_diagnostics(), &sample_sources(), true);
        assert!(out.contains('\u{1b}'));
        assert!(out.contains("E0103"));
    }

    #[test]
    fn summary() {
        let diags = sample_diagnostics();
        assert_eq!(summary_line(&[]), "no problems");
        assert_eq!(summary_line(&diags), "2 errors, 1 warning");
        assert_eq!(summary_line(diags.get(..1).unwrap_or_default()), "1 error");
        assert_eq!(summary_line(diags.get(1..2).unwrap_or_default()), "1 warning");
        let warnings = vec![diags.get(1).cloned(), diags.get(1).cloned()];
        assert_eq!(summary_line(&warnings.into_iter().flatten().collect::<Vec<_>>()), "2 warnings");
    }

    #[test]
    fn color_only_for_terminals_without_no_color() {
        assert!(color_wanted_with(None, true));
        assert!(color_wanted_with(Some(OsStr::new("")), true));
        assert!(!color_wanted_with(Some(OsStr::new("1")), true));
        assert!(!color_wanted_with(None, false));
        assert!(!color_wanted_with(Some(OsStr::new("")), false));
        assert!(!color_wanted(false));
    }

    #[test]
    fn missing_and_empty_sources_do_not_panic() {
        let diags = sample_diagnostics();
        let out = render_human(&diags, &Sources::new(), false);
        assert!(out.starts_with("error[E0103]: unknown attribute `displayName` on `hr.person`\n"));
        assert!(out.contains("warning[W0001]: connector `ad` is never used\n"));

        let mut empty = Sources::new();
        empty.insert("rules/hr.sync", "");
        empty.insert("schemas/ad.sync", "");
        let out = render_human(&diags, &empty, true);
        assert!(out.contains("E0001"));
        assert_eq!(render_human(&[], &Sources::new(), false), "");
    }

    /// Every span (including ones inside characters, across CRLF and past the end) over awkward
    /// texts renders without panicking, primary and secondary.
    #[test]
    fn any_span_renders() {
        for text in ["", "é", "a→b\r\nçd\n", "x\n\n→\n", "\u{2028}é\u{0085}\t→"] {
            let mut sources = Sources::new();
            sources.insert("f.sync", text);
            for start in 0..text.len() + 3 {
                for end in start..text.len() + 3 {
                    let diag = Diagnostic::new(Code::E0002, Span::new(start, end), "bad")
                        .with_label("here")
                        .with_secondary(Span::new(end, end + 1), "there")
                        .with_secondary_in("missing.sync", Span::new(start, end), "elsewhere");
                    let fd = FileDiagnostic { path: "f.sync".to_owned(), diagnostic: diag };
                    let out = render_human(std::slice::from_ref(&fd), &sources, false);
                    assert!(out.starts_with("error[E0002]: bad\n"), "{out}");
                }
            }
        }
    }
}
