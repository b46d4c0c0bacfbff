//! The binary body of a stored object: its values, pending changes and lineage, after the header
//! (see [`super::record`]).
//!
//! Store format 2 kept the body as JSON, where every value spelled out its kind
//! (`{"kind":"string","value":"Ann"}`) and every metaverse value its lineage in full: about 2 KB
//! for a twenty-attribute person, and a third of a synchronization's time went to writing and
//! reading that text and to moving its bytes through sled. The binary body holds the same
//! information in about a quarter of the space, with no escaping and no field names.
//!
//! What the header already holds (a connector object's type, anchor, DN, link and kind; a
//! metaverse object's type and links) is not repeated. Integers are LEB128 varints (signed ones
//! zigzag-encoded), strings a varint length and their UTF-8 bytes, optional parts a flag byte. A
//! metaverse object's lineage is a table of the distinct contributions (connector, object, rule,
//! run), usually one or two, and for each attribute an index into it.
//!
//! Decoding checks every length against the bytes left and the nesting of lists against
//! [`MAX_DEPTH`]: a damaged record is an error, never a panic or a huge allocation.

use crate::model::{
    AttrChange, CsObject, ExportChange, Id, ImportChange, Lineage, Link, MvObject, PendingExport, PendingImport,
};
use crate::store::record::{CsHeader, MvHeader};
use crate::value::Value;
use std::collections::BTreeMap;

/// How deeply lists may nest in a stored value (values are at most a list of scalars; a deeper
/// nesting is damage).
pub const MAX_DEPTH: usize = 16;

// Value tags.
const NULL: u8 = 0;
const STRING: u8 = 1;
const INTEGER: u8 = 2;
const FALSE: u8 = 3;
const TRUE: u8 = 4;
const DATETIME: u8 = 5;
const BINARY: u8 = 6;
const GUID: u8 = 7;
const REFERENCE: u8 = 8;
const LIST: u8 = 9;

/// Appends a connector space object's body (everything its header does not hold).
pub fn put_cs(out: &mut Vec<u8>, o: &CsObject) {
    put_u64(out, o.id);
    put_str(out, &o.connector);
    put_values(out, &o.attributes);
    out.push(u8::from(o.explicit_disconnector));
    put_opt_str(out, o.provisioned_by.as_deref());
    match &o.pending_import {
        None => out.push(0),
        Some(p) => {
            out.push(1);
            out.push(import_change_tag(p.change));
            put_u64(out, p.changed.len() as u64);
            for name in &p.changed {
                put_str(out, name);
            }
        }
    }
    match &o.pending_export {
        None => out.push(0),
        Some(p) => {
            out.push(1);
            out.push(export_change_tag(p.change));
            put_opt_str(out, p.new_dn.as_deref());
            put_u64(out, p.attributes.len() as u64);
            for c in &p.attributes {
                put_str(out, &c.name);
                put_value(out, &c.old);
                put_value(out, &c.new);
            }
            put_u64(out, u64::from(p.failures));
        }
    }
    put_values(out, &o.export_memory);
    put_links(out, &o.referrers);
}

/// A connector space object from its header and body.
pub fn cs(header: CsHeader, body: &[u8]) -> Result<CsObject, String> {
    let mut r = Reader(body);
    let id = r.u64()?;
    let connector = r.string()?;
    let attributes = r.values()?;
    let explicit_disconnector = r.flag()?;
    let provisioned_by = r.opt_string()?;
    let pending_import = if r.flag()? {
        let change = import_change(r.byte()?)?;
        let count = r.count()?;
        let mut changed = Vec::with_capacity(count);
        for _ in 0..count {
            changed.push(r.string()?);
        }
        Some(PendingImport { change, changed })
    } else {
        None
    };
    let pending_export = if r.flag()? {
        let change = export_change(r.byte()?)?;
        let new_dn = r.opt_string()?;
        let count = r.count()?;
        let mut attributes = Vec::with_capacity(count);
        for _ in 0..count {
            let name = r.string()?;
            let old = r.value(0)?;
            let new = r.value(0)?;
            attributes.push(AttrChange { name, old, new });
        }
        let failures = u32::try_from(r.u64()?).map_err(|_| "an export failure count out of range".to_string())?;
        Some(PendingExport { change, new_dn, attributes, failures })
    } else {
        None
    };
    let export_memory = r.values()?;
    let referrers = r.links()?;
    r.end()?;
    if pending_import.is_some() != header.pending_import || pending_export.is_some() != header.pending_export {
        return Err("the header's pending flags disagree with the body".to_string());
    }
    Ok(CsObject {
        id,
        connector,
        object_type: header.object_type,
        dn: header.dn,
        anchor: header.anchor,
        kind: header.kind,
        attributes,
        link: header.link,
        explicit_disconnector,
        provisioned_by,
        pending_import,
        pending_export,
        export_memory,
        referrers,
    })
}

