//! Helpers shared by the built-in functions: argument access that tolerates `Null`, character
//! and case helpers, GUID byte orders, text encodings, distinguished names, lenient date parsing
//! and a small random number generator.

use super::{Arg, CallError, arg};
use crate::time;
use crate::value::{Val, Value, quote};
use std::borrow::Cow;

/// The text argument at `i` (a string or a reference), `None` when it is missing.
pub fn opt_str<'b>(args: &'b [Arg<'_>], i: usize, param: &str) -> Result<Option<&'b str>, CallError> {
    match arg(args, i) {
        Value::Null => Ok(None),
        Value::String(s) | Value::Reference(s) => Ok(Some(s)),
        other => Err(CallError(format!("`{param}` must be a string, not {}", other.to_literal()))),
    }
}

/// The text argument at `i` of a function that takes its arguments (a string or a reference),
/// moved out of `args`: borrowed text stays borrowed, computed text keeps its buffer. `None` when
/// it is missing or omitted.
pub fn take_str<'a>(args: &mut [Val<'a>], i: usize, param: &str) -> Result<Option<Cow<'a, str>>, CallError> {
    let Some(v) = args.get_mut(i) else { return Ok(None) };
    match v {
        Val::Str(s) => Ok(Some(Cow::Borrowed(*s))),
        Val::Ref(r) => match *r {
            Value::String(s) | Value::Reference(s) => Ok(Some(Cow::Borrowed(s.as_str()))),
            Value::Null => Ok(None),
            other => Err(CallError(format!("`{param}` must be a string, not {}", other.to_literal()))),
        },
        Val::String(s) | Val::Owned(Value::String(s) | Value::Reference(s)) => Ok(Some(Cow::Owned(std::mem::take(s)))),
        Val::Null | Val::Owned(Value::Null) => Ok(None),
        Val::Owned(other) => Err(CallError(format!("`{param}` must be a string, not {}", other.to_literal()))),
    }
}

/// The integer argument at `i` of a function that takes its arguments, `None` when it is missing
/// or omitted.
pub fn val_int(args: &[Val<'_>], i: usize, param: &str) -> Result<Option<i64>, CallError> {
    let Some(v) = args.get(i) else { return Ok(None) };
    match v.as_value() {
        Some(Value::Null) => Ok(None),
        Some(Value::Integer(n)) => Ok(Some(*n)),
        Some(other) => Err(CallError(format!("`{param}` must be an integer, not {}", other.to_literal()))),
        None => Err(CallError(format!("`{param}` must be an integer, not {}", quote(v.as_str().unwrap_or(""))))),
    }
}

/// Bytes `start..end` of `text`: a slice of borrowed text, computed text cut in place (no
/// copy either way). The empty string when the range is not one of `text`'s.
pub fn sub_text(text: Cow<'_, str>, start: usize, end: usize) -> Val<'_> {
    if start > end || text.get(start..end).is_none() {
        return Val::Str("");
    }
    match text {
        Cow::Borrowed(s) => Val::Str(s.get(start..end).unwrap_or("")),
        Cow::Owned(mut s) => {
            s.truncate(end);
            s.drain(..start);
            Val::String(s)
        }
    }
}

/// The byte offset of character `n` of `text` (its length when it has `n` characters or fewer).
pub fn char_offset(text: &str, n: usize) -> usize {
    if text.is_ascii() {
        return n.min(text.len());
    }
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

/// `text` mapped character by character for `lower` (`upper` false) and `upper`: computed ASCII
/// text (most identity data) is changed in place; other text is mapped into an exactly sized
/// string, ASCII characters directly and the others with [`lower_char`] / [`upper_char`].
pub fn map_case_in_place<'a>(args: &mut [Val<'a>], upper: bool) -> Result<Val<'a>, CallError> {
    let Some(text) = take_str(args, 0, "text")? else { return Ok(Val::NULL) };
    if text.is_ascii() {
        let mut owned = text.into_owned();
        if upper {
            owned.make_ascii_uppercase();
        } else {
            owned.make_ascii_lowercase();
        }
        return Ok(Val::String(owned));
    }
    let mut out = String::with_capacity(text.len());
    if upper {
        out.extend(text.chars().map(|c| match c {
            'a'..='z' => c.to_ascii_uppercase(),
            // Latin-1 letters: `à`..`þ` are 32 above their capitals (`÷` is not a letter).
            'à'..='þ' if c != '÷' => char::from_u32(u32::from(c) - 32).unwrap_or(c),
            c if c.is_ascii() || (c < 'ÿ' && c != 'µ') => c,
            c => upper_char(c),
        }));
    } else {
        out.extend(text.chars().map(|c| match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            // Latin-1 letters: `À`..`Þ` are 32 below their small letters (`×` is not a letter).
            'À'..='Þ' if c != '×' => char::from_u32(u32::from(c) + 32).unwrap_or(c),
            c if c.is_ascii() || c < 'ÿ' => c,
            c => lower_char(c),
        }));
    }
    Ok(Val::String(out))
}

