//! The connector kind registry.

/// The type of a configuration option or capability value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OptionType {
    /// Free text.
    String,
    /// A file-system path, relative to the rule set's folder.
    Path,
    /// A URL (`ldap://`, `ldaps://`, `postgres://`, `https://`).
    Url,
    /// An LDAP distinguished name.
    Dn,
    /// A whole number.
    Integer,
    /// `true` or `false`.
    Boolean,
    /// A list of strings.
    StringList,
    /// One of a fixed set of words.
    Choice(&'static [&'static str]),
}

impl OptionType {
    /// Whether `text`, a literal as written in a `.sync` file, is a value of this type: a string
    /// (`"..."` with the escapes `\"`, `\\`, `\n`, `\r`, `\t`, `\0`, `\u{HEX}`, or raw `r"..."`)
    /// for `String`, a non-empty one for `Path`, one of the form `scheme://...` for `Url`, a
    /// distinguished name (possibly empty) for `Dn`, digits (`_` allowed after the first) that fit
    /// 64 bits for `Integer`, `true` or `false` for `Boolean`, `["a", "b"]` for `StringList`, and
    /// one of the words as a string for `Choice`. Surrounding white space is ignored.
    pub fn accepts_literal(&self, text: &str) -> bool {
        let text = text.trim();
        match self {
            OptionType::String => parse_string(text).is_some(),
            OptionType::Path => parse_string(text).is_some_and(|s| !s.is_empty()),
            OptionType::Url => parse_string(text).is_some_and(|s| crate::text::is_url(&s)),
            OptionType::Dn => parse_string(text).is_some_and(|s| is_dn(&s)),
            OptionType::Integer => {
                text.starts_with(|c: char| c.is_ascii_digit())
                    && text.chars().all(|c| c.is_ascii_digit() || c == '_')
                    && text.replace('_', "").parse::<i64>().is_ok()
            }
            OptionType::Boolean => text == "true" || text == "false",
            OptionType::StringList => parse_string_list(text).is_some(),
            OptionType::Choice(words) => parse_string(text).is_some_and(|s| words.contains(&s.as_str())),
        }
    }

    /// What a value of this type looks like, for diagnostics: `a string`, `one of "utf8", "latin1"`.
    pub fn describe(&self) -> String {
        match self {
            OptionType::String => "a string".to_owned(),
            OptionType::Path => "a path (a non-empty string)".to_owned(),
            OptionType::Url => "a url (a string such as \"ldaps://host:636\")".to_owned(),
            OptionType::Dn => "a distinguished name (a string such as \"ou=people,dc=example,dc=org\")".to_owned(),
            OptionType::Integer => "an integer".to_owned(),
            OptionType::Boolean => "`true` or `false`".to_owned(),
            OptionType::StringList => "a list of strings (such as [\"a\", \"b\"])".to_owned(),
            OptionType::Choice(words) => {
                let quoted: Vec<String> = words.iter().map(|w| format!("\"{w}\"")).collect();
                format!("one of {}", quoted.join(", "))
            }
        }
    }
}

/// The content of a double-quoted string literal, or `None` when `text` is not one.
fn parse_string(text: &str) -> Option<String> {
    if let Some(raw) = text.strip_prefix("r\"") {
        let inner = raw.strip_suffix('"')?;
        return (!inner.contains(['"', '\n', '\r'])).then(|| inner.to_owned());
    }
    let inner = text.strip_prefix('"')?.strip_suffix('"')?;
    // A quote may only appear escaped; the escapes themselves are the compiler's.
    let unescaped_quote = inner.replace("\\\\", "").replace("\\\"", "").contains(['"', '\n', '\r']);
    if unescaped_quote {
        return None;
    }
    crate::text::unescape(inner).ok()
}

