//! The scale benchmark: generated people and groups through a full cycle and delta cycles, each
//! step's throughput, peak memory and the store's size, and each step's cost per object as a ratio
//! to writing the same records straight to sled in batches.
//!
//! Run with `benches/scale/run.sh` (it compiles the rule set and runs 100,000 and 1,000,000
//! people), or by hand:
//!
//! ```sh
//! cargo run --release --locked --bin metasync -- compile benches/scale/rules -o /tmp/scale.plan
//! cargo run --release --locked -p metasync-scale -- --plan /tmp/scale.plan --people 100000
//! ```

mod generate;
mod memory;

use metasync_runtime::engine::run::{RunOptions, Step, run};
use metasync_runtime::model::StepRecord;
use metasync_runtime::plan::Plan;
use metasync_runtime::store::Store;
use metasync_runtime::store::sled_store::SledStore;
use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// The allocator the `metasync` command uses, so the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const USAGE: &str = "\
metasync-scale: metasync's scale benchmark

Usage: metasync-scale --plan FILE [--people N] [--seed S] [--dir DIR] [--changes N] [--keep]

  --plan FILE     the compiled rule set of benches/scale/rules (metasync compile ... -o FILE)
  --people N      people to generate (default 100000)
  --seed S        generator seed (default 1)
  --dir DIR       working folder for the data and the store (default: a folder under the system's
                  temporary folder); emptied first
  --changes N     people changed in the delta cycle (default 1000)
  --keep          keep the working folder afterwards

Prints one line per step: objects, seconds, objects per second, peak memory (resident set) and the
cost per object as a ratio to writing the same records to sled in batches of 1,000 with a flush
per batch. Exit 1 when a step fails.";

#[derive(Debug)]
struct Args {
    plan: PathBuf,
    people: usize,
    seed: u64,
    dir: PathBuf,
    changes: usize,
    keep: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = std::env::args().skip(1);
    let mut plan = None;
    let mut people = 100_000;
    let mut seed = 1;
    let mut dir = None;
    let mut changes = 1_000;
    let mut keep = false;
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--help" | "-h" => return Err(String::new()),
            "--plan" => plan = Some(PathBuf::from(value("--plan")?)),
            "--people" => people = value("--people")?.parse().map_err(|_| "--people takes a number".to_string())?,
            "--seed" => seed = value("--seed")?.parse().map_err(|_| "--seed takes a number".to_string())?,
            "--dir" => dir = Some(PathBuf::from(value("--dir")?)),
            "--changes" => changes = value("--changes")?.parse().map_err(|_| "--changes takes a number".to_string())?,
            "--keep" => keep = true,
            // `cargo bench` passes this to every bench target.
            "--bench" => {}
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    let plan = plan.ok_or("--plan FILE is required")?;
    let dir = dir.unwrap_or_else(|| std::env::temp_dir().join(format!("metasync-scale-{people}")));
    Ok(Args { plan, people, seed, dir, changes, keep })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) if e.is_empty() => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match bench(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// One measured step.
struct Measured {
    what: String,
    objects: u64,
    elapsed: Duration,
    cpu: Option<Duration>,
    peak: Option<u64>,
}

impl Measured {
    fn per_second(&self) -> f64 {
        per_second(self.objects, self.elapsed)
    }
}

fn per_second(objects: u64, elapsed: Duration) -> f64 {
    // u64 -> f64 is exact below 2^53, far above any object count here.
    #[expect(clippy::cast_precision_loss, reason = "object counts are far below 2^53")]
    let objects = objects as f64;
    objects / elapsed.as_secs_f64().max(1e-9)
}

struct Bench<'a> {
    plan: Plan,
    store: SledStore,
    base: &'a Path,
    raw_per_second: f64,
    rows: Vec<Measured>,
}