/// The integer argument at `i`, `None` when it is missing.
pub fn opt_int(args: &[Arg<'_>], i: usize, param: &str) -> Result<Option<i64>, CallError> {
    match arg(args, i) {
        Value::Null => Ok(None),
        Value::Integer(n) => Ok(Some(*n)),
        other => Err(CallError(format!("`{param}` must be an integer, not {}", other.to_literal()))),
    }
}

/// The date and time argument at `i`, `None` when it is missing.
pub fn opt_datetime(args: &[Arg<'_>], i: usize, param: &str) -> Result<Option<i64>, CallError> {
    match arg(args, i) {
        Value::Null => Ok(None),
        Value::DateTime(us) => Ok(Some(*us)),
        other => Err(CallError(format!("`{param}` must be a date and time, not {}", other.to_literal()))),
    }
}

/// The value as text the way `str` converts it (`None` for missing values).
pub fn to_text(value: &Value) -> Option<String> {
    Some(match value {
        Value::Null => return None,
        Value::String(s) | Value::Reference(s) => s.clone(),
        Value::Integer(n) => n.to_string(),
        Value::Boolean(b) => b.to_string(),
        Value::DateTime(us) => time::format_rfc3339(*us),
        Value::Binary(bytes) => crate::text::base64_encode(bytes),
        Value::Guid(g) => crate::value::format_guid(*g),
        Value::List(items) => {
            let parts: Vec<String> = items.iter().filter_map(to_text).collect();
            parts.join(",")
        }
    })
}

/// The simple (one character to one character) lower-case mapping, as .NET's invariant culture.
pub fn lower_char(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// The simple (one character to one character) upper-case mapping, as .NET's invariant culture.
pub fn upper_char(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// The characters of `text`, lower-cased one by one when `fold` (positions are preserved).
pub fn folded(text: &str, fold: bool) -> Vec<char> {
    text.chars().map(|c| if fold { lower_char(c) } else { c }).collect()
}

/// Whether `needle` occurs in `hay` at character index `at`.
pub fn matches_at(hay: &[char], needle: &[char], at: usize) -> bool {
    hay.get(at..at.saturating_add(needle.len())).is_some_and(|w| w == needle)
}

/// The number of characters of `text`, as an `i64`.
pub fn char_len(text: &str) -> i64 {
    i64::try_from(text.chars().count()).unwrap_or(i64::MAX)
}

/// The longest text padding produces.
const MAX_PAD_LENGTH: i64 = 1 << 20;

/// For `pad_left` and `pad_right`: the text and the padding that brings it to `length`
/// characters; `None` for a missing text. `pad` must be one character and `length` at most
/// 1,048,576; a missing `length` pads nothing.
pub fn padding<'b>(args: &'b [Arg<'_>]) -> Result<Option<(&'b str, String)>, CallError> {
    let pad = opt_str(args, 2, "pad")?.unwrap_or("");
    let mut chars = pad.chars();
    let (Some(pad), None) = (chars.next(), chars.next()) else {
        return Err(CallError(format!("the pad {} is not one character", crate::value::quote(pad))));
    };
    let Some(text) = opt_str(args, 0, "text")? else {
        return Ok(None);
    };
    let length = opt_int(args, 1, "length")?.unwrap_or(0);
    if length > MAX_PAD_LENGTH {
        return Err(CallError(format!("the length {length} is too large (at most {MAX_PAD_LENGTH})")));
    }
    let missing = usize::try_from(length.saturating_sub(char_len(text))).unwrap_or(0);
    Ok(Some((text, std::iter::repeat_n(pad, missing).collect())))
}

/// The first instant .NET can represent (0001-01-01T00:00:00Z).
pub const MIN_DATETIME: i64 = -62_135_596_800_000_000;
/// The last instant .NET can represent (9999-12-31T23:59:59.999999Z).
pub const MAX_DATETIME: i64 = 253_402_300_799_999_999;

/// `us` when it lies in years 1 to 9999, an error otherwise.
pub fn in_range(us: Option<i64>) -> Result<Value, CallError> {
    match us {
        Some(us) if (MIN_DATETIME..=MAX_DATETIME).contains(&us) => Ok(Value::DateTime(us)),
        _ => Err(CallError("the date is out of range (years 1 to 9999)".into())),
    }
}

/// The 16 bytes of a GUID in Microsoft's order (`objectGUID`, `Guid.ToByteArray`): the first
/// three groups little-endian, the last two as written.
pub fn guid_to_bytes(g: u128) -> Vec<u8> {
    let b = g.to_be_bytes();
    let order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    order.iter().map(|&i| b.get(i).copied().unwrap_or(0)).collect()
}

/// The GUID of 16 bytes in Microsoft's order; `None` when there are not 16 bytes.
pub fn guid_from_bytes(bytes: &[u8]) -> Option<u128> {
    if bytes.len() != 16 {
        return None;
    }
    let order = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15];
    let mut b = [0u8; 16];
    for (slot, &i) in b.iter_mut().zip(order.iter()) {
        *slot = bytes.get(i).copied()?;
    }
    Some(u128::from_be_bytes(b))
}

/// A text encoding of `from_base64` / `to_base64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// UTF-16 little-endian (Microsoft's `Unicode`).
    Utf16,
    /// UTF-8.
    Utf8,
    /// 7-bit ASCII.
    Ascii,
}

/// The encoding called `name` (`Unicode`, `UTF8`, `ASCII`, any case; `UTF-8`, `UTF16`, `UTF-16`
/// and `UTF-16LE` too); `Unicode` when missing.
pub fn encoding(name: Option<&str>) -> Result<Encoding, CallError> {
    let Some(name) = name else {
        return Ok(Encoding::Utf16);
    };
    match name.trim().to_ascii_lowercase().as_str() {
        "unicode" | "utf16" | "utf-16" | "utf-16le" => Ok(Encoding::Utf16),
        "utf8" | "utf-8" => Ok(Encoding::Utf8),
        "ascii" | "us-ascii" => Ok(Encoding::Ascii),
        _ => Err(CallError(format!("unknown encoding `{name}` (use \"Unicode\", \"UTF8\" or \"ASCII\")"))),
    }
}

/// The bytes of `text` in `enc` (an error for non-ASCII text in ASCII).
pub fn encode(text: &str, enc: Encoding) -> Result<Vec<u8>, CallError> {
    match enc {
        Encoding::Utf16 => Ok(text.encode_utf16().flat_map(u16::to_le_bytes).collect()),
        Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
        Encoding::Ascii => match text.chars().find(|c| !c.is_ascii()) {
            Some(c) => Err(CallError(format!("`{c}` is not an ascii character"))),
            None => Ok(text.as_bytes().to_vec()),
        },
    }
}

/// The text of `bytes` in `enc` (an error for bytes that are not valid in it).
pub fn decode(bytes: &[u8], enc: Encoding) -> Result<String, CallError> {
    match enc {
        Encoding::Utf16 => {
            if !bytes.len().is_multiple_of(2) {
                return Err(CallError(format!("{} bytes are not utf-16 text (an odd length)", bytes.len())));
            }
            let units: Vec<u16> = bytes
                .chunks(2)
                .map(|c| u16::from_le_bytes([c.first().copied().unwrap_or(0), c.get(1).copied().unwrap_or(0)]))
                .collect();
            String::from_utf16(&units).map_err(|_| CallError("the bytes are not valid utf-16 text".into()))
        }
        Encoding::Utf8 => {
            String::from_utf8(bytes.to_vec()).map_err(|_| CallError("the bytes are not valid utf-8 text".into()))
        }
        Encoding::Ascii => match bytes.iter().find(|b| !b.is_ascii()) {
            Some(b) => Err(CallError(format!("byte {b:#04x} is not ascii"))),
            None => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        },
    }
}

/// The components of a distinguished name, left to right: `(type, value)` with the value
/// unescaped (the first value of a multi-valued component).
pub fn parse_dn(dn: &str) -> Result<Vec<(String, String)>, CallError> {
    crate::text::check_dn(dn).map_err(|why| CallError(format!("`{dn}` is not a distinguished name: {why}")))?;
    let mut out = Vec::new();
    for rdn in split_unescaped(dn, ',') {
        let first = split_unescaped(&rdn, '+').into_iter().next().unwrap_or_default();
        let Some((ty, value)) = first.split_once('=') else {
            return Err(CallError(format!("`{dn}` is not a distinguished name")));
        };
        out.push((ty.trim().to_string(), unescape_dn_value(value)));
    }
    Ok(out)
}

/// `text` split at `sep` characters that are not escaped with a backslash (escapes kept).
fn split_unescaped(text: &str, sep: char) -> Vec<String> {
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            current.push(c);
            if let Some(n) = chars.next() {
                current.push(n);
            }
        } else if c == sep {
            parts.push(std::mem::take(&mut current));
        } else {
            current.push(c);
        }
    }
    parts.push(current);
    parts
}

