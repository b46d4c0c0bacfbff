//! Engine scenarios over the in-memory store, with a connector that serves given objects and
//! records what it is asked to export (the file connectors have their own tests; these check the
//! engine's semantics).

use metasync_compiler::lower::lower;
use metasync_compiler::ruleset::RuleSet;
use metasync_runtime::connectors::{
    Connector, ConnectorError, EntryChange, EntryError, ExportRequest, ExportResult, ImportEntry, ImportMode,
    ImportPage,
};
use metasync_runtime::engine::export::{ExportOptions, export};
use metasync_runtime::engine::import::import;
use metasync_runtime::engine::sync::synchronize;
use metasync_runtime::engine::{self, EngineError, StepReport};
use metasync_runtime::model::{
    AttrChange, CsKind, CsObject, ExportChange, ImportChange, Link, MvObject, PendingExport, PendingImport,
};
use metasync_runtime::plan::{self, Plan};
use metasync_runtime::store::memory::MemoryStore;
use metasync_runtime::store::{Batch, Op, Store};
use metasync_runtime::value::Value;
use std::collections::BTreeMap;

const RULES: &str = r#"
connector hr: jsonl {
    path = "hr.jsonl"
    object person {
        anchor employeeId: string
        givenName: string
        surname: string
        status: string
        managerId: ref person?
    }
}

connector directory: ldif {
    path = "directory.ldif"
    object inetOrgPerson {
        anchor uid: string
        required cn: string
        required sn: string
        employeeNumber: string?
        manager: ref inetOrgPerson?
    }
}

metaverse {
    person {
        employeeId: string
        displayName: string
        lastName: string
        account: string
        manager: ref person?
        delete when unlinked from hr
    }
}

inbound "HR" hr.person -> person {
    precedence 10
    scope status != "terminated"
    join employeeId == employeeId
    project
    flow {
        employeeId  <- employeeId
        displayName <- givenName + " " + surname
        lastName    <- surname
        account     <- lower(left(givenName, 1) + surname)
        manager     <- managerId
    }
}

inbound "Directory" directory.inetOrgPerson -> person {
    precedence 20
    join employeeId == employeeNumber ?? ""
}

outbound "Accounts" person -> directory.inetOrgPerson {
    provision dn = "uid=" + escape_dn(account) + ",ou=people,dc=example,dc=org"
    deprovision delete
    flow {
        uid <- account once
        cn  <- displayName
        sn  <- lastName
        employeeNumber <- employeeId
        manager <- manager
    }
}
"#;

fn plan() -> Plan {
    compile(RULES)
}

fn compile(text: &str) -> Plan {
    let rules = RuleSet::new(vec![("rules.sync".to_string(), text.to_string())]);
    let errors: Vec<String> =
        rules.check().iter().filter(|d| d.diagnostic.is_error()).map(|d| d.diagnostic.message.clone()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    lower(&rules.db).unwrap_or_else(|e| unreachable_plan(&e.0))
}

fn unreachable_plan(why: &str) -> Plan {
    assert!(why.is_empty(), "{why}");
    Plan::default()
}

/// How the fake answers exports.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// Every request succeeds.
    #[default]
    Succeed,
    /// Deletes fail, the rest succeeds.
    FailDeletes,
    /// Every request fails (and the run goes on).
    FailAll,
}

/// A connector that serves `entries` (or, for delta imports, `pages` after the watermark it is
/// given) and records the import modes it is asked for and the exports it is sent.
#[derive(Debug, Default)]
struct Fake {
    entries: Vec<ImportEntry>,
    /// Delta pages: entries and the watermark after the page.
    pages: Vec<(Vec<Result<ImportEntry, EntryError>>, String)>,
    /// Serve `pages` rather than `entries`.
    paged: bool,
    queue: Vec<ImportPage>,
    modes: Vec<ImportMode>,
    answer: Answer,
    exported: Vec<ExportRequest>,
    /// `flush` fails (the system could not make the exports durable).
    flush_fails: bool,
    /// How many times `flush` was called.
    flushes: usize,
}

impl Connector for Fake {
    fn open(&mut self) -> Result<(), ConnectorError> {
        Ok(())
    }
    fn discover(&mut self) -> Result<Vec<plan::ObjectType>, ConnectorError> {
        Ok(Vec::new())
    }
    fn start_import(&mut self, mode: ImportMode, _page_size: usize) -> Result<(), ConnectorError> {
        self.queue = if self.paged {
            // Resume after the page whose watermark the engine gives back.
            let start = match &mode {
                ImportMode::Delta(Some(mark)) => self.pages.iter().position(|(_, w)| w == mark).map_or(0, |i| i + 1),
                _ => 0,
            };
            self.pages
                .iter()
                .skip(start)
                .map(|(entries, mark)| ImportPage { entries: entries.clone(), watermark: Some(mark.clone()) })
                .collect()
        } else {
            vec![ImportPage { entries: self.entries.iter().cloned().map(Ok).collect(), watermark: None }]
        };
        self.queue.reverse();
        self.modes.push(mode);
        Ok(())
    }
    fn next_page(&mut self) -> Result<Option<ImportPage>, ConnectorError> {
        Ok(self.queue.pop())
    }
    fn export(&mut self, batch: &[ExportRequest]) -> Result<Vec<ExportResult>, ConnectorError> {
        self.exported.extend(batch.iter().cloned());
        let fail = |message: &str| ExportResult::Error { message: message.to_string(), stop: false };
        Ok(batch
            .iter()
            .map(|r| match (self.answer, r.change) {
                (Answer::FailAll, _) => fail("the server said no"),
                (Answer::FailDeletes, ExportChange::Delete) => fail("insufficient access rights"),
                _ => ExportResult::Success { anchor: None },
            })
            .collect())
    }
    fn flush(&mut self) -> Result<(), ConnectorError> {
        self.flushes += 1;
        if self.flush_fails {
            return Err(ConnectorError("the disk is full".to_string()));
        }
        Ok(())
    }
    fn close(&mut self) -> Result<(), ConnectorError> {
        Ok(())
    }
}

fn s(text: &str) -> Value {
    Value::String(text.to_string())
}

fn r(text: &str) -> Value {
    Value::Reference(text.to_string())
}

fn attrs(pairs: &[(&str, Value)]) -> BTreeMap<String, Value> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect()
}

fn person(id: &str, given: &str, surname: &str, status: &str, manager: Option<&str>) -> ImportEntry {
    let mut attributes =
        attrs(&[("employeeId", s(id)), ("givenName", s(given)), ("surname", s(surname)), ("status", s(status))]);
    if let Some(m) = manager {
        attributes.insert("managerId".to_string(), r(m));
    }
    ImportEntry {
        object_type: "person".to_string(),
        dn: id.to_string(),
        anchor: id.to_string(),
        change: EntryChange::Object,
        attributes,
    }
}

fn account(uid: &str, cn: &str, sn: &str, employee_number: &str) -> ImportEntry {
    ImportEntry {
        object_type: "inetOrgPerson".to_string(),
        dn: dn(uid),
        anchor: uid.to_string(),
        change: EntryChange::Object,
        attributes: attrs(&[("uid", s(uid)), ("cn", s(cn)), ("sn", s(sn)), ("employeeNumber", s(employee_number))]),
    }
}

fn dn(uid: &str) -> String {
    format!("uid={uid},ou=people,dc=example,dc=org")
}

fn no_progress(_: u64) {}

/// Fails the test: an object it needs is missing.
fn missing(what: &str) {
    assert!(what.is_empty(), "missing: {what}");
}

fn full_import(plan: &Plan, store: &MemoryStore, connector: &str, fake: &mut Fake) -> StepReport {
    let report = import(plan, store, connector, fake, true, 100, &mut no_progress);
    assert!(report.is_ok(), "{report:?}");
    report.unwrap_or_default()
}

