//! Written verification (Part 213.50(b)): signed attestation documents, their canonical form,
//! and the check anyone can run on a file.
//!
//! The rule asks for verification *in writing*: a Cyber Navigator verifies to the Program
//! Manager that an authority under their review met 213.50(a)(3) (risk assessment and CIS
//! analysis allowed and done), and the Program Manager verifies to the Board that an authority
//! met all of 213.50(a). An [`Attestation`] is that writing as data: who verifies what, for
//! which authority and grant cycle, the requirements and the facts behind them, and a SHA-256
//! digest of those facts. The platform signs the document's canonical JSON ([`canonical_json`],
//! in the style of RFC 8785) with Ed25519; the [`SignedFile`] carries the document, the public
//! key and the signature, so [`verify`] needs nothing but the file (and, to be sure who signed,
//! the key the Board publishes).

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use crate::eligibility::{Eligibility, Facts, Status};
use crate::requirements::{FactKey, Requirement, RequirementSet};

/// The `format` of every attestation document this version writes.
pub const FORMAT: &str = "cybernav-attestation/1";

// ---------------------------------------------------------------------------------------------
// Canonical JSON

/// Why a JSON value has no canonical form here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// Only integers are allowed: a float has more than one spelling.
    #[error("the number {0} is not an integer; attestation documents hold integers only")]
    NotInteger(String),
}

/// The canonical JSON text of `value`, in the style of RFC 8785 (JCS): object members sorted by
/// their keys' UTF-16 code units, no whitespace, strings escaped as ECMAScript's
/// `JSON.stringify` does, and integers only (a fraction or exponent is refused rather than
/// rounded, so two programs never disagree on a number's spelling).
pub fn canonical_json(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_canonical(value, &mut out)?;
    Ok(out)
}

fn write_canonical(value: &Value, out: &mut String) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else {
                return Err(CanonicalError::NotInteger(n.to_string()));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            // RFC 8785 3.2.3: sort by UTF-16 code units, which differs from byte order for
            // characters outside the Basic Multilingual Plane.
            entries.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_canonical(v, out)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{0C}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `sha256:` and the lowercase hex SHA-256 of `bytes`.
pub fn sha256_label(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

// ---------------------------------------------------------------------------------------------
// The document

/// Who verifies what, under which clause.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AttestationKind {
    /// A Cyber Navigator verifies 213.50(a)(3) to the Program Manager (213.50(b)(2)).
    NavigatorA3,
    /// The Program Manager verifies all of 213.50(a) to the Board (213.50(b)(1)).
    ProgramManagerA,
}

impl AttestationKind {
    /// Every kind.
    pub const ALL: [AttestationKind; 2] = [
        AttestationKind::NavigatorA3,
        AttestationKind::ProgramManagerA,
    ];

    /// The identifier files and APIs use.
    pub fn as_str(self) -> &'static str {
        match self {
            AttestationKind::NavigatorA3 => "navigator_a3",
            AttestationKind::ProgramManagerA => "program_manager_a",
        }
    }

    /// The kind named `s`, or a message listing the kinds.
    pub fn parse(s: &str) -> Result<AttestationKind, String> {
        AttestationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim())
            .ok_or_else(|| {
                format!(
                    "unknown kind \"{s}\"; use navigator_a3 (a navigator verifies 213.50(a)(3)) or program_manager_a (the Program Manager verifies 213.50(a))"
                )
            })
    }

    /// The clause whose requirements it verifies.
    pub fn clause_attested(self) -> &'static str {
        match self {
            AttestationKind::NavigatorA3 => "213.50(a)(3)",
            AttestationKind::ProgramManagerA => "213.50(a)",
        }
    }

    /// The clause that asks for it.
    pub fn clause_required_by(self) -> &'static str {
        match self {
            AttestationKind::NavigatorA3 => "213.50(b)(2)",
            AttestationKind::ProgramManagerA => "213.50(b)(1)",
        }
    }

    /// To whom it is given.
    pub fn addressee(self) -> &'static str {
        match self {
            AttestationKind::NavigatorA3 => "The Program Manager, Cyber Navigator Program",
            AttestationKind::ProgramManagerA => "The State Board of Elections",
        }
    }

    /// Whether a requirement with clause `clause` (which may list several, separated by
    /// commas, e.g. `213.50(a)(3), 213.50(b)(2)`) is among those this kind verifies.
    pub fn covers(self, clause: &str) -> bool {
        clause
            .split(',')
            .any(|c| c.trim().starts_with(self.clause_attested()))
    }

    /// The requirements of `set` this kind verifies, in the set's order.
    pub fn requirements(self, set: &RequirementSet) -> Vec<&Requirement> {
        set.requirements
            .iter()
            .filter(|r| self.covers(&r.clause))
            .collect()
    }
}

