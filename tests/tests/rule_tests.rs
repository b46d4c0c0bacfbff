//! The rule unit test runner end to end: small rule sets are compiled and their `test` blocks run
//! with `metasync_runtime::testing`; and the shipped example's tests pass and cover every rule.

use metasync_compiler::diagnostics::render::render_human;
use metasync_compiler::lower::lower;
use metasync_compiler::ruleset::{RuleSet, discover, read_files};
use metasync_runtime::plan::Plan;
use metasync_runtime::testing::{TestOutcome, run_all};
use std::collections::BTreeSet;
use std::path::Path;

fn plan_of(rule_set: &RuleSet) -> Plan {
    let errors: Vec<_> = rule_set.check().into_iter().filter(|d| d.diagnostic.is_error()).collect();
    assert!(errors.is_empty(), "{}", render_human(&errors, &rule_set.sources(), false));
    let plan = lower(&rule_set.db);
    assert!(plan.is_ok(), "lowering failed: {plan:?}");
    plan.unwrap_or_else(|_| Plan::default())
}

fn run(text: &str) -> Vec<TestOutcome> {
    let rule_set = RuleSet::new(vec![("rules.sync".to_string(), text.to_string())]);
    run_all(&plan_of(&rule_set))
}

fn outcome<'a>(outcomes: &'a [TestOutcome], name: &str) -> &'a TestOutcome {
    let found = outcomes.iter().find(|o| o.name == name);
    assert!(found.is_some(), "no test named {name:?}");
    found.unwrap_or_else(|| std::process::exit(1))
}

/// Asserts that the test passed, showing why not.
fn passes(outcomes: &[TestOutcome], name: &str) {
    let o = outcome(outcomes, name);
    assert!(o.passed, "test {name:?} failed: error {:?}, failures {:#?}", o.error, o.failures);
}

const SCHEMA: &str = r#"
connector hr: csv {
    path = "data/hr.csv"
    object person {
        anchor id: string
        name: string
        surname: string
        managerId: string?
        status: string
        phone: string?
    }
}

connector badge: jsonl {
    path = "data/badges.jsonl"
    object badge {
        anchor badgeId: string
        employeeId: string?
        phone: string?
        active: boolean
    }
}

connector teams: csv {
    path = "data/teams.csv"
    object team {
        anchor teamName: string
        memberIds: [string]?
    }
}

connector directory: ldif {
    path = "data/directory.ldif"
    object inetOrgPerson {
        anchor uid: string
        required cn: string
        required sn: string
        employeeNumber: string?
        telephoneNumber: string?
        manager: ref inetOrgPerson?
        description: string?
    }
    object groupOfNames {
        anchor cn: string
        member: [ref inetOrgPerson]?
    }
}

metaverse {
    person {
        employeeId: string
        name: string
        lastName: string
        status: string
        phone: string?
        manager: ref person?
    }
    group {
        name: string
        members: [ref person]?
    }
}

inbound "HR" hr.person -> person {
    precedence 10
    scope status != "left"
    join employeeId == id
    project
    flow {
        employeeId <- id
        name       <- name + " " + surname
        lastName   <- surname
        status     <- status
        phone      <- phone
        manager    <- ref(hr.person, managerId)
    }
}

inbound "Badges" badge.badge -> person {
    precedence 5
    scope employeeId is present
    join employeeId == employeeId
    flow {
        phone <- if active then phone else authoritative null
    }
}

inbound "Teams" teams.team -> group {
    join name == teamName
    project
    flow {
        name    <- teamName
        members <- ref(hr.person, memberIds) merge union
    }
}

inbound "Existing entries" directory.inetOrgPerson -> person {
    precedence 1
    join employeeId == employeeNumber
}

outbound "People" person -> directory.inetOrgPerson {
    scope status == "active"
    provision dn = "uid=u" + employeeId + ",ou=people,dc=example,dc=org"
    deprovision delete
    flow {
        uid             <- "u" + employeeId once
        cn              <- name
        sn              <- lastName
        employeeNumber  <- employeeId
        telephoneNumber <- phone
        manager         <- manager
        description     <- "created for " + name once
    }
}

outbound "Groups" group -> directory.groupOfNames {
    provision dn = "cn=" + lower(name) + ",ou=groups,dc=example,dc=org"
    flow {
        cn     <- lower(name) once
        member <- members merge union
    }
}
"#;

fn with_schema(tests: &str) -> Vec<TestOutcome> {
    run(&format!("{SCHEMA}\n{tests}"))
}

#[test]
fn projection_with_flows() {
    let o = with_schema(
        r#"
test "projected" {
    given hr.person { id: "1", name: "Ada", surname: "Lovelace", status: "active" }
    expect person { employeeId: "1", name: "Ada Lovelace", lastName: "Lovelace", phone: null }
    expect no person { employeeId: "2" }
}
test "out of scope is not projected" {
    given hr.person { id: "3", name: "Ben", surname: "Carter", status: "left" }
    expect no person
}
"#,
    );
    passes(&o, "projected");
    passes(&o, "out of scope is not projected");
    assert!(outcome(&o, "projected").rules_used.contains(&"HR".to_string()));
}

