//! The intake page (Part 213.30(a)(4)): what came in and from where, a file upload (STIX
//! bundles, indicator lists) and the TAXII collections the desk polls.
//!
//! Handlers only translate: the rules are in `cybernav-app::sharing::{intake, intake_feeds,
//! taxii_feeds}`.

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use cybernav_app::AppError;
use cybernav_app::accounts::SessionInfo;
use cybernav_app::sharing::indicators::RunView;
use cybernav_app::sharing::intake::{IntakeSummary, SourceSpec, default_marking};
use cybernav_app::sharing::intake_feeds::ListFormat;
use cybernav_app::sharing::taxii_feeds::{FeedAuth, FeedSpec, SecretRef};
use cybernav_app::store::taxii_feeds::FeedRow;
use cybernav_core::FieldErrors;
use cybernav_core::sharing::marking::check_source_default;
use serde::Deserialize;

use crate::AppState;
use crate::auth::{Meta, SignedIn};
use crate::error::PageError;
use crate::layout::{Layout, PageCtx, render};
use crate::pages::{FormError, form_errors, parse_id, see_other, unprocessable};

/// The largest file the page takes (larger bundles go through `cybernav import stix`).
pub const UPLOAD_LIMIT: usize = 256 * 1024 * 1024;

/// Routes of this module.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/intake", get(page))
        .route(
            "/intake/upload",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route("/intake/feeds", post(add_feed))
        .route("/intake/feeds/{id}/poll", post(poll))
        .route("/intake/feeds/{id}/schedule", post(schedule))
}

/// A feed as a row of the table.
struct FeedLine {
    row: FeedRow,
    state: String,
    failing: bool,
}

/// What the last action on the page did, shown above the tables.
enum Outcome {
    Imported {
        file: String,
        summary: IntakeSummary,
    },
}

#[derive(Template)]
#[template(path = "intake/page.html")]
struct IntakePage {
    layout: Layout,
    can_write: bool,
    runs: Vec<RunView>,
    feeds: Vec<FeedLine>,
    outcome: Option<Outcome>,
    errors: Vec<FormError>,
    upload: UploadForm,
    feed: FeedForm,
    tlps: &'static [(&'static str, &'static str)],
}

impl IntakePage {
    fn at(&self, t: &time::OffsetDateTime) -> String {
        crate::pages::when::When::of(*t).text
    }

    /// The text fields of the feed form: name, label, hint, value.
    fn feed_fields(&self) -> Vec<(&'static str, &'static str, &'static str, String)> {
        let f = &self.feed;
        vec![
            (
                "feed_source",
                "Source name",
                "As it should appear on what it brings, such as \"CISA AIS\".",
                f.source.clone(),
            ),
            (
                "feed_api_root",
                "API root",
                "The address the partner gave, such as https://taxii.example.gov/api1/.",
                f.api_root.clone(),
            ),
            (
                "feed_collection",
                "Collection id",
                "As the partner's server lists it.",
                f.collection.clone(),
            ),
            (
                "feed_user",
                "User name (if the server asks for one)",
                "Leave empty for a token.",
                f.user.clone(),
            ),
            (
                "feed_secret",
                "Where the password or token is",
                "file:NAME for a file the server's operator put in the TAXII secrets folder, such as file:ais, or env:CYBERNAV_TAXII_SECRET_NAME.",
                f.secret.clone(),
            ),
            (
                "feed_every",
                "Minutes between polls",
                "5 to 10080; 60 if left empty.",
                f.every.clone(),
            ),
        ]
    }

    fn err(&self, field: &str) -> String {
        crate::pages::error_for(&self.errors, field)
            .unwrap_or_default()
            .to_string()
    }
}

const TLPS: &[(&str, &str)] = &[
    ("CLEAR", "TLP:CLEAR (anyone)"),
    ("GREEN", "TLP:GREEN (the program's community)"),
    ("AMBER", "TLP:AMBER (the Board and election authorities)"),
    ("AMBER+STRICT", "TLP:AMBER+STRICT (Board staff only)"),
];

#[derive(Debug, Clone, Default)]
struct UploadForm {
    source: String,
    tlp: String,
    fouo: bool,
}

#[derive(Debug, Clone, Default, Deserialize)]
struct FeedForm {
    #[serde(default, rename = "feed_source")]
    source: String,
    #[serde(default, rename = "feed_api_root")]
    api_root: String,
    #[serde(default, rename = "feed_collection")]
    collection: String,
    #[serde(default, rename = "feed_user")]
    user: String,
    #[serde(default, rename = "feed_secret")]
    secret: String,
    #[serde(default, rename = "feed_every")]
    every: String,
    #[serde(default, rename = "feed_tlp")]
    tlp: String,
}

const UPLOAD_LABELS: &[(&str, &str)] = &[
    ("file", "File"),
    ("source", "Where it came from"),
    ("tlp", "Marking for what carries none"),
    ("caveat", "FOUO"),
];

