//! The function library: every documented example runs, and `docs/functions.md` (generated from
//! the registry) is fresh. Regenerate the page with `METASYNC_BLESS=1 cargo test -p metasync-tests --test functions`.

use metasync_compiler::playground::{EvalFailure, evaluate};
use metasync_runtime::builtins::{self, Category, Nulls, Param, Signature, TypeSpec};
use std::fmt::Write as _;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("."))
}

#[test]
fn every_documented_example_gives_its_result() {
    let empty = serde_json::Map::new();
    let mut failures = Vec::new();
    let mut count = 0;
    for sig in builtins::all() {
        for example in sig.examples {
            count += 1;
            let actual = evaluate(example.call, &empty);
            if let Some(reason) = example.result.strip_prefix("error:") {
                match actual {
                    Err(EvalFailure::Runtime(_)) => {}
                    other => failures.push(format!(
                        "{}: `{}` should fail ({}), gave {other:?}",
                        sig.name,
                        example.call,
                        reason.trim()
                    )),
                }
                continue;
            }
            let expected = evaluate(example.result, &empty);
            match (actual, expected) {
                (Ok(a), Ok(e)) => {
                    if a.outcome != e.outcome {
                        failures.push(format!(
                            "{}: `{}` gave {}, documented {}",
                            sig.name,
                            example.call,
                            a.outcome.to_literal(),
                            example.result
                        ));
                    }
                }
                (a, e) => failures.push(format!(
                    "{}: `{}` -> {a:?}; documented `{}` -> {e:?}",
                    sig.name, example.call, example.result
                )),
            }
        }
    }
    assert!(count >= 100, "only {count} examples");
    assert!(failures.is_empty(), "{} of {count} examples fail:\n{}", failures.len(), failures.join("\n"));
}

fn spec(t: TypeSpec) -> String {
    match t {
        TypeSpec::Kind(k) => k.keyword().to_string(),
        TypeSpec::Many(k) => format!("[{}]", k.keyword()),
        TypeSpec::Any => "any".to_string(),
        TypeSpec::ManyAny => "[any]".to_string(),
        TypeSpec::T => "T".to_string(),
        TypeSpec::ManyT => "[T]".to_string(),
    }
}

fn param(p: &Param) -> String {
    let dots = if p.variadic { "..." } else { "" };
    let text = format!("{}{dots}: {}", p.name, spec(p.ty));
    if p.omittable { format!("[{text}]") } else { text }
}

fn category(c: Category) -> &'static str {
    match c {
        Category::Conversion => "Conversion",
        Category::DateTime => "Date and time",
        Category::Directory => "Directory and DN",
        Category::Evaluation => "Evaluation",
        Category::Math => "Math",
        Category::MultiValued => "Multi-valued",
        Category::Flow => "Program flow",
        Category::Text => "Text",
    }
}

fn nulls(n: Nulls) -> &'static str {
    match n {
        Nulls::Propagate => "a missing argument gives a missing result",
        Nulls::AllMissing => "missing only when every argument is missing",
        Nulls::Handled => "never missing; missing arguments are handled",
        Nulls::MayBeMissing => "may be missing",
    }
}

/// The `//! Differs from Microsoft:` lines of a function's file.
fn differences(sig: &Signature) -> Vec<String> {
    let file = match sig.name {
        "bool" => "bool_".to_string(),
        "str" => "str_".to_string(),
        other => other.to_string(),
    };
    let text = std::fs::read_to_string(root().join(format!("runtime/src/builtins/{file}.rs"))).unwrap_or_default();
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        let Some(doc) = line.strip_prefix("//!") else { break };
        let doc = doc.trim();
        if let Some(rest) = doc.strip_prefix("Differs from Microsoft:") {
            if let Some(c) = current.take() {
                out.push(c);
            }
            current = Some(rest.trim().to_string());
        } else if let Some(c) = current.as_mut() {
            if doc.is_empty() {
                out.push(std::mem::take(c));
                current = None;
            } else {
                c.push(' ');
                c.push_str(doc);
            }
        }
    }
    out.extend(current);
    out
}

/// Microsoft functions that are constructs of the language (documented in `language.md`).
const CONSTRUCTS: [(&str, &str); 7] = [
    ("IIF", "`if condition then a else b`"),
    ("IgnoreFlowIfNullOrEmpty", "`if is_null_or_empty(x) then ignore else x` (`ignore` leaves the target unchanged)"),
    ("Not", "`not condition`"),
    ("Select", "`select(values, x -> expression)`: the expression for each value (lists in results are flattened)"),
    ("Switch", "`if c1 then v1 else if c2 then v2 else null`"),
    ("Where", "`where(values, x -> condition)`: the values for which the condition holds"),
    ("With", "`with(value, x -> expression)`: the value named once, used several times"),
];