#[test]
fn precedence_and_authoritative_null() {
    let o = with_schema(
        r#"
test "the badge wins the phone" {
    given hr.person { id: "1", name: "Ada", surname: "L", status: "active", phone: "+1 111" }
    given badge.badge { badgeId: "b1", employeeId: "1", phone: "+2 222", active: true }
    expect person { employeeId: "1", phone: "+2 222" }
}
test "a badge without a phone lets HR through" {
    given hr.person { id: "1", name: "Ada", surname: "L", status: "active", phone: "+1 111" }
    given badge.badge { badgeId: "b1", employeeId: "1", active: true }
    expect person { employeeId: "1", phone: "+1 111" }
}
test "an inactive badge clears the phone" {
    given hr.person { id: "1", name: "Ada", surname: "L", status: "active", phone: "+1 111" }
    given badge.badge { badgeId: "b1", employeeId: "1", phone: "+2 222", active: false }
    expect person { employeeId: "1", phone: null }
    expect no person { phone: "+1 111" }
}
"#,
    );
    passes(&o, "the badge wins the phone");
    passes(&o, "a badge without a phone lets HR through");
    passes(&o, "an inactive badge clears the phone");
}

#[test]
fn join_to_an_existing_object_and_once() {
    let o = with_schema(
        r#"
test "an existing entry is joined and updated" {
    given hr.person { id: "7", name: "Grace", surname: "Hopper", status: "active" }
    given directory.inetOrgPerson at "uid=grace,ou=people,dc=example,dc=org" {
        uid: "grace", cn: "Grace", sn: "Hopper", employeeNumber: "7", description: "by hand",
    }
    expect no export add directory.inetOrgPerson
    expect export update directory.inetOrgPerson at "uid=grace,ou=people,dc=example,dc=org" { cn: "Grace Hopper" }
    expect directory.inetOrgPerson { uid: "grace", cn: "Grace Hopper", description: "by hand" }
    expect no export update directory.inetOrgPerson { description: "created for Grace Hopper" }
}
"#,
    );
    passes(&o, "an existing entry is joined and updated");
    let used = &outcome(&o, "an existing entry is joined and updated").rules_used;
    assert!(used.contains(&"Existing entries".to_string()) && used.contains(&"People".to_string()), "{used:?}");
}

#[test]
fn provisioning_with_a_dn_and_once() {
    let o = with_schema(
        r#"
test "a new person is provisioned" {
    given hr.person { id: "1", name: "Ada", surname: "Lovelace", status: "active" }
    expect export add directory.inetOrgPerson at "uid=u1,ou=people,dc=example,dc=org" {
        uid: "u1", cn: "Ada Lovelace", sn: "Lovelace", employeeNumber: "1",
        description: "created for Ada Lovelace", telephoneNumber: null,
    }
    expect directory.inetOrgPerson { uid: "u1", cn: "Ada Lovelace" }
    expect no export update directory.inetOrgPerson
}
"#,
    );
    passes(&o, "a new person is provisioned");
}

#[test]
fn references_both_ways() {
    let o = with_schema(
        r#"
test "the manager" {
    given hr.person { id: "2", name: "Ada", surname: "L", managerId: "1", status: "active" }
    given hr.person { id: "1", name: "Boss", surname: "B", status: "active" }
    expect person { employeeId: "2", manager: ref(hr.person, "1") }
    expect person { employeeId: "1", manager: null }
    expect export add directory.inetOrgPerson at "uid=u2,ou=people,dc=example,dc=org" {
        manager: ref(directory.inetOrgPerson, "u1"),
    }
    expect directory.inetOrgPerson { uid: "u2", manager: "uid=u1,ou=people,dc=example,dc=org" }
}
test "a manager who left gives no reference" {
    given hr.person { id: "2", name: "Ada", surname: "L", managerId: "1", status: "active" }
    given hr.person { id: "1", name: "Boss", surname: "B", status: "left" }
    expect person { employeeId: "2", manager: null }
}
"#,
    );
    passes(&o, "the manager");
    passes(&o, "a manager who left gives no reference");
}

#[test]
fn group_members_merge_union() {
    let o = with_schema(
        r#"
test "team members" {
    given hr.person { id: "1", name: "Ada", surname: "L", status: "active" }
    given hr.person { id: "2", name: "Ben", surname: "C", status: "active" }
    given hr.person { id: "3", name: "Cy", surname: "D", status: "left" }
    given teams.team { teamName: "Ops", memberIds: ["1", "2", "3"] }
    expect group { name: "Ops", members: [ref(hr.person, "2"), ref(hr.person, "1")] }
    expect export add directory.groupOfNames at "cn=ops,ou=groups,dc=example,dc=org" {
        cn: "ops",
        member: [ref(directory.inetOrgPerson, "u1"), ref(directory.inetOrgPerson, "u2")],
    }
}
"#,
    );
    passes(&o, "team members");
}