const FEED_LABELS: &[(&str, &str)] = &[
    ("feed_source", "Source name"),
    ("feed_api_root", "API root"),
    ("feed_collection", "Collection id"),
    ("feed_user", "User name"),
    ("feed_secret", "Where the password or token is"),
    ("feed_every", "Minutes between polls"),
    ("feed_tlp", "Marking for what carries none"),
];

/// The app's field names as the feed form's inputs are named (`feed_…`, apart from the
/// upload form's).
fn feed_field(field: &str) -> String {
    let name = match field {
        "collection_id" => "collection",
        "username" => "user",
        "poll_minutes" => "every",
        other => other,
    };
    format!("feed_{name}")
}

fn state_of(f: &FeedRow) -> (String, bool) {
    match (&f.last_error, f.enabled) {
        (_, false) => ("Paused".into(), false),
        (Some(e), true) => (
            format!(
                "Failing ({} time(s) in a row), next try {}: {e}",
                f.failures,
                crate::pages::when::When::of(f.next_poll_at).text
            ),
            true,
        ),
        (None, true) if f.last_success_at.is_none() => ("Not polled yet".into(), false),
        (None, true) => (
            format!(
                "Working; next poll {}",
                crate::pages::when::When::of(f.next_poll_at).text
            ),
            false,
        ),
    }
}

#[allow(clippy::too_many_arguments)]
async fn show(
    state: &AppState,
    ctx: &PageCtx,
    session: &SessionInfo,
    outcome: Option<Outcome>,
    errors: Vec<FormError>,
    upload: UploadForm,
    feed: FeedForm,
) -> Result<Response, PageError> {
    let reader = session
        .actor
        .read_intake_history()
        .ok_or(AppError::Forbidden)?;
    let runs = state.app.intake_runs(&reader, 50).await?;
    let feeds = state
        .app
        .taxii_feeds(&reader)
        .await?
        .into_iter()
        .map(|row| {
            let (state, failing) = state_of(&row);
            FeedLine {
                row,
                state,
                failing,
            }
        })
        .collect();
    let page = IntakePage {
        layout: ctx.layout("Incoming threat information", Some(session)),
        can_write: session.actor.import_intel().is_some(),
        runs,
        feeds,
        outcome,
        errors,
        upload,
        feed,
        tlps: TLPS,
    };
    Ok(render(&page))
}

/// `GET /intake`.
async fn page(
    State(state): State<AppState>,
    ctx: PageCtx,
    SignedIn(session): SignedIn,
) -> Result<Response, PageError> {
    show(
        &state,
        &ctx,
        &session,
        None,
        Vec::new(),
        UploadForm::default(),
        FeedForm::default(),
    )
    .await
}

/// The file and fields of the upload form.
async fn read_upload(
    multipart: &mut Multipart,
    form: &mut UploadForm,
) -> Result<(String, Vec<u8>), AppError> {
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(_) => {
                return Err(AppError::invalid(
                    "file",
                    "the upload did not arrive whole or is too large; choose the file again (files over 256 MB go through `cybernav import stix`)",
                ));
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|_| {
                AppError::invalid("file", "the file did not arrive whole; choose it again")
            })?;
            if !bytes.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
        } else {
            let text = field.text().await.unwrap_or_default();
            match name.as_str() {
                "source" => form.source = text,
                "tlp" => form.tlp = text,
                "fouo" => form.fouo = !text.is_empty(),
                _ => {}
            }
        }
    }
    file.ok_or_else(|| AppError::invalid("file", "choose a file to upload"))
}

/// `POST /intake/upload?csrf=…` (multipart: `file`, `source`, `tlp`, `fouo`): a STIX bundle
/// (`.json`) or an indicator list (`.csv`, `.txt`), imported at once; the page shows what
/// came in and every refusal.
async fn upload(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    mut multipart: Multipart,
) -> Result<Response, PageError> {
    let cap = session.actor.import_intel().ok_or(AppError::Forbidden)?;
    let mut form = UploadForm::default();
    let result = async {
        let (file_name, bytes) = read_upload(&mut multipart, &mut form).await?;
        let mut errors = FieldErrors::default();
        let marking = default_marking(
            Some(form.tlp.as_str()).filter(|t| !t.is_empty()),
            form.fouo.then_some("FOUO"),
            &mut errors,
        );
        if let Err(e) = check_source_default(marking.tlp) {
            errors.add("tlp", e);
        }
        errors.into_result(|| ())?;
        let name = form.source.trim();
        let spec = |kind: &str| SourceSpec {
            name: if name.is_empty() { "Page upload" } else { name }.to_string(),
            kind: kind.to_string(),
            default_marking: marking.clone(),
        };
        let lower = file_name.to_ascii_lowercase();
        let is_bundle = lower.ends_with(".json")
            || bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
        let summary = if is_bundle {
            state
                .app
                .import_stix(&cap, &spec("stix"), &file_name, bytes, &meta)
                .await?
        } else {
            let format = ListFormat::from_name(&file_name);
            state
                .app
                .import_indicator_list(&cap, &spec("list"), &file_name, format, &bytes, &meta)
                .await?
        };
        Ok::<_, AppError>((file_name, summary))
    }
    .await;
    match result {
        Ok((file, summary)) => {
            show(
                &state,
                &ctx,
                &session,
                Some(Outcome::Imported { file, summary }),
                Vec::new(),
                UploadForm::default(),
                FeedForm::default(),
            )
            .await
        }
        Err(e) => {
            let errors = form_errors(e, UPLOAD_LABELS)?;
            Ok(unprocessable(
                show(
                    &state,
                    &ctx,
                    &session,
                    None,
                    errors,
                    form,
                    FeedForm::default(),
                )
                .await?,
            ))
        }
    }
}

