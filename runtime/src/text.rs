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
    fn urls() {
        assert!(is_url("ldap://127.0.0.1:389"));
        assert!(!is_url("127.0.0.1"));
        assert!(!is_url("ldap:// host"));
    }
}
