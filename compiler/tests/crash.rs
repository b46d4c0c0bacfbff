//! Crash safety through the command line: `metasync run` is killed with SIGKILL at random moments
//! (within export, import and synchronization steps in turn, as an uninterrupted run timed them; the
//! first export kill just after the directory file is written, before the store records the
//! export) and run again until a run completes; the store and the exported directory must equal an
//! uninterrupted run's, nothing may be added twice, and the store's invariants must hold. The test
//! prints how many kills hit each phase (read from the killed run's record); the full test requires
//! every phase to be hit.
//!
//! `crash_short` kills 4 times over 300 people and runs with the suite; `crash_full` kills 30 times
//! over 2,000 people and runs on demand: `cargo test -p metasync-compiler --test crash -- --ignored`.
//! The kill moments come from a fixed seed; `METASYNC_CRASH_SEED` and `METASYNC_CRASH_KILLS` change
//! them for `crash_short` when hunting for a failure (a failed run keeps its folders under the
//! temporary directory, `metasync-crash-<pid>-<seed>-<rewrite|journal>`).
#![expect(clippy::indexing_slicing, reason = "serde_json indexing yields null for a missing key; it never panics")]

use metasync_runtime::store::Store;
use metasync_runtime::store::sled_store::SledStore;
use metasync_runtime::value::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap_or(Path::new(".")).to_path_buf()
}

/// The example rule set with generated data for `people` people; with `journal`, the directory
/// keeps a journal however small it is (`journal_above = 0`).
fn generate(dir: &Path, people: usize, journal: bool) {
    let _ = std::fs::remove_dir_all(dir);
    let _ = std::fs::create_dir_all(dir.join("data"));
    let example = root().join("rules/examples/hr-to-directory");
    for entry in std::fs::read_dir(&example).into_iter().flatten().flatten() {
        let p = entry.path();
        if p.extension().is_some_and(|e| e == "sync") {
            let mut text = std::fs::read_to_string(&p).unwrap_or_default();
            if journal {
                text = text
                    .replace("path = \"data/directory.ldif\"", "path = \"data/directory.ldif\"\n    journal_above = 0");
            }
            let _ = std::fs::write(dir.join(entry.file_name()), text);
        }
    }
    let departments = ["EXEC", "ENG", "FIN", "SAL", "OPS", "PEO"];
    let mut hr = String::from(
        "employeeId,givenName,surname,preferredName,department,title,managerId,employeeType,status,workPhone,location,hireDate,terminationDate\n",
    );
    let mut badges = String::new();
    let mut members: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for i in 0..people {
        let id = 20_000 + i;
        let dept = departments[i % departments.len()];
        let manager = if i == 0 { String::new() } else { (20_000 + i / 10).to_string() };
        hr.push_str(&format!("{id},Given{i},Sur{i},,{dept},Title {i},{manager},employee,active,+1 555 {i:04},HQ-{},2020-01-01T00:00:00Z,\n", i % 5));
        if i % 2 == 0 {
            badges.push_str(&format!("{{\"badgeId\": \"B-{id}\", \"employeeId\": \"{id}\", \"printedName\": \"G. Sur{i}\", \"phone\": \"+1 555 9{i:04}\", \"room\": \"{}.{i}\", \"active\": true}}\n", i % 7));
        }
        members.entry(dept).or_default().push(id.to_string());
    }
    let mut groups = String::from("code,name,description,memberIds\n");
    for d in departments {
        groups.push_str(&format!(
            "{d},{d} team,The {d} department,{}\n",
            members.get(d).map(|m| m.join(";")).unwrap_or_default()
        ));
    }
    let _ = std::fs::write(dir.join("data/hr.csv"), hr);
    let _ = std::fs::write(dir.join("data/badges.jsonl"), badges);
    let _ = std::fs::write(dir.join("data/groups.csv"), groups);
    let _ = std::fs::write(dir.join("data/directory.ldif"), "version: 1\n");
}

fn metasync(args: &[&str]) -> std::process::Output {
    let exe = env!("CARGO_BIN_EXE_metasync");
    match Command::new(exe).args(args).output() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("cannot run metasync: {e}");
            std::process::exit(1)
        }
    }
}