/// A thing named in the document by id and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    /// Id.
    pub id: Uuid,
    /// Name at the time of signing.
    pub name: String,
}

/// The requirement set the facts were judged against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetReference {
    /// Set id, e.g. `il-part-213`.
    pub id: String,
    /// Version.
    pub version: String,
    /// Its state or program, e.g. `Illinois`.
    pub jurisdiction: String,
}

/// One recorded fact, as it stood when signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestedFact {
    /// The fact's name, e.g. `assessment.allowed`.
    pub fact: String,
    /// Whether it held.
    pub holds: bool,
    /// Since when (`YYYY-MM-DD`), where recorded.
    pub on: Option<String>,
}

/// One requirement, its standing and the facts behind it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttestedRequirement {
    /// Requirement id in its set.
    pub id: String,
    /// Its clause.
    pub clause: String,
    /// Its title.
    pub title: String,
    /// `met`, `open` or `overdue` when signed (only `met` is ever signed).
    pub status: String,
    /// The facts its condition names.
    pub facts: Vec<AttestedFact>,
}

/// Who signed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignerInfo {
    /// Account id.
    pub user_id: Uuid,
    /// Full name.
    pub name: String,
    /// E-mail.
    pub email: String,
    /// Role identifier, e.g. `navigator`.
    pub role: String,
}

/// A written verification, before or after signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attestation {
    /// Always [`FORMAT`].
    pub format: String,
    /// Id.
    pub id: Uuid,
    /// What is verified, by whom.
    pub kind: AttestationKind,
    /// The clause verified (`213.50(a)(3)` or `213.50(a)`).
    pub clause: String,
    /// The clause that asks for the verification.
    pub required_by: String,
    /// The election authority.
    pub election_authority: Named,
    /// The grant cycle.
    pub grant_cycle: Named,
    /// The requirement set.
    pub requirement_set: SetReference,
    /// The requirements verified, with their facts.
    pub requirements: Vec<AttestedRequirement>,
    /// [`facts_digest`] of `requirements`.
    pub facts_digest: String,
    /// To whom it is given.
    pub addressee: String,
    /// What the signer verifies, in plain language.
    pub statement: String,
    /// Who signed.
    pub signer: SignerInfo,
    /// When, RFC 3339 UTC to the second.
    pub signed_at: String,
}

/// The SHA-256 digest of the attested requirements' canonical JSON: what changes when any
/// fact, date or status behind the attestation changes.
pub fn facts_digest(requirements: &[AttestedRequirement]) -> String {
    let value = serde_json::to_value(requirements).unwrap_or(Value::Null);
    // Attested requirements hold strings and booleans only, so the canonical form exists.
    let text = canonical_json(&value).unwrap_or_default();
    sha256_label(text.as_bytes())
}

