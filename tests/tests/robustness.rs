//! No input makes the checker panic: every file under `tests/cases/` and `rules/` is cut at 200
//! evenly spaced offsets (on character boundaries) and every prefix is checked; and the token
//! stream agrees with the grammar on every valid file.

use metasync_compiler::ruleset::check_texts;
use metasync_compiler::syntax::{lexer, parser};
use std::path::{Path, PathBuf};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("."))
}

fn corpus() -> Vec<PathBuf> {
    let dirs = [root().join("tests/cases"), root().join("rules")];
    let files = metasync_compiler::ruleset::discover(&dirs).unwrap_or_default();
    assert!(files.len() > 50, "corpus too small: {}", files.len());
    files
}

#[test]
fn truncated_files_never_panic() {
    let mut checked = 0usize;
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let n = text.len();
        let mut cuts: Vec<usize> = (0..200).map(|i| i * n / 200).collect();
        cuts.push(n);
        cuts.dedup();
        for cut in cuts {
            let mut at = cut;
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let prefix = text.get(..at).unwrap_or_default().to_string();
            let result = std::panic::catch_unwind(|| check_texts(vec![("prefix.sync".to_string(), prefix)]));
            assert!(result.is_ok(), "check panicked on {} cut at byte {at}", path.display());
            checked += 1;
        }
    }
    assert!(checked > 10_000, "only {checked} prefixes checked");
}

#[test]
fn every_atomic_pair_of_the_grammar_lies_on_token_boundaries() {
    let mut files_checked = 0;
    for path in corpus() {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        if !parser::file_is_valid(&text) {
            continue;
        }
        files_checked += 1;
        let tokens = lexer::lex(&text);
        let starts: std::collections::BTreeSet<u32> = tokens.iter().map(|t| t.span.start).collect();
        let ends: std::collections::BTreeSet<u32> = tokens.iter().map(|t| t.span.end).collect();
        for span in parser::atomic_spans(&text) {
            assert!(
                starts.contains(&span.start) && ends.contains(&span.end),
                "{}: grammar token {:?} `{}` does not line up with the lexer",
                path.display(),
                span,
                text.get(span.range()).unwrap_or_default()
            );
        }
    }
    assert!(files_checked > 20, "only {files_checked} valid files");
}