/// Appends a metaverse object's body (its id, values and lineage).
pub fn put_mv(out: &mut Vec<u8>, o: &MvObject) {
    put_u64(out, o.id);
    put_values(out, &o.attributes);
    // The distinct contributions, in order of first use.
    let mut table: Vec<&Lineage> = Vec::new();
    let mut index = Vec::with_capacity(o.lineage.len());
    for lineage in o.lineage.values() {
        let at = match table.iter().position(|l| *l == lineage) {
            Some(at) => at,
            None => {
                table.push(lineage);
                table.len() - 1
            }
        };
        index.push(at);
    }
    put_u64(out, table.len() as u64);
    for l in &table {
        put_str(out, &l.connector);
        put_u64(out, l.cs);
        put_str(out, &l.rule);
        put_u64(out, l.run);
    }
    put_u64(out, o.lineage.len() as u64);
    for (name, at) in o.lineage.keys().zip(index) {
        put_str(out, name);
        put_u64(out, at as u64);
    }
}

/// A metaverse object from its header and body.
pub fn mv(header: MvHeader, body: &[u8]) -> Result<MvObject, String> {
    let mut r = Reader(body);
    let id = r.u64()?;
    let attributes = r.values()?;
    let count = r.count()?;
    let mut table = Vec::with_capacity(count);
    for _ in 0..count {
        let connector = r.string()?;
        let cs = r.u64()?;
        let rule = r.string()?;
        let run = r.u64()?;
        table.push(Lineage { connector, cs, rule, run });
    }
    let count = r.count()?;
    let mut lineage = Vec::with_capacity(count);
    for _ in 0..count {
        let name = r.string()?;
        let at = r.u64()?;
        let entry = usize::try_from(at)
            .ok()
            .and_then(|at| table.get(at))
            .ok_or_else(|| format!("lineage of `{name}` names contribution {at} of {}", table.len()))?;
        lineage.push((name, entry.clone()));
    }
    r.end()?;
    Ok(MvObject {
        id,
        object_type: header.object_type,
        attributes,
        links: header.links,
        lineage: sorted_map(lineage, "lineage")?,
    })
}

fn import_change_tag(c: ImportChange) -> u8 {
    match c {
        ImportChange::Add => 0,
        ImportChange::Update => 1,
        ImportChange::Delete => 2,
        ImportChange::DeleteAdd => 3,
    }
}

fn import_change(tag: u8) -> Result<ImportChange, String> {
    Ok(match tag {
        0 => ImportChange::Add,
        1 => ImportChange::Update,
        2 => ImportChange::Delete,
        3 => ImportChange::DeleteAdd,
        other => return Err(format!("unknown pending import kind {other}")),
    })
}

fn export_change_tag(c: ExportChange) -> u8 {
    match c {
        ExportChange::Add => 0,
        ExportChange::Update => 1,
        ExportChange::Delete => 2,
        ExportChange::DeleteAdd => 3,
    }
}

fn export_change(tag: u8) -> Result<ExportChange, String> {
    Ok(match tag {
        0 => ExportChange::Add,
        1 => ExportChange::Update,
        2 => ExportChange::Delete,
        3 => ExportChange::DeleteAdd,
        other => return Err(format!("unknown pending export kind {other}")),
    })
}

fn put_u64(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n & 0x7f) as u8 | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

