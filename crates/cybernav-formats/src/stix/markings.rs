//! STIX marking definitions and how an object's `object_marking_refs` become a
//! [`Marking`](cybernav_core::sharing::Marking).
//!
//! Recognised: the well-known TLP 1.0 and TLP 2.0 marking-definition ids (no definition object
//! needed); `definition_type: "tlp"` with `definition.tlp` (STIX 2.0 and 2.1 TLP 1.0); TLP 2.0
//! `extensions.*.tlp_2_0`; `definition_type: "statement"`; and ACS 3.0 markings (CISA's AIS
//! feed), whose `formal_determination` list carries `FOUO` (our FOUO caveat) wherever it
//! appears in the definition or an extension.

use std::collections::HashMap;

use cybernav_core::sharing::{Caveat, Caveats, Marking, Tlp};
use serde_json::Value;

/// What one marking definition says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MarkingMeaning {
    /// Its TLP level, if it is a TLP marking.
    pub tlp: Option<Tlp>,
    /// The caveats it carries (FOUO from ACS `formal_determination`).
    pub caveats: Caveats,
    /// A copyright or terms statement, kept to show beside the item.
    pub statement: Option<String>,
}

/// How deep we look into a definition for `formal_determination`.
const MAX_SCAN_DEPTH: usize = 8;

fn formal_determinations(v: &Value, depth: usize, out: &mut Caveats) {
    if depth > MAX_SCAN_DEPTH {
        return;
    }
    match v {
        Value::Object(map) => {
            for (k, val) in map {
                if k.eq_ignore_ascii_case("formal_determination") {
                    let items: Vec<&Value> = match val {
                        Value::Array(a) => a.iter().collect(),
                        other => vec![other],
                    };
                    for item in items {
                        if let Some(s) = item.as_str() {
                            // Other determinations (PUBREL, INFORMATION-DIRECTLY-RELATED-TO-
                            // CYBERSECURITY-THREAT, AI) permit rather than restrict.
                            if let Ok(c @ (Caveat::Fouo | Caveat::Cui)) = Caveat::parse(s) {
                                out.insert(c);
                            }
                        }
                    }
                } else {
                    formal_determinations(val, depth + 1, out);
                }
            }
        }
        Value::Array(a) => {
            for item in a {
                formal_determinations(item, depth + 1, out);
            }
        }
        _ => {}
    }
}

/// Works out what a marking definition means from its id, `definition_type`, `definition` and
/// `extensions` (the latter two as parsed JSON, `Null` when absent).
pub fn interpret_marking(
    id: &str,
    name: Option<&str>,
    definition_type: Option<&str>,
    definition: &Value,
    extensions: &Value,
) -> MarkingMeaning {
    let mut m = MarkingMeaning {
        tlp: Tlp::from_stix_id(id),
        ..MarkingMeaning::default()
    };
    match definition_type {
        Some("tlp") | Some("ais") => {
            if let Some(t) = definition.get("tlp").and_then(Value::as_str) {
                m.tlp = m.tlp.or_else(|| Tlp::parse(t).ok());
            }
        }
        Some("statement") => {
            m.statement = definition
                .get("statement")
                .and_then(Value::as_str)
                .map(str::to_string);
        }
        _ => {}
    }
    if let Value::Object(exts) = extensions {
        for ext in exts.values() {
            if let Some(t) = ext.get("tlp_2_0").and_then(Value::as_str) {
                m.tlp = m.tlp.or_else(|| Tlp::parse(t).ok());
            }
        }
    }
    // A TLP 2.0 definition without the extension still names itself `TLP:GREEN`.
    if m.tlp.is_none()
        && definition_type.is_none()
        && let Some(n) = name
        && n.trim().to_ascii_uppercase().starts_with("TLP:")
    {
        m.tlp = Tlp::parse(n).ok();
    }
    formal_determinations(definition, 0, &mut m.caveats);
    formal_determinations(extensions, 0, &mut m.caveats);
    m
}

/// An object's markings once its references are looked up.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ResolvedMarking {
    /// The most restrictive TLP level referenced; `None` when no reference is a TLP marking.
    pub tlp: Option<Tlp>,
    /// Every caveat referenced.
    pub caveats: Caveats,
    /// Statements referenced.
    pub statements: Vec<String>,
    /// References to marking definitions neither well known nor seen in the bundle.
    pub unknown_refs: Vec<String>,
}

