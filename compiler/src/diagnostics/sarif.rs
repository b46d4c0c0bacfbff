//! SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.
//!
//! Design notes:
//! - The rules list is the whole code registry ([`Code::ALL`]), in registry order, so a result's
//!   `ruleIndex` is its code's position in [`Code::ALL`] and stays stable across runs.
//! - Columns count characters (our columns are Unicode code points, as in the JSON output);
//!   SARIF's default unit is UTF-16 code units, so the run says `columnKind: unicodeCodePoints`.
//!   `endColumn` is exclusive, as SARIF requires.
//! - Regions are clamped to the file's text (a span past the end of the file ends at the end);
//!   `byteOffset`/`byteLength` are the same clamped range.
//! - Help links are the docs pages under [`super::json::DOCS_BASE`], as in the other outputs.
//! - URIs are the paths as given, with forward slashes and percent-encoding; relative paths stay
//!   relative (GitHub resolves them against the repository root), absolute ones become `file:` URIs.

use super::json::{Location, docs_url, severity_str};
use super::render::Sources;
use super::{Code, FileDiagnostic, Label};
use serde_json::{Map, Value, json};

/// The SARIF schema the log declares.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The project's home page, given as the tool's `informationUri`.
pub const INFORMATION_URI: &str = "https://github.com/metasync/metasync";

/// `diags` as a SARIF 2.1.0 log with one run; `tool_version` is the metasync version.
pub fn to_sarif(diags: &[FileDiagnostic], sources: &Sources, tool_version: &str) -> Value {
    let rules: Vec<Value> = Code::ALL.iter().map(|&code| rule(code)).collect();
    let results: Vec<Value> = diags.iter().map(|fd| result(fd, sources)).collect();
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "metasync",
                    "informationUri": INFORMATION_URI,
                    "version": tool_version,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    })
}

fn rule(code: Code) -> Value {
    json!({
        "id": code.as_str(),
        "name": code.slug(),
        "shortDescription": { "text": code.title() },
        "helpUri": docs_url(code),
        "defaultConfiguration": { "level": severity_str(code.severity()) },
    })
}

fn result(fd: &FileDiagnostic, sources: &Sources) -> Value {
    let diag = &fd.diagnostic;
    let mut text = diag.message.clone();
    if let Some(help) = &diag.help {
        text.push_str(&format!(" (help: {help})"));
    }
    let related: Vec<Value> = diag
        .secondary
        .iter()
        .zip(1..)
        .map(|(label, id): (&Label, u32)| {
            let file = label.file.as_deref().unwrap_or(&fd.path);
            let mut location = Map::new();
            location.insert("id".to_owned(), json!(id));
            location.insert("physicalLocation".to_owned(), physical_location(file, label, sources));
            // SARIF messages need text; an unlabelled related location simply has none.
            if !label.message.is_empty() {
                location.insert("message".to_owned(), json!({ "text": label.message }));
            }
            Value::Object(location)
        })
        .collect();
    let mut result = Map::new();
    result.insert("ruleId".to_owned(), json!(diag.code.as_str()));
    result.insert("ruleIndex".to_owned(), json!(Code::ALL.iter().position(|&c| c == diag.code)));
    result.insert("level".to_owned(), json!(severity_str(diag.severity)));
    result.insert("message".to_owned(), json!({ "text": text }));
    result.insert(
        "locations".to_owned(),
        json!([{ "physicalLocation": physical_location(&fd.path, &diag.primary, sources) }]),
    );
    if !related.is_empty() {
        result.insert("relatedLocations".to_owned(), Value::Array(related));
    }
    Value::Object(result)
}

fn physical_location(file: &str, label: &Label, sources: &Sources) -> Value {
    let at = Location::new(sources.text(file), label.span);
    json!({
        "artifactLocation": { "uri": path_to_uri(file) },
        "region": {
            "startLine": at.line,
            "startColumn": at.column,
            "endLine": at.end_line,
            "endColumn": at.end_column,
            "byteOffset": at.bytes.start,
            "byteLength": at.bytes.len(),
        }
    })
}

