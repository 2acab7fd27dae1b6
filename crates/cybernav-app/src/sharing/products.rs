//! Intelligence products (213.30(a)(4), (6), (7)): notes, bulletins and alerts written by the
//! desk, reviewed by a second person, published to everyone who may see them, paragraph by
//! paragraph; and the information needs each authority states, which order what its people
//! see first.
//!
//! Every release asks `App::may_see` per paragraph, the drafts included: no role overrides
//! a marking. Audit records carry titles, kinds, markings and states, never body text,
//! summaries or comments. Publishing an alert queues one e-mail per person who may see it, in
//! the publishing transaction, each with only the paragraphs that person may see.

use cybernav_core::FieldErrors;
use cybernav_core::authz::{Actor, NeedsEditor, NeedsReader, ProductReader, ProductWriter};
use cybernav_core::role::Role;
use std::collections::BTreeSet;

use cybernav_core::sharing::marking::{Marking, Paragraph, Reader, Tlp};
use cybernav_core::sharing::product::{
    self, Action, InformationNeeds, Kind, ProductError, Relevance, State, parse_terms,
};
use cybernav_core::validation::{clean_text, optional_multiline_text};
use cybernav_store::products::{
    CommentRow, LinkRow, NeedsRow, ProductListing, ProductRow, RecipientRow,
};
use cybernav_store::users::UserQuery;
use cybernav_store::{StoreError, Tx, now};
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

use super::BOARD;
use super::reader::reader_in;
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The most sources on one product.
pub const SOURCES_MAX: usize = 30;
/// The longest source, in characters.
pub const SOURCE_MAX: usize = 300;
/// The most links on one product.
pub const LINKS_MAX: usize = 200;
/// The longest review comment, in characters.
pub const COMMENT_MAX: usize = 4_000;

/// A link to an indicator or a STIX object, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkInput {
    /// `indicator` or `stix`.
    pub kind: String,
    /// The indicator's id, or the STIX object's id (`indicator--…`, `report--…`).
    pub reference: String,
}

/// What an author writes.
#[derive(Debug, Clone, Default)]
pub struct ProductInput {
    /// `note`, `bulletin` or `alert`.
    pub kind: String,
    /// Title (seen by the desk and auditors whatever the marking: keep detail out of it).
    pub title: String,
    /// Summary (carries the base marking).
    pub summary: String,
    /// The base marking's label (`TLP:GREEN`, `TLP:AMBER FOUO`).
    pub base_marking: String,
    /// The Markdown body; paragraphs may start with a portion mark.
    pub body: String,
    /// Tags, comma- or line-separated.
    pub tags: String,
    /// Sources, one a line ("CISA AA24-…", "MS-ISAC").
    pub sources: String,
    /// Related indicators and STIX objects.
    pub links: Vec<LinkInput>,
    /// A published product this one replaces when published.
    pub supersedes: Option<Uuid>,
    /// For TLP:RED: the people it is for, each an account id (picked from the list) or an
    /// e-mail address of an active account. The author is always among them.
    pub recipients: Vec<String>,
}

/// The most people one TLP:RED product may name.
pub const RECIPIENTS_MAX: usize = 100;

/// A checked [`ProductInput`].
struct Checked {
    kind: Kind,
    title: String,
    summary: String,
    base: Marking,
    paragraphs: Vec<Paragraph<String>>,
    tags: Vec<String>,
    sources: Vec<String>,
    links: Vec<LinkRow>,
    supersedes: Option<Uuid>,
}

/// The people `input.recipients` names, as account ids, with a problem per entry that names
/// nobody who may be named (unknown, not active, not an address).
async fn resolve_recipients(
    tx: &mut Tx,
    input: &ProductInput,
) -> AppResult<(BTreeSet<Uuid>, Vec<String>)> {
    let mut named = BTreeSet::new();
    let mut problems = Vec::new();
    for entry in input.recipients.iter().map(|e| e.trim()) {
        if entry.is_empty() {
            continue;
        }
        let person = if let Ok(id) = Uuid::parse_str(entry) {
            match tx.people_by_id(&[id]).await?.pop() {
                Some(p) => p,
                None => {
                    problems.push(format!("no account has the id {entry}"));
                    continue;
                }
            }
        } else if entry.contains('@') {
            let user = tx.find_user_by_email(&entry.to_lowercase()).await?;
            match user {
                Some(u) => match tx.people_by_id(&[u.id]).await?.pop() {
                    Some(p) => p,
                    None => continue,
                },
                None => {
                    problems.push(format!(
                        "no account has the e-mail address {entry}; only people with an account can be named"
                    ));
                    continue;
                }
            }
        } else {
            problems.push(format!(
                "'{entry}' is not an e-mail address; type one address a line or pick people from the list"
            ));
            continue;
        };
        if person.status != "active" {
            problems.push(format!(
                "{} ({}) cannot be named: the account is {}",
                person.name, person.email, person.status
            ));
            continue;
        }
        named.insert(person.id);
    }
    if named.len() > RECIPIENTS_MAX {
        problems.push(format!(
            "at most {RECIPIENTS_MAX} people; there are {}",
            named.len()
        ));
    }
    Ok((named, problems))
}