impl ResolvedMarking {
    /// The marking to store: the referenced TLP level, or `default_tlp` (the source's level,
    /// set when the feed was registered) when the object names none.
    pub fn into_marking(self, default_tlp: Tlp) -> Marking {
        let mut m = Marking::tlp(self.tlp.unwrap_or(default_tlp));
        m.caveats = self.caveats;
        m
    }
}

/// The marking definitions of one bundle (or feed), to resolve references against. The
/// well-known TLP ids resolve without being added.
#[derive(Debug, Clone, Default)]
pub struct MarkingTable {
    known: HashMap<String, MarkingMeaning>,
}

impl MarkingTable {
    /// An empty table.
    pub fn new() -> MarkingTable {
        MarkingTable::default()
    }

    /// Adds (or replaces) a definition.
    pub fn add(&mut self, id: &str, meaning: MarkingMeaning) {
        self.known.insert(id.to_string(), meaning);
    }

    /// Whether `id` is defined in the table.
    pub fn contains(&self, id: &str) -> bool {
        self.known.contains_key(id)
    }

    /// Adds every definition of `later`, a table of a later part of the same bundle (its
    /// definitions replace ones of the same id, as they would read in order).
    pub fn merge(&mut self, later: MarkingTable) {
        self.known.extend(later.known);
    }

    /// Looks up every reference and combines them (granular markings count for the whole
    /// object: a part marked FOUO makes the object FOUO).
    pub fn resolve<'r>(&self, refs: impl IntoIterator<Item = &'r str>) -> ResolvedMarking {
        let mut out = ResolvedMarking::default();
        for r in refs {
            let meaning = match self.known.get(r) {
                Some(m) => m.clone(),
                None => match Tlp::from_stix_id(r) {
                    Some(t) => MarkingMeaning {
                        tlp: Some(t),
                        ..MarkingMeaning::default()
                    },
                    None => {
                        out.unknown_refs.push(r.to_string());
                        continue;
                    }
                },
            };
            if let Some(t) = meaning.tlp {
                out.tlp = Some(out.tlp.map_or(t, |o| o.max(t)));
            }
            out.caveats.extend(meaning.caveats);
            if let Some(s) = meaning.statement
                && !out.statements.contains(&s)
            {
                out.statements.push(s);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn acs_formal_determination_fouo_is_a_caveat() {
        let ext = json!({
            "extension-definition--3a65884d-005a-4290-8335-cb2d778a83ce": {
                "extension_type": "property-extension",
                "identifier": "isa:guide.19001.ACS-3.0-Ex-1",
                "formal_determination": ["FOUO", "INFORMATION-DIRECTLY-RELATED-TO-CYBERSECURITY-THREAT"]
            }
        });
        let m = interpret_marking("marking-definition--x", None, None, &Value::Null, &ext);
        assert!(m.caveats.contains(&Caveat::Fouo));
        assert_eq!(m.tlp, None);
    }

    #[test]
    fn tlp_in_every_shape() {
        let d = json!({"tlp": "white"});
        assert_eq!(
            interpret_marking("marking-definition--y", None, Some("tlp"), &d, &Value::Null).tlp,
            Some(Tlp::Clear)
        );
        let ext = json!({"extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d": {"tlp_2_0": "amber+strict"}});
        assert_eq!(
            interpret_marking("marking-definition--z", None, None, &Value::Null, &ext).tlp,
            Some(Tlp::AmberStrict)
        );
        let mut t = MarkingTable::new();
        t.add(
            "marking-definition--fouo",
            MarkingMeaning {
                caveats: [Caveat::Fouo].into_iter().collect(),
                ..MarkingMeaning::default()
            },
        );
        let r = t.resolve([
            Tlp::Green.stix_id(),
            Tlp::Amber.stix_tlp1_id(),
            "marking-definition--fouo",
            "marking-definition--nobody-knows",
        ]);
        assert_eq!(r.tlp, Some(Tlp::Amber));
        assert!(r.caveats.contains(&Caveat::Fouo));
        assert_eq!(r.unknown_refs, ["marking-definition--nobody-knows"]);
        assert_eq!(r.into_marking(Tlp::Green).label(), "TLP:AMBER FOUO");
    }
}
