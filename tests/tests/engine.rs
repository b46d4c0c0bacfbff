//! Engine scenarios over the in-memory store, with a connector that serves given objects and
//! records what it is asked to export (the file connectors have their own tests; these check the
//! engine's semantics).

use metasync_compiler::lower::lower;
use metasync_compiler::ruleset::RuleSet;
use metasync_runtime::connectors::{Connector, ConnectorError, EntryChange, ExportRequest, ExportResult, ImportEntry, ImportMode, ImportPage};
use metasync_runtime::engine::export::{ExportOptions, export};
use metasync_runtime::engine::import::import;
use metasync_runtime::engine::sync::synchronize;
use metasync_runtime::model::{ExportChange, ImportChange};
use metasync_runtime::plan::{self, Plan};
use metasync_runtime::store::Store;
use metasync_runtime::store::memory::MemoryStore;
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
    let rules = RuleSet::new(vec![("rules.sync".to_string(), RULES.to_string())]);
    let errors: Vec<String> = rules.check().iter().filter(|d| d.diagnostic.is_error()).map(|d| d.diagnostic.message.clone()).collect();
    assert!(errors.is_empty(), "{errors:?}");
    lower(&rules.db).unwrap_or_else(|e| unreachable_plan(&e.0))
}

fn unreachable_plan(why: &str) -> Plan {
    assert!(why.is_empty(), "{why}");
    Plan { format: 0, hash: String::new(), connectors: vec![], metaverse: vec![], inbound: vec![], outbound: vec![], profiles: vec![], tests: vec![] }
}

/// A connector that serves `entries` and records exports.
#[derive(Debug, Default)]
struct Fake {
    entries: Vec<ImportEntry>,
    served: bool,
    exported: Vec<ExportRequest>,
}

impl Connector for Fake {
    fn open(&mut self) -> Result<(), ConnectorError> {
        Ok(())
    }
    fn discover(&mut self) -> Result<Vec<plan::ObjectType>, ConnectorError> {
        Ok(Vec::new())
    }
    fn start_import(&mut self, _mode: ImportMode, _page_size: usize) -> Result<(), ConnectorError> {
        self.served = false;
        Ok(())
    }
    fn next_page(&mut self) -> Result<Option<ImportPage>, ConnectorError> {
        if self.served {
            return Ok(None);
        }
        self.served = true;
        Ok(Some(ImportPage { entries: self.entries.iter().cloned().map(Ok).collect(), watermark: None }))
    }
    fn export(&mut self, batch: &[ExportRequest]) -> Result<Vec<ExportResult>, ConnectorError> {
        self.exported.extend(batch.iter().cloned());
        Ok(batch.iter().map(|_| ExportResult::Success { anchor: None }).collect())
    }
    fn close(&mut self) -> Result<(), ConnectorError> {
        Ok(())
    }
}

fn person(id: &str, given: &str, surname: &str, status: &str, manager: Option<&str>) -> ImportEntry {
    let mut attributes = BTreeMap::new();
    attributes.insert("employeeId".to_string(), Value::String(id.to_string()));
    attributes.insert("givenName".to_string(), Value::String(given.to_string()));
    attributes.insert("surname".to_string(), Value::String(surname.to_string()));
    attributes.insert("status".to_string(), Value::String(status.to_string()));
    if let Some(m) = manager {
        attributes.insert("managerId".to_string(), Value::Reference(m.to_string()));
    }
    ImportEntry { object_type: "person".to_string(), dn: id.to_string(), anchor: id.to_string(), change: EntryChange::Object, attributes }
}

fn no_progress(_: u64) {}

