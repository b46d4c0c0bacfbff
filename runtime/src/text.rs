//! Text forms shared by the compiler and the runtime: string escapes, DNs and URLs.

/// Resolves the escapes of a string literal's body; on failure returns the offset and length of
/// the bad escape in `body` and why.
pub fn unescape(body: &str) -> Result<String, (usize, usize, String)> {
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err((i, 1, "a backslash at the end".into()));
        };
        match e {
            '"' => out.push('"'),
            '\\' => out.push('\\'),
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            'u' => {
                let rest = body.get(i + 2..).unwrap_or("");
                let close = rest.find('}');
                let hex = rest.strip_prefix('{').and_then(|r| close.and_then(|c| r.get(..c.saturating_sub(1))));
                let Some(hex) = hex else {
                    return Err((i, 2, "`\\u` must be followed by `{HEX}`".into()));
                };
                let len = 2 + hex.len() + 2;
                let ch = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32);
                let Some(ch) = ch else {
                    return Err((i, len, format!("`{hex}` is not a Unicode scalar value")));
                };
                out.push(ch);
                for _ in 0..hex.len() + 2 {
                    chars.next();
                }
            }
            other => return Err((i, 1 + other.len_utf8(), format!("unknown escape `\\{other}`"))),
        }
    }
    Ok(out)
}

/// Checks the syntax of an LDAP DN (RFC 4514): non-empty `attr=value` parts separated by
/// unescaped commas.
pub fn check_dn(dn: &str) -> Result<(), String> {
    if dn.trim().is_empty() {
        return Err("it is empty".into());
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    let mut chars = dn.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                current.push(c);
                match chars.next() {
                    Some(n) => current.push(n),
                    None => return Err("it ends with a lone backslash".into()),
                }
            }
            ',' => parts.push(std::mem::take(&mut current)),
            _ => current.push(c),
        }
    }
    parts.push(current);
    for part in &parts {
        for ava in part.split('+') {
            let Some((attr, value)) = ava.split_once('=') else {
                return Err(format!("`{}` has no `=`", part.trim()));
            };
            let attr = attr.trim();
            if attr.is_empty() || !attr.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') {
                return Err(format!("`{attr}` is not an attribute type"));
            }
            if value.trim().is_empty() {
                return Err(format!("`{}` has an empty value", part.trim()));
            }
        }
    }
    Ok(())
}

/// `scheme://rest`, with a scheme of a letter then letters, digits, `+`, `-` or `.`.
pub fn is_url(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once("://") else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        && !rest.is_empty()
        && !rest.chars().any(char::is_whitespace)
}

const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Standard base64 with padding (RFC 4648).
pub fn base64_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                let idx = ((n >> (18 - 6 * i)) & 63) as usize;
                out.push(char::from(BASE64.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes standard base64 (padding optional, white space ignored); `None` when it is not base64.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() / 4 * 3);
    let mut acc: u32 = 0;
    let mut bits = 0;
    let mut padding = false;
    for c in text.bytes().filter(|c| !c.is_ascii_whitespace()) {
        if c == b'=' {
            padding = true;
            continue;
        }
        if padding {
            return None;
        }
        let v = BASE64.iter().position(|&b| b == c)?;
        acc = (acc << 6) | u32::try_from(v).ok()?;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes() {
        assert_eq!(unescape(r#"a\"b\\c\n\u{e9}"#).as_deref(), Ok("a\"b\\c\né"));
        assert!(unescape(r"\q").is_err());
        assert!(unescape(r"\u{110000}").is_err());
        assert!(unescape(r"\u00e9").is_err());
    }

    #[test]
    fn distinguished_names() {
        assert!(check_dn("ou=people,dc=example,dc=org").is_ok());
        assert!(check_dn(r"cn=Lee\, Ann+uid=alee,dc=example").is_ok());
        assert!(check_dn("people").is_err());
        assert!(check_dn("ou=,dc=x").is_err());
        assert!(check_dn("").is_err());
    }

    #[test]
    fn base64() {
        for (raw, enc) in [(&b""[..], ""), (b"f", "Zg=="), (b"fo", "Zm8="), (b"foo", "Zm9v"), (b"foobar", "Zm9vYmFy")] {
            assert_eq!(base64_encode(raw), enc);
            assert_eq!(base64_decode(enc).as_deref(), Some(raw));
        }
        assert!(base64_decode("Zm9v!").is_none());
    }

    #[test]
    fn urls() {
        assert!(is_url("ldap://127.0.0.1:389"));
        assert!(!is_url("127.0.0.1"));
        assert!(!is_url("ldap:// host"));
    }
}
