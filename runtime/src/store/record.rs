//! The stored form of connector space and metaverse objects: a small binary header, then the
//! object's body.
//!
//! The header holds what the store and the engine need without the object's values: a connector
//! object's type, anchor, DN, link, kind and pending flags (its index entries, and what a
//! reference translation reads), a metaverse object's type, links and join index keys. Reading a
//! header costs a few small copies where decoding the object costs one allocation per value, so
//! a commit diffs index entries against the stored header, and reference translation reads
//! headers only.
//!
//! Layout: a tag byte, the header's length (u32, little-endian), the header, the body. Strings are
//! a u32 length and UTF-8 bytes; ids are u64; optional fields are announced by a flag byte. The
//! tag says how the body is written: `B`, the binary body of [`super::body`] (store format 3,
//! what is written now), or `H`, the whole object as JSON (store format 2, still read: a format 2
//! store is upgraded in place, its records rewritten as they change).

use super::body;
use crate::model::{CsKind, CsObject, Id, Link, MvObject};

/// What a connector space object's stored header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsHeader {
    /// Its object type.
    pub object_type: String,
    /// Its anchor, once known.
    pub anchor: Option<String>,
    /// Its DN.
    pub dn: String,
    /// The metaverse object it is linked to.
    pub link: Option<Id>,
    /// Staging or placeholder.
    pub kind: CsKind,
    /// It has a pending import.
    pub pending_import: bool,
    /// It has a pending export.
    pub pending_export: bool,
}

impl CsHeader {
    /// The header of an object.
    pub fn of(o: &CsObject) -> CsHeader {
        CsHeader {
            object_type: o.object_type.clone(),
            anchor: o.anchor.clone(),
            dn: o.dn.clone(),
            link: o.link,
            kind: o.kind,
            pending_import: o.pending_import.is_some(),
            pending_export: o.pending_export.is_some(),
        }
    }
}

/// What a metaverse object's stored header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MvHeader {
    /// Its object type.
    pub object_type: String,
    /// Its links to connector space objects.
    pub links: Vec<Link>,
}

impl MvHeader {
    /// The header of an object.
    pub fn of(o: &MvObject) -> MvHeader {
        MvHeader { object_type: o.object_type.clone(), links: o.links.clone() }
    }
}

/// A header, then the object as JSON (format 2).
const JSON_TAG: u8 = b'H';
/// A header, then the binary body (format 3).
const BINARY_TAG: u8 = b'B';
const HAS_ANCHOR: u8 = 1;
const HAS_LINK: u8 = 2;
const PLACEHOLDER: u8 = 4;
const PENDING_IMPORT: u8 = 8;
const PENDING_EXPORT: u8 = 16;

/// A connector space object's stored bytes.
pub fn encode_cs(o: &CsObject) -> Result<Vec<u8>, String> {
    let mut header = Vec::with_capacity(64 + o.dn.len());
    let mut flags = 0;
    if o.anchor.is_some() {
        flags |= HAS_ANCHOR;
    }
    if o.link.is_some() {
        flags |= HAS_LINK;
    }
    if o.kind == CsKind::Placeholder {
        flags |= PLACEHOLDER;
    }
    if o.pending_import.is_some() {
        flags |= PENDING_IMPORT;
    }
    if o.pending_export.is_some() {
        flags |= PENDING_EXPORT;
    }
    header.push(flags);
    put_str(&mut header, &o.object_type)?;
    if let Some(anchor) = &o.anchor {
        put_str(&mut header, anchor)?;
    }
    put_str(&mut header, &o.dn)?;
    if let Some(link) = o.link {
        header.extend_from_slice(&link.to_le_bytes());
    }
    let mut out = framed(&header)?;
    body::put_cs(&mut out, o);
    Ok(out)
}

/// A metaverse object's stored bytes, with its join index keys.
pub fn encode_mv(o: &MvObject, join_keys: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let mut header = Vec::with_capacity(64);
    put_str(&mut header, &o.object_type)?;
    put_len(&mut header, o.links.len())?;
    for l in &o.links {
        put_str(&mut header, &l.connector)?;
        header.extend_from_slice(&l.cs.to_le_bytes());
    }
    put_len(&mut header, join_keys.len())?;
    for k in join_keys {
        put_len(&mut header, k.len())?;
        header.extend_from_slice(k);
    }
    let mut out = framed(&header)?;
    body::put_mv(&mut out, o);
    Ok(out)
}

