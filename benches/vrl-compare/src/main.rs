//! metasync's evaluator against VRL on one 20-attribute person mapping.
//!
//! Both engines get the same generated records, prepared in memory before the clock starts, and
//! compute the same 20 outputs per record; the outputs are cross-checked record by record before
//! anything is timed. Each engine then runs every record in several rounds on one thread, and the
//! median round gives its records per second.
//!
//! Run: `cargo run --release --manifest-path benches/vrl-compare/Cargo.toml [-- --records N --rounds R]`

use std::collections::{BTreeMap, HashMap};
use std::hint::black_box;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use metasync_runtime::eval::{FlowValue, Record, eval_flow};
use metasync_runtime::plan::{Flow, Plan};
use metasync_runtime::value::Value as MsValue;

use vrl::compiler::runtime::Runtime;
use vrl::compiler::{Program, TargetValue, TimeZone};
use vrl::value::{KeyString, ObjectMap, Secrets, Value as VrlValue};

/// Both engines run on the allocator the `metasync` command uses (Vector, VRL's home, also
/// replaces the system allocator, with jemalloc).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const TARGET_RECORDS_PER_SECOND: f64 = 1_000_000.0;
const TARGET_RATIO: f64 = 2.0;

// ---------------------------------------------------------------------------------------------
// The mapping, in both languages.
// ---------------------------------------------------------------------------------------------

/// The mapping as a metasync rule set: the HR connector's person type, the metaverse person with
/// the 20 outputs, and one inbound rule with 20 flows.
const SYNC_RULES: &str = r#"# vrl-compare: one HR person mapped to 20 metaverse attributes.
connector hr: csv {
    path = "hr.csv"
    object person {
        anchor employeeNumber: string
        givenName: string
        surname: string
        employeeType: string
        status: string
        hireDate: string
        department: string
        title: string
        mobile: string?
        telephone: string?
        groups: [string]?
        city: string
        country: string?
        managerName: string
    }
}

metaverse {
    person {
        employeeId: string
        firstName: string
        lastName: string
        displayName: string
        sortName: string
        initials: string
        accountName: string
        userPrincipalName: string
        distinguishedName: string
        managerDn: string
        employeeTypeName: string
        hireDateText: string
        accountStart: string
        enabled: boolean
        groupList: string
        phone: string
        mobileNumber: string?
        countryCode: string
        departmentCode: string
        description: string
    }
}

inbound "HR people" hr.person -> person {
    join employeeId == "E" + employeeNumber
    project
    flow {
        employeeId        <- "E" + employeeNumber
        firstName         <- trim(givenName)
        lastName          <- trim(surname)
        displayName       <- trim(givenName) + " " + trim(surname)
        sortName          <- upper(trim(surname)) + ", " + trim(givenName)
        initials          <- upper(left(trim(givenName), 1) + left(trim(surname), 1))
        accountName       <- lower(left(trim(givenName), 1) + replace(trim(surname), " ", ""))
        userPrincipalName <- lower(replace(trim(givenName), " ", "") + "." + replace(trim(surname), " ", "")) + "@example.org"
        distinguishedName <- "CN=" + escape_dn(surname + ", " + givenName) + ",OU=" + escape_dn(department) + ",DC=example,DC=org"
        managerDn         <- "CN=" + escape_dn(managerName) + ",OU=People,DC=example,DC=org"
        employeeTypeName  <- if employeeType == "E" then "Employee"
                             else if employeeType == "C" then "Contractor"
                             else if employeeType == "I" then "Intern"
                             else "Other"
        hireDateText      <- format_datetime(to_datetime(hireDate), "dd.MM.yyyy")
        accountStart      <- format_datetime(to_datetime(hireDate), "yyyyMMddHHmmss.0Z")
        enabled           <- lower(status) == "active" and employeeType != "X"
        groupList         <- join(";", groups)
        phone             <- coalesce(telephone, mobile, "none")
        mobileNumber      <- if mobile is present then "+" + replace(trim(mobile), " ", "") else null
        countryCode       <- upper(coalesce(country, "us"))
        departmentCode    <- upper(left(department, 3))
        description       <- trim(title) + ", " + department + ", " + city
    }
}
"#;

