//! API tokens: named, stored hashed, revocable, with their last-used time.

use cybernav_core::authz::Actor;
use cybernav_core::secret;
use cybernav_core::validation::clean_text;
use cybernav_store::now;
use cybernav_store::users::ApiTokenRow;
use serde_json::json;
use time::Duration;
use uuid::Uuid;

use crate::accounts::{actor_for, status};
use crate::cache::CheckedToken;
use crate::{App, AppError, AppResult, RequestMeta, audit};

impl App {
    /// Creates a token for `actor`; the token is returned once and stored only as a hash.
    pub async fn create_api_token(
        &self,
        actor: &Actor,
        name: &str,
        meta: &RequestMeta,
    ) -> AppResult<(Uuid, String)> {
        let name = clean_text(name, 100).map_err(|e| AppError::invalid("name", e))?;
        let now = now();
        let token = secret::generate_api_token();
        let id = Uuid::new_v4();
        let mut tx = self.store.begin().await?;
        tx.insert_api_token(id, actor.user_id, &name, &secret::hash_token(&token), now)
            .await?;
        audit::Entry::new("api_token.create", "api_token", id)
            .changes(json!({"name": {"from": null, "to": name}}))
            .commit(tx, actor, meta, now)
            .await?;
        Ok((id, token))
    }

    /// The actor's tokens (metadata only).
    pub async fn list_api_tokens(&self, actor: &Actor) -> AppResult<Vec<ApiTokenRow>> {
        let mut tx = self.store.read().await?;
        Ok(tx.list_api_tokens(actor.user_id).await?)
    }

    /// Revokes one of the actor's own tokens.
    pub async fn revoke_api_token(
        &self,
        actor: &Actor,
        id: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<()> {
        let now = now();
        let mut tx = self.store.begin().await?;
        if !tx.revoke_api_token(actor.user_id, id, now).await? {
            return Err(AppError::NotFound);
        }
        audit::Entry::new("api_token.revoke", "api_token", id)
            .changes(json!({"revoked": {"from": false, "to": true}}))
            .commit(tx, actor, meta, now)
            .await?;
        Ok(())
    }

    /// The actor a bearer token belongs to, if it is live and its account active. Use is
    /// recorded at most once a minute. Checked tokens are remembered for a few seconds (see
    /// [`crate::cache`]), so most calls make no query.
    pub async fn authenticate_api_token(&self, token: &str) -> AppResult<Option<Actor>> {
        if !token.starts_with(secret::API_TOKEN_PREFIX) {
            return Ok(None);
        }
        let hash = secret::hash_token(token);
        let epoch = self.store.write_epoch();
        let checked = match self.tokens.get(&hash, epoch) {
            Some(hit) => hit,
            None => {
                let Some(read) = self.read_api_token(&hash).await? else {
                    return Ok(None);
                };
                self.tokens.get_or_put(hash.clone(), epoch, read)
            }
        };
        let now = now();
        let due = |t: &CheckedToken| {
            t.last_used_at
                .is_none_or(|at| now - at > Duration::minutes(1))
        };
        // Of requests arriving together, only the one that claims the use in memory writes it.
        let record_use = due(&checked)
            && self
                .tokens
                .update(&hash, epoch, |t| {
                    let claimed = due(t);
                    t.last_used_at = Some(now);
                    claimed
                })
                .unwrap_or(true);
        if record_use {
            let mut w = self.store.begin_bookkeeping().await?;
            w.touch_api_token(checked.token_id, now).await?;
            w.commit().await?;
        }
        Ok(Some(checked.actor))
    }

    async fn read_api_token(&self, hash: &str) -> AppResult<Option<CheckedToken>> {
        let mut tx = self.store.read().await?;
        let Some(row) = tx.find_api_token(hash).await? else {
            return Ok(None);
        };
        let user = tx.get_user(row.user_id).await?;
        if user.status != status::ACTIVE {
            return Ok(None);
        }
        Ok(Some(CheckedToken {
            token_id: row.id,
            actor: actor_for(&mut tx, &user).await?,
            last_used_at: row.last_used_at,
        }))
    }
}