/// An RFC 4514 attribute value without its escapes (`\,` and `\2C` alike); unescaped leading and
/// trailing spaces are dropped.
fn unescape_dn_value(value: &str) -> String {
    let value = value.trim_start_matches(' ');
    let mut bytes: Vec<u8> = Vec::with_capacity(value.len());
    let mut keep = 0; // length of `bytes` that must survive trimming (ends with an escape)
    let mut chars = value.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            let mut buf = [0u8; 4];
            bytes.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            continue;
        }
        let hi = chars.peek().copied();
        match hi {
            Some(h) if h.is_ascii_hexdigit() => {
                chars.next();
                match chars.peek().copied().filter(char::is_ascii_hexdigit) {
                    Some(l) => {
                        chars.next();
                        let byte = u8::from_str_radix(&format!("{h}{l}"), 16).unwrap_or(b'?');
                        bytes.push(byte);
                    }
                    None => bytes.push(u8::try_from(u32::from(h)).unwrap_or(b'?')),
                }
            }
            Some(other) => {
                chars.next();
                let mut buf = [0u8; 4];
                bytes.extend_from_slice(other.encode_utf8(&mut buf).as_bytes());
            }
            None => {}
        }
        keep = bytes.len();
    }
    while bytes.len() > keep && bytes.last() == Some(&b' ') {
        bytes.pop();
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The English month names, as .NET's invariant culture writes them.
pub const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The English day names, Sunday first.
pub const DAYS: [&str; 7] = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

/// The day of the week of an instant, 0 for Sunday.
pub fn weekday(us: i64) -> i64 {
    (us.div_euclid(time::MICROS_PER_DAY) + 4).rem_euclid(7)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(String),
    Word(String),
    Sym(char),
}

fn tokens(text: &str) -> Vec<Tok> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_ascii_digit() {
            let mut s = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                s.push(d);
                chars.next();
            }
            out.push(Tok::Num(s));
        } else if c.is_alphabetic() {
            let mut s = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_alphabetic()) {
                s.push(lower_char(d));
                chars.next();
            }
            out.push(Tok::Word(s));
        } else {
            chars.next();
            if !c.is_whitespace() && c != ',' {
                out.push(Tok::Sym(c));
            }
        }
    }
    out
}