/// VRL statements that set `dst` to `src` escaped as metasync's `escape_dn` does (RFC 4514):
/// `" + , ; < > \` get a backslash, NUL becomes `\00`, a leading `#` or space and a trailing space
/// get a backslash (one lone space is escaped once).
fn vrl_escape_dn(src: &str, dst: &str) -> String {
    format!(
        r##"{dst} = replace(replace(replace(replace(replace(replace(replace(replace({src}, "\\", "\\\\"), "\"", "\\\""), "+", "\\+"), ",", "\\,"), ";", "\\;"), "<", "\\<"), ">", "\\>"), "\0", "\\00")
{dst} = if starts_with({dst}, "#") || starts_with({dst}, " ") {{ "\\" + {dst} }} else {{ {dst} }}
{dst} = if length({src}) > 1 && ends_with({dst}, " ") {{ slice!({dst}, 0, -1) + "\\ " }} else {{ {dst} }}
"##
    )
}

/// The same mapping as a VRL program. The event is left as it is; the program's value is the
/// object of the 20 outputs (so the prepared events can be reused across rounds without copies).
fn vrl_program_source() -> String {
    let mut src = String::from(
        r#"# vrl-compare: one HR person mapped to 20 attributes.
given = strip_whitespace(string!(.givenName))
sur = strip_whitespace(string!(.surname))
et = string!(.employeeType)
dept = string!(.department)
# chrono's strptime needs a time of day: a date alone is midnight, as metasync's `to_datetime` reads it.
hire = parse_timestamp!(string!(.hireDate) + " 00:00:00", "%Y-%m-%d %H:%M:%S", timezone: "UTC")
dn_name = string!(.surname) + ", " + string!(.givenName)
mgr = string!(.managerName)
"#,
    );
    src.push_str(&vrl_escape_dn("dn_name", "dn_name_esc"));
    src.push_str(&vrl_escape_dn("dept", "dept_esc"));
    src.push_str(&vrl_escape_dn("mgr", "mgr_esc"));
    src.push_str(
        r#"type_name = if et == "E" { "Employee" } else if et == "C" { "Contractor" } else if et == "I" { "Intern" } else { "Other" }
mobile_number = if .mobile != null { "+" + replace(strip_whitespace(string!(.mobile)), " ", "") } else { null }
out = {
    "employeeId": "E" + string!(.employeeNumber),
    "firstName": given,
    "lastName": sur,
    "displayName": given + " " + sur,
    "sortName": upcase(sur) + ", " + given,
    "initials": upcase(truncate(given, 1) + truncate(sur, 1)),
    "accountName": downcase(truncate(given, 1) + replace(sur, " ", "")),
    "userPrincipalName": downcase(replace(given, " ", "") + "." + replace(sur, " ", "")) + "@example.org",
    "distinguishedName": "CN=" + dn_name_esc + ",OU=" + dept_esc + ",DC=example,DC=org",
    "managerDn": "CN=" + mgr_esc + ",OU=People,DC=example,DC=org",
    "employeeTypeName": type_name,
    "hireDateText": format_timestamp!(hire, "%d.%m.%Y", timezone: "UTC"),
    "accountStart": format_timestamp!(hire, "%Y%m%d%H%M%S.0Z", timezone: "UTC"),
    "enabled": downcase(string!(.status)) == "active" && et != "X",
    "groupList": join!(array(.groups) ?? [], ";"),
    "phone": string(.telephone) ?? string(.mobile) ?? "none",
    "mobileNumber": mobile_number,
    "countryCode": upcase(string(.country) ?? "us"),
    "departmentCode": upcase(truncate(dept, 3)),
    "description": strip_whitespace(string!(.title)) + ", " + dept + ", " + string!(.city)
}
out
"#,
    );
    src
}

// ---------------------------------------------------------------------------------------------
// Generated records.
// ---------------------------------------------------------------------------------------------

/// A deterministic xorshift64 generator.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    /// A number in `0..n`.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        let i = usize::try_from(self.below(items.len() as u64)).unwrap_or(0);
        items.get(i).copied().unwrap_or("")
    }
}

