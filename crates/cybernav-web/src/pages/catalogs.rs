//! One catalog version as a page: its groups and items, and for each item what it is "Related
//! in other catalogs" (a CPG 2.0 goal shows its CSF 2.0 subcategories and the CPG 1.0.1 goal it
//! carries on). The list of catalogs is in [`super::assessments`]; mappings: docs/CATALOGS.md.

use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use cybernav_app::AppError;
use cybernav_app::catalogs::{CatalogLink, Direction};

use crate::AppState;
use crate::auth::SignedIn;
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new().route("/catalogs/{id}/versions/{version}", get(catalog_page))
}

/// How the other item stands to this one, in words, from this item's side.
fn relation_words(direction: Direction, relationship: &str) -> &'static str {
    match (direction, relationship) {
        (_, "equivalent") => "the same practice",
        (Direction::Out, "subset_of") | (Direction::In, "superset_of") => {
            "this item is one part of it"
        }
        (Direction::Out, "superset_of") | (Direction::In, "subset_of") => {
            "it is one part of this item"
        }
        (_, "intersects") => "overlaps with this item",
        _ => "related",
    }
}

/// Percent-encodes a path segment or fragment (ids and versions are the publisher's text).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// One related item, ready to show.
struct Related {
    catalog: String,
    /// Where the other catalog's page is, when that version is loaded.
    href: Option<String>,
    item: String,
    title: String,
    relation: &'static str,
}

impl Related {
    fn from_link(l: &CatalogLink) -> Self {
        Related {
            catalog: format!(
                "{} {}",
                l.other_catalog_title.as_deref().unwrap_or(&l.other_catalog),
                l.other_version
            ),
            href: l.other_catalog_title.as_ref().map(|_| {
                format!(
                    "/catalogs/{}/versions/{}#item-{}",
                    encode(&l.other_catalog),
                    encode(&l.other_version),
                    encode(&l.other_item)
                )
            }),
            item: l.other_item.clone(),
            title: l
                .other_item_title
                .clone()
                .unwrap_or_else(|| "(not in the loaded catalog)".into()),
            relation: relation_words(l.direction, &l.relationship),
        }
    }
}

struct ItemRow {
    id: String,
    title: String,
    description: String,
    function: String,
    related: Vec<Related>,
}

struct GroupRows {
    id: String,
    title: String,
    items: Vec<ItemRow>,
}

#[derive(Template)]
#[template(path = "catalogs/show.html")]
struct CatalogPage {
    layout: Layout,
    id: String,
    version: String,
    title: String,
    publisher: String,
    licence: String,
    items: i64,
    links: usize,
    groups: Vec<GroupRows>,
}

/// `GET /catalogs/{id}/versions/{version}`.
async fn catalog_page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    Path((id, version)): Path<(String, String)>,
) -> Result<Response, PageError> {
    let reader = session.actor.read_catalogs().ok_or(AppError::Forbidden)?;
    let found = state.app.catalog_mappings(&reader, &id, &version).await?;
    let groups = found
        .catalog
        .groups
        .iter()
        .map(|g| GroupRows {
            id: g.id.clone(),
            title: g.title.clone(),
            items: g
                .items
                .iter()
                .map(|i| ItemRow {
                    id: i.id.clone(),
                    title: i.title.clone(),
                    description: i.description.clone(),
                    function: i.security_function.clone().unwrap_or_default(),
                    related: found.of_item(&i.id).map(Related::from_link).collect(),
                })
                .collect(),
        })
        .collect();
    let page_title = format!("{} {}", found.row.title, found.row.version);
    Ok(render(&CatalogPage {
        layout: ctx.layout(page_title, Some(&session)),
        id: found.row.id,
        version: found.row.version,
        title: found.row.title,
        publisher: found.row.publisher,
        licence: found.row.licence,
        items: found.row.item_count,
        links: found.links.len(),
        groups,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relationships_read_from_the_item_shown() {
        assert_eq!(
            relation_words(Direction::Out, "subset_of"),
            "this item is one part of it"
        );
        assert_eq!(
            relation_words(Direction::In, "subset_of"),
            "it is one part of this item"
        );
        assert_eq!(
            relation_words(Direction::In, "equivalent"),
            "the same practice"
        );
        assert_eq!(relation_words(Direction::Out, "related"), "related");
    }
}
