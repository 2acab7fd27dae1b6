//! The registry as CSV files: importing a spreadsheet of election authorities or contacts
//! (Board and Program Manager), and exporting what the person may see.
//!
//! Uploads are `multipart/form-data`; the CSRF middleware reads only urlencoded bodies, so
//! the upload form carries its token in the action's query string (`?csrf=…`).

use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartError;
use axum::extract::{Multipart, RawQuery, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::registry_io::{AUTHORITY_COLUMNS, CONTACT_COLUMNS, ImportSummary, MAX_ROWS};
use cybernav_core::FieldErrors;
use time::OffsetDateTime;

use super::{manager, query_pairs, query_value, reader};
use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, form_errors, unprocessable};

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/election-authorities/import",
            get(import_page).post(import),
        )
        .route("/election-authorities/export.csv", get(export_authorities))
        .route("/election-authorities/contacts.csv", get(export_contacts))
}

/// The two kinds of file, as the form's `kind` values.
const AUTHORITIES: &str = "authorities";
const CONTACTS: &str = "contacts";

/// One problem inside the uploaded file.
#[derive(Debug, Clone)]
struct FileProblem {
    /// "Line 4, column fips_code".
    place: String,
    message: String,
}

/// What a finished import did, from the redirect's query string.
#[derive(Debug, Clone)]
struct SummaryView {
    what: &'static str,
    created: usize,
    updated: usize,
    unchanged: usize,
}

#[derive(Template)]
#[template(path = "authorities/import.html")]
struct ImportPage {
    layout: Layout,
    kind: String,
    errors: Vec<FormError>,
    problems: Vec<FileProblem>,
    summary: Option<SummaryView>,
    authority_columns: String,
    contact_columns: String,
    max_rows: usize,
    max_megabytes: usize,
}

impl ImportPage {
    fn new(ctx: &PageCtx, session: &SessionInfo, kind: &str) -> Self {
        ImportPage {
            layout: ctx.layout("Import election authorities or contacts", Some(session)),
            kind: if kind == CONTACTS {
                CONTACTS
            } else {
                AUTHORITIES
            }
            .to_string(),
            errors: Vec::new(),
            problems: Vec::new(),
            summary: None,
            authority_columns: AUTHORITY_COLUMNS.join(","),
            contact_columns: CONTACT_COLUMNS.join(","),
            max_rows: MAX_ROWS,
            max_megabytes: crate::BODY_LIMIT / (1024 * 1024),
        }
    }
}

impl ImportPage {
    /// The problem with the file field, if any.
    fn file_error(&self) -> Option<&str> {
        crate::pages::error_for(&self.errors, "file")
    }
}

/// Reads the summary of a finished import from `?file=&created=&updated=&unchanged=`.
fn summary_from_query(raw: Option<&str>) -> Option<SummaryView> {
    let pairs = query_pairs(raw);
    let number = |key: &str| query_value(&pairs, key).parse::<usize>().ok();
    let what = match query_value(&pairs, "file").as_str() {
        AUTHORITIES => "election authorities",
        CONTACTS => "contacts",
        _ => return None,
    };
    Some(SummaryView {
        what,
        created: number("created")?,
        updated: number("updated")?,
        unchanged: number("unchanged")?,
    })
}

/// `GET /election-authorities/import`.
async fn import_page(
    ctx: PageCtx,
    SignedIn(session): SignedIn,
    RawQuery(raw): RawQuery,
) -> Result<Response, PageError> {
    manager(&session.actor)?;
    let summary = summary_from_query(raw.as_deref());
    let kind = if summary.as_ref().is_some_and(|s| s.what == "contacts") {
        CONTACTS
    } else {
        AUTHORITIES
    };
    let mut page = ImportPage::new(&ctx, &session, kind);
    page.summary = summary;
    Ok(render(&page))
}

/// The form's fields, once read.
#[derive(Debug, Default)]
struct Upload {
    kind: String,
    bytes: Vec<u8>,
}

/// What to tell the person when the upload itself failed.
fn upload_failed(e: &MultipartError) -> String {
    if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
        format!(
            "The file is larger than {} MB; split it into smaller files",
            crate::BODY_LIMIT / (1024 * 1024)
        )
    } else {
        "The file did not arrive whole; choose it again and upload it once more".to_string()
    }
}