const GIVEN_NAMES: &[&str] = &[
    "Ada",
    "Grace",
    "Élodie",
    "Zoë",
    "Jürgen",
    "Åsa",
    "Søren",
    "Ñico",
    "Chloé",
    "Łukasz",
    "Björn",
    "Inès",
    "Mateo",
    "Yuki",
    "Omar",
    "Priya",
    "François",
    "Anaïs",
    "Mary Ann",
    "Jean-Luc",
];

/// Plain names, and names with characters a DN must escape (`,` `+` `#` `"` `;` `\` `<` `>`).
const SURNAMES: &[&str] = &[
    "Lovelace",
    "Hopper",
    "Müller",
    "Øvergård",
    "Núñez",
    "Çelik",
    "Åström",
    "Dvořák",
    "O'Brien",
    "Smith, Jr.",
    "Lee+Park",
    "#Hashtag",
    "\"Bud\" Miller",
    "Dupont; Sr",
    "Back\\slash",
    "<Tag>",
    "van der Berg",
    "Żółć",
    "Ébène",
    "Kowalski",
];

const DEPARTMENTS: &[&str] = &[
    "Engineering",
    "Sales, EMEA",
    "R&D",
    "Finance",
    "Human Resources",
    "#Ops",
    "Legal+Compliance",
    "Support ",
    "Façades",
];
const TITLES: &[&str] =
    &[" Senior Engineer", "Account Manager ", "Analyst", "Directeur général", "Intern", "Team Lead"];
const CITIES: &[&str] = &["Zürich", "São Paulo", "Berlin", "New York", "Kraków", "Montréal", "Tokyo"];
const COUNTRIES: &[&str] = &["ch", "br", "de", "us", "pl", "ca", "jp"];
const STATUSES: &[&str] = &["active", "Active", "ACTIVE", "inactive", "suspended"];
const GROUPS: &[&str] = &["staff", "vpn-users", "eng-all", "sales-emea", "building-a", "wifi", "Ünïcode-group", "a,b"];

/// One generated HR person.
#[derive(Debug, Clone)]
struct Person {
    employee_number: String,
    given_name: String,
    surname: String,
    employee_type: String,
    status: String,
    hire_date: String,
    department: String,
    title: String,
    mobile: Option<String>,
    telephone: Option<String>,
    groups: Vec<String>,
    city: String,
    country: Option<String>,
    manager_name: String,
}

/// Adds a leading or trailing space now and then (DN escaping and trimming must handle them).
fn with_spaces(rng: &mut XorShift, name: &str) -> String {
    match rng.below(12) {
        0 => format!(" {name}"),
        1 => format!("{name} "),
        2 => format!("  {name} "),
        _ => name.to_string(),
    }
}

fn digits(rng: &mut XorShift, n: usize) -> String {
    (0..n).map(|_| char::from(b'0' + u8::try_from(rng.below(10)).unwrap_or(0))).collect()
}

fn generate(count: usize) -> Vec<Person> {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    (0..count)
        .map(|i| {
            let given = rng.pick(GIVEN_NAMES);
            let given_name = with_spaces(&mut rng, given);
            let surname_raw = rng.pick(SURNAMES);
            let surname = with_spaces(&mut rng, surname_raw);
            let employee_type = match rng.below(10) {
                0..=5 => "E",
                6 | 7 => "C",
                8 => "I",
                _ => "X",
            }
            .to_string();
            let hire_date = format!("{:04}-{:02}-{:02}", 1990 + rng.below(36), 1 + rng.below(12), 1 + rng.below(28));
            let mobile = rng
                .chance(70)
                .then(|| format!("0{} {} {}", digits(&mut rng, 3), digits(&mut rng, 3), digits(&mut rng, 4)));
            let telephone = rng.chance(55).then(|| format!("+41 44 {} {}", digits(&mut rng, 3), digits(&mut rng, 4)));
            let group_count = rng.below(6);
            let groups = (0..group_count).map(|_| rng.pick(GROUPS).to_string()).collect();
            let country = (!rng.chance(15)).then(|| rng.pick(COUNTRIES).to_string());
            let manager_name = format!("{}, {}", rng.pick(SURNAMES), rng.pick(GIVEN_NAMES));
            Person {
                employee_number: format!("{:06}", i + 1),
                given_name,
                surname,
                employee_type,
                status: rng.pick(STATUSES).to_string(),
                hire_date,
                department: rng.pick(DEPARTMENTS).to_string(),
                title: rng.pick(TITLES).to_string(),
                mobile,
                telephone,
                groups,
                city: rng.pick(CITIES).to_string(),
                country,
                manager_name,
            }
        })
        .collect()
}

