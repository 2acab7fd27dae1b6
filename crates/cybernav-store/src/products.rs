//! Intelligence products of the sharing desk (213.30(a)(4), (6), (7)): the product, its
//! paragraphs with their markings, sources, links, review comments, and each authority's
//! information needs. Markings are stored as label text; tags and need terms as JSON arrays.

use crate::utc;
use time::OffsetDateTime;
use uuid::Uuid;

use crate::{StoreError, StoreResult, Tx, with_conn};

/// A product, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductRow {
    /// Id.
    pub id: Uuid,
    /// `note`, `bulletin` or `alert`.
    pub kind: String,
    /// Title.
    pub title: String,
    /// One-paragraph summary (carries the base marking).
    pub summary: String,
    /// Tags as a JSON array of strings.
    pub tags: String,
    /// The base marking's label: the title's, the summary's and unmarked paragraphs'.
    pub base_marking: String,
    /// The product's marking's label: at least the base and every paragraph's.
    pub marking: String,
    /// Workflow state identifier.
    pub state: String,
    /// Who wrote it.
    pub author_id: Option<Uuid>,
    /// Who last sent it back or approved it.
    pub reviewer_id: Option<Uuid>,
    /// Who approved it.
    pub approver_id: Option<Uuid>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// Last submitted for review.
    pub submitted_at: Option<OffsetDateTime>,
    /// Approved.
    pub approved_at: Option<OffsetDateTime>,
    /// Published.
    pub published_at: Option<OffsetDateTime>,
    /// Withdrawn or superseded.
    pub withdrawn_at: Option<OffsetDateTime>,
    /// The published product this one replaces once published.
    pub supersedes: Option<Uuid>,
    /// The product that replaced this one.
    pub superseded_by: Option<Uuid>,
}

/// A product with its author's name.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ProductListing {
    /// The product.
    #[sqlx(flatten)]
    pub row: ProductRow,
    /// The author's name.
    pub author_name: Option<String>,
}

/// One paragraph, as stored.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ParagraphRow {
    /// Position, from 0.
    pub position: i32,
    /// Marking label.
    pub marking: String,
    /// Markdown text (without its portion mark).
    pub body: String,
}

/// A link to an indicator or a STIX object.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct LinkRow {
    /// `indicator` or `stix`.
    pub kind: String,
    /// The indicator's id or the STIX id.
    pub reference: String,
}

/// A review comment.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct CommentRow {
    /// Id.
    pub id: Uuid,
    /// Who wrote it.
    pub author_id: Option<Uuid>,
    /// Their name.
    pub author_name: Option<String>,
    /// The step it came with (`send_back`, `withdraw`), if any.
    pub action: Option<String>,
    /// Text.
    pub body: String,
    /// When.
    pub created_at: OffsetDateTime,
}

/// An authority's information needs, as stored (JSON arrays of strings).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct NeedsRow {
    /// The authority.
    pub election_authority_id: Uuid,
    /// Topics.
    pub topics: String,
    /// Systems.
    pub systems: String,
    /// Vendors.
    pub vendors: String,
    /// Last changed.
    pub updated_at: OffsetDateTime,
    /// By whom.
    pub updated_by: Option<Uuid>,
}

/// A person a TLP:RED product may name or names: their account and organisation.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct RecipientRow {
    /// The account.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// E-mail address.
    pub email: String,
    /// Role identifier.
    pub role: String,
    /// `invited`, `active` or `disabled`.
    pub status: String,
    /// Their election authority's or partner's name; `None` for the Board's people.
    pub organisation: Option<String>,
}

const RECIPIENT_SELECT: &str = "SELECT u.id, u.name, u.email, u.role, u.status, COALESCE(ea.name, po.name) AS organisation \
     FROM users u LEFT JOIN election_authorities ea ON ea.id = u.election_authority_id \
     LEFT JOIN partner_orgs po ON po.id = u.partner_org_id";

const COLUMNS: &str = "p.id, p.kind, p.title, p.summary, p.tags, p.base_marking, p.marking, p.state, p.author_id, \
     p.reviewer_id, p.approver_id, p.created_at, p.updated_at, p.submitted_at, p.approved_at, p.published_at, \
     p.withdrawn_at, p.supersedes, p.superseded_by";