/// Parses a date and time the way `to_datetime` (Microsoft's `CDate`) accepts it: RFC 3339 /
/// ISO 8601 (`2024-01-05`, `2024-01-05T10:00:00.5+02:00`, `2024-01-05 10:00`), LDAP generalized
/// time (`20240105100000.0Z`), `M/d/yyyy`, `d.M.yyyy`, `5 January 2024`, `January 5, 2024`,
/// followed by an optional time `H:mm[:ss[.fff]]` with optional `AM`/`PM`, and an optional zone
/// (`Z`, `UTC`, `GMT`, `+2`, `-08`, `+0530`, `+05:30`). Without a zone the time is UTC.
pub fn parse_lenient(text: &str) -> Option<i64> {
    if let Some(us) = time::parse_datetime(text) {
        return Some(us);
    }
    let toks = tokens(text.trim());
    let mut p = Lenient { toks: &toks, pos: 0 };
    let num = |s: &str| s.parse::<i64>().ok();
    // LDAP generalized time: yyyyMMddHHmm[ss][.f][Z|±hhmm]
    if let Some(Tok::Num(n)) = toks.first()
        && matches!(n.len(), 12 | 14)
        && n.is_ascii()
    {
        let f = |a: usize, b: usize| n.get(a..b).and_then(num);
        let (y, mo, d, h, mi) = (f(0, 4)?, f(4, 6)?, f(6, 8)?, f(8, 10)?, f(10, 12)?);
        let s = if n.len() == 14 { f(12, 14)? } else { 0 };
        p.pos = 1;
        let micros = p.fraction()?;
        let offset = p.zone()?;
        if p.pos != toks.len() {
            return None;
        }
        return build(y, mo, d, h, mi, s, micros, offset);
    }
    let (y, mo, d) = p.date()?;
    if p.word("t") {
        // ISO separator between the date and the time
    }
    let (mut h, mut mi, mut s, mut micros) = (0, 0, 0, 0);
    if let (Some(Tok::Num(hh)), Some(Tok::Sym(':'))) = (toks.get(p.pos), toks.get(p.pos + 1)) {
        h = num(hh)?;
        p.pos += 2;
        mi = p.number(2)?;
        if p.sym(':') {
            s = p.number(2)?;
            micros = p.fraction()?;
        }
        if p.word("am") || p.word("a") {
            if !(1..=12).contains(&h) {
                return None;
            }
            h %= 12;
        } else if p.word("pm") || p.word("p") {
            if !(1..=12).contains(&h) {
                return None;
            }
            h = h % 12 + 12;
        }
    }
    let offset = p.zone()?;
    if p.pos != toks.len() {
        return None;
    }
    build(y, mo, d, h, mi, s, micros, offset)
}

