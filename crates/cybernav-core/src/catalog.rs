//! Catalogs of controls that navigators assess election authorities against (Part 213.40).
//!
//! A catalog is data: CISA's Cross-Sector Cybersecurity Performance Goals and NIST CSF 2.0
//! ship with the product (public domain); the CIS Controls are imported from the state's own
//! licensed copy and never shipped; a state may load its own checklist in the same shape.
//!
//! The shape is two levels, which every catalog the field uses fits: *groups* (a CIS Control,
//! a CSF category, a CPG area) hold *items* (a CIS safeguard, a CSF subcategory, a CPG goal).
//! Items carry the properties scoring rolls up by: the lowest CIS Implementation Group that
//! includes the item, its asset type and its security function (Govern, Identify, Protect,
//! Detect, Respond, Recover). Ids are stable across versions of a catalog so answers and
//! findings can follow an item; `(id, version)` names one catalog exactly.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

/// A catalog of controls.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Catalog {
    /// Stable identifier, lower-case with dashes (`cisa-cpg`, `nist-csf`, `cis-controls`).
    pub id: String,
    /// The publisher's version (`2.0`, `8.1`).
    pub version: String,
    /// Title as the publisher gives it.
    pub title: String,
    /// Who publishes it (CISA, NIST, CIS, the state).
    pub publisher: String,
    /// Terms it may be used under, as people read them ("Public domain (U.S. government
    /// work)", "Licensed copy of the state; not redistributed").
    pub licence: String,
    /// Groups of items, in the publisher's order.
    pub groups: Vec<Group>,
}

/// A group of items: a CIS Control, a CSF category, a CPG area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Group {
    /// Stable identifier within the catalog (`1`, `GV.OC`, `account-security`).
    pub id: String,
    /// Title.
    pub title: String,
    /// The items, in order.
    pub items: Vec<Item>,
}

/// One assessable item: a CIS safeguard, a CSF subcategory, a CPG goal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Stable identifier within the catalog (`1.1`, `PR.AA-01`, `1.A`).
    pub id: String,
    /// Short title.
    pub title: String,
    /// Longer text; may be empty.
    #[serde(default)]
    pub description: String,
    /// For CIS-shaped catalogs: the lowest Implementation Group (1, 2 or 3) that includes the
    /// item. `None` means the item applies whatever the scope.
    #[serde(default)]
    pub implementation_group: Option<u8>,
    /// The kind of asset the item protects (Devices, Software, Data, Users, Network,
    /// Documentation), where the catalog says.
    #[serde(default)]
    pub asset_type: Option<String>,
    /// The security function (Govern, Identify, Protect, Detect, Respond, Recover).
    #[serde(default)]
    pub security_function: Option<String>,
}

/// A problem with a catalog's structure, naming the group or item it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogProblem {
    /// Where: `catalog`, `group 3`, `item 3.4`.
    pub at: String,
    /// What is wrong, in words.
    pub message: String,
}

impl std::fmt::Display for CatalogProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.message)
    }
}

/// The security functions items may name (CSF 2.0 and CIS Controls v8.1).
pub const SECURITY_FUNCTIONS: [&str; 6] = [
    "Govern", "Identify", "Protect", "Detect", "Respond", "Recover",
];

impl Catalog {
    /// Every item, in catalog order, with its group.
    pub fn items(&self) -> impl Iterator<Item = (&Group, &Item)> {
        self.groups
            .iter()
            .flat_map(|g| g.items.iter().map(move |i| (g, i)))
    }

    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<(&Group, &Item)> {
        self.items().find(|(_, i)| i.id == id)
    }

    /// Number of items.
    pub fn len(&self) -> usize {
        self.groups.iter().map(|g| g.items.len()).sum()
    }

    /// True when the catalog has no items.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when any item names an Implementation Group, so a scope (IG1–IG3) applies.
    pub fn has_implementation_groups(&self) -> bool {
        self.items().any(|(_, i)| i.implementation_group.is_some())
    }