impl Tx {
    /// Stores a new product (its paragraphs, sources and links separately).
    pub async fn insert_product(&mut self, r: &ProductRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO products (id, kind, title, summary, tags, base_marking, marking, state, author_id, created_at, updated_at, supersedes) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
            )
            .bind(r.id)
            .bind(&r.kind)
            .bind(&r.title)
            .bind(&r.summary)
            .bind(&r.tags)
            .bind(&r.base_marking)
            .bind(&r.marking)
            .bind(&r.state)
            .bind(r.author_id)
            .bind(utc(r.created_at))
            .bind(utc(r.updated_at))
            .bind(r.supersedes)
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }

    /// Writes every column of a product, only when its stored state is still `expected_state`:
    /// a change that raced another answers [`StoreError::Conflict`].
    pub async fn update_product(
        &mut self,
        r: &ProductRow,
        expected_state: &str,
    ) -> StoreResult<()> {
        let done = with_conn!(self, |c| {
            sqlx::query(
                "UPDATE products SET kind = $3, title = $4, summary = $5, tags = $6, base_marking = $7, marking = $8, \
                 state = $9, reviewer_id = $10, approver_id = $11, updated_at = $12, submitted_at = $13, approved_at = $14, \
                 published_at = $15, withdrawn_at = $16, supersedes = $17, superseded_by = $18 \
                 WHERE id = $1 AND state = $2",
            )
            .bind(r.id)
            .bind(expected_state)
            .bind(&r.kind)
            .bind(&r.title)
            .bind(&r.summary)
            .bind(&r.tags)
            .bind(&r.base_marking)
            .bind(&r.marking)
            .bind(&r.state)
            .bind(r.reviewer_id)
            .bind(r.approver_id)
            .bind(utc(r.updated_at))
            .bind(utc(r.submitted_at))
            .bind(utc(r.approved_at))
            .bind(utc(r.published_at))
            .bind(utc(r.withdrawn_at))
            .bind(r.supersedes)
            .bind(r.superseded_by)
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?
            .rows_affected()
        });
        if done == 0 {
            return Err(StoreError::Conflict(
                "the product changed meanwhile; reload and try again".into(),
            ));
        }
        Ok(())
    }

    /// One product with its author's name.
    pub async fn get_product(&mut self, id: Uuid) -> StoreResult<ProductListing> {
        let sql = format!(
            "SELECT {COLUMNS}, u.name AS author_name FROM products p LEFT JOIN users u ON u.id = p.author_id WHERE p.id = $1"
        );
        let row: Option<ProductListing> = with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(id)
                .fetch_optional(&mut *c)
                .await?
        });
        row.ok_or(StoreError::NotFound)
    }

    /// Every product, newest first (published, else last changed).
    pub async fn list_products(&mut self) -> StoreResult<Vec<ProductListing>> {
        let sql = format!(
            "SELECT {COLUMNS}, u.name AS author_name FROM products p LEFT JOIN users u ON u.id = p.author_id \
             ORDER BY COALESCE(p.published_at, p.updated_at) DESC, p.id"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).fetch_all(&mut *c).await?
        }))
    }

    /// Replaces a product's paragraphs with `(marking label, body)` in order.
    pub async fn replace_product_paragraphs(
        &mut self,
        id: Uuid,
        paragraphs: &[(String, String)],
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM product_paragraphs WHERE product_id = $1")
                .bind(id)
                .execute(&mut *c)
                .await?;
            for (i, (marking, body)) in paragraphs.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO product_paragraphs (product_id, position, marking, body) VALUES ($1, $2, $3, $4)",
                )
                .bind(id)
                .bind(i as i32)
                .bind(marking)
                .bind(body)
                .execute(&mut *c)
                .await?;
            }
        });
        Ok(())
    }

    /// A product's paragraphs, in order.
    pub async fn product_paragraphs(&mut self, id: Uuid) -> StoreResult<Vec<ParagraphRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT position, marking, body FROM product_paragraphs WHERE product_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Replaces a product's sources, in order.
    pub async fn replace_product_sources(
        &mut self,
        id: Uuid,
        sources: &[String],
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM product_sources WHERE product_id = $1")
                .bind(id)
                .execute(&mut *c)
                .await?;
            for (i, s) in sources.iter().enumerate() {
                sqlx::query(
                    "INSERT INTO product_sources (product_id, position, source) VALUES ($1, $2, $3)",
                )
                .bind(id)
                .bind(i as i32)
                .bind(s)
                .execute(&mut *c)
                .await?;
            }
        });
        Ok(())
    }

    /// Sets the people a TLP:RED product is for (replacing any named before).
    pub async fn replace_product_recipients(
        &mut self,
        id: Uuid,
        people: &[Uuid],
    ) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM product_recipients WHERE product_id = $1")
                .bind(id)
                .execute(&mut *c)
                .await?;
            for person in people {
                sqlx::query(
                    "INSERT INTO product_recipients (product_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(person)
                .execute(&mut *c)
                .await?;
            }
        });
        Ok(())
    }

    /// The people a TLP:RED product is for, by name, with their organisation's name.
    pub async fn product_recipients(&mut self, id: Uuid) -> StoreResult<Vec<RecipientRow>> {
        let sql = format!(
            "{RECIPIENT_SELECT} JOIN product_recipients r ON r.user_id = u.id WHERE r.product_id = $1 ORDER BY u.name, u.email"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql).bind(id).fetch_all(&mut *c).await?
        }))
    }

    /// Active accounts whose name, e-mail address or organisation contains `term` (ignoring
    /// case), by name, at most `limit`: the people a TLP:RED product may name.
    pub async fn find_active_people(
        &mut self,
        term: &str,
        limit: i64,
    ) -> StoreResult<Vec<RecipientRow>> {
        let pattern = format!(
            "%{}%",
            term.trim()
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let sql = format!(
            "{RECIPIENT_SELECT} WHERE u.status = 'active' AND (LOWER(u.name) LIKE $1 ESCAPE '\\' \
             OR LOWER(u.email) LIKE $1 ESCAPE '\\' OR LOWER(COALESCE(ea.name, po.name, '')) LIKE $1 ESCAPE '\\') \
             ORDER BY u.name, u.email LIMIT $2"
        );
        Ok(with_conn!(self, |c| {
            sqlx::query_as(&sql)
                .bind(&pattern)
                .bind(limit)
                .fetch_all(&mut *c)
                .await?
        }))
    }

    /// These accounts (any status), with their organisation's name; unknown ids are left out.
    pub async fn people_by_id(&mut self, ids: &[Uuid]) -> StoreResult<Vec<RecipientRow>> {
        let sql = format!("{RECIPIENT_SELECT} WHERE u.id = $1");
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Option<RecipientRow> = with_conn!(self, |c| {
                sqlx::query_as(&sql)
                    .bind(id)
                    .fetch_optional(&mut *c)
                    .await?
            });
            out.extend(row);
        }
        Ok(out)
    }

    /// A product's sources, in order.
    pub async fn product_sources(&mut self, id: Uuid) -> StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT source FROM product_sources WHERE product_id = $1 ORDER BY position",
            )
            .bind(id)
            .fetch_all(&mut *c)
            .await?
        });
        Ok(rows.into_iter().map(|(s,)| s).collect())
    }

    /// Replaces a product's links.
    pub async fn replace_product_links(&mut self, id: Uuid, links: &[LinkRow]) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query("DELETE FROM product_links WHERE product_id = $1")
                .bind(id)
                .execute(&mut *c)
                .await?;
            for l in links {
                sqlx::query(
                    "INSERT INTO product_links (product_id, kind, reference) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(&l.kind)
                .bind(&l.reference)
                .execute(&mut *c)
                .await?;
            }
        });
        Ok(())
    }

    /// A product's links, by kind then reference.
    pub async fn product_links(&mut self, id: Uuid) -> StoreResult<Vec<LinkRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT kind, reference FROM product_links WHERE product_id = $1 ORDER BY kind, reference",
            )
            .bind(id)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// Adds a review comment.
    pub async fn insert_product_comment(
        &mut self,
        product: Uuid,
        author: Option<Uuid>,
        action: Option<&str>,
        body: &str,
        at: OffsetDateTime,
    ) -> StoreResult<Uuid> {
        let id = Uuid::new_v4();
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO product_comments (id, product_id, author_id, action, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(product)
            .bind(author)
            .bind(action)
            .bind(body)
            .bind(utc(at))
            .execute(&mut *c)
            .await?;
        });
        Ok(id)
    }

    /// A product's review comments, oldest first.
    pub async fn product_comments(&mut self, product: Uuid) -> StoreResult<Vec<CommentRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT c.id, c.author_id, u.name AS author_name, c.action, c.body, c.created_at \
                 FROM product_comments c LEFT JOIN users u ON u.id = c.author_id \
                 WHERE c.product_id = $1 ORDER BY c.created_at, c.id",
            )
            .bind(product)
            .fetch_all(&mut *c)
            .await?
        }))
    }

    /// An authority's information needs, if it stated any.
    pub async fn information_needs(&mut self, ea: Uuid) -> StoreResult<Option<NeedsRow>> {
        Ok(with_conn!(self, |c| {
            sqlx::query_as(
                "SELECT election_authority_id, topics, systems, vendors, updated_at, updated_by \
                 FROM information_needs WHERE election_authority_id = $1",
            )
            .bind(ea)
            .fetch_optional(&mut *c)
            .await?
        }))
    }

    /// Sets an authority's information needs.
    pub async fn put_information_needs(&mut self, r: &NeedsRow) -> StoreResult<()> {
        with_conn!(self, |c| {
            sqlx::query(
                "INSERT INTO information_needs (election_authority_id, topics, systems, vendors, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (election_authority_id) DO UPDATE SET \
                 topics = excluded.topics, systems = excluded.systems, vendors = excluded.vendors, \
                 updated_at = excluded.updated_at, updated_by = excluded.updated_by",
            )
            .bind(r.election_authority_id)
            .bind(&r.topics)
            .bind(&r.systems)
            .bind(&r.vendors)
            .bind(utc(r.updated_at))
            .bind(r.updated_by)
            .execute(&mut *c)
            .await
            .map_err(StoreError::classify)?;
        });
        Ok(())
    }
}
