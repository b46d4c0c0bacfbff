//! The sled 0.34 implementation of [`Store`].
//!
//! Everything lives in sled's default tree, one key space split by prefixes, so that one
//! [`sled::Tree::apply_batch`] applies a whole [`Batch`] (objects *and* their index entries)
//! atomically, and one `flush` after it makes it durable before [`Store::commit`] returns. Ids are
//! big-endian so that a prefix scan yields them in id order; names are separated by a NUL byte,
//! which is why names (connectors, object types, indexed attributes) must not contain one.
//!
//! | key                                          | value                            |
//! |----------------------------------------------|----------------------------------|
//! | `v`                                          | the store format (`4`, as text)  |
//! | `n`                                          | the end of the reserved id block |
//! | `c/<connector>\0<id>`                        | [`CsObject`]: header, binary body ([`record`](super::record)) |
//! | `a/<connector>\0<anchor>`                    | id                               |
//! | `d/<connector>\0<lower-cased DN>`            | id                               |
//! | `ip/<connector>\0<page>`, `ep/<connector>\0<page>` | flags of ids `page * 4096 ..`: pending import / export |
//! | `dp/<connector>\0<page>` | flags: staging objects not joined (disconnectors) |
//! | `m/<id>`                                     | [`MvObject`]: header (with its join keys), binary body |
//! | `x/<type>\0<attribute>\0<value JSON>\0<id>`  | empty (join index, per value)    |
//! | `w/<connector>`                              | watermark (JSON string)          |
//! | `r/<run id>`                                 | [`RunRecord`] (JSON)             |
//!
//! `commit` first collapses the batch to the final state of every object it touches (a later
//! write wins), then diffs each object against its stored version: stale index entries are
//! removed, new ones added, unchanged ones left alone (an update that keeps its anchor and DN
//! writes one key). The diff reads only the stored object's header (anchor, DN, flags; a
//! metaverse object's join keys), never its values. All removals go into the sled batch before all insertions (a sled batch keeps
//! the last write per key), so an anchor that moves from one object to another in one batch ends
//! up pointing at its new owner. Anchor and DN entries are removed only while they still point at
//! the object being changed. A value that does not decode is an error naming its key, and a
//! commit that would overwrite such a value fails rather than leave its index entries behind.
//!
//! Flags (pending import, pending export, disconnector) are bits in pages of 4,096 ids, stored up
//! to their last non-zero byte: a commit reads each page it changes once and writes it once, so
//! importing or synchronizing a batch of a thousand objects writes a page or two per flag, not a
//! key per object (a full synchronization's commits took a fifth less time).
//!
//! Ids are handed out from blocks of [`ID_BLOCK`]: the end of a block is written and flushed
//! before any id of it is returned, so a crash loses at most the rest of a block, never reuses an
//! id.

use super::record::{self, CsHeader, MvHeader};
use super::{Batch, Op, Result, Store, StoreError};
use crate::model::{CsObject, Id, MvObject, RunRecord};
use crate::value::Value;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::sync::{Mutex, PoisonError};

/// The on-disk format this code writes; a store of another format is refused, except
/// [`UPGRADABLE`].
pub const FORMAT: u32 = 4;
/// Older formats this code upgrades when it opens them. Format 2 kept objects' bodies as JSON
/// (format 3 and later write them in binary, see [`record`], and read both: records are rewritten
/// in the new form as they change); formats 2 and 3 kept one index entry per flagged object
/// (pending import, pending export, disconnector), format 4 keeps pages of flags, and the
/// upgrade rewrites those entries as pages in one batch with the new format number.
pub const UPGRADABLE: [u32; 2] = [2, 3];
/// How many ids one durable counter write reserves.
pub const ID_BLOCK: u64 = 1_000;
/// The first id of a new store (0 is never handed out).
const FIRST_ID: Id = 1;

const FORMAT_KEY: &[u8] = b"v";
const COUNTER_KEY: &[u8] = b"n";
const CS: &[u8] = b"c/";
const ANCHOR: &[u8] = b"a/";
const DN: &[u8] = b"d/";
/// Pages of pending-import flags (see [`FlagPage`]).
const PENDING_IMPORT: &[u8] = b"ip/";
/// Pages of pending-export flags.
const PENDING_EXPORT: &[u8] = b"ep/";
/// Pages of disconnector flags.
const DISCONNECTOR: &[u8] = b"dp/";
/// Format 2 and 3 kept one empty entry per flagged object under these prefixes.
const LEGACY_FLAGS: [(&[u8], &[u8]); 3] = [(b"pi/", PENDING_IMPORT), (b"pe/", PENDING_EXPORT), (b"dc/", DISCONNECTOR)];
/// Ids per flag page.
const PAGE_IDS: u64 = 4096;
const MV: &[u8] = b"m/";
const JOIN: &[u8] = b"x/";
const WATERMARK: &[u8] = b"w/";
const RUN: &[u8] = b"r/";
/// Prefixes of keys that end with a big-endian id, and whether a NUL separates it from names
/// (used to show keys in errors).
const ID_KEYED: [(&[u8], bool); 7] = [
    (CS, true),
    (PENDING_IMPORT, true),
    (PENDING_EXPORT, true),
    (DISCONNECTOR, true),
    (JOIN, true),
    (MV, false),
    (RUN, false),
];

/// A [`Store`] kept in a sled database.
pub struct SledStore {
    db: sled::Db,
    /// The directory, or "a temporary store", for error messages.
    location: String,
    ids: Mutex<IdBlock>,
    /// Commits read the stored versions of the objects they change: one at a time.
    commits: Mutex<()>,
    /// What opening the store repaired, if anything.
    recovery: Option<String>,
}

/// The ids reserved and not yet handed out: `next..end`.
#[derive(Debug)]
struct IdBlock {
    next: Id,
    end: Id,
}

impl fmt::Debug for SledStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SledStore").field("location", &self.location).finish_non_exhaustive()
    }
}

impl SledStore {
    /// Opens (or creates) the store in `dir`, recovering from what an interrupted process can leave
    /// behind (see [`SledStore::recovery`]).
    pub fn open(dir: &Path) -> Result<SledStore> {
        let location = dir.display().to_string();
        let (db, recovery) = open_recovering(dir, &location)?;
        let mut store = SledStore::init(db, location)?;
        if let Some(recovery) = recovery {
            store.check_readable()?;
            store.recovery = Some(recovery);
        }
        Ok(store)
    }

    /// What [`SledStore::open`] had to repair before the store would open, for the operator (`None`
    /// for a store that opened as it was).
    pub fn recovery(&self) -> Option<&str> {
        self.recovery.as_deref()
    }

    /// Reads every key and value, so that sled checks each page's checksum: after a repair the store
    /// is used only when all of it reads back.
    fn check_readable(&self) -> Result<()> {
        for item in self.db.iter() {
            item.map_err(|e| {
                StoreError(format!(
                    "the store at `{}` was repaired after an interrupted run but does not read back: {e}",
                    self.location
                ))
            })?;
        }
        Ok(())
    }

    /// A store that lives in a temporary directory and is deleted when dropped (for tests).
    pub fn temporary() -> Result<SledStore> {
        let db = sled::Config::new()
            .temporary(true)
            .open()
            .map_err(|e| StoreError(format!("cannot open a temporary store: {e}")))?;
        SledStore::init(db, "a temporary store".to_string())
    }

    /// Checks (or, in an empty database, writes) the format key.
    fn init(db: sled::Db, location: String) -> Result<SledStore> {
        let store = SledStore {
            db,
            location,
            ids: Mutex::new(IdBlock { next: 0, end: 0 }),
            commits: Mutex::new(()),
            recovery: None,
        };
        let expected = FORMAT.to_string();
        match store.get(FORMAT_KEY)? {
            Some(found) if found.as_ref() == expected.as_bytes() => {}
            Some(found) if UPGRADABLE.iter().any(|f| found.as_ref() == f.to_string().as_bytes()) => {
                store.upgrade_flags(&String::from_utf8_lossy(&found))?;
            }
            Some(found) => {
                return Err(StoreError(format!(
                    "the store at `{}` has format `{}`, this version of metasync reads format `{expected}`",
                    store.location,
                    String::from_utf8_lossy(&found)
                )));
            }
            None if !store.db.is_empty() => {
                return Err(StoreError(format!(
                    "`{}` holds a sled database that is not a metasync store (it has no format key)",
                    store.location
                )));
            }
            None => {
                store.db.insert(FORMAT_KEY, expected.as_bytes()).map_err(|e| store.failed(e))?;
                store.flush()?;
            }
        }
        Ok(store)
    }

    /// The directory of the store (or "a temporary store").
    pub fn location(&self) -> &str {
        &self.location
    }

    /// A sled failure, with the store's location.
    fn failed(&self, e: sled::Error) -> StoreError {
        StoreError(format!("`{}`: {e}", self.location))
    }

    fn flush(&self) -> Result<()> {
        self.db.flush().map(drop).map_err(|e| self.failed(e))
    }

    fn get(&self, key: &[u8]) -> Result<Option<sled::IVec>> {
        self.db.get(key).map_err(|e| self.failed(e))
    }

    fn get_decoded<T: DeserializeOwned>(&self, key: &[u8]) -> Result<Option<T>> {
        self.get(key)?.map(|bytes| decode(key, &bytes)).transpose()
    }

    fn get_id(&self, key: &[u8]) -> Result<Option<Id>> {
        self.get(key)?.map(|bytes| decode_id(key, &bytes)).transpose()
    }