    /// Checks the structure: ids present and unique, Implementation Groups 1–3, security
    /// functions from [`SECURITY_FUNCTIONS`], at least one item. Every problem is listed.
    pub fn check(&self) -> Result<(), Vec<CatalogProblem>> {
        let mut problems = Vec::new();
        let mut at = |at: String, message: String| problems.push(CatalogProblem { at, message });
        if !is_slug(&self.id) {
            at(
                "catalog".into(),
                format!(
                    "id '{}' must be lower-case letters, digits and dashes",
                    self.id
                ),
            );
        }
        if self.version.trim().is_empty() {
            at("catalog".into(), "version is empty".into());
        }
        if self.title.trim().is_empty() {
            at("catalog".into(), "title is empty".into());
        }
        let mut group_ids = BTreeSet::new();
        let mut item_ids = BTreeSet::new();
        for (gi, g) in self.groups.iter().enumerate() {
            let where_g = if g.id.trim().is_empty() {
                format!("group #{}", gi + 1)
            } else {
                format!("group {}", g.id)
            };
            if g.id.trim().is_empty() {
                at(where_g.clone(), "id is empty".into());
            } else if !group_ids.insert(g.id.as_str()) {
                at(where_g.clone(), "the same group id appears twice".into());
            }
            if g.title.trim().is_empty() {
                at(where_g.clone(), "title is empty".into());
            }
            if g.items.is_empty() {
                at(where_g.clone(), "holds no items".into());
            }
            for (ii, i) in g.items.iter().enumerate() {
                let where_i = if i.id.trim().is_empty() {
                    format!("{where_g}, item #{}", ii + 1)
                } else {
                    format!("item {}", i.id)
                };
                if i.id.trim().is_empty() {
                    at(where_i.clone(), "id is empty".into());
                } else if !item_ids.insert(i.id.as_str()) {
                    at(where_i.clone(), "the same item id appears twice".into());
                }
                if i.title.trim().is_empty() {
                    at(where_i.clone(), "title is empty".into());
                }
                if let Some(ig) = i.implementation_group
                    && !(1..=3).contains(&ig)
                {
                    at(
                        where_i.clone(),
                        format!("implementation group {ig} is not 1, 2 or 3"),
                    );
                }
                if let Some(f) = &i.security_function
                    && !SECURITY_FUNCTIONS.contains(&f.as_str())
                {
                    at(
                        where_i.clone(),
                        format!(
                            "security function '{f}' is not one of {}",
                            SECURITY_FUNCTIONS.join(", ")
                        ),
                    );
                }
            }
        }
        if self.groups.iter().all(|g| g.items.is_empty()) {
            at("catalog".into(), "holds no items".into());
        }
        if problems.is_empty() {
            Ok(())
        } else {
            Err(problems)
        }
    }
}

/// True for a lower-case identifier of letters, digits and dashes.
fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// An item of one catalog version, named across catalogs. The version matters: item ids are
/// the publisher's and a publisher may give an old id to a new item (`1.A` is Asset Inventory in
/// CPG 1.0.1 and Establish Cybersecurity Responsibilities in CPG 2.0).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ItemRef {
    /// The catalog id.
    pub catalog: String,
    /// The catalog version.
    pub version: String,
    /// The item id within it.
    pub item: String,
}

/// How two items of different catalogs relate (the OLIR/STRM words NIST uses).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relationship {
    /// The two say the same thing.
    Equivalent,
    /// `from` is a part of `to`.
    SubsetOf,
    /// `from` covers `to` and more.
    SupersetOf,
    /// They overlap.
    Intersects,
    /// Related, without a stronger claim.
    Related,
}

/// A link from an item of one catalog version to an item of another (a CPG goal relates to a
/// CIS safeguard or a CSF subcategory; a CPG 1.0.1 goal to its CPG 2.0 successor). Mappings are
/// data, loaded like catalogs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mapping {
    /// The item mapped from.
    pub from: ItemRef,
    /// The item mapped to.
    pub to: ItemRef,
    /// How they relate.
    pub relationship: Relationship,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: &str, ig: Option<u8>) -> Item {
        Item {
            id: id.into(),
            title: format!("Item {id}"),
            description: String::new(),
            implementation_group: ig,
            asset_type: None,
            security_function: Some("Protect".into()),
        }
    }

    fn catalog(groups: Vec<Group>) -> Catalog {
        Catalog {
            id: "test-catalog".into(),
            version: "1.0".into(),
            title: "Test".into(),
            publisher: "Tests".into(),
            licence: "Written for the tests".into(),
            groups,
        }
    }

    #[test]
    fn a_well_formed_catalog_passes_and_counts_its_items() {
        let c = catalog(vec![
            Group {
                id: "1".into(),
                title: "One".into(),
                items: vec![item("1.1", Some(1)), item("1.2", Some(2))],
            },
            Group {
                id: "2".into(),
                title: "Two".into(),
                items: vec![item("2.1", None)],
            },
        ]);
        assert_eq!(c.check(), Ok(()));
        assert_eq!(c.len(), 3);
        assert!(c.has_implementation_groups());
        assert_eq!(c.item("1.2").unwrap().0.id, "1");
    }

    #[test]
    fn every_problem_is_named_by_where_it_is() {
        let mut bad = item("1.1", Some(4));
        bad.security_function = Some("Protection".into());
        let c = catalog(vec![
            Group {
                id: "1".into(),
                title: "One".into(),
                items: vec![bad, item("1.1", None)],
            },
            Group {
                id: "1".into(),
                title: String::new(),
                items: vec![],
            },
        ]);
        let problems = c.check().unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(text.contains(&"item 1.1: implementation group 4 is not 1, 2 or 3".to_string()));
        assert!(
            text.iter()
                .any(|t| t.starts_with("item 1.1: security function 'Protection'"))
        );
        assert!(text.contains(&"item 1.1: the same item id appears twice".to_string()));
        assert!(text.contains(&"group 1: the same group id appears twice".to_string()));
        assert!(text.contains(&"group 1: title is empty".to_string()));
        assert!(text.contains(&"group 1: holds no items".to_string()));
    }
}