fn delta_import(plan: &Plan, store: &MemoryStore, connector: &str, fake: &mut Fake) -> StepReport {
    let report = import(plan, store, connector, fake, false, 100, &mut no_progress);
    assert!(report.is_ok(), "{report:?}");
    report.unwrap_or_default()
}

fn delta_sync(plan: &Plan, store: &MemoryStore, connector: &str) -> StepReport {
    let report = synchronize(plan, store, connector, false, 1, &mut no_progress);
    assert!(report.is_ok(), "{report:?}");
    let report = report.unwrap_or_default();
    assert_eq!(report.counts.errors, 0, "{:?}", report.issues);
    report
}

fn export_all(plan: &Plan, store: &MemoryStore, connector: &str, fake: &mut Fake) -> StepReport {
    let report = export(plan, store, connector, fake, ExportOptions::default(), &mut no_progress);
    assert!(report.is_ok(), "{report:?}");
    report.unwrap_or_default()
}

/// Every object of a connector space, in id order.
fn space(store: &MemoryStore, connector: &str) -> Vec<CsObject> {
    store
        .cs_ids(connector)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|id| store.cs(connector, id).ok().flatten())
        .collect()
}

/// Every metaverse object, in id order.
fn metaverse(store: &MemoryStore) -> Vec<MvObject> {
    store.mv_ids().unwrap_or_default().into_iter().filter_map(|id| store.mv(id).ok().flatten()).collect()
}

fn cs_at(store: &MemoryStore, connector: &str, key: &str) -> Option<CsObject> {
    space(store, connector).into_iter().find(|o| o.anchor.as_deref() == Some(key) || o.dn.eq_ignore_ascii_case(key))
}

fn mv_of(store: &MemoryStore, o: Option<&CsObject>) -> Option<MvObject> {
    o.and_then(|o| o.link).and_then(|id| store.mv(id).ok().flatten())
}

/// An export request in short: what, where, and the values sent.
type Sent = (ExportChange, String, Vec<(String, Value)>);

fn sent(requests: &[ExportRequest]) -> Vec<Sent> {
    requests
        .iter()
        .map(|q| (q.change, q.dn.clone(), q.attributes.iter().map(|c| (c.name.clone(), c.new.clone())).collect()))
        .collect()
}

fn values(pairs: &[(&str, Value)]) -> Vec<(String, Value)> {
    pairs.iter().map(|(k, v)| ((*k).to_string(), v.clone())).collect()
}

fn link(o: &CsObject) -> Link {
    Link { connector: o.connector.clone(), cs: o.id }
}

fn codes(report: &StepReport) -> Vec<&str> {
    report.issues.iter().map(|i| i.code.as_str()).collect()
}

/// A staging object written straight into the store.
fn staging(id: u64, connector: &str, object_type: &str, key: &str, attributes: BTreeMap<String, Value>) -> CsObject {
    CsObject { anchor: Some(key.to_string()), attributes, ..CsObject::new(id, connector, object_type, key) }
}

fn pending(change: ExportChange, attributes: Vec<AttrChange>) -> Option<PendingExport> {
    Some(PendingExport { change, new_dn: None, attributes, failures: 0 })
}

fn put(store: &MemoryStore, objects: Vec<CsObject>) {
    let mut batch = Batch::new();
    for o in objects {
        batch.push(Op::PutCs(Box::new(o)));
    }
    assert!(store.commit(batch).is_ok());
}

// 1. A new person through projection, provisioning and export.
#[test]
fn a_new_person_is_projected_provisioned_and_exported() {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake {
        entries: vec![person("1", "Ann", "Lee", "active", None), person("2", "Bob", "Ray", "active", Some("1"))],
        ..Fake::default()
    };
    let imported = full_import(&plan, &store, "hr", &mut hr);
    assert_eq!(imported.counts.adds, 2);
    assert_eq!(store.pending_imports("hr").map(|v| v.len()).unwrap_or(0), 2);
    let synced = delta_sync(&plan, &store, "hr");
    assert_eq!(synced.counts.projections, 2, "{:?}", synced.issues);
    assert_eq!(synced.counts.provisions, 2);
    assert!(store.pending_imports("hr").unwrap_or_default().is_empty());
    // The metaverse holds both people, Bob's manager is Ann.
    let mvs = metaverse(&store);
    assert_eq!(mvs.len(), 2);
    let ann = mvs.iter().find(|m| m.attributes.get("account") == Some(&s("alee")));
    let bob = mvs.iter().find(|m| m.attributes.get("account") == Some(&s("bray")));
    assert!(ann.is_some() && bob.is_some(), "{mvs:?}");
    let (Some(ann), Some(bob)) = (ann, bob) else { return };
    assert_eq!(
        ann.attributes,
        attrs(&[("employeeId", s("1")), ("displayName", s("Ann Lee")), ("lastName", s("Lee")), ("account", s("alee"))])
    );
    assert_eq!(
        bob.attributes,
        attrs(&[
            ("employeeId", s("2")),
            ("displayName", s("Bob Ray")),
            ("lastName", s("Ray")),
            ("account", s("bray")),
            ("manager", r(&ann.id.to_string())),
        ])
    );
    // Pending exports: two adds with DNs; export sends them, manager as a DN in pass 2.
    assert_eq!(store.pending_exports("directory").unwrap_or_default().len(), 2);
    let mut dir = Fake::default();
    let exported = export_all(&plan, &store, "directory", &mut dir);
    assert_eq!(
        (exported.counts.adds, exported.counts.updates, exported.counts.errors),
        (2, 1, 0),
        "{:?}",
        exported.issues
    );
    assert_eq!(
        sent(&dir.exported),
        vec![
            (
                ExportChange::Add,
                dn("alee"),
                values(&[("uid", s("alee")), ("cn", s("Ann Lee")), ("sn", s("Lee")), ("employeeNumber", s("1"))])
            ),
            (
                ExportChange::Add,
                dn("bray"),
                values(&[("uid", s("bray")), ("cn", s("Bob Ray")), ("sn", s("Ray")), ("employeeNumber", s("2"))])
            ),
            (ExportChange::Update, dn("bray"), values(&[("manager", r(&dn("alee")))])),
        ]
    );
    // The connector space holds what was exported, remembered until a confirming import.
    let bob_account = cs_at(&store, "directory", &dn("bray"));
    let expected = attrs(&[
        ("uid", s("bray")),
        ("cn", s("Bob Ray")),
        ("sn", s("Ray")),
        ("employeeNumber", s("2")),
        ("manager", r(&dn("alee"))),
    ]);
    assert_eq!(bob_account.as_ref().map(|o| &o.attributes), Some(&expected));
    assert_eq!(bob_account.as_ref().map(|o| &o.export_memory), Some(&expected));
    assert_eq!(bob_account.as_ref().and_then(|o| o.link), Some(bob.id));
    assert!(store.pending_exports("directory").unwrap_or_default().is_empty());
    // A second full sync finds nothing to do.
    let again = synchronize(&plan, &store, "hr", true, 2, &mut no_progress).unwrap_or_default();
    assert_eq!((again.counts.projections, again.counts.provisions), (0, 0));
    assert!(store.pending_exports("directory").unwrap_or_default().is_empty(), "nothing is exported twice");
}