/// A deterministic pseudo-random sequence (xorshift).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

/// The phase of the example's default profile that step `index` belongs to (its steps: four full
/// imports, four full syncs, the export, the confirming import and sync).
fn phase(index: usize) -> &'static str {
    match index {
        0..=3 | 9 => "import",
        8 => "export",
        _ => "sync",
    }
}

/// Where a killed run was: the index of the step after the last one its run record holds (a run
/// records each step as it completes; no record yet means the first step, or before it), the times
/// of the steps it completed, and how many runs the store has recorded.
fn killed_in(dir: &Path, runs_before: usize) -> (usize, Vec<u64>, usize) {
    let store = SledStore::open(&dir.join(".metasync"));
    assert!(store.is_ok(), "the store does not open after a kill: {store:?}");
    let runs = store.map(|s| s.runs().unwrap_or_default()).unwrap_or_default();
    match runs.last() {
        Some(run) if runs.len() > runs_before => {
            (run.steps.len(), run.steps.iter().map(|s| s.millis).collect(), runs.len())
        }
        _ => (0, Vec::new(), runs.len()),
    }
}

/// When each step of an uninterrupted run went on: (phase, start, length) from the reference
/// store's run record, the start-up (compiling the rules, opening the store) taking what the steps
/// leave of the whole run.
fn step_windows(dir: &Path, full_run: Duration) -> Vec<(&'static str, u64, u64)> {
    let Ok(store) = SledStore::open(&dir.join(".metasync")) else { return Vec::new() };
    let steps = store.runs().unwrap_or_default().first().map(|r| r.steps.clone()).unwrap_or_default();
    let total: u64 = steps.iter().map(|s| s.millis).sum();
    let mut start = u64::try_from(full_run.as_millis()).unwrap_or(0).saturating_sub(total);
    let mut windows = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        windows.push((phase(i), start, step.millis.max(1)));
        start += step.millis;
    }
    windows
}