#[test]
fn deprovision_on_scope_exit() {
    let o = with_schema(
        r#"
test "a person on leave loses the entry" {
    given hr.person { id: "4", name: "Ann", surname: "Lee", status: "leave" }
    given directory.inetOrgPerson at "uid=ann,ou=people,dc=example,dc=org" {
        uid: "ann", cn: "Ann Lee", sn: "Lee", employeeNumber: "4",
    }
    expect person { employeeId: "4", status: "leave" }
    expect export delete directory.inetOrgPerson at "uid=ann,ou=people,dc=example,dc=org"
    expect no directory.inetOrgPerson
    expect no export add directory.inetOrgPerson
}
"#,
    );
    passes(&o, "a person on leave loses the entry");
}

#[test]
fn a_failing_expectation_shows_expected_and_actual() {
    let o = with_schema(
        r#"
test "wrong name" {
    given hr.person { id: "1", name: "Ada", surname: "Lovelace", status: "active" }
    expect person { employeeId: "1", name: "Ada King" }
    expect no export add directory.inetOrgPerson
}
"#,
    );
    let t = outcome(&o, "wrong name");
    assert!(!t.passed);
    assert_eq!(t.error, None);
    assert_eq!(t.failures.len(), 2, "{:#?}", t.failures);
    let first = t.failures.first().cloned().unwrap_or_else(|| std::process::exit(1));
    assert_eq!(first.expected, r#"person { employeeId: "1", name: "Ada King" }"#);
    assert_eq!(first.actual, r#"person { employeeId: "1", name: "Ada Lovelace" }"#);
    assert!(first.location.line > 1);
    let second = t.failures.get(1).cloned().unwrap_or_else(|| std::process::exit(1));
    assert_eq!(second.expected, "no export add directory.inetOrgPerson");
    assert!(
        second.actual.starts_with(r#"export add directory.inetOrgPerson at "uid=u1,ou=people,dc=example,dc=org" { "#),
        "{}",
        second.actual
    );
}

#[test]
fn an_ambiguous_join_fails_the_test() {
    let o = run(r#"
connector hr: csv { path = "hr.csv"; object person { anchor id: string; surname: string } }
connector badge: jsonl { path = "badges.jsonl"; object badge { anchor badgeId: string; surname: string } }
metaverse { person { employeeId: string; lastName: string } }
inbound "HR" hr.person -> person { join employeeId == id; project; flow { employeeId <- id; lastName <- surname } }
inbound "Badges" badge.badge -> person { join lastName == surname }
test "two people named Lee" {
    given hr.person { id: "1", surname: "Lee" }
    given hr.person { id: "2", surname: "Lee" }
    given badge.badge { badgeId: "b7", surname: "Lee" }
    expect person { lastName: "Lee" }
}
"#);
    let t = outcome(&o, "two people named Lee");
    assert!(!t.passed);
    let error = t.error.clone().unwrap_or_default();
    assert!(error.contains("ambiguous") && error.contains(r#"badge.badge "b7""#), "{error}");
    assert!(error.contains(r#"hr.person "1""#) && error.contains(r#"hr.person "2""#), "{error}");
}

#[test]
fn evaluation_errors_name_the_rule_the_flow_and_the_object() {
    let o = run(r#"
connector hr: csv { path = "hr.csv"; object person { anchor id: string; start: string } }
metaverse { person { employeeId: string; started: datetime? } }
inbound "HR" hr.person -> person { join employeeId == id; project; flow { employeeId <- id; started <- to_datetime(start) } }
test "a bad date" {
    given hr.person { id: "1", start: "not a date" }
    expect person { employeeId: "1" }
}
"#);
    let t = outcome(&o, "a bad date");
    assert!(!t.passed);
    let error = t.error.clone().unwrap_or_default();
    assert!(
        error.contains("rule `HR`") && error.contains("`started`") && error.contains(r#"hr.person "1""#),
        "{error}"
    );
}

fn example() -> RuleSet {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new("."));
    let files =
        discover(&[root.join("rules/examples/hr-to-directory")]).and_then(|f| read_files(&f)).unwrap_or_default();
    assert!(!files.is_empty());
    RuleSet::new(files)
}

#[test]
fn the_example_tests_pass_and_cover_every_rule() {
    let plan = plan_of(&example());
    assert!(!plan.tests.is_empty());
    let outcomes = run_all(&plan);
    for o in &outcomes {
        assert!(o.passed, "example test {:?} failed: error {:?}, failures {:#?}", o.name, o.error, o.failures);
    }
    let used: BTreeSet<&str> = outcomes.iter().flat_map(|o| o.rules_used.iter().map(String::as_str)).collect();
    let rules: BTreeSet<&str> =
        plan.inbound.iter().map(|r| r.name.as_str()).chain(plan.outbound.iter().map(|r| r.name.as_str())).collect();
    let uncovered: Vec<&&str> = rules.difference(&used).collect();
    assert!(uncovered.is_empty(), "rules no example test exercises: {uncovered:?}");
}