// 2. Joining an account that already exists.
#[test]
fn an_existing_account_is_joined_not_provisioned() {
    let plan = plan();
    let store = MemoryStore::new();
    let mut dir = Fake { entries: vec![account("alee", "Ann Lee", "Lea", "1")], ..Fake::default() };
    full_import(&plan, &store, "directory", &mut dir);
    let mut hr = Fake { entries: vec![person("1", "Ann", "Lee", "active", None)], ..Fake::default() };
    full_import(&plan, &store, "hr", &mut hr);
    // HR projects Ann; before provisioning, the directory's own join rule (employeeNumber) finds
    // her existing account: it is joined, and no second object is provisioned.
    let synced = delta_sync(&plan, &store, "hr");
    assert_eq!(
        (synced.counts.projections, synced.counts.provisions, synced.counts.joins),
        (1, 0, 1),
        "{:?}",
        synced.issues
    );
    assert!(codes(&synced).is_empty(), "{:?}", synced.issues);
    assert_eq!(space(&store, "directory").len(), 1);
    // Synchronizing the directory afterwards changes nothing.
    let again = delta_sync(&plan, &store, "directory");
    assert_eq!(
        (again.counts.joins, again.counts.projections, again.counts.provisions),
        (0, 0, 0),
        "{:?}",
        again.issues
    );
    let hr_ann = cs_at(&store, "hr", "1");
    let Some(acct) = cs_at(&store, "directory", "alee") else { return missing("the account is gone") };
    let Some(mv) = mv_of(&store, hr_ann.as_ref()) else { return missing("Ann has no person") };
    assert_eq!(acct.link, Some(mv.id));
    assert_eq!(metaverse(&store).len(), 1);
    let mut links = vec![link(&acct)];
    links.extend(hr_ann.as_ref().map(link));
    links.sort();
    assert_eq!(mv.links, links);
    // Only the attribute that differs is exported (`uid` flows once, on add only).
    assert_eq!(
        acct.pending_export,
        pending(ExportChange::Update, vec![AttrChange { name: "sn".to_string(), old: s("Lea"), new: s("Lee") }])
    );
    let mut out = Fake::default();
    export_all(&plan, &store, "directory", &mut out);
    assert_eq!(sent(&out.exported), vec![(ExportChange::Update, dn("alee"), values(&[("sn", s("Lee"))]))]);
}

const TWO_SOURCES: &str = r#"
connector hr: jsonl {
    path = "hr.jsonl"
    object person {
        anchor employeeId: string
        title: string?
        status: string
    }
}

connector badge: jsonl {
    path = "badge.jsonl"
    object badge {
        anchor badgeId: string
        employeeId: string
        title: string?
    }
}

metaverse {
    person {
        employeeId: string
        title: string?
    }
}

inbound "HR" hr.person -> person {
    precedence 10
    join employeeId == employeeId
    project
    flow {
        employeeId <- employeeId
        title      <- if status == "withdrawn" then authoritative null else title
    }
}

inbound "Badge" badge.badge -> person {
    precedence 20
    join employeeId == employeeId
    flow {
        title <- title
    }
}
"#;

fn hr_title(title: Option<&str>, status: &str) -> ImportEntry {
    let mut attributes = attrs(&[("employeeId", s("1")), ("status", s(status))]);
    if let Some(t) = title {
        attributes.insert("title".to_string(), s(t));
    }
    ImportEntry {
        object_type: "person".to_string(),
        dn: "1".to_string(),
        anchor: "1".to_string(),
        change: EntryChange::Object,
        attributes,
    }
}

/// Ann from HR (title `Engineer`) and her badge (title `Visitor`), joined into one person.
fn two_sources(store: &MemoryStore, plan: &Plan, hr: &mut Fake) {
    hr.entries = vec![hr_title(Some("Engineer"), "active")];
    full_import(plan, store, "hr", hr);
    delta_sync(plan, store, "hr");
    let mut badge = Fake {
        entries: vec![ImportEntry {
            object_type: "badge".to_string(),
            dn: "B7".to_string(),
            anchor: "B7".to_string(),
            change: EntryChange::Object,
            attributes: attrs(&[("badgeId", s("B7")), ("employeeId", s("1")), ("title", s("Visitor"))]),
        }],
        ..Fake::default()
    };
    full_import(plan, store, "badge", &mut badge);
    let joined = delta_sync(plan, store, "badge");
    assert_eq!(joined.counts.joins, 1);
}

fn person_state(store: &MemoryStore) -> Option<(BTreeMap<String, Value>, Option<String>)> {
    let mvs = metaverse(store);
    assert_eq!(mvs.len(), 1);
    mvs.into_iter().next().map(|m| (m.attributes, m.lineage.get("title").map(|l| l.rule.clone())))
}

// 3a. The better precedence wins; when it has no value, the other wins.
#[test]
fn the_best_precedence_with_a_value_wins() {
    let plan = compile(TWO_SOURCES);
    let store = MemoryStore::new();
    let mut hr = Fake::default();
    two_sources(&store, &plan, &mut hr);
    assert_eq!(
        person_state(&store),
        Some((attrs(&[("employeeId", s("1")), ("title", s("Engineer"))]), Some("HR".to_string())))
    );
    // HR loses its value: the badge's contribution wins.
    hr.entries = vec![hr_title(None, "active")];
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    assert_eq!(
        person_state(&store),
        Some((attrs(&[("employeeId", s("1")), ("title", s("Visitor"))]), Some("Badge".to_string())))
    );
    // HR has one again: it wins again.
    hr.entries = vec![hr_title(Some("Manager"), "active")];
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    assert_eq!(
        person_state(&store),
        Some((attrs(&[("employeeId", s("1")), ("title", s("Manager"))]), Some("HR".to_string())))
    );
}

// 3b. `authoritative null` from the better rule clears the attribute although the other has a value.
#[test]
fn authoritative_null_clears_over_a_lower_precedence_value() {
    let plan = compile(TWO_SOURCES);
    let store = MemoryStore::new();
    let mut hr = Fake::default();
    two_sources(&store, &plan, &mut hr);
    hr.entries = vec![hr_title(Some("Engineer"), "withdrawn")];
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    assert_eq!(person_state(&store), Some((attrs(&[("employeeId", s("1"))]), None)));
    // A later change of the badge does not bring the value back.
    let mut badge = Fake {
        entries: vec![ImportEntry {
            object_type: "badge".to_string(),
            dn: "B7".to_string(),
            anchor: "B7".to_string(),
            change: EntryChange::Object,
            attributes: attrs(&[("badgeId", s("B7")), ("employeeId", s("1")), ("title", s("Contractor"))]),
        }],
        ..Fake::default()
    };
    full_import(&plan, &store, "badge", &mut badge);
    delta_sync(&plan, &store, "badge");
    assert_eq!(person_state(&store), Some((attrs(&[("employeeId", s("1"))]), None)));
}

fn deprovision_rules(action: &str) -> String {
    format!(
        r#"
connector hr: jsonl {{
    path = "hr.jsonl"
    object person {{
        anchor employeeId: string
        name: string
        status: string
    }}
}}

connector directory: ldif {{
    path = "directory.ldif"
    object inetOrgPerson {{
        anchor uid: string
        required cn: string
        required sn: string
    }}
}}

metaverse {{
    person {{
        employeeId: string
        name: string
        status: string
    }}
}}

inbound "HR" hr.person -> person {{
    precedence 10
    join employeeId == employeeId
    project
    flow {{
        employeeId <- employeeId
        name       <- name
        status     <- status
    }}
}}

outbound "Accounts" person -> directory.inetOrgPerson {{
    scope status == "active"
    provision dn = "uid=" + escape_dn(employeeId) + ",ou=people,dc=example,dc=org"
    deprovision {action}
    flow {{
        uid <- employeeId once
        cn  <- name
        sn  <- name
    }}
}}
"#
    )
}

fn staff(status: &str) -> ImportEntry {
    ImportEntry {
        object_type: "person".to_string(),
        dn: "7".to_string(),
        anchor: "7".to_string(),
        change: EntryChange::Object,
        attributes: attrs(&[("employeeId", s("7")), ("name", s("Ann")), ("status", s(status))]),
    }
}

