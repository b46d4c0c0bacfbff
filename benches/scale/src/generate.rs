//! The seeded data generator: N people in an HR file (CSV, 20 columns, a manager hierarchy),
//! 5,000 groups in a group system (JSON lines) whose sizes follow a long tail (the largest has
//! 50,000 members, the k-th largest 50,000 / k), and an empty directory (LDIF).
//!
//! The same seed and size give the same bytes.

use std::collections::HashSet;
use std::fmt::Write as _;
use std::io::{self, BufWriter, Write};
use std::path::Path;

/// Groups generated.
pub const GROUPS: usize = 5_000;
/// Members of the largest group (capped at the number of people).
pub const LARGEST_GROUP: usize = 50_000;

const GIVEN: &[&str] = &[
    "Ann", "Bob", "Chloé", "David", "Émile", "Fatima", "George", "Hana", "Ivan", "Józef", "Kari", "Leila", "Marco",
    "Nina", "Olivier", "Priya", "Quentin", "Rosa", "Søren", "Tomás", "Uma", "Victor", "Wen", "Xavier", "Yusuf", "Zoë",
    "Mary Ann", "Jean-Luc", "Aïcha", "Björn",
];
const SURNAMES: &[&str] = &[
    "Lee",
    "Smith",
    "García",
    "Müller",
    "Okafor",
    "Nguyen",
    "Kowalski",
    "Rossi",
    "Dubois",
    "Andersson",
    "Tanaka",
    "O'Brien",
    "van der Berg",
    "Silva",
    "Novák",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kaur",
    "Lopez",
    "Martin",
    "Nakamura",
    "Olsen",
    "Petrov",
    "Quinn",
    "Rahman",
    "Schmidt",
    "Torres",
    "Weiß",
    "Young",
];
const TITLES: &[&str] = &[
    "Engineer",
    "Senior Engineer",
    "Analyst",
    "Accountant",
    "Sales Representative",
    "Manager",
    "Director",
    "Designer",
    "Recruiter",
    "Technician",
    "Consultant",
    "Administrator",
];
const CITIES: &[(&str, &str)] = &[
    ("Paris", "fr"),
    ("Berlin", "de"),
    ("London", "gb"),
    ("New York", "us"),
    ("Tokyo", "jp"),
    ("São Paulo", "br"),
    ("Lagos", "ng"),
    ("Sydney", "au"),
];

/// A deterministic pseudo-random sequence (splitmix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A sequence from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        let n64 = u64::try_from(n).unwrap_or(u64::MAX).max(1);
        usize::try_from(self.next() % n64).unwrap_or(0)
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
        from.get(self.below(from.len())).copied().unwrap_or("")
    }
}

/// The employee id of person `i` (0-based).
pub fn employee_id(i: usize) -> String {
    format!("E{:07}", i + 1)
}

/// The group id of the `k`-th largest group (0-based).
pub fn group_id(k: usize) -> String {
    format!("G{:05}", k + 1)
}

/// The size of the `k`-th largest group (0-based) among `people` people.
pub fn group_size(k: usize, people: usize) -> usize {
    (LARGEST_GROUP / (k + 1)).clamp(1, people.max(1))
}

/// The HR header.
pub const HR_HEADER: &str = "employeeId,givenName,middleName,surname,preferredName,department,division,costCenter,title,\
managerId,employeeType,status,workPhone,mobile,location,city,country,hireDate,terminationDate,personalEmail";

