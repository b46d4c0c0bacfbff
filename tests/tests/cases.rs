//! File-driven checker tests: every `.sync` file under `tests/cases/` states the diagnostics it
//! must produce in its header (`# expect: E0103 at line 14`, or `# expect: nothing`), and its
//! rendered diagnostics are snapshot-tested (no colour) together with the input.

use metasync_compiler::diagnostics::render::render_human;
use metasync_compiler::ruleset::RuleSet;
use metasync_compiler::span::line_col;
use std::path::{Path, PathBuf};

fn cases_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases")
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for p in paths {
        if p.is_dir() {
            collect(&p, out);
        } else if p.extension().is_some_and(|e| e == "sync") {
            out.push(p);
        }
    }
}

/// All case files.
pub fn case_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    collect(&cases_root(), &mut out);
    out
}

/// The expectations of a case: `(code, line)` pairs, sorted.
fn expectations(text: &str) -> Option<Vec<(String, usize)>> {
    let mut out = Vec::new();
    let mut found = false;
    for line in text.lines() {
        let Some(rest) = line.trim().strip_prefix("# expect:") else { continue };
        found = true;
        let rest = rest.trim();
        if rest == "nothing" {
            continue;
        }
        let mut words = rest.split_whitespace();
        let code = words.next().unwrap_or_default().to_string();
        let line_no = match (words.next(), words.next(), words.next()) {
            (Some("at"), Some("line"), Some(n)) => n.parse().unwrap_or(0),
            _ => 0,
        };
        out.push((code, line_no));
    }
    out.sort();
    found.then_some(out)
}

fn relative(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("/"));
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

#[test]
fn every_case_produces_exactly_its_expected_diagnostics() {
    let files = case_files();
    assert!(files.len() > 50, "expected the case corpus, found {} files", files.len());
    let mut failures = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        let Some(expected) = expectations(&text) else {
            failures.push(format!("{}: no `# expect:` header", relative(path)));
            continue;
        };
        let rule_set = RuleSet::new(vec![(relative(path), text.clone())]);
        let mut actual: Vec<(String, usize)> = rule_set
            .check()
            .iter()
            .map(|d| (d.diagnostic.code.to_string(), line_col(&text, d.diagnostic.primary.span.start as usize).0))
            .collect();
        actual.sort();
        if actual != expected {
            failures.push(format!("{}:\n  expected {expected:?}\n  actual   {actual:?}", relative(path)));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn rendered_diagnostics_snapshots() {
    for path in case_files() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let name = relative(&path);
        let rule_set = RuleSet::new(vec![(name.clone(), text.clone())]);
        let diags = rule_set.check();
        let rendered = render_human(&diags, &rule_set.sources(), false);
        let snapshot_name = name.trim_start_matches("tests/cases/").replace(['/', '.'], "__");
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path("snapshots/cases");
        settings.set_prepend_module_to_snapshot(false);
        settings.set_description(name.clone());
        settings.bind(|| {
            insta::assert_snapshot!(snapshot_name, format!("SOURCE\n{text}\nDIAGNOSTICS\n{rendered}"));
        });
    }
}