/// Ann provisioned and exported, then disabled in HR (out of the outbound rule's scope).
/// Returns the account before and after, the person, and the sync report.
fn leave_scope(action: &str) -> (MemoryStore, Plan, Option<CsObject>, Option<CsObject>, Option<MvObject>, StepReport) {
    let plan = compile(&deprovision_rules(action));
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![staff("active")], ..Fake::default() };
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    export_all(&plan, &store, "directory", &mut Fake::default());
    let before = cs_at(&store, "directory", &dn("7"));
    assert!(before.as_ref().is_some_and(|o| o.link.is_some() && o.pending_export.is_none()), "{before:?}");
    hr.entries = vec![staff("disabled")];
    full_import(&plan, &store, "hr", &mut hr);
    let report = delta_sync(&plan, &store, "hr");
    let after = cs_at(&store, "directory", &dn("7"));
    let mv = mv_of(&store, cs_at(&store, "hr", "7").as_ref());
    (store, plan, before, after, mv, report)
}

// 4a. `deprovision delete`: a pending export delete.
#[test]
fn leaving_scope_with_deprovision_delete_stages_a_delete() {
    let (store, plan, before, after, mv, report) = leave_scope("delete");
    assert_eq!(report.counts.deprovisions, 1);
    let (Some(before), Some(after), Some(mv)) = (before, after, mv) else { return missing("objects missing") };
    assert_eq!(after, CsObject { pending_export: pending(ExportChange::Delete, Vec::new()), ..before.clone() });
    assert!(mv.links.contains(&link(&after)), "the link stays until the delete is exported");
    let mut dir = Fake::default();
    let exported = export_all(&plan, &store, "directory", &mut dir);
    assert_eq!(exported.counts.deletes, 1);
    assert_eq!(sent(&dir.exported), vec![(ExportChange::Delete, dn("7"), Vec::new())]);
    assert!(space(&store, "directory").is_empty());
    let people = metaverse(&store);
    assert_eq!(people.len(), 1, "the person stays: HR still holds her");
    assert_eq!(
        people.first().map(|p| p.links.iter().map(|l| l.connector.as_str()).collect::<Vec<_>>()),
        Some(vec!["hr"])
    );
}

// 4b. `deprovision disconnect`: the link goes, the object stays, nothing is exported.
#[test]
fn leaving_scope_with_deprovision_disconnect_removes_the_link() {
    let (store, plan, before, after, mv, report) = leave_scope("disconnect");
    assert_eq!(report.counts.deprovisions, 1);
    let (Some(before), Some(after), Some(mv)) = (before, after, mv) else { return missing("objects missing") };
    assert_eq!(after, CsObject { link: None, ..before });
    assert_eq!(mv.links.iter().map(|l| l.connector.as_str()).collect::<Vec<_>>(), vec!["hr"]);
    assert!(store.pending_exports("directory").unwrap_or_default().is_empty());
    let mut dir = Fake::default();
    export_all(&plan, &store, "directory", &mut dir);
    assert!(dir.exported.is_empty());
}

// 4c. `deprovision keep`: nothing changes.
#[test]
fn leaving_scope_with_deprovision_keep_does_nothing() {
    let (store, plan, before, after, mv, report) = leave_scope("keep");
    assert_eq!(report.counts.deprovisions, 0);
    let (Some(before), Some(mv)) = (before, mv) else { return missing("objects missing") };
    assert_eq!(after.as_ref(), Some(&before));
    assert!(mv.links.contains(&link(&before)));
    let mut dir = Fake::default();
    export_all(&plan, &store, "directory", &mut dir);
    assert!(dir.exported.is_empty());
}

// 5a. Deletion at the source with `delete when unlinked from hr`: the person goes at once.
#[test]
fn deletion_at_an_authoritative_source_deletes_the_person() {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![person("1", "Ann", "Lee", "active", None)], ..Fake::default() };
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    export_all(&plan, &store, "directory", &mut Fake::default());
    let before = cs_at(&store, "directory", &dn("alee"));
    // A full import that no longer sees Ann: a pending delete.
    hr.entries = Vec::new();
    let imported = full_import(&plan, &store, "hr", &mut hr);
    assert_eq!(imported.counts.deletes, 1);
    assert_eq!(
        cs_at(&store, "hr", "1").and_then(|o| o.pending_import),
        Some(PendingImport { change: ImportChange::Delete, changed: Vec::new() })
    );
    let synced = delta_sync(&plan, &store, "hr");
    assert_eq!(
        (synced.counts.deletes, synced.counts.deprovisions),
        (2, 1),
        "the HR object and the person; the account"
    );
    assert!(space(&store, "hr").is_empty());
    assert!(metaverse(&store).is_empty(), "HR is authoritative: the person is deleted although the account is linked");
    let Some(before) = before else { return missing("no account") };
    assert_eq!(
        space(&store, "directory"),
        vec![CsObject { link: None, pending_export: pending(ExportChange::Delete, Vec::new()), ..before }]
    );
    let mut dir = Fake::default();
    export_all(&plan, &store, "directory", &mut dir);
    assert_eq!(sent(&dir.exported), vec![(ExportChange::Delete, dn("alee"), Vec::new())]);
    assert!(space(&store, "directory").is_empty());
}

// 5b. Deletion at the source with `delete when unlinked`: the person stays while a link remains.
#[test]
fn deletion_at_the_source_keeps_the_person_until_its_last_link_goes() {
    let rules = RULES.replace("delete when unlinked from hr", "delete when unlinked").replace(
        "outbound \"Accounts\" person -> directory.inetOrgPerson {\n",
        "outbound \"Accounts\" person -> directory.inetOrgPerson {\n    scope employeeId is present\n",
    );
    let plan = compile(&rules);
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![person("1", "Ann", "Lee", "active", None)], ..Fake::default() };
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    export_all(&plan, &store, "directory", &mut Fake::default());
    let Some(before) = cs_at(&store, "directory", &dn("alee")) else { return missing("no account") };
    // A delta import says Ann is gone.
    let mut gone = person("1", "Ann", "Lee", "active", None);
    gone.change = EntryChange::Delete;
    hr.entries = vec![gone];
    let imported = delta_import(&plan, &store, "hr", &mut hr);
    assert_eq!(imported.counts.deletes, 1);
    let synced = delta_sync(&plan, &store, "hr");
    assert_eq!((synced.counts.deletes, synced.counts.deprovisions), (1, 1), "the HR object; the account");
    assert!(space(&store, "hr").is_empty());
    // The person stays (the account is still linked), without HR's values; the account, out of
    // the rule's scope, is deprovisioned.
    let people = metaverse(&store);
    assert_eq!(people.len(), 1);
    let Some(mv) = people.first() else { return };
    assert!(mv.attributes.is_empty(), "{:?}", mv.attributes);
    assert_eq!(mv.links, vec![link(&before)]);
    assert_eq!(
        space(&store, "directory"),
        vec![CsObject { pending_export: pending(ExportChange::Delete, Vec::new()), ..before }]
    );
    // The delete is exported: the last link goes, and the person with it.
    let mut dir = Fake::default();
    export_all(&plan, &store, "directory", &mut dir);
    assert_eq!(sent(&dir.exported), vec![(ExportChange::Delete, dn("alee"), Vec::new())]);
    assert!(space(&store, "directory").is_empty());
    assert!(metaverse(&store).is_empty());
}

/// Bob (manager: Ann's id) imported and synchronized while Ann is absent, then Ann.
fn manager_imported_later(plan: &Plan, store: &MemoryStore) {
    let mut hr = Fake { entries: vec![person("2", "Bob", "Ray", "active", Some("1"))], ..Fake::default() };
    full_import(plan, store, "hr", &mut hr);
    delta_sync(plan, store, "hr");
    hr.entries = vec![person("2", "Bob", "Ray", "active", Some("1")), person("1", "Ann", "Lee", "active", None)];
    full_import(plan, store, "hr", &mut hr);
    delta_sync(plan, store, "hr");
}