impl Bench<'_> {
    /// Runs one step and records it; `objects` says how many objects it handled.
    fn step(&mut self, text: &str, objects: impl Fn(&StepRecord, &SledStore) -> u64) -> Result<StepRecord, String> {
        let step = Step::parse(text).ok_or_else(|| format!("not a step: {text}"))?;
        let terminal = std::io::stderr().is_terminal();
        memory::reset_peak();
        let cpu_before = memory::cpu_time();
        let started = Instant::now();
        let mut observe = |event| {
            if terminal && let metasync_runtime::engine::run::Event::Progress(n) = event {
                eprint!("\r{text}: {n}   ");
            }
        };
        let record = run(
            &self.plan,
            &self.store,
            self.base,
            text,
            &[step],
            &RunOptions { allow_deletes: ["directory".to_string()].into_iter().collect() },
            &|_| None,
            &mut observe,
        )
        .map_err(|e| format!("{text}: {e}"))?;
        let elapsed = started.elapsed();
        let cpu = memory::cpu_time().zip(cpu_before).map(|(after, before)| after.saturating_sub(before));
        if terminal {
            eprint!("\r\x1b[K");
        }
        let peak = memory::peak();
        let step_record = record.steps.into_iter().next().ok_or_else(|| format!("{text}: no step record"))?;
        if !step_record.completed {
            return Err(format!("{text}: stopped: {}", step_record.stopped.clone().unwrap_or_default()));
        }
        let measured =
            Measured { what: text.to_string(), objects: objects(&step_record, &self.store), elapsed, cpu, peak };
        self.print(&measured, &step_record);
        self.rows.push(measured);
        Ok(step_record)
    }

    fn print(&self, m: &Measured, record: &StepRecord) {
        let ratio = if m.objects == 0 { 0.0 } else { self.raw_per_second / m.per_second() };
        let counts: Vec<String> =
            record.counts.named().iter().filter(|(_, n)| *n > 0).map(|(name, n)| format!("{name} {n}")).collect();
        println!(
            "{:<26} {:>9} obj {:>9.2} s {:>8} cpu {:>10.0} obj/s {:>8} peak {:>7.1}x raw   ({})",
            m.what,
            m.objects,
            m.elapsed.as_secs_f64(),
            m.cpu.map(|c| format!("{:.2} s", c.as_secs_f64())).unwrap_or_else(|| "?".into()),
            m.per_second(),
            m.peak.map(memory::show).unwrap_or_else(|| "?".into()),
            ratio,
            counts.join(", "),
        );
    }
}