/// The requirements `kind` verifies, with their standing in `eligibility` and their facts.
pub fn attested_requirements(
    kind: AttestationKind,
    set: &RequirementSet,
    facts: &Facts,
    eligibility: &Eligibility,
) -> Vec<AttestedRequirement> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    kind.requirements(set)
        .into_iter()
        .map(|r| {
            let status = eligibility
                .requirements
                .iter()
                .find(|s| s.id == r.id)
                .map_or(Status::Open, |s| s.status);
            AttestedRequirement {
                id: r.id.clone(),
                clause: r.clause.clone(),
                title: r.title.clone(),
                status: status.as_str().to_string(),
                facts: r
                    .condition
                    .facts()
                    .iter()
                    .map(|f| {
                        let v = facts.value(*f, &r.id);
                        AttestedFact {
                            fact: match f {
                                FactKey::Checked => format!("checked:{}", r.id),
                                other => other.as_str().to_string(),
                            },
                            holds: v.holds,
                            on: v.on.and_then(|d| d.format(format).ok()),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// What the document needs besides the requirements.
#[derive(Debug, Clone)]
pub struct AttestationInput {
    /// The kind.
    pub kind: AttestationKind,
    /// The authority.
    pub election_authority: Named,
    /// The cycle.
    pub grant_cycle: Named,
    /// The set.
    pub requirement_set: SetReference,
    /// The requirements and facts ([`attested_requirements`]).
    pub requirements: Vec<AttestedRequirement>,
    /// The signer.
    pub signer: SignerInfo,
    /// When.
    pub signed_at: OffsetDateTime,
}

impl Attestation {
    /// The document for `input`, with its digest and statement.
    pub fn new(id: Uuid, input: AttestationInput) -> Attestation {
        let kind = input.kind;
        let signed_at = input
            .signed_at
            .to_offset(time::UtcOffset::UTC)
            .replace_nanosecond(0)
            .unwrap_or(input.signed_at);
        let statement = statement(
            kind,
            &input.signer.name,
            &input.election_authority.name,
            &input.grant_cycle.name,
        );
        Attestation {
            format: FORMAT.to_string(),
            id,
            kind,
            clause: kind.clause_attested().to_string(),
            required_by: kind.clause_required_by().to_string(),
            election_authority: input.election_authority,
            grant_cycle: input.grant_cycle,
            requirement_set: input.requirement_set,
            facts_digest: facts_digest(&input.requirements),
            requirements: input.requirements,
            addressee: kind.addressee().to_string(),
            statement,
            signer: input.signer,
            signed_at: signed_at.format(&Rfc3339).unwrap_or_default(),
        }
    }
}

/// The plain-language statement of a verification.
fn statement(kind: AttestationKind, signer: &str, authority: &str, cycle: &str) -> String {
    match kind {
        AttestationKind::NavigatorA3 => format!(
            "I, {signer}, Cyber Navigator, verify to the Program Manager that {authority} allowed the Cyber Navigators to complete a risk assessment and an analysis against the Center for Internet Security's recommended procedures, and that both were completed, as 26 Ill. Adm. Code 213.50(a)(3) requires, for the grant cycle {cycle}. The requirements and the recorded facts this verification rests on are listed below. Given in writing under 213.50(b)(2)."
        ),
        AttestationKind::ProgramManagerA => format!(
            "I, {signer}, Program Manager of the Cyber Navigator Program, verify to the State Board of Elections that {authority} has met the minimum requirements of 26 Ill. Adm. Code 213.50(a) for the grant cycle {cycle}. The requirements and the recorded facts this verification rests on are listed below. Given in writing under 213.50(b)(1)."
        ),
    }
}

// ---------------------------------------------------------------------------------------------
// Keys, signing and verification

/// The platform's Ed25519 signing key. Its `Debug` never prints the secret.
#[derive(Clone)]
pub struct PlatformKey(SigningKey);

impl std::fmt::Debug for PlatformKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlatformKey")
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

impl PlatformKey {
    /// A new random key.
    pub fn generate() -> PlatformKey {
        let mut seed = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut seed);
        PlatformKey(SigningKey::from_bytes(&seed))
    }

    /// The key whose 32-byte secret is `b64` (standard base64, surrounding whitespace ignored).
    pub fn from_base64(b64: &str) -> Result<PlatformKey, String> {
        let bytes = B64
            .decode(b64.trim())
            .map_err(|_| "the signing key is not base64".to_string())?;
        let seed: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
            format!(
                "the signing key is {} bytes; an Ed25519 secret key is 32 bytes (base64 of 32 random bytes, e.g. `openssl rand -base64 32`)",
                b.len()
            )
        })?;
        Ok(PlatformKey(SigningKey::from_bytes(&seed)))
    }

    /// The secret as base64, for the store.
    pub fn secret_base64(&self) -> String {
        B64.encode(self.0.to_bytes())
    }

    /// The public key as base64.
    pub fn public_base64(&self) -> String {
        B64.encode(self.0.verifying_key().to_bytes())
    }

    /// The public key.
    pub fn public_key(&self) -> VerifyingKey {
        self.0.verifying_key()
    }

    /// [`fingerprint`] of the public key.
    pub fn fingerprint(&self) -> String {
        fingerprint(&self.0.verifying_key())
    }

    /// Signs `document`: the signature covers its canonical JSON.
    pub fn sign(&self, document: Attestation) -> Result<SignedFile, CanonicalError> {
        let value = serde_json::to_value(&document).unwrap_or(Value::Null);
        let text = canonical_json(&value)?;
        let signature = self.0.sign(text.as_bytes());
        Ok(SignedFile {
            document,
            public_key: self.public_base64(),
            key_fingerprint: self.fingerprint(),
            signature: B64.encode(signature.to_bytes()),
        })
    }
}

/// `sha256:` and the hex SHA-256 of the 32 public-key bytes.
pub fn fingerprint(key: &VerifyingKey) -> String {
    sha256_label(key.as_bytes())
}

/// The public key written as base64.
pub fn parse_public_key(b64: &str) -> Result<VerifyingKey, VerifyError> {
    let bytes = B64
        .decode(b64.trim())
        .map_err(|_| VerifyError::BadPublicKey("it is not base64".into()))?;
    let bytes: [u8; 32] = bytes.try_into().map_err(|b: Vec<u8>| {
        VerifyError::BadPublicKey(format!(
            "it is {} bytes; an Ed25519 public key is 32",
            b.len()
        ))
    })?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| VerifyError::BadPublicKey("it is not a point on the curve".into()))
}

/// A signed attestation file: the document, the key that signed it and the signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedFile {
    /// The document.
    pub document: Attestation,
    /// The Ed25519 public key, base64.
    pub public_key: String,
    /// [`fingerprint`] of the public key.
    pub key_fingerprint: String,
    /// The Ed25519 signature of the document's canonical JSON, base64.
    pub signature: String,
}

impl SignedFile {
    /// The file as people download it (pretty JSON; [`verify`] does not depend on layout).
    pub fn to_file_text(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).unwrap_or_default();
        s.push('\n');
        s
    }

    /// `sha256:` and the hex SHA-256 of the signature bytes, to quote on a printed letter.
    pub fn signature_fingerprint(&self) -> String {
        match B64.decode(&self.signature) {
            Ok(bytes) => sha256_label(&bytes),
            Err(_) => String::new(),
        }
    }
}