// 6. A manager reference to a person imported later.
#[test]
fn a_placeholder_is_replaced_and_the_reference_resolved() {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![person("2", "Bob", "Ray", "active", Some("1"))], ..Fake::default() };
    full_import(&plan, &store, "hr", &mut hr);
    // Ann is absent: a placeholder stands for her.
    let Some(placeholder) = cs_at(&store, "hr", "1") else { return missing("no placeholder") };
    let Some(bob) = cs_at(&store, "hr", "2") else { return missing("no Bob") };
    assert_eq!(
        placeholder,
        CsObject {
            kind: CsKind::Placeholder,
            anchor: None,
            attributes: BTreeMap::new(),
            ..staging(placeholder.id, "hr", "person", "1", BTreeMap::new())
        }
    );
    delta_sync(&plan, &store, "hr");
    let bob_mv = mv_of(&store, cs_at(&store, "hr", "2").as_ref());
    assert_eq!(bob_mv.as_ref().map(|m| m.attributes.contains_key("manager")), Some(false));
    assert_eq!(
        cs_at(&store, "hr", "1").map(|p| (p.kind, p.link)),
        Some((CsKind::Placeholder, None)),
        "placeholders are never joined"
    );
    // Ann arrives: the placeholder becomes her staging object.
    hr.entries = vec![person("2", "Bob", "Ray", "active", Some("1")), person("1", "Ann", "Lee", "active", None)];
    let imported = full_import(&plan, &store, "hr", &mut hr);
    assert_eq!((imported.counts.adds, imported.counts.updates), (1, 0));
    let ann = cs_at(&store, "hr", "1");
    assert_eq!(
        ann.as_ref().map(|a| (a.id, a.kind, a.anchor.clone())),
        Some((placeholder.id, CsKind::Staging, Some("1".to_string())))
    );
    assert_eq!(ann.as_ref().and_then(|a| a.pending_import.as_ref()).map(|p| p.change), Some(ImportChange::Add));
    assert_eq!(store.pending_imports("hr").unwrap_or_default(), vec![placeholder.id], "Bob did not change");
    // After the sync Bob's manager is Ann's person.
    delta_sync(&plan, &store, "hr");
    let ann = cs_at(&store, "hr", "1");
    let ann_mv = mv_of(&store, ann.as_ref());
    let bob_mv = mv_of(&store, cs_at(&store, "hr", "2").as_ref());
    assert!(ann_mv.is_some() && bob_mv.is_some());
    let (Some(ann_mv), Some(bob_mv)) = (ann_mv, bob_mv) else { return };
    assert_eq!(bob_mv.attributes.get("manager"), Some(&r(&ann_mv.id.to_string())));
    assert_eq!(bob_mv.lineage.get("manager").map(|l| (l.cs, l.rule.as_str())), Some((bob.id, "HR")));
    assert_eq!(ann.map(|a| a.referrers), Some(Vec::new()));
    assert!(store.pending_imports("hr").unwrap_or_default().is_empty());
}

// 7. Export passes with references, fewest references first.
#[test]
fn references_to_new_objects_follow_in_a_second_pass() {
    let plan = plan();
    let store = MemoryStore::new();
    manager_imported_later(&plan, &store);
    let bob = cs_at(&store, "directory", &dn("bray"));
    let ann = cs_at(&store, "directory", &dn("alee"));
    // Bob's account was provisioned first: the order below is the references', not the ids'.
    assert!(bob.as_ref().map(|o| o.id) < ann.as_ref().map(|o| o.id));
    assert_eq!(
        bob.and_then(|o| o.pending_export).map(|p| p
            .attributes
            .into_iter()
            .map(|c| (c.name, c.new))
            .collect::<Vec<_>>()),
        Some(values(&[
            ("uid", s("bray")),
            ("cn", s("Bob Ray")),
            ("sn", s("Ray")),
            ("employeeNumber", s("2")),
            ("manager", r(&dn("alee")))
        ]))
    );
    let mut dir = Fake::default();
    let exported = export_all(&plan, &store, "directory", &mut dir);
    assert_eq!((exported.counts.adds, exported.counts.updates, exported.counts.errors), (2, 1, 0));
    assert_eq!(
        sent(&dir.exported),
        vec![
            (
                ExportChange::Add,
                dn("alee"),
                values(&[("uid", s("alee")), ("cn", s("Ann Lee")), ("sn", s("Lee")), ("employeeNumber", s("1"))])
            ),
            (
                ExportChange::Add,
                dn("bray"),
                values(&[("uid", s("bray")), ("cn", s("Bob Ray")), ("sn", s("Ray")), ("employeeNumber", s("2"))])
            ),
            (ExportChange::Update, dn("bray"), values(&[("manager", r(&dn("alee")))])),
        ]
    );
    assert!(store.pending_exports("directory").unwrap_or_default().is_empty());
}

/// An export that makes its work durable every object (one flush and one store commit each)
/// sends the same requests and leaves the same store as one that does it once at the end.
#[test]
fn an_export_recorded_in_parts_equals_one_recorded_at_once() {
    let plan = plan();
    let run = |options: ExportOptions| {
        let store = MemoryStore::new();
        manager_imported_later(&plan, &store);
        let mut dir = Fake::default();
        let report = export(&plan, &store, "directory", &mut dir, options, &mut no_progress);
        let counts = report.map(|r| (r.counts.adds, r.counts.updates, r.counts.errors)).ok();
        let pending = store.pending_exports("directory").unwrap_or_default();
        (counts, sent(&dir.exported), space(&store, "directory"), metaverse(&store), pending, dir.flushes)
    };
    let whole = run(ExportOptions::default());
    let parts = run(ExportOptions { batch_size: 1, commit_every: 1, ..ExportOptions::default() });
    assert_eq!(whole.0, Some((2, 1, 0)));
    assert_eq!(whole.1, parts.1, "the same requests, in the same order");
    assert_eq!(whole.2, parts.2, "the same connector space");
    assert_eq!(whole.3, parts.3, "the same metaverse");
    assert!(whole.4.is_empty() && parts.4.is_empty(), "nothing left pending");
    assert_eq!(whole.5, 1);
    assert_eq!(parts.5, 4, "a flush after each of the three objects sent, and one at the end");
}

/// Ann provisioned and exported; returns the plan and store.
fn exported_ann() -> (Plan, MemoryStore) {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![person("1", "Ann", "Lee", "active", None)], ..Fake::default() };
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    export_all(&plan, &store, "directory", &mut Fake::default());
    let memory = cs_at(&store, "directory", &dn("alee")).map(|o| o.export_memory);
    assert_eq!(
        memory,
        Some(attrs(&[("uid", s("alee")), ("cn", s("Ann Lee")), ("sn", s("Lee")), ("employeeNumber", s("1"))]))
    );
    (plan, store)
}

// 8a. A confirming import that confirms: no warning, the memory is cleared.
#[test]
fn a_confirming_import_clears_the_export_memory() {
    let (plan, store) = exported_ann();
    let mut dir = Fake { entries: vec![account("alee", "Ann Lee", "Lee", "1")], ..Fake::default() };
    let imported = full_import(&plan, &store, "directory", &mut dir);
    assert!(imported.issues.is_empty(), "{:?}", imported.issues);
    let Some(acct) = cs_at(&store, "directory", "alee") else { return missing("no account") };
    assert_eq!(acct.anchor.as_deref(), Some("alee"), "the first import confirms the anchor");
    assert!(acct.export_memory.is_empty());
    assert_eq!(acct.pending_import, None);
    assert_eq!(
        acct.attributes,
        attrs(&[("uid", s("alee")), ("cn", s("Ann Lee")), ("sn", s("Lee")), ("employeeNumber", s("1"))])
    );
}