    /// The ids at the end of the keys under `prefix`, in id order.
    fn scan_ids(&self, prefix: &[u8]) -> Result<Vec<Id>> {
        let mut ids = Vec::new();
        for item in self.db.scan_prefix(prefix) {
            let (key, _) = item.map_err(|e| self.failed(e))?;
            ids.push(trailing_id(&key, prefix.len())?);
        }
        Ok(ids)
    }

    /// Moves one index entry that maps a name to an id (anchor, DN) from `old` to `new` (either
    /// may be absent). An unchanged entry is not rewritten. Another object may own the old name
    /// now: it is removed only while it still names `id`.
    fn move_entry(&self, old: Option<Vec<u8>>, new: Option<Vec<u8>>, id: Id, writes: &mut Writes) -> Result<()> {
        let value = id.to_be_bytes().to_vec();
        if old.is_some() && old == new {
            if let Some(key) = new {
                writes.kept.push((key, value));
            }
            return Ok(());
        }
        if let Some(key) = old
            && self.get(&key)?.is_some_and(|owner| owner.as_ref() == id.to_be_bytes())
        {
            writes.removes.push(key);
        }
        if let Some(key) = new {
            writes.insert(key, value);
        }
        Ok(())
    }

    /// A stored connector space object's header.
    fn stored_cs_header(&self, key: &[u8]) -> Result<Option<CsHeader>> {
        self.get(key)?.map(|bytes| record::cs_header(&bytes).map_err(|e| undecodable(key, &e))).transpose()
    }

    /// Adds the writes for one connector space object's new state (`None`: deleted).
    fn write_cs(&self, connector: &str, id: Id, new: Option<&CsObject>, writes: &mut Writes) -> Result<()> {
        let key = cs_key(connector, id);
        let old = self.stored_cs_header(&key)?;
        let old_index = old.as_ref().map(|h| CsIndex::of(connector, h)).unwrap_or_default();
        let new_index = new.map(|o| CsIndex::of(connector, &CsHeader::of(o))).unwrap_or_default();
        match new {
            Some(object) => {
                let bytes = record::encode_cs(object).map_err(|e| unencodable(&key, &e))?;
                writes.insert(key.clone(), bytes);
            }
            None if old.is_some() => writes.removes.push(key),
            None => {}
        }
        self.move_entry(old_index.anchor, new_index.anchor, id, writes)?;
        self.move_entry(old_index.dn, new_index.dn, id, writes)?;
        writes.flag(PENDING_IMPORT, connector, id, old_index.pending_import, new_index.pending_import);
        writes.flag(PENDING_EXPORT, connector, id, old_index.pending_export, new_index.pending_export);
        writes.flag(DISCONNECTOR, connector, id, old_index.disconnector, new_index.disconnector);
        Ok(())
    }

    /// Adds the writes of the flag pages the commit changes: each page is read once, changed
    /// bit by bit, and written back (removed when no flag is left on it).
    fn write_flags(&self, writes: &mut Writes) -> Result<()> {
        for (key, changes) in std::mem::take(&mut writes.flags) {
            let mut page = match self.get(&key)? {
                Some(bytes) => FlagPage::decode(&key, &bytes)?,
                None => FlagPage::default(),
            };
            for (bit, on) in changes {
                page.set(bit, on);
            }
            match page.encode() {
                Some(bytes) => writes.insert(key, bytes),
                None => writes.removes.push(key),
            }
        }
        Ok(())
    }

    /// The ids flagged in the pages under `prefix`, in id order.
    fn scan_flags(&self, prefix: &[u8]) -> Result<Vec<Id>> {
        let mut ids = Vec::new();
        for item in self.db.scan_prefix(prefix) {
            let (key, bytes) = item.map_err(|e| self.failed(e))?;
            let page = trailing_id(&key, prefix.len())?;
            let first = page.checked_mul(PAGE_IDS).ok_or_else(|| {
                StoreError(format!("malformed key `{}`: page {page} is out of range", show_key(&key)))
            })?;
            ids.extend(FlagPage::decode(&key, &bytes)?.bits().map(|bit| first + u64::from(bit)));
        }
        Ok(ids)
    }

    /// Rewrites the one-entry-per-object flags of format 2 and 3 as pages, in one batch with the
    /// new format number.
    fn upgrade_flags(&self, format: &str) -> Result<()> {
        let mut writes = Writes::with_capacity(0);
        for (legacy, tag) in LEGACY_FLAGS {
            for item in self.db.scan_prefix(legacy) {
                let (key, _) = item.map_err(|e| self.failed(e))?;
                let rest = key.get(legacy.len()..).unwrap_or_default();
                let (connector, id) = match rest.len().checked_sub(9).and_then(|n| rest.split_at_checked(n)) {
                    Some((connector, [0, id @ ..])) => (connector, <[u8; 8]>::try_from(id).ok()),
                    _ => (rest, None),
                };
                let (Some(id), Ok(connector)) = (id, std::str::from_utf8(connector)) else {
                    return Err(StoreError(format!("malformed key `{}` in a format {format} store", show_key(&key))));
                };
                writes.flag(tag, connector, Id::from_be_bytes(id), false, true);
                writes.removes.push(key.to_vec());
            }
        }
        self.write_flags(&mut writes)?;
        writes.insert(FORMAT_KEY.to_vec(), FORMAT.to_string().into_bytes());
        self.db.apply_batch(writes.into_sled()).map_err(|e| self.failed(e))?;
        self.flush()
    }

    /// Adds the writes for one metaverse object's new state (`None`: deleted).
    fn write_mv(&self, id: Id, new: Option<&(MvObject, Vec<String>)>, writes: &mut Writes) -> Result<()> {
        let key = id_key(MV, id);
        let old = match self.get(&key)? {
            Some(bytes) => Some(record::mv_header(&bytes).map_err(|e| undecodable(&key, &e))?),
            None => None,
        };
        let old_joins: BTreeSet<Vec<u8>> =
            old.as_ref().map(|(_, keys)| keys.iter().cloned().collect()).unwrap_or_default();
        let new_joins: Vec<Vec<u8>> = match new {
            Some((object, indexed)) => {
                let mut keys = join_keys(object, indexed)?;
                keys.sort();
                keys.dedup();
                keys
            }
            None => Vec::new(),
        };
        // Join entries end with the object's id: no other object can own them.
        let kept: BTreeSet<&Vec<u8>> = new_joins.iter().collect();
        writes.removes.extend(old_joins.iter().filter(|k| !kept.contains(k)).cloned());
        for join in new_joins.iter().filter(|k| !old_joins.contains(*k)) {
            writes.insert(join.clone(), Vec::new());
        }
        match new {
            Some((object, _)) => {
                let bytes = record::encode_mv(object, &new_joins).map_err(|e| unencodable(&key, &e))?;
                writes.insert(key, bytes);
            }
            None if old.is_some() => writes.removes.push(key),
            None => {}
        }
        Ok(())
    }
}

/// The sled writes of a commit.
struct Writes {
    removes: Vec<Vec<u8>>,
    inserts: Vec<(Vec<u8>, Vec<u8>)>,
    /// Index entries that stay as they are, unless another object's change removes them.
    kept: Vec<(Vec<u8>, Vec<u8>)>,
    /// Flag changes by page key: `(bit, on)`.
    flags: BTreeMap<Vec<u8>, Vec<(u16, bool)>>,
}

impl Writes {
    fn with_capacity(inserts: usize) -> Writes {
        Writes { removes: Vec::new(), inserts: Vec::with_capacity(inserts), kept: Vec::new(), flags: BTreeMap::new() }
    }

    /// Notes a flag of `id` going from `old` to `new`.
    fn flag(&mut self, tag: &[u8], connector: &str, id: Id, old: bool, new: bool) {
        if old != new {
            let key = connector_key(tag, connector, &(id / PAGE_IDS).to_be_bytes());
            let bit = u16::try_from(id % PAGE_IDS).unwrap_or(0);
            self.flags.entry(key).or_default().push((bit, new));
        }
    }

    fn insert(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.inserts.push((key, value));
    }

    /// Every removal comes before every insertion: a sled batch keeps the last write per key, so
    /// an entry removed for one object and inserted for another (or the same) object is inserted.
    fn into_sled(self) -> sled::Batch {
        let mut batch = sled::Batch::default();
        let removed: BTreeSet<&[u8]> = self.removes.iter().map(Vec::as_slice).collect();
        let restored: Vec<(Vec<u8>, Vec<u8>)> =
            self.kept.into_iter().filter(|(key, _)| removed.contains(key.as_slice())).collect();
        for key in self.removes {
            batch.remove(key);
        }
        for (key, value) in restored.into_iter().chain(self.inserts) {
            batch.insert(key, value);
        }
        batch
    }
}

/// One page of flags: bit `i` is the flag of id `page * 4096 + i`. Stored as its bytes up to the
/// last non-zero one (at most 512).
#[derive(Debug, Default)]
struct FlagPage(Vec<u8>);

impl FlagPage {
    fn decode(key: &[u8], bytes: &[u8]) -> Result<FlagPage> {
        if bytes.len() > (PAGE_IDS / 8) as usize {
            return Err(StoreError(format!(
                "malformed value of `{}`: a flag page of {} bytes (at most {})",
                show_key(key),
                bytes.len(),
                PAGE_IDS / 8
            )));
        }
        Ok(FlagPage(bytes.to_vec()))
    }

