//! The key index of an LDIF content file: for each entry's keys (its DN, its type and anchor),
//! where the entry lies in the file.
//!
//! An export finds the entries its requests name through the index, so it reads only those
//! entries: its work follows the requests, not the file. The index is a sorted table of
//! `(hash of the key, offset, length, line)` records. A large file's index is kept beside it
//! (`<content>.index`) and searched on disk, a probe per step of a binary search; it names the
//! content file it was built from by length and a hash of its last bytes, and an index that does
//! not match (the file was written by something else) is rebuilt by reading the file once. A hash
//! may be shared by two keys: the index gives candidates, and the caller reads each one's keys.
//!
//! Layout: the magic line `metasync ldif index 1\n`, the content file's length (u64) and tail
//! hash (u64), the record count (u64), then the records, 24 bytes each (u64 hash, u64 offset, u32
//! length, u32 line), little-endian, sorted by hash then offset.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::Path;

const MAGIC: &[u8] = b"metasync ldif index 1\n";
const RECORD: u64 = 24;
const HEADER: u64 = MAGIC.len() as u64 + 24;
/// How many bytes at the end of a file its identity hashes.
const TAIL: u64 = 4096;

/// Where an entry lies in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Loc {
    /// The offset of its first line.
    pub offset: u64,
    /// Its length, up to the end of its last line.
    pub len: u64,
    /// The number of its first line.
    pub line: usize,
}

pub(super) use super::files::fnv64 as hash;

/// What names a content file's version: its length and the hash of its last bytes. Cheap to
/// read; a file rewritten by anything but the connector almost surely changes one of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Identity {
    /// The file's length.
    pub len: u64,
    /// The hash of its last 4,096 bytes (all of them when it is shorter).
    pub tail: u64,
}

/// The identity of an open file (its position is back at the start afterwards).
pub(super) fn identity(file: &File) -> io::Result<Identity> {
    let len = file.metadata()?.len();
    let from = len.saturating_sub(TAIL);
    let mut bytes = vec![0; usize::try_from(len - from).map_err(io::Error::other)?];
    read_exact_at(file, &mut bytes, from)?;
    let mut rewind = file;
    rewind.seek(SeekFrom::Start(0))?;
    Ok(Identity { len, tail: hash(&bytes) })
}

/// Reads exactly `buf.len()` bytes at `offset` (the file's position moves; nothing relies on it).
pub(super) fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    let mut reader = file;
    reader.seek(SeekFrom::Start(offset))?;
    reader.read_exact(buf)
}

/// The key index of one content file.
#[derive(Debug)]
pub(super) enum KeyIndex {
    /// Built in memory (a small file, or one just read or written).
    Memory(Vec<(u64, Loc)>),
    /// Kept in a file beside the content file.
    Stored {
        /// The index file.
        file: File,
        /// Its record count.
        count: u64,
    },
}

impl KeyIndex {
    /// An index of `records` (hash, location), in any order.
    pub(super) fn build(mut records: Vec<(u64, Loc)>) -> KeyIndex {
        records.sort_unstable_by_key(|(h, l)| (*h, l.offset));
        KeyIndex::Memory(records)
    }

    /// The locations of the entries that may have a key of this hash.
    pub(super) fn candidates(&self, key_hash: u64) -> io::Result<Vec<Loc>> {
        match self {
            KeyIndex::Memory(records) => {
                let from = records.partition_point(|(h, _)| *h < key_hash);
                Ok(records.iter().skip(from).take_while(|(h, _)| *h == key_hash).map(|(_, l)| *l).collect())
            }
            KeyIndex::Stored { file, count } => {
                // The first record whose hash is not below `key_hash`.
                let (mut low, mut high) = (0, *count);
                while low < high {
                    let mid = low + (high - low) / 2;
                    if read_record(file, mid)?.0 < key_hash {
                        low = mid + 1;
                    } else {
                        high = mid;
                    }
                }
                let mut out = Vec::new();
                let mut i = low;
                while i < *count {
                    let (h, loc) = read_record(file, i)?;
                    if h != key_hash {
                        break;
                    }
                    out.push(loc);
                    i += 1;
                }
                Ok(out)
            }
        }
    }

    /// Writes an in-memory index to `path` (atomically) for the content file of `identity`.
    pub(super) fn save(&self, path: &Path, identity: Identity) -> io::Result<()> {
        let KeyIndex::Memory(records) = self else { return Ok(()) };
        let result = super::files::write_atomic(path, |out| {
            out.write_all(MAGIC)?;
            out.write_all(&identity.len.to_le_bytes())?;
            out.write_all(&identity.tail.to_le_bytes())?;
            out.write_all(&(records.len() as u64).to_le_bytes())?;
            for (h, loc) in records {
                let len = u32::try_from(loc.len).map_err(|_| io::Error::other("an entry longer than 4 GiB"))?;
                let line = u32::try_from(loc.line).unwrap_or(u32::MAX);
                out.write_all(&h.to_le_bytes())?;
                out.write_all(&loc.offset.to_le_bytes())?;
                out.write_all(&len.to_le_bytes())?;
                out.write_all(&line.to_le_bytes())?;
            }
            Ok(())
        });
        result.map_err(|e| io::Error::other(e.0))
    }

