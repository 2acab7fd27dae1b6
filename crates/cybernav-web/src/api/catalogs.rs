//! Links between catalogs over the API: every mapping out of and into one catalog version, with
//! the other catalog's item titles (CPG 2.0 goals to CSF 2.0 subcategories, CPG 1.0.1 goals to
//! their 2.0 successors). The list of catalogs and one catalog's items are in
//! [`super::assessments`]. Mappings are data: docs/CATALOGS.md.

use axum::Json;
use axum::extract::State;
use cybernav_app::catalogs::{CatalogLink, Direction};
use serde::Serialize;
use utoipa::ToSchema;

use super::assessments::{CatalogItem, CatalogPath};
use super::extract::ApiPath;
use super::pagination::PageMeta;
use crate::AppState;
use crate::auth::ApiCaller;
use crate::error::{ApiError, ApiErrorBody};

/// One end of a link: an item of a catalog version.
#[derive(Debug, Serialize, ToSchema)]
pub struct LinkEnd {
    /// Catalog id (`nist-csf`).
    pub catalog: String,
    /// Catalog version (`2.0`).
    pub version: String,
    /// The catalog's title; null when that catalog version is not loaded.
    pub catalog_title: Option<String>,
    /// Item id (`PR.AA-03`).
    pub item: String,
    /// The item's title; null when the catalog version is not loaded or has no such item.
    pub title: Option<String>,
}

/// A link between an item of this catalog version and an item of another catalog or version.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogMappingLink {
    /// `out` when the mapping runs from this catalog's item, `in` when it runs to it.
    pub direction: String,
    /// This catalog's item.
    pub item: LinkEnd,
    /// The item at the other end.
    pub other: LinkEnd,
    /// How the mapping's `from` item relates to its `to` item: `equivalent`, `subset_of`,
    /// `superset_of`, `intersects` or `related`. For an `in` link, `from` is the other item.
    pub relationship: String,
}

/// Every link out of and into one catalog version.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogMappings {
    /// The catalog version asked about.
    pub catalog: CatalogItem,
    /// In the catalog's item order; for one item, links out before links in.
    pub mappings: Vec<CatalogMappingLink>,
    /// How many.
    pub meta: PageMeta,
}

fn link(catalog: &CatalogItem, l: CatalogLink) -> CatalogMappingLink {
    CatalogMappingLink {
        direction: match l.direction {
            Direction::Out => "out",
            Direction::In => "in",
        }
        .into(),
        item: LinkEnd {
            catalog: catalog.id.clone(),
            version: catalog.version.clone(),
            catalog_title: Some(catalog.title.clone()),
            item: l.item,
            title: l.item_title,
        },
        other: LinkEnd {
            catalog: l.other_catalog,
            version: l.other_version,
            catalog_title: l.other_catalog_title,
            item: l.other_item,
            title: l.other_item_title,
        },
        relationship: l.relationship,
    }
}

/// List a catalog version's mappings.
///
/// Everyone but partners (as for reading catalogs). Every link out of and into the catalog
/// version, with the titles of the items at both ends.
#[utoipa::path(
    get,
    path = "/api/v1/catalogs/{id}/versions/{version}/mappings",
    tag = "assessments",
    params(CatalogPath),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The links out of and into the catalog version", body = CatalogMappings),
        (status = 401, description = "No valid API token", body = ApiErrorBody),
        (status = 403, description = "The role may not read catalogs", body = ApiErrorBody),
        (status = 404, description = "No such catalog version is loaded", body = ApiErrorBody),
    )
)]
pub async fn list_catalog_mappings(
    caller: ApiCaller,
    State(state): State<AppState>,
    ApiPath(CatalogPath { id, version }): ApiPath<CatalogPath>,
) -> Result<Json<CatalogMappings>, ApiError> {
    let reader = caller.0.read_catalogs().ok_or_else(ApiError::forbidden)?;
    let found = state.app.catalog_mappings(&reader, &id, &version).await?;
    let catalog: CatalogItem = found.row.into();
    let mappings: Vec<CatalogMappingLink> =
        found.links.into_iter().map(|l| link(&catalog, l)).collect();
    Ok(Json(CatalogMappings {
        meta: PageMeta::whole(mappings.len()),
        catalog,
        mappings,
    }))
}