/// Checks an input with its named people resolved (`named`, and the problems found with the
/// entries); the author is added to the people of a TLP:RED product.
fn check_input_named(
    input: &ProductInput,
    author: Option<Uuid>,
    named: BTreeSet<Uuid>,
    problems: Vec<String>,
) -> Result<Checked, FieldErrors> {
    let typed = input.recipients.iter().any(|r| !r.trim().is_empty());
    let label_is_red = Marking::parse_label(&input.base_marking).is_ok_and(|m| m.tlp == Tlp::Red);
    let mut extra = FieldErrors::new();
    if label_is_red {
        for p in problems {
            extra.add("recipients", p);
        }
        let others = named.iter().filter(|id| Some(**id) != author).count();
        if others == 0 && extra.is_empty() {
            extra.add(
                "recipients",
                "is required for TLP:RED: name at least one person besides yourself who may read it (and a reviewer, who must be named to approve it)",
            );
        }
    } else if typed {
        extra.add(
            "recipients",
            "people are named only for TLP:RED; choose TLP:RED as the marking or clear the list",
        );
    }
    let mut named = named;
    if label_is_red {
        named.extend(author);
    }
    let result = check_input_with(input, &named);
    match result {
        Ok(c) if extra.is_empty() => Ok(c),
        Ok(_) => Err(extra),
        Err(mut e) => {
            e.0.extend(extra.0);
            Err(e)
        }
    }
}

#[cfg(test)]
fn check_input(input: &ProductInput) -> Result<Checked, FieldErrors> {
    check_input_with(input, &BTreeSet::new())
}

fn check_input_with(input: &ProductInput, named: &BTreeSet<Uuid>) -> Result<Checked, FieldErrors> {
    let mut errors = FieldErrors::new();
    let kind = errors.check("kind", Kind::parse(&input.kind));
    let title = errors.check("title", clean_text(&input.title, product::TITLE_MAX));
    let summary = errors
        .check(
            "summary",
            optional_multiline_text(Some(&input.summary), product::SUMMARY_MAX),
        )
        .flatten();
    if summary.is_none() && !errors.0.iter().any(|e| e.field == "summary") {
        errors.add(
            "summary",
            "is required: say in a sentence or two what happened and what to do",
        );
    }
    let base = errors.check(
        "base_marking",
        Marking::parse_label(&input.base_marking)
            .map(|m| product::with_recipients(m, named))
            .and_then(|m| {
                if m.tlp == Tlp::Red {
                    // The people are checked under `recipients`.
                    return Ok(m);
                }
                product::check_base(&m).map(|()| m)
            }),
    );
    let body = errors.check(
        "body",
        optional_multiline_text(Some(&input.body), product::BODY_MAX),
    );
    let paragraphs = match (&base, body) {
        (Some(base), Some(Some(body))) => errors.check(
            "body",
            product::parse_body(&body, base).map_err(|e| e.to_string()),
        ),
        (_, Some(None)) => {
            errors.add("body", "is required: write at least one paragraph");
            None
        }
        _ => None,
    };
    let tags = errors.check("tags", parse_terms(&input.tags));
    let mut sources = Vec::new();
    for line in input.sources.lines() {
        let s = line.trim();
        if s.is_empty() {
            continue;
        }
        match clean_text(s, SOURCE_MAX) {
            Ok(s) => sources.push(s),
            Err(e) => errors.add("sources", format!("'{s}' {e}")),
        }
    }
    if sources.len() > SOURCES_MAX {
        errors.add(
            "sources",
            format!("at most {SOURCES_MAX} sources; there are {}", sources.len()),
        );
    }
    let mut links = Vec::new();
    for l in &input.links {
        let reference = l.reference.trim();
        if reference.is_empty() {
            continue;
        }
        match check_link(l.kind.trim(), reference) {
            Ok(()) => links.push(LinkRow {
                kind: l.kind.trim().to_string(),
                reference: reference.to_string(),
            }),
            Err(e) => errors.add("links", e),
        }
    }
    if links.len() > LINKS_MAX {
        errors.add("links", format!("at most {LINKS_MAX} links"));
    }
    match (kind, title, summary, base, paragraphs, tags) {
        (Some(kind), Some(title), Some(summary), Some(base), Some(paragraphs), Some(tags))
            if errors.is_empty() =>
        {
            Ok(Checked {
                kind,
                title,
                summary,
                base,
                paragraphs,
                tags,
                sources,
                links,
                supersedes: input.supersedes,
            })
        }
        _ => Err(errors),
    }
}

/// An indicator reference is an id (no spaces, at most 200 characters); a STIX reference is
/// `type--uuid`.
fn check_link(kind: &str, reference: &str) -> Result<(), String> {
    if reference.chars().count() > 200 || reference.chars().any(char::is_whitespace) {
        return Err(format!(
            "'{reference}' is not a reference: at most 200 characters, no spaces"
        ));
    }
    match kind {
        "indicator" => Ok(()),
        "stix" => match reference.split_once("--") {
            Some((ty, id))
                if !ty.is_empty()
                    && ty
                        .chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                    && Uuid::parse_str(id).is_ok() =>
            {
                Ok(())
            }
            _ => Err(format!(
                "'{reference}' is not a STIX id; expected type--uuid, such as report--9b1c…"
            )),
        },
        other => Err(format!(
            "unknown link kind '{other}'; expected indicator or stix"
        )),
    }
}