#[expect(clippy::too_many_arguments, reason = "the parts of a date and time")]
fn build(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, micros: i64, offset_min: i64) -> Option<i64> {
    let ok = (1..=9999).contains(&y)
        && (1..=12).contains(&mo)
        && d >= 1
        && d <= time::days_in_month(y, mo)
        && (0..=23).contains(&h)
        && (0..=59).contains(&mi)
        && (0..=59).contains(&s);
    ok.then(|| time::from_parts(y, mo, d, h, mi, s, micros) - offset_min * 60 * time::MICROS_PER_SECOND)
}

struct Lenient<'t> {
    toks: &'t [Tok],
    pos: usize,
}

impl Lenient<'_> {
    fn peek(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.pos + k)
    }

    fn sym(&mut self, c: char) -> bool {
        let hit = self.peek(0) == Some(&Tok::Sym(c));
        if hit {
            self.pos += 1;
        }
        hit
    }

    fn word(&mut self, w: &str) -> bool {
        let hit = matches!(self.peek(0), Some(Tok::Word(x)) if x == w);
        if hit {
            self.pos += 1;
        }
        hit
    }

    /// A number of at most `max` digits.
    fn number(&mut self, max: usize) -> Option<i64> {
        match self.peek(0) {
            Some(Tok::Num(n)) if n.len() <= max => {
                let v = n.parse().ok();
                self.pos += 1;
                v
            }
            _ => None,
        }
    }

    fn month_name(&mut self) -> Option<i64> {
        let Some(Tok::Word(w)) = self.peek(0) else { return None };
        let w = w.strip_suffix('.').unwrap_or(w);
        let found = MONTHS.iter().position(|m| {
            let m = m.to_ascii_lowercase();
            w == m || (w.len() >= 3 && m.starts_with(w))
        })?;
        self.pos += 1;
        i64::try_from(found + 1).ok()
    }

    /// `(year, month, day)`.
    fn date(&mut self) -> Option<(i64, i64, i64)> {
        if let Some(m) = self.month_name() {
            let d = self.number(2)?;
            let y = self.number(4)?;
            return Some((y, m, d));
        }
        let Some(Tok::Num(first)) = self.peek(0).cloned() else { return None };
        if let Some(Tok::Word(_)) = self.peek(1) {
            self.pos += 1;
            let d = first.parse().ok()?;
            let m = self.month_name()?;
            let y = self.number(4)?;
            return Some((y, m, d));
        }
        let Some(Tok::Sym(sep)) = self.peek(1).cloned() else { return None };
        if !matches!(sep, '-' | '/' | '.') {
            return None;
        }
        self.pos += 2;
        let second = self.number(2)?;
        if !self.sym(sep) {
            return None;
        }
        let Some(Tok::Num(third)) = self.peek(0).cloned() else { return None };
        self.pos += 1;
        let (a, c) = (first.parse::<i64>().ok()?, third.parse::<i64>().ok()?);
        if first.len() == 4 && third.len() <= 2 {
            Some((a, second, c))
        } else if third.len() == 4 && first.len() <= 2 {
            if sep == '.' { Some((c, second, a)) } else { Some((c, a, second)) }
        } else {
            None
        }
    }

    /// `.fff...` as microseconds (0 when absent).
    fn fraction(&mut self) -> Option<i64> {
        if self.peek(0) != Some(&Tok::Sym('.')) {
            return Some(0);
        }
        let Some(Tok::Num(digits)) = self.peek(1).cloned() else { return None };
        self.pos += 2;
        let six: String = digits.chars().chain(std::iter::repeat('0')).take(6).collect();
        six.parse().ok()
    }

    /// A zone as minutes east of UTC (0 when absent).
    fn zone(&mut self) -> Option<i64> {
        let named = self.word("z") || self.word("utc") || self.word("gmt");
        let signed = matches!(self.peek(0), Some(Tok::Sym('+' | '-')));
        if named && !signed {
            return Some(0);
        }
        let sign = if self.sym('+') {
            1
        } else if self.sym('-') {
            -1
        } else {
            return Some(0);
        };
        let Some(Tok::Num(n)) = self.peek(0).cloned() else { return None };
        self.pos += 1;
        let (h, m) = match n.len() {
            1 | 2 => {
                let h: i64 = n.parse().ok()?;
                let m = if self.sym(':') { self.number(2)? } else { 0 };
                (h, m)
            }
            4 => (n.get(..2)?.parse().ok()?, n.get(2..)?.parse().ok()?),
            _ => return None,
        };
        (h <= 14 && m <= 59).then_some(sign * (h * 60 + m))
    }
}

