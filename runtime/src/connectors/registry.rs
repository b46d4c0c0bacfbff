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

static KINDS: &[KindSpec] = &[];
