//! Reading the links between catalogs: every mapping out of and into one catalog version, with
//! the titles of the items at both ends (docs/CATALOGS.md, "Mapping files"). Loading catalogs
//! and mappings is in [`crate::assessments`].

use std::collections::HashMap;

use cybernav_core::authz::CatalogReader;
use cybernav_core::catalog::Catalog;
use cybernav_store::assessments::{CatalogRow, MappingRow};
use serde::Serialize;

use crate::assessments::parse_catalog;
use crate::{App, AppError, AppResult};

/// Which way a link runs, seen from the catalog asked about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// From an item of this catalog to an item of another.
    Out,
    /// From an item of another catalog to an item of this one.
    In,
}

/// One link of a catalog version's item to an item of another catalog (or another version).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogLink {
    /// Which way the mapping runs.
    pub direction: Direction,
    /// This catalog's item id.
    pub item: String,
    /// Its title; `None` when the mapping names an id the catalog does not hold.
    pub item_title: Option<String>,
    /// The other end's catalog id.
    pub other_catalog: String,
    /// The other end's catalog version.
    pub other_version: String,
    /// The other catalog's title; `None` when that version is not loaded.
    pub other_catalog_title: Option<String>,
    /// The other end's item id.
    pub other_item: String,
    /// Its title; `None` when that catalog version is not loaded or does not hold the id.
    pub other_item_title: Option<String>,
    /// The relationship as the mapping states it, from its `from` item to its `to` item
    /// (`equivalent`, `subset_of`, `superset_of`, `intersects`, `related`).
    pub relationship: String,
}

/// A catalog version with every link out of and into it.
#[derive(Debug, Clone)]
pub struct CatalogMappings {
    /// The catalog as stored.
    pub row: CatalogRow,
    /// Its groups and items.
    pub catalog: Catalog,
    /// The links, in the catalog's item order; for one item, links out before links in, then
    /// by the other catalog, version and item order.
    pub links: Vec<CatalogLink>,
}

impl CatalogMappings {
    /// The links of one item.
    pub fn of_item<'a>(&'a self, item: &'a str) -> impl Iterator<Item = &'a CatalogLink> + 'a {
        self.links.iter().filter(move |l| l.item == item)
    }
}

/// Where an item stands in its catalog, to sort by; items not in it sort last.
fn position(catalog: Option<&Catalog>, item: &str) -> usize {
    catalog
        .and_then(|c| c.items().position(|(_, i)| i.id == item))
        .unwrap_or(usize::MAX)
}

fn title(catalog: Option<&Catalog>, item: &str) -> Option<String> {
    catalog
        .and_then(|c| c.item(item))
        .map(|(_, i)| i.title.clone())
}

impl App {
    /// Every mapping out of and into the catalog `id` version `version`, with the titles of
    /// both ends. Not found when that version is not loaded.
    pub async fn catalog_mappings(
        &self,
        _reader: &CatalogReader<'_>,
        id: &str,
        version: &str,
    ) -> AppResult<CatalogMappings> {
        let mut tx = self.store.read().await?;
        let row = tx
            .find_catalog(id, version)
            .await?
            .ok_or(AppError::NotFound)?;
        let catalog = parse_catalog(&row)?;
        let rows: Vec<MappingRow> = tx.list_mappings_of(id, version).await?;
        let mut others: HashMap<(String, String), Option<(String, Catalog)>> = HashMap::new();
        for r in &rows {
            let out = r.from_catalog == id && r.from_version == version;
            let key = if out {
                (r.to_catalog.clone(), r.to_version.clone())
            } else {
                (r.from_catalog.clone(), r.from_version.clone())
            };
            if (key.0 == id && key.1 == version) || others.contains_key(&key) {
                continue;
            }
            let found = match tx.find_catalog(&key.0, &key.1).await? {
                Some(other) => Some((other.title.clone(), parse_catalog(&other)?)),
                None => None,
            };
            others.insert(key, found);
        }
        let mut keyed = Vec::with_capacity(rows.len());
        for r in rows {
            let out = r.from_catalog == id && r.from_version == version;
            let (direction, item, other_catalog, other_version, other_item) = if out {
                (
                    Direction::Out,
                    r.from_item,
                    r.to_catalog,
                    r.to_version,
                    r.to_item,
                )
            } else {
                (
                    Direction::In,
                    r.to_item,
                    r.from_catalog,
                    r.from_version,
                    r.from_item,
                )
            };
            let other: Option<(&String, &Catalog)> =
                if other_catalog == id && other_version == version {
                    Some((&row.title, &catalog))
                } else {
                    others
                        .get(&(other_catalog.clone(), other_version.clone()))
                        .and_then(Option::as_ref)
                        .map(|(t, c)| (t, c))
                };
            let other_cat = other.map(|(_, c)| c);
            let sort = (
                position(Some(&catalog), &item),
                direction,
                other_catalog.clone(),
                other_version.clone(),
                position(other_cat, &other_item),
                other_item.clone(),
            );
            keyed.push((
                sort,
                CatalogLink {
                    direction,
                    item_title: title(Some(&catalog), &item),
                    item,
                    other_catalog_title: other.map(|(t, _)| t.clone()),
                    other_item_title: title(other_cat, &other_item),
                    other_catalog,
                    other_version,
                    other_item,
                    relationship: r.relationship,
                },
            ));
        }
        keyed.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(CatalogMappings {
            row,
            catalog,
            links: keyed.into_iter().map(|(_, l)| l).collect(),
        })
    }
}