/// A pseudo-random number: xorshift64* seeded from the clock and a per-thread counter.
pub fn random_u64() -> u64 {
    use std::cell::Cell;
    thread_local! {
        static STATE: Cell<u64> = const { Cell::new(0) };
    }
    STATE.with(|state| {
        let mut x = state.get();
        if x == 0 {
            let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_nanos());
            let here = &x as *const u64 as usize as u64;
            x = (nanos as u64) ^ here.rotate_left(32) ^ 0x9E37_79B9_7F4A_7C15;
            if x == 0 {
                x = 0x2545_F491_4F6C_DD1D;
            }
        }
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        state.set(x);
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    })
}

#[cfg(test)]
pub mod testing {
    //! Test helpers: calling an implementation with owned values, and running the documented
    //! examples with a miniature evaluator.

    use super::super::{Call, CallError, Nulls, all, lookup};
    use crate::value::{Val, Value};
    use std::borrow::Cow;

    /// Calls `call` with `args`. A function that takes its arguments is called twice, once with
    /// borrowed and once with computed arguments (its two paths), and both must agree.
    pub fn run(call: Call, args: Vec<Value>) -> Result<Value, CallError> {
        match call {
            Call::Values(f) => {
                let args: Vec<_> = args.into_iter().map(Cow::Owned).collect();
                f(&args)
            }
            Call::Moves(f) => {
                let mut borrowed: Vec<Val<'_>> = args.iter().map(Val::borrowed).collect();
                let from_borrowed = f(&mut borrowed).map(Val::into_value);
                let mut owned: Vec<Val<'_>> = args.iter().cloned().map(Val::owned).collect();
                let from_owned = f(&mut owned).map(Val::into_value);
                assert_eq!(from_borrowed, from_owned, "borrowed and computed arguments {args:?} disagree");
                from_owned
            }
        }
    }