#[test]
fn a_new_person_is_projected_provisioned_and_exported() {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![person("1", "Ann", "Lee", "active", None), person("2", "Bob", "Ray", "active", Some("1"))], ..Fake::default() };
    let imported = import(&plan, &store, "hr", &mut hr, true, 100, &mut no_progress).unwrap_or_default();
    assert_eq!(imported.counts.adds, 2);
    assert_eq!(store.pending_imports("hr").map(|v| v.len()).unwrap_or(0), 2);
    let synced = synchronize(&plan, &store, "hr", false, 1, &mut no_progress).unwrap_or_default();
    assert_eq!(synced.counts.projections, 2, "{:?}", synced.issues);
    assert_eq!(synced.counts.provisions, 2);
    assert!(store.pending_imports("hr").unwrap_or_default().is_empty());
    // The metaverse holds both people, Bob's manager is Ann.
    let mvs: Vec<_> = store.mv_ids().unwrap_or_default().into_iter().filter_map(|id| store.mv(id).ok().flatten()).collect();
    assert_eq!(mvs.len(), 2);
    let ann = mvs.iter().find(|m| m.attributes.get("account") == Some(&Value::String("alee".into())));
    let bob = mvs.iter().find(|m| m.attributes.get("account") == Some(&Value::String("bray".into())));
    assert!(ann.is_some() && bob.is_some(), "{mvs:?}");
    let (Some(ann), Some(bob)) = (ann, bob) else { return };
    assert_eq!(bob.attributes.get("manager"), Some(&Value::Reference(ann.id.to_string())));
    // Pending exports: two adds with DNs; export sends them, manager as a DN in pass 2.
    let pending = store.pending_exports("directory").unwrap_or_default();
    assert_eq!(pending.len(), 2);
    let mut dir = Fake::default();
    let exported = export(&plan, &store, "directory", &mut dir, ExportOptions::default(), &mut no_progress).unwrap_or_default();
    assert_eq!(exported.counts.adds, 2, "{:?}", exported.issues);
    let dns: Vec<&str> = dir.exported.iter().filter(|r| r.change == ExportChange::Add).map(|r| r.dn.as_str()).collect();
    assert!(dns.contains(&"uid=alee,ou=people,dc=example,dc=org") && dns.contains(&"uid=bray,ou=people,dc=example,dc=org"), "{dns:?}");
    let manager = dir.exported.iter().flat_map(|r| r.attributes.iter()).find(|c| c.name == "manager").map(|c| c.new.clone());
    assert_eq!(manager, Some(Value::Reference("uid=alee,ou=people,dc=example,dc=org".into())));
    assert!(store.pending_exports("directory").unwrap_or_default().is_empty());
    // A second full sync finds nothing to do.
    let again = synchronize(&plan, &store, "hr", true, 2, &mut no_progress).unwrap_or_default();
    assert_eq!((again.counts.projections, again.counts.provisions), (0, 0));
    assert!(store.pending_exports("directory").unwrap_or_default().is_empty(), "nothing is exported twice");
}

#[test]
fn leaving_scope_and_deletion_deprovision() {
    let plan = plan();
    let store = MemoryStore::new();
    let mut hr = Fake { entries: vec![person("1", "Ann", "Lee", "active", None)], ..Fake::default() };
    let _ = import(&plan, &store, "hr", &mut hr, true, 100, &mut no_progress);
    let _ = synchronize(&plan, &store, "hr", false, 1, &mut no_progress);
    let mut dir = Fake::default();
    let _ = export(&plan, &store, "directory", &mut dir, ExportOptions::default(), &mut no_progress);
    // Ann is terminated: out of the inbound scope, the HR link goes, the person is deleted with it
    // (deletion rule `from hr`) and her account is deprovisioned (delete).
    hr.entries = vec![person("1", "Ann", "Lee", "terminated", None)];
    let imported = import(&plan, &store, "hr", &mut hr, true, 100, &mut no_progress).unwrap_or_default();
    assert_eq!(imported.counts.updates, 1);
    let cs = store.cs_by_anchor("hr", "1").ok().flatten().and_then(|id| store.cs("hr", id).ok().flatten());
    assert_eq!(cs.and_then(|o| o.pending_import).map(|p| p.change), Some(ImportChange::Update));
    let synced = synchronize(&plan, &store, "hr", false, 2, &mut no_progress).unwrap_or_default();
    assert_eq!(synced.counts.deprovisions, 1, "{:?}", synced.issues);
    assert!(store.mv_ids().unwrap_or_default().is_empty(), "the person is deleted");
    let pending = store.pending_exports("directory").unwrap_or_default();
    assert_eq!(pending.len(), 1);
    let mut dir2 = Fake::default();
    let exported = export(&plan, &store, "directory", &mut dir2, ExportOptions::default(), &mut no_progress).unwrap_or_default();
    assert_eq!(exported.counts.deletes, 1);
    assert_eq!(dir2.exported.first().map(|r| r.change), Some(ExportChange::Delete));
    assert!(store.cs_ids("directory").unwrap_or_default().is_empty());
}