/// The strings of a list literal `["a", "b"]` (a trailing comma is allowed).
fn parse_string_list(text: &str) -> Option<Vec<String>> {
    let inner = text.strip_prefix('[')?.strip_suffix(']')?;
    let mut items = Vec::new();
    let mut rest = inner.trim_start();
    while !rest.is_empty() {
        if let Some(raw) = rest.strip_prefix("r\"") {
            // A raw string ends at its first quote.
            let end = raw.find('"')?;
            items.push(parse_string(rest.get(..end + 3)?)?);
            rest = raw.get(end + 1..)?.trim_start();
            match rest.strip_prefix(',') {
                Some(after) => rest = after.trim_start(),
                None if rest.is_empty() => break,
                None => return None,
            }
            continue;
        }
        if !rest.starts_with('"') {
            return None;
        }
        // Find the closing quote: the first `"` not escaped by a backslash.
        let mut end = None;
        let mut escaped = false;
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
        let end = end?;
        items.push(parse_string(rest.get(..=end)?)?);
        rest = rest.get(end + 1..)?.trim_start();
        match rest.strip_prefix(',') {
            Some(after) => rest = after.trim_start(),
            None if rest.is_empty() => break,
            None => return None,
        }
    }
    Some(items)
}

/// A distinguished name, or empty (the root).
fn is_dn(text: &str) -> bool {
    text.trim().is_empty() || crate::text::check_dn(text).is_ok()
}

/// One configuration option of a connector kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OptionSpec {
    /// The option's name in a `connector` block.
    pub name: &'static str,
    /// The value's type.
    pub ty: OptionType,
    /// The option must be given.
    pub required: bool,
    /// The default, written as it would be in a `.sync` file; `None` when there is none.
    pub default: Option<&'static str>,
    /// The value is a credential: it must come from `secret("NAME")`, never a literal or `env`.
    pub secret: bool,
    /// One line, lower case, no final period.
    pub summary: &'static str,
}

/// One capability of a connector kind (ECMA2 capabilities).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CapabilitySpec {
    /// The capability's name in a `capabilities { ... }` block.
    pub name: &'static str,
    /// The value's type.
    pub ty: OptionType,
    /// The kind's value, written as it would be in a `.sync` file.
    pub value: &'static str,
    /// A rule set may override the value for one connector.
    pub overridable: bool,
    /// One line, lower case, no final period.
    pub summary: &'static str,
}

/// One connector kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindSpec {
    /// The kind's name after `connector NAME:`.
    pub name: &'static str,
    /// One line, lower case, no final period.
    pub summary: &'static str,
    /// Configuration options.
    pub options: &'static [OptionSpec],
    /// Capabilities with the kind's values.
    pub capabilities: &'static [CapabilitySpec],
    /// The engine has an implementation for this kind.
    pub implemented: bool,
}

impl KindSpec {
    /// The option called `name`.
    pub fn option(&self, name: &str) -> Option<&'static OptionSpec> {
        self.options.iter().find(|o| o.name == name)
    }

    /// The capability called `name`.
    pub fn capability(&self, name: &str) -> Option<&'static CapabilitySpec> {
        self.capabilities.iter().find(|c| c.name == name)
    }
}

/// Every connector kind.
pub fn kinds() -> &'static [KindSpec] {
    KINDS
}

/// The kind called `name`.
pub fn kind(name: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.name == name)
}

const fn required(name: &'static str, ty: OptionType, summary: &'static str) -> OptionSpec {
    OptionSpec { name, ty, required: true, default: None, secret: false, summary }
}

const fn optional(
    name: &'static str,
    ty: OptionType,
    default: Option<&'static str>,
    summary: &'static str,
) -> OptionSpec {
    OptionSpec { name, ty, required: false, default, secret: false, summary }
}

const fn credential(name: &'static str, summary: &'static str) -> OptionSpec {
    OptionSpec { name, ty: OptionType::String, required: false, default: None, secret: true, summary }
}

const fn cap(
    name: &'static str,
    ty: OptionType,
    value: &'static str,
    overridable: bool,
    summary: &'static str,
) -> CapabilitySpec {
    CapabilitySpec { name, ty, value, overridable, summary }
}

/// `export_type`: how the engine hands an update to the connector (ECMA2 `MAExportType`).
const EXPORT_TYPES: OptionType = OptionType::Choice(&["object_replace", "attribute_replace", "attribute_update"]);
/// `dn_style`: none (the DN is the anchor), generic (flat `cn=value`), ldap (hierarchical).
const DN_STYLES: OptionType = OptionType::Choice(&["none", "generic", "ldap"]);
/// `object_confirmation`: what a confirming import can show after an export.
const CONFIRMATIONS: OptionType =
    OptionType::Choice(&["normal", "no_delete_confirmation", "no_add_and_delete_confirmation"]);
/// Text encodings of file connectors.
const ENCODINGS: OptionType = OptionType::Choice(&["utf8", "latin1"]);