/// A connector space object's header, from its stored bytes.
pub fn cs_header(bytes: &[u8]) -> Result<CsHeader, String> {
    let (_, header, _) = split(bytes)?;
    read_cs_header(header)
}

fn read_cs_header(header: &[u8]) -> Result<CsHeader, String> {
    let mut r = Reader(header);
    let flags = r.byte()?;
    let object_type = r.string()?;
    let anchor = if flags & HAS_ANCHOR != 0 { Some(r.string()?) } else { None };
    let dn = r.string()?;
    let link = if flags & HAS_LINK != 0 { Some(r.u64()?) } else { None };
    r.end()?;
    Ok(CsHeader {
        object_type,
        anchor,
        dn,
        link,
        kind: if flags & PLACEHOLDER != 0 { CsKind::Placeholder } else { CsKind::Staging },
        pending_import: flags & PENDING_IMPORT != 0,
        pending_export: flags & PENDING_EXPORT != 0,
    })
}

/// A metaverse object's header and join index keys, from its stored bytes.
pub fn mv_header(bytes: &[u8]) -> Result<(MvHeader, Vec<Vec<u8>>), String> {
    let (_, header, _) = split(bytes)?;
    read_mv_header(header)
}

fn read_mv_header(header: &[u8]) -> Result<(MvHeader, Vec<Vec<u8>>), String> {
    let mut r = Reader(header);
    let object_type = r.string()?;
    let count = r.len()?;
    let mut links = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let connector = r.string()?;
        links.push(Link { connector, cs: r.u64()? });
    }
    let count = r.len()?;
    let mut keys = Vec::with_capacity(count.min(64));
    for _ in 0..count {
        let n = r.len()?;
        keys.push(r.take(n)?.to_vec());
    }
    r.end()?;
    Ok((MvHeader { object_type, links }, keys))
}

/// A connector space object, from its stored bytes.
pub fn cs_object(bytes: &[u8]) -> Result<CsObject, String> {
    let (tag, header, body) = split(bytes)?;
    if tag == JSON_TAG {
        return serde_json::from_slice(body).map_err(|e| e.to_string());
    }
    body::cs(read_cs_header(header)?, body)
}

/// A metaverse object, from its stored bytes.
pub fn mv_object(bytes: &[u8]) -> Result<MvObject, String> {
    let (tag, header, body) = split(bytes)?;
    if tag == JSON_TAG {
        return serde_json::from_slice(body).map_err(|e| e.to_string());
    }
    body::mv(read_mv_header(header)?.0, body)
}

/// The tag and the header; the body is appended after.
fn framed(header: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(5 + header.len() + 256);
    out.push(BINARY_TAG);
    put_len(&mut out, header.len())?;
    out.extend_from_slice(header);
    Ok(out)
}

/// The tag, the header and the body.
fn split(bytes: &[u8]) -> Result<(u8, &[u8], &[u8]), String> {
    let mut r = Reader(bytes);
    let tag = r.byte()?;
    if tag != BINARY_TAG && tag != JSON_TAG {
        return Err("not an object record (it does not start with a header)".into());
    }
    let n = r.len()?;
    let header = r.take(n)?;
    Ok((tag, header, r.0))
}

fn put_len(out: &mut Vec<u8>, n: usize) -> Result<(), String> {
    let n = u32::try_from(n).map_err(|_| format!("a length of {n} does not fit a record"))?;
    out.extend_from_slice(&n.to_le_bytes());
    Ok(())
}

fn put_str(out: &mut Vec<u8>, s: &str) -> Result<(), String> {
    put_len(out, s.len())?;
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

/// Bounds-checked reads over a header.
struct Reader<'b>(&'b [u8]);

