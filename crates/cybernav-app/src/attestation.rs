//! Written verification (Part 213.50(b)): a navigator verifies 213.50(a)(3) to the Program
//! Manager, the Program Manager verifies 213.50(a) to the Board. Each verification is a
//! document the platform signs with its Ed25519 key ([`cybernav_core::attestation`]), stored
//! whole and audited in the same transaction. A listing says when the facts have changed since
//! signing (the attestation is then *stale*: it no longer describes what is recorded).

use std::collections::HashMap;

use cybernav_core::FieldErrors;
use cybernav_core::attestation::{
    Attestation, AttestationInput, AttestationKind, Named, PlatformKey, SetReference, SignedFile,
    SignerInfo, attested_requirements, facts_digest, unmet,
};
use cybernav_core::authz::{Actor, NavigatorAttester, ProgramManagerAttester, RegistryReader};
use cybernav_store::attestation::{AttestationRow, SigningKeyRow};
use cybernav_store::{StoreError, Tx, now};
use serde_json::json;
use uuid::Uuid;

use crate::participation::standing;
use crate::{App, AppError, AppResult, RequestMeta, audit};

/// The purpose the attestation key is stored under.
const PURPOSE: &str = "attestation";

/// A stored attestation with its signed file.
#[derive(Debug, Clone)]
pub struct StoredAttestation {
    /// As stored.
    pub row: AttestationRow,
    /// The signed file, parsed.
    pub file: SignedFile,
}

/// An attestation in a listing, with whether the facts changed since it was signed.
#[derive(Debug, Clone)]
pub struct ListedAttestation {
    /// The attestation.
    pub attestation: StoredAttestation,
    /// The digest of the facts as recorded now.
    pub current_digest: String,
    /// The facts (or their standing) changed since signing: the document no longer describes
    /// what is recorded, and a new verification is needed.
    pub stale: bool,
}

/// The platform's public key, as published for verifiers.
#[derive(Debug, Clone)]
pub struct PublicKeyInfo {
    /// Ed25519 public key, base64.
    pub public_key: String,
    /// `sha256:` fingerprint.
    pub fingerprint: String,
}

fn parse_file(row: &AttestationRow) -> AppResult<SignedFile> {
    serde_json::from_str(&row.file).map_err(|e| {
        AppError::Store(StoreError::Corrupt(format!(
            "attestations {}: field file: {e}",
            row.id
        )))
    })
}

impl App {
    /// The key attestations are signed with: the operator's (`CYBERNAV_SIGNING_KEY_FILE`) when
    /// configured, else the one in the store, generated on first use.
    async fn signing_key(&self, tx: &mut Tx) -> AppResult<PlatformKey> {
        if let Some(k) = &self.config.signing_key {
            return Ok(k.clone());
        }
        let row = match tx.active_signing_key(PURPOSE).await? {
            Some(r) => r,
            None => {
                let key = PlatformKey::generate();
                tx.ensure_signing_key(
                    &SigningKeyRow {
                        id: Uuid::new_v4(),
                        purpose: PURPOSE.into(),
                        public_key: key.public_base64(),
                        secret_key: key.secret_base64(),
                    },
                    now(),
                )
                .await?
            }
        };
        PlatformKey::from_base64(&row.secret_key).map_err(|e| {
            AppError::Store(StoreError::Corrupt(format!(
                "signing_keys {}: field secret_key: {e}",
                row.id
            )))
        })
    }

    /// The public key attestations are signed with (generating the key on first use), for
    /// `cybernav attestation verify --public-key`.
    pub async fn attestation_public_key(&self) -> AppResult<PublicKeyInfo> {
        let key = match &self.config.signing_key {
            Some(k) => k.clone(),
            None => {
                let mut tx = self.store.begin().await?;
                let k = self.signing_key(&mut tx).await?;
                tx.commit().await?;
                k
            }
        };
        Ok(PublicKeyInfo {
            public_key: key.public_base64(),
            fingerprint: key.fingerprint(),
        })
    }