/// The capabilities of a flat file kind (csv, jsonl): no DN, no delta, rewritten whole on export.
const FLAT_FILE_CAPABILITIES: &[CapabilitySpec] = &[
    cap(
        "delta_import",
        OptionType::Boolean,
        "false",
        false,
        "set by the option delta_path: delta imports read the change file it names, from the watermark on",
    ),
    cap(
        "export_type",
        EXPORT_TYPES,
        "\"object_replace\"",
        false,
        "export rewrites the file, so the connector gets every attribute of every object",
    ),
    cap("dn_style", DN_STYLES, "\"none\"", false, "objects are identified by their anchor alone"),
    cap("object_rename", OptionType::Boolean, "false", false, "without a dn there is nothing to rename"),
    cap(
        "delete_add_as_replace",
        OptionType::Boolean,
        "false",
        false,
        "an anchor change is exported as a delete then an add",
    ),
    cap(
        "object_confirmation",
        CONFIRMATIONS,
        "\"normal\"",
        false,
        "a full import of the rewritten file confirms adds, updates and deletes",
    ),
    cap("partitions", OptionType::Boolean, "false", false, "one file is one partition"),
    cap("hierarchy", OptionType::Boolean, "false", false, "records have no containers"),
    cap("import_page_size", OptionType::Integer, "1000", true, "records read per import page"),
    cap("export_page_size", OptionType::Integer, "1000", true, "objects handed to the connector per export batch"),
];

/// `delta_path`, the flat file kinds': the change file that delta imports read.
const DELTA_PATH: OptionSpec = optional(
    "delta_path",
    OptionType::Path,
    None,
    "a change file (a log the source appends add, update and delete records to) that delta imports read from the watermark on; setting it makes delta_import true",
);

/// `change_type`, the flat file kinds': the change file's column or key that says what a record is.
const CHANGE_TYPE: OptionSpec = optional(
    "change_type",
    OptionType::String,
    Some("\"changeType\""),
    "the change file's column (csv) or key (jsonl) that says add, update or delete",
);

/// `delete_threshold`, every kind's: how many deletes an export may send before it stops unless the
/// operator allows them (MIM's "prevent accidental deletes"). A number of objects is written as a
/// string too (`"200"`), a share of the connector space with a percent sign (`"5%"`).
const DELETE_THRESHOLD: OptionSpec = optional(
    "delete_threshold",
    OptionType::String,
    Some("\"500\""),
    "the most objects an export may delete unless allowed, a count such as \"200\" or a share such as \"5%\"",
);

