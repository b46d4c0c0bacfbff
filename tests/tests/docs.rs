//! The documentation is tested: every code has a page whose example produces the code and whose
//! fix does not; every complete example in `docs/language.md` checks without errors; every code
//! has at least one case file that produces it.

use metasync_compiler::diagnostics::Code;
use metasync_compiler::ruleset::check_texts;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("."))
}

/// The ```sync blocks of a markdown text, each with the heading it is under.
fn sync_blocks(markdown: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut heading = String::new();
    let mut block: Option<String> = None;
    for line in markdown.lines() {
        match &mut block {
            Some(text) => {
                if line.trim_start().starts_with("```") {
                    out.push((heading.clone(), std::mem::take(text)));
                    block = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
            None => {
                if line.starts_with('#') {
                    heading = line.trim_start_matches('#').trim().to_string();
                } else if line.trim() == "```sync" {
                    block = Some(String::new());
                }
            }
        }
    }
    out
}

fn codes_of(path: &str, text: &str) -> Vec<Code> {
    check_texts(vec![(path.to_string(), text.to_string())]).iter().map(|d| d.diagnostic.code).collect()
}

#[test]
fn every_code_has_a_page_whose_example_fails_and_whose_fix_passes() {
    let mut failures = Vec::new();
    for code in Code::ALL {
        let page = code.page();
        if !page.starts_with(&format!("# {code}: ")) {
            failures.push(format!("{code}: the page must start with `# {code}: title`"));
        }
        let blocks = sync_blocks(page);
        let example = blocks.iter().find(|(h, _)| h == "Example");
        let fix = blocks.iter().find(|(h, _)| h == "Fix");
        match example {
            Some((_, text)) => {
                let codes = codes_of(&format!("docs/errors/{code}.md#example"), text);
                if !codes.contains(code) {
                    failures.push(format!("{code}: the example produces {codes:?}, not {code}"));
                }
            }
            None => failures.push(format!("{code}: no ```sync block under `## Example`")),
        }
        match fix {
            Some((_, text)) => {
                let diags = check_texts(vec![(format!("docs/errors/{code}.md#fix"), text.clone())]);
                let bad: Vec<Code> = diags
                    .iter()
                    .map(|d| d.diagnostic.code)
                    .filter(|c| c == code || c.severity() == metasync_compiler::diagnostics::Severity::Error)
                    .collect();
                if !bad.is_empty() {
                    failures.push(format!("{code}: the fix still produces {bad:?}"));
                }
            }
            None => failures.push(format!("{code}: no ```sync block under `## Fix`")),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn language_reference_examples_check_without_errors() {
    let path = root().join("docs/language.md");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let blocks = sync_blocks(&text);
    assert!(blocks.len() >= 10, "docs/language.md has only {} ```sync examples", blocks.len());
    let mut failures = Vec::new();
    for (i, (heading, block)) in blocks.iter().enumerate() {
        let diags = check_texts(vec![(format!("docs/language.md#{i}"), block.clone())]);
        let errors: Vec<String> = diags
            .iter()
            .filter(|d| d.diagnostic.is_error())
            .map(|d| format!("{} {}", d.diagnostic.code, d.diagnostic.message))
            .collect();
        if !errors.is_empty() {
            failures.push(format!("example {i} under `{heading}`:\n{block}\n  -> {errors:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_code_has_a_case_that_produces_it() {
    let mut produced = std::collections::BTreeSet::new();
    let mut stack = vec![root().join("tests/cases")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "sync") {
                let text = std::fs::read_to_string(&p).unwrap_or_default();
                produced.extend(codes_of(&p.to_string_lossy(), &text));
            }
        }
    }
    let missing: Vec<&Code> = Code::ALL.iter().filter(|c| !produced.contains(c)).collect();
    assert!(missing.is_empty(), "no case under tests/cases produces {missing:?}");
}

#[test]
fn shipped_rule_sets_check_clean() {
    let dir = root().join("rules");
    let files = metasync_compiler::ruleset::discover(&[dir]).unwrap_or_default();
    assert!(!files.is_empty(), "rules/ holds no .sync files");
    // Each example folder is one rule set.
    let mut sets: std::collections::BTreeMap<std::path::PathBuf, Vec<std::path::PathBuf>> = Default::default();
    for f in files {
        let set = f.parent().map(Path::to_path_buf).unwrap_or_default();
        sets.entry(set).or_default().push(f);
    }
    for (set, files) in sets {
        let texts = metasync_compiler::ruleset::read_files(&files).unwrap_or_default();
        let diags = check_texts(texts);
        let shown: Vec<String> =
            diags.iter().map(|d| format!("{} {} {}", d.path, d.diagnostic.code, d.diagnostic.message)).collect();
        assert!(shown.is_empty(), "{} is not clean:\n{}", set.display(), shown.join("\n"));
    }
}