    /// A string value.
    pub fn s(text: &str) -> Value {
        Value::String(text.to_string())
    }

    /// An integer value.
    pub fn i(n: i64) -> Value {
        Value::Integer(n)
    }

    /// A boolean value.
    pub fn b(v: bool) -> Value {
        Value::Boolean(v)
    }

    /// A date and time value from RFC 3339 text.
    pub fn dt(text: &str) -> Value {
        crate::time::parse_datetime(text).map_or(Value::Null, Value::DateTime)
    }

    /// A list of strings.
    pub fn list(items: &[&str]) -> Value {
        Value::List(items.iter().map(|t| s(t)).collect())
    }

    struct Parser<'t> {
        text: &'t str,
        pos: usize,
    }

    impl Parser<'_> {
        fn rest(&self) -> &str {
            self.text.get(self.pos..).unwrap_or("")
        }

        fn skip_ws(&mut self) {
            let rest = self.rest();
            self.pos += rest.len() - rest.trim_start().len();
        }

        fn eat(&mut self, c: char) -> bool {
            self.skip_ws();
            if self.rest().starts_with(c) {
                self.pos += c.len_utf8();
                true
            } else {
                false
            }
        }

        fn expr(&mut self) -> Result<Result<Value, CallError>, String> {
            self.skip_ws();
            let owned = self.rest().to_string();
            let rest = owned.as_str();
            if rest.starts_with('"') {
                let mut escaped = false;
                let mut end = None;
                for (i, c) in rest.char_indices().skip(1) {
                    match c {
                        _ if escaped => escaped = false,
                        '\\' => escaped = true,
                        '"' => {
                            end = Some(i);
                            break;
                        }
                        _ => {}
                    }
                }
                let end = end.ok_or("unterminated string")?;
                let body = rest.get(1..end).ok_or("bad string")?;
                let text = crate::text::unescape(body).map_err(|e| e.2)?;
                self.pos += end + 1;
                return Ok(Ok(Value::String(text)));
            }
            if rest.starts_with('[') {
                self.pos += 1;
                let mut items = Vec::new();
                if !self.eat(']') {
                    loop {
                        match self.expr()? {
                            Ok(v) => items.push(v),
                            Err(e) => return Ok(Err(e)),
                        }
                        if self.eat(']') {
                            break;
                        }
                        if !self.eat(',') {
                            return Err(format!("expected `,` at {}", self.rest()));
                        }
                    }
                }
                return Ok(Ok(Value::List(items)));
            }
            if let Some(lit) = rest.strip_prefix('@') {
                let len = lit
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | ':' | '.' | '+')))
                    .unwrap_or(lit.len());
                let text = lit.get(..len).unwrap_or("");
                let us = crate::time::parse_datetime(text).ok_or(format!("bad datetime {text}"))?;
                self.pos += 1 + len;
                return Ok(Ok(Value::DateTime(us)));
            }
            let len = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(rest.len());
            let word = rest.get(..len).unwrap_or("");
            if word.is_empty() {
                return Err(format!("unexpected {rest}"));
            }
            self.pos += len;
            match word {
                "null" => return Ok(Ok(Value::Null)),
                "true" => return Ok(Ok(Value::Boolean(true))),
                "false" => return Ok(Ok(Value::Boolean(false))),
                _ => {}
            }
            if let Ok(n) = word.replace('_', "").parse::<i64>() {
                return Ok(Ok(Value::Integer(n)));
            }
            let sig = lookup(word).ok_or(format!("unknown function {word}"))?;
            if !self.eat('(') {
                return Err(format!("expected `(` after {word}"));
            }
            let mut args = Vec::new();
            if !self.eat(')') {
                loop {
                    match self.expr()? {
                        Ok(v) => args.push(v),
                        Err(e) => return Ok(Err(e)),
                    }
                    if self.eat(')') {
                        break;
                    }
                    if !self.eat(',') {
                        return Err(format!("expected `,` at {}", self.rest()));
                    }
                }
            }
            if sig.nulls == Nulls::Propagate && args.iter().any(Value::is_null) {
                return Ok(Ok(Value::Null));
            }
            Ok(run(sig.call, args))
        }
    }

    /// Evaluates a call written in the rule language (literals and nested calls only).
    pub fn eval(text: &str) -> Result<Result<Value, CallError>, String> {
        let mut p = Parser { text, pos: 0 };
        let v = p.expr()?;
        p.skip_ws();
        if !p.rest().is_empty() {
            return Err(format!("trailing {}", p.rest()));
        }
        Ok(v)
    }

    #[test]
    fn case_mapping_fast_paths_agree_with_the_character_tables() {
        use super::{lower_char, map_case_in_place, upper_char};
        for c in (0..0x600).filter_map(char::from_u32) {
            // Non-ASCII text (`é` first) takes the character path.
            let text = format!("é{c}");
            let mut args = [Val::Str(&text)];
            let up = map_case_in_place(&mut args, true).map(Val::into_value);
            let mut args = [Val::Str(&text)];
            let low = map_case_in_place(&mut args, false).map(Val::into_value);
            assert_eq!(up, Ok(Value::String(format!("É{}", upper_char(c)))), "upper of {c:?}");
            assert_eq!(low, Ok(Value::String(format!("é{}", lower_char(c)))), "lower of {c:?}");
        }
    }

    #[test]
    fn documented_examples_give_their_results() {
        let mut failures = Vec::new();
        for sig in all() {
            for ex in sig.examples {
                let got = eval(ex.call);
                let ok = match (&got, ex.result.strip_prefix("error: ")) {
                    (Ok(Err(_)), Some(_)) => true,
                    (Ok(Ok(v)), None) => eval(ex.result).ok().and_then(Result::ok).as_ref() == Some(v),
                    _ => false,
                };
                if !ok {
                    failures.push(format!("{}: {} gave {:?}, documented {}", sig.name, ex.call, got, ex.result));
                }
            }
        }
        assert!(failures.is_empty(), "{}", failures.join("\n"));
    }

    #[test]
    fn no_implementation_panics_on_nulls_or_odd_arguments() {
        let odd = [
            Value::Null,
            Value::String(String::new()),
            Value::Integer(i64::MIN),
            Value::Integer(i64::MAX),
            Value::Integer(-1),
            Value::Boolean(true),
            Value::DateTime(i64::MIN),
            Value::DateTime(i64::MAX),
            Value::Binary(vec![1, 2, 3]),
            Value::Guid(u128::MAX),
            Value::List(vec![]),
        ];
        for sig in all() {
            for n in 0..=sig.params.len().max(2) + 1 {
                for v in &odd {
                    let _ = run(sig.call, vec![v.clone(); n]);
                }
            }
        }
    }
}