// 8b. A confirming import that does not confirm: `exported-change-not-reimported`.
#[test]
fn a_confirming_import_that_disagrees_warns() {
    let (plan, store) = exported_ann();
    let mut dir = Fake { entries: vec![account("alee", "A. Lee", "Lee", "1")], ..Fake::default() };
    let imported = full_import(&plan, &store, "directory", &mut dir);
    assert_eq!(codes(&imported), vec!["exported-change-not-reimported"]);
    assert_eq!((imported.counts.warnings, imported.counts.errors), (1, 0));
    assert!(
        imported.issues.first().is_some_and(
            |i| i.message.contains("`cn`") && i.object == format!("directory.inetOrgPerson \"{}\"", dn("alee"))
        ),
        "{:?}",
        imported.issues
    );
    let Some(acct) = cs_at(&store, "directory", "alee") else { return missing("no account") };
    assert!(acct.export_memory.is_empty());
    assert_eq!(acct.attributes.get("cn"), Some(&s("A. Lee")));
    assert_eq!(
        acct.pending_import,
        Some(PendingImport { change: ImportChange::Update, changed: vec!["cn".to_string()] })
    );
}

// 9. A delta import whose page has an object-level error.
#[test]
fn a_delta_import_commits_the_watermark_before_the_error() {
    let plan = plan();
    let store = MemoryStore::new();
    let bad = EntryError { object: "change 12".to_string(), message: "unreadable entry".to_string() };
    let mut hr = Fake {
        paged: true,
        pages: vec![
            (vec![Ok(person("1", "Ann", "Lee", "active", None))], "A".to_string()),
            (vec![Err(bad), Ok(person("2", "Bob", "Ray", "active", None))], "B".to_string()),
            (vec![Ok(person("3", "Cid", "Roe", "active", None))], "C".to_string()),
        ],
        ..Fake::default()
    };
    let first = delta_import(&plan, &store, "hr", &mut hr);
    assert_eq!((first.counts.adds, first.counts.errors), (3, 1));
    assert_eq!(codes(&first), vec!["import-error"]);
    assert_eq!(store.watermark("hr").ok().flatten().as_deref(), Some("A"));
    let ids: Vec<String> = space(&store, "hr").into_iter().filter_map(|o| o.anchor).collect();
    assert_eq!(ids, vec!["1", "2", "3"], "the objects without error are staged");
    // The next delta import starts from A: it reads page B (now readable) and C again.
    if let Some(page) = hr.pages.get_mut(1) {
        page.0 = vec![Ok(person("4", "Dee", "Fox", "active", None)), Ok(person("2", "Bob", "Ray", "active", None))];
    }
    let second = delta_import(&plan, &store, "hr", &mut hr);
    assert_eq!((second.counts.adds, second.counts.updates, second.counts.errors), (1, 0, 0));
    assert_eq!(hr.modes, vec![ImportMode::Delta(None), ImportMode::Delta(Some("A".to_string()))]);
    assert_eq!(store.watermark("hr").ok().flatten().as_deref(), Some("C"));
    let ids: Vec<String> = space(&store, "hr").into_iter().filter_map(|o| o.anchor).collect();
    assert_eq!(ids, vec!["1", "2", "3", "4"]);
}

/// Ann, Bob and Cid imported and synchronized.
fn three_people() -> (Plan, MemoryStore, Fake) {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake {
        entries: vec![
            person("1", "Ann", "Lee", "active", None),
            person("2", "Bob", "Ray", "active", None),
            person("3", "Cid", "Roe", "active", None),
        ],
        ..Fake::default()
    };
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    (plan, store, hr)
}

// 10a. A full import with an object-level error marks nothing deleted.
#[test]
fn a_full_import_with_an_error_skips_obsolescence() {
    let (plan, store, mut hr) = three_people();
    let before = space(&store, "hr");
    hr.paged = true;
    hr.pages = vec![(
        vec![
            Ok(person("1", "Ann", "Lee", "active", None)),
            Err(EntryError { object: "line 2".to_string(), message: "bad JSON".to_string() }),
        ],
        "X".to_string(),
    )];
    let imported = full_import(&plan, &store, "hr", &mut hr);
    assert_eq!(codes(&imported), vec!["import-error", "obsolescence-skipped"]);
    assert_eq!((imported.counts.deletes, imported.counts.errors, imported.counts.warnings), (0, 1, 1));
    assert_eq!(space(&store, "hr"), before, "Bob and Cid, not seen, are not marked deleted");
    assert_eq!(store.watermark("hr").ok().flatten(), None, "a full import commits no delta watermark");
}

// 10b. Without the error, the object not seen becomes a pending delete.
#[test]
fn a_full_import_marks_objects_not_seen_deleted() {
    let (plan, store, mut hr) = three_people();
    let before = space(&store, "hr");
    hr.entries = vec![person("1", "Ann", "Lee", "active", None), person("2", "Bob", "Ray", "active", None)];
    let imported = full_import(&plan, &store, "hr", &mut hr);
    assert!(imported.issues.is_empty());
    assert_eq!((imported.counts.adds, imported.counts.updates, imported.counts.deletes), (0, 0, 1));
    let expected: Vec<CsObject> = before
        .into_iter()
        .map(|o| {
            let gone = o.anchor.as_deref() == Some("3");
            CsObject {
                pending_import: gone.then(|| PendingImport { change: ImportChange::Delete, changed: Vec::new() }),
                ..o
            }
        })
        .collect();
    assert_eq!(space(&store, "hr"), expected);
}

const TWO_TYPES: &str = r#"
connector directory: ldif {
    path = "directory.ldif"
    object inetOrgPerson {
        anchor uid: string
        required cn: string
        required sn: string
    }
    object contact {
        anchor uid: string
        required cn: string
    }
}

metaverse {
    person {
        name: string
    }
}

inbound "People" directory.inetOrgPerson -> person {
    project
    flow {
        name <- cn
    }
}
"#;

// 11a. Same anchor, another object type: a pending delete-add.
#[test]
fn an_object_type_change_is_a_delete_add() {
    let plan = compile(TWO_TYPES);
    let store = MemoryStore::new();
    let mut dir = Fake {
        entries: vec![ImportEntry {
            object_type: "inetOrgPerson".to_string(),
            dn: dn("x"),
            anchor: "x".to_string(),
            change: EntryChange::Object,
            attributes: attrs(&[("uid", s("x")), ("cn", s("Xi")), ("sn", s("Yu"))]),
        }],
        ..Fake::default()
    };
    full_import(&plan, &store, "directory", &mut dir);
    delta_sync(&plan, &store, "directory");
    let Some(before) = cs_at(&store, "directory", "x") else { return missing("not imported") };
    assert!(before.link.is_some());
    dir.entries = vec![ImportEntry {
        object_type: "contact".to_string(),
        dn: dn("x"),
        anchor: "x".to_string(),
        change: EntryChange::Object,
        attributes: attrs(&[("uid", s("x")), ("cn", s("Xi"))]),
    }];
    let imported = full_import(&plan, &store, "directory", &mut dir);
    assert_eq!((imported.counts.adds, imported.counts.deletes), (1, 1));
    assert_eq!(
        space(&store, "directory"),
        vec![CsObject {
            object_type: "contact".to_string(),
            attributes: attrs(&[("uid", s("x")), ("cn", s("Xi"))]),
            pending_import: Some(PendingImport { change: ImportChange::DeleteAdd, changed: vec!["sn".to_string()] }),
            ..before
        }]
    );
    // Synchronization processes the delete: the person (whose only link it was) goes; the
    // contact, which no rule takes, stays a disconnector.
    let synced = delta_sync(&plan, &store, "directory");
    assert_eq!(synced.counts.deletes, 1);
    assert!(metaverse(&store).is_empty());
    assert_eq!(
        space(&store, "directory").into_iter().map(|o| (o.object_type, o.link, o.pending_import)).collect::<Vec<_>>(),
        vec![("contact".to_string(), None, None)]
    );
}