impl<'b> Reader<'b> {
    fn take(&mut self, n: usize) -> Result<&'b [u8], String> {
        let Some((head, rest)) = self.0.split_at_checked(n) else {
            return Err(format!("the header ends early (wanted {n} more bytes, {} left)", self.0.len()));
        };
        self.0 = rest;
        Ok(head)
    }

    fn byte(&mut self) -> Result<u8, String> {
        Ok(self.take(1)?.first().copied().unwrap_or(0))
    }

    fn len(&mut self) -> Result<usize, String> {
        let b = <[u8; 4]>::try_from(self.take(4)?).map_err(|_| "a bad length".to_string())?;
        usize::try_from(u32::from_le_bytes(b)).map_err(|_| "a length too large for this machine".to_string())
    }

    fn u64(&mut self) -> Result<u64, String> {
        let b = <[u8; 8]>::try_from(self.take(8)?).map_err(|_| "a bad id".to_string())?;
        Ok(u64::from_le_bytes(b))
    }

    fn string(&mut self) -> Result<String, String> {
        let n = self.len()?;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| "a name that is not UTF-8".to_string())
    }

    fn end(&self) -> Result<(), String> {
        if self.0.is_empty() { Ok(()) } else { Err(format!("{} unexpected bytes after the header", self.0.len())) }
    }
}

/// The format 2 form of a record: the same header, then the object as JSON.
#[cfg(test)]
pub(crate) fn format_2(record: &[u8], object: &impl serde::Serialize) -> Vec<u8> {
    let Ok((_, header, _)) = split(record) else { return Vec::new() };
    let mut out = record.get(..5 + header.len()).unwrap_or_default().to_vec();
    if let Some(tag) = out.first_mut() {
        *tag = JSON_TAG;
    }
    out.extend_from_slice(&serde_json::to_vec(object).unwrap_or_default());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ImportChange, PendingImport};
    use crate::value::Value;

    fn cs() -> CsObject {
        CsObject {
            anchor: Some("E1".into()),
            attributes: [("givenName".to_string(), Value::String("Ann".into()))].into_iter().collect(),
            link: Some(42),
            pending_import: Some(PendingImport { change: ImportChange::Add, changed: Vec::new() }),
            ..CsObject::new(7, "hr", "person", "uid=ann,ou=people")
        }
    }

    #[test]
    fn cs_records_round_trip() {
        let o = cs();
        let bytes = encode_cs(&o).unwrap_or_default();
        assert_eq!(cs_header(&bytes), Ok(CsHeader::of(&o)));
        assert_eq!(cs_object(&bytes), Ok(o.clone()));
        let bare = CsObject { anchor: None, link: None, kind: CsKind::Placeholder, pending_import: None, ..o };
        let bytes = encode_cs(&bare).unwrap_or_default();
        assert_eq!(cs_header(&bytes), Ok(CsHeader::of(&bare)));
    }

    #[test]
    fn mv_records_round_trip() {
        let o = MvObject {
            id: 42,
            object_type: "person".into(),
            attributes: Default::default(),
            links: vec![Link { connector: "hr".into(), cs: 7 }, Link { connector: "ad".into(), cs: 9 }],
            lineage: Default::default(),
        };
        let keys = vec![b"x/person\0mail\0\"a\"\0".to_vec(), Vec::new()];
        let bytes = encode_mv(&o, &keys).unwrap_or_default();
        assert_eq!(mv_header(&bytes), Ok((MvHeader::of(&o), keys)));
        assert_eq!(mv_object(&bytes), Ok(o));
    }

    #[test]
    fn damaged_records_are_errors() {
        let bytes = encode_cs(&cs()).unwrap_or_default();
        for cut in 0..bytes.len().min(60) {
            let prefix = bytes.get(..cut).unwrap_or_default();
            assert!(cs_header(prefix).is_err() || cs_object(prefix).is_err(), "cut at {cut}");
        }
        assert!(cs_header(b"{\"id\": 1}").is_err_and(|e| e.contains("header")));
    }

    #[test]
    fn format_2_records_still_read() {
        let o = cs();
        let old = format_2(&encode_cs(&o).unwrap_or_default(), &o);
        assert_eq!(old.first(), Some(&b'H'));
        assert_eq!(cs_header(&old), Ok(CsHeader::of(&o)));
        assert_eq!(cs_object(&old), Ok(o));
        let m = MvObject {
            id: 42,
            object_type: "person".into(),
            attributes: [("mail".to_string(), Value::String("a@x".into()))].into_iter().collect(),
            links: vec![Link { connector: "hr".into(), cs: 7 }],
            lineage: Default::default(),
        };
        let keys = vec![b"x/person\0mail\0\"a@x\"\0".to_vec()];
        let old = format_2(&encode_mv(&m, &keys).unwrap_or_default(), &m);
        assert_eq!(mv_header(&old), Ok((MvHeader::of(&m), keys)));
        assert_eq!(mv_object(&old), Ok(m));
    }
}