/// `POST /intake/feeds`: starts polling a TAXII collection.
async fn add_feed(
    State(state): State<AppState>,
    ctx: PageCtx,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Form(form): Form<FeedForm>,
) -> Result<Response, PageError> {
    let cap = session.actor.import_intel().ok_or(AppError::Forbidden)?;
    let spec = || -> Result<FeedSpec, AppError> {
        let mut errors = FieldErrors::default();
        let marking = default_marking(
            Some(form.tlp.as_str()).filter(|t| !t.is_empty()),
            None,
            &mut errors,
        );
        if let Err(e) = check_source_default(marking.tlp) {
            errors.add("feed_tlp", e);
        }
        let secret = if form.secret.trim().is_empty() {
            None
        } else {
            match SecretRef::parse(&form.secret) {
                Ok(s) => Some(s),
                Err(e) => {
                    errors.add("secret", e);
                    None
                }
            }
        };
        let auth = match (form.user.trim(), secret) {
            ("", None) => FeedAuth::None,
            ("", Some(s)) => FeedAuth::Bearer(s),
            (u, Some(s)) => FeedAuth::Basic {
                username: u.to_string(),
                password: s,
            },
            (_, None) => {
                errors.add(
                    "secret",
                    "a user name needs its password: say where it is (file:NAME or env:CYBERNAV_TAXII_SECRET_NAME)",
                );
                FeedAuth::None
            }
        };
        let every = form.every.trim();
        let poll_minutes = if every.is_empty() {
            60
        } else {
            every.parse().unwrap_or_else(|_| {
                errors.add("every", "give a whole number of minutes, such as 60");
                60
            })
        };
        errors.into_result(|| ())?;
        Ok(FeedSpec {
            source: SourceSpec {
                name: form.source.trim().to_string(),
                kind: "taxii".into(),
                default_marking: marking,
            },
            api_root: form.api_root.clone(),
            collection_id: form.collection.clone(),
            auth,
            poll_minutes,
            page_size: 1000,
            added_after: None,
        })
    };
    let result = match spec() {
        Ok(s) => state.app.add_taxii_feed(&cap, &s, &meta).await.map(|_| ()),
        Err(e) => Err(e),
    };
    // What was typed where the secret's whereabouts belong may be the secret itself: the
    // form shown again never carries it.
    let mut form = form;
    form.secret.clear();
    match result {
        Ok(()) => Ok(see_other("/intake#feeds", "feed_added")),
        Err(AppError::Conflict(m)) => {
            let errors = vec![FormError {
                field: "feed_collection".into(),
                label: "Collection id".into(),
                message: m,
            }];
            Ok(unprocessable(
                show(
                    &state,
                    &ctx,
                    &session,
                    None,
                    errors,
                    UploadForm::default(),
                    form,
                )
                .await?,
            ))
        }
        Err(e) => {
            let e = match e {
                AppError::Invalid(mut f) => {
                    for x in &mut f.0 {
                        x.field = feed_field(&x.field);
                    }
                    AppError::Invalid(f)
                }
                other => other,
            };
            let errors = form_errors(e, FEED_LABELS)?;
            Ok(unprocessable(
                show(
                    &state,
                    &ctx,
                    &session,
                    None,
                    errors,
                    UploadForm::default(),
                    form,
                )
                .await?,
            ))
        }
    }
}

/// `POST /intake/feeds/{id}/poll`: makes the feed due now; the serve loop polls it within a
/// minute, so the request does not wait for a partner's server.
async fn poll(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = session.actor.import_intel().ok_or(AppError::Forbidden)?;
    state.app.request_taxii_poll(&cap, id, &meta).await?;
    Ok(see_other("/intake#feeds", "feed_poll_requested"))
}

#[derive(Debug, Deserialize)]
struct ScheduleForm {
    enabled: String,
}

/// `POST /intake/feeds/{id}/schedule` (`enabled=true|false`): resumes or pauses polling.
async fn schedule(
    State(state): State<AppState>,
    Meta(meta): Meta,
    SignedIn(session): SignedIn,
    Path(id): Path<String>,
    Form(form): Form<ScheduleForm>,
) -> Result<Response, PageError> {
    let id = parse_id(&id)?;
    let cap = session.actor.import_intel().ok_or(AppError::Forbidden)?;
    let enabled = form.enabled == "true";
    state
        .app
        .set_taxii_feed_enabled(&cap, id, enabled, &meta)
        .await?;
    Ok(see_other(
        "/intake#feeds",
        if enabled {
            "feed_resumed"
        } else {
            "feed_paused"
        },
    ))
}