/// What does not match in an attestation file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The file is not JSON.
    #[error("the file is not JSON: {0}")]
    NotJson(String),
    /// JSON, but not an attestation file.
    #[error("the file is not a cybernav attestation: {0}")]
    Shape(String),
    /// The public key in the file (or the one expected) does not parse.
    #[error("the public key is not an Ed25519 key: {0}")]
    BadPublicKey(String),
    /// The fingerprint written in the file is not that of its public key.
    #[error(
        "the key fingerprint in the file ({stated}) is not that of the public key in the file ({actual})"
    )]
    FingerprintMismatch {
        /// As written.
        stated: String,
        /// Of the key.
        actual: String,
    },
    /// Signed by a key other than the one expected.
    #[error(
        "the file was signed with key {found}, not with the expected key {expected}: it was not signed by this platform"
    )]
    KeyDiffers {
        /// Fingerprint of the expected key.
        expected: String,
        /// Fingerprint of the key in the file.
        found: String,
    },
    /// The signature is not the key's signature of the document.
    #[error(
        "the signature does not match the content: the document was changed after it was signed"
    )]
    BadSignature,
    /// The digest in the document is not that of the facts it lists.
    #[error(
        "the facts digest in the document ({stated}) does not match the facts it lists ({actual})"
    )]
    DigestMismatch {
        /// As written.
        stated: String,
        /// Of the facts listed.
        actual: String,
    },
}

