//! E-mail addresses, parsed once at the edge.

use serde::{Deserialize, Serialize};

/// A syntactically plausible e-mail address, stored lower-cased.
///
/// Deliberately simple (one `@`, a dotted domain, no spaces): the real check is the invitation
/// link that must be opened from the mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Parses and normalises an address.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let s = raw.trim().to_lowercase();
        if s.is_empty() {
            return Err("is required".into());
        }
        if s.len() > 254 {
            return Err("must be at most 254 characters".into());
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err(format!("'{s}' is not an e-mail address (no @)"));
        };
        let bad = |c: char| c.is_whitespace() || c.is_control() || "<>()[],;:\\\"".contains(c);
        if local.is_empty()
            || domain.contains('@')
            || local.chars().any(bad)
            || domain.chars().any(bad)
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(format!("'{s}' is not an e-mail address"));
        }
        Ok(Self(s))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = String;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl std::fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_lowercases() {
        assert_eq!(
            EmailAddress::parse(" Clerk@Adams.IL.us ").unwrap().as_str(),
            "clerk@adams.il.us"
        );
    }

    #[test]
    fn rejects_junk() {
        for bad in [
            "", "no-at", "a@b", "a@@b.c", "a b@c.d", "@c.d", "a@.c", "a@c.", "<x>@y.z",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad}");
        }
    }
}
