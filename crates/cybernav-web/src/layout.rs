//! The frame every page shares: title, navigation for the person's role, the CSRF token for
//! forms, and a notice after an action ("Contact saved").

use askama::Template;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use cybernav_app::accounts::SessionInfo;

use crate::csrf::CsrfToken;

/// One link in the navigation.
#[derive(Debug, Clone)]
pub struct NavLink {
    /// Where it goes.
    pub href: &'static str,
    /// What it says.
    pub label: &'static str,
    /// Whether it is the current section.
    pub current: bool,
}

/// The signed-in person, as the header shows them.
#[derive(Debug, Clone)]
pub struct NavUser {
    /// Name.
    pub name: String,
    /// Role as people say it.
    pub role: &'static str,
}

/// What the frame needs.
#[derive(Debug, Clone)]
pub struct Layout {
    /// The page's title (also the `<title>`).
    pub title: String,
    /// Token for forms.
    pub csrf: String,
    /// Signed-in person, if any.
    pub user: Option<NavUser>,
    /// Navigation links.
    pub nav: Vec<NavLink>,
    /// A message about the last action.
    pub notice: Option<&'static str>,
    /// Asset version for cache busting.
    pub version: &'static str,
}

/// Messages a redirect can ask the next page to show, by key (never free text from a URL).
const NOTICES: &[(&str, &str)] = &[
    ("saved", "Your changes were saved."),
    ("directory_added", "The directory entry was added."),
    ("directory_saved", "The directory entry was saved."),
    (
        "directory_verified",
        "The entry was marked as verified today.",
    ),
    ("directory_deleted", "The directory entry was removed."),
    ("outreach_logged", "The contact was logged."),
    (
        "event_created",
        "The event was created. Record who attended below.",
    ),
    ("attendance_recorded", "Attendance recorded."),
    (
        "feed_added",
        "The collection was added. It is polled within a minute, then on its schedule.",
    ),
    (
        "feed_paused",
        "Polling is paused; the feed keeps its position.",
    ),
    (
        "feed_resumed",
        "Polling resumed; the feed is polled within a minute.",
    ),
    (
        "feed_poll_requested",
        "The feed is polled within a minute (after any poll already running). Reload this page to see what came in.",
    ),
    ("created", "Created."),
    ("deleted", "Deleted."),
    ("verified", "Marked as verified today."),
    (
        "invited",
        "Invitation sent. The person will receive an e-mail with a link to create their account.",
    ),
    (
        "password",
        "Your password was changed and every session of your account ended, this one included. Sign in with the new password.",
    ),
    (
        "signed_out_everywhere",
        "You were signed out on every device, this one included.",
    ),
    ("mfa_on", "Two-step verification is on."),
    (
        "token_revoked",
        "The token was revoked; programs using it can no longer connect.",
    ),
    (
        "account_created",
        "Your account is ready. Sign in with your e-mail address and new password.",
    ),
    (
        "password_reset",
        "Your password was changed. Sign in with the new password.",
    ),
    (
        "reset_sent",
        "If an account uses that e-mail address, we sent it a link to choose a new password. The link works for 60 minutes.",
    ),
    ("imported", "The file was imported."),
    (
        "disabled",
        "The account was disabled and signed out everywhere.",
    ),
    ("enabled", "The account was enabled."),
    (
        "role_changed",
        "The role was changed; the person was signed out so the new role applies at once.",
    ),
    ("assigned", "Navigator assignments saved."),
    (
        "cycle_created",
        "The grant cycle is open. Every election authority now sees its checklist for it; nothing statewide is published until you publish the report card.",
    ),
    (
        "published",
        "The report card was published. Everyone signed in can now see it; the audit log records who published it and when.",
    ),
    (
        "certified",
        "Your Certification of Participation was received. The time it arrived is shown below.",
    ),
    (
        "paper_certified",
        "The paper certification was recorded with the time the Board received it, and marked on time or late on the Board's clock.",
    ),
    ("note_added", "Your note was added."),
    (
        "attested",
        "Your written verification was signed. Its letter and signed file are listed under Written verification.",
    ),
    (
        "evidence_added",
        "The file was added. Its SHA-256 fingerprint is recorded with it.",
    ),
    (
        "findings_raised",
        "Findings were raised from the items scored below the threshold. Each is on the authority's findings list with its target date.",
    ),
    ("authority_created", "The election authority was added."),
    ("contact_added", "The contact was added."),
    ("contact_removed", "The contact was removed."),
    (
        "partner_created",
        "The partner organisation was added to the directory.",
    ),
    ("circuit_added", "The ICN circuit was recorded."),
    ("entry_added", "The network was added to the allowlist."),
    (
        "entry_added_public",
        "The network was added to the allowlist and flagged as public addressing: once every authority is on the ICN the Board requires private addressing only (213.20(a)(2)), so plan to replace it.",
    ),
    (
        "entry_removed",
        "The network was removed from the allowlist.",
    ),
    ("share_set", "The Navigator Program share was set."),
    ("expenditure_recorded", "The expenditure was recorded."),
    ("award_made", "The award was made."),
    ("claim_submitted", "Your claim was submitted to the Board."),
    ("claim_decided", "The decision on the claim was recorded."),
    ("document_added", "The document was added to the file."),
    (
        "document_file_added",
        "The file was attached. Its SHA-256 fingerprint is recorded with it.",
    ),
    ("review_recorded", "The review was recorded."),
    ("visit_recorded", "The visit was recorded."),
    ("follow_up_added", "The follow-up was added."),
    ("follow_up_saved", "The follow-up was updated."),
    (
        "ntk_applied",
        "Your application was sent to the Program Manager. You will see the decision on this page.",
    ),
    (
        "ntk_accepted",
        "You accepted the handling agreement. Your need-to-know approval is active until the date shown.",
    ),
    (
        "ntk_approved",
        "The application was approved. The person now accepts the handling agreement.",
    ),
    ("ntk_denied", "The application was denied."),
    (
        "ntk_renewed",
        "The approval was renewed. The new end date is shown in the roster.",
    ),
    ("ntk_revoked", "The approval was revoked at once."),
    (
        "product_created",
        "The draft was saved. Submit it for review when it is ready.",
    ),
    (
        "product_submitted",
        "The product was submitted for review. Someone other than its author approves it.",
    ),
    (
        "product_sent_back",
        "The product was sent back to its author with your comment.",
    ),
    (
        "product_approved",
        "The product was approved. Publish it when it should go out.",
    ),
    (
        "product_published",
        "The product was published. Everyone who may see it now finds it under Threat sharing; an alert is also e-mailed to them.",
    ),
    ("product_withdrawn", "The product was withdrawn."),
    (
        "report_sent",
        "Your report was sent to the Program Manager. Keep the reference number shown below.",
    ),
    (
        "report_validated",
        "The report was validated: its indicators are in intake and counted as sightings, and the office was told by e-mail.",
    ),
    (
        "report_validated_note",
        "The report was validated and a draft intelligence note was started from it; the office was told by e-mail.",
    ),
    (
        "report_rejected",
        "The report was rejected with your reason; the office was told by e-mail.",
    ),
    (
        "needs_saved",
        "The information needs were saved. Products about them now come first for this office's people.",
    ),
    (
        "assignment_applied",
        "The suggested assignment was applied. Each change of navigators is in the audit log.",
    ),
];