fn put_i64(out: &mut Vec<u8>, n: i64) {
    put_u64(out, ((n << 1) ^ (n >> 63)) as u64);
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_u64(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    put_bytes(out, s.as_bytes());
}

fn put_opt_str(out: &mut Vec<u8>, s: Option<&str>) {
    match s {
        None => out.push(0),
        Some(s) => {
            out.push(1);
            put_str(out, s);
        }
    }
}

fn put_value(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(NULL),
        Value::String(s) => {
            out.push(STRING);
            put_str(out, s);
        }
        Value::Integer(n) => {
            out.push(INTEGER);
            put_i64(out, *n);
        }
        Value::Boolean(b) => out.push(if *b { TRUE } else { FALSE }),
        Value::DateTime(t) => {
            out.push(DATETIME);
            put_i64(out, *t);
        }
        Value::Binary(b) => {
            out.push(BINARY);
            put_bytes(out, b);
        }
        Value::Guid(g) => {
            out.push(GUID);
            out.extend_from_slice(&g.to_le_bytes());
        }
        Value::Reference(s) => {
            out.push(REFERENCE);
            put_str(out, s);
        }
        Value::List(items) => {
            out.push(LIST);
            put_u64(out, items.len() as u64);
            for item in items {
                put_value(out, item);
            }
        }
    }
}

fn put_values(out: &mut Vec<u8>, values: &BTreeMap<String, Value>) {
    put_u64(out, values.len() as u64);
    for (name, v) in values {
        put_str(out, name);
        put_value(out, v);
    }
}

fn put_links(out: &mut Vec<u8>, links: &[Link]) {
    put_u64(out, links.len() as u64);
    for l in links {
        put_str(out, &l.connector);
        put_u64(out, l.cs);
    }
}

/// A map from names written in ascending order (as a `BTreeMap` writes them); a name out of order
/// or repeated is damage.
fn sorted_map<V>(entries: Vec<(String, V)>, what: &str) -> Result<BTreeMap<String, V>, String> {
    if entries.windows(2).any(|w| matches!(w, [a, b] if a.0 >= b.0)) {
        return Err(format!("the {what} names are not in order"));
    }
    Ok(entries.into_iter().collect())
}