static KINDS: &[KindSpec] = &[
    KindSpec {
        name: "csv",
        summary: "a delimited text file with one object per line",
        options: &[
            required("path", OptionType::Path, "the file, relative to the rule set's folder"),
            optional("delimiter", OptionType::String, Some("\",\""), "the character between fields"),
            optional(
                "multi_value_separator",
                OptionType::String,
                Some("\";\""),
                "the character between the values of a multi-valued field",
            ),
            optional("encoding", ENCODINGS, Some("\"utf8\""), "the file's text encoding"),
            optional("header", OptionType::Boolean, Some("true"), "the first line names the fields"),
            DELTA_PATH,
            CHANGE_TYPE,
            DELETE_THRESHOLD,
        ],
        capabilities: FLAT_FILE_CAPABILITIES,
        implemented: true,
    },
    KindSpec {
        name: "jsonl",
        summary: "a json lines file with one object per line",
        options: &[
            required("path", OptionType::Path, "the file, relative to the rule set's folder"),
            DELTA_PATH,
            CHANGE_TYPE,
            DELETE_THRESHOLD,
        ],
        capabilities: FLAT_FILE_CAPABILITIES,
        implemented: true,
    },
    KindSpec {
        name: "ldif",
        summary: "an ldif file of directory entries (rfc 2849)",
        options: &[
            required("path", OptionType::Path, "the content file, relative to the rule set's folder"),
            optional(
                "changes_path",
                OptionType::Path,
                None,
                "the file export appends rfc 2849 change records to; by default the content file's path with .changes.ldif in place of .ldif",
            ),
            optional(
                "journal_above",
                OptionType::Integer,
                Some("16777216"),
                "a content file of at least this many bytes is not rewritten at each export: changed entries go to a journal beside it, found through a stored index",
            ),
            DELETE_THRESHOLD,
        ],
        capabilities: &[
            cap(
                "delta_import",
                OptionType::Boolean,
                "false",
                false,
                "a content file has no change log: every import is a full import",
            ),
            cap(
                "export_type",
                EXPORT_TYPES,
                "\"object_replace\"",
                false,
                "export rewrites the file, so the connector gets every attribute of every entry",
            ),
            cap(
                "dn_style",
                DN_STYLES,
                "\"ldap\"",
                false,
                "every entry has a hierarchical distinguished name besides its anchor",
            ),
            cap("object_rename", OptionType::Boolean, "true", false, "a rewritten entry may carry a new dn"),
            cap(
                "delete_add_as_replace",
                OptionType::Boolean,
                "false",
                false,
                "an anchor change is exported as a delete then an add",
            ),
            cap(
                "object_confirmation",
                CONFIRMATIONS,
                "\"normal\"",
                false,
                "a full import of the rewritten file confirms adds, updates and deletes",
            ),
            cap("partitions", OptionType::Boolean, "false", false, "one file is one partition"),
            cap("hierarchy", OptionType::Boolean, "false", false, "containers are not browsed: the file is read whole"),
            cap("import_page_size", OptionType::Integer, "1000", true, "entries read per import page"),
            cap(
                "export_page_size",
                OptionType::Integer,
                "1000",
                true,
                "entries handed to the connector per export batch",
            ),
        ],
        implemented: true,
    },
    KindSpec {
        name: "ldap",
        summary: "an ldap v3 directory (openldap, 389 directory server, active directory)",
        options: &[
            required("url", OptionType::Url, "the server, as ldap://host:389 or ldaps://host:636"),
            optional("bind_dn", OptionType::Dn, None, "the dn to bind as; an anonymous bind when not given"),
            credential("password", "the bind password"),
            required("base", OptionType::Dn, "the search base: only entries under this dn are imported or exported"),
            optional(
                "start_tls",
                OptionType::Boolean,
                Some("false"),
                "upgrade an ldap:// connection with start tls before binding",
            ),
            optional("page_size", OptionType::Integer, Some("500"), "entries per page of a paged search (rfc 2696)"),
            optional(
                "timeout_seconds",
                OptionType::Integer,
                Some("30"),
                "how long one request may take before it fails",
            ),
            optional(
                "ldap_filter",
                OptionType::String,
                None,
                "an ldap filter and-ed into every search, such as \"(objectClass=inetOrgPerson)\"",
            ),
            optional(
                "delta_method",
                OptionType::Choice(&["modify_timestamp", "changelog", "usn_changed"]),
                Some("\"modify_timestamp\""),
                "how delta import finds changes: the modify timestamp, the cn=changelog entries, or active directory update sequence numbers",
            ),
            DELETE_THRESHOLD,
        ],
        capabilities: &[
            cap(
                "delta_import",
                OptionType::Boolean,
                "true",
                false,
                "delta import reads changes since the watermark (modify timestamp, change log or usn)",
            ),
            cap(
                "export_type",
                EXPORT_TYPES,
                "\"attribute_update\"",
                false,
                "an ldap modify adds and deletes single values, so only changed values are sent",
            ),
            cap(
                "dn_style",
                DN_STYLES,
                "\"ldap\"",
                false,
                "entries have a hierarchical dn besides their anchor (entryUUID or objectGUID)",
            ),
            cap(
                "object_rename",
                OptionType::Boolean,
                "true",
                false,
                "a dn change is exported as a modify dn operation",
            ),
            cap(
                "delete_add_as_replace",
                OptionType::Boolean,
                "false",
                false,
                "an anchor change is exported as a delete then an add",
            ),
            cap(
                "object_confirmation",
                CONFIRMATIONS,
                "\"normal\"",
                false,
                "a confirming import reads back adds, updates and deletes",
            ),
            cap(
                "partitions",
                OptionType::Boolean,
                "true",
                false,
                "naming contexts (active directory domains) are partitions",
            ),
            cap("hierarchy", OptionType::Boolean, "true", false, "containers under a partition can be selected"),
            cap("import_page_size", OptionType::Integer, "500", true, "entries per import page"),
            cap(
                "export_page_size",
                OptionType::Integer,
                "100",
                true,
                "entries handed to the connector per export batch",
            ),
        ],
        implemented: false,
    },
    KindSpec {
        name: "sql",
        summary: "a table or query in a relational database",
        options: &[
            required("url", OptionType::Url, "the database, as postgres://host/db, mysql://host/db or sqlite://path"),
            optional("user", OptionType::String, None, "the database user, when not part of the url"),
            credential("password", "the database password"),
            optional("table", OptionType::String, None, "the table or view read on import and written on export"),
            optional("query", OptionType::String, None, "a select statement read on import instead of the whole table"),
            optional(
                "delta_column",
                OptionType::String,
                None,
                "a column that grows on every change (a timestamp or row version), used as the delta watermark",
            ),
            optional("page_size", OptionType::Integer, Some("1000"), "rows fetched per round trip"),
            optional(
                "timeout_seconds",
                OptionType::Integer,
                Some("30"),
                "how long one statement may take before it fails",
            ),
            DELETE_THRESHOLD,
        ],
        capabilities: &[
            cap(
                "delta_import",
                OptionType::Boolean,
                "true",
                true,
                "delta import reads rows whose delta_column grew past the watermark; set false without one",
            ),
            cap(
                "export_type",
                EXPORT_TYPES,
                "\"attribute_replace\"",
                false,
                "an update statement sets the changed columns, multi-valued ones whole",
            ),
            cap("dn_style", DN_STYLES, "\"none\"", false, "rows are identified by their key column alone"),
            cap("object_rename", OptionType::Boolean, "false", false, "without a dn there is nothing to rename"),
            cap(
                "delete_add_as_replace",
                OptionType::Boolean,
                "false",
                false,
                "an anchor change is exported as a delete then an add",
            ),
            cap(
                "object_confirmation",
                CONFIRMATIONS,
                "\"no_delete_confirmation\"",
                false,
                "a deleted row leaves nothing for a delta import to read",
            ),
            cap("partitions", OptionType::Boolean, "false", false, "one connector reads one table or query"),
            cap("hierarchy", OptionType::Boolean, "false", false, "rows have no containers"),
            cap("import_page_size", OptionType::Integer, "1000", true, "rows per import page"),
            cap(
                "export_page_size",
                OptionType::Integer,
                "100",
                true,
                "rows handed to the connector per export batch (one transaction)",
            ),
        ],
        implemented: false,
    },
    KindSpec {
        name: "scim",
        summary: "a scim 2.0 service (rfc 7643, rfc 7644)",
        options: &[
            required("url", OptionType::Url, "the service's base url, such as https://example.com/scim/v2"),
            credential("token", "the bearer token sent with every request"),
            optional("page_size", OptionType::Integer, Some("100"), "resources per page of a list request"),
            optional(
                "timeout_seconds",
                OptionType::Integer,
                Some("30"),
                "how long one request may take before it fails",
            ),
            DELETE_THRESHOLD,
        ],
        capabilities: &[
            cap(
                "delta_import",
                OptionType::Boolean,
                "false",
                false,
                "scim has no change log: every import lists all resources",
            ),
            cap(
                "export_type",
                EXPORT_TYPES,
                "\"attribute_update\"",
                false,
                "a patch request adds and removes single values, so only changed values are sent",
            ),
            cap(
                "dn_style",
                DN_STYLES,
                "\"generic\"",
                false,
                "resources have a flat name (userName, displayName) besides their id",
            ),
            cap(
                "object_rename",
                OptionType::Boolean,
                "true",
                false,
                "a name change is exported as a patch of the naming attribute",
            ),
            cap(
                "delete_add_as_replace",
                OptionType::Boolean,
                "false",
                false,
                "an anchor change is exported as a delete then an add",
            ),
            cap(
                "object_confirmation",
                CONFIRMATIONS,
                "\"normal\"",
                false,
                "a confirming import reads back adds, updates and deletes",
            ),
            cap("partitions", OptionType::Boolean, "false", false, "a generic dn style has one partition"),
            cap("hierarchy", OptionType::Boolean, "false", false, "resources have no containers"),
            cap("import_page_size", OptionType::Integer, "100", true, "resources per import page"),
            cap(
                "export_page_size",
                OptionType::Integer,
                "50",
                true,
                "resources handed to the connector per export batch",
            ),
        ],
        implemented: false,
    },
    KindSpec {
        name: "external",
        summary: "a connector program speaking json lines over standard input and output",
        options: &[
            required(
                "command",
                OptionType::Path,
                "the program to start, relative to the rule set's folder or on the path",
            ),
            optional("args", OptionType::StringList, Some("[]"), "arguments passed to the program"),
            optional(
                "timeout_seconds",
                OptionType::Integer,
                Some("300"),
                "how long one request may take before the program is stopped",
            ),
            DELETE_THRESHOLD,
        ],
        capabilities: &[
            cap(
                "delta_import",
                OptionType::Boolean,
                "false",
                true,
                "set true when the program returns watermarks and changes since them",
            ),
            cap(
                "export_type",
                EXPORT_TYPES,
                "\"attribute_replace\"",
                true,
                "how the program wants updates: whole objects, changed attributes or changed values",
            ),
            cap("dn_style", DN_STYLES, "\"generic\"", true, "how the program names objects besides their anchor"),
            cap("object_rename", OptionType::Boolean, "true", true, "the program accepts dn changes"),
            cap(
                "delete_add_as_replace",
                OptionType::Boolean,
                "false",
                true,
                "the program wants an anchor change as one replace",
            ),
            cap(
                "object_confirmation",
                CONFIRMATIONS,
                "\"normal\"",
                true,
                "what a confirming import from the program shows",
            ),
            cap(
                "partitions",
                OptionType::Boolean,
                "false",
                true,
                "the program serves several partitions (ldap dn style only)",
            ),
            cap(
                "hierarchy",
                OptionType::Boolean,
                "false",
                true,
                "the program serves containers under its partitions (ldap dn style only)",
            ),
            cap("import_page_size", OptionType::Integer, "500", true, "objects per import page"),
            cap("export_page_size", OptionType::Integer, "100", true, "objects handed to the program per export batch"),
        ],
        implemented: false,
    },
];

