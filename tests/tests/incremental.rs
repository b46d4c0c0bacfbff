//! Incremental checking: after an edit inside one flow, salsa re-runs the checks of that rule
//! alone; every other item's check is reused.

use metasync_compiler::db::Database;
use metasync_compiler::ruleset::RuleSet;
use std::sync::{Arc, Mutex};

fn rule_set_text(rules: usize) -> String {
    let mut text = String::from(
        "connector hr: csv {\n    path = \"hr.csv\"\n    object person {\n        anchor id: string\n        name: string\n        mail: string?\n    }\n}\n\nmetaverse {\n    person {\n        id: string\n",
    );
    for i in 0..rules {
        text.push_str(&format!("        a{i}: string\n"));
    }
    text.push_str("    }\n}\n\n");
    for i in 0..rules {
        text.push_str(&format!(
            "inbound \"rule {i}\" hr.person -> person {{\n    precedence {i}\n    join id == id\n    project\n    flow {{\n        a{i} <- lower(name)\n{}    }}\n}}\n\n",
            if i == 0 { "        id <- id\n" } else { "" }
        ));
    }
    text.push_str("outbound \"back\" person -> hr.person {\n    flow {\n        name <- a0\n        mail <- a1\n");
    text.push_str("    }\n}\n");
    text
}

#[test]
fn editing_one_flow_rechecks_only_that_rule() {
    let log: Arc<Mutex<Vec<String>>> = Arc::default();
    let sink = Arc::clone(&log);
    let db = Database::with_events(move |event| {
        if let salsa::EventKind::WillExecute { database_key } = event.kind
            && let Ok(mut l) = sink.lock()
        {
            l.push(format!("{database_key:?}"));
        }
    });
    let text = rule_set_text(40);
    let mut rules = RuleSet::in_database(db, vec![("rules.sync".into(), text.clone())]);
    let first = rules.check();
    assert!(first.is_empty(), "{first:?}");
    let count = |log: &Arc<Mutex<Vec<String>>>, query: &str| {
        log.lock().map(|l| l.iter().filter(|k| k.starts_with(query)).count()).unwrap_or(0)
    };
    assert_eq!(count(&log, "check_item("), 40 + 3, "the cold check runs every item's check once");
    log.lock().map(|mut l| l.clear()).unwrap_or(());

    // Edit one line inside the flow of rule 7 (changing its length, so later items move).
    let edited = text.replace("a7 <- lower(name)", "a7 <- upper(trim(name))");
    assert_ne!(edited, text);
    rules.set_text(0, edited);
    let second = rules.check();
    assert!(second.is_empty(), "{second:?}");
    assert_eq!(
        count(&log, "check_item("),
        1,
        "only the edited rule is re-checked: {:?}",
        log.lock().map(|l| l.clone())
    );
    assert_eq!(count(&log, "check_workspace("), 0, "cross-item checks are reused");
    assert_eq!(count(&log, "schema("), 0, "the schema is reused");

    // A type error introduced by the edit is found.
    let broken = text.replace("a7 <- lower(name)", "a7 <- lower(mail)");
    rules.set_text(0, broken);
    let third = rules.check();
    assert_eq!(third.len(), 1, "{third:?}");
    assert_eq!(third.first().map(|d| d.diagnostic.code.as_str()), Some("E0201"));
}