    fn set(&mut self, bit: u16, on: bool) {
        let (byte, mask) = (usize::from(bit / 8), 1u8 << (bit % 8));
        if self.0.len() <= byte {
            if !on {
                return;
            }
            self.0.resize(byte + 1, 0);
        }
        if let Some(b) = self.0.get_mut(byte) {
            if on {
                *b |= mask;
            } else {
                *b &= !mask;
            }
        }
    }

    /// Its stored bytes; `None` when no flag is set.
    fn encode(mut self) -> Option<Vec<u8>> {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        (!self.0.is_empty()).then_some(self.0)
    }

    /// The set bits, ascending.
    fn bits(&self) -> impl Iterator<Item = u16> + '_ {
        self.0.iter().enumerate().flat_map(|(i, b)| {
            (0..8u16).filter(move |k| b & (1 << k) != 0).map(move |k| u16::try_from(i).unwrap_or(0) * 8 + k)
        })
    }
}

/// The index keys of a connector space object (all absent for no object).
#[derive(Default)]
struct CsIndex {
    anchor: Option<Vec<u8>>,
    dn: Option<Vec<u8>>,
    pending_import: bool,
    pending_export: bool,
    disconnector: bool,
}

impl CsIndex {
    fn of(connector: &str, h: &CsHeader) -> CsIndex {
        CsIndex {
            anchor: h.anchor.as_deref().map(|anchor| connector_key(ANCHOR, connector, anchor.as_bytes())),
            dn: Some(connector_key(DN, connector, h.dn.to_lowercase().as_bytes())),
            pending_import: h.pending_import,
            pending_export: h.pending_export,
            disconnector: h.link.is_none() && h.kind == crate::model::CsKind::Staging,
        }
    }
}

impl Store for SledStore {
    fn next_id(&self) -> Result<Id> {
        let mut block = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        if block.next >= block.end {
            let stored = self.get_id(COUNTER_KEY)?.unwrap_or(FIRST_ID);
            let start = block.next.max(stored);
            let end = start
                .checked_add(ID_BLOCK)
                .ok_or_else(|| StoreError(format!("the store at `{}` has run out of ids", self.location)))?;
            // INVARIANT: the block is durable before any of its ids is handed out.
            self.db.insert(COUNTER_KEY, &end.to_be_bytes()).map_err(|e| self.failed(e))?;
            self.flush()?;
            *block = IdBlock { next: start, end };
        }
        let id = block.next;
        block.next = id.saturating_add(1);
        Ok(id)
    }

    fn cs(&self, connector: &str, id: Id) -> Result<Option<CsObject>> {
        let key = cs_key(connector, id);
        self.get(&key)?.map(|bytes| record::cs_object(&bytes).map_err(|e| undecodable(&key, &e))).transpose()
    }

    fn cs_header(&self, connector: &str, id: Id) -> Result<Option<CsHeader>> {
        self.stored_cs_header(&cs_key(connector, id))
    }

    fn cs_by_anchor(&self, connector: &str, anchor: &str) -> Result<Option<Id>> {
        if has_nul(connector) {
            return Ok(None);
        }
        self.get_id(&connector_key(ANCHOR, connector, anchor.as_bytes()))
    }

    fn cs_by_dn(&self, connector: &str, dn: &str) -> Result<Option<Id>> {
        if has_nul(connector) {
            return Ok(None);
        }
        self.get_id(&connector_key(DN, connector, dn.to_lowercase().as_bytes()))
    }

    fn cs_ids(&self, connector: &str) -> Result<Vec<Id>> {
        if has_nul(connector) {
            return Ok(Vec::new());
        }
        self.scan_ids(&connector_key(CS, connector, &[]))
    }

    fn pending_imports(&self, connector: &str) -> Result<Vec<Id>> {
        if has_nul(connector) {
            return Ok(Vec::new());
        }
        self.scan_flags(&connector_key(PENDING_IMPORT, connector, &[]))
    }

    fn pending_exports(&self, connector: &str) -> Result<Vec<Id>> {
        if has_nul(connector) {
            return Ok(Vec::new());
        }
        self.scan_flags(&connector_key(PENDING_EXPORT, connector, &[]))
    }

    fn disconnectors(&self, connector: &str) -> Result<Vec<Id>> {
        if has_nul(connector) {
            return Ok(Vec::new());
        }
        self.scan_flags(&connector_key(DISCONNECTOR, connector, &[]))
    }

    fn mv(&self, id: Id) -> Result<Option<MvObject>> {
        let key = id_key(MV, id);
        self.get(&key)?.map(|bytes| record::mv_object(&bytes).map_err(|e| undecodable(&key, &e))).transpose()
    }

    fn mv_header(&self, id: Id) -> Result<Option<MvHeader>> {
        let key = id_key(MV, id);
        self.get(&key)?
            .map(|bytes| record::mv_header(&bytes).map(|(h, _)| h).map_err(|e| undecodable(&key, &e)))
            .transpose()
    }

    fn mv_ids(&self) -> Result<Vec<Id>> {
        self.scan_ids(MV)
    }

    /// A list `value` finds the objects holding any of its values.
    fn mv_find(&self, object_type: &str, attr: &str, value: &Value) -> Result<Vec<Id>> {
        if has_nul(object_type) || has_nul(attr) {
            return Ok(Vec::new());
        }
        let mut found = BTreeSet::new();
        for one in value.values() {
            if *one == Value::Null {
                continue;
            }
            let prefix = join_prefix(object_type, attr, one)?;
            found.extend(self.scan_ids(&prefix)?);
        }
        Ok(found.into_iter().collect())
    }

    fn watermark(&self, connector: &str) -> Result<Option<String>> {
        self.get_decoded(&watermark_key(connector))
    }

    fn runs(&self) -> Result<Vec<RunRecord>> {
        let mut runs = Vec::new();
        for item in self.db.scan_prefix(RUN) {
            let (key, value) = item.map_err(|e| self.failed(e))?;
            runs.push(decode(&key, &value)?);
        }
        Ok(runs)
    }

    fn commit(&self, batch: Batch) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        let _one_at_a_time = self.commits.lock().unwrap_or_else(PoisonError::into_inner);
        // The final state of every object the batch touches: a later write wins.
        let mut cs: BTreeMap<(String, Id), Option<CsObject>> = BTreeMap::new();
        let mut mv: BTreeMap<Id, Option<(MvObject, Vec<String>)>> = BTreeMap::new();
        // About three keys per object (object, anchor, DN); flags go in pages.
        let mut writes = Writes::with_capacity(batch.ops.len().saturating_mul(3));
        for op in batch.ops {
            match op {
                Op::PutCs(object) => {
                    check_name("connector", &object.connector)?;
                    cs.insert((object.connector.clone(), object.id), Some(*object));
                }
                Op::DeleteCs { connector, id } => {
                    cs.insert((connector, id), None);
                }
                Op::PutMv(object, mut indexed) => {
                    check_name("object type", &object.object_type)?;
                    for attr in &indexed {
                        check_name("attribute", attr)?;
                    }
                    indexed.sort();
                    indexed.dedup();
                    mv.insert(object.id, Some((*object, indexed)));
                }
                Op::DeleteMv(id) => {
                    mv.insert(id, None);
                }
                Op::SetWatermark { connector, watermark } => {
                    let key = watermark_key(&connector);
                    writes.insert(key.clone(), encode(&key, &watermark)?);
                }
                Op::PutRun(run) => {
                    let key = id_key(RUN, run.id);
                    writes.insert(key.clone(), encode(&key, &*run)?);
                }
            }
        }
        for ((connector, id), new) in &cs {
            self.write_cs(connector, *id, new.as_ref(), &mut writes)?;
        }
        for (id, new) in &mv {
            self.write_mv(*id, new.as_ref(), &mut writes)?;
        }
        self.write_flags(&mut writes)?;
        self.db.apply_batch(writes.into_sled()).map_err(|e| self.failed(e))?;
        self.flush()
    }
}

/// sled's page cache, in bytes: `METASYNC_CACHE_MB` (mebibytes), or 512 MiB. The scale
/// benchmark ran a 100,000-person cycle (a 950 MiB store) as fast with 512 MiB as with sled's
/// default of 1 GiB, and with the same peak; at a million people (an 8 GiB store) the larger
/// cache only added to the peak. It measured a 256 MiB cache 35 % slower on a 10,000-person store.
fn cache_bytes() -> u64 {
    std::env::var("METASYNC_CACHE_MB").ok().and_then(|v| v.trim().parse::<u64>().ok()).unwrap_or(512) * 1024 * 1024
}

/// Refuses a name that would break the key layout.
fn check_name(what: &str, name: &str) -> Result<()> {
    if has_nul(name) {
        return Err(StoreError(format!("{what} name `{}` contains a NUL character", name.escape_debug())));
    }
    Ok(())
}

fn has_nul(name: &str) -> bool {
    name.as_bytes().contains(&0)
}

/// `<tag><connector>\0<rest>`.
fn connector_key(tag: &[u8], connector: &str, rest: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(tag.len() + connector.len() + 1 + rest.len());
    key.extend_from_slice(tag);
    key.extend_from_slice(connector.as_bytes());
    key.push(0);
    key.extend_from_slice(rest);
    key
}

fn cs_key(connector: &str, id: Id) -> Vec<u8> {
    connector_key(CS, connector, &id.to_be_bytes())
}

/// `<tag><id>`.
fn id_key(tag: &[u8], id: Id) -> Vec<u8> {
    let mut key = Vec::with_capacity(tag.len() + 8);
    key.extend_from_slice(tag);
    key.extend_from_slice(&id.to_be_bytes());
    key
}