impl Person {
    /// The attributes by name; `None` for a missing value.
    fn fields(&self) -> Vec<(&'static str, Option<Field<'_>>)> {
        fn s(v: &String) -> Option<Field<'_>> {
            Some(Field::One(v.as_str()))
        }
        fn opt(v: &Option<String>) -> Option<Field<'_>> {
            v.as_deref().map(Field::One)
        }
        vec![
            ("employeeNumber", s(&self.employee_number)),
            ("givenName", s(&self.given_name)),
            ("surname", s(&self.surname)),
            ("employeeType", s(&self.employee_type)),
            ("status", s(&self.status)),
            ("hireDate", s(&self.hire_date)),
            ("department", s(&self.department)),
            ("title", s(&self.title)),
            ("mobile", opt(&self.mobile)),
            ("telephone", opt(&self.telephone)),
            ("groups", (!self.groups.is_empty()).then_some(Field::Many(&self.groups))),
            ("city", s(&self.city)),
            ("country", opt(&self.country)),
            ("managerName", s(&self.manager_name)),
        ]
    }
}

#[derive(Debug, Clone, Copy)]
enum Field<'a> {
    One(&'a str),
    Many(&'a [String]),
}

// ---------------------------------------------------------------------------------------------
// Engines.
// ---------------------------------------------------------------------------------------------

struct Metasync {
    flows: Vec<Flow>,
    /// The metaverse attribute name of each flow's target.
    targets: Vec<String>,
    /// The input attribute name of each slot.
    slots: Vec<String>,
}

fn compile_metasync() -> Result<Metasync, String> {
    let rule_set =
        metasync_compiler::ruleset::RuleSet::new(vec![("vrl-compare.sync".to_string(), SYNC_RULES.to_string())]);
    let diagnostics = rule_set.check();
    let errors: Vec<String> = diagnostics
        .iter()
        .filter(|d| d.diagnostic.is_error())
        .map(|d| {
            format!("{}: {:?} {} (at {:?})", d.path, d.diagnostic.code, d.diagnostic.message, d.diagnostic.primary.span)
        })
        .collect();
    if !errors.is_empty() {
        return Err(format!("the rule set does not check:\n{}", errors.join("\n")));
    }
    let plan: Plan = metasync_compiler::lower::lower(&rule_set.db).map_err(|e| format!("lowering failed: {e:?}"))?;
    let rule = plan.inbound.first().ok_or("the plan has no inbound rule")?;
    let object = plan
        .connectors
        .get(usize::from(rule.connector))
        .and_then(|c| c.objects.get(usize::from(rule.object)))
        .ok_or("the rule's object type is not in the plan")?;
    let mv = plan.metaverse.get(usize::from(rule.mv_type)).ok_or("the rule's metaverse type is not in the plan")?;
    let targets = rule
        .flows
        .iter()
        .map(|f| {
            mv.attributes.get(usize::from(f.target)).map(|a| a.name.clone()).ok_or("a flow target is not in the plan")
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Metasync {
        flows: rule.flows.clone(),
        targets,
        slots: object.attributes.iter().map(|a| a.name.clone()).collect(),
    })
}

impl Metasync {
    /// A record's values by slot.
    fn record(&self, p: &Person) -> Result<Vec<MsValue>, String> {
        let fields: HashMap<&str, Option<Field<'_>>> = p.fields().into_iter().collect();
        if fields.len() != self.slots.len() {
            return Err(format!(
                "the rule set declares {} attributes, records have {}",
                self.slots.len(),
                fields.len()
            ));
        }
        self.slots
            .iter()
            .map(|name| match fields.get(name.as_str()) {
                None => Err(format!("no generated value for attribute `{name}`")),
                Some(None) => Ok(MsValue::Null),
                Some(Some(Field::One(s))) => Ok(MsValue::String((*s).to_string())),
                Some(Some(Field::Many(items))) => {
                    Ok(MsValue::List(items.iter().map(|s| MsValue::String(s.clone())).collect()))
                }
            })
            .collect()
    }

    /// The 20 outputs of one record, in flow order.
    #[inline]
    fn run(&self, values: &[MsValue]) -> Result<Vec<MsValue>, String> {
        let env = Record(values);
        let mut out = Vec::with_capacity(self.flows.len());
        for flow in &self.flows {
            match eval_flow(&flow.value, &env) {
                Ok(FlowValue::Value(v)) => out.push(v.into_owned()),
                Ok(FlowValue::AuthoritativeNull | FlowValue::Ignore) => out.push(MsValue::Null),
                Err(e) => return Err(e.0),
            }
        }
        Ok(out)
    }
}

fn vrl_event(p: &Person) -> TargetValue {
    let mut map = ObjectMap::new();
    for (name, field) in p.fields() {
        let value = match field {
            None => continue,
            Some(Field::One(s)) => VrlValue::from(s),
            Some(Field::Many(items)) => VrlValue::Array(items.iter().map(|s| VrlValue::from(s.as_str())).collect()),
        };
        map.insert(KeyString::from(name), value);
    }
    TargetValue {
        value: VrlValue::Object(map),
        metadata: VrlValue::Object(ObjectMap::new()),
        secrets: Secrets::default(),
    }
}

fn compile_vrl() -> Result<(Program, String), String> {
    let source = vrl_program_source();
    let fns = vrl::stdlib::all();
    match vrl::compiler::compile(&source, &fns) {
        Ok(result) => Ok((result.program, source)),
        Err(diagnostics) => Err(format!(
            "the VRL program does not compile:\n{}",
            vrl::diagnostic::Formatter::new(&source, diagnostics).to_string()
        )),
    }
}

// ---------------------------------------------------------------------------------------------
// Cross-check.
// ---------------------------------------------------------------------------------------------

/// A value both engines can be compared in.
#[derive(Debug, Clone, PartialEq)]
enum Cmp {
    Null,
    Str(String),
    Bool(bool),
    List(Vec<Cmp>),
    Other(String),
}

fn from_metasync(v: &MsValue) -> Cmp {
    match v {
        MsValue::Null => Cmp::Null,
        MsValue::String(s) => Cmp::Str(s.clone()),
        MsValue::Boolean(b) => Cmp::Bool(*b),
        MsValue::List(items) => Cmp::List(items.iter().map(from_metasync).collect()),
        other => Cmp::Other(other.to_literal()),
    }
}

fn from_vrl(v: &VrlValue) -> Cmp {
    match v {
        VrlValue::Null => Cmp::Null,
        VrlValue::Bytes(b) => Cmp::Str(String::from_utf8_lossy(b).into_owned()),
        VrlValue::String(s) => Cmp::Str(s.to_string()),
        VrlValue::Boolean(b) => Cmp::Bool(*b),
        VrlValue::Array(items) => Cmp::List(items.iter().map(from_vrl).collect()),
        other => Cmp::Other(format!("{other:?}")),
    }
}

fn cross_check(
    ms: &Metasync,
    ms_records: &[Vec<MsValue>],
    program: &Program,
    vrl_events: &mut [TargetValue],
    people: &[Person],
) -> Result<(), String> {
    let tz = utc();
    let mut runtime = Runtime::default();
    for (i, (values, event)) in ms_records.iter().zip(vrl_events.iter_mut()).enumerate() {
        let person = people.get(i).map_or_else(String::new, |p| format!("{p:#?}"));
        let ms_out = ms.run(values).map_err(|e| format!("record {i}: metasync failed: {e}\n{person}"))?;
        let ms_map: BTreeMap<String, Cmp> = ms.targets.iter().cloned().zip(ms_out.iter().map(from_metasync)).collect();
        let vrl_out =
            runtime.resolve(event, program, &tz).map_err(|e| format!("record {i}: vrl failed: {e}\n{person}"))?;
        runtime.clear();
        let VrlValue::Object(obj) = &vrl_out else {
            return Err(format!("record {i}: the VRL program returned {vrl_out:?}, not an object"));
        };
        let vrl_map: BTreeMap<String, Cmp> = obj.iter().map(|(k, v)| (k.to_string(), from_vrl(v))).collect();
        if ms_map.len() != 20 {
            return Err(format!("the metasync rule has {} flows, not 20", ms_map.len()));
        }
        if ms_map != vrl_map {
            let mut report = format!("record {i}: the outputs differ\ninput: {person}\n");
            let keys: std::collections::BTreeSet<&String> = ms_map.keys().chain(vrl_map.keys()).collect();
            for k in keys {
                let (a, b) = (ms_map.get(k), vrl_map.get(k));
                let mark = if a == b { "  " } else { "!!" };
                report.push_str(&format!("{mark} {k:<18} metasync: {a:?}\n{mark} {:<18} vrl:      {b:?}\n", ""));
            }
            return Err(report);
        }
    }
    Ok(())
}

fn utc() -> TimeZone {
    TimeZone::parse("UTC").unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Timing.
// ---------------------------------------------------------------------------------------------

fn time_metasync(ms: &Metasync, records: &[Vec<MsValue>]) -> Result<Duration, String> {
    let start = Instant::now();
    for values in records {
        let out = ms.run(black_box(values))?;
        black_box(out);
    }
    Ok(start.elapsed())
}

fn time_vrl(program: &Program, events: &mut [TargetValue]) -> Result<Duration, String> {
    let tz = utc();
    let mut runtime = Runtime::default();
    let start = Instant::now();
    for event in events.iter_mut() {
        let out = runtime.resolve(black_box(event), program, &tz).map_err(|e| e.to_string())?;
        runtime.clear();
        black_box(out);
    }
    Ok(start.elapsed())
}

/// metasync's time per record of each flow alone (best of `count` rounds).
fn per_flow(ms: &Metasync, records: &[Vec<MsValue>], count: usize) -> Result<(), String> {
    println!("metasync per flow (best of {count} rounds, ns per record):");
    let mut total = 0.0;
    for (flow, target) in ms.flows.iter().zip(&ms.targets) {
        let mut best = Duration::MAX;
        for _ in 0..=count {
            let start = Instant::now();
            for values in records {
                let env = Record(black_box(values));
                let v = eval_flow(&flow.value, &env).map_err(|e| e.0)?;
                black_box(v);
            }
            best = best.min(start.elapsed());
        }
        let ns = best.as_secs_f64() * 1e9 / records.len() as f64;
        total += ns;
        println!("  {target:<18} {ns:>7.0}");
    }
    println!("  {:<18} {total:>7.0}", "sum");
    Ok(())
}

struct Rounds {
    median: Duration,
    best: Duration,
}

fn rounds(count: usize, mut run: impl FnMut() -> Result<Duration, String>) -> Result<Rounds, String> {
    run()?; // warm-up
    let mut times = (0..count).map(|_| run()).collect::<Result<Vec<_>, _>>()?;
    times.sort();
    let median = times.get(times.len() / 2).copied().unwrap_or_default();
    let best = times.first().copied().unwrap_or_default();
    Ok(Rounds { median, best })
}

fn per_second(records: usize, d: Duration) -> f64 {
    records as f64 / d.as_secs_f64().max(1e-12)
}

/// `1234567.8` as `1,234,568`.
fn thousands(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown cpu".to_string())
}

// ---------------------------------------------------------------------------------------------

struct Options {
    records: usize,
    rounds: usize,
    /// Time only this engine (`metasync` or `vrl`) and skip the cross-check: for profiling.
    only: Option<String>,
    /// Also time metasync flow by flow.
    per_flow: bool,
}

fn options() -> Result<Options, String> {
    let mut o = Options { records: 100_000, rounds: 5, only: None, per_flow: false };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = |what: &str| -> Result<usize, String> {
            args.next()
                .and_then(|v| v.replace('_', "").parse().ok())
                .filter(|n: &usize| *n > 0)
                .ok_or_else(|| format!("{what} needs a positive number"))
        };
        match arg.as_str() {
            "--records" => o.records = number("--records")?,
            "--rounds" => o.rounds = number("--rounds")?,
            "--per-flow" => o.per_flow = true,
            "--only" => match args.next().as_deref() {
                Some(e @ ("metasync" | "vrl")) => o.only = Some(e.to_string()),
                _ => return Err("--only needs `metasync` or `vrl`".to_string()),
            },
            "-h" | "--help" => {
                println!(
                    "usage: vrl-compare [--records N (100000)] [--rounds R (5)] [--only metasync|vrl (profiling: no cross-check)] [--per-flow]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument `{other}` (try --help)")),
        }
    }
    Ok(o)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vrl-compare: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let opts = options()?;
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!(
        "environment: {} | {cores} cores (timed on 1 thread) | {} | {} {}",
        cpu_model(),
        env!("VRL_COMPARE_RUSTC_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    );

    let t = Instant::now();
    let ms = compile_metasync()?;
    let ms_compile = t.elapsed();
    let t = Instant::now();
    let (program, _source) = compile_vrl()?;
    let vrl_compile = t.elapsed();
    println!(
        "mapping: {} outputs; compiled in {:.1} ms (metasync: check + lower) and {:.1} ms (vrl)",
        ms.flows.len(),
        ms_compile.as_secs_f64() * 1e3,
        vrl_compile.as_secs_f64() * 1e3
    );
    if ms.flows.len() != 20 {
        return Err(format!("the mapping has {} flows, not 20", ms.flows.len()));
    }

    let people = generate(opts.records);
    let ms_records = people.iter().map(|p| ms.record(p)).collect::<Result<Vec<_>, _>>()?;
    let mut vrl_events: Vec<TargetValue> = people.iter().map(vrl_event).collect();

    if let Some(engine) = &opts.only {
        let n = opts.records;
        let r = if engine == "metasync" {
            rounds(opts.rounds, || time_metasync(&ms, &ms_records))?
        } else {
            rounds(opts.rounds, || time_vrl(&program, &mut vrl_events))?
        };
        println!(
            "{engine} only (no cross-check): median {} records/s, best {} records/s",
            thousands(per_second(n, r.median)),
            thousands(per_second(n, r.best))
        );
        return Ok(());
    }

    if let Err(report) = cross_check(&ms, &ms_records, &program, &mut vrl_events, &people) {
        eprintln!("cross-check FAILED\n{report}");
        std::process::exit(1);
    }
    println!("cross-check: {} records, all 20 outputs equal", thousands(opts.records as f64));

    let ms_rounds = rounds(opts.rounds, || time_metasync(&ms, &ms_records))?;
    let vrl_rounds = rounds(opts.rounds, || time_vrl(&program, &mut vrl_events))?;

    let n = opts.records;
    let ms_rate = per_second(n, ms_rounds.median);
    let vrl_rate = per_second(n, vrl_rounds.median);
    let ratio = ms_rate / vrl_rate;
    println!(
        "rounds: {} after 1 warm-up, {} records each; best round: metasync {} records/s, vrl {} records/s",
        opts.rounds,
        thousands(n as f64),
        thousands(per_second(n, ms_rounds.best)),
        thousands(per_second(n, vrl_rounds.best))
    );
    println!(
        "median round: metasync {:.1} ms ({:.0} ns/record), vrl {:.1} ms ({:.0} ns/record)",
        ms_rounds.median.as_secs_f64() * 1e3,
        ms_rounds.median.as_secs_f64() * 1e9 / n as f64,
        vrl_rounds.median.as_secs_f64() * 1e3,
        vrl_rounds.median.as_secs_f64() * 1e9 / n as f64
    );
    println!(
        "metasync: {} records/s   vrl: {} records/s   ratio: {ratio:.2}x   (targets: >= {} records/s, >= {TARGET_RATIO}x vrl)",
        thousands(ms_rate),
        thousands(vrl_rate),
        thousands(TARGET_RECORDS_PER_SECOND)
    );
    if opts.per_flow {
        per_flow(&ms, &ms_records, opts.rounds)?;
    }
    let yes = |b: bool| if b { "met" } else { "MISSED" };
    println!(
        "targets: throughput {} ({} vs {}), ratio {} ({ratio:.2}x vs {TARGET_RATIO}x)",
        yes(ms_rate >= TARGET_RECORDS_PER_SECOND),
        thousands(ms_rate),
        thousands(TARGET_RECORDS_PER_SECOND),
        yes(ratio >= TARGET_RATIO)
    );
    Ok(())
}