/// Checks an attestation file: it parses, its key and fingerprint agree, the key is
/// `expected_key` when one is given, the signature covers the document exactly, and the facts
/// digest is that of the facts listed. Returns the file when everything matches.
pub fn verify(file: &[u8], expected_key: Option<&VerifyingKey>) -> Result<SignedFile, VerifyError> {
    let value: Value =
        serde_json::from_slice(file).map_err(|e| VerifyError::NotJson(e.to_string()))?;
    let obj = value
        .as_object()
        .ok_or_else(|| VerifyError::Shape("it is not a JSON object".into()))?;
    let field = |name: &str| -> Result<&str, VerifyError> {
        obj.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| VerifyError::Shape(format!("the field \"{name}\" is missing")))
    };
    let document = obj
        .get("document")
        .filter(|d| d.is_object())
        .ok_or_else(|| VerifyError::Shape("the field \"document\" is missing".into()))?;
    let key = parse_public_key(field("public_key")?)?;
    let actual = fingerprint(&key);
    let stated = field("key_fingerprint")?;
    if stated != actual {
        return Err(VerifyError::FingerprintMismatch {
            stated: stated.to_string(),
            actual,
        });
    }
    if let Some(expected) = expected_key
        && expected != &key
    {
        return Err(VerifyError::KeyDiffers {
            expected: fingerprint(expected),
            found: actual,
        });
    }
    let sig_bytes = B64
        .decode(field("signature")?)
        .map_err(|_| VerifyError::Shape("the signature is not base64".into()))?;
    let signature = Signature::from_slice(&sig_bytes)
        .map_err(|_| VerifyError::Shape("the signature is not 64 bytes".into()))?;
    let text = canonical_json(document).map_err(|e| VerifyError::Shape(e.to_string()))?;
    key.verify_strict(text.as_bytes(), &signature)
        .map_err(|_| VerifyError::BadSignature)?;
    let signed: SignedFile = serde_json::from_value(value.clone())
        .map_err(|e| VerifyError::Shape(format!("the document does not parse: {e}")))?;
    if signed.document.format != FORMAT {
        return Err(VerifyError::Shape(format!(
            "format \"{}\" is not {FORMAT}",
            signed.document.format
        )));
    }
    let digest = facts_digest(&signed.document.requirements);
    if digest != signed.document.facts_digest {
        return Err(VerifyError::DigestMismatch {
            stated: signed.document.facts_digest.clone(),
            actual: digest,
        });
    }
    Ok(signed)
}