/// One product as a reader sees it in a list.
#[derive(Debug, Clone, Serialize)]
pub struct ProductSummary {
    /// Id.
    pub id: Uuid,
    /// Kind.
    pub kind: Kind,
    /// Workflow state.
    pub state: State,
    /// Title.
    pub title: String,
    /// The marking of what this reader sees in the list (the base marking).
    pub marking: Marking,
    /// Summary, when the reader may see the base marking (`None` for metadata only).
    pub summary: Option<String>,
    /// Tags, when the reader may see the base marking.
    pub tags: Vec<String>,
    /// How it matches the reader's authorities' information needs.
    pub relevance: Relevance,
    /// The author's name.
    pub author_name: Option<String>,
    /// Published.
    pub published_at: Option<OffsetDateTime>,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

/// One product as a reader sees it: the tear-line applied.
#[derive(Debug, Clone, Serialize)]
pub struct ProductView {
    /// What the list shows.
    pub summary: ProductSummary,
    /// The marking of everything this reader sees (banner at top and bottom).
    pub banner: Marking,
    /// The base marking (of unmarked paragraphs).
    pub base_marking: Marking,
    /// The paragraphs this reader may see, in order.
    pub paragraphs: Vec<Paragraph<String>>,
    /// How many paragraphs were withheld from this reader.
    pub withheld: usize,
    /// Sources (with the base marking).
    pub sources: Vec<String>,
    /// Related indicators and STIX objects.
    pub links: Vec<LinkInput>,
    /// Review comments: for the desk only.
    pub comments: Vec<CommentRow>,
    /// True when the reader sees only metadata (an auditor on an unpublished product, or a
    /// reader whose access to the base marking has lapsed).
    pub metadata_only: bool,
    /// The author's account.
    pub author_id: Option<Uuid>,
    /// Who approved it.
    pub approver_id: Option<Uuid>,
    /// The product it replaces / that replaced it.
    pub supersedes: Option<Uuid>,
    /// The product that replaced it.
    pub superseded_by: Option<Uuid>,
    /// The workflow steps this reader may take now (before the two-person rule, which the
    /// step itself checks; the page leaves out Approve for the author).
    pub actions: Vec<Action>,
    /// Whether the reader may edit it now (a draft, their own or as a manager, and every
    /// paragraph visible to them).
    pub editable: bool,
    /// For TLP:RED: the people it is for (shown only to those who may read it).
    pub recipients: Vec<RecipientRow>,
}

/// What a publication did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Published {
    /// E-mails queued (alerts only).
    pub messages: usize,
}

fn corrupt(what: impl std::fmt::Display) -> AppError {
    AppError::Store(StoreError::Corrupt(what.to_string()))
}

pub(crate) fn stored_marking(id: Uuid, label: &str) -> AppResult<Marking> {
    Marking::parse_label(label).map_err(|e| corrupt(format!("products {id}: {e}")))
}

pub(crate) fn stored_terms(raw: &str) -> AppResult<Vec<String>> {
    serde_json::from_str(raw).map_err(|e| corrupt(format!("stored terms: {e}")))
}

fn terms_json(terms: &[String]) -> String {
    serde_json::to_string(terms).unwrap_or_else(|_| "[]".into())
}

pub(crate) fn state_of(row: &ProductRow) -> AppResult<State> {
    State::parse(&row.state).map_err(|e| corrupt(format!("products {}: {e}", row.id)))
}

pub(crate) fn kind_of(row: &ProductRow) -> AppResult<Kind> {
    Kind::parse(&row.kind).map_err(|e| corrupt(format!("products {}: {e}", row.id)))
}