/// An account with a pending delete-add written into the store.
fn delete_add(store: &MemoryStore) -> CsObject {
    let mut o = staging(
        1,
        "directory",
        "inetOrgPerson",
        &dn("x"),
        attrs(&[("uid", s("x")), ("cn", s("Old")), ("sn", s("Old")), ("employeeNumber", s("9"))]),
    );
    o.anchor = Some("x".to_string());
    o.pending_export = pending(
        ExportChange::DeleteAdd,
        vec![
            AttrChange { name: "uid".to_string(), old: Value::Null, new: s("x") },
            AttrChange { name: "cn".to_string(), old: Value::Null, new: s("New") },
            AttrChange { name: "sn".to_string(), old: Value::Null, new: s("New") },
        ],
    );
    put(store, vec![o.clone()]);
    o
}

// 11b. A delete-add sends the delete first, then the add.
#[test]
fn a_delete_add_sends_the_delete_first() {
    let plan = plan();
    let store = MemoryStore::new();
    let o = delete_add(&store);
    let mut dir = Fake::default();
    let exported = export_all(&plan, &store, "directory", &mut dir);
    assert_eq!((exported.counts.adds, exported.counts.errors), (1, 0));
    assert_eq!(
        sent(&dir.exported),
        vec![
            (ExportChange::Delete, dn("x"), Vec::new()),
            (ExportChange::Add, dn("x"), values(&[("uid", s("x")), ("cn", s("New")), ("sn", s("New"))]))
        ]
    );
    let new_values = attrs(&[("uid", s("x")), ("cn", s("New")), ("sn", s("New"))]);
    assert_eq!(
        space(&store, "directory"),
        vec![CsObject { attributes: new_values.clone(), export_memory: new_values, pending_export: None, ..o }]
    );
}

// 11c. When the delete of a delete-add fails, the add is not sent.
#[test]
fn a_delete_add_whose_delete_fails_drops_the_add() {
    let plan = plan();
    let store = MemoryStore::new();
    let o = delete_add(&store);
    let mut dir = Fake { answer: Answer::FailDeletes, ..Fake::default() };
    let exported = export_all(&plan, &store, "directory", &mut dir);
    assert_eq!((exported.counts.adds, exported.counts.errors), (0, 1));
    assert_eq!(codes(&exported), vec!["export-error"]);
    assert_eq!(sent(&dir.exported), vec![(ExportChange::Delete, dn("x"), Vec::new())]);
    let failed = o.pending_export.clone().map(|p| PendingExport { failures: 1, ..p });
    assert_eq!(space(&store, "directory"), vec![CsObject { pending_export: failed, ..o }], "kept for the next export");
}

/// Three accounts with pending deletes, under a threshold of 2.
fn three_deletes() -> (Plan, MemoryStore, Vec<CsObject>) {
    let plan =
        compile(&RULES.replace("path = \"directory.ldif\"", "path = \"directory.ldif\"\n    delete_threshold = \"2\""));
    let store = MemoryStore::new();
    let objects: Vec<CsObject> = (1..=3u64)
        .map(|i| {
            let uid = format!("u{i}");
            let mut o = staging(
                i,
                "directory",
                "inetOrgPerson",
                &dn(&uid),
                attrs(&[("uid", s(&uid)), ("cn", s("X")), ("sn", s("X"))]),
            );
            o.anchor = Some(uid);
            o.pending_export = pending(ExportChange::Delete, Vec::new());
            o
        })
        .collect();
    put(&store, objects.clone());
    (plan, store, objects)
}

// 12a. The deletion threshold stops an export before anything is sent.
#[test]
fn the_deletion_threshold_stops_an_export() {
    let (plan, store, objects) = three_deletes();
    let mut dir = Fake::default();
    let result = export(&plan, &store, "directory", &mut dir, ExportOptions::default(), &mut no_progress);
    assert_eq!(
        result.err(),
        Some(EngineError::DeleteThreshold { connector: "directory".to_string(), deletes: 3, threshold: 2 })
    );
    assert!(dir.exported.is_empty());
    assert_eq!(space(&store, "directory"), objects);
}

// 12b. `allow_deletes` lets it through.
#[test]
fn allowed_deletes_pass_the_threshold() {
    let (plan, store, _) = three_deletes();
    let mut dir = Fake::default();
    let result = export(
        &plan,
        &store,
        "directory",
        &mut dir,
        ExportOptions { allow_deletes: true, ..ExportOptions::default() },
        &mut no_progress,
    );
    assert_eq!(result.map(|r| r.counts.deletes), Ok(3));
    assert_eq!(
        sent(&dir.exported).into_iter().map(|(c, d, _)| (c, d)).collect::<Vec<_>>(),
        vec![(ExportChange::Delete, dn("u1")), (ExportChange::Delete, dn("u2")), (ExportChange::Delete, dn("u3")),]
    );
    assert!(space(&store, "directory").is_empty());
}

// 13. The error limit stops a run.
#[test]
fn the_error_limit_stops_an_export() {
    let plan = plan();
    let store = MemoryStore::new();
    let count = engine::ERROR_LIMIT + 1;
    let objects: Vec<CsObject> = (1..=count)
        .map(|i| {
            let uid = format!("u{i}");
            let mut o = staging(
                i,
                "directory",
                "inetOrgPerson",
                &dn(&uid),
                attrs(&[("uid", s(&uid)), ("cn", s("X")), ("sn", s("X"))]),
            );
            o.anchor = Some(uid);
            o.pending_export =
                pending(ExportChange::Update, vec![AttrChange { name: "cn".to_string(), old: s("X"), new: s("Y") }]);
            o
        })
        .collect();
    put(&store, objects);
    let mut dir = Fake { answer: Answer::FailAll, ..Fake::default() };
    let result = export(&plan, &store, "directory", &mut dir, ExportOptions::default(), &mut no_progress);
    // The error carries what the step did, for the run history.
    let stopped = match &result {
        Err(EngineError::ErrorLimit(report)) => Some((report.counts.errors, report.issues.len())),
        _ => None,
    };
    assert_eq!(stopped, Some((engine::ERROR_LIMIT, 1_000)), "the first 1,000 errors are kept");
    assert_eq!(dir.exported.len() as u64, engine::ERROR_LIMIT, "the last object was never sent");
    let pending_left = store.pending_exports("directory").unwrap_or_default().len() as u64;
    assert_eq!(pending_left, count, "failed exports stay pending");
    let failures: u64 = space(&store, "directory")
        .iter()
        .filter_map(|o| o.pending_export.as_ref())
        .map(|p| u64::from(p.failures))
        .sum();
    assert_eq!(failures, engine::ERROR_LIMIT);
}

