//! The `metasync` binary: exit codes, output formats, `explain` and `tokens`.
#![expect(
    clippy::indexing_slicing,
    reason = "indexing a serde_json value yields null for a missing key; it never panics"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).to_path_buf()
}

fn metasync(args: &[&str]) -> Output {
    let exe = env!("CARGO_BIN_EXE_metasync");
    let out = Command::new(exe).args(args).current_dir(root()).env("NO_COLOR", "1").output();
    match out {
        Ok(o) => o,
        Err(e) => unreachable_output(&e.to_string()),
    }
}

fn unreachable_output(why: &str) -> Output {
    assert!(why.is_empty(), "cannot run metasync: {why}");
    Command::new("true").output().unwrap_or_else(|_| std::process::exit(1))
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

const BROKEN: &str = "tests/cases/check/E0103_flow_source.sync";
const WARNING: &str = "tests/cases/check/W0004_unused_metaverse_attribute.sync";

#[test]
fn check_exit_codes() {
    let clean = metasync(&["check", "rules/"]);
    assert_eq!(clean.status.code(), Some(0), "{}", stdout(&clean));
    assert_eq!(stdout(&clean), "no problems\n");

    let broken = metasync(&["check", BROKEN]);
    assert_eq!(broken.status.code(), Some(1));
    assert!(stdout(&broken).contains("error[E0103]"), "{}", stdout(&broken));

    let warning = metasync(&["check", WARNING]);
    assert_eq!(warning.status.code(), Some(0), "{}", stdout(&warning));
    let denied = metasync(&["check", "--deny-warnings", WARNING]);
    assert_eq!(denied.status.code(), Some(1));

    let missing = metasync(&["check", "does/not/exist"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does/not/exist"));

    let empty = metasync(&["check", "docs/errors"]);
    assert_eq!(empty.status.code(), Some(2), "a folder without rule files is a usage error");
    assert!(String::from_utf8_lossy(&empty.stderr).contains("no `.sync` files"));

    let usage = metasync(&["check", "--format", "xml"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn check_json_has_one_object_per_diagnostic() {
    let out = metasync(&["check", "--format", "json", BROKEN]);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap_or_default();
    let items = value.as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 1, "{value:#}");
    let d = items.first().cloned().unwrap_or_default();
    for key in ["file", "line", "column", "byte_range", "code", "severity", "message", "help"] {
        assert!(d.get(key).is_some(), "missing `{key}` in {d:#}");
    }
    assert_eq!(d["code"], "E0103");
    assert_eq!(d["severity"], "error");
    assert_eq!(d["file"], BROKEN);
}

#[test]
fn check_sarif_is_sarif_2_1_0() {
    let out = metasync(&["check", "--format", "sarif", BROKEN]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap_or_default();
    assert_eq!(value["version"], "2.1.0");
    let run = &value["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "metasync");
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "E0103");
    assert_eq!(result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"], BROKEN);
    assert!(result["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().is_some_and(|l| l > 1));
}

#[test]
fn explain_lists_and_prints_every_code() {
    let list = metasync(&["explain", "--list"]);
    assert_eq!(list.status.code(), Some(0));
    let text = stdout(&list);
    let codes: Vec<&str> = text.lines().filter_map(|l| l.split_whitespace().next()).collect();
    assert_eq!(codes.len(), metasync_compiler::diagnostics::Code::ALL.len());
    for code in codes {
        let page = metasync(&["explain", code]);
        assert_eq!(page.status.code(), Some(0));
        let body = stdout(&page);
        assert!(body.starts_with(&format!("# {code}: ")), "{code}: {body}");
        assert!(body.contains("## Example") && body.contains("## Fix"), "{code}");
        let lower = metasync(&["explain", &code.to_lowercase()]);
        assert_eq!(stdout(&lower), body);
    }
    let unknown = metasync(&["explain", "E9999"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn tokens_prints_the_stream() {
    let out = metasync(&["tokens", "tests/cases/syntax/ok/design_example.sync"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.lines().any(|l| l.ends_with("ident \"connector\"")), "{text}");
    insta::assert_snapshot!(text.lines().take(40).collect::<Vec<_>>().join("\n"));
    assert_eq!(metasync(&["tokens", "missing.sync"]).status.code(), Some(2));
}

#[test]
fn every_subcommand_has_help() {
    for sub in
        [&["--help"][..], &["check", "--help"], &["explain", "--help"], &["tokens", "--help"], &["test", "--help"]]
    {
        let out = metasync(sub);
        assert_eq!(out.status.code(), Some(0), "{sub:?}");
        assert!(stdout(&out).contains("Usage:"), "{sub:?}");
    }
}

#[test]
fn cli_reference_page_is_fresh() {
    let page = root().join("docs/cli.md");
    let generated = metasync_compiler::cli::reference_markdown();
    if std::env::var_os("METASYNC_BLESS").is_some() {
        assert!(std::fs::write(&page, &generated).is_ok(), "cannot write {}", page.display());
    }
    let current = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        current == generated,
        "docs/cli.md is stale: regenerate it with `METASYNC_BLESS=1 cargo test -p metasync-compiler --test cli`"
    );
}

#[test]
fn compile_writes_a_plan_and_refuses_errors() {
    let dir = std::env::temp_dir().join(format!("metasync-compile-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let out = dir.join("plan.json");
    let out_text = out.to_string_lossy().to_string();
    let ok = metasync(&["compile", "rules/examples/hr-to-directory", "-o", &out_text]);
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    let plan = std::fs::read_to_string(&out).unwrap_or_default();
    assert!(metasync_runtime::plan::Plan::from_json(&plan).is_ok());

    let refused = metasync(&["compile", BROKEN, "-o", &dir.join("broken.json").to_string_lossy()]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("E0103"));
    assert!(!dir.join("broken.json").exists(), "nothing is written for a rule set with errors");

    let stdout_plan = metasync(&["compile", "rules/examples/hr-to-directory"]);
    assert_eq!(String::from_utf8_lossy(&stdout_plan.stdout), plan, "stdout and file hold the same bytes");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A temporary copy of the example with one wrong expectation (department "SALES" for "ENG").
fn broken_example_copy(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("metasync-test-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let _ = std::fs::create_dir_all(&dir);
    let example = root().join("rules/examples/hr-to-directory");
    for entry in std::fs::read_dir(&example).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "sync") {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            let text = text.replace(
                r#"account: "alovelace", department: "ENG","#,
                r#"account: "alovelace", department: "SALES","#,
            );
            let _ = std::fs::write(dir.join(entry.file_name()), text);
        }
    }
    dir
}

#[test]
fn test_runs_the_shipped_tests() {
    let out = metasync(&["test", "rules/"]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    let text = stdout(&out);
    assert!(text.contains("test a new hire is projected and provisioned ... ok"), "{text}");
    assert!(text.trim_end().ends_with("passed, 0 failed"), "{text}");

    let refused = metasync(&["test", BROKEN]);
    assert_eq!(refused.status.code(), Some(1), "a rule set with errors is not run");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("E0103"));

    assert_eq!(metasync(&["test", "does/not/exist"]).status.code(), Some(2));
    assert_eq!(metasync(&["test", "--format", "xml", "rules/"]).status.code(), Some(2));
}

#[test]
fn test_reports_a_failing_expectation() {
    let dir = broken_example_copy("human");
    let out = metasync(&["test", &dir.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    let text = stdout(&out);
    assert!(text.contains("test a new hire is projected and provisioned ... FAILED"), "{text}");
    assert!(text.contains(r#"expected person { account: "alovelace", department: "SALES""#), "{text}");
    assert!(text.contains(r#"actual: person { account: "alovelace", department: "ENG""#), "{text}");
    assert!(text.contains("tests.sync:10:5"), "the report points at the expectation: {text}");
    assert!(text.trim_end().ends_with("passed, 1 failed"), "{text}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn test_json_and_junit() {
    let dir = broken_example_copy("formats");
    let path = dir.to_string_lossy().to_string();
    let out = metasync(&["test", "--format", "json", &path]);
    assert_eq!(out.status.code(), Some(1));
    let value: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap_or_default();
    assert_eq!(value["failed"], 1, "{value:#}");
    assert!(value["passed"].as_u64().is_some_and(|n| n > 1), "{value:#}");
    let failing: Vec<&serde_json::Value> =
        value["tests"].as_array().into_iter().flatten().filter(|t| t["passed"] == false).collect();
    assert_eq!(failing.len(), 1);
    let t = failing.first().copied().cloned().unwrap_or_default();
    assert_eq!(t["name"], "a new hire is projected and provisioned");
    assert!(t["file"].as_str().is_some_and(|f| f.ends_with("tests.sync")));
    assert_eq!(t["failures"][0]["line"], 10);
    assert!(t["failures"][0]["expected"].as_str().is_some_and(|e| e.contains("SALES")));
    assert!(t["error"].is_null());

    let ok = metasync(&["test", "--format", "json", "rules/"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&ok)).unwrap_or_default();
    assert_eq!(value["failed"], 0);

    let junit = metasync(&["test", "--format", "junit", &path]);
    assert_eq!(junit.status.code(), Some(1));
    let xml = stdout(&junit);
    assert!(
        xml.starts_with("<?xml") && xml.contains("<testsuites") && xml.contains("<testsuite name=\"metasync\""),
        "{xml}"
    );
    assert!(
        xml.contains("failures=\"1\"") && xml.contains("<failure message=") && xml.contains("&quot;SALES&quot;"),
        "{xml}"
    );
    assert_eq!(xml.matches("<testcase ").count(), value["tests"].as_array().map_or(0, Vec::len));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn eval_evaluates_against_an_object() {
    let out = metasync(&[
        "eval",
        "lower(left(givenName, 1) + surname)",
        "--object",
        r#"{"givenName": "Ann", "surname": "Lee"}"#,
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "\"alee\"\n");
    let json = metasync(&["eval", "mail ?? \"none\"", "--object", r#"{"mail": null}"#, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap_or_default();
    assert_eq!(value["value"], "none");
    assert_eq!(value["type"], "string");
    let typo = metasync(&["eval", "lower(mial)", "--object", r#"{"mail": "A"}"#]);
    assert_eq!(typo.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean `mail`?"));
    let failing = metasync(&["eval", "1 / 0"]);
    assert_eq!(failing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failing.stderr).contains("division by zero"));
    let bad_json = metasync(&["eval", "1", "--object", "{not json"]);
    assert_eq!(bad_json.status.code(), Some(2));
}

fn copy_dir(from: &Path, to: &Path) {
    let _ = std::fs::create_dir_all(to);
    for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
        let p = entry.path();
        let name = entry.file_name();
        // What a run of the example writes beside its inputs: its store and the LDIF change file.
        if name == ".metasync" || name.to_string_lossy().ends_with(".changes.ldif") {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(&name));
        } else {
            let _ = std::fs::copy(&p, to.join(&name));
        }
    }
}

/// A fresh copy of the example rule set with its data, in a temporary folder named after `tag`:
/// `(folder, folder as text)`.
fn example_copy(tag: &str) -> (PathBuf, String) {
    let dir = std::env::temp_dir().join(format!("metasync-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let example = root().join("rules/examples/hr-to-directory");
    copy_dir(&example, &dir);
    // Where the README's main job has run here, the directory file is that run's export, not the
    // example's: the tests start from the committed one (the README's two commands in a row pass).
    if example.join(".metasync").exists() {
        let committed = std::process::Command::new("git")
            .current_dir(root())
            .args(["show", "HEAD:rules/examples/hr-to-directory/data/directory.ldif"])
            .output();
        if let Ok(out) = committed
            && out.status.success()
        {
            let _ = std::fs::write(dir.join("data/directory.ldif"), out.stdout);
        }
    }
    let rules = dir.to_string_lossy().to_string();
    (dir, rules)
}

/// Runs `steps` over the rule set in `rules`; they must succeed.
fn run_steps(rules: &str, steps: &[&str]) {
    let mut args = vec!["run", rules];
    for s in steps {
        args.push("--step");
        args.push(s);
    }
    assert_eq!(metasync(&args).status.code(), Some(0));
}

#[test]
fn the_main_job_runs_the_example_end_to_end_and_appears_in_status() {
    let (dir, rules) = example_copy("main-job");
    let first = metasync(&["run", &rules]);
    assert_eq!(first.status.code(), Some(0), "{}\n{}", stdout(&first), String::from_utf8_lossy(&first.stderr));
    let summary = stdout(&first);
    assert!(summary.contains("full import hr") && summary.contains("export directory"), "{summary}");
    let ldif = std::fs::read_to_string(dir.join("data/directory.ldif")).unwrap_or_default();
    assert!(ldif.contains("dn: uid=mokafor,ou=people,dc=example,dc=org"), "the export wrote the directory: {ldif}");
    let changes = std::fs::read_to_string(dir.join("data/directory.changes.ldif")).unwrap_or_default();
    assert!(changes.contains("changetype: add") && changes.contains("changetype: modify"), "{changes}");
    // A second run finds nothing to export: nothing is exported twice.
    let second = metasync(&["run", &rules, "--format", "json"]);
    assert_eq!(second.status.code(), Some(0));
    let record: serde_json::Value = serde_json::from_str(&stdout(&second)).unwrap_or_default();
    let exports: u64 = record["steps"]
        .as_array()
        .map(|s| s.iter().filter_map(|x| x["counts"]["exports"].as_u64()).sum())
        .unwrap_or(99);
    assert_eq!(exports, 0, "{record:#}");
    // Both runs are in the history.
    let status = metasync(&["status", &rules]);
    assert_eq!(status.status.code(), Some(0));
    let text = stdout(&status);
    assert!(text.contains("run 1 (default") && text.contains("run 2 (default"), "{text}");
    let json = metasync(&["status", &rules, "--format", "json"]);
    let runs: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap_or_default();
    assert_eq!(runs.as_array().map(Vec::len), Some(2));
    let one = metasync(&["status", &rules, "--run", "1"]);
    assert!(stdout(&one).contains("run 1"));
    assert_eq!(metasync(&["status", &rules, "--run", "9"]).status.code(), Some(2));
    // HR appends a change to its change log: the hourly profile imports, synchronizes and exports
    // only that, and a second hourly run has nothing to do.
    let log = dir.join("data/hr.changes.csv");
    let mut text = std::fs::read_to_string(&log).unwrap_or_default();
    text.push_str("update,1003,María,García,,FIN,Chief Financial Officer and Treasurer,1001,employee,active,+1 555 0102,HQ-5,2017-01-09T00:00:00Z,\n");
    let _ = std::fs::write(&log, text);
    let hourly = metasync(&["run", &rules, "--profile", "hourly", "--format", "json"]);
    assert_eq!(hourly.status.code(), Some(0), "{}", String::from_utf8_lossy(&hourly.stderr));
    let record: serde_json::Value = serde_json::from_str(&stdout(&hourly)).unwrap_or_default();
    assert_eq!(record["steps"][0]["counts"]["updates"], 1, "{record:#}");
    assert_eq!(record["steps"][2]["counts"]["exports"], 1, "{record:#}");
    let ldif = std::fs::read_to_string(dir.join("data/directory.ldif")).unwrap_or_default();
    assert!(ldif.contains("title: Chief Financial Officer and Treasurer"), "{ldif}");
    let again = metasync(&["run", &rules, "--profile", "hourly", "--format", "json"]);
    let record: serde_json::Value = serde_json::from_str(&stdout(&again)).unwrap_or_default();
    assert_eq!(record["steps"][0]["counts"]["updates"], 0, "the watermark moved past the change: {record:#}");
    assert_eq!(record["steps"][2]["counts"]["exports"], 0, "{record:#}");
    // A single step, and a step naming an unknown connector.
    let step = metasync(&["run", &rules, "--step", "delta sync hr"]);
    assert_eq!(step.status.code(), Some(0), "{}", String::from_utf8_lossy(&step.stderr));
    assert_eq!(metasync(&["run", &rules, "--step", "full import nowhere"]).status.code(), Some(2));
    assert_eq!(metasync(&["run", &rules, "--profile", "nightly"]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn running_an_unimplemented_connector_kind_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("metasync-unimplemented-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let text = "connector people: scim {\n    url = \"https://127.0.0.1:9/scim\"\n    token = secret(\"SCIM\")\n    object user {\n        anchor id: string\n    }\n}\n\nmetaverse {\n    person { id: string }\n}\n\ninbound \"Users\" people.user -> person {\n    join id == id\n    project\n    flow { id <- id }\n}\n";
    let _ = std::fs::write(dir.join("rules.sync"), text);
    let out = metasync(&["run", &dir.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let all = format!("{}{}", stdout(&out), String::from_utf8_lossy(&out.stderr));
    assert!(all.contains("not implemented yet"), "{all}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn run_and_status_human_output() {
    let (dir, rules) = example_copy("snapshot");
    let run = metasync(&["run", &rules]);
    assert_eq!(run.status.code(), Some(0));
    let status = metasync(&["status", &rules]);
    assert_eq!(status.status.code(), Some(0));
    // Times, dates and the plan's hash change from run to run and machine to machine.
    let stable = |text: String| {
        let patterns = [
            (r"started \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "started [time]"),
            (r"plan [0-9a-f]{12}", "plan [hash]"),
            (r"(?m) +\d+$", " [ms]"),
        ];
        patterns
            .iter()
            .fold(text, |t, (p, r)| regex::Regex::new(p).map(|re| re.replace_all(&t, *r).into_owned()).unwrap_or(t))
    };
    insta::assert_snapshot!("run_summary", stable(stdout(&run)));
    insta::assert_snapshot!("status_summary", stable(stdout(&status)));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn pending_shows_the_exports_to_review_deletions_first() {
    let (dir, rules) = example_copy("pending");
    let none_yet = metasync(&["pending", "--rules", &rules]);
    assert_eq!(none_yet.status.code(), Some(2), "no store yet");
    let steps =
        ["full import hr", "full import badge", "full import hrgroups", "full import directory", "full sync hr"];
    run_steps(&rules, &steps);
    let human = metasync(&["pending", "directory", "--rules", &rules]);
    assert_eq!(human.status.code(), Some(0));
    let text = stdout(&human);
    assert!(text.starts_with("directory: "), "{text}");
    assert!(text.contains("+ add inetOrgPerson uid=akowalska,ou=people,dc=example,dc=org"), "{text}");
    let json = metasync(&["pending", "directory", "--rules", &rules, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap_or_default();
    let adds = value[0]["counts"]["adds"].as_u64().unwrap_or(0);
    let changes = value[0]["changes"].as_array().map(Vec::len).unwrap_or(0) as u64;
    assert!(adds > 0 && changes >= adds, "{value:#}");
    assert_eq!(value[0]["changes"][0]["change"], "add");
    assert_eq!(metasync(&["pending", "nowhere", "--rules", &rules]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_closed_pipe_ends_the_output_quietly() {
    let exe = env!("CARGO_BIN_EXE_metasync");
    let child = Command::new(exe)
        .args(["explain", "--list"])
        .current_dir(root())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let Ok(mut child) = child else { return assert!(child.is_ok()) };
    drop(child.stdout.take());
    let out = child.wait_with_output();
    let Ok(out) = out else { return assert!(out.is_ok()) };
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn export_with_a_reviewed_plan_exports_exactly_it() {
    let (dir, rules) = example_copy("reviewed");
    let steps = [
        "full import hr",
        "full import badge",
        "full import hrgroups",
        "full import directory",
        "full sync hr",
        "full sync badge",
        "full sync hrgroups",
    ];
    run_steps(&rules, &steps);
    let reviewed = dir.join("reviewed.json");
    let pending = metasync(&["pending", "--rules", &rules, "--format", "json"]);
    let _ = std::fs::write(&reviewed, &pending.stdout);
    let plan = reviewed.to_string_lossy().to_string();
    // A plan that does not match the pending state (here: edited) is refused, and nothing is sent.
    let tampered = dir.join("tampered.json");
    let _ = std::fs::write(&tampered, String::from_utf8_lossy(&pending.stdout).replacen("akowalska", "akowalsky", 1));
    let stale = metasync(&["export", "--plan", &tampered.to_string_lossy(), "--rules", &rules]);
    assert_eq!(stale.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&stale.stderr).contains("changed since"));
    assert_eq!(
        metasync(&["pending", "--rules", &rules, "--format", "json"]).stdout,
        pending.stdout,
        "nothing was exported"
    );
    let done = metasync(&["export", "--plan", &plan, "--rules", &rules]);
    assert_eq!(done.status.code(), Some(0), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(stdout(&done).contains("export directory"));
    let after = metasync(&["pending", "directory", "--rules", &rules, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&after)).unwrap_or_default();
    assert!(value[0]["changes"].as_array().is_some_and(Vec::is_empty), "everything reviewed was exported: {value:#}");
    // Exporting the same plan again is refused: the state no longer matches it.
    assert_eq!(metasync(&["export", "--plan", &plan, "--rules", &rules]).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn show_explains_where_each_value_came_from() {
    let (dir, rules) = example_copy("show");
    assert_eq!(metasync(&["run", &rules]).status.code(), Some(0));
    let mv = metasync(&["show", "mv", "employeeId=1003", "--rules", &rules]);
    assert_eq!(mv.status.code(), Some(0));
    let text = stdout(&mv);
    assert!(text.contains(r#"account: "maria.garcia"    from directory.inetOrgPerson "maria.garcia", rule `Existing directory accounts`"#), "{text}");
    assert!(
        text.contains(r#"telephoneNumber: "+1 555 2103"    from badge.badge "B-5003", rule `Badge contact details`"#),
        "{text}"
    );
    assert!(
        text.contains(r#"lost: "mgarcia" from hr.person "1003", rule `HR people`"#),
        "the candidate that lost precedence is shown: {text}"
    );
    let json = metasync(&["show", "mv", "employeeId=1003", "--rules", &rules, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap_or_default();
    assert_eq!(value[0]["attributes"]["account"]["rule"], "Existing directory accounts");
    assert_eq!(value[0]["attributes"]["account"]["lost"][0]["value"], "mgarcia");
    let cs = metasync(&["show", "cs", "directory", "uid=maria.garcia,ou=people,dc=example,dc=org", "--rules", &rules]);
    assert_eq!(cs.status.code(), Some(0));
    assert!(stdout(&cs).contains("joined to metaverse object"), "{}", stdout(&cs));
    assert_eq!(metasync(&["show", "mv", "employeeId=0", "--rules", &rules]).status.code(), Some(1));
    assert_eq!(metasync(&["show", "cs", "directory", "nobody", "--rules", &rules]).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn preview_shows_what_a_sync_would_do_and_changes_nothing() {
    let (dir, rules) = example_copy("preview");
    assert_eq!(metasync(&["run", &rules]).status.code(), Some(0));
    // HR renames María; a full import stages it, the preview shows the effect before any sync.
    let hr = dir.join("data/hr.csv");
    let csv =
        std::fs::read_to_string(&hr).unwrap_or_default().replacen("1003,María,García", "1003,María,García-Lopez", 1);
    let _ = std::fs::write(&hr, csv);
    assert_eq!(metasync(&["run", &rules, "--step", "full import hr"]).status.code(), Some(0));
    let before = metasync(&["pending", "--rules", &rules, "--format", "json"]).stdout;
    let preview = metasync(&["preview", "hr", "1003", "--rules", &rules]);
    assert_eq!(preview.status.code(), Some(0), "{}", String::from_utf8_lossy(&preview.stderr));
    let text = stdout(&preview);
    assert!(text.contains(r#"* lastName: "García" -> "García-Lopez"    rule `HR people`"#), "{text}");
    assert!(text.contains(r#"sn: "García" -> "García-Lopez""#), "{text}");
    assert_eq!(
        metasync(&["pending", "--rules", &rules, "--format", "json"]).stdout,
        before,
        "the preview changed nothing"
    );
    let json = metasync(&["preview", "hr", "1003", "--rules", &rules, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap_or_default();
    assert!(value["rules"].as_array().is_some_and(|r| r.iter().any(|x| x == "HR people")), "{value:#}");
    assert_eq!(metasync(&["preview", "hr", "nobody", "--rules", &rules]).status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn search_finds_objects_with_a_rule_language_filter() {
    let (dir, rules) = example_copy("search");
    assert_eq!(metasync(&["run", &rules]).status.code(), Some(0));
    let cs = metasync(&["search", "cs", "directory.inetOrgPerson", r#"uid matches r"^m""#, "--rules", &rules]);
    assert_eq!(cs.status.code(), Some(0));
    assert!(
        stdout(&cs).contains(r#"directory.inetOrgPerson "maria.garcia""#) && stdout(&cs).ends_with("found\n"),
        "{}",
        stdout(&cs)
    );
    let mv = metasync(&["search", "mv", "person", r#"employeeId == "1003""#, "--rules", &rules, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout(&mv)).unwrap_or_default();
    assert_eq!(value.as_array().map(Vec::len), Some(1), "{value:#}");
    assert_eq!(value[0]["attributes"]["account"], "maria.garcia");
    let typo = metasync(&["search", "mv", "person", r#"departmnt == "x""#, "--rules", &rules]);
    assert_eq!(typo.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&typo.stderr).contains("did you mean `department`?"));
    assert_eq!(metasync(&["search", "mv", "nobody", "true", "--rules", &rules]).status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}

/// Checks that `value` has each key with a value of the given JSON type.
fn shape(value: &serde_json::Value, keys: &[(&str, &str)], what: &str) {
    for (key, kind) in keys {
        let v = &value[*key];
        let ok = match *kind {
            "string" => v.is_string(),
            "number" => v.is_u64() || v.is_i64(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            "bool" => v.is_boolean(),
            "string|null" => v.is_string() || v.is_null(),
            "number|null" => v.is_u64() || v.is_null(),
            _ => false,
        };
        assert!(ok, "{what}: `{key}` should be {kind}, is {v}");
    }
}

#[test]
fn json_outputs_have_their_documented_shape() {
    let (dir, rules) = example_copy("json");
    let run: serde_json::Value =
        serde_json::from_str(&stdout(&metasync(&["run", &rules, "--format", "json"]))).unwrap_or_default();
    let counts = [
        ("adds", "number"),
        ("updates", "number"),
        ("deletes", "number"),
        ("joins", "number"),
        ("projections", "number"),
        ("provisions", "number"),
        ("deprovisions", "number"),
        ("exports", "number"),
        ("errors", "number"),
        ("warnings", "number"),
    ];
    shape(
        &run,
        &[("id", "number"), ("profile", "string"), ("plan_hash", "string"), ("started", "string"), ("steps", "array")],
        "run",
    );
    shape(
        &run["steps"][0],
        &[("step", "string"), ("counts", "object"), ("issues", "array"), ("completed", "bool"), ("millis", "number")],
        "run step",
    );
    shape(&run["steps"][0]["counts"], &counts, "step counts");
    let status: serde_json::Value =
        serde_json::from_str(&stdout(&metasync(&["status", &rules, "--format", "json"]))).unwrap_or_default();
    assert_eq!(status[0], run, "status shows the run record");
    let pending: serde_json::Value =
        serde_json::from_str(&stdout(&metasync(&["pending", "--rules", &rules, "--format", "json"])))
            .unwrap_or_default();
    shape(&pending[0], &[("connector", "string"), ("counts", "object"), ("changes", "array")], "pending");
    shape(
        &pending[0]["counts"],
        &[("deletes", "number"), ("adds", "number"), ("updates", "number"), ("renames", "number")],
        "pending counts",
    );
    let mv: serde_json::Value = serde_json::from_str(&stdout(&metasync(&[
        "show",
        "mv",
        "employeeId=1003",
        "--rules",
        &rules,
        "--format",
        "json",
    ])))
    .unwrap_or_default();
    shape(
        &mv[0],
        &[("id", "number"), ("object_type", "string"), ("links", "array"), ("attributes", "object")],
        "show mv",
    );
    shape(&mv[0]["links"][0], &[("connector", "string"), ("id", "number"), ("object", "string")], "show mv link");
    shape(
        &mv[0]["attributes"]["account"],
        &[("from", "string"), ("rule", "string"), ("run", "number")],
        "show mv lineage",
    );
    let cs: serde_json::Value =
        serde_json::from_str(&stdout(&metasync(&["show", "cs", "hr", "1003", "--rules", &rules, "--format", "json"])))
            .unwrap_or_default();
    shape(
        &cs,
        &[
            ("id", "number"),
            ("connector", "string"),
            ("object_type", "string"),
            ("dn", "string"),
            ("anchor", "string|null"),
            ("link", "number|null"),
            ("attributes", "object"),
        ],
        "show cs",
    );
    let found: serde_json::Value = serde_json::from_str(&stdout(&metasync(&[
        "search", "mv", "person", "true", "--rules", &rules, "--format", "json",
    ])))
    .unwrap_or_default();
    shape(&found[0], &[("id", "number"), ("object", "string"), ("attributes", "object")], "search");
    let preview: serde_json::Value =
        serde_json::from_str(&stdout(&metasync(&["preview", "hr", "1003", "--rules", &rules, "--format", "json"])))
            .unwrap_or_default();
    shape(
        &preview,
        &[("object", "string"), ("rules", "array"), ("counts", "object"), ("issues", "array"), ("changes", "array")],
        "preview",
    );
    shape(&preview["counts"], &counts, "preview counts");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn review_commands_human_output() {
    let (dir, rules) = example_copy("review");
    let steps = [
        "full import hr",
        "full import badge",
        "full import hrgroups",
        "full import directory",
        "full sync hr",
        "full sync badge",
        "full sync hrgroups",
        "full sync directory",
    ];
    run_steps(&rules, &steps);
    let pending = metasync(&["pending", "directory", "--rules", &rules]);
    let preview = metasync(&["preview", "badge", "B-5003", "--rules", &rules]);
    let show = metasync(&["show", "mv", "employeeId=1003", "--rules", &rules]);
    let search = metasync(&["search", "cs", "directory.inetOrgPerson", "employeeNumber is present", "--rules", &rules]);
    for out in [&pending, &preview, &show, &search] {
        assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    }
    insta::assert_snapshot!("pending_directory", stdout(&pending));
    insta::assert_snapshot!("preview_badge", stdout(&preview));
    insta::assert_snapshot!("show_mv", stdout(&show));
    insta::assert_snapshot!("search_cs", stdout(&search));
    let _ = std::fs::remove_dir_all(&dir);
}