#[cfg(test)]
#[expect(clippy::panic, reason = "a failing test panics")]
mod tests {
    use super::*;

    const KIND_NAMES: [&str; 7] = ["csv", "jsonl", "ldif", "ldap", "sql", "scim", "external"];
    const CAPABILITY_NAMES: [&str; 10] = [
        "delta_import",
        "export_type",
        "dn_style",
        "object_rename",
        "delete_add_as_replace",
        "object_confirmation",
        "partitions",
        "hierarchy",
        "import_page_size",
        "export_page_size",
    ];

    fn well_formed_summary(summary: &str) -> bool {
        !summary.is_empty()
            && !summary.ends_with('.')
            && !summary.contains('\n')
            && !summary.starts_with(|c: char| c.is_uppercase())
    }

    fn capability(kind: &KindSpec, name: &str) -> &'static CapabilitySpec {
        kind.capability(name).unwrap_or_else(|| panic!("{}: no capability {name}", kind.name))
    }

    #[test]
    fn kinds_are_the_seven_in_order() {
        let names: Vec<&str> = kinds().iter().map(|k| k.name).collect();
        assert_eq!(names, KIND_NAMES);
        for name in KIND_NAMES {
            assert_eq!(kind(name).map(|k| k.name), Some(name));
        }
        assert!(kind("ftp").is_none());
    }

    #[test]
    fn names_are_unique() {
        for k in kinds() {
            let mut options: Vec<&str> = k.options.iter().map(|o| o.name).collect();
            options.sort_unstable();
            options.dedup();
            assert_eq!(options.len(), k.options.len(), "{}: duplicate option", k.name);
            let mut caps: Vec<&str> = k.capabilities.iter().map(|c| c.name).collect();
            caps.sort_unstable();
            caps.dedup();
            assert_eq!(caps.len(), k.capabilities.len(), "{}: duplicate capability", k.name);
        }
    }

    #[test]
    fn every_kind_declares_every_capability() {
        for k in kinds() {
            let names: Vec<&str> = k.capabilities.iter().map(|c| c.name).collect();
            assert_eq!(names, CAPABILITY_NAMES, "{}", k.name);
        }
    }

    #[test]
    fn capability_types_agree_across_kinds() {
        for name in CAPABILITY_NAMES {
            let types: Vec<OptionType> = kinds().iter().map(|k| capability(k, name).ty).collect();
            assert!(types.windows(2).all(|w| w.first() == w.last()), "{name}: types differ between kinds");
        }
    }

    #[test]
    fn defaults_and_values_fit_their_types() {
        for k in kinds() {
            for o in k.options {
                if let Some(default) = o.default {
                    assert!(
                        o.ty.accepts_literal(default),
                        "{}.{}: default {default} is not {}",
                        k.name,
                        o.name,
                        o.ty.describe()
                    );
                }
            }
            for c in k.capabilities {
                assert!(
                    c.ty.accepts_literal(c.value),
                    "{}.{}: value {} is not {}",
                    k.name,
                    c.name,
                    c.value,
                    c.ty.describe()
                );
            }
        }
    }

    #[test]
    fn required_and_secret_options_have_no_default() {
        for k in kinds() {
            for o in k.options {
                if o.required {
                    assert!(o.default.is_none(), "{}.{}: required with a default", k.name, o.name);
                }
                if o.secret {
                    assert!(o.default.is_none(), "{}.{}: secret with a default", k.name, o.name);
                    assert_eq!(o.ty, OptionType::String, "{}.{}: secrets are strings", k.name, o.name);
                }
            }
            assert!(k.options.iter().any(|o| o.required), "{}: nothing says where the data is", k.name);
        }
    }

    #[test]
    fn credentials_are_secret() {
        for k in kinds() {
            for o in k.options {
                if matches!(o.name, "password" | "token") {
                    assert!(o.secret, "{}.{} holds a credential but is not secret", k.name, o.name);
                }
            }
        }
    }

    #[test]
    fn summaries_are_one_lower_case_line() {
        for k in kinds() {
            assert!(well_formed_summary(k.summary), "{}: {:?}", k.name, k.summary);
            for o in k.options {
                assert!(well_formed_summary(o.summary), "{}.{}: {:?}", k.name, o.name, o.summary);
            }
            for c in k.capabilities {
                assert!(well_formed_summary(c.summary), "{}.{}: {:?}", k.name, c.name, c.summary);
            }
        }
    }

    #[test]
    fn capabilities_are_consistent_with_the_dn_style() {
        for k in kinds() {
            let style = capability(k, "dn_style").value;
            let is_true = |name: &str| capability(k, name).value == "true";
            if is_true("partitions") || is_true("hierarchy") {
                assert_eq!(style, "\"ldap\"", "{}: partitions and hierarchy need the ldap DN style", k.name);
            }
            if is_true("hierarchy") {
                assert!(is_true("partitions"), "{}: a hierarchy lives under partitions", k.name);
            }
            if is_true("object_rename") {
                assert_ne!(style, "\"none\"", "{}: nothing to rename without a DN", k.name);
            }
        }
        assert_eq!(capability(kind_or_fail("ldap"), "dn_style").value, "\"ldap\"");
        assert_eq!(capability(kind_or_fail("csv"), "dn_style").value, "\"none\"");
        assert_eq!(capability(kind_or_fail("sql"), "dn_style").value, "\"none\"");
        assert_eq!(capability(kind_or_fail("scim"), "dn_style").value, "\"generic\"");
        assert_eq!(capability(kind_or_fail("external"), "dn_style").value, "\"generic\"");
    }

    fn kind_or_fail(name: &str) -> &'static KindSpec {
        kind(name).unwrap_or_else(|| panic!("no kind {name}"))
    }

    #[test]
    fn overridable_capabilities() {
        for k in kinds() {
            for name in ["import_page_size", "export_page_size"] {
                let c = capability(k, name);
                assert!(c.overridable, "{}.{name}: page sizes are always overridable", k.name);
                assert!(c.value.parse::<i64>().is_ok_and(|n| n > 0), "{}.{name}: not a positive size", k.name);
            }
        }
        assert!(capability(kind_or_fail("sql"), "delta_import").overridable);
        assert!(!capability(kind_or_fail("csv"), "delta_import").overridable);
        let external = kind_or_fail("external");
        assert!(external.capabilities.iter().all(|c| c.overridable), "the external program decides its capabilities");
    }

    #[test]
    fn the_file_kinds_are_implemented() {
        let implemented: Vec<&str> = kinds().iter().filter(|k| k.implemented).map(|k| k.name).collect();
        assert_eq!(implemented, ["csv", "jsonl", "ldif"]);
    }

    #[test]
    fn accepts_literal_strings_and_paths() {
        assert!(OptionType::String.accepts_literal(r#""a""#));
        assert!(OptionType::String.accepts_literal(r#""""#));
        assert!(OptionType::String.accepts_literal(r#""say \"hi\"\n\u{e9}""#));
        assert!(OptionType::String.accepts_literal(r#"  ";"  "#));
        assert!(!OptionType::String.accepts_literal("a"));
        assert!(!OptionType::String.accepts_literal(r#"""#));
        assert!(!OptionType::String.accepts_literal(r#""a"b""#));
        assert!(!OptionType::String.accepts_literal(r#""a\""#));
        assert!(!OptionType::String.accepts_literal(r#""\q""#));
        assert!(!OptionType::String.accepts_literal(r#""\u{110000}""#));
        assert!(OptionType::String.accepts_literal(r#"r"C:\data""#));
        assert!(!OptionType::String.accepts_literal("\"a\nb\""));
        assert!(!OptionType::String.accepts_literal(r#"r"a"b""#));
        assert!(OptionType::Path.accepts_literal(r#""data/hr.csv""#));
        assert!(!OptionType::Path.accepts_literal(r#""""#));
    }

    #[test]
    fn accepts_literal_urls_and_dns() {
        assert!(OptionType::Url.accepts_literal(r#""ldaps://dc1.example.org:636""#));
        assert!(OptionType::Url.accepts_literal(r#""postgres://db/hr""#));
        assert!(!OptionType::Url.accepts_literal(r#""dc1.example.org""#));
        assert!(!OptionType::Url.accepts_literal(r#""://x""#));
        assert!(!OptionType::Url.accepts_literal(r#""ldap://""#));
        assert!(OptionType::Dn.accepts_literal(r#""ou=people,dc=example,dc=org""#));
        assert!(OptionType::Dn.accepts_literal(r#""cn=Doe\\, John+uid=jd, ou=people""#));
        // `\,` is not a string escape: the backslash of a DN escape is written `\\` in a literal.
        assert!(!OptionType::Dn.accepts_literal(r#""cn=Doe\, John""#));
        assert!(OptionType::Dn.accepts_literal(r#""1.3.6.1.4.1.1466.0=#04024869""#));
        assert!(OptionType::Dn.accepts_literal(r#""""#));
        assert!(!OptionType::Dn.accepts_literal(r#""people""#));
        assert!(!OptionType::Dn.accepts_literal(r#""ou=people,""#));
        assert!(!OptionType::Dn.accepts_literal(r#""=x""#));
        assert!(!OptionType::Dn.accepts_literal("ou=people"));
    }

    #[test]
    fn accepts_literal_numbers_booleans_lists_choices() {
        assert!(OptionType::Integer.accepts_literal("500"));
        assert!(OptionType::Integer.accepts_literal("1_000"));
        assert!(!OptionType::Integer.accepts_literal("_1"));
        assert!(!OptionType::Integer.accepts_literal("-1"));
        assert!(!OptionType::Integer.accepts_literal("+1"));
        assert!(!OptionType::Integer.accepts_literal("1.5"));
        assert!(!OptionType::Integer.accepts_literal("99999999999999999999"));
        assert!(!OptionType::Integer.accepts_literal(r#""500""#));
        assert!(OptionType::Boolean.accepts_literal("true"));
        assert!(OptionType::Boolean.accepts_literal("false"));
        assert!(!OptionType::Boolean.accepts_literal("True"));
        assert!(!OptionType::Boolean.accepts_literal(r#""true""#));
        assert!(OptionType::StringList.accepts_literal("[]"));
        assert!(OptionType::StringList.accepts_literal(r#"["a", "b"]"#));
        assert!(OptionType::StringList.accepts_literal(r#"[ "a,\"]", "b", ]"#));
        assert!(OptionType::StringList.accepts_literal(r#"[r"C:\x", "b"]"#));
        assert!(!OptionType::StringList.accepts_literal(r#"["a" "b"]"#));
        assert!(!OptionType::StringList.accepts_literal(r#"["a", 1]"#));
        assert!(!OptionType::StringList.accepts_literal(r#"["a",, "b"]"#));
        assert!(!OptionType::StringList.accepts_literal(r#""a""#));
        let choice = OptionType::Choice(&["utf8", "latin1"]);
        assert!(choice.accepts_literal(r#""utf8""#));
        assert!(!choice.accepts_literal("utf8"));
        assert!(!choice.accepts_literal(r#""utf16""#));
        assert_eq!(choice.describe(), r#"one of "utf8", "latin1""#);
    }
}