/// A store of `n` HR people as synchronization and a confirmed export leave it (written
/// directly, to keep the test fast): each HR object joined to its person, each person linked to
/// its account; everyone but the first reports to the first. Then one person's surname changes
/// (a delta import of one update) and a delta sync runs. Returns the delta sync's report.
fn one_change_among(n: u64) -> StepReport {
    let plan = plan();
    let store = MemoryStore::new();
    let next = || store.next_id().unwrap_or_default();
    let ids: Vec<(u64, u64, u64)> = (1..=n).map(|_| (next(), next(), next())).collect();
    let boss_mv = ids.first().map_or(0, |(_, mv, _)| *mv);
    let mut batch = Batch::new();
    for (i, (hr_id, mv_id, dir_id)) in (1..=n).zip(ids) {
        let key = i.to_string();
        let surname = format!("Doe{i}");
        let uid = format!("pdoe{i}");
        let mut hr = staging(
            hr_id,
            "hr",
            "person",
            &key,
            attrs(&[
                ("employeeId", s(&key)),
                ("givenName", s("Pat")),
                ("surname", s(&surname)),
                ("status", s("active")),
            ]),
        );
        let mut person = attrs(&[
            ("employeeId", s(&key)),
            ("displayName", s(&format!("Pat {surname}"))),
            ("lastName", s(&surname)),
            ("account", s(&uid)),
        ]);
        let mut account = attrs(&[
            ("uid", s(&uid)),
            ("cn", s(&format!("Pat {surname}"))),
            ("sn", s(&surname)),
            ("employeeNumber", s(&key)),
        ]);
        if i > 1 {
            hr.attributes.insert("managerId".to_string(), r("1"));
            person.insert("manager".to_string(), r(&boss_mv.to_string()));
            account.insert("manager".to_string(), r(&dn("pdoe1")));
        }
        hr.link = Some(mv_id);
        let mut dir = staging(dir_id, "directory", "inetOrgPerson", &dn(&uid), account);
        dir.anchor = Some(uid);
        dir.link = Some(mv_id);
        dir.provisioned_by = Some("Accounts".to_string());
        let links = vec![link(&dir), link(&hr)];
        let mv = MvObject {
            id: mv_id,
            object_type: "person".to_string(),
            attributes: person,
            links,
            lineage: BTreeMap::new(),
        };
        batch.push(Op::PutCs(Box::new(hr)));
        batch.push(Op::PutCs(Box::new(dir)));
        batch.push(Op::PutMv(Box::new(mv), engine::join_keys(&plan, "person")));
    }
    assert!(store.commit(batch).is_ok());
    assert_eq!(metaverse(&store).len() as u64, n);
    let mut change = person("5", "Pat", "Smith", "active", Some("1"));
    change.change = EntryChange::Update;
    change.attributes = attrs(&[("surname", s("Smith"))]);
    let mut hr = Fake { entries: vec![change], ..Fake::default() };
    let imported = delta_import(&plan, &store, "hr", &mut hr);
    assert_eq!(imported.counts.updates, 1);
    let report = delta_sync(&plan, &store, "hr");
    // Exactly the person's account changes: the flows that read the surname, and a rename.
    assert_eq!(store.pending_exports("directory").unwrap_or_default().len(), 1);
    let account = cs_at(&store, "directory", &dn("pdoe5")).and_then(|o| o.pending_export);
    assert_eq!(
        account,
        Some(PendingExport {
            change: ExportChange::Update,
            new_dn: Some(dn("psmith")),
            attributes: vec![
                AttrChange { name: "cn".to_string(), old: s("Pat Doe5"), new: s("Pat Smith") },
                AttrChange { name: "sn".to_string(), old: s("Doe5"), new: s("Smith") },
            ],
            failures: 0,
        })
    );
    report
}

// 14. Delta work is proportional to change, not to the size of the spaces.
#[test]
fn delta_sync_work_does_not_grow_with_the_store() {
    let small = one_change_among(1_000);
    let large = one_change_among(10_000);
    assert!(large.counters.rule_evaluations < 100, "{:?}", large.counters);
    assert!(large.counters.store_reads < 100, "{:?}", large.counters);
    assert!(large.counters.rule_evaluations > 0 && large.counters.store_reads > 0);
    assert_eq!(small.counters, large.counters);
}

// 4d. A provisioned object that leaves scope before it was ever exported is dropped: the target
// never had it, so nothing is sent (neither the add nor a delete).
#[test]
fn deprovisioning_an_object_never_exported_drops_it() {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![person("1", "Ann", "Lee", "active", None)], ..Fake::default() };
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    assert_eq!(space(&store, "directory").len(), 1, "provisioned, not exported yet");
    hr.entries = vec![person("1", "Ann", "Lee", "terminated", None)];
    full_import(&plan, &store, "hr", &mut hr);
    let report = delta_sync(&plan, &store, "hr");
    assert_eq!(report.counts.deprovisions, 1);
    assert!(space(&store, "directory").is_empty(), "{:?}", space(&store, "directory"));
    let mut dir = Fake::default();
    export_all(&plan, &store, "directory", &mut dir);
    assert!(dir.exported.is_empty(), "{:?}", dir.exported);
}

// 15a. The store records an export only after the connector made it durable: when the connector
// cannot, the export is still pending and the step fails.
#[test]
fn an_export_the_connector_cannot_flush_stays_pending() {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![person("1", "Ann", "Lee", "active", None)], ..Fake::default() };
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    let before = space(&store, "directory");
    let mut dir = Fake { flush_fails: true, ..Fake::default() };
    let report = export(&plan, &store, "directory", &mut dir, ExportOptions::default(), &mut no_progress);
    assert!(report.as_ref().is_err_and(|e| e.to_string().contains("the disk is full")), "{report:?}");
    assert_eq!(dir.exported.len(), 1);
    assert_eq!(space(&store, "directory"), before, "nothing recorded");
    let mut dir = Fake::default();
    export_all(&plan, &store, "directory", &mut dir);
    assert_eq!((dir.exported.len(), dir.flushes), (1, 1));
    assert!(store.pending_exports("directory").unwrap_or_default().is_empty());
}

// 15b. A crash after the connector made an export durable and before the store recorded it
// leaves the export pending; the next import sees the object in the system and drops it, so it
// is not sent twice. An update the system already holds goes the same way.
#[test]
fn an_export_the_system_already_has_is_not_sent_again() {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![person("1", "Ann", "Lee", "active", None)], ..Fake::default() };
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    assert_eq!(store.pending_exports("directory").unwrap_or_default().len(), 1, "the add is pending");
    // The system got the add, the store did not record it.
    let mut dir = Fake { entries: vec![account("alee", "Ann Lee", "Lee", "1")], ..Fake::default() };
    full_import(&plan, &store, "directory", &mut dir);
    assert!(store.pending_exports("directory").unwrap_or_default().is_empty(), "{:?}", space(&store, "directory"));
    let synced = synchronize(&plan, &store, "directory", true, 2, &mut no_progress);
    assert!(synced.is_ok(), "{synced:?}");
    export_all(&plan, &store, "directory", &mut dir);
    assert!(dir.exported.is_empty(), "sent again: {:?}", dir.exported);
    // An add the system holds with other values is not ours to settle: it stays an add.
    let store = MemoryStore::new();
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    let mut dir = Fake { entries: vec![account("alee", "Someone Else", "Else", "9")], ..Fake::default() };
    full_import(&plan, &store, "directory", &mut dir);
    let pending = cs_at(&store, "directory", &dn("alee")).and_then(|o| o.pending_export).map(|p| p.change);
    assert_eq!(pending, Some(ExportChange::Add));
    // A pending update whose value the system already holds is dropped; one it lacks stays.
    let (plan, store) = exported_ann();
    let mut dir = Fake { entries: vec![account("alee", "Ann Lee", "Lee", "1")], ..Fake::default() };
    full_import(&plan, &store, "directory", &mut dir);
    hr.entries = vec![person("1", "Ann", "Moss", "active", None)];
    full_import(&plan, &store, "hr", &mut hr);
    delta_sync(&plan, &store, "hr");
    let pending = cs_at(&store, "directory", "alee").and_then(|o| o.pending_export);
    let names = |p: &Option<PendingExport>| {
        p.as_ref().map(|p| p.attributes.iter().map(|c| c.name.clone()).collect::<Vec<_>>()).unwrap_or_default()
    };
    assert_eq!(names(&pending), vec!["cn".to_string(), "sn".to_string()], "{pending:?}");
    dir.entries = vec![account("alee", "Ann Moss", "Lee", "1")];
    full_import(&plan, &store, "directory", &mut dir);
    let pending = cs_at(&store, "directory", "alee").and_then(|o| o.pending_export);
    assert_eq!(names(&pending), vec!["sn".to_string()], "{pending:?}");
}
