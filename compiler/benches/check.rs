//! Checking speed: a generated rule set of at least 5,000 lines, checked cold (a fresh salsa
//! database: lex, segment, parse, resolve, type-check) and re-checked after a one-line edit
//! inside one flow (through the same database). Prints the median of several runs.
//!
//! Run: `cargo bench -p metasync-compiler --bench check` (targets on a 2-core machine: cold at
//! most 150 ms, re-check at most 10 ms).

use metasync_compiler::ruleset::RuleSet;
use std::fmt::Write as _;
use std::time::{Duration, Instant};

const CONNECTORS: usize = 30;
const ATTRS: usize = 16;

/// A realistic rule set: HR-like sources, directories, one metaverse type per source family,
/// inbound and outbound rules with scopes, joins, conditionals and function calls.
fn generate() -> (String, String) {
    let mut s = String::new();
    for c in 0..CONNECTORS {
        let _ = writeln!(s, "connector src{c}: csv {{\n    path = \"data/src{c}.csv\"\n    delimiter = \";\"");
        for o in 0..2 {
            let _ = writeln!(
                s,
                "    object obj{o} {{\n        anchor id: string\n        status: string\n        manager: ref obj0?"
            );
            for a in 0..ATTRS {
                let opt = if a % 3 == 0 { "?" } else { "" };
                let _ = writeln!(s, "        attr{a}: string{opt}");
            }
            let _ = writeln!(s, "        count: integer\n        start: datetime?\n    }}");
        }
        let _ = writeln!(s, "}}\n");
    }
    let _ = writeln!(
        s,
        "metaverse {{\n    person {{\n        id: string\n        manager: ref person?\n        count: integer"
    );
    for c in 0..CONNECTORS {
        for o in 0..2 {
            for a in 0..ATTRS {
                let _ = writeln!(s, "        m{c}_{o}_{a}: string?");
            }
        }
    }
    let _ = writeln!(s, "        delete when unlinked\n    }}\n}}\n");
    let mut rule = 0;
    for c in 0..CONNECTORS {
        for o in 0..2 {
            let _ = writeln!(
                s,
                "inbound \"in {rule}\" src{c}.obj{o} -> person {{\n    precedence {rule}\n    scope status != \"terminated\" and (attr1 in [\"a\", \"b\", \"c\"] or attr0 is present)\n    join id == lower(trim(id))\n    project\n    flow {{"
            );
            if rule == 0 {
                let _ = writeln!(s, "        id <- id\n        manager <- manager\n        count <- count + 1");
            }
            for a in 0..ATTRS {
                let expr = match a % 4 {
                    0 => format!("attr{a} ?? \"none\""),
                    1 => format!("upper(left(attr{a}, 3)) + \"-\" + lower(attr{})", (a + 1) % ATTRS),
                    2 => format!("if status == \"active\" then trim(attr{a}) else null"),
                    _ => format!("join(\" \", attr{a}, id)"),
                };
                let _ = writeln!(s, "        m{c}_{o}_{a} <- {expr}");
            }
            let _ = writeln!(s, "    }}\n}}\n");
            let _ = writeln!(
                s,
                "outbound \"out {rule}\" person -> src{c}.obj{o} {{\n    scope m{c}_{o}_0 is present\n    deprovision disconnect\n    flow {{"
            );
            for a in 1..ATTRS {
                let _ = writeln!(s, "        attr{a} <- m{c}_{o}_{a} ?? \"-\"");
            }
            let _ = writeln!(s, "    }}\n}}\n");
            rule += 1;
        }
    }
    let _ = writeln!(s, "profile nightly {{");
    for c in 0..CONNECTORS {
        let _ = writeln!(s, "    full import src{c}\n    full sync src{c}\n    export src{c}");
    }
    let _ = writeln!(s, "}}");
    let edited = s.replace(
        "m5_1_2 <- if status == \"active\" then trim(attr2) else null",
        "m5_1_2 <- if status == \"inactive\" then trim(attr2) else null",
    );
    (s, edited)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

fn main() {
    let (text, edited) = generate();
    assert_ne!(text, edited, "the edit must change the text");
    let lines = text.lines().count();
    assert!(lines >= 5_000, "generated only {lines} lines");

    // Cold: a fresh database each time.
    let mut cold = Vec::new();
    for _ in 0..15 {
        let start = Instant::now();
        let rules = RuleSet::new(vec![("bench.sync".into(), text.clone())]);
        let diags = rules.check();
        cold.push(start.elapsed());
        assert!(diags.is_empty(), "the generated rule set must be clean: {:?}", diags.first());
    }

    // Warm: one database, alternating between the two texts.
    let mut rules = RuleSet::new(vec![("bench.sync".into(), text.clone())]);
    let _ = rules.check();
    let mut warm = Vec::new();
    for i in 0..60 {
        let next = if i % 2 == 0 { edited.clone() } else { text.clone() };
        let start = Instant::now();
        rules.set_text(0, next);
        let diags = rules.check();
        warm.push(start.elapsed());
        assert!(diags.is_empty());
    }

    let cold_ms = median(cold).as_secs_f64() * 1e3;
    let warm_ms = median(warm).as_secs_f64() * 1e3;
    println!("rule set: {lines} lines, {} bytes, {} items", text.len(), CONNECTORS * 2 * 2 + CONNECTORS + 2);
    println!("cold check (median of 15):          {cold_ms:8.2} ms   target <= 150 ms");
    println!("re-check after one-line edit (median of 60): {warm_ms:8.2} ms   target <= 10 ms");
}
