//! The registry of diagnostic codes.
//!
//! A code, once released, keeps its meaning forever and is never reused: retire a code by
//! leaving its line here with `retired` in its title rather than deleting it. Each code has a
//! page at `docs/errors/<CODE>.md` (a failing example and the fix), embedded into the binary for
//! `metasync explain`; a test checks that every page exists and that its example produces the code.

use super::Severity;
use serde::{Serialize, Serializer};
use std::fmt;

macro_rules! codes {
    ($($variant:ident = $num:literal, $severity:ident, $slug:literal, $title:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u16)]
        pub enum Code {
            $(
                #[doc = $title]
                $variant = $num,
            )*
        }

        impl Code {
            /// Every code, in registry order.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            /// The code as written (`E0103`).
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => stringify!($variant),)* }
            }

            /// The default severity.
            pub fn severity(self) -> Severity {
                match self { $(Code::$variant => Severity::$severity,)* }
            }

            /// A short kebab-case name (`unknown-attribute`).
            pub fn slug(self) -> &'static str {
                match self { $(Code::$variant => $slug,)* }
            }

            /// One line describing the problem.
            pub fn title(self) -> &'static str {
                match self { $(Code::$variant => $title,)* }
            }

            /// The docs page (`docs/errors/<CODE>.md`), embedded at build time.
            pub fn page(self) -> &'static str {
                match self {
                    $(Code::$variant => include_str!(concat!("../../../docs/errors/", stringify!($variant), ".md")),)*
                }
            }
        }
    };
}

codes! {
    // Syntax.
    E0001 = 1, Error, "syntax-error", "the text does not follow the grammar";
    E0002 = 2, Error, "invalid-token", "a character or token that the language does not have";
    E0003 = 3, Error, "invalid-literal", "a literal that cannot be read (integer out of range, bad escape, bad datetime)";
    // Names.
    E0100 = 100, Error, "unknown-connector", "a connector name that is not declared";
    E0101 = 101, Error, "unknown-object-type", "an object type the connector does not declare";
    E0102 = 102, Error, "unknown-metaverse-type", "a metaverse object type that is not declared";
    E0103 = 103, Error, "unknown-attribute", "an attribute the object type does not declare";
    E0104 = 104, Error, "unknown-function", "a call to a function that does not exist";
    E0105 = 105, Error, "unknown-connector-kind", "a connector kind the registry does not have";
    E0106 = 106, Error, "unknown-option", "a configuration option the connector kind does not have";
    E0107 = 107, Error, "duplicate-definition", "a name defined twice";
    E0108 = 108, Error, "missing-option", "a required configuration option is not given";
    E0109 = 109, Error, "unknown-capability", "a capability the connector kind does not have";
    E0110 = 110, Error, "capability-not-overridable", "a capability the connector kind does not let a rule set change";
    // Types and rules.
    E0200 = 200, Error, "type-mismatch", "a value of the wrong type";
    E0201 = 201, Error, "optional-into-required", "a value that may be missing flows into a required attribute";
    E0202 = 202, Error, "flow-into-import-only", "an outbound flow writes an import-only attribute";
    E0203 = 203, Error, "read-export-only", "an inbound rule reads an export-only attribute";
    E0204 = 204, Error, "multi-valued-anchor", "an anchor declared multi-valued";
    E0205 = 205, Error, "required-not-provisioned", "a provisioning rule does not flow an attribute required on create";
    E0206 = 206, Error, "duplicate-flow", "two flows write the same attribute in one rule";
    E0207 = 207, Error, "equal-precedence", "two inbound rules flow the same metaverse attribute at the same precedence";
    E0208 = 208, Error, "wrong-reference-type", "a reference to an object type other than the one expected";
    E0209 = 209, Error, "wrong-arity", "a function called with too few or too many arguments";
    E0210 = 210, Error, "argument-type", "a function argument of the wrong type";
    E0211 = 211, Error, "multi-into-single", "a multi-valued value where a single value is expected";
    E0212 = 212, Error, "literal-secret", "a credential written into the rule set instead of read with `secret()`";
    E0213 = 213, Error, "option-type", "a configuration or capability value of the wrong type";
    E0214 = 214, Error, "invalid-regex", "a regular expression that does not compile";
    E0215 = 215, Error, "missing-anchor", "an object type without an anchor attribute";
    E0216 = 216, Error, "several-anchors", "an object type with more than one anchor attribute";
    E0217 = 217, Error, "merge-on-single-valued", "a merge policy on a single-valued attribute";
    E0218 = 218, Error, "misplaced-clause", "a clause that the kind of rule or flow it is in does not allow";
    E0219 = 219, Error, "missing-capability", "a run profile step the connector kind cannot perform";
    E0220 = 220, Error, "attribute-type-conflict", "one attribute name declared with two different types";
    E0221 = 221, Error, "missing-dn", "provisioning into a connector whose objects need a DN, without a DN expression";
    E0222 = 222, Error, "invalid-dn", "a distinguished name that cannot be parsed";
    E0223 = 223, Error, "missing-test-anchor", "a test object without a value for its anchor";
    E0224 = 224, Error, "empty-profile", "a run profile without steps";
    // Warnings.
    W0001 = 1001, Warning, "unused-connector", "a connector that no rule or profile uses";
    W0002 = 1002, Warning, "unused-object-type", "a connector object type that no rule uses";
    W0003 = 1003, Warning, "unused-metaverse-type", "a metaverse object type that no rule uses";
    W0004 = 1004, Warning, "unused-metaverse-attribute", "a metaverse attribute that nothing writes or reads";
    W0005 = 1005, Warning, "unreachable-rule", "a rule whose scope can never hold";
    W0006 = 1006, Warning, "never-flowed", "a metaverse attribute that rules read but no inbound flow writes";
}

impl Code {
    /// The code written as `E0103`, parsed (case-insensitive).
    pub fn parse(text: &str) -> Option<Code> {
        Code::ALL.iter().copied().find(|c| c.as_str().eq_ignore_ascii_case(text.trim()))
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
