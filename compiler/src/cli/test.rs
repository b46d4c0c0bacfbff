//! `metasync test [PATHS...] [--format human|json|junit]`
//!
//! Compiles the rule set (a rule set with errors is refused, like `compile`), runs every `test`
//! block with the in-memory runner of `metasync_runtime::testing`, and reports each test. Exit
//! codes: 0 when every test passes, 1 when one fails (or the rule set has errors), 2 on bad usage
//! or an I/O error.

use super::Exit;
use crate::diagnostics::render::{Sources, color_wanted};
use crate::span::clamp_range;
use ariadne::{Color, Config, Fmt, IndexType, Label, Report, ReportKind};
use clap::{Args, ValueEnum};
use metasync_runtime::testing::{Failure, TestOutcome, run_all};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// Output formats of `test`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// One line per test, failures shown in their source
    Human,
    /// One JSON object with every test and failure
    Json,
    /// JUnit XML, for CI test reports
    Junit,
}

/// Arguments of `test`.
#[derive(Debug, Args)]
pub struct TestArgs {
    /// Files or folders (every `*.sync` below them); the current folder when none is given
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
}

/// Runs `test`.
pub fn run(args: &TestArgs) -> Exit {
    let (rule_set, plan) = match super::compile::plan_of(&args.paths) {
        Ok(compiled) => compiled,
        Err(exit) => return exit,
    };
    let outcomes = run_all(&plan);
    let out = match args.format {
        Format::Human => human(&outcomes, &rule_set.sources(), color_wanted(std::io::stdout().is_terminal())),
        Format::Json => format!("{:#}\n", json(&outcomes)),
        Format::Junit => junit(&outcomes),
    };
    let mut stdout = std::io::stdout().lock();
    if stdout.write_all(out.as_bytes()).and_then(|()| stdout.flush()).is_err() {
        return Exit::Usage;
    }
    if outcomes.iter().all(|o| o.passed) { Exit::Ok } else { Exit::Failed }
}

/// The human report: one line per test, then each failure rendered in its source, then a summary.
pub fn human(outcomes: &[TestOutcome], sources: &Sources, color: bool) -> String {
    let mut out = String::new();
    for o in outcomes {
        let status = match (o.passed, color) {
            (true, true) => format!("{}", "ok".fg(Color::Green)),
            (true, false) => "ok".to_string(),
            (false, true) => format!("{}", "FAILED".fg(Color::Red)),
            (false, false) => "FAILED".to_string(),
        };
        out.push_str(&format!("test {} ... {status}\n", o.name));
    }
    for o in outcomes.iter().filter(|o| !o.passed) {
        out.push_str(&format!("\n---- {} ({}:{}) ----\n", o.name, o.location.file, o.location.line));
        if let Some(e) = &o.error {
            out.push_str(&format!("error: {}\n", e.replace(['\r', '\n'], " ")));
        }
        for f in &o.failures {
            out.push_str(&render_failure(f, sources, color));
        }
    }
    let passed = outcomes.iter().filter(|o| o.passed).count();
    let failed = outcomes.len() - passed;
    out.push_str(&format!("\n{} passed, {} failed\n", passed, failed));
    out
}

/// One failure as an ariadne report pointing at the expectation.
fn render_failure(f: &Failure, sources: &Sources, color: bool) -> String {
    let file = f.location.file.clone();
    let text = sources.get(&file).unwrap_or("");
    let range = clamp_range(text, crate::span::Span::new(f.location.start as usize, f.location.end as usize));
    let span = (file.clone(), range);
    let mut label = Label::new(span.clone()).with_message(format!("expected {}", f.expected.replace('\n', " ")));
    if color {
        label = label.with_color(Color::Red);
    }
    let actual = f.actual.replace('\n', "\n        ");
    let report = Report::build(ReportKind::Error, span)
        .with_config(Config::default().with_index_type(IndexType::Byte).with_color(color))
        .with_message(&f.message)
        .with_label(label)
        .with_note(format!("actual: {actual}"))
        .finish();
    let mut buffer = Vec::new();
    let mut cache = ariadne::sources([(file, text)]);
    match report.write(&mut cache, &mut buffer) {
        Ok(()) => String::from_utf8_lossy(&buffer).into_owned(),
        Err(_) => format!("error: {}\n  expected {}\n  actual: {}\n", f.message, f.expected, f.actual),
    }
}

/// The JSON report.
pub fn json(outcomes: &[TestOutcome]) -> serde_json::Value {
    let tests: Vec<serde_json::Value> = outcomes
        .iter()
        .map(|o| {
            let failures: Vec<serde_json::Value> = o
                .failures
                .iter()
                .map(|f| {
                    serde_json::json!({
                        "line": f.location.line,
                        "column": f.location.column,
                        "expected": f.expected,
                        "actual": f.actual,
                        "message": f.message,
                    })
                })
                .collect();
            serde_json::json!({
                "name": o.name,
                "file": o.location.file,
                "line": o.location.line,
                "passed": o.passed,
                "failures": failures,
                "error": o.error,
            })
        })
        .collect();
    let passed = outcomes.iter().filter(|o| o.passed).count();
    serde_json::json!({ "passed": passed, "failed": outcomes.len() - passed, "tests": tests })
}

/// Text escaped for XML attributes (line breaks kept as character references).
fn xml_escape(s: &str) -> String {
    xml_text(s).replace('\n', "&#10;")
}

/// Text escaped for XML element content.
fn xml_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push('\n'),
            '\t' | '\r' => out.push_str(&format!("&#{};", u32::from(c))),
            // Characters XML 1.0 cannot hold at all.
            c if (c as u32) < 0x20 => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The JUnit XML report.
pub fn junit(outcomes: &[TestOutcome]) -> String {
    let failed = outcomes.iter().filter(|o| !o.passed).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!("<testsuites tests=\"{}\" failures=\"{failed}\">\n", outcomes.len()));
    out.push_str(&format!(
        "  <testsuite name=\"metasync\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">\n",
        outcomes.len()
    ));
    for o in outcomes {
        let head =
            format!("    <testcase name=\"{}\" classname=\"{}\"", xml_escape(&o.name), xml_escape(&o.location.file));
        if o.passed {
            out.push_str(&head);
            out.push_str("/>\n");
            continue;
        }
        out.push_str(&head);
        out.push_str(">\n");
        if let Some(e) = &o.error {
            out.push_str(&format!("      <failure message=\"{}\">{}</failure>\n", xml_escape(e), xml_text(e)));
        }
        for f in &o.failures {
            let body = format!(
                "{}:{}:{}: {}\nexpected {}\nactual: {}",
                f.location.file, f.location.line, f.location.column, f.message, f.expected, f.actual
            );
            out.push_str(&format!(
                "      <failure message=\"{}\">{}</failure>\n",
                xml_escape(&f.message),
                xml_text(&body)
            ));
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_is_escaped() {
        assert_eq!(xml_escape("a<b>&\"c'\n"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;");
        assert_eq!(xml_escape("\u{1}"), "\u{fffd}");
        assert_eq!(xml_text("a\nb<"), "a\nb&lt;");
    }
}
