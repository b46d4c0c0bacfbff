//! `format_datetime(value, format)`: format a date and time with a .net custom format string (`yyyy-MM-dd HH:mm:ss`).
//!
//! Microsoft Entra Connect's `FormatDateTime(value, format)`. Entra provisioning's four-argument form (parse text in one
//! format, write another) is `format_datetime(to_datetime(text), format)`. An invalid format is an error.
//!
//! Custom specifiers (invariant culture, UTC): `yyyy`/`yyy`/`yy`/`y` (and more `y`: zero-padded), `MMMM`, `MMM`, `MM`,
//! `M`, `dddd`, `ddd`, `dd`, `d`, `HH`, `H`, `hh`, `h`, `mm`, `m`, `ss`, `s`, `f` to `fffffff`, `F` to `FFFFFFF`
//! (trailing zeros and a lone `.` dropped), `tt`, `t`, `K` (`Z`), `z`/`zz`/`zzz` (`+0`, `+00`, `+00:00`), `g` (`A.D.`),
//! `'literal'`, `"literal"`, `\c` and `%c`; any other character is copied (`yyyyMMddHHmmss.0Z` gives AD generalized
//! time). A one-character format is a standard format: `d`, `D`, `f`, `F`, `g`, `G`, `m`/`M`, `o`/`O`, `r`/`R`, `s`,
//! `t`, `T`, `u`, `U`, `y`/`Y`; an empty format is `G`.
//!
//! Differs from Microsoft: names and standard formats always use the invariant culture, and `:`/`/` are copied as they are.

use super::{Category, Example, Nulls, Param, Signature, TypeSpec};