    /// The index stored at `path`, when it is there, whole, and built from the content file of
    /// `identity`; `None` otherwise (it is then rebuilt).
    pub(super) fn open(path: &Path, identity: Identity) -> io::Result<Option<KeyIndex>> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(e),
        };
        let len = file.metadata()?.len();
        if len < HEADER {
            return Ok(None);
        }
        let mut header = vec![0; usize::try_from(HEADER).map_err(io::Error::other)?];
        read_exact_at(&file, &mut header, 0)?;
        let (magic, rest) = header.split_at(MAGIC.len());
        let numbers: Vec<u64> = rest.chunks_exact(8).map(u64_of).collect();
        let [content_len, tail, count] = numbers.as_slice() else { return Ok(None) };
        let whole = count.checked_mul(RECORD).and_then(|n| n.checked_add(HEADER)) == Some(len);
        if magic != MAGIC || !whole || (Identity { len: *content_len, tail: *tail }) != identity {
            return Ok(None);
        }
        Ok(Some(KeyIndex::Stored { file, count: *count }))
    }
}

/// The little-endian number in `bytes` (up to 8 of them).
fn u64_of(bytes: &[u8]) -> u64 {
    let mut b = [0u8; 8];
    for (to, from) in b.iter_mut().zip(bytes) {
        *to = *from;
    }
    u64::from_le_bytes(b)
}

fn read_record(file: &File, i: u64) -> io::Result<(u64, Loc)> {
    let mut b = [0u8; 24];
    read_exact_at(file, &mut b, HEADER + i * RECORD)?;
    let (h, rest) = b.split_at(8);
    let (offset, rest) = rest.split_at(8);
    let (len, line) = rest.split_at(4);
    let u32_of = |bytes: &[u8]| u64_of(bytes) as u32;
    Ok((u64_of(h), Loc { offset: u64_of(offset), len: u64::from(u32_of(len)), line: u32_of(line) as usize }))
}

#[cfg(test)]
#[expect(clippy::panic, reason = "a failing test panics")]
mod tests {
    use super::*;
    use crate::connectors::files::test_support::temp_dir;

    fn loc(offset: u64) -> Loc {
        Loc { offset, len: offset + 1, line: usize::try_from(offset).unwrap_or(0) + 2 }
    }

    #[test]
    fn candidates_in_memory_and_on_disk_agree() {
        let records: Vec<(u64, Loc)> =
            (0..1000u64).map(|i| (hash(format!("k{}", i % 700).as_bytes()), loc(i * 10))).collect();
        let memory = KeyIndex::build(records.clone());
        let dir = temp_dir("ldif-index");
        let content = dir.join("c.ldif");
        std::fs::write(&content, "version: 1\n").unwrap_or_else(|e| panic!("{e}"));
        let id = identity(&File::open(&content).unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"));
        let path = dir.join("c.ldif.index");
        memory.save(&path, id).unwrap_or_else(|e| panic!("{e}"));
        let Some(stored) = KeyIndex::open(&path, id).unwrap_or_else(|e| panic!("{e}")) else {
            panic!("the index just written does not open")
        };
        assert!(matches!(stored, KeyIndex::Stored { count: 1000, .. }));
        for k in 0..710 {
            let h = hash(format!("k{k}").as_bytes());
            let a = memory.candidates(h).unwrap_or_default();
            let b = stored.candidates(h).unwrap_or_default();
            assert_eq!(a, b, "k{k}");
            let expected: Vec<Loc> = (0..1000u64).filter(|i| i % 700 == k).map(|i| loc(i * 10)).collect();
            assert_eq!(a, expected, "k{k}");
        }
        // Another content file, a damaged index, no index: not used.
        assert!(KeyIndex::open(&path, Identity { len: id.len + 1, ..id }).unwrap_or_default().is_none());
        let bytes = std::fs::read(&path).unwrap_or_default();
        std::fs::write(&path, bytes.get(..bytes.len() - 3).unwrap_or_default()).unwrap_or_else(|e| panic!("{e}"));
        assert!(KeyIndex::open(&path, id).unwrap_or_default().is_none());
        std::fs::write(&path, b"metasync ldif index 2\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(KeyIndex::open(&path, id).unwrap_or_default().is_none());
        assert!(KeyIndex::open(&dir.join("none"), id).unwrap_or_default().is_none());
    }

    #[test]
    fn identity_follows_length_and_tail() {
        let dir = temp_dir("ldif-identity");
        let path = dir.join("c");
        let id = |text: &str| {
            std::fs::write(&path, text).unwrap_or_else(|e| panic!("{e}"));
            identity(&File::open(&path).unwrap_or_else(|e| panic!("{e}"))).unwrap_or_else(|e| panic!("{e}"))
        };
        assert_eq!(id("abc"), id("abc"));
        assert_ne!(id("abc"), id("abd"));
        assert_ne!(id("abc"), id("abcd"));
        let long = "x".repeat(10_000);
        assert_ne!(id(&format!("{long}a")), id(&format!("{long}b")));
    }
}