/// One person's HR row, the same for the same seed and person; `version` changes the title (a
/// later version of the same person).
pub fn hr_row(i: usize, version: usize, seed: u64) -> String {
    let rng = &mut Rng::new(seed ^ (i as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let given = rng.pick(GIVEN);
    let surname = rng.pick(SURNAMES);
    let middle = if rng.chance(30) { rng.pick(GIVEN) } else { "" };
    let preferred = if rng.chance(10) { rng.pick(GIVEN) } else { "" };
    let department = rng.below(40);
    let title = rng.pick(TITLES);
    let manager = if i == 0 { String::new() } else { employee_id(i / 8) };
    let contractor = rng.chance(15);
    let status = match rng.below(100) {
        0 => "terminated",
        1 | 2 => "leave",
        _ => "active",
    };
    let mobile = if rng.chance(60) { format!("+1 555 7{:06}", rng.below(1_000_000)) } else { String::new() };
    let (city, country) = CITIES.get(rng.below(CITIES.len())).copied().unwrap_or(("Paris", "fr"));
    let hire = format!("20{:02}-{:02}-{:02}T09:00:00Z", rng.below(25), 1 + rng.below(12), 1 + rng.below(28));
    let termination = if status == "terminated" { "2026-06-30T17:00:00Z" } else { "" };
    let personal = if rng.chance(50) { format!("p{i}@mail.example.net") } else { String::new() };
    let mut row = String::with_capacity(256);
    let _ = write!(
        row,
        "{},{given},{middle},\"{surname}\",{preferred},D{department:02},DIV{},CC{:04},{title}{},{manager},{},{status},\
         +1 555 {:07},{mobile},B{}-{},{city},{country},{hire},{termination},{personal}",
        employee_id(i),
        department / 5,
        rng.below(10_000),
        if version > 0 { format!(" v{version}") } else { String::new() },
        if contractor { "contractor" } else { "employee" },
        i % 10_000_000,
        rng.below(20),
        rng.below(500),
    );
    row
}

/// The members of group `k`: distinct people, chosen by Floyd's sampling.
pub fn group_members(k: usize, people: usize, rng: &mut Rng) -> Vec<usize> {
    let size = group_size(k, people);
    let mut chosen: HashSet<usize> = HashSet::with_capacity(size);
    let mut order = Vec::with_capacity(size);
    for j in people - size..people {
        let t = rng.below(j + 1);
        let pick = if chosen.contains(&t) { j } else { t };
        chosen.insert(pick);
        order.push(pick);
    }
    order.sort_unstable();
    order
}

/// Appends `changes` people's new titles to the HR change log (people spread over the file).
pub fn hr_changes(dir: &Path, people: usize, changes: usize, version: usize, seed: u64) -> io::Result<()> {
    let mut log = std::fs::OpenOptions::new().append(true).open(dir.join("data/hr.changes.csv"))?;
    let mut text = String::new();
    let step = (people / changes.max(1)).max(1);
    for i in (0..people).step_by(step).take(changes) {
        let _ = writeln!(text, "update,{}", hr_row(i, version, seed));
    }
    log.write_all(text.as_bytes())
}

/// Appends one member to group `k` in the group change log (an update of `memberIds`).
pub fn add_member(dir: &Path, k: usize, members: &[usize], new: usize) -> io::Result<()> {
    let mut log = std::fs::OpenOptions::new().append(true).open(dir.join("data/groups.changes.jsonl"))?;
    let mut ids: Vec<String> = members.iter().map(|&m| employee_id(m)).collect();
    ids.push(employee_id(new));
    let line = serde_json::json!({ "changeType": "update", "groupId": group_id(k), "memberIds": ids });
    writeln!(log, "{line}")
}

/// One group's JSON line.
pub fn group_line(k: usize, members: &[usize]) -> String {
    let ids: Vec<String> = members.iter().map(|&m| employee_id(m)).collect();
    let owner = members.first().map(|&m| employee_id(m));
    serde_json::json!({
        "groupId": group_id(k),
        "name": format!("Group {}", k + 1),
        "description": format!("Generated group {} of {GROUPS}", k + 1),
        "owner": owner,
        "memberIds": ids,
    })
    .to_string()
}

/// What was generated.
#[derive(Debug, Clone)]
pub struct Generated {
    /// People (HR rows).
    pub people: usize,
    /// Groups.
    pub groups: usize,
    /// Group memberships.
    pub memberships: usize,
    /// The members of the largest group.
    pub largest: Vec<usize>,
}

/// Writes `data/hr.csv`, `data/groups.jsonl` and an empty `data/directory.ldif` under `dir`.
pub fn generate(dir: &Path, people: usize, seed: u64) -> io::Result<Generated> {
    let data = dir.join("data");
    std::fs::create_dir_all(&data)?;
    let mut rng = Rng::new(seed);
    let mut hr = BufWriter::new(std::fs::File::create(data.join("hr.csv"))?);
    writeln!(hr, "{HR_HEADER}")?;
    for i in 0..people {
        writeln!(hr, "{}", hr_row(i, 0, seed))?;
    }
    hr.flush()?;
    let mut groups = BufWriter::new(std::fs::File::create(data.join("groups.jsonl"))?);
    let mut memberships = 0;
    let mut largest = Vec::new();
    let count = if people == 0 { 0 } else { GROUPS };
    for k in 0..count {
        let members = group_members(k, people, &mut rng);
        memberships += members.len();
        writeln!(groups, "{}", group_line(k, &members))?;
        if k == 0 {
            largest = members;
        }
    }
    groups.flush()?;
    std::fs::write(data.join("directory.ldif"), "version: 1\n")?;
    let _ = std::fs::remove_file(data.join("directory.changes.ldif"));
    // The change logs start empty: delta imports read what the benchmark appends.
    std::fs::write(data.join("hr.changes.csv"), format!("changeType,{HR_HEADER}\n"))?;
    std::fs::write(data.join("groups.changes.jsonl"), "")?;
    Ok(Generated { people, groups: count, memberships, largest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_are_long_tailed_and_distinct() {
        assert_eq!(group_size(0, 100_000), 50_000);
        assert_eq!(group_size(1, 100_000), 25_000);
        assert_eq!(group_size(4_999, 100_000), 10);
        assert_eq!(group_size(0, 1_000), 1_000);
        let mut rng = Rng::new(7);
        let members = group_members(0, 60_000, &mut rng);
        assert_eq!(members.len(), 50_000);
        assert!(members.windows(2).all(|w| w.first() < w.get(1)), "sorted and distinct");
        assert!(members.last().is_some_and(|&m| m < 60_000));
    }

    #[test]
    fn rows_have_twenty_columns_and_are_seeded() {
        let row = hr_row(5, 0, 1);
        assert_eq!(row, hr_row(5, 0, 1));
        let changed = hr_row(5, 1, 1);
        assert_ne!(row, changed);
        assert_eq!(row.split(',').filter(|f| !changed.split(',').any(|g| g == *f)).count(), 1, "only the title");
        assert_eq!(HR_HEADER.split(',').count(), 20);
        // Quoted surnames hold no comma, so splitting on commas counts the columns.
        assert_eq!(row.split(',').count(), 20, "{row}");
    }
}