/// A path as a URI reference: forward slashes, `./` dropped, bytes outside the URI path
/// characters percent-encoded; absolute paths (`/x`, `C:\x`) become `file:` URIs.
pub fn path_to_uri(path: &str) -> String {
    let slashed = path.replace('\\', "/");
    let mut rest = slashed.as_str();
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    let bytes = rest.as_bytes();
    let drive = matches!(bytes, [letter, b':', b'/', ..] if letter.is_ascii_alphabetic());
    let mut uri = String::new();
    if rest.starts_with('/') {
        uri.push_str("file://");
    } else if drive {
        uri.push_str("file:///");
    }
    for (i, &byte) in bytes.iter().enumerate() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~/!$&'()*+,;=@".contains(&byte)
            // The drive's colon; anywhere else in a relative reference a colon before the first
            // slash would read as a scheme.
            || (byte == b':' && drive && i == 1);
        if keep {
            uri.push(char::from(byte));
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::render::fixtures::{sample_diagnostics, sample_sources};

    /// The log with the (long, uniform) rules list replaced by its length; the rules are
    /// checked by `rules_cover_the_registry`.
    #[test]
    fn sarif_output() {
        let mut log = to_sarif(&sample_diagnostics(), &sample_sources(), "0.1.0");
        if let Some(rules) = log.pointer_mut("/runs/0/tool/driver/rules") {
            let count = rules.as_array().map_or(0, Vec::len);
            *rules = json!(format!("<{count} rules>"));
        }
        insta::assert_json_snapshot!(log);
    }

    #[test]
    fn rules_cover_the_registry() {
        let log = to_sarif(&[], &Sources::new(), "0.1.0");
        let rules = log.pointer("/runs/0/tool/driver/rules").and_then(Value::as_array).cloned().unwrap_or_default();
        assert_eq!(rules.len(), Code::ALL.len());
        for (rule, code) in rules.iter().zip(Code::ALL) {
            assert_eq!(rule.get("id").and_then(Value::as_str), Some(code.as_str()));
        }
        let e0103 = Code::ALL.iter().position(|&c| c == Code::E0103).and_then(|i| rules.get(i)).cloned();
        let w0001 = Code::ALL.iter().position(|&c| c == Code::W0001).and_then(|i| rules.get(i)).cloned();
        insta::assert_json_snapshot!(json!([e0103, w0001]));
    }

    #[test]
    fn rule_indexes_point_at_their_rules() {
        let log = to_sarif(&sample_diagnostics(), &sample_sources(), "0.1.0");
        let results = log.pointer("/runs/0/results").and_then(Value::as_array).cloned().unwrap_or_default();
        assert_eq!(results.len(), 3);
        for result in results {
            let index = result.get("ruleIndex").and_then(Value::as_u64).unwrap_or(u64::MAX);
            let rule_id = log.pointer(&format!("/runs/0/tool/driver/rules/{index}/id"));
            assert_eq!(rule_id, result.get("ruleId"));
            let region = result.pointer("/locations/0/physicalLocation/region");
            assert!(region.and_then(|r| r.get("startLine")).and_then(Value::as_u64) >= Some(1));
            assert!(region.and_then(|r| r.get("startColumn")).and_then(Value::as_u64) >= Some(1));
        }
    }

    #[test]
    fn uris() {
        assert_eq!(path_to_uri("rules/hr.sync"), "rules/hr.sync");
        assert_eq!(path_to_uri("./rules\\my rules/é.sync"), "rules/my%20rules/%C3%A9.sync");
        assert_eq!(path_to_uri("/home/x/a#1.sync"), "file:///home/x/a%231.sync");
        assert_eq!(path_to_uri("C:\\x\\a.sync"), "file:///C:/x/a.sync");
        assert_eq!(path_to_uri("a:b.sync"), "a%3Ab.sync");
    }
}