fn watermark_key(connector: &str) -> Vec<u8> {
    let mut key = WATERMARK.to_vec();
    key.extend_from_slice(connector.as_bytes());
    key
}

/// `x/<type>\0<attr>\0<value JSON>\0` (JSON escapes NUL, so the value cannot contain one).
fn join_prefix(object_type: &str, attr: &str, value: &Value) -> Result<Vec<u8>> {
    let json = serde_json::to_vec(value)
        .map_err(|e| StoreError(format!("cannot encode a value of `{attr}` for the join index: {e}")))?;
    let mut key = Vec::with_capacity(JOIN.len() + object_type.len() + attr.len() + json.len() + 3);
    key.extend_from_slice(JOIN);
    key.extend_from_slice(object_type.as_bytes());
    key.push(0);
    key.extend_from_slice(attr.as_bytes());
    key.push(0);
    key.extend_from_slice(&json);
    key.push(0);
    Ok(key)
}

/// The join index keys of a metaverse object: one per value of each indexed attribute.
fn join_keys(object: &MvObject, indexed: &[String]) -> Result<Vec<Vec<u8>>> {
    let mut keys = Vec::new();
    for attr in indexed {
        let Some(value) = object.attributes.get(attr) else { continue };
        for one in value.values() {
            if *one == Value::Null {
                continue;
            }
            let mut key = join_prefix(&object.object_type, attr, one)?;
            key.extend_from_slice(&object.id.to_be_bytes());
            keys.push(key);
        }
    }
    Ok(keys)
}

fn encode<T: Serialize + ?Sized>(key: &[u8], value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value)
        .map_err(|e| StoreError(format!("cannot encode the value for key `{}`: {e}", show_key(key))))
}

fn decode<T: DeserializeOwned>(key: &[u8], bytes: &[u8]) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| StoreError(format!("cannot decode the value under key `{}`: {e}", show_key(key))))
}

fn undecodable(key: &[u8], why: &str) -> StoreError {
    StoreError(format!("cannot decode the value under key `{}`: {why}", show_key(key)))
}

fn unencodable(key: &[u8], why: &str) -> StoreError {
    StoreError(format!("cannot encode the value for key `{}`: {why}", show_key(key)))
}

fn decode_id(key: &[u8], bytes: &[u8]) -> Result<Id> {
    <[u8; 8]>::try_from(bytes).map(Id::from_be_bytes).map_err(|_| {
        StoreError(format!(
            "cannot decode the value under key `{}`: expected an 8-byte id, found {} bytes",
            show_key(key),
            bytes.len()
        ))
    })
}

/// The id that follows a prefix of `prefix_len` bytes.
fn trailing_id(key: &[u8], prefix_len: usize) -> Result<Id> {
    key.get(prefix_len..)
        .and_then(|rest| <[u8; 8]>::try_from(rest).ok())
        .map(Id::from_be_bytes)
        .ok_or_else(|| StoreError(format!("malformed key `{}`: expected an 8-byte id after its prefix", show_key(key))))
}

/// A key as text for messages: NUL separators as `/`, a trailing big-endian id as a number.
fn show_key(key: &[u8]) -> String {
    let id_keyed = ID_KEYED.iter().any(|(tag, after_nul)| {
        key.starts_with(tag)
            && if *after_nul {
                key.len() >= tag.len() + 9 && key.get(key.len() - 9) == Some(&0)
            } else {
                key.len() == tag.len() + 8
            }
    });
    let split = if id_keyed { key.split_at_checked(key.len().saturating_sub(8)) } else { None };
    match split.map(|(text, id)| (text, <[u8; 8]>::try_from(id))) {
        Some((text, Ok(id))) => {
            format!("{}{}", String::from_utf8_lossy(text).replace('\0', "/"), Id::from_be_bytes(id))
        }
        _ => String::from_utf8_lossy(key).replace('\0', "/"),
    }
}

/// sled's configuration of a store folder. Every commit flushes, so sled's background flush (every
/// 500 ms by default) adds nothing to durability; without it, committing 100,000 objects in batches of
/// 500 took 10 to 30 % less time (measured with sled 0.34.7, release build).
fn config(dir: &Path) -> sled::Config {
    sled::Config::new().path(dir).flush_every_ms(None).cache_capacity(cache_bytes())
}

/// Opens sled in `dir`, waiting a bounded time for a lock that a store closed a moment ago still
/// holds (sled releases it from a background thread shortly after the last handle is dropped, so a
/// store closed by this process or one that just ended is retried before it counts as in use).
fn open_sled(dir: &Path, location: &str) -> Result<std::result::Result<sled::Db, sled::Error>> {
    let mut attempt = 0u32;
    loop {
        match config(dir).open() {
            Err(sled::Error::Io(e)) if is_lock_error(&e) && attempt < 40 => {
                attempt += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(sled::Error::Io(e)) if is_lock_error(&e) => {
                return Err(StoreError(format!("the store at `{location}` is in use by another metasync process")));
            }
            opened => return Ok(opened),
        }
    }
}

/// Opens sled in `dir`; when sled reports corruption, repairs what an interrupted process leaves
/// behind and opens again. Returns the database and what was repaired.
///
/// sled 0.34 writes a snapshot of its page table only while it opens a database: it writes
/// `snap.<lsn>.generating`, syncs it, renames it to `snap.<lsn>` and then removes the older
/// snapshots. A process killed before the rename leaves the `.generating` file, which sorts after
/// the complete snapshots, so the next open reads it, finds its checksum wrong and fails with
/// `Corruption` (spacejam/sled#1527, #1533). Such a file is never complete by construction, and the
/// previous snapshot is still there: removing it is always safe. When that is not enough (a snapshot
/// damaged otherwise), every snapshot is set aside (renamed `set-aside.snap.<lsn>`, kept for
/// inspection): a snapshot only indexes the log, and sled rebuilds it by replaying the log, whose
/// every message carries its own checksum. A store opened by a repair is read in full before use.
fn open_recovering(dir: &Path, location: &str) -> Result<(sled::Db, Option<String>)> {
    let cannot = |e: &sled::Error| StoreError(format!("cannot open the store at `{location}`: {}", describe(e)));
    let first = match open_sled(dir, location)? {
        Ok(db) => return Ok((db, None)),
        Err(e @ sled::Error::Corruption { .. }) => e,
        Err(e) => return Err(cannot(&e)),
    };
    // sled can report corruption before it takes its lock (a damaged `conf`): the repair holds the
    // lock itself, so that it never touches the files of a store another process has open.
    let lock = lock_store(dir, location)?;
    let mut done = Vec::new();
    let incomplete = snapshot_files(dir, location)?.into_iter().filter(|name| name.ends_with(".generating"));
    for name in incomplete {
        std::fs::remove_file(dir.join(&name)).map_err(|e| {
            StoreError(format!("cannot remove the incomplete snapshot `{name}` of the store at `{location}`: {e}"))
        })?;
        done.push(format!("removed the incomplete snapshot file `{name}`"));
    }
    drop(lock);
    if !done.is_empty() {
        match open_sled(dir, location)? {
            Ok(db) => return Ok((db, Some(done.join(", ")))),
            Err(sled::Error::Corruption { .. }) => {}
            Err(e) => return Err(cannot(&e)),
        }
    }
    let lock = lock_store(dir, location)?;
    for name in snapshot_files(dir, location)? {
        let aside = format!("set-aside.{name}");
        std::fs::rename(dir.join(&name), dir.join(&aside)).map_err(|e| {
            StoreError(format!("cannot set aside the snapshot `{name}` of the store at `{location}`: {e}"))
        })?;
        done.push(format!("set aside the snapshot `{name}` as `{aside}` and rebuilt it from the log"));
    }
    drop(lock);
    match open_sled(dir, location)? {
        Ok(db) if !done.is_empty() => Ok((db, Some(done.join(", ")))),
        Ok(db) => Ok((db, None)),
        Err(e) => {
            let tried = if done.is_empty() { "nothing to repair".to_string() } else { done.join(", ") };
            Err(StoreError(format!(
                "the store at `{location}` is corrupt and could not be repaired: {}; {tried}; then: {}",
                describe(&first),
                describe(&e)
            )))
        }
    }
}

/// Takes the lock sled takes on a store (an exclusive `flock` on its `db` file), waiting a bounded
/// time as [`open_sled`] does; released when the file is dropped.
fn lock_store(dir: &Path, location: &str) -> Result<std::fs::File> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .open(dir.join("db"))
        .map_err(|e| StoreError(format!("cannot open the store at `{location}`: {e}")))?;
    for _ in 0..40 {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => std::thread::sleep(std::time::Duration::from_millis(50)),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(StoreError(format!("cannot lock the store at `{location}`: {e}")));
            }
        }
    }
    Err(StoreError(format!("the store at `{location}` is in use by another metasync process")))
}

/// A sled error for a message (sled's own text of corruption shows an empty backtrace).
fn describe(e: &sled::Error) -> String {
    match e {
        sled::Error::Corruption { at: Some(at), .. } => format!("sled reports corrupt data at {at:?}"),
        sled::Error::Corruption { at: None, .. } => "sled reports corrupt data".to_string(),
        other => other.to_string(),
    }
}

/// The names of sled's snapshot files in `dir` (`snap.<lsn>`, `snap.<lsn>.generating`).
fn snapshot_files(dir: &Path, location: &str) -> Result<Vec<String>> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| StoreError(format!("cannot list the store at `{location}`: {e}")))?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| StoreError(format!("cannot list the store at `{location}`: {e}")))?;
        if let Some(name) = entry.file_name().to_str().filter(|n| n.starts_with("snap.")) {
            names.push(name.to_string());
        }
    }
    names.sort();
    Ok(names)
}

