//! The plan: `compile` output is deterministic, loads in the runtime, and refuses damage.

use metasync_compiler::lower::lower;
use metasync_compiler::ruleset::{RuleSet, discover, read_files};
use metasync_runtime::plan::{Plan, PlanError};
use std::path::Path;

fn example() -> RuleSet {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("."));
    let files =
        discover(&[root.join("rules/examples/hr-to-directory")]).and_then(|f| read_files(&f)).unwrap_or_default();
    assert!(!files.is_empty());
    RuleSet::new(files)
}

fn plan_json() -> String {
    let rules = example();
    assert!(rules.check().iter().all(|d| !d.diagnostic.is_error()));
    match lower(&rules.db) {
        Ok(plan) => plan.to_json(),
        Err(e) => format!("lowering failed: {e}"),
    }
}

#[test]
fn compiling_twice_gives_the_same_bytes() {
    let a = plan_json();
    let b = plan_json();
    assert!(a.starts_with('{'), "{a}");
    assert_eq!(a, b);
}

#[test]
fn the_runtime_loads_the_plan() {
    let json = plan_json();
    let plan = Plan::from_json(&json);
    assert!(plan.is_ok(), "{plan:?}");
    let plan = plan.unwrap_or_else(|_| unreachable_plan());
    assert_eq!(plan.to_json(), json, "load and write back gives the same bytes");
    assert!(plan.connectors.iter().any(|c| c.name == "hr" && c.kind == "csv"));
    assert!(!plan.inbound.is_empty() && !plan.outbound.is_empty() && !plan.tests.is_empty());
    // Inbound rules are ordered by precedence.
    assert!(plan.inbound.windows(2).all(|w| w.first().map(|r| r.precedence) <= w.get(1).map(|r| r.precedence)));
    // Every metaverse attribute written by an inbound flow has a precedence table entry.
    for rule in &plan.inbound {
        for flow in &rule.flows {
            let table =
                plan.metaverse.get(usize::from(rule.mv_type)).and_then(|t| t.precedence.get(usize::from(flow.target)));
            assert!(table.is_some_and(|t| !t.is_empty()), "{}: no precedence entry", rule.name);
        }
    }
}

fn unreachable_plan() -> Plan {
    Plan::default()
}

#[test]
fn damaged_plans_are_refused() {
    let json = plan_json();
    let edited = json.replacen("\"precedence\": 10", "\"precedence\": 11", 1);
    assert_ne!(edited, json, "the example has a rule of precedence 10");
    assert!(matches!(Plan::from_json(&edited), Err(PlanError::Hash { .. })));
    let future = json.replacen("\"format\": 1", "\"format\": 99", 1);
    assert!(matches!(Plan::from_json(&future), Err(PlanError::Format(99))));
    assert!(matches!(Plan::from_json("{ not json"), Err(PlanError::Syntax(_))));
    let unknown_function = json.replacen("\"function\": \"lower\"", "\"function\": \"lowercase\"", 1);
    assert_ne!(unknown_function, json);
    assert!(matches!(Plan::from_json(&unknown_function), Err(PlanError::Content(_))));
}