/// Reads the `kind` and `file` fields of the upload.
async fn read_upload(mut multipart: Multipart) -> Result<Upload, String> {
    let mut upload = Upload::default();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| upload_failed(&e))?
    {
        match field.name() {
            Some("kind") => upload.kind = field.text().await.map_err(|e| upload_failed(&e))?,
            Some("file") => {
                upload.bytes = field.bytes().await.map_err(|e| upload_failed(&e))?.to_vec()
            }
            _ => {}
        }
    }
    Ok(upload)
}

/// The problems with the form itself (before the file is read).
fn check_upload(upload: &Upload) -> Result<(), AppError> {
    let mut errors = FieldErrors::new();
    if upload.kind != AUTHORITIES && upload.kind != CONTACTS {
        errors.add(
            "kind",
            "Choose what the file holds: election authorities or contacts",
        );
    }
    if upload.bytes.is_empty() {
        errors.add("file", "Choose a CSV file to upload");
    }
    errors.into_result(|| ()).map_err(AppError::Invalid)
}

/// `POST /election-authorities/import` (multipart: `kind`, `file`).
async fn import(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    multipart: Multipart,
) -> Result<Response, PageError> {
    let cap = manager(&session.actor)?;
    let upload = match read_upload(multipart).await {
        Ok(upload) => upload,
        Err(message) => {
            return failed_import(&ctx, &session, "", AppError::invalid("file", message));
        }
    };
    let result = match check_upload(&upload) {
        Err(e) => Err(e),
        Ok(()) if upload.kind == CONTACTS => {
            state
                .app
                .import_contacts_csv(&cap, &upload.bytes, &meta)
                .await
        }
        Ok(()) => {
            state
                .app
                .import_authorities_csv(&cap, &upload.bytes, &meta)
                .await
        }
    };
    match result {
        Ok(summary) => Ok(imported(&upload.kind, summary)),
        Err(e) => failed_import(&ctx, &session, &upload.kind, e),
    }
}

/// Redirects to the import page, which shows what the import did.
fn imported(kind: &str, s: ImportSummary) -> Response {
    let to = format!(
        "/election-authorities/import?file={kind}&created={}&updated={}&unchanged={}",
        s.created, s.updated, s.unchanged
    );
    crate::pages::see_other(&to, "imported")
}

/// The import page again, with every problem: those of the form beside its fields, those in
/// the file as a list by line and column.
fn failed_import(
    ctx: &PageCtx,
    session: &SessionInfo,
    kind: &str,
    e: AppError,
) -> Result<Response, PageError> {
    let all = form_errors(e, &[("kind", "What the file holds"), ("file", "CSV file")])?;
    let (in_file, in_form): (Vec<FormError>, Vec<FormError>) =
        all.into_iter().partition(|e| e.field.starts_with("line "));
    let mut page = ImportPage::new(ctx, session, kind);
    page.errors = in_form;
    page.problems = in_file
        .into_iter()
        .map(|e| FileProblem {
            place: capitalise(&e.field),
            message: e.message,
        })
        .collect();
    Ok(unprocessable(render(&page)))
}

fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A CSV download named `<stem>-<date>.csv`.
fn csv_download(bytes: Vec<u8>, stem: &str) -> Response {
    let date = OffsetDateTime::now_utc().date();
    let disposition = format!("attachment; filename=\"{stem}-{date}.csv\"");
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response()
}

/// `GET /election-authorities/export.csv`: the authorities the person may see.
async fn export_authorities(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let bytes = state
        .app
        .export_authorities_csv(&reader(&session.actor)?)
        .await?;
    Ok(csv_download(bytes, "election-authorities"))
}

/// `GET /election-authorities/contacts.csv`: the contacts of the authorities the person may
/// see.
async fn export_contacts(
    State(state): State<AppState>,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    let bytes = state
        .app
        .export_contacts_csv(&reader(&session.actor)?)
        .await?;
    Ok(csv_download(bytes, "contacts"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_needs_every_count() {
        let s = summary_from_query(Some(
            "file=contacts&created=1&updated=2&unchanged=3&notice=imported",
        ))
        .unwrap();
        assert_eq!(
            (s.what, s.created, s.updated, s.unchanged),
            ("contacts", 1, 2, 3)
        );
        assert!(summary_from_query(Some("file=contacts&created=1")).is_none());
        assert!(summary_from_query(Some("file=people&created=1&updated=2&unchanged=3")).is_none());
    }

    #[test]
    fn places_are_capitalised() {
        assert_eq!(capitalise("line 4, column zone"), "Line 4, column zone");
        assert_eq!(capitalise(""), "");
    }
}