/// sled reports a held file lock as an `Other` I/O error whose text says so.
fn is_lock_error(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::WouldBlock || e.to_string().contains("could not acquire lock")
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "a failing test panics")]
mod tests {
    use super::*;
    use crate::model::{AttrChange, ExportChange, ImportChange, Link, PendingExport, PendingImport, StepRecord};
    use std::path::PathBuf;
    use std::process::{Command, Stdio};
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    /// A directory under the system temp dir, removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            let dir = std::env::temp_dir().join(format!("metasync-sled-{name}-{}-{nanos}", std::process::id()));
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn cs_object(connector: &str, id: Id, anchor: Option<&str>, dn: &str) -> CsObject {
        CsObject {
            anchor: anchor.map(str::to_string),
            attributes: BTreeMap::from([("uid".to_string(), Value::String(format!("u{id}")))]),
            ..CsObject::new(id, connector, "person", dn)
        }
    }

    fn mv_object(id: Id, attributes: &[(&str, Value)]) -> MvObject {
        MvObject {
            id,
            object_type: "person".to_string(),
            attributes: attributes.iter().map(|(name, value)| (name.to_string(), value.clone())).collect(),
            links: Vec::new(),
            lineage: BTreeMap::new(),
        }
    }

    fn commit(store: &SledStore, ops: Vec<Op>) {
        store.commit(Batch { ops }).unwrap();
    }

    fn put_cs(object: &CsObject) -> Op {
        Op::PutCs(Box::new(object.clone()))
    }

    fn put_mv(object: &MvObject, indexed: &[&str]) -> Op {
        Op::PutMv(Box::new(object.clone()), indexed.iter().map(|a| a.to_string()).collect())
    }

    fn find(store: &SledStore, attr: &str, value: Value) -> Vec<Id> {
        store.mv_find("person", attr, &value).unwrap()
    }

    fn s(text: &str) -> Value {
        Value::String(text.to_string())
    }

    /// Every key of the store except the format and id counter keys.
    fn data_keys(store: &SledStore) -> Vec<String> {
        store.db.iter().keys().map(|key| show_key(&key.unwrap())).filter(|key| key != "v" && key != "n").collect()
    }

    #[test]
    fn store_is_send_and_sync() {
        fn check<T: Send + Sync>() {}
        check::<SledStore>();
    }