/// The signature of `format_datetime`.
pub const SIGNATURE: Signature = Signature {
    name: "format_datetime",
    category: Category::DateTime,
    microsoft: &["FormatDateTime"],
    params: &[
        Param::new("value", TypeSpec::DATETIME),
        Param::new("format", TypeSpec::STRING),
    ],
    returns: TypeSpec::STRING,
    nulls: Nulls::Propagate,
    pure: true,
    fallible: true,
    summary: "format a date and time with a .net custom format string (`yyyy-MM-dd HH:mm:ss`)",
    examples: &[
        Example { call: r##"format_datetime(@2007-12-25, "yyyy-MM-dd")"##, result: r##""2007-12-25""## },
        Example { call: r##"format_datetime(to_datetime("12/25/2007"), "yyyy-MM-dd")"##, result: r##""2007-12-25""## },
        Example { call: r##"format_datetime(date_from_num(129699324000000000), "yyyyMMddHHmmss.0Z")"##, result: r##""20120101230000.0Z""## },
    ],
    call: super::Call::Values(self::call),
};

use super::support::{DAYS, MONTHS, opt_datetime, opt_str, weekday};
use super::{Arg, CallError};
use crate::time::parts;
use crate::value::{Value, quote};

/// The pattern of a one-letter standard format (invariant culture), `None` for unknown ones.
fn standard(c: char) -> Option<&'static str> {
    Some(match c {
        'd' => "MM/dd/yyyy",
        'D' => "dddd, dd MMMM yyyy",
        'f' => "dddd, dd MMMM yyyy HH:mm",
        'F' => "dddd, dd MMMM yyyy HH:mm:ss",
        'g' => "MM/dd/yyyy HH:mm",
        'G' => "MM/dd/yyyy HH:mm:ss",
        'm' | 'M' => "MMMM dd",
        'o' | 'O' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fffffffK",
        'r' | 'R' => "ddd, dd MMM yyyy HH':'mm':'ss 'GMT'",
        's' => "yyyy'-'MM'-'dd'T'HH':'mm':'ss",
        't' => "HH:mm",
        'T' => "HH:mm:ss",
        'u' => "yyyy'-'MM'-'dd HH':'mm':'ss'Z'",
        'U' => "dddd, dd MMMM yyyy HH:mm:ss",
        'y' | 'Y' => "yyyy MMMM",
        _ => return None,
    })
}

/// Appends `n` zero-padded to `width` digits (no temporary string, no formatter for the
/// non-negative numbers dates are made of).
fn pad(out: &mut String, n: i64, width: usize) {
    use std::fmt::Write as _;
    let Ok(mut rest) = u64::try_from(n) else {
        let _ = write!(out, "{n:0width$}");
        return;
    };
    let mut digits = [b'0'; 20];
    let mut len = 0;
    while let Some(slot) = digits.get_mut(len) {
        *slot = b'0' + (rest % 10) as u8;
        len += 1;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    for _ in len..width {
        out.push('0');
    }
    for &d in digits.get(..len).unwrap_or(&[]).iter().rev() {
        out.push(char::from(d));
    }
}

/// `names[index]`, or its first three letters when `len` is 3 (the names are ASCII).
fn name(names: &[&'static str], index: i64, len: usize) -> &'static str {
    let full = usize::try_from(index).ok().and_then(|k| names.get(k)).copied().unwrap_or("");
    if len == 3 { full.get(..3).unwrap_or(full) } else { full }
}

/// `us` written with a .NET custom format string. Every format letter is ASCII, so the pattern
/// is read byte by byte; other characters are copied as they are.
fn format(us: i64, pattern: &str) -> Result<String, CallError> {
    let (y, mo, d, h, mi, s, micros) = parts(us);
    let bytes = pattern.as_bytes();
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if !b.is_ascii() {
            let c = pattern.get(i..).and_then(|rest| rest.chars().next()).unwrap_or(char::REPLACEMENT_CHARACTER);
            out.push(c);
            i += c.len_utf8();
            continue;
        }
        let run = bytes.get(i..).map_or(1, |rest| rest.iter().take_while(|&&x| x == b).count());
        match b {
            b'y' => {
                let year = if run <= 2 { y % 100 } else { y };
                pad(&mut out, year, run);
            }
            b'M' => match run {
                1 | 2 => pad(&mut out, mo, run),
                3 => out.push_str(name(&MONTHS, mo - 1, 3)),
                _ => out.push_str(name(&MONTHS, mo - 1, 4)),
            },
            b'd' => match run {
                1 | 2 => pad(&mut out, d, run),
                3 => out.push_str(name(&DAYS, weekday(us), 3)),
                _ => out.push_str(name(&DAYS, weekday(us), 4)),
            },
            b'H' => pad(&mut out, h, run.min(2)),
            b'h' => pad(&mut out, if h % 12 == 0 { 12 } else { h % 12 }, run.min(2)),
            b'm' => pad(&mut out, mi, run.min(2)),
            b's' => pad(&mut out, s, run.min(2)),
            b't' => {
                let ampm = if h < 12 { "AM" } else { "PM" };
                out.push_str(if run == 1 { ampm.get(..1).unwrap_or("") } else { ampm });
            }
            b'f' | b'F' => {
                if run > 7 {
                    return Err(CallError(format!(
                        "invalid format {}: at most 7 `{}`",
                        quote(pattern),
                        char::from(b)
                    )));
                }
                // Seven digits of the second (ticks), of which the microseconds give six.
                let mut digits = [b'0'; 7];
                let mut m = micros.rem_euclid(1_000_000);
                for slot in digits.iter_mut().take(6).rev() {
                    *slot = b'0' + (m % 10) as u8;
                    m /= 10;
                }
                let digits = digits.get(..run).unwrap_or(&[]);
                let digits = if b == b'f' {
                    digits
                } else {
                    let kept = digits.iter().rposition(|&b| b != b'0').map_or(0, |p| p + 1);
                    if kept == 0 && out.ends_with('.') {
                        out.pop();
                    }
                    digits.get(..kept).unwrap_or(&[])
                };
                out.extend(digits.iter().map(|&b| char::from(b)));
            }
            b'z' => out.push_str(match run {
                1 => "+0",
                2 => "+00",
                _ => "+00:00",
            }),
            b'K' => out.push('Z'),
            b'g' => out.push_str("A.D."),
            b'\'' | b'"' => {
                let quoted = pattern.get(i + 1..).unwrap_or("");
                let Some(len) = quoted.find(char::from(b)) else {
                    return Err(CallError(format!("invalid format {}: unterminated quote", quote(pattern))));
                };
                out.push_str(quoted.get(..len).unwrap_or(""));
                i += len + 2;
                continue;
            }
            b'\\' => {
                let Some(next) = pattern.get(i + 1..).and_then(|rest| rest.chars().next()) else {
                    return Err(CallError(format!("invalid format {}: a backslash at the end", quote(pattern))));
                };
                out.push(next);
                i += 1 + next.len_utf8();
                continue;
            }
            b'%' => {
                i += 1;
                continue;
            }
            other => {
                out.push(char::from(other));
                i += 1;
                continue;
            }
        }
        i += run.max(1);
    }
    Ok(out)
}

/// The date and time written with `format` (a one-letter format is a .NET standard format).
fn call(args: &[Arg<'_>]) -> Result<Value, CallError> {
    let (Some(us), Some(pattern)) = (opt_datetime(args, 0, "value")?, opt_str(args, 1, "format")?) else {
        return Ok(Value::Null);
    };
    let mut chars = pattern.chars();
    let pattern = match (chars.next(), chars.next()) {
        (None, _) => "G",
        (Some(c), None) => standard(c).ok_or_else(|| CallError(format!("invalid format {}: `{c}` is not a standard format", quote(pattern))))?,
        _ => pattern,
    };
    format(us, if pattern == "G" { "MM/dd/yyyy HH:mm:ss" } else { pattern }).map(Value::String)
}

#[cfg(test)]
mod tests {
    use super::super::support::testing::{dt, run, s};
    use crate::value::Value;

    fn f(date: &str, format: &str) -> Result<Value, super::CallError> {
        run(super::SIGNATURE.call, vec![dt(date), s(format)])
    }

    #[test]
    fn custom_formats() {
        let d = "2024-01-05T09:03:07.1234Z";
        assert_eq!(f(d, "yyyyMMddHHmmss.0Z"), Ok(s("20240105090307.0Z")));
        assert_eq!(f(d, "y yy yyy yyyy yyyyy"), Ok(s("24 24 2024 2024 02024")));
        assert_eq!(f(d, "M MM MMM MMMM"), Ok(s("1 01 Jan January")));
        assert_eq!(f(d, "d dd ddd dddd"), Ok(s("5 05 Fri Friday")));
        assert_eq!(f(d, "H HH h hh m mm s ss t tt"), Ok(s("9 09 9 09 3 03 7 07 A AM")));
        assert_eq!(f("2024-01-05T00:00:00Z", "h tt"), Ok(s("12 AM")));
        assert_eq!(f("2024-01-05T13:00:00Z", "hh tt"), Ok(s("01 PM")));
        assert_eq!(f(d, "f ff fff ffff fffffff"), Ok(s("1 12 123 1234 1234000")));
        assert_eq!(f(d, "ss.FFFFFFF"), Ok(s("07.1234")));
        assert_eq!(f("2024-01-05T00:00:00Z", "ss.FFF"), Ok(s("00")));
        assert_eq!(f(d, r#"'yyyy' "MM" \d %d K zzz"#), Ok(s("yyyy MM d 5 Z +00:00")));
        assert_eq!(f(d, "d"), Ok(s("01/05/2024")));
        assert_eq!(f(d, "s"), Ok(s("2024-01-05T09:03:07")));
        assert_eq!(f(d, "o"), Ok(s("2024-01-05T09:03:07.1234000Z")));
        assert_eq!(f(d, ""), Ok(s("01/05/2024 09:03:07")));
        assert!(f(d, "Q").is_err());
        assert!(f(d, "'open").is_err());
        assert!(f(d, "ffffffff").is_err());
        assert!(f(d, "yyyy\\").is_err());
        assert!(run(super::SIGNATURE.call, vec![Value::DateTime(i64::MIN), s("yyyy")]).is_ok());
        assert_eq!(run(super::SIGNATURE.call, vec![Value::Null, s("yyyy")]), Ok(Value::Null));
    }
}