/// Per-request facts the frame needs, taken from the request.
#[derive(Debug, Clone)]
pub struct PageCtx {
    /// CSRF token.
    pub csrf: String,
    /// Notice key from `?notice=`.
    pub notice: Option<&'static str>,
    /// The request path, for marking the current section.
    pub path: String,
}

impl<S: Send + Sync> FromRequestParts<S> for PageCtx {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let csrf = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let notice = parts.uri.query().and_then(|q| {
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == "notice")
                .and_then(|(_, v)| NOTICES.iter().find(|(k, _)| *k == v).map(|(_, m)| *m))
        });
        Ok(PageCtx {
            csrf,
            notice,
            path: parts.uri.path().to_string(),
        })
    }
}

impl PageCtx {
    /// The frame for a page titled `title`, for `session` (or nobody).
    pub fn layout(&self, title: impl Into<String>, session: Option<&SessionInfo>) -> Layout {
        let mut nav = Vec::new();
        if let Some(s) = session.filter(|s| s.stage == cybernav_app::accounts::SessionStage::Ready)
        {
            let a = &s.actor;
            let mut push = |href: &'static str, label: &'static str| {
                let current = if href == "/" {
                    self.path == "/"
                } else {
                    self.path.starts_with(href)
                };
                nav.push(NavLink {
                    href,
                    label,
                    current,
                });
            };
            push("/", "Dashboard");
            if a.read_registry().is_some() {
                push("/election-authorities", "Election authorities");
            }
            push("/participation", "Participation");
            if a.role == cybernav_core::role::Role::Navigator {
                push("/my-work", "My work");
            }
            if a.read_workload().is_some() {
                push("/workload", "Workload & balance");
            }
            if a.read_findings_overview().is_some() {
                push("/findings", "Findings");
            }
            push("/sharing", "Threat sharing");
            if a.read_community_reports().is_some() {
                push("/reports", "Reports from authorities");
            } else if a.read_reports().is_some() {
                push("/reports", "Report to the Board");
            }
            if a.read_intake_history().is_some() {
                push("/intake", "Intake");
            }
            push("/partners", "Who to contact");
            push("/directory", "Incident directory");
            if a.read_outreach().is_some() {
                push("/outreach", "Outreach");
            }
            push("/need-to-know", "Need-to-know");
            if a.read_people().is_some() {
                push("/people", "People");
            }
            if a.read_audit().is_some() {
                push("/audit", "Audit log");
            }
            push("/account", "My account");
        }
        Layout {
            title: title.into(),
            csrf: self.csrf.clone(),
            user: session.map(|s| NavUser {
                name: s.name.clone(),
                role: s.actor.role.label(),
            }),
            nav,
            notice: self.notice,
            version: crate::assets::VERSION,
        }
    }
}

/// Renders a template to an HTML response (a 500 page if the template fails).
pub fn render<T: Template>(t: &T) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template failed");
            (
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be shown.",
            )
                .into_response()
        }
    }
}

/// A page that explains an error.
#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    /// Frame (no navigation: the error may be about the session).
    pub layout: Layout,
    /// What to say.
    pub message: String,
}

impl ErrorPage {
    /// An error page with a title and a message.
    pub fn new(title: &str, message: String) -> Self {
        ErrorPage {
            layout: Layout {
                title: title.to_string(),
                csrf: String::new(),
                user: None,
                nav: vec![NavLink {
                    href: "/",
                    label: "Dashboard",
                    current: false,
                }],
                notice: None,
                version: crate::assets::VERSION,
            },
            message,
        }
    }
}
