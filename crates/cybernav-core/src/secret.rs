//! Secrets: passwords (argon2id), bearer and session tokens (random, stored as SHA-256),
//! recovery codes. Nothing here ever logs or formats a secret.

use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use argon2::{Argon2, PasswordHash};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// Prefix of API tokens, so secret scanners and people recognise a leaked one.
pub const API_TOKEN_PREFIX: &str = "cnv_";

/// A fresh random token: 32 bytes from the OS, base64url without padding.
pub fn generate_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// A fresh API token, `cnv_` followed by 43 base64url characters.
pub fn generate_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", generate_token())
}

/// The SHA-256 of a token, hex-encoded: what the database stores instead of the token.
/// Tokens are 256-bit random values, so a fast hash is enough (no dictionary to attack).
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two strings in constant time (for CSRF tokens and the like).
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

/// Why a password was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PasswordPolicyError {
    /// Too short.
    #[error("must be at least {0} characters; a phrase of several words is easiest to remember")]
    TooShort(usize),
    /// Too long.
    #[error("must be at most {0} characters")]
    TooLong(usize),
    /// Contains the e-mail name.
    #[error("must not contain your e-mail name")]
    ContainsEmail,
    /// A well-known password.
    #[error("is one of the most common passwords; choose another")]
    Common,
}

/// Minimum password length (NIST SP 800-63B allows 8; we ask 12 for privileged programs).
pub const MIN_PASSWORD_LEN: usize = 12;
const MAX_PASSWORD_LEN: usize = 128;
const COMMON: &[&str] = &[
    "password1234",
    "123456789012",
    "qwertyuiopas",
    "passwordpassword",
    "election2024",
    "elections2024",
    "election2026",
    "illinois2026",
    "changeme1234",
    "welcome12345",
    "letmein12345",
    "administrator",
];

/// Checks a new password against the policy: length 12..=128, not the e-mail's local part,
/// not a well-known password.
pub fn check_password_policy(password: &str, email: &str) -> Result<(), PasswordPolicyError> {
    let len = password.chars().count();
    if len < MIN_PASSWORD_LEN {
        return Err(PasswordPolicyError::TooShort(MIN_PASSWORD_LEN));
    }
    if len > MAX_PASSWORD_LEN {
        return Err(PasswordPolicyError::TooLong(MAX_PASSWORD_LEN));
    }
    let lower = password.to_lowercase();
    let local = email.split('@').next().unwrap_or_default().to_lowercase();
    if local.len() >= 4 && lower.contains(&local) {
        return Err(PasswordPolicyError::ContainsEmail);
    }
    if COMMON.contains(&lower.as_str()) {
        return Err(PasswordPolicyError::Common);
    }
    Ok(())
}

/// Hashes a password with argon2id (the crate's default parameters: 19 MiB, 2 passes).
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    match Argon2::default().hash_password(password.as_bytes(), &salt) {
        Ok(hash) => hash.to_string(),
        // Only fails for parameter errors, which the defaults cannot produce.
        Err(e) => unreachable!("argon2 with default parameters failed: {e}"),
    }
}

/// Verifies a password against a stored hash. A malformed hash never matches.
pub fn verify_password(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the same time as a real verification, for logins to accounts that do not exist,
/// so response time does not reveal whether an e-mail has an account.
pub fn verify_password_decoy(password: &str) {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let hash = DECOY.get_or_init(|| hash_password("decoy password never used"));
    let _ = verify_password(password, hash);
}

/// Ten fresh one-time recovery codes such as `k7p2-9xqd`, shown once to the person.
pub fn generate_recovery_codes() -> Vec<String> {
    const ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";
    (0..10)
        .map(|_| {
            let mut bytes = [0u8; 8];
            rand::rngs::OsRng.fill_bytes(&mut bytes);
            let chars: String = bytes
                .iter()
                .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
                .collect();
            format!("{}-{}", &chars[..4], &chars[4..])
        })
        .collect()
}

/// Normalises a typed recovery code (case, spaces, missing dash) before hashing.
pub fn normalise_recovery_code(typed: &str) -> String {
    let s: String = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if s.len() == 8 {
        format!("{}-{}", &s[..4], &s[4..])
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let a = generate_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, generate_token());
        assert_eq!(hash_token(&a).len(), 64);
        assert_ne!(hash_token(&a), a);
        assert!(generate_api_token().starts_with("cnv_"));
    }

    #[test]
    fn passwords_verify() {
        let h = hash_password("correct horse battery");
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn policy() {
        assert_eq!(
            check_password_policy("short", "a@b.c"),
            Err(PasswordPolicyError::TooShort(12))
        );
        assert_eq!(
            check_password_policy("my name is jsmith ok", "jsmith@adams.gov"),
            Err(PasswordPolicyError::ContainsEmail)
        );
        assert_eq!(
            check_password_policy("Password1234", "a@b.c"),
            Err(PasswordPolicyError::Common)
        );
        assert!(check_password_policy("purple elephants vote early", "a@b.c").is_ok());
    }

    #[test]
    fn recovery_codes() {
        let codes = generate_recovery_codes();
        assert_eq!(codes.len(), 10);
        assert!(
            codes
                .iter()
                .all(|c| c.len() == 9 && c.as_bytes()[4] == b'-')
        );
        assert_eq!(normalise_recovery_code(" K7P2 9XQD "), "k7p2-9xqd");
    }

    #[test]
    fn constant_time_compare() {
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