fn generate() -> String {
    let mut out = String::from(
        "# Functions\n\nGenerated from the function registry (`runtime/src/builtins/`); `cargo test` fails when this page is stale \
         (regenerate with `METASYNC_BLESS=1 cargo test -p metasync-tests --test functions`). Every example below runs as a test.\n\n\
         Conventions: positions are 1-based where Microsoft's are; `[x]` marks an argument that may be left out, `x...` one that \
         takes any number of arguments; `T` is one type throughout a call. When a function's result is marked *a missing argument \
         gives a missing result*, a `string?` argument makes the result `string?` (see optionality in `language.md`).\n\n",
    );
    out.push_str("## From Microsoft's names\n\n| Microsoft | metasync |\n| --- | --- |\n");
    let mut names: Vec<(&str, &str)> =
        builtins::all().iter().flat_map(|s| s.microsoft.iter().map(move |m| (*m, s.name))).collect();
    names.sort_by_key(|(m, n)| (m.to_lowercase(), *n));
    for (m, n) in names {
        let _ = writeln!(out, "| `{m}` | [`{n}`](#{n}) |");
    }
    out.push_str("\nSome of Microsoft's functions are constructs of the language here:\n\n| Microsoft | metasync |\n| --- | --- |\n");
    for (m, construct) in CONSTRUCTS {
        let _ = writeln!(out, "| `{m}` | {construct} |");
    }
    out.push_str("\nNot provided: the certificate functions (`CertThumbprint`, `CertIssuer`...), which need certificates the engine does not read.\n");
    out.push_str("\n## Where metasync differs from Microsoft\n\n");
    let mut any = false;
    for sig in builtins::all() {
        for d in differences(sig) {
            any = true;
            let _ = writeln!(out, "- [`{}`](#{}): {d}", sig.name, sig.name);
        }
    }
    if !any {
        out.push_str("Nowhere.\n");
    }
    let mut cats: Vec<Category> = builtins::all().iter().map(|s| s.category).collect();
    cats.sort();
    cats.dedup();
    for c in cats {
        let _ = writeln!(out, "\n## {}\n", category(c));
        for sig in builtins::all().iter().filter(|s| s.category == c) {
            let params: Vec<String> = sig.params.iter().map(param).collect();
            let _ =
                writeln!(out, "### {}\n\n`{}({}) -> {}`\n", sig.name, sig.name, params.join(", "), spec(sig.returns));
            let _ = writeln!(out, "{}.\n", capitalize(sig.summary));
            let mut facts = vec![nulls(sig.nulls).to_string()];
            if !sig.pure {
                facts.push("not pure: each call may give another value".to_string());
            }
            if sig.fallible {
                facts.push("can fail for some values".to_string());
            }
            if !sig.microsoft.is_empty() {
                facts.push(format!(
                    "Microsoft: {}",
                    sig.microsoft.iter().map(|m| format!("`{m}`")).collect::<Vec<_>>().join(", ")
                ));
            }
            let _ = writeln!(out, "{}.\n", capitalize(&facts.join("; ")));
            out.push_str("| call | result |\n| --- | --- |\n");
            for e in sig.examples {
                let _ = writeln!(out, "| `{}` | `{}` |", e.call.replace('|', "\\|"), e.result.replace('|', "\\|"));
            }
            out.push('\n');
        }
    }
    out
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

#[test]
fn functions_page_is_fresh() {
    let page = root().join("docs/functions.md");
    let generated = generate();
    if std::env::var_os("METASYNC_BLESS").is_some() {
        assert!(std::fs::write(&page, &generated).is_ok());
    }
    let current = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        current == generated,
        "docs/functions.md is stale: regenerate it with `METASYNC_BLESS=1 cargo test -p metasync-tests --test functions`"
    );
}

#[test]
fn microsoft_functions_are_covered() {
    let wanted = [
        "BitAnd",
        "BitOr",
        "CBool",
        "CDate",
        "CGuid",
        "CNum",
        "CStr",
        "Contains",
        "ConvertFromBase64",
        "ConvertToBase64",
        "ConvertFromUTF8Hex",
        "ConvertToUTF8Hex",
        "Count",
        "DateAdd",
        "DateFromNum",
        "DNComponent",
        "DNComponentRev",
        "Error",
        "EscapeDNComponent",
        "FormatDateTime",
        "Guid",
        "IIF",
        "InStr",
        "InStrRev",
        "IsBitSet",
        "IsDate",
        "IsEmpty",
        "IsGuid",
        "IsNull",
        "IsNullOrEmpty",
        "IsNumeric",
        "IsPresent",
        "IsString",
        "Item",
        "ItemOrNull",
        "Join",
        "LCase",
        "Left",
        "Len",
        "LTrim",
        "Mid",
        "Now",
        "NumFromDate",
        "PadLeft",
        "PadRight",
        "PCase",
        "RandomNum",
        "RemoveDuplicates",
        "Replace",
        "ReplaceChars",
        "Right",
        "RTrim",
        "Select",
        "Split",
        "StringFromGuid",
        "StringFromSid",
        "Switch",
        "Trim",
        "UCase",
        "Where",
        "With",
        "Word",
        "Append",
        "Coalesce",
        "DateDiff",
        "IgnoreFlowIfNullOrEmpty",
        "NormalizeDiacritics",
        "Not",
        "RandomString",
        "Redact",
        "SelectUniqueValue",
        "StripSpaces",
        "ToLower",
        "ToUpper",
    ];
    let page = generate();
    let missing: Vec<&str> = wanted.iter().copied().filter(|m| !page.contains(&format!("| `{m}` |"))).collect();
    // The constructs must really exist: each documented form evaluates.
    let empty = serde_json::Map::new();
    for form in [
        "if true then 1 else 2",
        "not false",
        r#"select(["a"], x -> upper(x))"#,
        r#"where(["a", "b"], x -> x == "b")"#,
        r#"with("a", x -> x + x)"#,
        r#"if is_null_or_empty("") then ignore else "x""#,
    ] {
        assert!(evaluate(form, &empty).is_ok(), "{form}");
    }
    assert!(missing.is_empty(), "no function (and no language construct documented in the table) for {missing:?}");
}