    #[test]
    fn store_reads_round_trip() {
        let store = SledStore::temporary().unwrap();
        assert_eq!(store.cs("hr", 1).unwrap(), None);
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), None);
        assert_eq!(store.cs_by_dn("hr", "cn=a").unwrap(), None);
        assert!(store.cs_ids("hr").unwrap().is_empty());
        assert!(store.pending_imports("hr").unwrap().is_empty());
        assert!(store.pending_exports("hr").unwrap().is_empty());
        assert_eq!(store.mv(1).unwrap(), None);
        assert!(store.mv_ids().unwrap().is_empty());
        assert!(find(&store, "mail", s("a@x")).is_empty());
        assert_eq!(store.watermark("hr").unwrap(), None);
        assert!(store.runs().unwrap().is_empty());

        let mut a = cs_object("hr", 300, Some("E1"), "CN=Ann,OU=People");
        a.attributes.insert("guid".into(), Value::Guid(u128::MAX - 7));
        a.attributes.insert("photo".into(), Value::Binary(vec![0, 1, 255]));
        a.attributes.insert("groups".into(), Value::List(vec![s("a"), Value::Reference("cn=g".into())]));
        a.link = Some(7);
        a.pending_import = Some(PendingImport { change: ImportChange::Update, changed: vec!["uid".into()] });
        a.pending_export = Some(PendingExport {
            change: ExportChange::Update,
            new_dn: Some("cn=Ann2".into()),
            attributes: vec![AttrChange { name: "uid".into(), old: s("x"), new: Value::Null }],
            failures: 2,
        });
        a.export_memory.insert("uid".into(), s("y"));
        let b = cs_object("hr", 2, Some("E2"), "cn=Bob");
        let other = cs_object("hr2", 1, Some("E1"), "cn=Ann,ou=people");
        let mut m = mv_object(7, &[("mail", s("ann@x")), ("n", Value::Integer(3))]);
        m.links.push(Link { connector: "hr".into(), cs: 300 });
        let run = RunRecord {
            id: 2,
            profile: "nightly".into(),
            plan_hash: "abc".into(),
            started: "2024-01-05T10:00:00Z".into(),
            steps: vec![StepRecord {
                step: "full import hr".into(),
                counts: Default::default(),
                issues: Vec::new(),
                completed: true,
                stopped: None,
                millis: 5,
            }],
        };
        let mut first = run.clone();
        first.id = 1;
        commit(
            &store,
            vec![
                put_cs(&a),
                put_cs(&b),
                put_cs(&other),
                put_mv(&m, &["mail"]),
                put_mv(&mv_object(3, &[]), &[]),
                Op::SetWatermark { connector: "hr".into(), watermark: "cookie\u{0}1".into() },
                Op::PutRun(Box::new(run.clone())),
                Op::PutRun(Box::new(first.clone())),
            ],
        );
        assert_eq!(store.cs("hr", 300).unwrap(), Some(a));
        assert_eq!(store.cs("hr2", 1).unwrap(), Some(other));
        assert_eq!(store.cs("hr", 1).unwrap(), None);
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), Some(300));
        assert_eq!(store.cs_by_anchor("hr2", "E1").unwrap(), Some(1));
        assert_eq!(store.cs_by_anchor("hr", "e1").unwrap(), None, "anchors are case-sensitive");
        assert_eq!(store.cs_by_dn("hr", "cn=ann,ou=people").unwrap(), Some(300));
        assert_eq!(store.cs_by_dn("hr", "CN=ANN,OU=PEOPLE").unwrap(), Some(300));
        assert_eq!(store.cs_ids("hr").unwrap(), vec![2, 300], "id order, not byte order of the text");
        assert_eq!(store.cs_ids("hr2").unwrap(), vec![1]);
        assert_eq!(store.cs_ids("h").unwrap(), Vec::<Id>::new(), "a connector name is not a prefix of another");
        assert_eq!(store.pending_imports("hr").unwrap(), vec![300]);
        assert_eq!(store.pending_exports("hr").unwrap(), vec![300]);
        assert_eq!(store.mv(7).unwrap(), Some(m));
        assert_eq!(store.mv_ids().unwrap(), vec![3, 7]);
        assert_eq!(find(&store, "mail", s("ann@x")), vec![7]);
        assert_eq!(find(&store, "mail", Value::Reference("ann@x".into())), Vec::<Id>::new(), "kinds differ");
        assert_eq!(find(&store, "n", Value::Integer(3)), Vec::<Id>::new(), "not indexed");
        assert_eq!(store.mv_find("group", "mail", &s("ann@x")).unwrap(), Vec::<Id>::new());
        assert_eq!(store.watermark("hr").unwrap().as_deref(), Some("cookie\u{0}1"));
        assert_eq!(store.watermark("hr2").unwrap(), None);
        assert_eq!(store.runs().unwrap(), vec![first, run]);
    }

    #[test]
    fn store_cs_indexes_follow_changes() {
        let store = SledStore::temporary().unwrap();
        let mut a = cs_object("hr", 1, None, "cn=Ann");
        a.pending_export =
            Some(PendingExport { change: ExportChange::Add, new_dn: None, attributes: Vec::new(), failures: 0 });
        commit(&store, vec![put_cs(&a)]);
        assert_eq!(store.cs_by_dn("hr", "cn=ann").unwrap(), Some(1));
        assert_eq!(store.pending_exports("hr").unwrap(), vec![1]);
        assert!(store.pending_imports("hr").unwrap().is_empty());

        // Export confirmed: anchor known, pending export cleared, pending import set.
        a.anchor = Some("E1".into());
        a.pending_export = None;
        a.pending_import = Some(PendingImport { change: ImportChange::Add, changed: Vec::new() });
        commit(&store, vec![put_cs(&a)]);
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), Some(1));
        assert!(store.pending_exports("hr").unwrap().is_empty());
        assert_eq!(store.pending_imports("hr").unwrap(), vec![1]);

        // Anchor and DN change (rename).
        a.anchor = Some("E9".into());
        a.dn = "cn=Ann Lee".into();
        a.pending_import = None;
        commit(&store, vec![put_cs(&a)]);
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), None);
        assert_eq!(store.cs_by_anchor("hr", "E9").unwrap(), Some(1));
        assert_eq!(store.cs_by_dn("hr", "cn=ann").unwrap(), None);
        assert_eq!(store.cs_by_dn("hr", "CN=ann lee").unwrap(), Some(1));
        assert!(store.pending_imports("hr").unwrap().is_empty());

        // A DN that changes only in case keeps its entry.
        a.dn = "CN=ANN LEE".into();
        commit(&store, vec![put_cs(&a)]);
        assert_eq!(store.cs_by_dn("hr", "cn=ann lee").unwrap(), Some(1));

        // An anchor moving to another object in one batch ends up with the new owner.
        let mut b = cs_object("hr", 2, Some("E9"), "cn=Bob");
        a.anchor = Some("E1".into());
        commit(&store, vec![put_cs(&b), put_cs(&a)]);
        assert_eq!(store.cs_by_anchor("hr", "E9").unwrap(), Some(2));
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), Some(1));

        // Anchors should be unique; when the engine breaks that, an entry stays with an object
        // that holds it: `c` takes `E1` from `a`, then leaves it while `a` is rewritten unchanged.
        let mut c = cs_object("hr", 3, Some("E1"), "cn=Cid");
        commit(&store, vec![put_cs(&c)]);
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), Some(3));
        c.anchor = Some("E3".into());
        commit(&store, vec![put_cs(&a), put_cs(&c)]);
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), Some(1));
        assert_eq!(store.cs_by_anchor("hr", "E3").unwrap(), Some(3));
        commit(&store, vec![Op::DeleteCs { connector: "hr".into(), id: 3 }]);

        // Deleting removes the object and every index entry.
        b.pending_import = Some(PendingImport { change: ImportChange::Delete, changed: Vec::new() });
        b.pending_export =
            Some(PendingExport { change: ExportChange::Delete, new_dn: None, attributes: Vec::new(), failures: 0 });
        commit(&store, vec![put_cs(&b)]);
        commit(
            &store,
            vec![Op::DeleteCs { connector: "hr".into(), id: 1 }, Op::DeleteCs { connector: "hr".into(), id: 2 }],
        );
        assert_eq!(data_keys(&store), Vec::<String>::new());
        // Deleting what is not there is not an error.
        commit(&store, vec![Op::DeleteCs { connector: "hr".into(), id: 1 }, Op::DeleteMv(5)]);
    }

    #[test]
    fn store_join_index_follows_changes() {
        let store = SledStore::temporary().unwrap();
        let mut m = mv_object(
            1,
            &[
                ("mail", s("a@x")),
                ("proxy", Value::List(vec![s("smtp:a"), s("smtp:b"), Value::Null])),
                ("n", Value::Integer(4)),
            ],
        );
        let other = mv_object(2, &[("proxy", Value::List(vec![s("smtp:b")]))]);
        commit(&store, vec![put_mv(&m, &["mail", "proxy", "proxy"]), put_mv(&other, &["proxy"])]);
        assert_eq!(find(&store, "proxy", s("smtp:a")), vec![1]);
        assert_eq!(find(&store, "proxy", s("smtp:b")), vec![1, 2]);
        assert_eq!(find(&store, "proxy", Value::List(vec![s("smtp:a"), s("smtp:b")])), vec![1, 2]);
        assert_eq!(find(&store, "proxy", s("SMTP:A")), Vec::<Id>::new(), "case-sensitive, as `==`");
        assert_eq!(find(&store, "proxy", Value::Null), Vec::<Id>::new());
        assert_eq!(find(&store, "mail", s("a@x")), vec![1]);

        // A value removed from a multi-valued attribute, another attribute dropped from the index.
        m.attributes.insert("proxy".into(), Value::List(vec![s("smtp:b")]));
        commit(&store, vec![put_mv(&m, &["proxy", "n"])]);
        assert_eq!(find(&store, "proxy", s("smtp:a")), Vec::<Id>::new());
        assert_eq!(find(&store, "proxy", s("smtp:b")), vec![1, 2]);
        assert_eq!(find(&store, "mail", s("a@x")), Vec::<Id>::new());
        assert_eq!(find(&store, "n", Value::Integer(4)), vec![1]);

        // A type change moves the entries.
        m.object_type = "group".into();
        commit(&store, vec![put_mv(&m, &["proxy"])]);
        assert_eq!(find(&store, "proxy", s("smtp:b")), vec![2]);
        assert_eq!(store.mv_find("group", "proxy", &s("smtp:b")).unwrap(), vec![1]);

        commit(&store, vec![Op::DeleteMv(1), Op::DeleteMv(2)]);
        assert_eq!(data_keys(&store), Vec::<String>::new());
    }

    #[test]
    fn store_later_write_in_a_batch_wins() {
        let store = SledStore::temporary().unwrap();
        let mut a = cs_object("hr", 1, Some("E1"), "cn=first");
        a.pending_import = Some(PendingImport { change: ImportChange::Add, changed: Vec::new() });
        let mut a2 = cs_object("hr", 1, Some("E2"), "cn=second");
        a2.attributes.insert("x".into(), Value::Integer(2));
        let m = mv_object(5, &[("mail", s("old"))]);
        let m2 = mv_object(5, &[("mail", s("new"))]);
        commit(
            &store,
            vec![
                put_cs(&a),
                put_mv(&m, &["mail"]),
                put_cs(&a2),
                put_mv(&m2, &["mail"]),
                Op::SetWatermark { connector: "hr".into(), watermark: "1".into() },
                Op::SetWatermark { connector: "hr".into(), watermark: "2".into() },
            ],
        );
        assert_eq!(store.cs("hr", 1).unwrap(), Some(a2.clone()));
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), None);
        assert_eq!(store.cs_by_anchor("hr", "E2").unwrap(), Some(1));
        assert_eq!(store.cs_by_dn("hr", "cn=first").unwrap(), None);
        assert_eq!(store.cs_by_dn("hr", "cn=second").unwrap(), Some(1));
        assert!(store.pending_imports("hr").unwrap().is_empty());
        assert_eq!(find(&store, "mail", s("old")), Vec::<Id>::new());
        assert_eq!(find(&store, "mail", s("new")), vec![5]);
        assert_eq!(store.watermark("hr").unwrap().as_deref(), Some("2"));

        // Put then delete in one batch: gone, with its indexes; delete then put: present.
        commit(
            &store,
            vec![put_cs(&a), Op::DeleteCs { connector: "hr".into(), id: 1 }, put_mv(&m, &["mail"]), Op::DeleteMv(5)],
        );
        assert_eq!(store.cs("hr", 1).unwrap(), None);
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), None);
        assert_eq!(store.cs_by_anchor("hr", "E2").unwrap(), None);
        assert_eq!(find(&store, "mail", s("old")), Vec::<Id>::new());
        commit(&store, vec![Op::DeleteCs { connector: "hr".into(), id: 1 }, put_cs(&a)]);
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), Some(1));
        assert_eq!(store.pending_imports("hr").unwrap(), vec![1]);
    }

    #[test]
    fn store_refuses_nul_in_names() {
        let store = SledStore::temporary().unwrap();
        let error = store.commit(Batch { ops: vec![put_cs(&cs_object("h\0r", 1, None, "cn=a"))] }).unwrap_err();
        assert!(error.0.contains("connector name `h\\0r`"), "{error}");
        assert_eq!(store.cs_ids("h\0r").unwrap(), Vec::<Id>::new());
        assert_eq!(data_keys(&store), Vec::<String>::new(), "nothing of the batch was written");
    }

    #[test]
    fn store_ids_are_unique_across_reopen_and_threads() {
        let dir = TempDir::new("ids");
        let mut seen = BTreeSet::new();
        for _ in 0..3 {
            let store = SledStore::open(&dir.0).unwrap();
            for _ in 0..10 {
                let id = store.next_id().unwrap();
                assert!(id > 0);
                assert!(seen.insert(id), "id {id} handed out twice");
            }
        }
        let store = Arc::new(SledStore::open(&dir.0).unwrap());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let store = Arc::clone(&store);
                std::thread::spawn(move || (0..1_500).map(|_| store.next_id().unwrap()).collect::<Vec<_>>())
            })
            .collect();
        for thread in threads {
            for id in thread.join().unwrap() {
                assert!(seen.insert(id), "id {id} handed out twice");
            }
        }
        assert_eq!(seen.len(), 30 + 6_000);
    }

    #[test]
    fn store_of_another_format_is_refused() {
        let dir = TempDir::new("format");
        drop(SledStore::open(&dir.0).unwrap());
        drop(SledStore::open(&dir.0).unwrap());
        {
            let raw = sled::open(&dir.0).unwrap();
            raw.insert(FORMAT_KEY, b"99".as_slice()).unwrap();
            raw.flush().unwrap();
        }
        let error = SledStore::open(&dir.0).unwrap_err();
        assert!(error.0.contains(&dir.0.display().to_string()), "{error}");
        assert!(error.0.contains("has format `99`"), "{error}");

        let foreign = TempDir::new("foreign");
        {
            let raw = sled::open(&foreign.0).unwrap();
            raw.insert(b"something", b"else".as_slice()).unwrap();
            raw.flush().unwrap();
        }
        let error = SledStore::open(&foreign.0).unwrap_err();
        assert!(error.0.contains(&foreign.0.display().to_string()), "{error}");
        assert!(error.0.contains("not a metasync store"), "{error}");
    }

    #[test]
    fn a_format_2_store_is_upgraded_in_place() {
        let dir = TempDir::new("upgrade");
        let mut a = cs_object("hr", 5, Some("E1"), "cn=Ann");
        a.pending_import = Some(PendingImport { change: ImportChange::Add, changed: Vec::new() });
        let m = mv_object(6, &[("mail", s("ann@x"))]);
        {
            let store = SledStore::open(&dir.0).unwrap();
            commit(&store, vec![put_cs(&a), put_mv(&m, &["mail"])]);
        }
        {
            // Rewrite the records and the flags as format 2 wrote them: a JSON body, one entry
            // per flagged object (ids across two pages of format 4).
            let raw = sled::open(&dir.0).unwrap();
            let cs_bytes = raw.get(cs_key("hr", 5)).unwrap().unwrap();
            raw.insert(cs_key("hr", 5), record::format_2(&cs_bytes, &a)).unwrap();
            let mv_bytes = raw.get(id_key(MV, 6)).unwrap().unwrap();
            raw.insert(id_key(MV, 6), record::format_2(&mv_bytes, &m)).unwrap();
            for key in raw.scan_prefix(b"ip/").keys() {
                raw.remove(key.unwrap()).unwrap();
            }
            for (tag, id) in [(b"pi/", 5u64), (b"dc/", 5), (b"pe/", 4097), (b"pe/", 9)] {
                raw.insert(connector_key(tag, "hr", &id.to_be_bytes()), b"".as_slice()).unwrap();
            }
            raw.insert(FORMAT_KEY, b"2".as_slice()).unwrap();
            raw.flush().unwrap();
            assert_eq!(raw.get(cs_key("hr", 5)).unwrap().unwrap().first(), Some(&b'H'));
        }
        let store = SledStore::open(&dir.0).unwrap();
        assert_eq!(store.get(FORMAT_KEY).unwrap().as_deref(), Some(b"4".as_slice()));
        assert_eq!(store.pending_imports("hr").unwrap(), vec![5]);
        assert_eq!(store.disconnectors("hr").unwrap(), vec![5]);
        assert_eq!(store.pending_exports("hr").unwrap(), vec![9, 4097]);
        assert!(
            data_keys(&store).iter().all(|k| !k.starts_with("pi/") && !k.starts_with("pe/") && !k.starts_with("dc/"))
        );
        assert_eq!(store.cs("hr", 5).unwrap(), Some(a.clone()));
        assert_eq!(store.mv(6).unwrap(), Some(m.clone()));
        assert_eq!(store.cs_by_anchor("hr", "E1").unwrap(), Some(5));
        assert_eq!(find(&store, "mail", s("ann@x")), vec![6]);
        // A changed object is written in the new form; its index entries move as before.
        let mut changed = m.clone();
        changed.attributes.insert("mail".into(), s("ann@y"));
        commit(&store, vec![put_mv(&changed, &["mail"])]);
        assert_eq!(store.db.get(id_key(MV, 6)).unwrap().unwrap().first(), Some(&b'B'));
        assert_eq!(store.mv(6).unwrap(), Some(changed));
        assert!(find(&store, "mail", s("ann@x")).is_empty());
        assert_eq!(find(&store, "mail", s("ann@y")), vec![6]);
    }

    /// Flags of many objects share pages: set and cleared in any order, across page bounds,
    /// scanned in id order; a page with no flag left is removed.
    #[test]
    fn flags_are_kept_in_pages() {
        let store = SledStore::temporary().unwrap();
        let flagged = |id: Id| {
            let mut o = cs_object("hr", id, Some(&format!("E{id}")), &format!("cn={id}"));
            o.pending_import = Some(PendingImport { change: ImportChange::Add, changed: Vec::new() });
            o
        };
        let ids: Vec<Id> = vec![1, 7, 4095, 4096, 4097, 12_288, 1 << 40];
        commit(&store, ids.iter().rev().map(|id| put_cs(&flagged(*id))).collect());
        assert_eq!(store.pending_imports("hr").unwrap(), ids);
        assert_eq!(store.disconnectors("hr").unwrap(), ids);
        assert!(store.pending_imports("hr2").unwrap().is_empty());
        let pages = data_keys(&store).into_iter().filter(|k| k.starts_with("ip/")).count();
        assert_eq!(pages, 4, "ids 1, 7 and 4095 share a page, 4096 and 4097 another");
        // Clearing some flags keeps the others; a page left empty goes.
        let mut cleared = Vec::new();
        for id in [7, 4096, 4097, 1 << 40] {
            let mut o = flagged(id);
            o.pending_import = None;
            cleared.push(put_cs(&o));
        }
        commit(&store, cleared);
        assert_eq!(store.pending_imports("hr").unwrap(), vec![1, 4095, 12_288]);
        let pages = data_keys(&store).into_iter().filter(|k| k.starts_with("ip/")).count();
        assert_eq!(pages, 2);
        commit(&store, vec![Op::DeleteCs { connector: "hr".into(), id: 1 }]);
        assert_eq!(store.pending_imports("hr").unwrap(), vec![4095, 12_288]);
        assert_eq!(store.disconnectors("hr").unwrap(), vec![7, 4095, 4096, 4097, 12_288, 1 << 40]);
    }

    #[test]
    fn store_undecodable_values_are_errors() {
        let store = SledStore::temporary().unwrap();
        store.db.insert(cs_key("hr", 7), b"not json".as_slice()).unwrap();
        store.db.insert(id_key(MV, 8), b"{\"id\":8}".as_slice()).unwrap();
        store.db.insert(connector_key(ANCHOR, "hr", b"E1"), b"123".as_slice()).unwrap();
        store.db.insert(connector_key(PENDING_IMPORT, "hr", b"short"), b"".as_slice()).unwrap();
        store.db.insert(connector_key(PENDING_EXPORT, "hr", &0u64.to_be_bytes()), [1u8; 513].as_slice()).unwrap();
        store.db.insert(id_key(RUN, 1), b"[]".as_slice()).unwrap();
        store.db.insert(watermark_key("hr"), b"\xff".as_slice()).unwrap();

        let error = store.cs("hr", 7).unwrap_err();
        assert!(error.0.contains("key `c/hr/7`"), "{error}");
        let error = store.mv(8).unwrap_err();
        assert!(error.0.contains("key `m/8`"), "{error}");
        let error = store.cs_by_anchor("hr", "E1").unwrap_err();
        assert!(error.0.contains("key `a/hr/E1`") && error.0.contains("8-byte id"), "{error}");
        let error = store.pending_imports("hr").unwrap_err();
        assert!(error.0.contains("malformed key `ip/hr/short`"), "{error}");
        let error = store.pending_exports("hr").unwrap_err();
        assert!(error.0.contains("a flag page of 513 bytes"), "{error}");
        let error = store.runs().unwrap_err();
        assert!(error.0.contains("key `r/1`"), "{error}");
        let error = store.watermark("hr").unwrap_err();
        assert!(error.0.contains("key `w/hr`"), "{error}");
        // Overwriting an object whose stored version cannot be read is refused: its index entries
        // could not be kept in step.
        let error = store.commit(Batch { ops: vec![put_cs(&cs_object("hr", 7, None, "cn=a"))] }).unwrap_err();
        assert!(error.0.contains("key `c/hr/7`"), "{error}");
    }

    /// A store in `dir` holding 300 connector objects (three batches), closed again.
    fn fill(dir: &Path) {
        let store = SledStore::open(dir).unwrap();
        for batch in 0..3 {
            let ops = (0..100)
                .map(|i| {
                    put_cs(&cs_object(
                        "hr",
                        batch * 100 + i + 1,
                        Some(&format!("E{batch}-{i}")),
                        &format!("cn=e{batch}-{i}"),
                    ))
                })
                .collect();
            commit(&store, ops);
        }
    }

    /// The 300 objects of [`fill`], by anchor and DN.
    fn check_filled(store: &SledStore) {
        assert_eq!(store.cs_ids("hr").unwrap().len(), 300);
        for batch in 0..3 {
            for i in 0..100 {
                let id = batch * 100 + i + 1;
                assert_eq!(store.cs_by_anchor("hr", &format!("E{batch}-{i}")).unwrap(), Some(id));
                assert_eq!(store.cs_by_dn("hr", &format!("cn=e{batch}-{i}")).unwrap(), Some(id));
                assert_eq!(store.cs("hr", id).unwrap().unwrap().dn, format!("cn=e{batch}-{i}"));
            }
        }
    }

    fn sled_refuses(dir: &Path) -> bool {
        matches!(open_sled(dir, "test").unwrap(), Err(sled::Error::Corruption { .. }))
    }

    /// A process killed while sled writes its snapshot (sled does so while opening) leaves
    /// `snap.<lsn>.generating`, empty or cut short, beside the previous snapshot: sled alone then
    /// refuses to open the store; metasync removes the file and opens it with all its data.
    #[test]
    fn store_opens_after_an_interrupted_snapshot() {
        for cut_short in [false, true] {
            let dir = TempDir::new("snapshot");
            fill(&dir.0);
            drop(SledStore::open(&dir.0).unwrap());
            let snapshots = snapshot_files(&dir.0, "test").unwrap();
            let newest = snapshots.last().unwrap();
            assert!(!newest.ends_with(".generating"), "{snapshots:?}");
            let contents = if cut_short {
                let full = std::fs::read(dir.0.join(newest)).unwrap();
                full.get(..full.len() / 2).unwrap().to_vec()
            } else {
                Vec::new()
            };
            let incomplete = "snap.7FFFFFFFFFFFFFFF.generating";
            std::fs::write(dir.0.join(incomplete), contents).unwrap();
            assert!(sled_refuses(&dir.0), "sled opens a store with an incomplete snapshot");

            let store = SledStore::open(&dir.0).unwrap();
            assert_eq!(store.recovery(), Some(format!("removed the incomplete snapshot file `{incomplete}`").as_str()));
            check_filled(&store);
            assert!(!dir.0.join(incomplete).exists());
            commit(&store, vec![Op::DeleteCs { connector: "hr".into(), id: 1 }]);
            drop(store);
            let store = SledStore::open(&dir.0).unwrap();
            assert_eq!(store.recovery(), None);
            assert_eq!(store.cs_ids("hr").unwrap().len(), 299);
        }
    }

    /// A complete snapshot that does not read back (what a power cut after sled's rename can leave,
    /// spacejam/sled#1533) is set aside and sled rebuilds its page table from the log.
    #[test]
    fn store_opens_after_a_damaged_snapshot() {
        let dir = TempDir::new("damaged");
        fill(&dir.0);
        drop(SledStore::open(&dir.0).unwrap());
        let snapshots = snapshot_files(&dir.0, "test").unwrap();
        let newest = snapshots.last().unwrap().clone();
        let full = std::fs::read(dir.0.join(&newest)).unwrap();
        std::fs::write(dir.0.join(&newest), full.get(..full.len() / 2).unwrap()).unwrap();
        assert!(sled_refuses(&dir.0), "sled opens a store with a damaged snapshot");

        let store = SledStore::open(&dir.0).unwrap();
        let recovery = store.recovery().unwrap();
        assert!(recovery.contains(&format!("set aside the snapshot `{newest}` as `set-aside.{newest}`")), "{recovery}");
        check_filled(&store);
        assert!(dir.0.join(format!("set-aside.{newest}")).exists());
        drop(store);
        let store = SledStore::open(&dir.0).unwrap();
        assert_eq!(store.recovery(), None);
        check_filled(&store);
    }

    /// sled reads its `conf` before it takes its lock: a store another process holds is never
    /// repaired, even when sled reports corruption.
    #[test]
    fn store_in_use_is_not_repaired() {
        let dir = TempDir::new("in-use");
        fill(&dir.0);
        drop(SledStore::open(&dir.0).unwrap());
        let held = lock_store(&dir.0, "test").unwrap();
        let conf = dir.0.join("conf");
        let original = std::fs::read(&conf).unwrap();
        std::fs::write(&conf, vec![b'x'; original.len()]).unwrap();
        let before = snapshot_files(&dir.0, "test").unwrap();
        let error = SledStore::open(&dir.0).unwrap_err();
        assert!(error.0.contains("in use by another metasync process"), "{error}");
        assert_eq!(snapshot_files(&dir.0, "test").unwrap(), before, "nothing set aside");
        drop(held);
        std::fs::write(&conf, original).unwrap();
        let store = SledStore::open(&dir.0).unwrap();
        assert_eq!(store.recovery(), None);
        check_filled(&store);
    }

    /// A store that sled cannot open even without its snapshots is an error naming the store.
    #[test]
    fn store_beyond_repair_is_an_error() {
        let dir = TempDir::new("beyond");
        fill(&dir.0);
        let conf = dir.0.join("conf");
        let mut bytes = std::fs::read(&conf).unwrap();
        bytes.iter_mut().for_each(|b| *b = b'x');
        std::fs::write(&conf, bytes).unwrap();
        let error = SledStore::open(&dir.0).unwrap_err();
        assert!(error.0.contains(&dir.0.display().to_string()), "{error}");
        assert!(error.0.contains("is corrupt and could not be repaired: sled reports corrupt data"), "{error}");
    }

    // Crash safety: a child process (this test binary, selecting `store_crash_writer`) commits
    // batches until it is killed with SIGKILL; the parent reopens the store and checks that it holds
    // exactly the complete batches the watermark counts. With `METASYNC_SLED_CRASH_CHECK` set the
    // writer first checks the store itself, so that an outside loop can kill it many times over.

    const CRASH_DIR: &str = "METASYNC_SLED_CRASH_DIR";
    const CRASH_CONNECTOR: &str = "crash";
    const CRASH_BATCH: u64 = 50;
    const COUNTER: Id = u64::MAX - 1;

    fn crash_anchor(batch: u64, i: u64) -> String {
        format!("b{batch}-{i}")
    }

    fn crash_dn(batch: u64, i: u64, done: bool) -> String {
        if done { format!("cn=b{batch}-{i},ou=done") } else { format!("CN=B{batch}-{i}") }
    }

    /// The writer: batch `k` adds 50 objects with a pending import, marks batch `k - 1` done
    /// (pending import cleared, renamed), sets the counter object to `k` and the watermark to `k`.
    #[test]
    fn store_crash_writer() {
        let Some(dir) = std::env::var_os(CRASH_DIR) else { return };
        if std::env::var_os("METASYNC_SLED_CRASH_CHECK").is_some() {
            eprintln!("CHECK-OK {}", check_crashed_store(Path::new(&dir)));
        }
        let store = SledStore::open(Path::new(&dir)).unwrap();
        let mut done: u64 = store.watermark(CRASH_CONNECTOR).unwrap().map(|w| w.parse().unwrap()).unwrap_or(0);
        let mut previous: Vec<CsObject> = (0..CRASH_BATCH)
            .filter_map(|i| store.cs_by_anchor(CRASH_CONNECTOR, &crash_anchor(done, i)).unwrap())
            .map(|id| store.cs(CRASH_CONNECTOR, id).unwrap().unwrap())
            .collect();
        // Bounded in case the parent never kills it.
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let k = done + 1;
            let mut batch = Batch::new();
            for mut object in previous.drain(..) {
                let i: u64 = object.anchor.as_deref().and_then(|a| a.rsplit('-').next()).unwrap().parse().unwrap();
                object.pending_import = None;
                object.dn = crash_dn(done, i, true);
                batch.push(Op::PutCs(Box::new(object)));
            }
            for i in 0..CRASH_BATCH {
                let mut object = cs_object(
                    CRASH_CONNECTOR,
                    store.next_id().unwrap(),
                    Some(&crash_anchor(k, i)),
                    &crash_dn(k, i, false),
                );
                object.pending_import = Some(PendingImport { change: ImportChange::Add, changed: Vec::new() });
                previous.push(object.clone());
                batch.push(Op::PutCs(Box::new(object)));
            }
            let counter = mv_object(COUNTER, &[("count", Value::Integer(k.try_into().unwrap()))]);
            batch.push(put_mv(&counter, &["count"]));
            batch.push(Op::SetWatermark { connector: CRASH_CONNECTOR.into(), watermark: k.to_string() });
            store.commit(batch).unwrap();
            done = k;
        }
    }

    /// Checks a store left by a killed writer; returns its watermark.
    fn check_crashed_store(dir: &Path) -> u64 {
        let store = SledStore::open(dir).unwrap();
        let w: u64 = store.watermark(CRASH_CONNECTOR).unwrap().map(|w| w.parse().unwrap()).unwrap_or(0);
        let count = i64::try_from(w).unwrap();
        if w == 0 {
            assert_eq!(store.mv(COUNTER).unwrap(), None);
        } else {
            let counter = store.mv(COUNTER).unwrap().unwrap();
            assert_eq!(counter.attributes.get("count"), Some(&Value::Integer(count)));
        }
        assert_eq!(find(&store, "count", Value::Integer(count)), if w == 0 { vec![] } else { vec![COUNTER] });
        assert_eq!(find(&store, "count", Value::Integer(count - 1)), Vec::<Id>::new());
        let ids = store.cs_ids(CRASH_CONNECTOR).unwrap();
        assert_eq!(ids.len() as u64, CRASH_BATCH * w, "objects of batches after the watermark");
        let mut last_batch = Vec::new();
        for batch in 1..=w {
            let done = batch < w;
            for i in 0..CRASH_BATCH {
                let id = store.cs_by_anchor(CRASH_CONNECTOR, &crash_anchor(batch, i)).unwrap().unwrap();
                let object = store.cs(CRASH_CONNECTOR, id).unwrap().unwrap();
                assert_eq!(object.anchor, Some(crash_anchor(batch, i)));
                assert_eq!(object.dn, crash_dn(batch, i, done));
                assert_eq!(object.pending_import.is_some(), !done);
                assert_eq!(store.cs_by_dn(CRASH_CONNECTOR, &crash_dn(batch, i, done)).unwrap(), Some(id));
                assert_eq!(store.cs_by_dn(CRASH_CONNECTOR, &crash_dn(batch, i, !done)).unwrap(), None);
                if !done {
                    last_batch.push(id);
                }
            }
        }
        last_batch.sort_unstable();
        assert_eq!(store.pending_imports(CRASH_CONNECTOR).unwrap(), last_batch);
        for i in 0..CRASH_BATCH {
            assert_eq!(store.cs_by_anchor(CRASH_CONNECTOR, &crash_anchor(w + 1, i)).unwrap(), None);
        }
        let next = store.next_id().unwrap();
        assert!(ids.iter().all(|id| *id < next), "id {next} reused");
        w
    }

    /// Kills the writer 8 times at moments from a fixed sequence: three in its first 15 ms (starting,
    /// opening the store: sled writes its snapshot then), the others while it commits.
    #[test]
    fn store_survives_kill_9() {
        let dir = TempDir::new("crash");
        let exe = std::env::current_exe().unwrap();
        let module = module_path!();
        let test = format!("{}::store_crash_writer", module.split_once("::").map_or(module, |(_, path)| path));
        let started = Instant::now();
        let mut watermark = 0;
        for delay in [120, 3, 260, 8, 75, 15, 190, 140] {
            let mut child = Command::new(&exe)
                .args(["--exact", &test, "--nocapture", "--test-threads=1"])
                .env(CRASH_DIR, &dir.0)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            std::thread::sleep(Duration::from_millis(delay));
            assert_eq!(child.try_wait().unwrap(), None, "the writer exited before it was killed");
            child.kill().unwrap();
            child.wait().unwrap();
            let now = check_crashed_store(&dir.0);
            assert!(now >= watermark, "watermark went back from {watermark} to {now}");
            watermark = now;
        }
        eprintln!("{watermark} batches in {:?}", started.elapsed());
        assert!(watermark > 0, "the writer never completed a batch");
        assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    }
}