fn bench(args: &Args) -> Result<(), String> {
    let plan_text =
        std::fs::read_to_string(&args.plan).map_err(|e| format!("cannot read {}: {e}", args.plan.display()))?;
    let plan = Plan::from_json(&plan_text).map_err(|e| format!("{}: {e}", args.plan.display()))?;
    let _ = std::fs::remove_dir_all(&args.dir);
    std::fs::create_dir_all(&args.dir).map_err(|e| format!("cannot create {}: {e}", args.dir.display()))?;

    let started = Instant::now();
    let generated = generate::generate(&args.dir, args.people, args.seed).map_err(|e| format!("generate: {e}"))?;
    println!(
        "generated {} people, {} groups, {} memberships in {:.1} s (seed {}) in {}",
        generated.people,
        generated.groups,
        generated.memberships,
        started.elapsed().as_secs_f64(),
        args.seed,
        args.dir.display()
    );

    let raw = raw_sled(&args.dir)?;
    let raw_per_second = per_second(raw.0, raw.1);
    println!(
        "{:<26} {:>9} obj {:>9.2} s {:>10.0} obj/s   (raw sled: the HR and group records, batches of 1,000, one flush each)",
        "raw sled batch writes",
        raw.0,
        raw.1.as_secs_f64(),
        raw_per_second
    );

    let store_dir = args.dir.join("store");
    let store = SledStore::open(&store_dir).map_err(|e| e.to_string())?;
    let mut b = Bench { plan, store, base: &args.dir, raw_per_second, rows: Vec::new() };
    let people = u64::try_from(generated.people).unwrap_or(u64::MAX);
    let groups = u64::try_from(generated.groups).unwrap_or(u64::MAX);
    let cs_count = |connector: &'static str| {
        move |_: &StepRecord, store: &SledStore| store.cs_ids(connector).map_or(0, |v| v.len() as u64)
    };
    let exports = |r: &StepRecord, _: &SledStore| r.counts.exports;

    println!("-- full cycle");
    b.step("full import hr", |_, _| people)?;
    b.step("full import groups", |_, _| groups)?;
    b.step("full import directory", cs_count("directory"))?;
    b.step("full sync hr", cs_count("hr"))?;
    b.step("full sync groups", cs_count("groups"))?;
    b.step("export directory", exports)?;
    b.step("full import directory", cs_count("directory"))?;
    b.step("full sync directory", cs_count("directory"))?;
    let full: Vec<&Measured> = b.rows.iter().collect();
    let total: Duration = full.iter().map(|m| m.elapsed).sum();
    let peak = full.iter().filter_map(|m| m.peak).max();
    println!(
        "full cycle: {:.1} s, peak memory {}, store {} on disk",
        total.as_secs_f64(),
        peak.map(memory::show).unwrap_or_else(|| "?".into()),
        memory::show(dir_size(&store_dir))
    );

    println!("-- delta cycle: {} people changed (a new title each)", args.changes);
    generate::hr_changes(&args.dir, generated.people, args.changes, 1, args.seed).map_err(|e| format!("{e}"))?;
    let first = b.rows.len();
    let changed = |r: &StepRecord, _: &SledStore| r.counts.adds + r.counts.updates + r.counts.deletes;
    b.step("delta import hr", changed)?;
    let changes = u64::try_from(args.changes).unwrap_or(u64::MAX);
    b.step("delta sync hr", move |_, _| changes)?;
    b.step("export directory", exports)?;
    let cycle: Duration = b.rows.get(first..).unwrap_or_default().iter().map(|m| m.elapsed).sum();
    println!("delta cycle: {:.3} s", cycle.as_secs_f64());

    println!("-- one member added to the largest group ({} members)", generated.largest.len());
    let newcomer = (0..generated.people).find(|p| generated.largest.binary_search(p).is_err());
    if let Some(newcomer) = newcomer {
        generate::add_member(&args.dir, 0, &generated.largest, newcomer).map_err(|e| format!("{e}"))?;
        let first = b.rows.len();
        b.step("delta import groups", changed)?;
        b.step("delta sync groups", |_, _| 1)?;
        b.step("export directory", exports)?;
        let cycle: Duration = b.rows.get(first..).unwrap_or_default().iter().map(|m| m.elapsed).sum();
        println!("one added member: {:.3} s", cycle.as_secs_f64());
    } else {
        println!("(everyone is already a member: nothing to add)");
    }
    drop(b);
    if !args.keep {
        let _ = std::fs::remove_dir_all(&args.dir);
    }
    Ok(())
}

/// Writes the HR rows and group lines to a fresh sled database in batches of 1,000, one flush per
/// batch, keyed by their anchors: the floor under any store's import.
fn raw_sled(dir: &Path) -> Result<(u64, Duration), String> {
    let path = dir.join("raw-sled");
    let db = sled::Config::new().path(&path).open().map_err(|e| format!("raw sled: {e}"))?;
    let mut records: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for file in ["hr.csv", "groups.jsonl"] {
        let f = std::fs::File::open(dir.join("data").join(file)).map_err(|e| format!("{file}: {e}"))?;
        for (n, line) in BufReader::new(f).lines().enumerate() {
            let line = line.map_err(|e| format!("{file}: {e}"))?;
            let key = format!("{file}/{n:09}").into_bytes();
            records.push((key, line.into_bytes()));
        }
    }
    let started = Instant::now();
    for chunk in records.chunks(1_000) {
        let mut batch = sled::Batch::default();
        for (k, v) in chunk {
            batch.insert(k.as_slice(), v.as_slice());
        }
        db.apply_batch(batch).map_err(|e| format!("raw sled: {e}"))?;
        db.flush().map_err(|e| format!("raw sled: {e}"))?;
    }
    let elapsed = started.elapsed();
    drop(db);
    let _ = std::fs::remove_dir_all(&path);
    let _ = std::io::stdout().flush();
    Ok((records.len() as u64, elapsed))
}

/// The bytes of every file below `dir`.
fn dir_size(dir: &Path) -> u64 {
    let mut total = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match entry.metadata() {
                Ok(m) if m.is_dir() => stack.push(entry.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}