/// Bounds-checked reads over a body.
struct Reader<'b>(&'b [u8]);

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        let Some((head, rest)) = self.0.split_at_checked(n) else {
            return Err(format!("the body ends early (wanted {n} more bytes, {} left)", self.0.len()));
        };
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, String> {
        let Some((&b, rest)) = self.0.split_first() else {
            return Err("the body ends early".to_string());
        };
        self.0 = rest;
        Ok(b)
    }

    fn flag(&mut self) -> Result<bool, String> {
        match self.byte()? {
            0 => Ok(false),
            1 => Ok(true),
            other => Err(format!("a flag byte of {other}")),
        }
    }

    fn u64(&mut self) -> Result<u64, String> {
        let mut n: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            let part = u64::from(b & 0x7f);
            if shift == 63 && part > 1 {
                return Err("a number too large".to_string());
            }
            n |= part << shift;
            if b & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err("a number too long".to_string())
    }

    fn i64(&mut self) -> Result<i64, String> {
        let z = self.u64()?;
        Ok(((z >> 1) as i64) ^ -((z & 1) as i64))
    }

    /// A count of items that each take at least one byte: never more than the bytes left.
    fn count(&mut self) -> Result<usize, String> {
        let n = self.u64()?;
        match usize::try_from(n) {
            Ok(n) if n <= self.0.len() => Ok(n),
            _ => Err(format!("a count of {n} with {} bytes left", self.0.len())),
        }
    }

    fn bytes(&mut self) -> Result<&'b [u8], String> {
        let n = self.u64()?;
        let n = usize::try_from(n).map_err(|_| format!("a length of {n}"))?;
        self.take(n)
    }

    fn string(&mut self) -> Result<String, String> {
        let bytes = self.bytes()?;
        match std::str::from_utf8(bytes) {
            Ok(s) => Ok(s.to_string()),
            Err(_) => Err("text that is not UTF-8".to_string()),
        }
    }

    fn opt_string(&mut self) -> Result<Option<String>, String> {
        if self.flag()? { Ok(Some(self.string()?)) } else { Ok(None) }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        Ok(match self.byte()? {
            NULL => Value::Null,
            STRING => Value::String(self.string()?),
            INTEGER => Value::Integer(self.i64()?),
            FALSE => Value::Boolean(false),
            TRUE => Value::Boolean(true),
            DATETIME => Value::DateTime(self.i64()?),
            BINARY => Value::Binary(self.bytes()?.to_vec()),
            GUID => {
                let b = <[u8; 16]>::try_from(self.take(16)?).map_err(|_| "a bad GUID".to_string())?;
                Value::Guid(u128::from_le_bytes(b))
            }
            REFERENCE => Value::Reference(self.string()?),
            LIST if depth >= MAX_DEPTH => return Err(format!("lists nested more than {MAX_DEPTH} deep")),
            LIST => {
                let count = self.count()?;
                let mut items = Vec::with_capacity(count);
                for _ in 0..count {
                    items.push(self.value(depth + 1)?);
                }
                Value::List(items)
            }
            other => return Err(format!("unknown value tag {other}")),
        })
    }

    fn values(&mut self) -> Result<BTreeMap<String, Value>, String> {
        let count = self.count()?;
        let mut entries = Vec::with_capacity(count);
        for _ in 0..count {
            let name = self.string()?;
            entries.push((name, self.value(0)?));
        }
        sorted_map(entries, "attribute")
    }

    fn links(&mut self) -> Result<Vec<Link>, String> {
        let count = self.count()?;
        let mut links = Vec::with_capacity(count);
        for _ in 0..count {
            let connector = self.string()?;
            let cs: Id = self.u64()?;
            links.push(Link { connector, cs });
        }
        Ok(links)
    }

    fn end(&self) -> Result<(), String> {
        if self.0.is_empty() { Ok(()) } else { Err(format!("{} unexpected bytes after the body", self.0.len())) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::CsKind;

    fn s(t: &str) -> Value {
        Value::String(t.to_string())
    }

    /// Every kind of value, nested lists, and the edges of the integer encoding.
    fn every_value() -> Vec<Value> {
        vec![
            Value::Null,
            s(""),
            s("Ånn \u{0} \"quoted\""),
            Value::Integer(0),
            Value::Integer(-1),
            Value::Integer(i64::MIN),
            Value::Integer(i64::MAX),
            Value::Boolean(true),
            Value::Boolean(false),
            Value::DateTime(-62_135_596_800_000_000),
            Value::Binary(vec![0, 255, 7]),
            Value::Guid(u128::MAX - 5),
            Value::Reference("cn=a,dc=b".into()),
            Value::List(vec![s("a"), Value::List(vec![Value::Integer(3)]), Value::Null]),
        ]
    }

    pub(crate) fn full_cs() -> CsObject {
        let mut o = CsObject::new(u64::MAX, "hr", "person", "uid=ann,ou=people");
        o.anchor = Some("E1".into());
        o.link = Some(1 << 40);
        o.kind = CsKind::Staging;
        for (i, v) in every_value().into_iter().enumerate() {
            o.attributes.insert(format!("a{i:02}"), v);
        }
        o.explicit_disconnector = true;
        o.provisioned_by = Some("directory_people".into());
        o.pending_import =
            Some(PendingImport { change: ImportChange::DeleteAdd, changed: vec!["a".into(), "b".into()] });
        o.pending_export = Some(PendingExport {
            change: ExportChange::Update,
            new_dn: Some("uid=ann2,ou=people".into()),
            attributes: vec![AttrChange { name: "mail".into(), old: s("x"), new: Value::Null }],
            failures: u32::MAX,
        });
        o.export_memory.insert("mail".into(), s("y"));
        o.referrers = vec![Link { connector: "groups".into(), cs: 9 }];
        o
    }

    fn cs_round_trip(o: &CsObject) -> Result<CsObject, String> {
        let mut body = Vec::new();
        put_cs(&mut body, o);
        cs(CsHeader::of(o), &body)
    }

    #[test]
    fn connector_objects_round_trip() {
        let o = full_cs();
        assert_eq!(cs_round_trip(&o), Ok(o.clone()));
        let bare = CsObject::new(1, "x", "t", "");
        assert_eq!(cs_round_trip(&bare), Ok(bare));
        for change in [ImportChange::Add, ImportChange::Update, ImportChange::Delete] {
            let mut p = o.clone();
            p.pending_import = Some(PendingImport { change, changed: Vec::new() });
            assert_eq!(cs_round_trip(&p), Ok(p.clone()));
        }
        for change in [ExportChange::Add, ExportChange::Delete, ExportChange::DeleteAdd] {
            let mut p = o.clone();
            p.pending_export = Some(PendingExport { change, new_dn: None, attributes: Vec::new(), failures: 0 });
            assert_eq!(cs_round_trip(&p), Ok(p.clone()));
        }
    }

    #[test]
    fn metaverse_objects_round_trip_with_shared_lineage() {
        let hr = Lineage { connector: "hr".into(), cs: 7, rule: "hr_people".into(), run: 3 };
        let ad = Lineage { connector: "ad".into(), cs: 1 << 50, rule: "ad_people".into(), run: 4 };
        let mut o = MvObject {
            id: 42,
            object_type: "person".into(),
            attributes: BTreeMap::new(),
            links: vec![Link { connector: "hr".into(), cs: 7 }],
            lineage: BTreeMap::new(),
        };
        for (i, v) in every_value().into_iter().enumerate() {
            let name = format!("a{i:02}");
            o.attributes.insert(name.clone(), v);
            o.lineage.insert(name, if i % 3 == 0 { ad.clone() } else { hr.clone() });
        }
        let mut body = Vec::new();
        put_mv(&mut body, &o);
        assert_eq!(mv(MvHeader::of(&o), &body), Ok(o.clone()));
        // Two contributions are written once each.
        assert_eq!(body.windows(9).filter(|w| *w == b"hr_people").count(), 1);
        assert_eq!(body.windows(9).filter(|w| *w == b"ad_people").count(), 1);
    }

    #[test]
    fn damaged_bodies_are_errors() {
        let o = full_cs();
        let mut body = Vec::new();
        put_cs(&mut body, &o);
        for cut in 0..body.len() {
            let prefix = body.get(..cut).unwrap_or_default();
            assert!(cs(CsHeader::of(&o), prefix).is_err(), "cut at {cut}");
        }
        // Every single-byte change either fails or decodes to some object: never a panic.
        for at in 0..body.len() {
            for b in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut damaged = body.clone();
                if let Some(x) = damaged.get_mut(at) {
                    *x = b;
                }
                let _ = cs(CsHeader::of(&o), &damaged);
            }
        }
        let mut longer = body.clone();
        longer.push(0);
        assert!(cs(CsHeader::of(&o), &longer).is_err_and(|e| e.contains("unexpected bytes")));
        // A count larger than the bytes left allocates nothing.
        let mut huge = Vec::new();
        put_u64(&mut huge, 1);
        put_u64(&mut huge, u64::MAX);
        assert!(mv(MvHeader { object_type: "p".into(), links: Vec::new() }, &huge).is_err());
        // Lists nested too deep.
        let mut deep = Vec::new();
        put_u64(&mut deep, 1);
        put_u64(&mut deep, 1);
        put_str(&mut deep, "a");
        for _ in 0..=MAX_DEPTH {
            deep.push(LIST);
            deep.push(1);
        }
        deep.push(NULL);
        assert!(
            mv(MvHeader { object_type: "p".into(), links: Vec::new() }, &deep).is_err_and(|e| e.contains("nested"))
        );
        // Names out of order.
        let mut unordered = Vec::new();
        put_u64(&mut unordered, 1);
        put_u64(&mut unordered, 2);
        for name in ["b", "a"] {
            put_str(&mut unordered, name);
            unordered.push(NULL);
        }
        put_u64(&mut unordered, 0);
        put_u64(&mut unordered, 0);
        assert!(
            mv(MvHeader { object_type: "p".into(), links: Vec::new() }, &unordered)
                .is_err_and(|e| e.contains("not in order"))
        );
    }

    #[test]
    fn the_binary_body_is_much_smaller_than_json() {
        let o = full_cs();
        let mut body = Vec::new();
        put_cs(&mut body, &o);
        let json = serde_json::to_vec(&o).unwrap_or_default();
        assert!(body.len() * 2 < json.len(), "binary {} bytes, JSON {} bytes", body.len(), json.len());
    }
}