    /// A navigator verifies in writing to the Program Manager that an authority assigned to
    /// them met 213.50(a)(3) in `cycle` (213.50(b)(2)). Refused, listing what is missing,
    /// while any of those requirements is not met.
    pub async fn attest_navigator(
        &self,
        cap: &NavigatorAttester<'_>,
        cycle: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<StoredAttestation> {
        self.attest(
            AttestationKind::NavigatorA3,
            cap.actor(),
            cap.election_authority(),
            cycle,
            meta,
        )
        .await
    }

    /// The Program Manager verifies in writing to the Board that an authority met all of
    /// 213.50(a) in `cycle` (213.50(b)(1)). Refused, listing what is missing, while any of
    /// those requirements is not met.
    pub async fn attest_program_manager(
        &self,
        cap: &ProgramManagerAttester<'_>,
        cycle: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<StoredAttestation> {
        self.attest(
            AttestationKind::ProgramManagerA,
            cap.actor(),
            cap.election_authority(),
            cycle,
            meta,
        )
        .await
    }

    async fn attest(
        &self,
        kind: AttestationKind,
        actor: &Actor,
        ea: Uuid,
        cycle: Uuid,
        meta: &RequestMeta,
    ) -> AppResult<StoredAttestation> {
        let mut tx = self.store.begin().await?;
        let authority = tx.get_election_authority(ea).await?;
        let st = standing(&mut tx, ea, cycle).await?;
        if kind.requirements(&st.set).is_empty() {
            return Err(AppError::invalid(
                "kind",
                format!(
                    "the requirement set of {} ({} {}) has no requirement under {}; there is nothing to verify",
                    st.cycle.row.name,
                    st.set.id,
                    st.set.version,
                    kind.clause_attested()
                ),
            ));
        }
        let missing = unmet(kind, &st.set, &st.eligibility);
        if !missing.is_empty() {
            let mut errors = FieldErrors::new();
            for (r, reasons) in missing {
                errors.add(
                    "requirements",
                    format!(
                        "{} {} is not met: {} Record what is missing, then sign again.",
                        r.clause,
                        r.title,
                        reasons.join(" ")
                    ),
                );
            }
            return Err(AppError::Invalid(errors));
        }
        let signer = tx.get_user(actor.user_id).await?;
        let key = self.signing_key(&mut tx).await?;
        let at = now().replace_nanosecond(0).unwrap_or_else(|_| now());
        let requirements = attested_requirements(kind, &st.set, &st.facts, &st.eligibility);
        let id = Uuid::new_v4();
        let document = Attestation::new(
            id,
            AttestationInput {
                kind,
                election_authority: Named {
                    id: ea,
                    name: authority.authority.name.clone(),
                },
                grant_cycle: Named {
                    id: cycle,
                    name: st.cycle.row.name.clone(),
                },
                requirement_set: SetReference {
                    id: st.set.id.clone(),
                    version: st.set.version.clone(),
                    jurisdiction: st.set.jurisdiction.clone(),
                },
                requirements,
                signer: SignerInfo {
                    user_id: signer.id,
                    name: signer.name.clone(),
                    email: signer.email.clone(),
                    role: signer.role.clone(),
                },
                signed_at: at,
            },
        );
        let file = key.sign(document).map_err(|e| {
            AppError::Store(StoreError::Corrupt(format!(
                "attestation {id} has no canonical form: {e}"
            )))
        })?;
        let row = AttestationRow {
            id,
            kind: kind.as_str().into(),
            election_authority_id: ea,
            cycle_id: cycle,
            signer_id: signer.id,
            signed_at: at,
            facts_digest: file.document.facts_digest.clone(),
            key_fingerprint: file.key_fingerprint.clone(),
            file: file.to_file_text(),
        };
        tx.insert_attestation(&row).await?;
        audit::Entry::new("attestation.sign", "election_authority", ea)
            .changes(json!({
                "attestation": {"from": null, "to": id.to_string()},
                "kind": {"from": null, "to": kind.as_str()},
                "cycle": {"from": null, "to": cycle.to_string()},
                "facts_digest": {"from": null, "to": row.facts_digest},
                "key_fingerprint": {"from": null, "to": row.key_fingerprint},
            }))
            .commit(tx, actor, meta, at)
            .await?;
        Ok(StoredAttestation { row, file })
    }

    /// The attestations of an authority, latest first, each marked stale when the facts it
    /// rests on (or their standing) changed since it was signed. Everyone who may read the
    /// authority.
    pub async fn list_attestations(
        &self,
        reader: &RegistryReader<'_>,
        ea: Uuid,
    ) -> AppResult<Vec<ListedAttestation>> {
        if !reader.actor().ea_scope().contains(ea) {
            return Err(AppError::NotFound);
        }
        let mut tx = self.store.read().await?;
        tx.get_election_authority(ea).await?;
        let rows = tx.list_attestations(ea).await?;
        let mut current: HashMap<(Uuid, AttestationKind), String> = HashMap::new();
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let file = parse_file(&row)?;
            let kind = file.document.kind;
            let digest = match current.get(&(row.cycle_id, kind)) {
                Some(d) => d.clone(),
                None => {
                    let st = standing(&mut tx, ea, row.cycle_id).await?;
                    let d = facts_digest(&attested_requirements(
                        kind,
                        &st.set,
                        &st.facts,
                        &st.eligibility,
                    ));
                    current.insert((row.cycle_id, kind), d.clone());
                    d
                }
            };
            out.push(ListedAttestation {
                stale: digest != row.facts_digest,
                current_digest: digest,
                attestation: StoredAttestation { row, file },
            });
        }
        Ok(out)
    }

    /// One attestation, for anyone who may read its authority (others are told it does not
    /// exist).
    pub async fn get_attestation(
        &self,
        reader: &RegistryReader<'_>,
        id: Uuid,
    ) -> AppResult<StoredAttestation> {
        let mut tx = self.store.read().await?;
        let row = tx.get_attestation(id).await?;
        if !reader
            .actor()
            .ea_scope()
            .contains(row.election_authority_id)
        {
            return Err(AppError::NotFound);
        }
        let file = parse_file(&row)?;
        Ok(StoredAttestation { row, file })
    }

    /// One attestation with whether the facts changed since it was signed (for the letter
    /// page), for anyone who may read its authority (others are told it does not exist).
    pub async fn get_listed_attestation(
        &self,
        reader: &RegistryReader<'_>,
        id: Uuid,
    ) -> AppResult<ListedAttestation> {
        let mut tx = self.store.read().await?;
        let row = tx.get_attestation(id).await?;
        if !reader
            .actor()
            .ea_scope()
            .contains(row.election_authority_id)
        {
            return Err(AppError::NotFound);
        }
        let file = parse_file(&row)?;
        let st = standing(&mut tx, row.election_authority_id, row.cycle_id).await?;
        let digest = facts_digest(&attested_requirements(
            file.document.kind,
            &st.set,
            &st.facts,
            &st.eligibility,
        ));
        Ok(ListedAttestation {
            stale: digest != row.facts_digest,
            current_digest: digest,
            attestation: StoredAttestation { row, file },
        })
    }

    /// The printable letter of an attestation (PDF), for anyone who may read its authority.
    pub async fn attestation_letter(
        &self,
        reader: &RegistryReader<'_>,
        id: Uuid,
    ) -> AppResult<Vec<u8>> {
        let a = self.get_attestation(reader, id).await?;
        Ok(cybernav_formats::attestation_letter::letter(&a.file))
    }
}