/// The requirements of `kind` that are not met in `eligibility`, each with its reasons.
pub fn unmet<'a>(
    kind: AttestationKind,
    set: &'a RequirementSet,
    eligibility: &Eligibility,
) -> Vec<(&'a Requirement, Vec<String>)> {
    let reasons: BTreeMap<&str, (&Status, &Vec<String>)> = eligibility
        .requirements
        .iter()
        .map(|r| (r.id.as_str(), (&r.status, &r.reasons)))
        .collect();
    kind.requirements(set)
        .into_iter()
        .filter_map(|r| match reasons.get(r.id.as_str()) {
            Some((Status::Met, _)) => None,
            Some((_, why)) => Some((r, (*why).clone())),
            None => Some((r, vec!["It was not evaluated.".to_string()])),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use time::macros::{date, datetime};

    use super::*;
    use crate::eligibility::{FactValue, evaluate};
    use crate::requirements::{Condition, DueRule, Owner};

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let v: Value = serde_json::from_str(
            r#"{ "b": [1, 2, {"z": null, "a": true}], "a": "x", "aa": -7, "A": false }"#,
        )
        .unwrap();
        assert_eq!(
            canonical_json(&v).unwrap(),
            r#"{"A":false,"a":"x","aa":-7,"b":[1,2,{"a":true,"z":null}]}"#
        );
    }

    #[test]
    fn canonical_json_escapes_like_json_stringify() {
        let v = json!("q\"b\\n\n\t\u{1}\u{7f}é€😀\u{2028}");
        assert_eq!(
            canonical_json(&v).unwrap(),
            "\"q\\\"b\\\\n\\n\\t\\u0001\u{7f}é€😀\u{2028}\""
        );
    }

    #[test]
    fn canonical_json_orders_keys_by_utf16_code_units() {
        // RFC 8785 3.2.3's example: U+1F600 (surrogates D83D DE00) sorts before U+FB33 in
        // UTF-16, though after it in UTF-8 byte order.
        let v = json!({"\u{fb33}": 1, "\u{1f600}": 2, "\r": 3, "1": 4});
        assert_eq!(
            canonical_json(&v).unwrap(),
            "{\"\\r\":3,\"1\":4,\"\u{1f600}\":2,\"\u{fb33}\":1}"
        );
    }

    #[test]
    fn canonical_json_refuses_floats_and_keeps_big_integers() {
        assert_eq!(
            canonical_json(&json!({"x": 1.5})),
            Err(CanonicalError::NotInteger("1.5".into()))
        );
        assert_eq!(
            canonical_json(&json!([u64::MAX, i64::MIN])).unwrap(),
            format!("[{},{}]", u64::MAX, i64::MIN)
        );
    }

    #[test]
    fn canonical_json_does_not_depend_on_layout() {
        let a: Value = serde_json::from_str("{\"k\":[1,{\"y\":\"v\",\"x\":2}]}").unwrap();
        let b: Value =
            serde_json::from_str("{\n  \"k\" : [ 1 ,\n { \"x\": 2, \"y\": \"v\" } ]\n}\n").unwrap();
        assert_eq!(canonical_json(&a).unwrap(), canonical_json(&b).unwrap());
    }

    fn set() -> RequirementSet {
        let req = |id: &str, clause: &str, facts: Vec<FactKey>| Requirement {
            id: id.into(),
            clause: clause.into(),
            title: id.into(),
            text: "text".into(),
            owner: Owner::ElectionOffice,
            condition: Condition::All(facts),
            due: DueRule::CertificationDeadline,
        };
        RequirementSet {
            id: "il-part-213".into(),
            version: "2019-05-21".into(),
            title: "Illinois".into(),
            jurisdiction: "Illinois".into(),
            requirements: vec![
                req(
                    "certification",
                    "213.50",
                    vec![FactKey::CertificationOnTime],
                ),
                req(
                    "data_sharing",
                    "213.50(a)(2)(B)",
                    vec![FactKey::DataSharingEstablished],
                ),
                req(
                    "assessment_allowed",
                    "213.50(a)(3)",
                    vec![FactKey::AssessmentAllowed],
                ),
                req(
                    "assessment_completed",
                    "213.50(a)(3), 213.50(b)(2)",
                    vec![FactKey::RiskAssessmentDone, FactKey::CisAnalysisDone],
                ),
            ],
        }
    }

    fn facts() -> Facts {
        let mut f = Facts::default();
        f.facts.insert(FactKey::AssessmentAllowed, FactValue::yes());
        f.facts.insert(
            FactKey::RiskAssessmentDone,
            FactValue::since(date!(2026 - 02 - 03)),
        );
        f.facts.insert(
            FactKey::CisAnalysisDone,
            FactValue::since(date!(2026 - 02 - 10)),
        );
        f
    }

    fn document(f: &Facts) -> Attestation {
        let s = set();
        let e = evaluate(&s, f, date!(2026 - 03 - 15), date!(2026 - 03 - 01));
        Attestation::new(
            Uuid::nil(),
            AttestationInput {
                kind: AttestationKind::NavigatorA3,
                election_authority: Named {
                    id: Uuid::nil(),
                    name: "Adams County Clerk".into(),
                },
                grant_cycle: Named {
                    id: Uuid::nil(),
                    name: "2027 HAVA".into(),
                },
                requirement_set: SetReference {
                    id: s.id.clone(),
                    version: s.version.clone(),
                    jurisdiction: s.jurisdiction.clone(),
                },
                requirements: attested_requirements(AttestationKind::NavigatorA3, &s, f, &e),
                signer: SignerInfo {
                    user_id: Uuid::nil(),
                    name: "Nora Navigator".into(),
                    email: "nora@elections.il.example".into(),
                    role: "navigator".into(),
                },
                signed_at: datetime!(2026-03-01 15:04:05.678 -6),
            },
        )
    }

    #[test]
    fn kinds_cover_their_clauses() {
        let s = set();
        let ids = |k: AttestationKind| -> Vec<String> {
            k.requirements(&s).iter().map(|r| r.id.clone()).collect()
        };
        assert_eq!(
            ids(AttestationKind::NavigatorA3),
            ["assessment_allowed", "assessment_completed"]
        );
        assert_eq!(
            ids(AttestationKind::ProgramManagerA),
            ["data_sharing", "assessment_allowed", "assessment_completed"],
            "the certification (213.50, not (a)) is the county's, not verified"
        );
        assert!(AttestationKind::parse("navigator_a4").is_err());
        assert_eq!(
            AttestationKind::parse("program_manager_a"),
            Ok(AttestationKind::ProgramManagerA)
        );
    }

    #[test]
    fn the_document_records_facts_dates_and_a_digest() {
        let d = document(&facts());
        assert_eq!(d.signed_at, "2026-03-01T21:04:05Z");
        assert_eq!(d.requirements.len(), 2);
        assert_eq!(d.requirements[1].status, "met");
        assert_eq!(d.requirements[1].facts[0].on.as_deref(), Some("2026-02-03"));
        assert!(d.statement.contains("Adams County Clerk"));
        assert!(d.facts_digest.starts_with("sha256:"));
        let mut changed = facts();
        changed.facts.insert(
            FactKey::CisAnalysisDone,
            FactValue::since(date!(2026 - 02 - 11)),
        );
        assert_ne!(document(&changed).facts_digest, d.facts_digest);
        assert_eq!(document(&facts()).facts_digest, d.facts_digest);
    }

    #[test]
    fn unmet_lists_the_requirements_with_reasons() {
        let s = set();
        let mut f = facts();
        f.facts.remove(&FactKey::CisAnalysisDone);
        let e = evaluate(&s, &f, date!(2026 - 03 - 15), date!(2026 - 03 - 01));
        let u = unmet(AttestationKind::NavigatorA3, &s, &e);
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].0.id, "assessment_completed");
        assert_eq!(u[0].1, ["Not yet: CIS analysis done by the navigators."]);
        assert_eq!(unmet(AttestationKind::ProgramManagerA, &s, &e).len(), 2);
    }

    #[test]
    fn a_signed_file_verifies_and_any_change_is_caught() {
        let key = PlatformKey::generate();
        let file = key.sign(document(&facts())).unwrap();
        let text = file.to_file_text();
        let ok = verify(text.as_bytes(), Some(&key.public_key())).unwrap();
        assert_eq!(ok, file);
        assert!(verify(text.as_bytes(), None).is_ok());
        // Layout does not matter.
        let compact = serde_json::to_string(&file).unwrap();
        assert!(verify(compact.as_bytes(), None).is_ok());

        // One character of a fact's date.
        let tampered = text.replacen("2026-02-03", "2026-02-04", 1);
        assert_ne!(tampered, text);
        assert_eq!(
            verify(tampered.as_bytes(), None),
            Err(VerifyError::BadSignature)
        );
        // A field added to the document.
        let mut v: Value = serde_json::from_str(&text).unwrap();
        v["document"]["note"] = json!("added later");
        assert_eq!(
            verify(v.to_string().as_bytes(), None),
            Err(VerifyError::BadSignature)
        );
        // Another key.
        let other = PlatformKey::generate();
        assert!(matches!(
            verify(text.as_bytes(), Some(&other.public_key())),
            Err(VerifyError::KeyDiffers { .. })
        ));
        // Re-signed by another key, with the file's key swapped: caught only by the expected
        // key, which is why the Board publishes it.
        let forged = other.sign(file.document.clone()).unwrap().to_file_text();
        assert!(verify(forged.as_bytes(), None).is_ok());
        assert!(matches!(
            verify(forged.as_bytes(), Some(&key.public_key())),
            Err(VerifyError::KeyDiffers { .. })
        ));
        // A fingerprint that is not the key's.
        let mut v: Value = serde_json::from_str(&text).unwrap();
        v["key_fingerprint"] = json!("sha256:00");
        assert!(matches!(
            verify(v.to_string().as_bytes(), None),
            Err(VerifyError::FingerprintMismatch { .. })
        ));
        // Not JSON; not an attestation.
        assert!(matches!(
            verify(b"{not json", None),
            Err(VerifyError::NotJson(_))
        ));
        assert!(matches!(verify(b"[]", None), Err(VerifyError::Shape(_))));
    }

    #[test]
    fn a_digest_that_does_not_match_its_facts_is_caught_even_when_signed() {
        let key = PlatformKey::generate();
        let mut d = document(&facts());
        d.facts_digest = "sha256:0000".into();
        let text = key.sign(d).unwrap().to_file_text();
        assert!(matches!(
            verify(text.as_bytes(), None),
            Err(VerifyError::DigestMismatch { .. })
        ));
    }

    #[test]
    fn keys_round_trip_and_never_print_their_secret() {
        let key = PlatformKey::generate();
        let again = PlatformKey::from_base64(&key.secret_base64()).unwrap();
        assert_eq!(again.public_base64(), key.public_base64());
        assert!(!format!("{key:?}").contains(&key.secret_base64()));
        assert!(
            PlatformKey::from_base64("c2hvcnQ=")
                .unwrap_err()
                .contains("32 bytes")
        );
        assert_eq!(
            parse_public_key(&key.public_base64()).unwrap(),
            key.public_key()
        );
        assert!(parse_public_key("!!").is_err());
    }
}