/// The people a TLP:RED product names (empty for any other product).
pub(crate) async fn recipients_of(tx: &mut Tx, id: Uuid) -> AppResult<BTreeSet<Uuid>> {
    Ok(tx
        .product_recipients(id)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// A product's base marking, with its named people when it is TLP:RED.
pub(crate) async fn base_of(tx: &mut Tx, row: &ProductRow) -> AppResult<Marking> {
    let base = stored_marking(row.id, &row.base_marking)?;
    Ok(if base.tlp == Tlp::Red {
        product::with_recipients(base, &recipients_of(tx, row.id).await?)
    } else {
        base
    })
}

/// A product's paragraphs, TLP:RED ones with the product's named people.
pub(crate) async fn paragraphs_of(tx: &mut Tx, id: Uuid) -> AppResult<Vec<Paragraph<String>>> {
    let mut out: Vec<Paragraph<String>> = tx
        .product_paragraphs(id)
        .await?
        .into_iter()
        .map(|p| {
            Ok(Paragraph {
                marking: stored_marking(id, &p.marking)?,
                body: p.body,
            })
        })
        .collect::<AppResult<_>>()?;
    if out.iter().any(|p| p.marking.tlp == Tlp::Red) {
        let named = recipients_of(tx, id).await?;
        for p in &mut out {
            p.marking = product::with_recipients(
                std::mem::replace(&mut p.marking, Marking::tlp(Tlp::Clear)),
                &named,
            );
        }
    }
    Ok(out)
}

/// The information needs of the authorities whose people `actor` is: their own authority for
/// county users, the assigned ones for navigators; none for everyone else.
async fn needs_for(tx: &mut Tx, actor: &Actor) -> AppResult<InformationNeeds> {
    let authorities: Vec<Uuid> = match actor.role {
        Role::EaOfficial | Role::EaIt => actor.election_authority_id.into_iter().collect(),
        Role::Navigator => actor.assigned_authorities.clone(),
        _ => Vec::new(),
    };
    let mut out = InformationNeeds::default();
    for ea in authorities {
        if let Some(n) = tx.information_needs(ea).await? {
            out.topics.extend(stored_terms(&n.topics)?);
            out.systems.extend(stored_terms(&n.systems)?);
            out.vendors.extend(stored_terms(&n.vendors)?);
        }
    }
    Ok(out)
}

/// What a reader may know of a product: nothing (`None`), its metadata only (`Some(false)`)
/// or its content as the tear-line allows (`Some(true)`).
fn access(
    app: &App,
    cap: &ProductReader<'_>,
    reader: &Reader,
    row: &ProductRow,
    state: State,
    base: &Marking,
) -> Option<bool> {
    let sees_base = app.may_see(reader, base, BOARD).is_allowed();
    if state.is_released() {
        if sees_base {
            Some(true)
        } else if cap.sees_unpublished_by(None) {
            // The desk and auditors know every product; the marking still decides content.
            Some(false)
        } else {
            None
        }
    } else if cap.sees_unpublished_body_by(row.author_id) {
        Some(sees_base)
    } else if cap.sees_unpublished_by(row.author_id) {
        Some(false)
    } else {
        None
    }
}

fn summary_of(
    l: &ProductListing,
    kind: Kind,
    state: State,
    base: &Marking,
    content: bool,
    needs: &InformationNeeds,
) -> AppResult<ProductSummary> {
    let tags = if content {
        stored_terms(&l.row.tags)?
    } else {
        Vec::new()
    };
    Ok(ProductSummary {
        id: l.row.id,
        kind,
        state,
        title: l.row.title.clone(),
        marking: base.clone(),
        summary: content.then(|| l.row.summary.clone()),
        relevance: product::relevance(&tags, needs),
        tags,
        author_name: l.author_name.clone(),
        published_at: l.row.published_at,
        updated_at: l.row.updated_at,
    })
}

impl App {
    async fn check_supersedes(
        &self,
        tx: &mut Tx,
        own: Option<Uuid>,
        target: Option<Uuid>,
    ) -> AppResult<()> {
        let Some(target) = target else { return Ok(()) };
        if Some(target) == own {
            return Err(AppError::invalid(
                "supersedes",
                "a product cannot replace itself",
            ));
        }
        let l = match tx.get_product(target).await {
            Ok(l) => l,
            Err(StoreError::NotFound) => {
                return Err(AppError::invalid("supersedes", "no such product"));
            }
            Err(e) => return Err(e.into()),
        };
        if state_of(&l.row)? == State::Published {
            Ok(())
        } else {
            Err(AppError::invalid(
                "supersedes",
                "only a published product can be replaced",
            ))
        }
    }

    /// Creates a draft. Returns its id.
    pub async fn create_product(
        &self,
        cap: &ProductWriter<'_>,
        input: &ProductInput,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let at = now();
        let mut tx = self.store.begin().await?;
        let id = self
            .create_product_in(&mut tx, cap, input, at, meta)
            .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// The body of [`App::create_product`], inside the caller's transaction (a draft note
    /// started from a community report is created with the report's validation).
    pub(crate) async fn create_product_in(
        &self,
        tx: &mut Tx,
        cap: &ProductWriter<'_>,
        input: &ProductInput,
        at: OffsetDateTime,
        meta: &RequestMeta,
    ) -> AppResult<Uuid> {
        let author = cap.actor().account_id();
        let (named, problems) = resolve_recipients(tx, input).await?;
        let c = check_input_named(input, author, named, problems)?;
        self.check_supersedes(tx, None, c.supersedes).await?;
        let marking = product::product_marking(&c.base, &c.paragraphs);
        let row = ProductRow {
            id: Uuid::new_v4(),
            kind: c.kind.as_str().into(),
            title: c.title,
            summary: c.summary,
            tags: terms_json(&c.tags),
            base_marking: c.base.label(),
            marking: marking.label(),
            state: State::Draft.as_str().into(),
            author_id: cap.actor().account_id(),
            reviewer_id: None,
            approver_id: None,
            created_at: at,
            updated_at: at,
            submitted_at: None,
            approved_at: None,
            published_at: None,
            withdrawn_at: None,
            supersedes: c.supersedes,
            superseded_by: None,
        };
        tx.insert_product(&row).await?;
        let paragraphs: Vec<(String, String)> = c
            .paragraphs
            .iter()
            .map(|p| (p.marking.label(), p.body.clone()))
            .collect();
        tx.replace_product_paragraphs(row.id, &paragraphs).await?;
        tx.replace_product_sources(row.id, &c.sources).await?;
        tx.replace_product_links(row.id, &c.links).await?;
        let recipients = product::recipients_of(&c.base);
        tx.replace_product_recipients(row.id, &recipients).await?;
        let mut changes = json!({
            "kind": {"from": null, "to": row.kind},
            "title": {"from": null, "to": row.title},
            "marking": {"from": null, "to": row.marking},
            "state": {"from": null, "to": row.state},
            "paragraphs": {"from": null, "to": paragraphs.len()},
        });
        if !recipients.is_empty() {
            // Who a RED product is for, by account id only.
            changes["recipients"] = json!({"from": null, "to": recipients});
        }
        audit::Entry::new("product.create", "product", row.id)
            .changes(changes)
            .record(tx, cap.actor(), meta, at)
            .await?;
        Ok(row.id)
    }

    /// Edits a draft: its author, or the Board and the Program Manager. Refused when the
    /// editor may not see every paragraph (saving would lose what they cannot see).
    pub async fn edit_product(
        &self,
        cap: &ProductWriter<'_>,
        id: Uuid,
        input: &ProductInput,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let at = now();
        let mut tx = self.store.begin().await?;
        let l = self.product_for_change(&mut tx, cap.actor(), id).await?;
        if !cap.may_edit(l.row.author_id) {
            return Err(AppError::Forbidden);
        }
        let state = state_of(&l.row)?;
        if state != State::Draft {
            return Err(AppError::Conflict(format!(
                "only drafts are edited; this product is {}. Ask a reviewer to send it back first",
                state.label().to_lowercase()
            )));
        }
        self.check_sees_everything(&mut tx, cap.actor(), &l.row, at)
            .await?;
        let (named, problems) = resolve_recipients(&mut tx, input).await?;
        let c = check_input_named(input, l.row.author_id, named, problems)?;
        self.check_supersedes(&mut tx, Some(id), c.supersedes)
            .await?;
        let marking = product::product_marking(&c.base, &c.paragraphs);
        let mut row = l.row.clone();
        row.kind = c.kind.as_str().into();
        row.title = c.title;
        row.summary = c.summary;
        row.tags = terms_json(&c.tags);
        row.base_marking = c.base.label();
        row.marking = marking.label();
        row.supersedes = c.supersedes;
        row.updated_at = at;
        tx.update_product(&row, State::Draft.as_str()).await?;
        let paragraphs: Vec<(String, String)> = c
            .paragraphs
            .iter()
            .map(|p| (p.marking.label(), p.body.clone()))
            .collect();
        tx.replace_product_paragraphs(id, &paragraphs).await?;
        tx.replace_product_sources(id, &c.sources).await?;
        tx.replace_product_links(id, &c.links).await?;
        let before: Vec<Uuid> = recipients_of(&mut tx, id).await?.into_iter().collect();
        let recipients = product::recipients_of(&c.base);
        tx.replace_product_recipients(id, &recipients).await?;
        let mut changes = json!({
            "kind": {"from": l.row.kind, "to": row.kind},
            "title": {"from": l.row.title, "to": row.title},
            "marking": {"from": l.row.marking, "to": row.marking},
            "paragraphs": {"to": paragraphs.len()},
        });
        if before != recipients {
            changes["recipients"] = json!({"from": before, "to": recipients});
        }
        audit::Entry::new("product.edit", "product", id)
            .changes(changes)
            .commit(tx, cap.actor(), meta, at)
            .await
    }

    /// Reads a product for a change by `actor`, answering as if it did not exist when they
    /// may not know of it.
    async fn product_for_change(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        id: Uuid,
    ) -> AppResult<ProductListing> {
        let l = tx.get_product(id).await?;
        let state = state_of(&l.row)?;
        let base = base_of(tx, &l.row).await?;
        let reader = reader_in(tx, actor, now()).await?;
        let cap = actor.read_products();
        if access(self, &cap, &reader, &l.row, state, &base).is_none() {
            return Err(AppError::NotFound);
        }
        Ok(l)
    }

    async fn check_sees_everything(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        row: &ProductRow,
        at: OffsetDateTime,
    ) -> AppResult<()> {
        let reader = reader_in(tx, actor, at).await?;
        let base = base_of(tx, row).await?;
        if base.tlp == Tlp::Red && !base.named_recipients.contains(&actor.user_id) {
            return Err(AppError::Conflict(
                "this product is TLP:RED and does not name you, so you cannot change or approve it; ask its author to add you to the people who may read it".into(),
            ));
        }
        let all_visible = self.may_see(&reader, &base, BOARD).is_allowed()
            && paragraphs_of(tx, row.id)
                .await?
                .iter()
                .all(|p| self.may_see(&reader, &p.marking, BOARD).is_allowed());
        if all_visible {
            Ok(())
        } else {
            Err(AppError::Conflict(
                "this product has paragraphs your markings do not let you see, so you cannot change or approve it; ask someone who holds the need-to-know approval".into(),
            ))
        }
    }

    /// Takes a workflow step. Submitting is for the author (or a manager); the other steps for
    /// the Board and the Program Manager, never approving their own product. Publishing an
    /// alert queues its e-mails in the same transaction.
    pub async fn product_transition(
        &self,
        actor: &Actor,
        id: Uuid,
        action: Action,
        comment: Option<&str>,
        meta: &RequestMeta,
    ) -> AppResult<Published> {
        let comment = optional_multiline_text(comment, COMMENT_MAX)
            .map_err(|e| AppError::invalid("comment", e))?;
        let at = now();
        let mut tx = self.store.begin().await?;
        let l = self.product_for_change(&mut tx, actor, id).await?;
        // Permission first, so a refusal does not depend on the state.
        if action.is_managerial() {
            actor.approve_products().ok_or(AppError::Forbidden)?;
        } else {
            let w = actor.write_products().ok_or(AppError::Forbidden)?;
            if !w.may_edit(l.row.author_id) {
                return Err(AppError::Forbidden);
            }
        }
        let from = state_of(&l.row)?;
        let author = l.row.author_id.unwrap_or_default();
        let to = product::transition(from, action, actor.user_id, author, comment.as_deref())
            .map_err(|e| match e {
                ProductError::CommentRequired(_) => AppError::invalid("comment", e.to_string()),
                other => AppError::Conflict(other.to_string()),
            })?;
        if matches!(action, Action::Approve | Action::Publish) {
            self.check_sees_everything(&mut tx, actor, &l.row, at)
                .await?;
        }
        let mut row = l.row.clone();
        row.state = to.as_str().into();
        row.updated_at = at;
        match action {
            Action::Submit => row.submitted_at = Some(at),
            Action::SendBack => row.reviewer_id = actor.account_id(),
            Action::Approve => {
                row.reviewer_id = actor.account_id();
                row.approver_id = actor.account_id();
                row.approved_at = Some(at);
            }
            Action::Publish => row.published_at = Some(at),
            Action::Withdraw => row.withdrawn_at = Some(at),
        }
        tx.update_product(&row, from.as_str()).await?;
        if let Some(c) = &comment {
            tx.insert_product_comment(id, actor.account_id(), Some(action.as_str()), c, at)
                .await?;
        }
        let mut published = Published::default();
        let mut superseded = None;
        if action == Action::Publish {
            if let Some(old) = row.supersedes
                && let Ok(mut o) = tx.get_product(old).await.map(|l| l.row)
                && o.state == State::Published.as_str()
            {
                o.state = State::Superseded.as_str().into();
                o.superseded_by = Some(id);
                o.withdrawn_at = Some(at);
                o.updated_at = at;
                tx.update_product(&o, State::Published.as_str()).await?;
                audit::Entry::new("product.supersede", "product", old)
                    .changes(json!({
                        "state": {"from": "published", "to": "superseded"},
                        "superseded_by": {"from": null, "to": id.to_string()},
                    }))
                    .record(&mut tx, actor, meta, at)
                    .await?;
                superseded = Some(old);
            }
            if kind_of(&row)? == Kind::Alert {
                published.messages = self.queue_alert(&mut tx, &row, at).await?;
            }
        }
        audit::Entry::new(
            match action {
                Action::Submit => "product.submit",
                Action::SendBack => "product.send_back",
                Action::Approve => "product.approve",
                Action::Publish => "product.publish",
                Action::Withdraw => "product.withdraw",
            },
            "product",
            id,
        )
        .changes(json!({
            "title": {"from": null, "to": row.title},
            "state": {"from": from.as_str(), "to": to.as_str()},
            "marking": {"from": null, "to": row.marking},
            "comment_written": {"from": null, "to": comment.is_some()},
            "alert_emails": {"from": null, "to": published.messages},
            "superseded": {"from": null, "to": superseded.map(|s| s.to_string())},
        }))
        .commit(tx, actor, meta, at)
        .await?;
        Ok(published)
    }

    /// Queues the alert's e-mail to every active account that may see its base marking, with
    /// the paragraphs that person may see and the label in the subject, before the text and
    /// after it.
    async fn queue_alert(
        &self,
        tx: &mut Tx,
        row: &ProductRow,
        at: OffsetDateTime,
    ) -> AppResult<usize> {
        let base = base_of(tx, row).await?;
        let paragraphs = paragraphs_of(tx, row.id).await?;
        let doc = product::document(BOARD, paragraphs);
        let users = tx.list_users(&UserQuery::default()).await?;
        let mut queued = 0;
        for u in users {
            if u.status != "active" {
                continue;
            }
            let actor = crate::accounts::actor_for(tx, &u).await?;
            let reader = reader_in(tx, &actor, at).await?;
            if !self.may_see(&reader, &base, BOARD).is_allowed() {
                continue;
            }
            let red = doc.redact_for(&reader, &self.config.sharing);
            let banner = Marking::highest(
                std::iter::once(&base).chain(red.visible.iter().map(|p| &p.marking)),
            );
            let label = banner.label();
            let subject = format!("[{label}] Urgent alert: {}", row.title);
            let mut body = format!(
                "{label}\n\nUrgent alert: {}\n\n{}\n\n",
                row.title, row.summary
            );
            for p in &red.visible {
                if p.marking != base {
                    body.push_str(&format!("({}) ", p.marking.label()));
                }
                body.push_str(&p.body);
                body.push_str("\n\n");
            }
            if red.withheld > 0 {
                body.push_str(&withheld_notice(red.withheld));
                body.push_str("\n\n");
            }
            body.push_str(&format!(
                "Read it on the Cyber Navigator Program site: {}/sharing/{}\n\n{label}\n",
                self.config.base_url, row.id
            ));
            tx.enqueue_email("product_alert", &u.email, &subject, &body, at)
                .await?;
            queued += 1;
        }
        Ok(queued)
    }

    /// The products `actor` may know of, for the list: released products whose base marking
    /// they may see, then (for the desk) unpublished ones; published ones ordered by how they
    /// match the reader's authorities' information needs, then newest first.
    pub async fn list_products(
        &self,
        cap: &ProductReader<'_>,
        at: OffsetDateTime,
    ) -> AppResult<Vec<ProductSummary>> {
        let mut tx = self.store.read().await?;
        let reader = reader_in(&mut tx, cap.actor(), at).await?;
        let needs = needs_for(&mut tx, cap.actor()).await?;
        let mut out = Vec::new();
        for l in tx.list_products().await? {
            let state = state_of(&l.row)?;
            let kind = kind_of(&l.row)?;
            let base = base_of(&mut tx, &l.row).await?;
            let Some(content) = access(self, cap, &reader, &l.row, state, &base) else {
                continue;
            };
            out.push(summary_of(&l, kind, state, &base, content, &needs)?);
        }
        let rank = |s: &ProductSummary| match s.state {
            State::Published => 0,
            State::Draft | State::Review | State::Approved => 1,
            State::Withdrawn | State::Superseded => 2,
        };
        out.sort_by(|a, b| {
            rank(a)
                .cmp(&rank(b))
                .then(b.relevance.score.cmp(&a.relevance.score))
                .then(
                    b.published_at
                        .unwrap_or(b.updated_at)
                        .cmp(&a.published_at.unwrap_or(a.updated_at)),
                )
        });
        Ok(out)
    }

    /// One product as `actor` may see it at `at`; answered as not found when they may not
    /// know of it.
    pub async fn read_product(
        &self,
        cap: &ProductReader<'_>,
        id: Uuid,
        at: OffsetDateTime,
    ) -> AppResult<ProductView> {
        let mut tx = self.store.read().await?;
        let l = tx.get_product(id).await?;
        let state = state_of(&l.row)?;
        let kind = kind_of(&l.row)?;
        let base = base_of(&mut tx, &l.row).await?;
        let reader = reader_in(&mut tx, cap.actor(), at).await?;
        let Some(content) = access(self, cap, &reader, &l.row, state, &base) else {
            return Err(AppError::NotFound);
        };
        let needs = needs_for(&mut tx, cap.actor()).await?;
        let summary = summary_of(&l, kind, state, &base, content, &needs)?;
        let (paragraphs, withheld, banner, sources, links) = if content {
            let doc = product::document(BOARD, paragraphs_of(&mut tx, id).await?);
            let red = doc.redact_for(&reader, &self.config.sharing);
            let banner = Marking::highest(
                std::iter::once(&base).chain(red.visible.iter().map(|p| &p.marking)),
            );
            let visible: Vec<Paragraph<String>> = red.visible.into_iter().cloned().collect();
            let links = tx
                .product_links(id)
                .await?
                .into_iter()
                .map(|l| LinkInput {
                    kind: l.kind,
                    reference: l.reference,
                })
                .collect();
            (
                visible,
                red.withheld,
                banner,
                tx.product_sources(id).await?,
                links,
            )
        } else {
            (Vec::new(), 0, base.clone(), Vec::new(), Vec::new())
        };
        let desk = cap.sees_unpublished_body_by(l.row.author_id);
        let comments = if desk && content {
            tx.product_comments(id).await?
        } else {
            Vec::new()
        };
        let actor = cap.actor();
        let mut actions = Vec::new();
        if content {
            for a in product::next_actions(state) {
                let allowed = if a.is_managerial() {
                    actor.approve_products().is_some()
                        && !(a == Action::Approve && l.row.author_id == Some(actor.user_id))
                } else {
                    actor
                        .write_products()
                        .is_some_and(|w| w.may_edit(l.row.author_id))
                };
                // Approving and publishing need every paragraph in sight (see
                // `check_sees_everything`); the other steps do not.
                let blind = withheld > 0 && matches!(a, Action::Approve | Action::Publish);
                if allowed && !blind {
                    actions.push(a);
                }
            }
        }
        let recipients = if content && base.tlp == Tlp::Red {
            tx.product_recipients(id).await?
        } else {
            Vec::new()
        };
        let editable = state == State::Draft
            && content
            && withheld == 0
            && actor
                .write_products()
                .is_some_and(|w| w.may_edit(l.row.author_id));
        Ok(ProductView {
            summary,
            banner,
            base_marking: base,
            paragraphs,
            withheld,
            sources,
            links,
            comments,
            metadata_only: !content,
            author_id: l.row.author_id,
            approver_id: l.row.approver_id,
            supersedes: l.row.supersedes,
            superseded_by: l.row.superseded_by,
            actions,
            editable,
            recipients,
        })
    }

    /// A draft as its input, for the edit form; refused as [`App::edit_product`] refuses.
    pub async fn product_for_edit(
        &self,
        cap: &ProductWriter<'_>,
        id: Uuid,
    ) -> AppResult<ProductInput> {
        let at = now();
        let mut tx = self.store.read().await?;
        let l = self.product_for_change(&mut tx, cap.actor(), id).await?;
        if !cap.may_edit(l.row.author_id) {
            return Err(AppError::Forbidden);
        }
        self.check_sees_everything(&mut tx, cap.actor(), &l.row, at)
            .await?;
        let base = base_of(&mut tx, &l.row).await?;
        let paragraphs = paragraphs_of(&mut tx, id).await?;
        // The author is always named; the form lists the others.
        let recipients = base
            .named_recipients
            .iter()
            .filter(|p| Some(**p) != l.row.author_id)
            .map(Uuid::to_string)
            .collect();
        Ok(ProductInput {
            kind: l.row.kind.clone(),
            title: l.row.title.clone(),
            summary: l.row.summary.clone(),
            base_marking: base.label(),
            body: product::write_body(&paragraphs, &base),
            tags: stored_terms(&l.row.tags)?.join(", "),
            sources: tx.product_sources(id).await?.join("\n"),
            links: tx
                .product_links(id)
                .await?
                .into_iter()
                .map(|l| LinkInput {
                    kind: l.kind,
                    reference: l.reference,
                })
                .collect(),
            supersedes: l.row.supersedes,
            recipients,
        })
    }

    /// Active accounts a TLP:RED product may name whose name, e-mail address or organisation
    /// contains `term`, at most 20; and those of the people `chosen` (ids the browser sends
    /// back as ticked) still active, so a form filtered again keeps what was ticked. An id of
    /// a disabled or unknown account shows nothing of it. For those who write products.
    pub async fn recipient_choices(
        &self,
        _cap: &ProductWriter<'_>,
        term: &str,
        chosen: &[Uuid],
    ) -> AppResult<(Vec<RecipientRow>, Vec<RecipientRow>)> {
        let mut tx = self.store.read().await?;
        let chosen: Vec<RecipientRow> = tx
            .people_by_id(chosen)
            .await?
            .into_iter()
            .filter(|p| p.status == "active")
            .collect();
        let found = if term.trim().chars().count() >= 2 {
            tx.find_active_people(term, 20)
                .await?
                .into_iter()
                .filter(|p| !chosen.iter().any(|c| c.id == p.id))
                .collect()
        } else {
            Vec::new()
        };
        Ok((chosen, found))
    }

    /// The people a draft names (saved, or sent with a form that failed), whatever their
    /// account's state, so the author sees who can no longer be named instead of losing them
    /// without a word. Unknown ids are left out. For those who write products.
    pub async fn named_recipients(
        &self,
        _cap: &ProductWriter<'_>,
        named: &[Uuid],
    ) -> AppResult<Vec<RecipientRow>> {
        let mut tx = self.store.read().await?;
        Ok(tx.people_by_id(named).await?)
    }

    /// An authority's information needs (empty when it stated none) and when they were last
    /// set.
    pub async fn information_needs(
        &self,
        cap: &NeedsReader<'_>,
    ) -> AppResult<(InformationNeeds, Option<OffsetDateTime>)> {
        let mut tx = self.store.read().await?;
        let ea = cap.election_authority();
        tx.get_election_authority(ea).await?;
        match tx.information_needs(ea).await? {
            Some(n) => Ok((
                InformationNeeds {
                    topics: stored_terms(&n.topics)?,
                    systems: stored_terms(&n.systems)?,
                    vendors: stored_terms(&n.vendors)?,
                },
                Some(n.updated_at),
            )),
            None => Ok((InformationNeeds::default(), None)),
        }
    }

    /// Sets an authority's information needs from three comma- or line-separated lists.
    pub async fn set_information_needs(
        &self,
        cap: &NeedsEditor<'_>,
        topics: &str,
        systems: &str,
        vendors: &str,
        meta: &RequestMeta,
    ) -> AppResult<InformationNeeds> {
        let mut errors = FieldErrors::new();
        let topics = errors.check("topics", parse_terms(topics));
        let systems = errors.check("systems", parse_terms(systems));
        let vendors = errors.check("vendors", parse_terms(vendors));
        let (Some(topics), Some(systems), Some(vendors)) = (topics, systems, vendors) else {
            return Err(errors.into());
        };
        let ea = cap.election_authority();
        let at = now();
        let mut tx = self.store.begin().await?;
        tx.get_election_authority(ea).await?;
        let before = tx.information_needs(ea).await?;
        let count = |raw: Option<&String>| -> AppResult<Option<usize>> {
            raw.map(|r| stored_terms(r).map(|v| v.len())).transpose()
        };
        let row = NeedsRow {
            election_authority_id: ea,
            topics: terms_json(&topics),
            systems: terms_json(&systems),
            vendors: terms_json(&vendors),
            updated_at: at,
            updated_by: cap.actor().account_id(),
        };
        tx.put_information_needs(&row).await?;
        // The terms can say which systems and vendors a county runs: the audit keeps counts.
        audit::Entry::new("information_needs.set", "election_authority", ea)
            .changes(json!({
                "topics": {"from": count(before.as_ref().map(|b| &b.topics))?, "to": topics.len()},
                "systems": {"from": count(before.as_ref().map(|b| &b.systems))?, "to": systems.len()},
                "vendors": {"from": count(before.as_ref().map(|b| &b.vendors))?, "to": vendors.len()},
            }))
            .commit(tx, cap.actor(), meta, at)
            .await?;
        Ok(InformationNeeds {
            topics,
            systems,
            vendors,
        })
    }
}

/// The sentence that tells a reader something was withheld, without saying what or how long.
pub fn withheld_notice(n: usize) -> String {
    format!(
        "{n} paragraph{} of this product {} withheld because {} marked for readers with access you do not hold (a TLP level or a need-to-know approval for FOUO). Ask the Program Manager if your work needs {}.",
        if n == 1 { "" } else { "s" },
        if n == 1 { "was" } else { "were" },
        if n == 1 { "it is" } else { "they are" },
        if n == 1 { "it" } else { "them" },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input() -> ProductInput {
        ProductInput {
            kind: "note".into(),
            title: "Phishing against county e-mail".into(),
            summary: "Lures posing as the Board.".into(),
            base_marking: "TLP:GREEN".into(),
            body: "Everyone.\n\n(TLP:AMBER FOUO) Sender addresses.".into(),
            tags: "phishing, e-mail".into(),
            sources: "MS-ISAC\n\nCISA AA24-060A".into(),
            links: vec![LinkInput {
                kind: "stix".into(),
                reference: "report--4c7b2d44-55a3-4f0e-9d6b-8c9a4b3f2e1d".into(),
            }],
            supersedes: None,
            recipients: Vec::new(),
        }
    }

    #[test]
    fn input_is_checked_field_by_field() {
        let c = check_input(&input()).unwrap();
        assert_eq!(c.paragraphs.len(), 2);
        assert_eq!(c.sources, vec!["MS-ISAC", "CISA AA24-060A"]);
        let bad = ProductInput {
            kind: "memo".into(),
            title: " ".into(),
            summary: "".into(),
            base_marking: "TLP:PURPLE".into(),
            body: "x".into(),
            tags: "a".repeat(200),
            sources: "".into(),
            links: vec![LinkInput {
                kind: "stix".into(),
                reference: "report--nope".into(),
            }],
            supersedes: None,
            recipients: Vec::new(),
        };
        let e = check_input(&bad).err().unwrap();
        let fields: Vec<_> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(
            fields,
            vec!["kind", "title", "summary", "base_marking", "tags", "links"]
        );
        let e = check_input(&ProductInput {
            body: "Fine.\n\n(TLP:AMBR) typo".into(),
            ..input()
        })
        .err()
        .unwrap();
        assert_eq!(e.0[0].field, "body");
        assert!(e.0[0].message.contains("paragraph 2"), "{}", e.0[0].message);
    }

    #[test]
    fn red_names_people_besides_the_author_and_other_levels_name_none() {
        let author = Uuid::from_u128(1);
        let red = ProductInput {
            base_marking: "TLP:RED".into(),
            body: "For the two of you.\n\n(TLP:GREEN) Advice anyone may read.".into(),
            recipients: vec!["clerk@example.gov".into()],
            ..input()
        };
        let e = check_input_named(&red, Some(author), BTreeSet::new(), Vec::new())
            .err()
            .unwrap();
        assert_eq!(e.0.len(), 1);
        assert_eq!(e.0[0].field, "recipients");
        assert!(e.0[0].message.contains("is required for TLP:RED"));
        let e = check_input_named(
            &red,
            Some(author),
            BTreeSet::new(),
            vec!["no account has the e-mail address x@example.gov; only people with an account can be named".into()],
        )
        .err()
        .unwrap();
        assert_eq!(e.0.len(), 1);
        assert!(e.0[0].message.contains("x@example.gov"));
        let c = check_input_named(
            &red,
            Some(author),
            BTreeSet::from([Uuid::from_u128(2)]),
            Vec::new(),
        )
        .unwrap();
        assert_eq!(
            c.base.named_recipients,
            BTreeSet::from([author, Uuid::from_u128(2)])
        );
        assert_eq!(
            c.paragraphs[0].marking.named_recipients,
            c.base.named_recipients
        );
        assert!(c.paragraphs[1].marking.named_recipients.is_empty());
        let green = ProductInput {
            recipients: vec!["clerk@example.gov".into()],
            ..input()
        };
        let e = check_input_named(
            &green,
            Some(author),
            BTreeSet::from([Uuid::from_u128(2)]),
            Vec::new(),
        )
        .err()
        .unwrap();
        assert_eq!(e.0[0].field, "recipients");
        assert!(e.0[0].message.contains("only for TLP:RED"));
    }

    #[test]
    fn the_withheld_notice_gives_a_count_only() {
        assert!(withheld_notice(1).starts_with("1 paragraph of this product was withheld"));
        assert!(withheld_notice(3).starts_with("3 paragraphs of this product were withheld"));
    }
}