/// Runs the full cycle, killing it `kills` times first, at random moments within export, import and
/// sync steps in turn (as the uninterrupted run timed them); returns how many kills interrupted a run
/// in each phase.
fn run_with_kills(
    dir: &Path,
    kills: usize,
    rng: &mut Rng,
    windows: &[(&'static str, u64, u64)],
) -> BTreeMap<&'static str, usize> {
    let exe = env!("CARGO_BIN_EXE_metasync");
    let rules = dir.to_string_lossy().to_string();
    let mut phases: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut interrupted = 0;
    let mut attempts = 0;
    let mut runs = 0;
    // A run that completes leaves less to do, and the next runs are faster than the uninterrupted
    // one was: the aims shrink by how much faster a run that finished before its kill was.
    let whole = windows.last().map_or(1_000, |(_, start, length)| start + length).max(1);
    let mut scale = 1.0_f64;
    let mut completed_once = false;
    while interrupted < kills && attempts < kills * 4 {
        attempts += 1;
        let child = Command::new(exe)
            .args(["run", &rules])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn();
        let Ok(mut child) = child else { return phases };
        let aim = ["export", "import", "sync"][interrupted % 3];
        // Every other export kill (the first one among them) waits for the directory file to be
        // written: the moment between the connector making the export durable and the store
        // recording it. Once a run has completed there is nothing left to write.
        let at_write = aim == "export" && interrupted % 6 == 0 && !completed_once;
        let targets = [dir.join("data/directory.ldif"), dir.join("data/directory.ldif.journal")];
        let written =
            || targets.iter().map(|t| std::fs::metadata(t).and_then(|m| m.modified()).ok()).collect::<Vec<_>>();
        let written_before = written();
        let candidates: Vec<_> = windows.iter().enumerate().filter(|(_, (p, _, _))| *p == aim).collect();
        let pick = usize::try_from(rng.next()).unwrap_or(0) % candidates.len().max(1);
        let (start, length) = candidates.get(pick).map_or((5, 1_000), |(_, (_, start, length))| (*start, *length));
        let mut delay = if at_write {
            Duration::from_secs(60)
        } else {
            Duration::from_secs_f64((start + rng.next() % length) as f64 * scale / 1_000.0)
        };
        let started = Instant::now();
        let mut finished = false;
        while started.elapsed() < delay {
            if let Ok(Some(_)) = child.try_wait() {
                finished = true;
                completed_once = true;
                scale = scale.min(started.elapsed().as_secs_f64() * 1_000.0 / whole as f64);
                break;
            }
            if at_write && written() != written_before {
                delay = started.elapsed() + Duration::from_millis(rng.next() % 15);
                std::thread::sleep(delay.saturating_sub(started.elapsed()));
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if !finished {
            let _ = child.kill();
            interrupted += 1;
        }
        let _ = child.wait();
        let (at, times, now) = killed_in(dir, runs);
        runs = now;
        if !finished {
            *phases.entry(phase(at)).or_default() += 1;
            // The steps the killed run completed say how fast runs go now (later runs have less
            // to do than the uninterrupted one had): the next aims scale by it.
            let then: u64 = windows.iter().take(times.len()).map(|(_, _, length)| length).sum();
            if then > 0 && !times.is_empty() {
                scale = (times.iter().sum::<u64>() as f64 / then as f64).clamp(0.2, 3.0);
            }
        }
    }
    // Then run until a run completes.
    let completed = (0..5).any(|_| metasync(&["run", &rules]).status.code() == Some(0));
    assert!(completed, "the rule set does not complete a run after the kills");
    phases
}

/// The directory's entries as sorted sets of lines (order in the file does not matter).
fn entries(ldif: &str) -> BTreeSet<Vec<String>> {
    ldif.split("\n\n")
        .map(|block| {
            let mut lines: Vec<String> = block
                .lines()
                .filter(|l| !l.trim().is_empty() && !l.starts_with("version:"))
                .map(str::to_string)
                .collect();
            lines.sort();
            lines
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// The entries of a directory: its content file's, as its journal's committed groups leave them
/// (the last record of a DN is its state; `changetype: delete` removes it).
fn with_journal(content: &str, journal: &str) -> BTreeSet<Vec<String>> {
    let dn_of = |block: &str| block.lines().find_map(|l| l.strip_prefix("dn: ")).map(str::to_lowercase);
    let mut changed: BTreeMap<String, Option<String>> = BTreeMap::new();
    let mut group = String::new();
    for line in journal.lines().skip(1) {
        if line.starts_with("# commit ") {
            for block in group.split("\n\n").filter(|b| !b.trim().is_empty()) {
                if let Some(dn) = dn_of(block) {
                    let gone = block.lines().any(|l| l == "changetype: delete");
                    changed.insert(dn, (!gone).then(|| block.to_string()));
                }
            }
            group.clear();
        } else if !line.starts_with("# compacted ") {
            group.push_str(line);
            group.push('\n');
        }
    }
    let mut text = String::new();
    for block in content.split("\n\n") {
        if dn_of(block).is_none_or(|dn| !changed.contains_key(&dn)) {
            text.push_str(block);
            text.push_str("\n\n");
        }
    }
    for block in changed.values().flatten() {
        text.push_str(block);
        text.push_str("\n\n");
    }
    entries(&text)
}

/// What a store holds, without what differs between two runs that reach the same state (ids, run
/// history, lineage): connector objects by connector and anchor (or DN), with whether they are
/// linked; metaverse objects by type and key attribute, references and links by those keys.
fn image(dir: &Path) -> BTreeMap<String, serde_json::Value> {
    let store = SledStore::open(&dir.join(".metasync"));
    assert!(store.is_ok(), "{store:?}");
    let Ok(store) = store else { return BTreeMap::new() };
    let mut cs_key: BTreeMap<(String, u64), String> = BTreeMap::new();
    let mut out = BTreeMap::new();
    for connector in ["hr", "badge", "hrgroups", "directory"] {
        for id in store.cs_ids(connector).unwrap_or_default() {
            let Ok(Some(o)) = store.cs(connector, id) else { continue };
            let key = format!("cs {connector} {}", o.anchor.clone().unwrap_or_else(|| o.dn.to_lowercase()));
            cs_key.insert((connector.to_string(), id), key.clone());
            let linked = o.link.is_some();
            let mut json = serde_json::to_value(&o).unwrap_or_default();
            if let Some(map) = json.as_object_mut() {
                for field in ["id", "link", "referrers"] {
                    map.remove(field);
                }
                map.insert("linked".to_string(), serde_json::Value::Bool(linked));
            }
            out.insert(key, json);
        }
    }
    let mut mv_key: BTreeMap<u64, String> = BTreeMap::new();
    let mut mvs = Vec::new();
    for id in store.mv_ids().unwrap_or_default() {
        let Ok(Some(m)) = store.mv(id) else { continue };
        let name = ["employeeId", "code"].iter().find_map(|a| m.attributes.get(*a)).map(Value::to_literal);
        mv_key.insert(id, format!("mv {} {}", m.object_type, name.unwrap_or_else(|| id.to_string())));
        mvs.push(m);
    }
    fn stable(v: &Value, keys: &BTreeMap<u64, String>) -> Value {
        match v {
            Value::Reference(r) => {
                Value::Reference(r.parse().ok().and_then(|id| keys.get(&id)).cloned().unwrap_or_else(|| r.clone()))
            }
            Value::List(items) => Value::List(items.iter().map(|i| stable(i, keys)).collect()),
            other => other.clone(),
        }
    }
    for m in mvs {
        let attributes: BTreeMap<&String, Value> = m.attributes.iter().map(|(k, v)| (k, stable(v, &mv_key))).collect();
        let mut links: Vec<String> =
            m.links.iter().map(|l| cs_key.get(&(l.connector.clone(), l.cs)).cloned().unwrap_or_default()).collect();
        links.sort();
        let key = mv_key.get(&m.id).cloned().unwrap_or_default();
        out.insert(key, serde_json::json!({ "attributes": attributes, "links": links }));
    }
    out
}

/// The store's invariants: links both ways, one metaverse link per connector object, nothing
/// pending after a completed run and a second run.
fn check_invariants(dir: &Path) {
    let store = SledStore::open(&dir.join(".metasync"));
    assert!(store.is_ok(), "{store:?}");
    let Ok(store) = store else { return };
    let mut linked_from_mv: BTreeMap<(String, u64), u64> = BTreeMap::new();
    for id in store.mv_ids().unwrap_or_default() {
        let Ok(Some(mv)) = store.mv(id) else { continue };
        for l in &mv.links {
            let previous = linked_from_mv.insert((l.connector.clone(), l.cs), id);
            assert!(previous.is_none(), "connector object {}:{} is linked to two metaverse objects", l.connector, l.cs);
            let cs = store.cs(&l.connector, l.cs).ok().flatten();
            assert_eq!(
                cs.as_ref().and_then(|c| c.link),
                Some(id),
                "metaverse {id} links {}:{} but not back",
                l.connector,
                l.cs
            );
        }
    }
    for connector in ["hr", "badge", "hrgroups", "directory"] {
        for id in store.cs_ids(connector).unwrap_or_default() {
            let Ok(Some(cs)) = store.cs(connector, id) else { continue };
            if let Some(mv) = cs.link {
                assert_eq!(
                    linked_from_mv.get(&(connector.to_string(), id)),
                    Some(&mv),
                    "{connector}:{id} links metaverse {mv} but not back"
                );
            }
            assert!(cs.pending_export.is_none(), "{connector}:{id} still has a pending export after a completed run");
        }
    }
}

fn crash_test(people: usize, kills: usize, seed: u64, journal: bool) {
    let mode = if journal { "journal" } else { "rewrite" };
    let base = std::env::temp_dir().join(format!("metasync-crash-{}-{seed}-{mode}", std::process::id()));
    let reference = base.join("reference");
    let crashed = base.join("crashed");
    generate(&reference, people, journal);
    generate(&crashed, people, journal);
    let started = Instant::now();
    assert_eq!(metasync(&["run", &reference.to_string_lossy()]).status.code(), Some(0));
    let full_run = started.elapsed();
    let mut rng = Rng(seed);
    let windows = step_windows(&reference, full_run);
    let phases = run_with_kills(&crashed, kills, &mut rng, &windows);
    let interrupted: usize = phases.values().sum();
    eprintln!("{interrupted} kills interrupted a run: {phases:?} (an uninterrupted run took {full_run:?})");
    assert!(interrupted >= kills.min(3), "only {interrupted} of {kills} kills interrupted a run");
    if kills >= 30 {
        for p in ["import", "sync", "export"] {
            assert!(phases.get(p).is_some_and(|n| *n > 0), "no kill interrupted an {p} step: {phases:?}");
        }
    }
    // One more run on both: nothing is left to do.
    for dir in [&reference, &crashed] {
        let again = metasync(&["run", &dir.to_string_lossy(), "--format", "json"]);
        assert_eq!(again.status.code(), Some(0));
        let record: serde_json::Value =
            serde_json::from_str(&String::from_utf8_lossy(&again.stdout)).unwrap_or_default();
        let exports: u64 = record["steps"]
            .as_array()
            .map(|s| s.iter().filter_map(|x| x["counts"]["exports"].as_u64()).sum())
            .unwrap_or(1);
        assert_eq!(exports, 0, "a settled store exports nothing");
    }
    let read = |dir: &Path, file: &str| std::fs::read_to_string(dir.join("data").join(file)).unwrap_or_default();
    let directory = |dir: &Path| with_journal(&read(dir, "directory.ldif"), &read(dir, "directory.ldif.journal"));
    if journal {
        assert!(crashed.join("data/directory.ldif.index").exists(), "the directory did not keep a journal");
        eprintln!("journal: {} bytes", read(&crashed, "directory.ldif.journal").len());
    }
    let (want, got) = (directory(&reference), directory(&crashed));
    assert_eq!(
        want.len(),
        got.len(),
        "the directory holds {} entries after the kills, {} without",
        got.len(),
        want.len()
    );
    let missing: Vec<_> = want.difference(&got).take(3).collect();
    assert!(missing.is_empty(), "entries differ after the kills, e.g. {missing:?}");
    // Nothing added twice: every DN is added at most once in the change records.
    let changes = read(&crashed, "directory.changes.ldif");
    let mut added: BTreeMap<String, usize> = BTreeMap::new();
    for block in changes.split("\n\n") {
        if block.contains("changetype: add")
            && let Some(dn) = block.lines().find_map(|l| l.strip_prefix("dn: "))
        {
            *added.entry(dn.to_string()).or_default() += 1;
        }
    }
    let twice: Vec<_> = added.iter().filter(|(_, n)| **n > 1).take(3).collect();
    assert!(twice.is_empty(), "added more than once: {twice:?}");
    check_invariants(&crashed);
    check_invariants(&reference);
    let (entries_compared, want, got) = (want.len(), image(&reference), image(&crashed));
    assert_eq!(want.len(), got.len(), "the stores hold {} objects after the kills, {} without", got.len(), want.len());
    let differ: Vec<_> = want.iter().filter(|(k, v)| got.get(*k) != Some(*v)).map(|(k, _)| k).take(3).collect();
    assert!(differ.is_empty(), "the stores differ after the kills, e.g. {differ:?}");
    eprintln!("the same {} store objects and {entries_compared} directory entries as without kills", want.len());
    let _ = std::fs::remove_dir_all(&base);
}

/// A number from the environment, or `default`.
fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|s| s.parse().ok()).unwrap_or(default)
}

#[test]
fn crash_short() {
    let kills = usize::try_from(env_number("METASYNC_CRASH_KILLS", 4)).unwrap_or(4);
    crash_test(300, kills, env_number("METASYNC_CRASH_SEED", 0x9e37_79b9_7f4a_7c15), false);
}

/// `crash_short` with a directory that keeps a journal (and is compacted now and then).
#[test]
fn crash_short_journal() {
    let kills = usize::try_from(env_number("METASYNC_CRASH_KILLS", 4)).unwrap_or(4);
    crash_test(300, kills, env_number("METASYNC_CRASH_SEED", 0x51_7cc1_b727_220a), true);
}

#[test]
#[ignore = "the full crash test (30 kills); run with --ignored"]
fn crash_full() {
    crash_test(2_000, 30, 0x2545_f491_4f6c_dd1d, false);
}

#[test]
#[ignore = "the full crash test with a journaled directory (30 kills); run with --ignored"]
fn crash_full_journal() {
    crash_test(2_000, 30, 0x2545_f491_4f6c_dd1d, true);
}
